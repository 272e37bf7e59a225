//! The data-directory lock: one process at a time may change a data directory.
//!
//! An exclusive advisory lock (`flock` on Unix, `LockFileEx` on Windows, through the
//! standard library's `File::try_lock`) on `<data dir>/.lock`, held for as long as the
//! [`DataDirLock`] lives; the operating system releases it when the process ends, so a crash
//! never leaves a stale lock. The file also records who holds it ("mockint-desktop pid 1234")
//! so that a refused command can say what to close. The desktop app takes it at start;
//! commands that write (interview, cleanup, migrate, restore) take it too, and read-only
//! commands do not.
//!
//! On Windows the lock is mandatory for the file's bytes, so another process cannot read the
//! holder there and names it "another mockint process".

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use crate::AppError;

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = ".lock";

const UNKNOWN_HOLDER: &str = "another mockint process";

/// An exclusive lock on a data directory, released when dropped.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
    holder: String,
}

impl DataDirLock {
    /// Takes the lock of `data_dir` (creating the directory and the lock file if needed) for
    /// `holder`, e.g. "mockint-desktop"; the file then records "mockint-desktop pid N". Fails
    /// with [`AppError::InUse`] naming the holder when another process (or another open
    /// handle in this one) has it.
    pub fn acquire(data_dir: &Path, holder: &str) -> Result<Self, AppError> {
        let path = data_dir.join(LOCK_FILE);
        let fail = |cause: String| AppError::DataDir {
            path: data_dir.display().to_string(),
            cause,
        };
        mockint_storage::create_private_dir_all(data_dir)
            .map_err(|error| fail(format!("cannot create it: {error}")))?;
        let mut file = open(&path, true)
            .map_err(|error| fail(format!("cannot open the lock file {LOCK_FILE}: {error}")))?;
        // A few tries: `held_by_other` takes a shared lock for an instant.
        let mut tries = 0;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if tries < 3 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(AppError::InUse {
                        holder: read_holder(&mut file),
                        action: "changing its data",
                    })
                }
                Err(TryLockError::Error(error)) => {
                    return Err(fail(format!("cannot lock {LOCK_FILE}: {error}")))
                }
            }
        }
        let holder = format!("{} pid {}", one_line(holder), std::process::id());
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(format!("{holder}\n").as_bytes()))
            .and_then(|()| file.sync_data())
            .map_err(|error| fail(format!("cannot write {LOCK_FILE}: {error}")))?;
        Ok(Self {
            _file: file,
            path,
            holder,
        })
    }

    /// Who holds the lock of `data_dir`, if another process (or another open handle in this
    /// one) does; `None` when it is free or cannot be checked.
    pub fn held_by_other(data_dir: &Path) -> Option<String> {
        let mut file = open(&data_dir.join(LOCK_FILE), false).ok()?;
        match file.try_lock_shared() {
            Ok(()) => None,
            Err(TryLockError::WouldBlock) => Some(read_holder(&mut file)),
            Err(TryLockError::Error(_)) => None,
        }
    }

    /// What the lock file records: "mockint-desktop pid 1234".
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open(path: &Path, create: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    if create {
        options.write(true).create(true).truncate(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// The holder recorded in a locked file (its first line, at most 200 characters).
fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let read = file
        .rewind()
        .and_then(|()| file.take(4096).read_to_string(&mut text));
    let holder = one_line(text.lines().next().unwrap_or_default());
    if read.is_err() || holder.is_empty() {
        UNKNOWN_HOLDER.to_string()
    } else {
        holder
    }
}

fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        assert_eq!(DataDirLock::held_by_other(&data), None, "no data dir yet");
        let lock = DataDirLock::acquire(&data, "mockint-desktop").expect("free");
        let holder = format!("mockint-desktop pid {}", std::process::id());
        assert_eq!(lock.holder(), holder);
        assert_eq!(DataDirLock::held_by_other(&data), Some(holder.clone()));
        match DataDirLock::acquire(&data, "mockint restore") {
            Err(AppError::InUse { holder: named, .. }) => assert_eq!(named, holder),
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(lock);
        assert_eq!(DataDirLock::held_by_other(&data), None);
        let again = DataDirLock::acquire(&data, "mockint cleanup\nforged line").expect("free");
        assert_eq!(
            std::fs::read_to_string(again.path()).expect("lock file"),
            format!("mockint cleanup forged line pid {}\n", std::process::id())
        );
    }
}
