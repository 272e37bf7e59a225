//! The backup manifest and the layout of a backup folder, checked before anything is copied.

use std::path::Path;

use chrono::{DateTime, Utc};
use mockint_storage::{DatabaseTarget, RowCounts, TABLES};
use serde::{Deserialize, Serialize};

use super::files::{plain_entry, refused};
use crate::AppError;

/// The manifest's file name.
pub(super) const MANIFEST: &str = "manifest.json";
/// The SQLite copy.
pub(super) const SQLITE_FILE: &str = "database.sqlite";
/// The folder of PostgreSQL tables, one CSV file each.
pub(super) const TABLES_DIR: &str = "tables";
/// The media folder.
pub(super) const MEDIA_DIR: &str = "sessions";

/// The format this version writes and restores.
pub const FORMAT: u32 = 2;

/// Largest manifest read.
const MANIFEST_LIMIT: u64 = 64 * 1024;

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupManifest {
    /// Format version ([`FORMAT`]).
    pub format: u32,
    /// "sqlite" or "postgres".
    pub backend: String,
    /// When it was taken.
    pub created_at: DateTime<Utc>,
    /// Rows per table (sessions, messages, …).
    pub rows: RowCounts,
    /// Media files copied.
    pub media_files: u64,
    /// Their total size.
    pub media_bytes: u64,
}

/// The backend name of a database target.
pub(super) fn backend_of(target: &DatabaseTarget) -> &'static str {
    match target {
        DatabaseTarget::Sqlite(_) => "sqlite",
        DatabaseTarget::Postgres(_) => "postgres",
    }
}

/// Reads and checks `dir/manifest.json`: a known format, exactly the known fields, the
/// current database's backend.
pub(super) fn read(dir: &Path, database: &DatabaseTarget) -> Result<BackupManifest, AppError> {
    let path = dir.join(MANIFEST);
    let not_backup = |why: String| refused(format!("{} is not a backup: {why}", dir.display()));
    match plain_entry(&path)? {
        None => return Err(not_backup(format!("it has no {MANIFEST}"))),
        Some(meta) if !meta.is_file() => {
            return Err(not_backup(format!("{MANIFEST} is not a file")))
        }
        Some(meta) if meta.len() > MANIFEST_LIMIT => {
            return Err(not_backup(format!("{MANIFEST} is too large")))
        }
        Some(_) => {}
    }
    let bytes = std::fs::read(&path)
        .map_err(|error| not_backup(format!("cannot read {MANIFEST}: {error}")))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|error| not_backup(format!("{MANIFEST} is not JSON: {error}")))?;
    let backend = value.get("backend").and_then(|b| b.as_str()).unwrap_or("");
    match value.get("format").and_then(serde_json::Value::as_u64) {
        Some(1) if backend == "postgres" || dir.join("database.sql").exists() => {
            return Err(refused(
                "this backup was made by an older version in a format that can run \
                 commands; it is not restored"
                    .into(),
            ))
        }
        Some(1) => {
            return Err(refused(
                "this backup was made by an older version (format 1) that recorded no counts \
                 to check it against; it is not restored"
                    .into(),
            ))
        }
        Some(n) if n == u64::from(FORMAT) => {}
        Some(n) => {
            return Err(refused(format!(
                "this backup is in format {n}, which this version does not know; it is not restored"
            )))
        }
        None => return Err(not_backup(format!("{MANIFEST} has no format number"))),
    }
    let manifest: BackupManifest = serde_json::from_value(value)
        .map_err(|error| not_backup(format!("{MANIFEST} is not valid: {error}")))?;
    let current = backend_of(database);
    if manifest.backend != current {
        return Err(refused(format!(
            "this is a {} backup but the app uses {} ({}); it is not restored",
            manifest.backend.chars().take(40).collect::<String>(),
            current,
            database.display_url()
        )));
    }
    Ok(manifest)
}

/// Refuses a backup folder holding anything but the manifest, the database copy of its
/// backend and the media folder, or missing its database copy.
pub(super) fn check_layout(dir: &Path, manifest: &BackupManifest) -> Result<(), AppError> {
    let database = if manifest.backend == "sqlite" {
        SQLITE_FILE
    } else {
        TABLES_DIR
    };
    let entries = std::fs::read_dir(dir)
        .map_err(|error| refused(format!("cannot read {}: {error}", dir.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|error| refused(format!("cannot read {}: {error}", dir.display())))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        plain_entry(&entry.path())?;
        if ![MANIFEST, MEDIA_DIR, database].contains(&name.as_ref()) {
            return Err(refused(format!(
                "{} is not part of a {} backup: refused",
                entry.path().display(),
                manifest.backend
            )));
        }
    }
    let path = dir.join(database);
    let meta = plain_entry(&path)?
        .ok_or_else(|| refused(format!("the backup lacks {}", path.display())))?;
    if manifest.backend == "sqlite" {
        if !meta.is_file() {
            return Err(refused(format!("{} is not a file", path.display())));
        }
        return Ok(());
    }
    if !meta.is_dir() {
        return Err(refused(format!("{} is not a folder", path.display())));
    }
    let wanted: Vec<String> = TABLES.iter().map(|t| format!("{}.csv", t.name)).collect();
    for entry in std::fs::read_dir(&path)
        .map_err(|error| refused(format!("cannot read {}: {error}", path.display())))?
    {
        let entry =
            entry.map_err(|error| refused(format!("cannot read {}: {error}", path.display())))?;
        if !wanted.contains(&entry.file_name().to_string_lossy().to_string()) {
            return Err(refused(format!(
                "{} is not a table of this version: refused",
                entry.path().display()
            )));
        }
    }
    for table in TABLES {
        let file = mockint_storage::csv_path(&path, table);
        match plain_entry(&file)? {
            Some(meta) if meta.is_file() => {}
            Some(_) => return Err(refused(format!("{} is not a file", file.display()))),
            None => return Err(refused(format!("the backup lacks {}", file.display()))),
        }
    }
    Ok(())
}
