//! Screen share: a capture every few seconds (unchanged screens are skipped), each stored as
//! `capture_NNN.png` with its row.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mockint_app::App;
use mockint_domain::ipc::{IpcError, IpcErrorKind};
use mockint_domain::{MediaType, SessionId};
use mockint_media::screen::ScreenShare;

/// The screen share while it is on.
#[derive(Default)]
pub struct ScreenManager {
    share: Mutex<Option<ScreenShare>>,
}

impl ScreenManager {
    /// Starts sharing the screen for a session.
    pub fn start(&self, app: Arc<App>, session_id: SessionId) -> Result<(), IpcError> {
        if self
            .share
            .lock()
            .map(|slot| slot.is_some())
            .unwrap_or(false)
        {
            return Err(IpcError::new(
                IpcErrorKind::Conflict,
                "the screen is already shared",
            ));
        }
        let seconds = app
            .settings
            .config
            .communication
            .screen_capture_interval_seconds;
        let share = ScreenShare::start(Duration::from_secs(u64::from(seconds)), move |png| {
            let app = Arc::clone(&app);
            tauri::async_runtime::spawn(async move {
                if let Err(error) = app.media.save(session_id, MediaType::Screen, &png).await {
                    tracing::warn!(%error, operation = "screen_capture", "a screen capture could not be stored");
                }
            });
        })
        .map_err(crate::ipc::unavailable)?;
        if let Ok(mut slot) = self.share.lock() {
            *slot = Some(share);
        }
        Ok(())
    }

    /// Stops sharing the screen.
    pub async fn stop(&self) {
        let share = self
            .share
            .lock()
            .map(|mut slot| slot.take())
            .unwrap_or(None);
        if let Some(share) = share {
            let _ = tauri::async_runtime::spawn_blocking(move || share.stop()).await;
        }
    }
}
