//! Retention and backup: remove old sessions, back up the database and media to a folder,
//! and restore them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use domain::{Page, SessionId};
use serde::{Deserialize, Serialize};
use storage::DatabaseTarget;

use crate::{App, AppError, Settings};

const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "database.sqlite";
const POSTGRES_FILE: &str = "database.sql";
const MEDIA_DIR: &str = "sessions";

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// Format version.
    pub format: u32,
    /// "sqlite" or "postgres".
    pub backend: String,
    /// When it was taken.
    pub created_at: DateTime<Utc>,
    /// Media files copied.
    pub media_files: u64,
    /// Their total size.
    pub media_bytes: u64,
}

fn failure(what: &str, path: &Path, error: impl std::fmt::Display) -> AppError {
    AppError::DataDir {
        path: path.display().to_string(),
        cause: format!("{what}: {error}"),
    }
}

/// Deletes sessions created more than `days` days ago, files and rows together.
pub async fn cleanup(app: &App, days: u32) -> Result<Vec<SessionId>, AppError> {
    let cutoff = Utc::now() - Duration::days(i64::from(days));
    let mut old = Vec::new();
    let mut offset = 0;
    loop {
        let page =
            Page::new(domain::MAX_PAGE_SIZE, offset).map_err(interview_core::CoreError::from)?;
        let page = app.sessions.list(page).await?;
        if page.is_empty() {
            break;
        }
        offset += domain::MAX_PAGE_SIZE;
        old.extend(page.iter().filter(|s| s.created_at < cutoff).map(|s| s.id));
    }
    for id in &old {
        app.sessions.delete(*id).await?;
    }
    tracing::info!(removed = old.len(), days, "old sessions cleaned up");
    Ok(old)
}

/// Backs up the database (a consistent SQLite copy, or `pg_dump`) and the media into `dir`,
/// which must be empty or new.
pub async fn backup(settings: &Settings, dir: &Path) -> Result<BackupManifest, AppError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(failure(
            "backup directory",
            dir,
            "it exists and is not empty",
        ));
    }
    storage::create_private_dir_all(dir).map_err(|e| failure("cannot create", dir, e))?;
    let backend = match &settings.database {
        DatabaseTarget::Sqlite(path) => {
            storage::sqlite_snapshot(path, &dir.join(SQLITE_FILE)).await?;
            "sqlite"
        }
        DatabaseTarget::Postgres(url) => {
            let (url, password) = split_password(url);
            run_tool(
                "pg_dump",
                &[
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--format=plain",
                    "--file",
                ],
                &[dir.join(POSTGRES_FILE).as_os_str().to_owned(), url.into()],
                password.as_deref(),
            )
            .await?;
            "postgres"
        }
    };
    let source = settings.data_dir.join(MEDIA_DIR);
    let target = dir.join(MEDIA_DIR);
    let (media_files, media_bytes) =
        tokio::task::spawn_blocking(move || copy_tree(&source, &target))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
    let manifest = BackupManifest {
        format: 1,
        backend: backend.into(),
        created_at: Utc::now(),
        media_files,
        media_bytes,
    };
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::Internal(e.to_string()))?;
    std::fs::write(dir.join(MANIFEST), json)
        .map_err(|e| failure("cannot write manifest", dir, e))?;
    Ok(manifest)
}

/// Restores a backup made by [`backup`] over the current database and media. Run it while
/// the app is closed.
pub async fn restore(settings: &Settings, dir: &Path) -> Result<BackupManifest, AppError> {
    let manifest: BackupManifest = std::fs::read(dir.join(MANIFEST))
        .map_err(|e| failure("not a backup (no manifest.json)", dir, e))
        .and_then(|bytes| {
            serde_json::from_slice(&bytes).map_err(|e| failure("unreadable manifest.json", dir, e))
        })?;
    match (&settings.database, manifest.backend.as_str()) {
        (DatabaseTarget::Sqlite(path), "sqlite") => {
            let temp = path.with_extension("restoring");
            std::fs::copy(dir.join(SQLITE_FILE), &temp)
                .map_err(|e| failure("cannot copy the database", dir, e))?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            std::fs::rename(&temp, path)
                .map_err(|e| failure("cannot replace the database", path, e))?;
        }
        (DatabaseTarget::Postgres(url), "postgres") => {
            let (url, password) = split_password(url);
            run_tool(
                "psql",
                &["--quiet", "--set", "ON_ERROR_STOP=1", "--file"],
                &[dir.join(POSTGRES_FILE).as_os_str().to_owned(), url.into()],
                password.as_deref(),
            )
            .await?;
        }
        (_, backend) => {
            return Err(failure(
                "backup is for another database",
                dir,
                format!(
                    "it holds a {backend} backup but the app uses {}",
                    settings.database.display_url()
                ),
            ))
        }
    }
    let current = settings.data_dir.join(MEDIA_DIR);
    let aside = settings.data_dir.join(format!(
        ".sessions-before-restore-{}",
        Utc::now().timestamp_millis()
    ));
    if current.exists() {
        std::fs::rename(&current, &aside)
            .map_err(|e| failure("cannot move current media aside", &current, e))?;
    }
    let source = dir.join(MEDIA_DIR);
    let target = current.clone();
    tokio::task::spawn_blocking(move || copy_tree(&source, &target))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    if aside.exists() {
        let _ = std::fs::remove_dir_all(&aside);
    }
    Ok(manifest)
}

/// A database URL without its password, and the password (given to tools by environment).
fn split_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let password = parsed.password().map(str::to_string);
            let _ = parsed.set_password(None);
            (parsed.to_string(), password)
        }
        Err(_) => (url.to_string(), None),
    }
}

async fn run_tool(
    tool: &str,
    flags: &[&str],
    args: &[std::ffi::OsString],
    password: Option<&str>,
) -> Result<(), AppError> {
    let mut command = tokio::process::Command::new(tool);
    command.args(flags).args(args);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().await.map_err(|error| {
        AppError::Provider(format!(
            "{tool} is needed for PostgreSQL backups (install postgresql-client): {error}"
        ))
    })?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(AppError::Internal(format!(
            "{tool} failed: {}",
            stderr.lines().next().unwrap_or_default()
        )))
    }
}

/// Copies a directory tree (skipping temporary and staged files); returns (files, bytes).
fn copy_tree(source: &Path, target: &Path) -> Result<(u64, u64), AppError> {
    let mut counts = (0u64, 0u64);
    if !source.exists() {
        return Ok(counts);
    }
    let mut stack: Vec<(PathBuf, PathBuf)> = vec![(source.to_path_buf(), target.to_path_buf())];
    while let Some((from, to)) = stack.pop() {
        storage::create_private_dir_all(&to).map_err(|e| failure("cannot create", &to, e))?;
        for entry in std::fs::read_dir(&from)
            .map_err(|e| failure("cannot read", &from, e))?
            .flatten()
        {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let dest = to.join(&name);
            if path.is_dir() {
                stack.push((path, dest));
            } else {
                let bytes =
                    std::fs::copy(&path, &dest).map_err(|e| failure("cannot copy", &path, e))?;
                counts.0 += 1;
                counts.1 += bytes;
            }
        }
    }
    Ok(counts)
}
