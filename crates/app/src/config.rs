//! Configuration: `config.yaml` (built-in defaults, then the user's file), environment
//! overrides, and validation that names the offending key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;
use thiserror::Error;

/// The defaults: the repository's own `config.yaml`, compiled in.
pub const DEFAULT_CONFIG_YAML: &str = include_str!("../../../config.yaml");

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
    /// Whisper model name or path to a ggml file.
    pub whisper_model: String,
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

/// Environment variables of the seed mapped onto config keys.
const ENV_OVERRIDES: &[(&str, &str)] = &[
    ("DATA_DIR", "storage.data_directory"),
    ("LOG_LEVEL", "logging.level"),
    ("MAX_TOKENS_PER_SESSION", "ai.max_tokens_per_session"),
    (
        "TOKEN_BUDGET_WARNING_THRESHOLD",
        "ai.token_budget_warning_threshold",
    ),
    ("OPENAI_BASE_URL", "ai.openai.base_url"),
];

/// Keys under which people commonly put secrets; they are refused with a pointer to the
/// environment variable instead.
const SECRET_KEYS: &[(&str, &str)] = &[
    ("api_key", "OPENAI_API_KEY / ANTHROPIC_API_KEY"),
    ("password", "DATABASE_URL or DB_PASSWORD"),
    ("url", "DATABASE_URL"),
];

