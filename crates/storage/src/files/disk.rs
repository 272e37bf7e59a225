//! The disk operations behind `FileMediaStore`: private directories, synced writes, and
//! no-clobber links to the next free sequential file name.

use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use mockint_core::MediaError;
use mockint_domain::{MediaFile, MediaType, SessionId};

/// Links a synced staged file in `dir` to the next free name of `kind`, removes the staged
/// name, and describes the stored file.
pub(super) fn place(
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

/// A working document's file name: lower-case letters, digits, `_`, `-` and one `.`.
pub(super) fn document_name(name: &str) -> Result<&str, MediaError> {
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

pub(super) fn io_error(operation: &'static str, path: &Path, cause: &str) -> MediaError {
    MediaError::Io {
        operation,
        path: path.display().to_string(),
        cause: cause.to_string(),
    }
}

/// Total size of the regular files under `dir` (0 if it does not exist).
pub fn dir_size(dir: &Path) -> u64 {
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

pub(super) fn create_private_dir(dir: &Path) -> Result<(), MediaError> {
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

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), MediaError> {
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
pub(super) fn file_name(kind: MediaType, n: u32) -> String {
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
