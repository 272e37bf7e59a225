//! The composition root: turns configuration into a running application.
//!
//! Both front doors (the `mockint` CLI and the Tauri desktop shell) call [`App::start`] and
//! then use the services it holds; neither builds adapters itself.

pub mod backup;
pub mod compatible;
mod config;
pub mod diagnostics;
mod error;
pub mod health;
pub mod lock;
pub mod logging;
mod paths;
mod secrets;
pub mod speech;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mockint_ai::llm::{AnthropicChat, HttpSettings, OpenAiChat, Pricing};
use mockint_ai::{
    LlmEvaluator, LlmInterviewer, OfflineInterviewer, Providers, OFFLINE_MODEL, OFFLINE_PROVIDER,
};
use mockint_core::ports::{Clock, Store, SystemClock};
use mockint_core::{
    InterviewService, MediaService, SessionService, TokenBudget, WhiteboardService,
};
use mockint_domain::ipc::Notice;
use mockint_domain::{CommunicationMode, Message, ResumeData, Session, SessionConfig};
use mockint_storage::{DatabaseTarget, FileMediaStore, MediaLimits, PoolSettings, RetryPolicy};

pub use crate::config::{AppConfig, ConfigError, DEFAULT_CONFIG_YAML};
pub use crate::error::AppError;
pub use crate::paths::{default_data_dir, prepare_data_dir};
pub use crate::secrets::Secrets;

