//! Configuration: `config.yaml` (built-in defaults, then the user's file), environment
//! overrides, and validation that names the offending key.

mod load;
mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use thiserror::Error;

/// The defaults: the repository's own `config.yaml`, compiled in.
pub const DEFAULT_CONFIG_YAML: &str = include_str!("../../../../config.yaml");

/// A configuration problem, always one line naming the key.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The file given with `--config` does not exist.
    #[error("config file {0} not found")]
    FileNotFound(String),
    /// The file cannot be parsed or has values of the wrong type.
    #[error("invalid configuration: {0}")]
    Parse(String),
    /// A value has the right type but is not allowed.
    #[error("invalid configuration: {key}: {problem}")]
    Invalid {
        /// Dotted key, e.g. `database.pool_size`.
        key: String,
        /// What is wrong.
        problem: String,
    },
}

fn invalid(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        problem: problem.into(),
    }
}

/// Price of one model in USD per 1K tokens.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Per 1K prompt tokens.
    pub input: f64,
    /// Per 1K completion tokens.
    pub output: f64,
}

/// One AI provider's endpoint and default model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// API base URL.
    pub base_url: String,
    /// Model used unless a session picks another.
    pub model: String,
}

/// `ai:` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiConfig {
    /// offline, openai or anthropic.
    pub default_provider: String,
    /// Per-request timeout.
    pub timeout_seconds: u64,
    /// Attempts after the first.
    pub max_retries: u32,
    /// First retry delay; doubles each time.
    pub retry_delay_seconds: f64,
    /// Token budget per session.
    pub max_tokens_per_session: u32,
    /// Fraction of the budget at which to warn.
    pub token_budget_warning_threshold: f64,
    /// OpenAI or compatible server.
    pub openai: ProviderConfig,
    /// Anthropic.
    pub anthropic: ProviderConfig,
    /// provider → model → price.
    pub pricing: BTreeMap<String, BTreeMap<String, Price>>,
}

/// `storage:` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// Data directory; empty means the platform default.
    pub data_directory: String,
    /// Most media per session.
    pub max_session_size_mb: u64,
    /// Sessions older than this are removed by cleanup.
    pub cleanup_old_sessions_days: u32,
    /// Largest resume upload.
    pub resume_max_size_mb: u64,
}

/// `communication:` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunicationConfig {
    /// Transcription sample rate.
    pub audio_sample_rate: u32,
    /// Largest audio file.
    pub audio_max_size_mb: u64,
    /// Video frame rate.
    pub video_fps: u32,
    /// Largest video file.
    pub video_max_size_mb: u64,
    /// Longest video.
    pub video_max_minutes: u32,
    /// Video codec.
    pub video_codec: String,
    /// Whiteboard canvas size [width, height].
    pub whiteboard_resolution: [u32; 2],
    /// Screen capture period.
    pub screen_capture_interval_seconds: u32,
    /// Whisper model name or path to a ggml file: reads the drafts shown while the candidate
    /// speaks (and the answers, when there is no answer model).
    pub whisper_model: String,
    /// A slower, more accurate whisper model (name or ggml file) that reads each finished
    /// answer again before it is sent; "" reads answers with `whisper_model`.
    #[serde(default = "defaults::answer_model")]
    pub answer_model: String,
    /// Silence after which the answer so far is transcribed and shown.
    #[serde(default = "defaults::draft_pause_ms")]
    pub draft_pause_ms: u32,
    /// Silence that ends an answer whose last words close a sentence.
    #[serde(default = "defaults::end_of_answer_pause_ms")]
    pub end_of_answer_pause_ms: u32,
    /// Longest silence allowed when the answer stops on "and", "so", "um" or mid-sentence.
    #[serde(default = "defaults::max_thinking_pause_ms")]
    pub max_thinking_pause_ms: u32,
    /// Longest silence allowed after "let me think", "give me a moment" or "hold on".
    #[serde(default = "defaults::asked_for_time_pause_ms")]
    pub asked_for_time_pause_ms: u32,
    /// Talking over the interviewer while a reply is read aloud stops it and starts the
    /// answer (off: the microphone ignores everything while the app speaks).
    #[serde(default = "defaults::barge_in")]
    pub barge_in: bool,
    /// While the microphone is on, hear it through the sound server's echo canceller
    /// (PulseAudio's `module-echo-cancel`) where there is one. Off by default: measured in a
    /// virtual room it did not make talking over the interviewer work (docs/quality.md).
    #[serde(default = "defaults::echo_cancellation")]
    pub echo_cancellation: bool,
    /// Take the room's steady noise (heard between answers) out of what whisper reads. Off by
    /// default: on clips nobody tuned it for it cost words (docs/benchmarks.md).
    #[serde(default)]
    pub noise_reduction: bool,
}

/// Defaults of keys older configuration files lack.
mod defaults {
    pub fn answer_model() -> String {
        "base".into()
    }
    pub fn draft_pause_ms() -> u32 {
        150
    }
    pub fn end_of_answer_pause_ms() -> u32 {
        900
    }
    pub fn max_thinking_pause_ms() -> u32 {
        3_000
    }
    pub fn asked_for_time_pause_ms() -> u32 {
        10_000
    }
    pub fn barge_in() -> bool {
        true
    }
    pub fn echo_cancellation() -> bool {
        false
    }
}

/// `database:` section (the URL itself comes from DATABASE_URL).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Most pooled connections.
    pub pool_size: u32,
    /// Idle connections kept.
    pub min_connections: u32,
    /// Wait for a free connection.
    pub pool_timeout_seconds: u64,
    /// Close idle connections after.
    pub idle_timeout_seconds: u64,
    /// Replace connections after.
    pub pool_recycle_seconds: u64,
    /// Log every statement.
    pub echo: bool,
}

/// `logging:` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggingConfig {
    /// Minimum level.
    pub level: String,
    /// Log directory; empty means `<data dir>/logs`.
    pub directory: String,
    /// daily, hourly or never.
    pub rotation: String,
    /// Rotated files kept.
    pub max_files: u32,
    /// Minimum level copied into the audit_logs table.
    pub database_level: String,
}

/// `monitoring:` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringConfig {
    /// Period of health checks.
    pub health_check_interval_seconds: u64,
    /// Whether metrics are collected.
    pub metrics_collection_enabled: bool,
    /// Error rate that raises an alert.
    pub alert_on_error_rate: f64,
    /// Response time that raises an alert.
    pub alert_on_response_time_ms: u64,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// AI providers, budget and pricing.
    pub ai: AiConfig,
    /// Data directory and limits.
    pub storage: StorageConfig,
    /// Media settings.
    pub communication: CommunicationConfig,
    /// Connection pool.
    pub database: DatabaseConfig,
    /// Logging.
    pub logging: LoggingConfig,
    /// Monitoring and alerts.
    pub monitoring: MonitoringConfig,
}

impl AppConfig {
    /// The configured data directory, if one is set.
    pub fn data_directory(&self) -> Option<PathBuf> {
        let dir = self.storage.data_directory.trim();
        (!dir.is_empty()).then(|| PathBuf::from(dir))
    }
}
