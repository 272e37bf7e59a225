//! PostgreSQL backups that carry data only: one CSV file per known table, written with
//! `COPY (SELECT …) TO STDOUT` and loaded with `COPY … FROM STDIN` into column lists fixed in
//! code.
//!
//! `pg_dump` output is SQL (and a plain dump is a psql script), so restoring it runs whatever
//! the file says. Here a restore creates a scratch database, runs this version's migrations
//! on it, loads the CSV files (constraints and foreign keys are checked as rows arrive),
//! moves the sequences past the restored ids and compares the row counts with the manifest.
//! Only then does [`PostgresStage::swap`] rename the current database aside and the scratch
//! one into its name, in one transaction on the maintenance database `postgres`. Any failure
//! before that drops the scratch database and leaves the current one untouched.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use futures::StreamExt as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _, Executor as _};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

use crate::tables::{csv_header, quote, MediaRow, RowCounts, Table, TABLES};
use crate::{redact_url, StorageError};

pub(crate) fn failed(operation: &'static str) -> impl Fn(sqlx::Error) -> StorageError {
    move |error| StorageError::Copy {
        operation,
        cause: error.to_string(),
    }
}

fn io_failed<'a>(
    operation: &'static str,
    path: &'a Path,
) -> impl Fn(std::io::Error) -> StorageError + 'a {
    move |error| StorageError::Copy {
        operation,
        cause: format!("{}: {error}", path.display()),
    }
}

fn options(url: &str) -> Result<PgConnectOptions, StorageError> {
    PgConnectOptions::from_str(url).map_err(|error| StorageError::BadUrl {
        url: redact_url(url),
        problem: error.to_string(),
    })
}

pub(crate) async fn connect(options: &PgConnectOptions) -> Result<PgConnection, StorageError> {
    let mut conn = options
        .connect()
        .await
        .map_err(|error| StorageError::Connect {
            url: format!(
                "postgres://{}/{}",
                options.get_host(),
                options.get_database().unwrap_or_default()
            ),
            cause: error.to_string(),
        })?;
    // Text forms that read back exactly, whatever the server's defaults.
    conn.execute(
        "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'",
    )
    .await
    .map_err(failed("preparing the connection"))?;
    Ok(conn)
}

/// Refuses a database whose tables do not have exactly the columns this version copies.
async fn check_columns(conn: &mut PgConnection) -> Result<(), StorageError> {
    for table in TABLES {
        let mut found: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind(table.name)
        .fetch_all(&mut *conn)
        .await
        .map_err(failed("reading the schema"))?;
        found.sort();
        let mut wanted: Vec<&str> = table.columns.to_vec();
        wanted.sort_unstable();
        if found != wanted {
            return Err(StorageError::Copy {
                operation: "checking the schema",
                cause: format!(
                    "table {} has columns {found:?}; this version copies {wanted:?}",
                    table.name
                ),
            });
        }
    }
    Ok(())
}

/// Writes `tables/<table>.csv` for every table into `tables_dir` (which must not exist),
/// all from one consistent snapshot, and returns the rows per table.
pub async fn postgres_export(url: &str, tables_dir: &Path) -> Result<RowCounts, StorageError> {
    let mut conn = connect(&options(url)?).await?;
    check_columns(&mut conn).await?;
    crate::create_private_dir_all(tables_dir)
        .map_err(io_failed("backing up the database", tables_dir))?;
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(failed("backing up the database"))?;
    let mut counts = RowCounts::default();
    for table in TABLES {
        let rows = export_table(&mut conn, table, &csv_path(tables_dir, table)).await?;
        counts.set(table.name, rows);
    }
    conn.execute("COMMIT")
        .await
        .map_err(failed("backing up the database"))?;
    let _ = conn.close().await;
    Ok(counts)
}

/// The CSV file of a table in a backup.
pub fn csv_path(tables_dir: &Path, table: &Table) -> PathBuf {
    tables_dir.join(format!("{}.csv", table.name))
}

async fn export_table(
    conn: &mut PgConnection,
    table: &Table,
    path: &Path,
) -> Result<u64, StorageError> {
    let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", quote(table.name)))
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("backing up the database"))?;
    let columns: Vec<String> = table.columns.iter().map(|c| quote(c)).collect();
    let statement = format!(
        "COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT WITH (FORMAT csv, HEADER)",
        columns.join(", "),
        quote(table.name),
        quote("id")
    );
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await
        .map_err(io_failed("backing up the database", path))?;
    let mut stream = conn
        .copy_out_raw(&statement)
        .await
        .map_err(failed("backing up the database"))?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(failed("backing up the database"))?;
        file.write_all(&chunk)
            .await
            .map_err(io_failed("backing up the database", path))?;
    }
    file.sync_all()
        .await
        .map_err(io_failed("backing up the database", path))?;
    Ok(u64::try_from(rows).unwrap_or_default())
}

/// A scratch database holding a checked restore, not yet in place (see [`crate::pg_swap`]).
#[derive(Debug)]
pub struct PostgresStage {
    pub(crate) admin: PgConnectOptions,
    pub(crate) target: String,
    pub(crate) scratch: String,
}

