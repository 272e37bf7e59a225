//! Checks an SQLite file from a backup before it may replace the current database.
//!
//! A backup folder can come from anywhere, and an SQLite file carries code as well as data:
//! triggers and views run later as the app, and CHECK expressions or defaults call functions.
//! So the staged copy is opened read-only and immutable with `trusted_schema=OFF`, it must
//! pass `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, and its schema objects
//! (type, name, table, SQL text) and applied migrations must be exactly those of a freshly
//! migrated database. SQLite has no API for "same schema", so the comparison is written here.

use std::collections::BTreeSet;
use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Connection as _};

use crate::tables::{quote, MediaRow, RowCounts, TABLES};
use crate::StorageError;

/// One row of `sqlite_schema`: type, name, table and SQL text.
type SchemaObject = (String, String, String, Option<String>);

fn refused(text: String) -> StorageError {
    StorageError::BadBackup(text)
}

fn failed(error: impl std::fmt::Display) -> StorageError {
    StorageError::Copy {
        operation: "checking the backed-up SQLite database",
        cause: error.to_string(),
    }
}

/// Opens a file that is not trusted: read-only, immutable, no schema-defined code.
async fn open_untrusted(path: &Path) -> Result<SqliteConnection, StorageError> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .pragma("trusted_schema", "OFF")
        .connect()
        .await
        .map_err(|error| {
            refused(format!(
                "{} is not a readable SQLite database: {error}",
                path.display()
            ))
        })
}

async fn schema(conn: &mut SqliteConnection) -> Result<Vec<SchemaObject>, sqlx::Error> {
    sqlx::query_as(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name, tbl_name",
    )
    .fetch_all(conn)
    .await
}

async fn migrations(conn: &mut SqliteConnection) -> Result<Vec<(i64, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(conn)
        .await
}

/// The schema objects and migrations of a database freshly migrated by this version.
async fn fresh() -> Result<(Vec<SchemaObject>, Vec<(i64, Vec<u8>)>), StorageError> {
    let mut conn = SqliteConnectOptions::new()
        .in_memory(true)
        .connect()
        .await
        .map_err(failed)?;
    crate::open::SQLITE_MIGRATIONS
        .run(&mut conn)
        .await
        .map_err(failed)?;
    let objects = schema(&mut conn).await.map_err(failed)?;
    let applied = migrations(&mut conn).await.map_err(failed)?;
    let _ = conn.close().await;
    Ok((objects, applied))
}

/// Rows per table of an SQLite database file (e.g. a fresh backup snapshot).
pub async fn sqlite_row_counts(path: &Path) -> Result<RowCounts, StorageError> {
    let mut conn = open_untrusted(path).await?;
    let counts = count_rows(&mut conn).await;
    let _ = conn.close().await;
    counts
}

async fn count_rows(conn: &mut SqliteConnection) -> Result<RowCounts, StorageError> {
    let mut counts = RowCounts::default();
    for table in TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", quote(table.name)))
            .fetch_one(&mut *conn)
            .await
            .map_err(failed)?;
        counts.set(table.name, u64::try_from(rows).unwrap_or_default());
    }
    Ok(counts)
}

/// Checks a staged copy of a backed-up SQLite database: intact, exactly this version's
/// schema and migrations, foreign keys holding and `expected` rows per table. Returns its
/// media rows, for the caller to check their paths.
pub async fn check_sqlite_backup(
    path: &Path,
    expected: &RowCounts,
) -> Result<Vec<MediaRow>, StorageError> {
    let (fresh_objects, fresh_migrations) = fresh().await?;
    let mut conn = open_untrusted(path).await?;
    let outcome = check(&mut conn, &fresh_objects, &fresh_migrations, expected).await;
    let _ = conn.close().await;
    outcome
}

async fn check(
    conn: &mut SqliteConnection,
    fresh_objects: &[SchemaObject],
    fresh_migrations: &[(i64, Vec<u8>)],
    expected: &RowCounts,
) -> Result<Vec<MediaRow>, StorageError> {
    let not_intact =
        |error: sqlx::Error| refused(format!("the backed-up database is damaged: {error}"));
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(not_intact)?;
    if integrity != ["ok"] {
        return Err(refused(format!(
            "the backed-up database is damaged: {}",
            integrity.first().map(String::as_str).unwrap_or("no answer")
        )));
    }
    let objects = schema(conn).await.map_err(not_intact)?;
    compare_schema(&objects, fresh_objects)?;
    let applied = migrations(conn).await.map_err(not_intact)?;
    if applied != fresh_migrations {
        return Err(refused(
            "the backed-up database's migrations are not this version's".into(),
        ));
    }
    let orphans: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(not_intact)?;
    if let Some((table,)) = orphans.first() {
        return Err(refused(format!(
            "the backed-up database has {} row(s) pointing at rows that do not exist (first in {table})",
            orphans.len()
        )));
    }
    let counts = count_rows(conn).await?;
    if let Some((table, found, wanted)) = counts.first_difference(expected) {
        return Err(refused(format!(
            "the backed-up database has {found} row(s) in {table} but the manifest says {wanted}"
        )));
    }
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT lower(hex(session_id)), CAST(file_type AS TEXT), CAST(file_path AS TEXT) \
         FROM media_files ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(not_intact)?;
    Ok(rows
        .into_iter()
        .map(|(session_hex, file_type, file_path)| MediaRow {
            session_hex,
            file_type,
            file_path,
        })
        .collect())
}

/// Refuses any object that a freshly migrated database does not have, or has differently.
fn compare_schema(found: &[SchemaObject], fresh: &[SchemaObject]) -> Result<(), StorageError> {
    let fresh_set: BTreeSet<&SchemaObject> = fresh.iter().collect();
    if let Some((kind, name, ..)) = found.iter().find(|object| !fresh_set.contains(object)) {
        let known = fresh
            .iter()
            .any(|(fresh_kind, fresh_name, ..)| fresh_kind == kind && fresh_name == name);
        return Err(refused(if known {
            format!("the backed-up database's {kind} '{name}' differs from this version's schema")
        } else {
            format!("the backed-up database has an unknown {kind} '{name}'")
        }));
    }
    let found_set: BTreeSet<&SchemaObject> = found.iter().collect();
    if let Some((kind, name, ..)) = fresh.iter().find(|object| !found_set.contains(object)) {
        return Err(refused(format!(
            "the backed-up database lacks the {kind} '{name}'"
        )));
    }
    Ok(())
}
