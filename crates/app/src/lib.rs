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
mod interviews;
pub mod lock;
pub mod logging;
mod paths;
mod providers;
mod secrets;
mod settings;
pub mod speech;
pub mod views;

use std::sync::Arc;

use mockint_ai::llm::OpenAiChat;
use mockint_ai::{LlmEvaluator, LlmInterviewer, OfflineInterviewer, Providers};
use mockint_core::ports::{Clock, Store, SystemClock};
use mockint_core::{InterviewService, MediaService, SessionService, WhiteboardService};
use mockint_storage::{DatabaseTarget, FileMediaStore, RetryPolicy};

pub use crate::config::{AppConfig, ConfigError, DEFAULT_CONFIG_YAML};
pub use crate::error::AppError;
pub use crate::interviews::{read_resume, read_resume_with, InterviewRequest};
pub use crate::paths::{default_data_dir, prepare_data_dir};
pub use crate::secrets::Secrets;
pub use crate::settings::{Settings, StartOptions};

/// The single local user of the desktop app (the schema keys resumes by user).
pub const LOCAL_USER: &str = "local";

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
}
