//! Retention and backup: remove old sessions, back up the database and media to a folder,
//! and restore them.
//!
//! A backup is data only: an SQLite copy (checked on restore against this version's schema)
//! or one CSV file per PostgreSQL table, the media files, and a manifest with the counts.
//! A restore holds the data-directory lock, checks the manifest and the folder, stages the
//! database and the media, verifies them, and only then swaps them in; any failure leaves
//! the current data as it was.

mod files;
mod manifest;
mod swap;

use std::path::Path;

use chrono::{Duration, Utc};
use mockint_domain::{Page, SessionId};
use mockint_storage::{DatabaseTarget, MediaRow, PostgresStage};

use self::files::{check_media_path, copy_regular_file, copy_tree, refused};
use self::manifest::{backend_of, MEDIA_DIR, SQLITE_FILE, TABLES_DIR};
pub use self::manifest::{BackupManifest, FORMAT};
use crate::lock::DataDirLock;
use crate::{App, AppError, Settings};

/// Deletes sessions created more than `days` days ago, files and rows together.
pub async fn cleanup(app: &App, days: u32) -> Result<Vec<SessionId>, AppError> {
    let cutoff = Utc::now() - Duration::days(i64::from(days));
    let mut old = Vec::new();
    let mut offset = 0;
    loop {
        let page = Page::new(mockint_domain::MAX_PAGE_SIZE, offset)
            .map_err(mockint_core::CoreError::from)?;
        let page = app.sessions.list(page).await?;
        if page.is_empty() {
            break;
        }
        offset += mockint_domain::MAX_PAGE_SIZE;
        old.extend(page.iter().filter(|s| s.created_at < cutoff).map(|s| s.id));
    }
    for id in &old {
        app.delete_session(*id).await?;
    }
    tracing::info!(removed = old.len(), days, "old sessions cleaned up");
    Ok(old)
}

/// Backs up the database (a consistent SQLite copy, or every PostgreSQL table as CSV from
/// one snapshot) and the media into `dir`, which must be empty or new. Read-only: it runs
/// while the app is open.
pub async fn backup(settings: &Settings, dir: &Path) -> Result<BackupManifest, AppError> {
    let existed = std::fs::symlink_metadata(dir).is_ok();
    if existed
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(refused(format!(
            "backup directory {} exists and is not empty",
            dir.display()
        )));
    }
    mockint_storage::create_private_dir_all(dir)
        .map_err(|error| refused(format!("cannot create {}: {error}", dir.display())))?;
    let outcome = write_backup(settings, dir).await;
    if outcome.is_err() && !existed {
        let _ = std::fs::remove_dir_all(dir);
    }
    outcome
}

async fn write_backup(settings: &Settings, dir: &Path) -> Result<BackupManifest, AppError> {
    let rows = match &settings.database {
        DatabaseTarget::Sqlite(path) => {
            let copy = dir.join(SQLITE_FILE);
            mockint_storage::sqlite_snapshot(path, &copy).await?;
            mockint_storage::sqlite_row_counts(&copy).await?
        }
        DatabaseTarget::Postgres(url) => {
            mockint_storage::postgres_export(url, &dir.join(TABLES_DIR)).await?
        }
    };
    let source = settings.data_dir.join(MEDIA_DIR);
    let target = dir.join(MEDIA_DIR);
    let (media_files, media_bytes) = blocking(move || copy_tree(&source, &target)).await?;
    let manifest = BackupManifest {
        format: FORMAT,
        backend: backend_of(&settings.database).into(),
        created_at: Utc::now(),
        rows,
        media_files,
        media_bytes,
    };
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::Internal(e.to_string()))?;
    std::fs::write(dir.join(manifest::MANIFEST), json).map_err(|error| {
        refused(format!(
            "cannot write the manifest in {}: {error}",
            dir.display()
        ))
    })?;
    Ok(manifest)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}

/// The database staged by a restore, checked and not yet in place.
enum StagedDatabase {
    Sqlite {
        staged: std::path::PathBuf,
        target: std::path::PathBuf,
    },
    Postgres(Box<PostgresStage>),
}

impl StagedDatabase {
    async fn discard(&self) {
        match self {
            Self::Sqlite { staged, .. } => {
                let _ = std::fs::remove_file(staged);
            }
            Self::Postgres(stage) => stage.discard().await,
        }
    }
}

