//! The speech models, shared by the desktop app and the CLI: which file to use (an explicit
//! `WHISPER_MODEL`, a `.bin` in the config, the one provisioned in the data directory, or the
//! one shipped with the package), provisioning it on first use with progress and cancel, and
//! loading it once. Two models: the draft model (`communication.whisper_model`) reads what is
//! shown while the candidate speaks, and the answer model (`communication.answer_model`,
//! optional) reads each finished answer again, more accurately, before it is sent.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use mockint_domain::ipc::{SpeechModelView, SpeechProgress};
use mockint_media::transcribe::Transcriber;
use tokio::sync::OnceCell;

use crate::{AppError, Settings};

/// The speech models of this run.
pub struct SpeechModels {
    drafts: SpeechModel,
    /// None when answers are read by the draft model.
    answers: Option<SpeechModel>,
    cancel: Arc<AtomicBool>,
}

/// One whisper model: where it comes from, and its loaded weights.
struct SpeechModel {
    /// The configured name (`tiny.en`, `base`, or a `.bin` path).
    name: String,
    /// A file given explicitly (`WHISPER_MODEL` or a `.bin` path in the config).
    explicit: Option<PathBuf>,
    /// Where a provisioned model lives.
    data_dir: PathBuf,
    /// The model shipped with the package, if any (the desktop app's resources).
    bundled: Option<PathBuf>,
    loaded: OnceCell<Arc<Transcriber>>,
}

impl SpeechModels {
    /// The speech models for these settings; `bundled` is the packaged model file, if any.
    pub fn new(settings: &Settings, bundled: Option<PathBuf>) -> Self {
        let voice = &settings.config.communication;
        let bundled = bundled
            .or_else(packaged_model)
            .filter(|path| path.is_file());
        let explicit_drafts = std::env::var("WHISPER_MODEL")
            .ok()
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from);
        let drafts = SpeechModel::new(
            voice.whisper_model.trim(),
            explicit_drafts,
            settings,
            bundled.clone(),
        );
        let answers = Some(voice.answer_model.trim())
            .filter(|name| !name.is_empty())
            .map(|name| SpeechModel::new(name, None, settings, bundled))
            .filter(|answers| answers.path() != drafts.path());
        Self {
            drafts,
            answers,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The file the draft model is (or will be) read from.
    pub fn path(&self) -> PathBuf {
        self.drafts.path()
    }

    /// The file the answer model is (or will be) read from; None when answers are read by the
    /// draft model.
    pub fn answer_path(&self) -> Option<PathBuf> {
        self.answers.as_ref().map(SpeechModel::path)
    }

    /// Makes the models ready: nothing to do for a given or shipped file, else each is
    /// downloaded and converted once, reporting each step to `progress`. The draft model must
    /// be ready; when the answer model cannot be (no network, cancelled), answers are read by
    /// the draft model and the view says why.
    pub async fn prepare(
        &self,
        progress: impl Fn(SpeechProgress) + Send + Sync + Clone + 'static,
    ) -> Result<SpeechModelView, AppError> {
        self.cancel.store(false, Ordering::Relaxed);
        let mut view = self.drafts.prepare(progress.clone(), &self.cancel).await?;
        if let Some(answers) = &self.answers {
            let label = format!("answer model ({})", answers.name);
            let labelled = move |step: SpeechProgress| {
                progress(SpeechProgress {
                    stage: format!("{label}: {}", step.stage),
                    ..step
                })
            };
            if let Err(error) = answers.prepare(labelled, &self.cancel).await {
                tracing::warn!(%error, operation = "speech_model", "answers are read by the draft model");
                view.answer_model_unavailable = Some(format!(
                    "answers are read by {} for now: the answer model '{}' is not ready ({error})",
                    self.drafts.name, answers.name
                ));
            }
        }
        Ok(view)
    }

    /// Asks a download in progress to stop (what was fetched is kept for the next try).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The loaded draft model, preparing and loading it on first use.
    pub async fn transcriber(&self) -> Result<Arc<Transcriber>, AppError> {
        self.cancel.store(false, Ordering::Relaxed);
        self.drafts.transcriber(&self.cancel).await
    }

    /// The loaded answer model, if one is configured and its file is ready (it is never
    /// downloaded here: [`SpeechModels::prepare`] does that).
    pub async fn answer_transcriber(&self) -> Option<Result<Arc<Transcriber>, AppError>> {
        let answers = self.answers.as_ref()?;
        if !answers.path().is_file() {
            return None;
        }
        Some(answers.transcriber(&self.cancel).await)
    }
}

impl SpeechModel {
    fn new(
        configured: &str,
        explicit: Option<PathBuf>,
        settings: &Settings,
        bundled: Option<PathBuf>,
    ) -> Self {
        let explicit = explicit.or_else(|| {
            configured
                .ends_with(".bin")
                .then(|| PathBuf::from(configured))
        });
        Self {
            name: configured.to_string(),
            explicit,
            data_dir: settings.data_dir.clone(),
            bundled,
            loaded: OnceCell::new(),
        }
    }

