//! Commands that look after the data: migrate the database, clean up old sessions, back up
//! and restore.

use std::path::Path;

use mockint_app::{Settings, StartOptions};

use super::{lock, open};
use crate::output::outln;
use crate::Failure;

pub(super) async fn migrate(settings: &Settings, options: &StartOptions) -> Result<(), Failure> {
    let _lock = lock(settings, "db migrate", "migrating the database")?;
    let app = open(options).await?;
    let target = &app.settings.database;
    outln!(
        "Database {} is up to date ({} migration(s) applied).",
        target.display_url(),
        mockint_storage::migration_count(target)
    );
    Ok(())
}

/// Removes sessions older than `days` (default: `storage.cleanup_old_sessions_days`).
pub(super) async fn cleanup(
    settings: &Settings,
    options: &StartOptions,
    days: Option<u32>,
) -> Result<(), Failure> {
    let _lock = lock(settings, "cleanup", "cleaning up")?;
    let app = open(options).await?;
    let days = days.unwrap_or(app.settings.config.storage.cleanup_old_sessions_days);
    let removed = mockint_app::backup::cleanup(&app, days).await?;
    outln!(
        "Removed {} session(s) older than {days} day(s).",
        removed.len()
    );
    Ok(())
}

/// Backs up the database and the media files to `dir`.
pub(super) async fn backup(settings: &Settings, dir: &Path) -> Result<(), Failure> {
    let manifest = mockint_app::backup::backup(settings, dir).await?;
    outln!(
        "Backed up the {} database and {} media file(s) ({} bytes) to {}.",
        manifest.backend,
        manifest.media_files,
        manifest.media_bytes,
        dir.display()
    );
    Ok(())
}

/// Restores a backup from `dir`.
pub(super) async fn restore(settings: &Settings, dir: &Path) -> Result<(), Failure> {
    let manifest = mockint_app::backup::restore(settings, dir).await?;
    outln!(
        "Restored the {} backup of {} from {}.",
        manifest.backend,
        manifest.created_at.format("%Y-%m-%d %H:%M"),
        dir.display()
    );
    Ok(())
}
