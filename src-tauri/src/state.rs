//! What the desktop app holds between commands: the assembled app, or why it could not start.

use app::{App, StartOptions};

/// Managed Tauri state, built once at start-up.
pub struct DesktopState {
    /// The running app, if it started.
    pub app: Option<App>,
    /// The reason it did not start (shown in the window instead of a blank page).
    pub startup_error: Option<String>,
    /// The microphone capture while voice is on.
    pub voice: std::sync::Mutex<Option<media::audio::LiveCapture>>,
    /// The periodic screen capture while sharing is on.
    pub screen: std::sync::Mutex<Option<media::screen::ScreenShare>>,
    /// The video recording while video is on.
    pub video: std::sync::Mutex<Option<crate::video::ActiveVideo>>,
    /// The speech service, connected on first use (or why it cannot be).
    pub speaker: std::sync::Mutex<Option<Result<std::sync::Arc<media::speech::Speaker>, String>>>,
    /// The whisper model, loaded on first use.
    pub transcriber:
        std::sync::Arc<tokio::sync::Mutex<Option<std::sync::Arc<media::transcribe::Transcriber>>>>,
}

impl DesktopState {
    /// Starts the app from the environment (`DATA_DIR`, `DATABASE_URL`, `MOCKINT_CONFIG`, `.env`).
    pub async fn start() -> Self {
        match App::start(&StartOptions::default()).await {
            Ok(app) => {
                app::logging::attach_audit_store(std::sync::Arc::clone(&app.store));
                // While the database is away, keep trying to store the journaled messages.
                let interviews = app.interviews.clone();
                tauri::async_runtime::spawn(async move {
                    loop {
                        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        if let Err(error) = interviews.replay_pending().await {
                            tracing::warn!(%error, operation = "replay_journal", "journal replay failed");
                        }
                    }
                });
                Self {
                    app: Some(app),
                    startup_error: None,
                    voice: std::sync::Mutex::new(None),
                    screen: std::sync::Mutex::new(None),
                    video: std::sync::Mutex::new(None),
                    speaker: std::sync::Mutex::new(None),
                    transcriber: std::sync::Arc::default(),
                }
            }
            Err(error) => {
                tracing::error!(%error, "app failed to start");
                Self {
                    app: None,
                    startup_error: Some(error.to_string()),
                    voice: std::sync::Mutex::new(None),
                    screen: std::sync::Mutex::new(None),
                    video: std::sync::Mutex::new(None),
                    speaker: std::sync::Mutex::new(None),
                    transcriber: std::sync::Arc::default(),
                }
            }
        }
    }

    /// The app, or the start-up error as a command error.
    pub fn app(&self) -> Result<&App, String> {
        self.app.as_ref().ok_or_else(|| {
            self.startup_error
                .clone()
                .unwrap_or_else(|| "the app is not ready".into())
        })
    }
}
