//! Screen share: a capture every few seconds (unchanged screens are skipped), each stored as
//! `capture_NNN.png` with its row.

use std::time::Duration;

use domain::ipc::SessionRequest;
use domain::MediaType;
use tauri::{AppHandle, Emitter as _, Manager as _, State};

use crate::state::DesktopState;

/// `screen-status` event payload.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScreenStatus {
    /// Whether the screen is being shared.
    pub screen: bool,
}

/// Starts sharing the screen for a session.
#[tauri::command]
pub async fn start_screen_share(
    handle: AppHandle,
    state: State<'_, DesktopState>,
    request: SessionRequest,
) -> Result<(), String> {
    let app = state.app()?;
    let interval = Duration::from_secs(u64::from(
        app.settings
            .config
            .communication
            .screen_capture_interval_seconds,
    ));
    let session_id = request.session_id;
    let callback_handle = handle.clone();
    let share = media::screen::ScreenShare::start(interval, move |png| {
        let handle = callback_handle.clone();
        tauri::async_runtime::spawn(async move {
            let state = handle.state::<DesktopState>();
            let saved = match state.app() {
                Ok(app) => app.media.save(session_id, MediaType::Screen, &png).await.map_err(|e| e.to_string()),
                Err(error) => Err(error),
            };
            if let Err(error) = saved {
                tracing::warn!(%error, operation = "screen_capture", "a screen capture could not be stored");
            }
        });
    })
    .map_err(|e| e.to_string())?;
    if let Ok(mut slot) = state.screen.lock() {
        *slot = Some(share);
    }
    let _ = handle.emit("screen-status", ScreenStatus { screen: true });
    Ok(())
}

/// Stops sharing the screen.
#[tauri::command]
pub async fn stop_screen_share(
    handle: AppHandle,
    state: State<'_, DesktopState>,
) -> Result<(), String> {
    let share = state
        .screen
        .lock()
        .map(|mut slot| slot.take())
        .unwrap_or(None);
    if let Some(share) = share {
        let _ = tauri::async_runtime::spawn_blocking(move || share.stop()).await;
    }
    let _ = handle.emit("screen-status", ScreenStatus { screen: false });
    Ok(())
}
