//! Media files on the local disk: `sessions/{id}/{audio,video,whiteboard,screen}/` under the
//! data directory, written atomically (temporary file, then a no-clobber link into place).

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mockint_core::ports::{MediaStore, StagedRemoval};
use mockint_core::MediaError;
use mockint_domain::{MediaFile, MediaType, SessionId};

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

/// Links a synced staged file in `dir` to the next free name of `kind`, removes the staged
/// name, and describes the stored file.
fn place(
    session: SessionId,
    kind: MediaType,
    dir: &Path,
    staged: &Path,
    size: u64,
    timestamp: DateTime<Utc>,
) -> Result<MediaFile, MediaError> {
    let result = link_next_free(dir, kind, staged);
    let _ = std::fs::remove_file(staged);
    let name = result?;
    Ok(MediaFile {
        file_type: kind,
        file_path: format!("sessions/{session}/{}/{name}", kind.as_str()),
        timestamp,
        file_size_bytes: Some(size),
        metadata: serde_json::Map::new(),
    })
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

/// A working document's file name: lower-case letters, digits, `_`, `-` and one `.`.
fn document_name(name: &str) -> Result<&str, MediaError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
        && name.matches('.').count() <= 1;
    if valid {
        Ok(name)
    } else {
        Err(MediaError::OutsideDataDir(name.chars().take(64).collect()))
    }
}

fn io_error(operation: &'static str, path: &Path, cause: &str) -> MediaError {
    MediaError::Io {
        operation,
        path: path.display().to_string(),
        cause: cause.to_string(),
    }
}

/// Total size of the regular files under `dir` (0 if it does not exist).
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

fn create_private_dir(dir: &Path) -> Result<(), MediaError> {
    create_private_dir_all(dir)
        .map_err(|error| io_error("create directory", dir, &error.to_string()))
}

/// Creates `dir` and its parents, readable only by the current user on Unix (mode 0700).
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), MediaError> {
    let mut file = std::fs::File::create(path)
        .map_err(|error| io_error("create", path, &error.to_string()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|error| {
            let _ = std::fs::remove_file(path);
            io_error("write", path, &error.to_string())
        })
}

/// The file name for the `n`th file of a kind: `recording_001.wav`, `interview.mp4`, …
fn file_name(kind: MediaType, n: u32) -> String {
    match kind {
        MediaType::Audio => format!("recording_{n:03}.wav"),
        MediaType::Video if n == 1 => "interview.mp4".to_string(),
        MediaType::Video => format!("interview_{n:03}.mp4"),
        MediaType::Whiteboard => format!("snapshot_{n:03}.png"),
        MediaType::Screen => format!("capture_{n:03}.png"),
    }
}

/// Links `temp` into `dir` under the first free sequential name (never overwriting a file,
/// even if another writer races for the same number) and returns that name.
fn link_next_free(dir: &Path, kind: MediaType, temp: &Path) -> Result<String, MediaError> {
    let existing = std::fs::read_dir(dir)
        .map_err(|error| io_error("list", dir, &error.to_string()))?
        .flatten()
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .count();
    let mut n = u32::try_from(existing)
        .unwrap_or(u32::MAX - 1)
        .saturating_add(1);
    loop {
        let name = file_name(kind, n);
        match std::fs::hard_link(temp, dir.join(&name)) {
            Ok(()) => return Ok(name),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && n < u32::MAX => {
                n += 1;
            }
            Err(error) => return Err(io_error("store", &dir.join(&name), &error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_seed() {
        assert_eq!(file_name(MediaType::Audio, 1), "recording_001.wav");
        assert_eq!(file_name(MediaType::Whiteboard, 12), "snapshot_012.png");
        assert_eq!(file_name(MediaType::Screen, 3), "capture_003.png");
        assert_eq!(file_name(MediaType::Video, 1), "interview.mp4");
    }

    #[tokio::test]
    async fn finished_recordings_are_adopted_within_the_limits() {
        let dir = tempfile::tempdir().expect("temp dir");
        let limits = MediaLimits {
            video_bytes: 10,
            ..MediaLimits::default()
        };
        let store = FileMediaStore::new(dir.path(), limits);
        let session = SessionId::from_uuid(uuid::Uuid::new_v4());
        let now = Utc::now();
        let first = store
            .recording_path(session, MediaType::Video, "mp4")
            .expect("path");
        std::fs::write(&first, b"0123456789").expect("write");
        let adopted = store
            .adopt(session, MediaType::Video, &first, now)
            .await
            .expect("adopted");
        assert_eq!(
            adopted.file_path,
            format!("sessions/{session}/video/interview.mp4")
        );
        assert_eq!(adopted.file_size_bytes, Some(10));
        assert!(!first.exists(), "the temporary name is gone");
        assert_eq!(
            std::fs::read(store.absolute_path(&adopted)).expect("stored"),
            b"0123456789"
        );

        let too_big = store
            .recording_path(session, MediaType::Video, "mp4")
            .expect("path");
        std::fs::write(&too_big, [0u8; 11]).expect("write");
        let refused = store.adopt(session, MediaType::Video, &too_big, now).await;
        assert!(
            matches!(refused, Err(MediaError::FileTooLarge { .. })),
            "{refused:?}"
        );
        assert!(!too_big.exists(), "a refused recording is removed");

        let elsewhere = dir.path().join("elsewhere.mp4");
        std::fs::write(&elsewhere, b"x").expect("write");
        let outside = store
            .adopt(session, MediaType::Video, &elsewhere, now)
            .await;
        assert!(
            matches!(outside, Err(MediaError::OutsideDataDir(_))),
            "{outside:?}"
        );
        assert!(
            elsewhere.exists(),
            "files outside the session are never touched"
        );
    }

    #[test]
    fn resolve_refuses_escapes() {
        let store = FileMediaStore::new("/data", MediaLimits::default());
        assert!(store.resolve("../etc/passwd").is_err());
        assert!(store.resolve("/etc/passwd").is_err());
        assert!(store.resolve("sessions/../../x").is_err());
        assert!(store.resolve("").is_err());
        assert_eq!(
            store.resolve("sessions/a/audio/recording_001.wav").ok(),
            Some(PathBuf::from("/data/sessions/a/audio/recording_001.wav"))
        );
    }
}
