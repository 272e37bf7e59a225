//! The assembled app as the desktop shell holds it: built once at start-up, or the reason it
//! could not start (shown in the window instead of a blank page).

use std::sync::Arc;

use mockint_app::{App, StartOptions};
use mockint_domain::ipc::{AppInfo, IpcError, IpcErrorKind};

/// The app, or why it did not start.
pub struct AppState {
    app: Result<Arc<App>, String>,
}

impl AppState {
    /// Starts the app from the environment (`DATA_DIR`, `DATABASE_URL`, `MOCKINT_CONFIG`, the
    /// data directory's `.env`), and while the database is away keeps draining the held
    /// messages.
    pub async fn start(options: &StartOptions) -> Self {
        match App::start(options).await {
            Ok(app) => {
                mockint_app::logging::attach_audit_store(Arc::clone(&app.store));
                let interviews = app.interviews.clone();
                tauri::async_runtime::spawn(async move {
                    loop {
                        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        if let Err(error) = interviews.replay_pending().await {
                            tracing::warn!(%error, operation = "replay_outbox", "draining held messages failed");
                        }
                    }
                });
                Self {
                    app: Ok(Arc::new(app)),
                }
            }
            Err(error) => {
                tracing::error!(%error, "app failed to start");
                Self {
                    app: Err(error.to_string()),
                }
            }
        }
    }

    /// An app that could not start, and why.
    pub fn failed(reason: String) -> Self {
        tracing::error!(%reason, "app failed to start");
        Self { app: Err(reason) }
    }

    /// Version, database backend and data directory, or the start-up error.
    pub fn info(&self) -> AppInfo {
        let app = self.app.as_ref().ok();
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            database_backend: app
                .map(|a| a.store.backend().to_string())
                .unwrap_or_default(),
            data_dir: app
                .map(|a| a.settings.data_dir.display().to_string())
                .unwrap_or_default(),
            startup_error: self.startup_error(),
        }
    }

    /// The app, or the start-up error as a command error.
    pub fn app(&self) -> Result<Arc<App>, IpcError> {
        self.app
            .clone()
            .map_err(|reason| IpcError::new(IpcErrorKind::Unavailable, reason))
    }

    /// Why the app did not start, if it did not.
    pub fn startup_error(&self) -> Option<String> {
        self.app.as_ref().err().cloned()
    }
}