    /// The file the model is (or will be) read from.
    fn path(&self) -> PathBuf {
        if let Some(path) = &self.explicit {
            return path.clone();
        }
        let provisioned = mockint_media::model::model_path(&self.data_dir, &self.name);
        match &self.bundled {
            Some(bundled) if !provisioned.is_file() && self.name == BUNDLED_NAME => bundled.clone(),
            _ => provisioned,
        }
    }

    async fn prepare(
        &self,
        progress: impl Fn(SpeechProgress) + Send + Sync + 'static,
        cancel: &Arc<AtomicBool>,
    ) -> Result<SpeechModelView, AppError> {
        let path = self.path();
        let view = |origin: &str, path: &Path| SpeechModelView {
            path: path.display().to_string(),
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            origin: origin.into(),
            answer_model_unavailable: None,
        };
        if self.explicit.is_some() {
            return if path.is_file() {
                Ok(view("configured", &path))
            } else {
                Err(AppError::Provider(format!(
                    "the speech model {} does not exist",
                    path.display()
                )))
            };
        }
        if self.bundled.as_deref() == Some(path.as_path()) {
            return Ok(view("bundled", &path));
        }
        if !mockint_media::model::CATALOG
            .iter()
            .any(|e| e.name == self.name)
        {
            return Err(AppError::Provider(format!(
                "no speech model named '{}' can be provisioned; set WHISPER_MODEL to a ggml file",
                self.name
            )));
        }
        let (name, data_dir) = (self.name.clone(), self.data_dir.clone());
        let cache = model_cache(&data_dir);
        let cancel = Arc::clone(cancel);
        let provisioned = tokio::task::spawn_blocking(move || {
            let report = |step: mockint_media::model::Progress| {
                progress(SpeechProgress {
                    stage: step.stage.to_string(),
                    bytes: step.bytes,
                    total: step.total,
                })
            };
            let control = mockint_media::model::Control {
                cancel: &cancel,
                progress: &report,
            };
            mockint_media::model::provision(&name, &data_dir, &cache, control)
        })
        .await
        .map_err(|error| AppError::Internal(error.to_string()))?
        .map_err(|error| AppError::Provider(error.to_string()))?;
        Ok(view(
            if provisioned.cached {
                "cached"
            } else {
                "downloaded"
            },
            &provisioned.path,
        ))
    }

    /// The loaded model, preparing and loading it on first use.
    async fn transcriber(&self, cancel: &Arc<AtomicBool>) -> Result<Arc<Transcriber>, AppError> {
        self.loaded
            .get_or_try_init(|| async {
                self.prepare(|_| {}, cancel).await?;
                let path = self.path();
                let loaded = tokio::task::spawn_blocking(move || Transcriber::load(&path))
                    .await
                    .map_err(|error| AppError::Internal(error.to_string()))?
                    .map_err(|error| AppError::Provider(error.to_string()))?;
                Ok(Arc::new(loaded))
            })
            .await
            .cloned()
    }
}

/// Where downloaded model packages are kept: `MOCKINT_MODEL_CACHE` when set (shared between
/// data directories, as the tests do), else inside the data directory.
fn model_cache(data_dir: &Path) -> PathBuf {
    std::env::var_os("MOCKINT_MODEL_CACHE")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| mockint_media::model::default_cache(data_dir))
}