/// The single local user of the desktop app (the schema keys resumes by user).
pub const LOCAL_USER: &str = "local";

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

    fn pool(&self) -> PoolSettings {
        let db = &self.config.database;
        PoolSettings {
            max_connections: db.pool_size,
            min_connections: db.min_connections,
            acquire_timeout: Duration::from_secs(db.pool_timeout_seconds),
            idle_timeout: Duration::from_secs(db.idle_timeout_seconds),
            max_lifetime: Duration::from_secs(db.pool_recycle_seconds),
        }
    }

    fn media_limits(&self) -> MediaLimits {
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

/// What a new interview should be.
#[derive(Debug, Clone, Default)]
pub struct InterviewRequest {
    /// The candidate's resume, if given.
    pub resume: Option<ResumeData>,
    /// A problem to practise (matched against the bank), if given.
    pub problem: Option<String>,
    /// offline, openai or anthropic; the configured default if not given.
    pub provider: Option<String>,
    /// The model at that provider; the provider's configured model if not given.
    pub model: Option<String>,
    /// Extra communication modes (text is always on).
    pub modes: Vec<CommunicationMode>,
    /// Planned length.
    pub duration_minutes: Option<u32>,
    /// AI usage spent before the session existed (e.g. reading the resume with a model).
    pub prior_usage: Vec<mockint_core::ports::Usage>,
}

/// The running application: configuration plus every service, built once.
pub struct App {
    /// Resolved settings.
    pub settings: Settings,
    /// The configured AI providers.
    pub providers: Providers,
    /// The store.
    pub store: Arc<dyn Store>,
    /// Media on disk.
    pub media_store: Arc<FileMediaStore>,
    /// Session lifecycle.
    pub sessions: SessionService,
    /// The interview loop.
    pub interviews: InterviewService,
    /// Media files with their rows.
    pub media: MediaService,
    /// Whiteboard autosave and snapshots.
    pub whiteboards: WhiteboardService,
    /// The speech model (provisioned and loaded on first use).
    pub speech: speech::SpeechModels,
    /// The OpenAI-compatible server chosen in the app, if any.
    compatible: std::sync::RwLock<Option<compatible::CompatibleServer>>,
}

impl App {
    /// Resolves settings, prepares the data directory, opens (and migrates) the store and
    /// builds the services.
    pub async fn start(options: &StartOptions) -> Result<Self, AppError> {
        let settings = Settings::resolve(options)?;
        mockint_core::telemetry::global().configure(diagnostics::alert_policy(&settings));
        prepare_data_dir(&settings.data_dir)?;
        let store = mockint_storage::open_store(
            &settings.database,
            settings.pool(),
            RetryPolicy::default(),
        )
        .await?;
        tracing::info!(database = %settings.database.display_url(), data_dir = %settings.data_dir.display(), "store opened");
        let media_store = Arc::new(FileMediaStore::new(
            &settings.data_dir,
            settings.media_limits(),
        ));
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let providers = settings.providers();
        let remembered = compatible::load(&settings.data_dir);
        if let Some(server) = &remembered {
            providers.register(Arc::new(OpenAiChat::compatible(
                &server.url,
                settings.http_settings(),
            )));
        }
        let sessions = SessionService::new(
            Arc::clone(&store),
            media_store.clone(),
            Arc::new(LlmEvaluator::new(providers.clone())),
            Arc::clone(&clock),
        );
        // The embedded store is its own journal (a committed row is durable); a remote one
        // gets a local outbox for the messages it cannot take yet.
        let outbox: Option<Arc<dyn mockint_core::ports::Outbox>> = match settings.database {
            DatabaseTarget::Sqlite(_) => None,
            DatabaseTarget::Postgres(_) => Some(Arc::new(
                mockint_storage::SqliteOutbox::open(&settings.data_dir)
                    .await
                    .map_err(mockint_core::CoreError::from)?,
            )),
        };
        let interviews = InterviewService::new(
            Arc::clone(&store),
            sessions.clone(),
            Arc::new(LlmInterviewer::new(providers.clone())),
            Arc::new(OfflineInterviewer),
            Arc::clone(&clock),
            settings.budget(),
            outbox,
        );
        // Messages held before a crash or an outage reach the store now; so do messages left
        // in the journal files of earlier versions.
        match mockint_storage::legacy_journal::import(&settings.data_dir, store.as_ref()).await {
            Ok(0) => {}
            Ok(imported) => tracing::info!(
                imported,
                "messages from an earlier version's journal were stored"
            ),
            Err(error) => {
                tracing::warn!(%error, "the journal of an earlier version could not be imported yet")
            }
        }
        match interviews.replay_pending().await {
            Ok(0) => {}
            Ok(left) => tracing::warn!(left, "some held messages could not be stored yet"),
            Err(error) => tracing::warn!(%error, "draining the message outbox failed"),
        }
        let media = MediaService::new(Arc::clone(&store), media_store.clone(), clock);
        let whiteboards =
            WhiteboardService::new(Arc::clone(&store), media_store.clone(), media.clone());
        Ok(Self {
            whiteboards,
            speech: speech::SpeechModels::new(&settings, options.bundled_speech_model.clone()),
            compatible: std::sync::RwLock::new(remembered),
            settings,
            providers,
            store,
            media_store,
            sessions,
            interviews,
            media,
        })
    }

    /// Starts an interview: chooses (or, with a provider and a resume, writes) the problem,
    /// creates the session and stores the opening.
    pub async fn start_interview(
        &self,
        request: InterviewRequest,
    ) -> Result<(Session, Message, Vec<Notice>), AppError> {
        let provider = request
            .provider
            .unwrap_or_else(|| self.settings.config.ai.default_provider.clone());
        let model = match (self.model_for(&provider)?, request.model) {
            (_, Some(model)) if provider != OFFLINE_PROVIDER && !model.trim().is_empty() => model,
            (configured, _) => configured,
        };
        let mut earlier_usage = request.prior_usage;
        let mut notices = Vec::new();
        let problem = match (&request.problem, &request.resume) {
            (None, Some(resume)) if provider != OFFLINE_PROVIDER => {
                match mockint_ai::generate_problem(&self.providers, &provider, &model, resume).await
                {
                    Ok((statement, usage)) => {
                        earlier_usage.push(usage);
                        statement
                    }
                    Err(error) => {
                        notices.push(Notice::ProviderFallback {
                            provider: provider.clone(),
                            reason: error.message.clone(),
                        });
                        mockint_ai::problems::choose(None, Some(resume)).statement
                    }
                }
            }
            _ => {
                mockint_ai::problems::choose(request.problem.as_deref(), request.resume.as_ref())
                    .statement
            }
        };
        let config = SessionConfig {
            enabled_modes: request.modes,
            ai_provider: provider,
            ai_model: model,
            resume_data: request.resume,
            duration_minutes: request.duration_minutes,
            problem: Some(problem),
        };
        let (session, opening, more) = self
            .interviews
            .start(LOCAL_USER, config, earlier_usage)
            .await?;
        notices.extend(more);
        Ok((session, opening, notices))
    }

    /// One candidate turn, whichever way it was given (typed, spoken, scripted): the
    /// interviewer sees the autosaved whiteboard and, when its provider takes images, the
    /// newest snapshot; the reply streams to `on_token`.
    pub async fn take_turn(
        &self,
        id: mockint_domain::SessionId,
        text: &str,
        source: mockint_domain::TurnSource,
        on_token: Option<mockint_core::ports::TokenSink<'_>>,
    ) -> Result<mockint_domain::ipc::TurnView, AppError> {
        let board = self.whiteboards.load_board(id).await?;
        let provider = self.interviews.provider_of(id).await?;
        let picture = if self.providers.sees_images(&provider) {
            self.whiteboards.latest_picture(id).await?
        } else {
            None
        };
        let input = mockint_core::TurnInput {
            text,
            source: source.as_str(),
            whiteboard: (!board.shapes.is_empty()).then_some(&board),
            whiteboard_png: picture.as_deref(),
        };
        let outcome = self.interviews.take_turn(id, input, on_token).await?;
        Ok(mockint_domain::ipc::TurnView {
            candidate: outcome.candidate,
            interviewer: outcome.interviewer,
            notices: outcome.notices,
            usage: outcome.usage,
        })
    }

    /// Deletes a session for good: its rows, its files and anything held for it, with the
    /// database's freed pages zeroed so none of its words stay on disk.
    pub async fn delete_session(&self, id: mockint_domain::SessionId) -> Result<(), AppError> {
        self.sessions.delete(id).await?;
        self.interviews.forget(id).await?;
        Ok(())
    }

    /// The OpenAI-compatible server chosen in the app, if any.
    pub fn compatible_server(&self) -> Option<compatible::CompatibleServer> {
        self.compatible
            .read()
            .ok()
            .and_then(|server| server.clone())
    }

    /// Connects to an OpenAI-compatible server: checks the URL, reads its model list, picks
    /// `model` (or the first listed), makes it available as provider `compatible` and
    /// remembers it. Returns the server and the models it lists.
    pub async fn connect_compatible(
        &self,
        url: &str,
        model: Option<&str>,
    ) -> Result<(compatible::CompatibleServer, Vec<String>), AppError> {
        let url = compatible::validate_url(url)?;
        let models = compatible::list_models(&url).await?;
        let model = match model.filter(|m| !m.trim().is_empty()) {
            Some(typed) => compatible::validate_model(typed)?,
            None => models.first().cloned().ok_or_else(|| {
                AppError::Provider(
                    "the server lists no models; type the name of the model to use".into(),
                )
            })?,
        };
        let server = compatible::CompatibleServer { url, model };
        compatible::save(&self.settings.data_dir, &server)?;
        self.providers.register(Arc::new(OpenAiChat::compatible(
            &server.url,
            self.settings.http_settings(),
        )));
        if let Ok(mut slot) = self.compatible.write() {
            *slot = Some(server.clone());
        }
        tracing::info!(url = %server.url, model = %server.model, "OpenAI-compatible server connected");
        Ok((server, models))
    }

    /// The model to use with a provider, checking that the provider can be used.
    pub fn model_for(&self, provider: &str) -> Result<String, AppError> {
        let ai = &self.settings.config.ai;
        let (model, hint) = match provider {
            OFFLINE_PROVIDER => return Ok(OFFLINE_MODEL.to_string()),
            mockint_ai::llm::COMPATIBLE_PROVIDER => {
                return self
                    .compatible_server()
                    .filter(|_| self.providers.has(provider))
                    .map(|server| server.model)
                    .ok_or_else(|| {
                        AppError::Provider(
                        "connect to an OpenAI-compatible server first (its URL on the setup page)"
                            .into(),
                    )
                    })
            }
            "openai" => (
                &ai.openai.model,
                "OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)",
            ),
            "anthropic" => (&ai.anthropic.model, "ANTHROPIC_API_KEY"),
            other => {
                return Err(AppError::Provider(format!(
                    "unknown provider '{other}': use offline, openai, anthropic or compatible"
                )))
            }
        };
        if self.providers.has(provider) {
            Ok(model.clone())
        } else {
            Err(AppError::Provider(format!(
                "provider '{provider}' needs {hint} in the environment or .env"
            )))
        }
    }
}

/// Reads a resume; with a configured provider other than `offline`, a model extracts the
/// profile (the deterministic profile is the fallback). Returns the AI usage spent.
pub async fn read_resume_with(
    settings: &Settings,
    providers: &Providers,
    path: &Path,
    provider: &str,
) -> Result<(ResumeData, Vec<mockint_core::ports::Usage>), AppError> {
    let base = read_resume(path, settings.resume_limit()).await?;
    let model = match provider {
        "openai" => &settings.config.ai.openai.model,
        "anthropic" => &settings.config.ai.anthropic.model,
        _ => return Ok((base, Vec::new())),
    };
    if !providers.has(provider) {
        return Ok((base, Vec::new()));
    }
    Ok(mockint_ai::extract_resume(providers, provider, model, &base).await)
}

/// Reads a resume file off the async runtime (PDF parsing is CPU-bound) for the local user.
pub async fn read_resume(path: &Path, max_bytes: u64) -> Result<ResumeData, AppError> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let text = mockint_resume::read_resume_text(&path, max_bytes)?;
        Ok::<_, mockint_resume::ResumeError>(mockint_resume::extract_profile(
            &text.text, LOCAL_USER,
        ))
    })
    .await
    .map_err(|error| AppError::Internal(error.to_string()))?
    .map_err(AppError::from)
}
