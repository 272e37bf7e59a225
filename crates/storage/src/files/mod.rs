//! Media files on the local disk: `sessions/{id}/{audio,video,whiteboard,screen}/` under the
//! data directory, written atomically (temporary file, then a no-clobber link into place).

mod disk;
#[cfg(test)]
mod tests;

use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mockint_core::ports::{MediaStore, StagedRemoval};
use mockint_core::MediaError;
use mockint_domain::{MediaFile, MediaType, SessionId};

use disk::{create_private_dir, document_name, io_error, place, write_synced};
pub use disk::{create_private_dir_all, dir_size};

/// Size limits for media files (from `communication` and `storage` in config.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaLimits {
    /// Largest audio file.
    pub audio_bytes: u64,
    /// Largest video file.
    pub video_bytes: u64,
    /// Largest whiteboard snapshot or screen capture.
    pub image_bytes: u64,
    /// Largest total for one session.
    pub session_bytes: u64,
}

impl Default for MediaLimits {
    /// Audio 100 MB, video 500 MB, images 50 MB, session 500 MB.
    fn default() -> Self {
        const MB: u64 = 1024 * 1024;
        Self {
            audio_bytes: 100 * MB,
            video_bytes: 500 * MB,
            image_bytes: 50 * MB,
            session_bytes: 500 * MB,
        }
    }
}

impl MediaLimits {
    fn for_kind(&self, kind: MediaType) -> u64 {
        match kind {
            MediaType::Audio => self.audio_bytes,
            MediaType::Video => self.video_bytes,
            MediaType::Whiteboard | MediaType::Screen => self.image_bytes,
        }
    }
}

/// Stores media files under a data directory.
#[derive(Debug, Clone)]
pub struct FileMediaStore {
    data_dir: PathBuf,
    limits: MediaLimits,
}

impl FileMediaStore {
    /// A store rooted at `data_dir` (which must exist).
    pub fn new(data_dir: impl Into<PathBuf>, limits: MediaLimits) -> Self {
        Self {
            data_dir: data_dir.into(),
            limits,
        }
    }

    /// The directory of one session.
    pub fn session_dir(&self, session: SessionId) -> PathBuf {
        self.data_dir.join("sessions").join(session.to_string())
    }

    /// Resolves a stored relative path, refusing anything that would leave the data directory.
    pub fn resolve(&self, relative: &str) -> Result<PathBuf, MediaError> {
        let path = Path::new(relative);
        let safe = !relative.is_empty()
            && path
                .components()
                .all(|component| matches!(component, Component::Normal(_)));
        if safe {
            Ok(self.data_dir.join(path))
        } else {
            Err(MediaError::OutsideDataDir(
                relative.chars().take(200).collect(),
            ))
        }
    }

    fn adopt_blocking(
        &self,
        session: SessionId,
        kind: MediaType,
        recording: &Path,
        timestamp: DateTime<Utc>,
    ) -> Result<MediaFile, MediaError> {
        let dir = self.session_dir(session).join(kind.as_str());
        if recording.parent() != Some(dir.as_path()) {
            return Err(MediaError::OutsideDataDir(
                recording.display().to_string().chars().take(200).collect(),
            ));
        }
        let size = std::fs::metadata(recording)
            .map_err(|error| io_error("read", recording, &error.to_string()))?
            .len();
        let limit = self.limits.for_kind(kind);
        if size > limit {
            let _ = std::fs::remove_file(recording);
            return Err(MediaError::FileTooLarge { kind, size, limit });
        }
        let session_used = dir_size(&self.session_dir(session));
        if session_used > self.limits.session_bytes {
            let _ = std::fs::remove_file(recording);
            return Err(MediaError::SessionFull {
                used: session_used.saturating_sub(size),
                incoming: size,
                limit: self.limits.session_bytes,
            });
        }
        std::fs::File::open(recording)
            .and_then(|file| file.sync_all())
            .map_err(|error| io_error("sync", recording, &error.to_string()))?;
        place(session, kind, &dir, recording, size, timestamp)
    }

    fn save_blocking(
        &self,
        session: SessionId,
        kind: MediaType,
        bytes: &[u8],
        timestamp: DateTime<Utc>,
    ) -> Result<MediaFile, MediaError> {
        let size = bytes.len() as u64;
        let limit = self.limits.for_kind(kind);
        if size > limit {
            return Err(MediaError::FileTooLarge { kind, size, limit });
        }
        let session_dir = self.session_dir(session);
        let used = dir_size(&session_dir);
        if used.saturating_add(size) > self.limits.session_bytes {
            return Err(MediaError::SessionFull {
                used,
                incoming: size,
                limit: self.limits.session_bytes,
            });
        }
        let dir = session_dir.join(kind.as_str());
        create_private_dir(&dir)?;
        let temp = dir.join(format!(".part-{}", uuid::Uuid::new_v4()));
        write_synced(&temp, bytes)?;
        place(session, kind, &dir, &temp, size, timestamp)
    }
}

