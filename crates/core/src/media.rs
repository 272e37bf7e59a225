//! Saving media files with their `media_files` rows, kept consistent with each other.

use std::sync::Arc;

use mockint_domain::{MediaFile, MediaType, SessionId};

use crate::ports::{Clock, MediaStore, Store};
use crate::CoreError;

/// Stores a session's media: the file on disk and its row, or neither.
#[derive(Clone)]
pub struct MediaService {
    store: Arc<dyn Store>,
    media: Arc<dyn MediaStore>,
    clock: Arc<dyn Clock>,
}

impl MediaService {
    /// Wires the service to its ports.
    pub fn new(store: Arc<dyn Store>, media: Arc<dyn MediaStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            media,
            clock,
        }
    }

    /// Saves `bytes` as the session's next file of `kind` and records it. If the row cannot be
    /// written the file is removed again.
    pub async fn save(
        &self,
        session: SessionId,
        kind: MediaType,
        bytes: &[u8],
    ) -> Result<MediaFile, CoreError> {
        crate::telemetry::timed("media", "save", async {
            if self.store.get_session(session).await?.is_none() {
                return Err(CoreError::SessionNotFound(session));
            }
            let file = self
                .media
                .save(session, kind, bytes, self.clock.now())
                .await?;
            self.record(session, file).await
        })
        .await
    }

    /// Writes the row of a stored file; if that fails the file is removed again.
    async fn record(&self, session: SessionId, file: MediaFile) -> Result<MediaFile, CoreError> {
        if let Err(error) = self.store.save_media_reference(session, &file).await {
            if let Err(discard) = self.media.discard(&file).await {
                tracing::error!(%discard, path = %file.file_path, "could not remove orphaned media file");
            }
            return Err(error.into());
        }
        Ok(file)
    }

    /// A path where a long recording of `kind` can be written before [`MediaService::adopt`].
    pub fn recording_path(
        &self,
        session: SessionId,
        kind: MediaType,
        extension: &str,
    ) -> Result<std::path::PathBuf, CoreError> {
        Ok(self.media.recording_path(session, kind, extension)?)
    }

    /// Stores a finished recording as the session's next file of `kind` and records it
    /// (with when it started, for the replay); the recording is removed if it cannot be
    /// stored.
    pub async fn adopt(
        &self,
        session: SessionId,
        kind: MediaType,
        recording: &std::path::Path,
        started: chrono::DateTime<chrono::Utc>,
    ) -> Result<MediaFile, CoreError> {
        crate::telemetry::timed("media", "adopt", async {
            let mut file = self
                .media
                .adopt(session, kind, recording, self.clock.now())
                .await?;
            file.metadata.insert(
                mockint_domain::replay::STARTED_AT.into(),
                serde_json::Value::String(started.to_rfc3339()),
            );
            self.record(session, file).await
        })
        .await
    }

    /// The session's media files, oldest first.
    pub async fn list(&self, session: SessionId) -> Result<Vec<MediaFile>, CoreError> {
        Ok(self.store.media_files(session).await?)
    }
}
