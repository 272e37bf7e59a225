//! Putting staged data in place by renames, each one undone if a later one fails.
//!
//! A restore stages everything first (media in a folder inside the data directory, the
//! SQLite copy next to the database file, a PostgreSQL scratch database); only then do these
//! renames swap it in, keeping the previous data aside until every swap succeeded.

use std::path::{Path, PathBuf};

use crate::AppError;

fn failed(what: &str, path: &Path, error: &std::io::Error) -> AppError {
    AppError::Backup(format!(
        "cannot {what} {}: {error}; nothing was changed",
        path.display()
    ))
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// A private folder inside the data directory holding staged media, removed when dropped.
#[derive(Debug)]
pub(super) struct Staging {
    root: PathBuf,
}

impl Staging {
    /// Creates `<data dir>/.restore-<stamp>`.
    pub(super) fn create(data_dir: &Path, stamp: &str) -> Result<Self, AppError> {
        let root = data_dir.join(format!(".restore-{stamp}"));
        mockint_storage::create_private_dir_all(data_dir)
            .and_then(|()| std::fs::create_dir(&root))
            .map_err(|error| failed("create", &root, &error))?;
        Ok(Self { root })
    }

    /// A path inside the staging folder.
    pub(super) fn join(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.root) {
            tracing::warn!(path = %self.root.display(), %error, "a restore's staging folder could not be removed");
        }
    }
}

/// Paths moved aside by a swap: (where it was, where it is now).
#[derive(Debug, Default)]
pub(super) struct Aside {
    moved: Vec<(PathBuf, PathBuf)>,
    placed: Option<(PathBuf, PathBuf)>,
}

impl Aside {
    /// Puts everything back as it was: the staged item back to `staged`, the previous items
    /// back to their places.
    pub(super) fn undo(self) {
        if let Some((staged, placed)) = &self.placed {
            if let Err(error) = std::fs::rename(placed, staged) {
                tracing::error!(path = %placed.display(), %error, "undoing a restore: cannot move the restored item away");
                return;
            }
        }
        for (original, aside) in self.moved.iter().rev() {
            if let Err(error) = std::fs::rename(aside, original) {
                tracing::error!(path = %original.display(), %error, "undoing a restore: cannot move the previous item back");
            }
        }
    }

    /// Deletes the previous items kept aside.
    pub(super) fn finish(self) {
        for (_, aside) in &self.moved {
            let removed = if std::fs::symlink_metadata(aside).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(aside)
            } else {
                std::fs::remove_file(aside)
            };
            if let Err(error) = removed {
                tracing::warn!(path = %aside.display(), %error, "previous data kept aside by a restore could not be deleted");
            }
        }
    }
}

/// Moves `target` and its `companions` (files named `target` + suffix) aside under
/// `aside_name(target)`, then `staged` into `target`. On failure everything is put back.
pub(super) fn swap_in(
    staged: &Path,
    target: &Path,
    companions: &[&str],
    aside_of: impl Fn(&Path) -> PathBuf,
) -> Result<Aside, AppError> {
    let mut aside = Aside::default();
    let mut items = vec![target.to_path_buf()];
    items.extend(
        companions
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", target.display()))),
    );
    for item in items {
        if !exists(&item) {
            continue;
        }
        let moved_to = aside_of(&item);
        if let Err(error) = std::fs::rename(&item, &moved_to) {
            aside.undo();
            return Err(failed("move aside", &item, &error));
        }
        aside.moved.push((item, moved_to));
    }
    if let Err(error) = std::fs::rename(staged, target) {
        aside.undo();
        return Err(failed("put in place", target, &error));
    }
    aside.placed = Some((staged.to_path_buf(), target.to_path_buf()));
    Ok(aside)
}

/// Where the SQLite copy is staged: next to the database file, so the swap is a rename.
pub(super) fn sqlite_staging_path(database: &Path, stamp: &str) -> PathBuf {
    sibling(database, &format!("restoring-{stamp}"))
}

/// `path` with `.<tag>` appended to its file name.
pub(super) fn sibling(path: &Path, tag: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{tag}"));
    path.with_file_name(name)
}