/// Restores a backup made by [`backup`] over the current database and media. Refused while
/// another process (the desktop app, another command) holds the data directory, and for a
/// backup that is not exactly what this version writes. Everything is staged and checked
/// first and swapped in at the end: on any failure the current data is unchanged.
pub async fn restore(settings: &Settings, dir: &Path) -> Result<BackupManifest, AppError> {
    let _lock = DataDirLock::acquire(&settings.data_dir, "mockint restore")
        .map_err(|error| error.before("restoring"))?;
    let manifest = manifest::read(dir, &settings.database)?;
    manifest::check_layout(dir, &manifest)?;
    let stamp = format!("{}-{}", Utc::now().timestamp_millis(), std::process::id());
    let staging = swap::Staging::create(&settings.data_dir, &stamp)?;
    let (database, rows) = stage_database(settings, dir, &manifest, &stamp).await?;
    match stage_media_and_swap(settings, dir, &manifest, &staging, &database, &rows, &stamp).await {
        Ok(()) => {
            tracing::info!(backup = %dir.display(), "backup restored");
            Ok(manifest)
        }
        Err(error) => {
            database.discard().await;
            Err(error)
        }
    }
}

/// Copies the database into its scratch place and checks it; returns it with its media rows.
async fn stage_database(
    settings: &Settings,
    dir: &Path,
    manifest: &BackupManifest,
    stamp: &str,
) -> Result<(StagedDatabase, Vec<MediaRow>), AppError> {
    match &settings.database {
        DatabaseTarget::Sqlite(path) => {
            let staged = swap::sqlite_staging_path(path, stamp);
            let (source, dest) = (dir.join(SQLITE_FILE), staged.clone());
            let checked = match blocking(move || copy_regular_file(&source, &dest)).await {
                Ok(_) => mockint_storage::check_sqlite_backup(&staged, &manifest.rows)
                    .await
                    .map_err(AppError::from),
                Err(error) => Err(error),
            };
            let database = StagedDatabase::Sqlite {
                staged,
                target: path.clone(),
            };
            match checked {
                Ok(rows) => Ok((database, rows)),
                Err(error) => {
                    database.discard().await;
                    Err(error)
                }
            }
        }
        DatabaseTarget::Postgres(url) => {
            let (stage, rows) =
                mockint_storage::postgres_stage(url, &dir.join(TABLES_DIR), &manifest.rows).await?;
            Ok((StagedDatabase::Postgres(Box::new(stage)), rows))
        }
    }
}

/// Checks the media rows, stages the media, then swaps media and database in.
async fn stage_media_and_swap(
    settings: &Settings,
    dir: &Path,
    manifest: &BackupManifest,
    staging: &swap::Staging,
    database: &StagedDatabase,
    rows: &[MediaRow],
    stamp: &str,
) -> Result<(), AppError> {
    rows.iter().try_for_each(check_media_path)?;
    let source = dir.join(MEDIA_DIR);
    let staged_media = staging.join(MEDIA_DIR);
    let target = staged_media.clone();
    let (files, bytes) = blocking(move || copy_tree(&source, &target)).await?;
    if (files, bytes) != (manifest.media_files, manifest.media_bytes) {
        return Err(refused(format!(
            "the backup's media are {files} file(s) of {bytes} bytes but the manifest says \
             {} file(s) of {} bytes; it is not restored",
            manifest.media_files, manifest.media_bytes
        )));
    }
    let aside_media = settings
        .data_dir
        .join(format!(".sessions-before-restore-{stamp}"));
    let media = swap::swap_in(
        &staged_media,
        &settings.data_dir.join(MEDIA_DIR),
        &[],
        |_| aside_media.clone(),
    )?;
    match database {
        StagedDatabase::Sqlite { staged, target } => {
            let tag = format!("before-restore-{stamp}");
            match swap::swap_in(staged, target, &["-wal", "-shm", "-journal"], |item| {
                swap::sibling(item, &tag)
            }) {
                Ok(previous) => previous.finish(),
                Err(error) => {
                    media.undo();
                    return Err(error);
                }
            }
        }
        StagedDatabase::Postgres(stage) => match stage.swap().await {
            Ok(previous) => stage.finish(previous).await,
            Err(error) => {
                media.undo();
                return Err(error.into());
            }
        },
    }
    media.finish();
    Ok(())
}
