//! The spoken interviewer: replies read aloud by the platform's speech service when the user
//! turns it on. The service is connected on first use; when there is none the status says
//! why and the toggle stays off.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use mockint_domain::ipc::{IpcError, IpcErrorKind, SpeechStatus, MAX_SPEAK_BYTES};
use mockint_media::speech::Speaker;

/// The speech service, connected on first use (or why it cannot be).
#[derive(Default)]
pub struct SpeakerManager {
    speaker: Mutex<Option<Result<Arc<Speaker>, String>>>,
    speaking: Arc<AtomicBool>,
}

impl SpeakerManager {
    fn connect(&self) -> Result<Arc<Speaker>, IpcError> {
        let mut slot = self.speaker.lock().map_err(|_| {
            crate::ipc::internal("the speech service is unavailable; restart the app")
        })?;
        let connected = slot
            .get_or_insert_with(|| {
                Speaker::start(Arc::clone(&self.speaking))
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone();
        connected.map_err(|reason| IpcError::new(IpcErrorKind::Unavailable, reason))
    }

    /// True while the app's voice is coming out of the speakers (the microphone ignores it).
    pub fn speaking(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.speaking)
    }

    /// Whether replies can be spoken here, and if not, why (connecting may take a moment, so
    /// it runs off the async runtime).
    pub async fn status(self: Arc<Self>) -> Result<SpeechStatus, IpcError> {
        let outcome = tauri::async_runtime::spawn_blocking(move || self.connect().map(|_| ()))
            .await
            .map_err(crate::ipc::internal)?;
        Ok(match outcome {
            Ok(()) => SpeechStatus {
                available: true,
                detail: "the interviewer's replies can be read aloud".into(),
            },
            Err(reason) => SpeechStatus {
                available: false,
                detail: reason.message,
            },
        })
    }

    /// Reads `text` aloud, interrupting what is being said.
    pub fn speak(&self, text: &str) -> Result<(), IpcError> {
        if text.len() > MAX_SPEAK_BYTES {
            return Err(IpcError::new(
                IpcErrorKind::Invalid,
                "the text to speak is too long",
            ));
        }
        self.connect()?.speak(text).map_err(crate::ipc::unavailable)
    }

    /// Stops speaking (nothing to do when the service was never connected).
    pub fn stop(&self) -> Result<(), IpcError> {
        let connected = self
            .speaker
            .lock()
            .ok()
            .and_then(|slot| slot.as_ref().and_then(|s| s.as_ref().ok().cloned()));
        match connected {
            Some(speaker) => speaker.stop().map_err(crate::ipc::unavailable),
            None => Ok(()),
        }
    }
}
