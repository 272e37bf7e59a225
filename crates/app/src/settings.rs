//! Settings: what the front door was told ([`StartOptions`]) resolved with `.env`, the
//! configuration file and the environment into [`Settings`], and what they give the
//! services (pool, media limits, AI providers, token budget).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mockint_ai::llm::{AnthropicChat, HttpSettings, OpenAiChat, Pricing};
use mockint_ai::Providers;
use mockint_core::TokenBudget;
use mockint_storage::{DatabaseTarget, MediaLimits, PoolSettings};

use crate::{default_data_dir, AppConfig, AppError, ConfigError, Secrets};

const MB: u64 = 1024 * 1024;

/// What the front door was told on its command line.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--database-url`.
    pub database_url: Option<String>,
    /// `--config`.
    pub config_file: Option<PathBuf>,
    /// The speech model shipped with the package (the desktop app's resources), if any.
    pub bundled_speech_model: Option<PathBuf>,
}

/// Configuration resolved from options, `.env`, the config file and the environment.
#[derive(Debug)]
pub struct Settings {
    /// The validated configuration.
    pub config: AppConfig,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The database to use.
    pub database: DatabaseTarget,
    /// API keys.
    pub secrets: Secrets,
}

impl Settings {
    /// Loads `.env` (if present), the configuration, and decides the data directory and
    /// database: `--database-url`, else `DATABASE_URL`, else SQLite in the data directory.
    pub fn resolve(options: &StartOptions) -> Result<Self, AppError> {
        let config_file = options
            .config_file
            .clone()
            .or_else(|| std::env::var_os("MOCKINT_CONFIG").map(PathBuf::from));
        load_dotenv(&dotenv_places(options, config_file.as_deref()))?;
        let config = AppConfig::load(config_file.as_deref())?;
        let data_dir = options
            .data_dir
            .clone()
            .or_else(|| config.data_directory())
            .unwrap_or_else(default_data_dir);
        let url = options
            .database_url
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .filter(|url| !url.trim().is_empty());
        let database = match url {
            Some(url) => DatabaseTarget::parse(&url)?,
            None => DatabaseTarget::Sqlite(data_dir.join("mockint.db")),
        };
        Ok(Self {
            config,
            data_dir,
            database,
            secrets: Secrets::from_env(),
        })
    }

    pub(crate) fn pool(&self) -> PoolSettings {
        let db = &self.config.database;
        PoolSettings {
            max_connections: db.pool_size,
            min_connections: db.min_connections,
            acquire_timeout: Duration::from_secs(db.pool_timeout_seconds),
            idle_timeout: Duration::from_secs(db.idle_timeout_seconds),
            max_lifetime: Duration::from_secs(db.pool_recycle_seconds),
        }
    }

    pub(crate) fn media_limits(&self) -> MediaLimits {
        MediaLimits {
            audio_bytes: self.config.communication.audio_max_size_mb * MB,
            video_bytes: self.config.communication.video_max_size_mb * MB,
            session_bytes: self.config.storage.max_session_size_mb * MB,
            ..MediaLimits::default()
        }
    }

    /// The AI providers that can be used with the current configuration and keys.
    pub fn providers(&self) -> Providers {
        let ai = &self.config.ai;
        let http = self.http_settings();
        let pricing = Pricing::new(ai.pricing.iter().flat_map(|(provider, models)| {
            models.iter().map(move |(model, price)| {
                (provider.as_str(), model.as_str(), price.input, price.output)
            })
        }));
        let mut providers = Providers::new(pricing);
        let local_openai = std::env::var("OPENAI_BASE_URL").is_ok_and(|url| !url.trim().is_empty());
        if self.secrets.openai_api_key.is_some() || local_openai {
            providers = providers.with(Arc::new(OpenAiChat::new(
                &ai.openai.base_url,
                self.secrets.openai_api_key.clone(),
                http,
            )));
        }
        if let Some(key) = &self.secrets.anthropic_api_key {
            providers = providers.with(Arc::new(AnthropicChat::new(
                &ai.anthropic.base_url,
                key.clone(),
                http,
            )));
        }
        providers
    }

    /// Timeouts and retries for AI provider calls.
    pub fn http_settings(&self) -> HttpSettings {
        let ai = &self.config.ai;
        HttpSettings {
            idle_timeout: Duration::from_secs(ai.timeout_seconds),
            retries: ai.max_retries as usize,
            first_delay: Duration::from_secs_f64(ai.retry_delay_seconds),
            ..HttpSettings::default()
        }
    }

    /// The token budget per session.
    pub fn budget(&self) -> TokenBudget {
        TokenBudget {
            max_tokens: self.config.ai.max_tokens_per_session,
            warning_threshold: self.config.ai.token_budget_warning_threshold,
        }
    }

    /// Largest resume accepted, in bytes.
    pub fn resume_limit(&self) -> u64 {
        self.config.storage.resume_max_size_mb * MB
    }
}

/// Where a `.env` may be read from: the data directory (`--data-dir`, `DATA_DIR`, or the
/// platform's) and the configuration file's directory — never the working directory or its
/// parents, which a project checkout or a download folder could plant one in.
fn dotenv_places(options: &StartOptions, config_file: Option<&Path>) -> Vec<PathBuf> {
    let data_dir = options
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("DATA_DIR").map(PathBuf::from))
        .unwrap_or_else(default_data_dir);
    let mut places = vec![data_dir.join(".env")];
    if let Some(dir) = config_file.and_then(Path::parent) {
        let candidate = dir.join(".env");
        if !places.contains(&candidate) && !dir.as_os_str().is_empty() {
            places.push(candidate);
        }
    }
    places
}

/// Loads the `.env` files that exist among `places` (earlier ones win; the environment wins
/// over both).
fn load_dotenv(places: &[PathBuf]) -> Result<(), AppError> {
    for path in places.iter().filter(|p| p.is_file()) {
        match dotenvy::from_path(path) {
            Ok(()) => {}
            Err(dotenvy::Error::LineParse(_, index)) => {
                return Err(ConfigError::Parse(format!(
                    "{}: cannot parse the line at byte {index}",
                    path.display()
                ))
                .into())
            }
            Err(error) => {
                return Err(ConfigError::Parse(format!("{}: {error}", path.display())).into())
            }
        }
    }
    Ok(())
}