/// The model a Linux package installs beside the programs (`/usr/bin/mockint` →
/// `/usr/lib/Mock Interview/resources/…`, the desktop app's resource directory), so the CLI
/// finds it too.
fn packaged_model() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let prefix = exe.parent()?.parent()?;
    Some(
        prefix
            .join("lib")
            .join(PACKAGE_DIR)
            .join("resources")
            .join(BUNDLED_FILE),
    )
}

/// The package's directory under `lib` (the product name).
const PACKAGE_DIR: &str = "Mock Interview";
/// The shipped model's file name.
pub const BUNDLED_FILE: &str = "ggml-tiny.en-q8_0.bin";

/// The model the package ships (the default configuration).
pub const BUNDLED_NAME: &str = "tiny.en";

impl crate::App {
    /// How the microphone takes turns (the `communication:` pauses of the configuration).
    pub fn turn_settings(&self) -> mockint_media::turns::TurnSettings {
        turn_settings(&self.settings)
    }

    /// Whether the microphone goes through the sound server's echo canceller where there is
    /// one (`communication.echo_cancellation`).
    pub fn echo_cancellation(&self) -> bool {
        self.settings.config.communication.echo_cancellation
    }

    /// What whisper is primed with in a session: the words of system design, then the
    /// concepts of the session's problem from the bank ("base62, collision, redirect, …").
    pub async fn speech_prompt(&self, session: mockint_domain::SessionId) -> String {
        let problem = match self.sessions.get(session).await {
            Ok(found) => found.config.problem,
            Err(_) => None,
        };
        speech_prompt(problem.as_deref())
    }
}

/// The priming prompt for a problem statement (see [`crate::App::speech_prompt`]).
pub fn speech_prompt(problem: Option<&str>) -> String {
    let mut prompt = mockint_media::transcribe::INTERVIEW_VOCABULARY.to_string();
    if let Some(found) = problem.and_then(mockint_ai::problems::find) {
        let mut concepts: Vec<&str> = Vec::new();
        for (_, concept) in found.concepts {
            let name = mockint_ai::analysis::concept_name(concept);
            if !concepts.contains(&name) {
                concepts.push(name);
            }
        }
        prompt.push_str(&format!(" {}: {}.", found.title, concepts.join(", ")));
    }
    prompt
}

/// How the microphone takes turns with these settings (also `mockint listen`).
pub fn turn_settings(settings: &Settings) -> mockint_media::turns::TurnSettings {
    let voice = &settings.config.communication;
    mockint_media::turns::TurnSettings {
        draft_pause_ms: voice.draft_pause_ms,
        pause_ms: voice.end_of_answer_pause_ms,
        connective_pause_ms: voice.max_thinking_pause_ms,
        thinking_pause_ms: voice.asked_for_time_pause_ms,
        barge_in: voice.barge_in,
        reduce_noise: voice.noise_reduction,
        ..mockint_media::turns::TurnSettings::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_carries_the_problems_concepts_and_fits_whisper() {
        let prompt = speech_prompt(Some("Design a URL shortener"));
        assert!(prompt.starts_with(mockint_media::transcribe::INTERVIEW_VOCABULARY));
        assert!(prompt.contains("Design a URL shortener: "), "{prompt}");
        assert!(prompt.contains("base62"), "{prompt}");
        assert_eq!(prompt.matches("redirect service").count(), 1, "{prompt}");
        assert_eq!(
            speech_prompt(Some("something not in the bank")),
            mockint_media::transcribe::INTERVIEW_VOCABULARY
        );
        // Every problem of the bank stays within the 600 characters whisper is given.
        for problem in mockint_ai::problems::BANK {
            let prompt = speech_prompt(Some(problem.title));
            assert!(
                prompt.chars().count() <= 600,
                "{}: {}",
                problem.title,
                prompt.len()
            );
        }
    }
}
