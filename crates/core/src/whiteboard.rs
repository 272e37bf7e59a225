//! The whiteboard of a session: its shapes autosaved as a working document, and PNG
//! snapshots stored as media files.

use std::sync::Arc;

use mockint_domain::{MediaFile, MediaType, SessionId, ValidationError, Whiteboard};

use crate::ports::{MediaStore, Store};
use crate::{CoreError, MediaService};

/// File name of the autosaved board.
pub const BOARD_DOCUMENT: &str = "whiteboard.json";

/// Saves and loads whiteboards and their snapshots.
#[derive(Clone)]
pub struct WhiteboardService {
    store: Arc<dyn Store>,
    media_store: Arc<dyn MediaStore>,
    media: MediaService,
}

impl WhiteboardService {
    /// Wires the service to its ports.
    pub fn new(
        store: Arc<dyn Store>,
        media_store: Arc<dyn MediaStore>,
        media: MediaService,
    ) -> Self {
        Self {
            store,
            media_store,
            media,
        }
    }

    /// Replaces the session's autosaved board (validated first).
    pub async fn save_board(
        &self,
        session: SessionId,
        board: &Whiteboard,
    ) -> Result<(), CoreError> {
        board.validate()?;
        if self.store.get_session(session).await?.is_none() {
            return Err(CoreError::SessionNotFound(session));
        }
        let bytes = serde_json::to_vec(board).map_err(|error| {
            CoreError::Invalid(ValidationError::NotOneOf {
                field: "whiteboard",
                allowed: "serializable shapes",
                actual: error.to_string(),
            })
        })?;
        Ok(self
            .media_store
            .write_document(session, BOARD_DOCUMENT, &bytes)
            .await?)
    }

    /// The session's last autosaved board (empty if none was saved or it cannot be read).
    pub async fn load_board(&self, session: SessionId) -> Result<Whiteboard, CoreError> {
        let Some(bytes) = self
            .media_store
            .read_document(session, BOARD_DOCUMENT)
            .await?
        else {
            return Ok(Whiteboard::default());
        };
        match serde_json::from_slice(&bytes) {
            Ok(board) => Ok(board),
            Err(error) => {
                tracing::warn!(session_id = %session, %error, "autosaved whiteboard is unreadable");
                Ok(Whiteboard::default())
            }
        }
    }

    /// Stores a PNG snapshot as the session's next `snapshot_NNN.png`.
    pub async fn save_snapshot(
        &self,
        session: SessionId,
        png: &[u8],
    ) -> Result<MediaFile, CoreError> {
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(CoreError::Invalid(ValidationError::NotOneOf {
                field: "snapshot",
                allowed: "a PNG image",
                actual: format!("{} bytes of other data", png.len()),
            }));
        }
        self.media.save(session, MediaType::Whiteboard, png).await
    }

    /// The newest picture of the candidate's work, for vision-capable models: a whiteboard
    /// snapshot or a screen-share capture, whichever was taken last.
    pub async fn latest_picture(&self, session: SessionId) -> Result<Option<Vec<u8>>, CoreError> {
        let files = self.media.list(session).await?;
        match files
            .iter()
            .filter(|f| matches!(f.file_type, MediaType::Whiteboard | MediaType::Screen))
            .max_by_key(|f| f.timestamp)
        {
            Some(file) => Ok(Some(self.media_store.read(file).await?)),
            None => Ok(None),
        }
    }
}