/// Loads a backup's CSV files into a new scratch database and checks it (schema by this
/// version's migrations, constraints, `expected` rows per table). Returns the stage and its
/// media rows, for the caller to check their paths. On failure the scratch database is gone.
pub async fn postgres_stage(
    url: &str,
    tables_dir: &Path,
    expected: &RowCounts,
) -> Result<(PostgresStage, Vec<MediaRow>), StorageError> {
    let options = options(url)?;
    let target = options
        .get_database()
        .unwrap_or(options.get_username())
        .to_string();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let stage = PostgresStage {
        admin: options.clone().database("postgres"),
        scratch: format!("{}_restore_{}", prefix(&target, 40), &suffix[..8]),
        target,
    };
    let mut admin = connect(&stage.admin).await?;
    admin
        .execute(
            format!(
                "CREATE DATABASE {} TEMPLATE template0",
                quote(&stage.scratch)
            )
            .as_str(),
        )
        .await
        .map_err(|error| StorageError::Copy {
            operation: "restoring the database",
            cause: format!("cannot create a scratch database (the role needs CREATEDB): {error}"),
        })?;
    let _ = admin.close().await;
    let scratch = options.database(&stage.scratch);
    match load(&scratch, tables_dir, expected).await {
        Ok(rows) => Ok((stage, rows)),
        Err(error) => {
            stage.discard().await;
            Err(error)
        }
    }
}

/// At most `bytes` bytes of `name`, cut at a character boundary.
pub(crate) fn prefix(name: &str, bytes: usize) -> &str {
    let mut end = name.len().min(bytes);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

async fn load(
    scratch: &PgConnectOptions,
    tables_dir: &Path,
    expected: &RowCounts,
) -> Result<Vec<MediaRow>, StorageError> {
    let mut conn = connect(scratch).await?;
    let loaded = load_with(&mut conn, tables_dir, expected).await;
    let _ = conn.close().await;
    loaded
}

async fn load_with(
    conn: &mut PgConnection,
    tables_dir: &Path,
    expected: &RowCounts,
) -> Result<Vec<MediaRow>, StorageError> {
    crate::open::POSTGRES_MIGRATIONS
        .run(&mut *conn)
        .await
        .map_err(|error| StorageError::Copy {
            operation: "migrating the scratch database",
            cause: error.to_string(),
        })?;
    check_columns(conn).await?;
    conn.execute("BEGIN")
        .await
        .map_err(failed("restoring the database"))?;
    for table in TABLES {
        let path = csv_path(tables_dir, table);
        let rows = import_table(conn, table, &path).await?;
        let wanted = expected.get(table.name);
        if rows != wanted {
            return Err(StorageError::BadBackup(format!(
                "{} has {rows} row(s) but the manifest says {wanted}",
                path.display()
            )));
        }
        if table.serial_id {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {}",
                quote(table.name)
            ))
            .bind(table.name)
            .execute(&mut *conn)
            .await
            .map_err(failed("restoring the sequences"))?;
        }
    }
    conn.execute("COMMIT")
        .await
        .map_err(failed("restoring the database"))?;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT replace(session_id::text, '-', ''), file_type::text, file_path \
         FROM media_files ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(failed("restoring the database"))?;
    Ok(rows
        .into_iter()
        .map(|(session_hex, file_type, file_path)| MediaRow {
            session_hex,
            file_type,
            file_path,
        })
        .collect())
}

/// Checks a CSV file's header and copies its rows into `table`; returns the rows copied.
async fn import_table(
    conn: &mut PgConnection,
    table: &Table,
    path: &Path,
) -> Result<u64, StorageError> {
    let mut file = tokio::fs::File::open(path).await.map_err(|error| {
        StorageError::BadBackup(format!("cannot read {}: {error}", path.display()))
    })?;
    let wanted = csv_header(table);
    let mut head = vec![0u8; wanted.len() + 2];
    let read = read_up_to(&mut file, &mut head)
        .await
        .map_err(io_failed("restoring the database", path))?;
    let head = &head[..read];
    if !(head.starts_with(format!("{wanted}\n").as_bytes())
        || head.starts_with(format!("{wanted}\r\n").as_bytes()))
    {
        return Err(StorageError::BadBackup(format!(
            "{} does not start with the header {wanted}",
            path.display()
        )));
    }
    file.seek(std::io::SeekFrom::Start(0))
        .await
        .map_err(io_failed("restoring the database", path))?;
    let columns: Vec<String> = table.columns.iter().map(|c| quote(c)).collect();
    let statement = format!(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER)",
        quote(table.name),
        columns.join(", ")
    );
    let mut copy = conn
        .copy_in_raw(&statement)
        .await
        .map_err(failed("restoring the database"))?;
    if let Err(error) = copy.read_from(&mut file).await {
        let _ = copy.abort("the backup file could not be read").await;
        return Err(StorageError::Copy {
            operation: "restoring the database",
            cause: format!("{}: {error}", path.display()),
        });
    }
    copy.finish().await.map_err(|error| {
        StorageError::BadBackup(format!(
            "{} was refused by the database: {}",
            path.display(),
            match &error {
                sqlx::Error::Database(db) => db.message().to_string(),
                other => other.to_string(),
            }
        ))
    })
}

async fn read_up_to(file: &mut tokio::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