impl AppConfig {
    /// Loads the built-in defaults, then `file` (if given), then the environment, and
    /// validates the result.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut builder =
            Config::builder().add_source(File::from_str(DEFAULT_CONFIG_YAML, FileFormat::Yaml));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::FileNotFound(path.display().to_string()));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|error| ConfigError::Parse(format!("{}: {error}", path.display())))?;
            check_shape(path, &text)?;
            refuse_secrets(&text)?;
            builder = builder.add_source(File::from_str(&text, FileFormat::Yaml));
        }
        builder = builder.add_source(
            Environment::with_prefix("MOCKINT")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        for (variable, key) in ENV_OVERRIDES {
            let value = std::env::var(variable)
                .ok()
                .filter(|v| !v.trim().is_empty());
            builder = builder
                .set_override_option(*key, value)
                .map_err(|error| ConfigError::Parse(one_line(&error.to_string())))?;
        }
        let config: AppConfig =
            builder
                .build()
                .and_then(Config::try_deserialize)
                .map_err(|error| {
                    let place = file
                        .map(|p| format!(" (in {})", p.display()))
                        .unwrap_or_default();
                    ConfigError::Parse(format!("{}{place}", one_line(&error.to_string())))
                })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks ranges and allowed words.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let ai = &self.ai;
        if !matches!(
            ai.default_provider.as_str(),
            "offline" | "openai" | "anthropic"
        ) {
            return Err(invalid(
                "ai.default_provider",
                format!(
                    "must be offline, openai or anthropic, got '{}'",
                    ai.default_provider
                ),
            ));
        }
        positive("ai.timeout_seconds", ai.timeout_seconds)?;
        if ai.max_retries > 10 {
            return Err(invalid("ai.max_retries", "must be at most 10"));
        }
        if !(0.0..=60.0).contains(&ai.retry_delay_seconds) {
            return Err(invalid(
                "ai.retry_delay_seconds",
                "must be between 0 and 60",
            ));
        }
        positive(
            "ai.max_tokens_per_session",
            u64::from(ai.max_tokens_per_session),
        )?;
        if !(ai.token_budget_warning_threshold > 0.0 && ai.token_budget_warning_threshold <= 1.0) {
            return Err(invalid(
                "ai.token_budget_warning_threshold",
                format!(
                    "must be above 0 and at most 1, got {}",
                    ai.token_budget_warning_threshold
                ),
            ));
        }
        for (name, provider) in [("openai", &ai.openai), ("anthropic", &ai.anthropic)] {
            if !(provider.base_url.starts_with("http://")
                || provider.base_url.starts_with("https://"))
            {
                return Err(invalid(
                    &format!("ai.{name}.base_url"),
                    format!(
                        "must start with http:// or https://, got '{}'",
                        provider.base_url
                    ),
                ));
            }
            if provider.model.trim().is_empty() {
                return Err(invalid(&format!("ai.{name}.model"), "must not be empty"));
            }
        }
        for (provider, models) in &ai.pricing {
            for (model, price) in models {
                if !(price.input >= 0.0
                    && price.output >= 0.0
                    && price.input.is_finite()
                    && price.output.is_finite())
                {
                    return Err(invalid(
                        &format!("ai.pricing.{provider}.{model}"),
                        "prices must be non-negative numbers",
                    ));
                }
            }
        }
        let storage = &self.storage;
        positive("storage.max_session_size_mb", storage.max_session_size_mb)?;
        positive(
            "storage.cleanup_old_sessions_days",
            u64::from(storage.cleanup_old_sessions_days),
        )?;
        positive("storage.resume_max_size_mb", storage.resume_max_size_mb)?;
        let comm = &self.communication;
        if !matches!(comm.audio_sample_rate, 8000 | 16000 | 22050 | 44100 | 48000) {
            return Err(invalid(
                "communication.audio_sample_rate",
                format!(
                    "must be 8000, 16000, 22050, 44100 or 48000, got {}",
                    comm.audio_sample_rate
                ),
            ));
        }
        positive("communication.audio_max_size_mb", comm.audio_max_size_mb)?;
        positive("communication.video_max_size_mb", comm.video_max_size_mb)?;
        if !(1..=60).contains(&comm.video_fps) {
            return Err(invalid(
                "communication.video_fps",
                "must be between 1 and 60",
            ));
        }
        positive(
            "communication.video_max_minutes",
            u64::from(comm.video_max_minutes),
        )?;
        if comm.video_codec != "h264" {
            return Err(invalid(
                "communication.video_codec",
                format!("only h264 is supported, got '{}'", comm.video_codec),
            ));
        }
        let [width, height] = comm.whiteboard_resolution;
        if !(320..=7680).contains(&width) || !(240..=4320).contains(&height) {
            return Err(invalid(
                "communication.whiteboard_resolution",
                "must be between [320, 240] and [7680, 4320]",
            ));
        }
        if !(1..=3600).contains(&comm.screen_capture_interval_seconds) {
            return Err(invalid(
                "communication.screen_capture_interval_seconds",
                "must be between 1 and 3600",
            ));
        }
        let db = &self.database;
        if !(1..=200).contains(&db.pool_size) {
            return Err(invalid(
                "database.pool_size",
                format!("must be between 1 and 200, got {}", db.pool_size),
            ));
        }
        if db.min_connections > db.pool_size {
            return Err(invalid(
                "database.min_connections",
                "must not exceed database.pool_size",
            ));
        }
        positive("database.pool_timeout_seconds", db.pool_timeout_seconds)?;
        positive("database.pool_recycle_seconds", db.pool_recycle_seconds)?;
        let log = &self.logging;
        for (key, level) in [
            ("logging.level", &log.level),
            ("logging.database_level", &log.database_level),
        ] {
            level.parse::<mockint_domain::LogLevel>().map_err(|_| {
                invalid(
                    key,
                    format!("must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got '{level}'"),
                )
            })?;
        }
        if !matches!(log.rotation.as_str(), "daily" | "hourly" | "never") {
            return Err(invalid(
                "logging.rotation",
                format!("must be daily, hourly or never, got '{}'", log.rotation),
            ));
        }
        let mon = &self.monitoring;
        positive(
            "monitoring.health_check_interval_seconds",
            mon.health_check_interval_seconds,
        )?;
        if !(0.0..=1.0).contains(&mon.alert_on_error_rate) {
            return Err(invalid(
                "monitoring.alert_on_error_rate",
                "must be between 0 and 1",
            ));
        }
        Ok(())
    }

    /// The configured data directory, if one is set.
    pub fn data_directory(&self) -> Option<PathBuf> {
        let dir = self.storage.data_directory.trim();
        (!dir.is_empty()).then(|| PathBuf::from(dir))
    }
}

fn positive(key: &str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        Err(invalid(key, "must be greater than 0"))
    } else {
        Ok(())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rejects files that cannot be a YAML mapping of sections: binary data, or a first
/// statement that is not a `key:` line.
fn check_shape(path: &Path, text: &str) -> Result<(), ConfigError> {
    let shown = path.display();
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ConfigError::Parse(format!(
            "{shown} contains binary data, not YAML"
        )));
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#') && *line != "---");
    match first {
        Some(line) if !line.contains(':') => Err(ConfigError::Parse(format!(
            "{shown} must be a mapping of sections (ai:, storage:, …), found '{}'",
            line.chars().take(40).collect::<String>()
        ))),
        _ => Ok(()),
    }
}

/// Refuses secret-looking keys in a config file, naming the environment variable to use.
fn refuse_secrets(text: &str) -> Result<(), ConfigError> {
    for line in text.lines() {
        let key = line
            .trim_start()
            .split(':')
            .next()
            .unwrap_or_default()
            .trim();
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some((_, variable)) = SECRET_KEYS.iter().find(|(secret, _)| key == *secret) {
            return Err(invalid(key, format!("secrets are not read from config files; set {variable} in the environment or .env")));
        }
    }
    Ok(())
}
