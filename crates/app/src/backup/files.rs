//! Copying backup files without following links, and the shape of media paths.
//!
//! A backup folder can come from anywhere: a symlink in it would make a copy read (and then
//! serve as the user's media) any file the user can read, and a FIFO would hang the copy. So
//! every entry is looked at with `symlink_metadata` (never following links), only regular
//! files and directories are copied, the opened file is checked to be the one looked at, and
//! anything else is refused with its path. No crate offers a tree copy with these refusals.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use mockint_storage::MediaRow;

use crate::AppError;

/// The media kinds a stored path may name.
const MEDIA_KINDS: [&str; 4] = ["audio", "video", "whiteboard", "screen"];

pub(super) fn refused(problem: String) -> AppError {
    AppError::Backup(problem)
}

fn io_failed(what: &str, path: &Path, error: &std::io::Error) -> AppError {
    AppError::Backup(format!("cannot {what} {}: {error}", path.display()))
}

/// What kind of entry this is, when it is not a regular file or a directory.
fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_symlink() {
        return Some("a symlink");
    }
    if file_type.is_file() || file_type.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
        if file_type.is_fifo() {
            return Some("a FIFO");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// The entry's metadata, without following a link; refuses links and special files.
pub(super) fn plain_entry(path: &Path) -> Result<Option<std::fs::Metadata>, AppError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => match special_kind(meta.file_type()) {
            Some(kind) => Err(refused(format!("{} is {kind}: refused", path.display()))),
            None => Ok(Some(meta)),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io_failed("read", path, &error)),
    }
}

