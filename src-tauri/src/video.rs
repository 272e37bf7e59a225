//! Video: the camera, or the screen when the user picks it, recorded to H.264 MP4 while the
//! toggle is on, then stored with the session as `interview.mp4` (later ones numbered).

use domain::ipc::VideoRequest;
use domain::{MediaType, SessionId};
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, State};

use crate::state::DesktopState;

/// `video-status` event payload.
#[derive(Debug, Clone, Serialize)]
pub struct VideoStatus {
    /// Whether video is being recorded.
    pub video: bool,
}

/// A recording in progress and the session it belongs to.
pub struct ActiveVideo {
    session_id: SessionId,
    recording: media::video::VideoRecording,
}

fn input(source: &str) -> Result<media::video::VideoInput, String> {
    match source {
        "camera" => Ok(media::video::VideoInput::Camera),
        "screen" => Ok(media::video::VideoInput::Screen),
        other => Err(format!(
            "unknown video source '{}': choose camera or screen",
            other.chars().take(40).collect::<String>()
        )),
    }
}

/// Starts recording video for a session from the camera or the screen.
#[tauri::command]
pub async fn start_video(
    handle: AppHandle,
    state: State<'_, DesktopState>,
    request: VideoRequest,
) -> Result<(), String> {
    let app = state.app()?;
    let source = input(&request.source)?;
    if state
        .video
        .lock()
        .map(|slot| slot.is_some())
        .unwrap_or(false)
    {
        return Err("video is already being recorded".into());
    }
    // Refuse early for a session that does not exist or has ended.
    let session = app
        .sessions
        .get(request.session_id)
        .await
        .map_err(|e| e.to_string())?;
    if session.status == domain::SessionStatus::Completed {
        return Err("this interview has ended".into());
    }
    let path = app
        .media
        .recording_path(request.session_id, MediaType::Video, "mp4")
        .map_err(|e| e.to_string())?;
    let recording = tauri::async_runtime::spawn_blocking(move || {
        media::video::VideoRecording::start(source, &path)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let active = ActiveVideo {
        session_id: request.session_id,
        recording,
    };
    match state.video.lock() {
        Ok(mut slot) => *slot = Some(active),
        Err(_) => {
            let _ = active.recording.stop();
            return Err("video state is unavailable; try again".into());
        }
    }
    let _ = handle.emit("video-status", VideoStatus { video: true });
    Ok(())
}

/// Stops recording (if recording) and stores the video with its session.
pub async fn finish_video(state: &DesktopState) -> Result<(), String> {
    let active = state
        .video
        .lock()
        .map(|mut slot| slot.take())
        .unwrap_or(None);
    let Some(active) = active else {
        return Ok(());
    };
    let path = active.recording.path().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || active.recording.stop())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let app = state.app()?;
    app.media
        .adopt(active.session_id, MediaType::Video, &path)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Stops recording and stores the video.
#[tauri::command]
pub async fn stop_video(handle: AppHandle, state: State<'_, DesktopState>) -> Result<(), String> {
    let result = finish_video(&state).await;
    let _ = handle.emit("video-status", VideoStatus { video: false });
    result
}
