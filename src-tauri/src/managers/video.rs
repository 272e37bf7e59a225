//! Video: the camera, or the screen when the user picks it, recorded to H.264 MP4 while the
//! toggle is on, then stored with the session as `interview.mp4` (later ones numbered). A
//! recording still running when the interview ends or the app closes is finished first.

use std::sync::{Arc, Mutex};

use mockint_app::App;
use mockint_domain::ipc::{IpcError, IpcErrorKind, VideoSource};
use mockint_domain::{MediaType, SessionId, SessionStatus};
use mockint_media::video::{VideoInput, VideoRecording};

use crate::ipc::OrIpc as _;

/// A recording in progress and the session it belongs to.
struct ActiveVideo {
    session_id: SessionId,
    recording: VideoRecording,
    /// When it started (the replay places it on the session's timeline).
    started: chrono::DateTime<chrono::Utc>,
}

/// The video recording while it runs.
#[derive(Default)]
pub struct VideoManager {
    active: Mutex<Option<ActiveVideo>>,
}

impl VideoManager {
    /// Starts recording a session from the camera or the screen.
    pub async fn start(
        &self,
        app: &App,
        session_id: SessionId,
        source: VideoSource,
    ) -> Result<(), IpcError> {
        if self
            .active
            .lock()
            .map(|slot| slot.is_some())
            .unwrap_or(false)
        {
            return Err(IpcError::new(
                IpcErrorKind::Conflict,
                "video is already being recorded",
            ));
        }
        if app.sessions.get(session_id).await.or_ipc()?.status == SessionStatus::Completed {
            return Err(IpcError::new(
                IpcErrorKind::Conflict,
                "this interview has ended",
            ));
        }
        let path = app
            .media
            .recording_path(session_id, MediaType::Video, "mp4")
            .or_ipc()?;
        let input = match source {
            VideoSource::Camera => VideoInput::Camera,
            VideoSource::Screen => VideoInput::Screen,
        };
        let recording =
            tauri::async_runtime::spawn_blocking(move || VideoRecording::start(input, &path))
                .await
                .map_err(crate::ipc::internal)?
                .map_err(crate::ipc::unavailable)?;
        let active = ActiveVideo {
            session_id,
            recording,
            started: chrono::Utc::now(),
        };
        match self.active.lock() {
            Ok(mut slot) => *slot = Some(active),
            Err(_) => {
                let _ = active.recording.stop();
                return Err(crate::ipc::internal(
                    "the video state is unavailable; try again",
                ));
            }
        }
        Ok(())
    }

    /// Stops recording (if recording) and stores the video with its session.
    pub async fn finish(&self, app: Option<Arc<App>>) -> Result<(), IpcError> {
        let active = self
            .active
            .lock()
            .map(|mut slot| slot.take())
            .unwrap_or(None);
        let Some(active) = active else {
            return Ok(());
        };
        let path = active.recording.path().to_path_buf();
        let recording = active.recording;
        tauri::async_runtime::spawn_blocking(move || recording.stop())
            .await
            .map_err(crate::ipc::internal)?
            .map_err(crate::ipc::unavailable)?;
        if let Some(app) = app {
            app.media
                .adopt(active.session_id, MediaType::Video, &path, active.started)
                .await
                .or_ipc()?;
        }
        Ok(())
    }
}