/// Copies one regular file to a new file `dest` (never replacing one); returns its size.
pub(super) fn copy_regular_file(source: &Path, dest: &Path) -> Result<u64, AppError> {
    let Some(seen) = plain_entry(source)? else {
        return Err(refused(format!("{} is missing", source.display())));
    };
    if !seen.is_file() {
        return Err(refused(format!(
            "{} is a directory, not a file: refused",
            source.display()
        )));
    }
    let mut from = std::fs::File::open(source).map_err(|e| io_failed("read", source, &e))?;
    let opened = from.metadata().map_err(|e| io_failed("read", source, &e))?;
    if !opened.is_file() || !same_file(&seen, &opened) {
        return Err(refused(format!(
            "{} changed while it was being copied: refused",
            source.display()
        )));
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut to = options
        .open(dest)
        .map_err(|e| io_failed("create", dest, &e))?;
    let bytes = std::io::copy(&mut from, &mut to)
        .and_then(|bytes| to.flush().and_then(|()| to.sync_all()).map(|()| bytes))
        .map_err(|e| io_failed("copy", source, &e))?;
    Ok(bytes)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len()
}

/// Copies a directory tree of regular files into `target` (created, and which must not
/// exist), skipping names that start with '.' (temporary and staged files); refuses links,
/// devices, FIFOs and sockets. Returns (files, bytes). A missing `source` copies nothing.
pub(super) fn copy_tree(source: &Path, target: &Path) -> Result<(u64, u64), AppError> {
    let mut counts = (0u64, 0u64);
    mockint_storage::create_private_dir_all(target).map_err(|e| io_failed("create", target, &e))?;
    match plain_entry(source)? {
        None => return Ok(counts),
        Some(meta) if !meta.is_dir() => {
            return Err(refused(format!(
                "{} is not a directory: refused",
                source.display()
            )))
        }
        Some(_) => {}
    }
    let mut stack: Vec<(PathBuf, PathBuf)> = vec![(source.to_path_buf(), target.to_path_buf())];
    while let Some((from, to)) = stack.pop() {
        let entries = std::fs::read_dir(&from).map_err(|e| io_failed("read", &from, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_failed("read", &from, &e))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let dest = to.join(&name);
            let Some(meta) = plain_entry(&path)? else {
                continue;
            };
            if meta.is_dir() {
                mockint_storage::create_private_dir_all(&dest)
                    .map_err(|e| io_failed("create", &dest, &e))?;
                stack.push((path, dest));
            } else {
                counts.0 += 1;
                counts.1 += copy_regular_file(&path, &dest)?;
            }
        }
    }
    Ok(counts)
}

/// Refuses a media row unless its path is `sessions/<its session>/<its kind>/<file name>`.
pub(super) fn check_media_path(row: &MediaRow) -> Result<(), AppError> {
    let shown: String = row.file_path.chars().take(200).collect();
    let bad = |why: &str| {
        refused(format!(
            "the backup has a media row with the path '{}' ({why}); only \
             sessions/<session id>/<audio|video|whiteboard|screen>/<file name> is restored: refused",
            shown.escape_debug()
        ))
    };
    let parts: Vec<&str> = row.file_path.split('/').collect();
    let [root, session, kind, name] = parts.as_slice() else {
        return Err(bad("not four parts"));
    };
    if *root != "sessions" {
        return Err(bad("not under sessions/"));
    }
    let canonical = mockint_domain::SessionId::parse(session)
        .map(|id| id.to_string())
        .unwrap_or_default();
    if canonical.is_empty() || canonical != *session {
        return Err(bad("not a session id"));
    }
    if canonical.replace('-', "") != row.session_hex {
        return Err(bad("another session's folder"));
    }
    if !MEDIA_KINDS.contains(kind) || *kind != row.file_type {
        return Err(bad("not the row's media kind"));
    }
    let plain = !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '\\' | ':'));
    if !plain {
        return Err(bad("not a plain file name"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str) -> MediaRow {
        MediaRow {
            session_hex: "0f8fad5bd9cb469fa16570867728950e".into(),
            file_type: "audio".into(),
            file_path: path.into(),
        }
    }

    #[test]
    fn only_plain_media_paths_pass() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert!(check_media_path(&row(&format!("sessions/{id}/audio/recording_001.wav"))).is_ok());
        for path in [
            "../../etc/passwd".to_string(),
            "/etc/passwd".into(),
            format!("sessions/{id}/audio/../../../x"),
            format!("sessions/{id}/audio/.."),
            format!("sessions/{id}/audio/a/b"),
            format!("sessions/{id}/audio/"),
            format!("sessions/{id}/audio/.hidden"),
            format!("sessions/{id}/audio/a\\..\\b"),
            format!("sessions/{id}/video/interview.mp4"),
            format!("sessions/{id}/secrets/key"),
            format!("sessions/{}/audio/x.wav", id.to_uppercase()),
            "sessions/0f8fad5b-d9cb-469f-a165-70867728950f/audio/x.wav".into(),
            format!("sessions//{id}/audio/x.wav"),
            format!("media/{id}/audio/x.wav"),
        ] {
            assert!(check_media_path(&row(&path)).is_err(), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_refused_by_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = dir.path().join("src");
        std::fs::create_dir_all(source.join("a")).expect("dir");
        std::fs::write(source.join("a/file"), b"data").expect("file");
        let (files, bytes) = copy_tree(&source, &dir.path().join("out")).expect("plain tree");
        assert_eq!((files, bytes), (1, 4));
        std::os::unix::fs::symlink("/etc/hostname", source.join("a/link")).expect("link");
        let error = copy_tree(&source, &dir.path().join("out2"))
            .expect_err("link")
            .to_string();
        assert!(error.ends_with("a/link is a symlink: refused"), "{error}");
        std::fs::remove_file(source.join("a/link")).expect("unlink");
        let fifo = std::process::Command::new("mkfifo")
            .arg(source.join("a/pipe"))
            .status()
            .expect("mkfifo");
        assert!(fifo.success());
        let error = copy_tree(&source, &dir.path().join("out3"))
            .expect_err("fifo")
            .to_string();
        assert!(error.ends_with("a/pipe is a FIFO: refused"), "{error}");
    }
}
