//! Spoken interviewer: the interviewer's replies read aloud by the platform's speech service
//! when the user turns it on. The service is connected on first use; when there is none the
//! status says why and the toggle stays off.

use std::sync::Arc;

use domain::ipc::{SpeakRequest, SpeechStatus};
use tauri::{AppHandle, Manager as _, State};

use crate::state::DesktopState;

fn speaker(state: &DesktopState) -> Result<Arc<media::speech::Speaker>, String> {
    let mut slot = state
        .speaker
        .lock()
        .map_err(|_| "the speech service is unavailable; restart the app".to_string())?;
    match slot.as_ref() {
        Some(Ok(speaker)) => Ok(Arc::clone(speaker)),
        Some(Err(reason)) => Err(reason.clone()),
        None => {
            let connected = media::speech::Speaker::start()
                .map(Arc::new)
                .map_err(|e| e.to_string());
            *slot = Some(connected.clone());
            connected
        }
    }
}

/// Whether replies can be spoken here, and if not, why.
#[tauri::command]
pub async fn speech_status(handle: AppHandle) -> Result<SpeechStatus, String> {
    // Connecting may take a moment (the service is started on demand): off the async runtime.
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<DesktopState>();
        speaker(&state).map(|_| ())
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok(match outcome {
        Ok(()) => SpeechStatus {
            available: true,
            detail: "the interviewer's replies can be read aloud".into(),
        },
        Err(reason) => SpeechStatus {
            available: false,
            detail: reason,
        },
    })
}

/// Reads `text` aloud, interrupting what is being said.
#[tauri::command]
pub async fn speak(state: State<'_, DesktopState>, request: SpeakRequest) -> Result<(), String> {
    if request.text.len() > domain::ipc::MAX_SPEAK_BYTES {
        return Err("the text to speak is too long".into());
    }
    speaker(&state)?
        .speak(&request.text)
        .map_err(|e| e.to_string())
}

/// Stops speaking.
#[tauri::command]
pub async fn stop_speaking(state: State<'_, DesktopState>) -> Result<(), String> {
    let connected = state
        .speaker
        .lock()
        .ok()
        .and_then(|slot| slot.as_ref().and_then(|s| s.as_ref().ok().cloned()));
    match connected {
        Some(speaker) => speaker.stop().map_err(|e| e.to_string()),
        None => Ok(()),
    }
}
