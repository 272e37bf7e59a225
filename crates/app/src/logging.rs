//! Logging: text to the console, JSON to rotating files, WARNING and above also into the
//! `audit_logs` table. Every line and every audit row passes through the [`Redactor`], so
//! API keys and database passwords never reach a log.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use mockint_core::ports::Store;
use mockint_domain::{LogEntry, LogLevel};
use tokio::sync::mpsc;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer};

use crate::{AppError, Settings};

/// Masks secrets in text: the configured keys and passwords, anything shaped like an API key,
/// and passwords inside URLs.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Knows the secrets in the environment (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`,
    /// `DB_PASSWORD`, `PGPASSWORD`, the password in `DATABASE_URL`) plus `extra` (e.g.
    /// `--database-url`); every other secret is found by its shape
    /// ([`mockint_core::redact`]).
    pub fn from_env(extra: &[&str]) -> Self {
        let mut secrets: Vec<String> = [
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            "DB_PASSWORD",
            "PGPASSWORD",
        ]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .collect();
        let urls = std::env::var("DATABASE_URL")
            .ok()
            .into_iter()
            .chain(extra.iter().map(|s| s.to_string()));
        for url in urls {
            if let Some(password) = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.password().map(str::to_string))
            {
                secrets.push(password);
            }
        }
        secrets.retain(|s| s.trim().len() >= 4);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    /// The text with every secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        mockint_core::redact::redact(&out)
    }
}

/// A writer that redacts each write before passing it on.
pub struct RedactingWriter<W> {
    inner: W,
    redactor: Arc<Redactor>,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner
            .write_all(self.redactor.redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Wraps a [`MakeWriter`] so that everything it writes is redacted.
pub struct Redacting<M> {
    inner: M,
    redactor: Arc<Redactor>,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
            redactor: Arc::clone(&self.redactor),
        }
    }
}

/// Where WARNING-and-above events go once the store is open.
static AUDIT: OnceLock<mpsc::UnboundedSender<LogEntry>> = OnceLock::new();

tokio::task_local! {
    static WRITING_AUDIT: bool;
}

/// Copies WARNING and ERROR events into `audit_logs` (through a channel, so logging never
/// waits for the database).
struct AuditLayer {
    redactor: Arc<Redactor>,
}

#[derive(Default)]
struct Fields {
    message: String,
    component: Option<String>,
    operation: Option<String>,
    session_id: Option<String>,
    stack_trace: Option<String>,
    metadata: serde_json::Map<String, serde_json::Value>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = value.to_string(),
            "operation" => self.operation = Some(value.to_string()),
            "component" => self.component = Some(value.to_string()),
            "session_id" => self.session_id = Some(value.to_string()),
            "error" | "cause" => {
                self.stack_trace = Some(value.to_string());
                self.metadata.insert(field.name().into(), value.into());
            }
            name => {
                self.metadata.insert(name.into(), value.into());
            }
        }
    }
}

impl<S: Subscriber> Layer<S> for AuditLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > Level::WARN || WRITING_AUDIT.try_with(|w| *w).unwrap_or(false) {
            return;
        }
        let Some(sender) = AUDIT.get() else { return };
        let mut fields = Fields::default();
        event.record(&mut fields);
        let target = event.metadata().target();
        let redact = |text: &str| self.redactor.redact(text);
        let metadata = fields
            .metadata
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    serde_json::Value::String(redact(v.as_str().unwrap_or_default())),
                )
            })
            .collect();
        let entry = LogEntry {
            timestamp: chrono::Utc::now(),
            level: if level == Level::ERROR {
                LogLevel::Error
            } else {
                LogLevel::Warning
            },
            component: fields
                .component
                .unwrap_or_else(|| target.split("::").next().unwrap_or(target).to_string()),
            operation: fields.operation.unwrap_or_else(|| target.to_string()),
            message: redact(&fields.message),
            session_id: fields
                .session_id
                .and_then(|id| mockint_domain::SessionId::parse(&id).ok()),
            user_id: None,
            metadata,
            stack_trace: fields.stack_trace.map(|t| redact(&t)),
        };
        let _ = sender.send(entry);
    }
}