#[async_trait]
impl MediaStore for FileMediaStore {
    async fn save(
        &self,
        session: SessionId,
        kind: MediaType,
        bytes: &[u8],
        timestamp: DateTime<Utc>,
    ) -> Result<MediaFile, MediaError> {
        let store = self.clone();
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || store.save_blocking(session, kind, &bytes, timestamp))
            .await
            .map_err(|error| io_error("write", &self.session_dir(session), &error.to_string()))?
    }

    fn recording_path(
        &self,
        session: SessionId,
        kind: MediaType,
        extension: &str,
    ) -> Result<PathBuf, MediaError> {
        let extension: String = extension
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let dir = self.session_dir(session).join(kind.as_str());
        create_private_dir(&dir)?;
        Ok(dir.join(format!(".part-{}.{extension}", uuid::Uuid::new_v4())))
    }

    async fn adopt(
        &self,
        session: SessionId,
        kind: MediaType,
        recording: &Path,
        timestamp: DateTime<Utc>,
    ) -> Result<MediaFile, MediaError> {
        let store = self.clone();
        let recording = recording.to_path_buf();
        tokio::task::spawn_blocking(move || {
            store.adopt_blocking(session, kind, &recording, timestamp)
        })
        .await
        .map_err(|error| io_error("store", &self.session_dir(session), &error.to_string()))?
    }

    async fn discard(&self, media: &MediaFile) -> Result<(), MediaError> {
        let path = self.resolve(&media.file_path)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(io_error("remove", &path, &error.to_string())),
        }
    }

    async fn read(&self, media: &MediaFile) -> Result<Vec<u8>, MediaError> {
        let path = self.resolve(&media.file_path)?;
        tokio::fs::read(&path)
            .await
            .map_err(|error| io_error("read", &path, &error.to_string()))
    }

    async fn write_document(
        &self,
        session: SessionId,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), MediaError> {
        let dir = self.session_dir(session);
        let path = dir.join(document_name(name)?);
        if bytes.len() as u64 > self.limits.image_bytes {
            return Err(MediaError::FileTooLarge {
                kind: MediaType::Whiteboard,
                size: bytes.len() as u64,
                limit: self.limits.image_bytes,
            });
        }
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || {
            create_private_dir(&dir)?;
            let temp = dir.join(format!(".part-{}", uuid::Uuid::new_v4()));
            write_synced(&temp, &bytes)?;
            std::fs::rename(&temp, &path).map_err(|error| {
                let _ = std::fs::remove_file(&temp);
                io_error("replace", &path, &error.to_string())
            })
        })
        .await
        .map_err(|error| io_error("write", &self.session_dir(session), &error.to_string()))?
    }

    async fn read_document(
        &self,
        session: SessionId,
        name: &str,
    ) -> Result<Option<Vec<u8>>, MediaError> {
        let path = self.session_dir(session).join(document_name(name)?);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error("read", &path, &error.to_string())),
        }
    }

    async fn append_document(
        &self,
        session: SessionId,
        name: &str,
        bytes: &[u8],
        limit: u64,
    ) -> Result<(), MediaError> {
        use std::io::Write as _;
        let dir = self.session_dir(session);
        let path = dir.join(document_name(name)?);
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || {
            create_private_dir(&dir)?;
            let size = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
            if size + bytes.len() as u64 > limit {
                return Err(MediaError::FileTooLarge {
                    kind: MediaType::Whiteboard,
                    size: size + bytes.len() as u64,
                    limit,
                });
            }
            let mut options = std::fs::OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                // Never follow a link planted where the document goes.
                options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
            }
            let mut file = options
                .open(&path)
                .map_err(|error| io_error("open", &path, &error.to_string()))?;
            file.write_all(&bytes)
                .and_then(|()| file.sync_data())
                .map_err(|error| io_error("append", &path, &error.to_string()))
        })
        .await
        .map_err(|error| io_error("append", &self.session_dir(session), &error.to_string()))?
    }

    async fn read_document_head(
        &self,
        session: SessionId,
        name: &str,
        limit: u64,
    ) -> Result<Option<(Vec<u8>, u64)>, MediaError> {
        use tokio::io::AsyncReadExt as _;
        let path = self.session_dir(session).join(document_name(name)?);
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_error("read", &path, &error.to_string())),
        };
        let size = file
            .metadata()
            .await
            .map_err(|error| io_error("read", &path, &error.to_string()))?
            .len();
        let mut bytes = Vec::with_capacity(size.min(limit) as usize);
        file.take(limit)
            .read_to_end(&mut bytes)
            .await
            .map_err(|error| io_error("read", &path, &error.to_string()))?;
        Ok(Some((bytes, size)))
    }

    async fn stage_removal(&self, session: SessionId) -> Result<StagedRemoval, MediaError> {
        let original_path = self.session_dir(session);
        if !original_path.exists() {
            return Ok(StagedRemoval {
                staged_path: None,
                original_path,
            });
        }
        let staged = self
            .data_dir
            .join("sessions")
            .join(format!(".deleting-{session}-{}", uuid::Uuid::new_v4()));
        tokio::fs::rename(&original_path, &staged)
            .await
            .map_err(|error| io_error("move aside", &original_path, &error.to_string()))?;
        Ok(StagedRemoval {
            staged_path: Some(staged),
            original_path,
        })
    }

    async fn finish_removal(&self, staged: StagedRemoval) -> Result<(), MediaError> {
        if let Some(path) = staged.staged_path {
            tokio::fs::remove_dir_all(&path)
                .await
                .map_err(|error| io_error("delete", &path, &error.to_string()))?;
        }
        Ok(())
    }

    async fn undo_removal(&self, staged: StagedRemoval) -> Result<(), MediaError> {
        if let Some(path) = staged.staged_path {
            tokio::fs::rename(&path, &staged.original_path)
                .await
                .map_err(|error| io_error("restore", &path, &error.to_string()))?;
        }
        Ok(())
    }

    fn absolute_path(&self, media: &MediaFile) -> PathBuf {
        self.resolve(&media.file_path)
            .unwrap_or_else(|_| self.data_dir.join("invalid-media-path"))
    }
}