/// Starts writing queued audit entries to the store (once per process).
pub fn attach_audit_store(store: Arc<dyn Store>) {
    let (sender, mut receiver) = mpsc::unbounded_channel::<LogEntry>();
    if AUDIT.set(sender).is_err() {
        return;
    }
    tokio::spawn(async move {
        while let Some(entry) = receiver.recv().await {
            let store = Arc::clone(&store);
            // Failures here are not logged again, so a database outage cannot feed itself.
            let _ = WRITING_AUDIT
                .scope(true, async move { store.append_audit_log(&entry).await })
                .await;
        }
    });
}

/// Whether the console shows logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// Only with `RUST_LOG` (the CLI's default: stdout and stderr stay clean).
    Quiet,
    /// At the configured level (`-v`, the desktop app).
    On,
}

/// Keeps the file writer flushing; drop it last.
pub struct LoggingGuard {
    _file: tracing_appender::non_blocking::WorkerGuard,
    /// The directory the JSON logs are written to.
    pub directory: PathBuf,
}

fn level_filter(level: &str) -> &'static str {
    match level.to_ascii_uppercase().as_str() {
        "DEBUG" => "debug",
        "WARNING" | "WARN" => "warn",
        "ERROR" | "CRITICAL" => "error",
        _ => "info",
    }
}

/// Where the JSON log files go: `logging.directory`, or `logs` in the data directory.
pub fn directory(settings: &Settings) -> PathBuf {
    let configured = settings.config.logging.directory.trim();
    if configured.is_empty() {
        settings.data_dir.join("logs")
    } else {
        PathBuf::from(configured)
    }
}

/// Installs the global subscriber: console (text), rotating JSON files, audit rows.
pub fn init(
    settings: &Settings,
    console: Console,
    extra_secrets: &[&str],
) -> Result<LoggingGuard, AppError> {
    let logging = &settings.config.logging;
    let directory = directory(settings);
    prepare_log_dir(&directory)?;
    let rotation = match logging.rotation.as_str() {
        "hourly" => Rotation::HOURLY,
        "never" => Rotation::NEVER,
        _ => Rotation::DAILY,
    };
    let appender = Builder::new()
        .rotation(rotation)
        .filename_prefix("mockint")
        .filename_suffix("log")
        .max_log_files(logging.max_files.max(1) as usize)
        .build(&directory)
        .map_err(|error| AppError::DataDir {
            path: directory.display().to_string(),
            cause: error.to_string(),
        })?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let redactor = Arc::new(Redactor::from_env(extra_secrets));
    let level = level_filter(&logging.level);
    let noisy = format!("{level},sqlx=warn,hyper=warn,reqwest=warn,tao=warn,wry=warn");
    let file_layer = tracing_subscriber::fmt::layer()
        .json()
        .with_writer(Redacting {
            inner: file_writer,
            redactor: Arc::clone(&redactor),
        })
        .with_filter(EnvFilter::new(&noisy));
    let console_filter = match (console, std::env::var("RUST_LOG")) {
        (_, Ok(filter)) => Some(filter),
        (Console::On, Err(_)) => Some(noisy.clone()),
        (Console::Quiet, Err(_)) => None,
    };
    let console_layer = console_filter.map(|filter| {
        tracing_subscriber::fmt::layer()
            .with_writer(Redacting {
                inner: std::io::stderr,
                redactor: Arc::clone(&redactor),
            })
            .with_filter(EnvFilter::new(filter))
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(console_layer)
        .with(AuditLayer { redactor })
        .try_init();
    Ok(LoggingGuard {
        _file: guard,
        directory,
    })
}

fn prepare_log_dir(directory: &Path) -> Result<(), AppError> {
    mockint_storage::create_private_dir_all(directory).map_err(|error| AppError::DataDir {
        path: directory.display().to_string(),
        cause: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_known_secrets_key_shapes_and_url_passwords() {
        let redactor = Redactor {
            secrets: vec!["hunter2-password".into()],
        };
        let text = "key sk-test-ABCDEF123456 url postgres://app:p4ss@db/x and hunter2-password";
        let clean = redactor.redact(text);
        assert!(!clean.contains("sk-test-ABCDEF123456"), "{clean}");
        assert!(!clean.contains("p4ss"), "{clean}");
        assert!(!clean.contains("hunter2-password"), "{clean}");
        assert!(clean.contains("postgres://app:***@db/x"), "{clean}");
    }
}
