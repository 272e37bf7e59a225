//! Choosing, connecting to and migrating the SQL store.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use mockint_core::ports::Store;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection as _;

use crate::{RetryPolicy, StorageError};

pub(crate) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../../migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../../migrations/postgres");

/// Which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server, by URL.
    Postgres(String),
}

impl DatabaseTarget {
    /// Parses `postgres://…`, `postgresql://…`, `sqlite://PATH` or `sqlite:PATH`.
    pub fn parse(url: &str) -> Result<Self, StorageError> {
        let trimmed = url.trim();
        if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
            PgConnectOptions::from_str(trimmed).map_err(|error| StorageError::BadUrl {
                url: redact_url(trimmed),
                problem: error.to_string(),
            })?;
            return Ok(Self::Postgres(trimmed.to_string()));
        }
        if let Some(path) = trimmed
            .strip_prefix("sqlite://")
            .or_else(|| trimmed.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(StorageError::BadUrl {
                    url: trimmed.to_string(),
                    problem: "no file path after sqlite://".into(),
                });
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        Err(StorageError::BadUrl {
            url: redact_url(trimmed),
            problem: "expected postgres://USER@HOST:PORT/DB or sqlite://PATH".into(),
        })
    }

    /// The target as a URL safe to show (password masked).
    pub fn display_url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => redact_url(url),
        }
    }
}

/// A URL safe to show: password masked, query dropped ([`mockint_core::redact::redact_url`]).
pub fn redact_url(url: &str) -> String {
    mockint_core::redact::redact_url(url)
}

/// Connection pool sizes and timeouts (from `database` in config.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most open connections.
    pub max_connections: u32,
    /// Connections kept open when idle.
    pub min_connections: u32,
    /// How long to wait for a free connection.
    pub acquire_timeout: Duration,
    /// Close connections idle this long.
    pub idle_timeout: Duration,
    /// Replace connections older than this.
    pub max_lifetime: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(600),
            max_lifetime: Duration::from_secs(3600),
        }
    }
}

/// The embedded SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    retry: RetryPolicy,
}

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: sqlx::PgPool,
    retry: RetryPolicy,
}

impl SqliteStore {
    /// Opens (creating if needed) the SQLite file and applies migrations.
    pub async fn open(
        path: &Path,
        pool: PoolSettings,
        retry: RetryPolicy,
    ) -> Result<Self, StorageError> {
        let url = format!("sqlite://{}", path.display());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| StorageError::Directory {
                path: parent.display().to_string(),
                cause: error.to_string(),
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A committed row is durable: with the embedded store, the database is the
            // journal of the interview.
            .synchronous(SqliteSynchronous::Full)
            // Deleted rows are overwritten, not left in free pages.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(10));
        let pool = retry
            .run("connect", || {
                SqlitePoolOptions::new()
                    .max_connections(pool.max_connections)
                    .min_connections(pool.min_connections)
                    .acquire_timeout(pool.acquire_timeout)
                    .idle_timeout(pool.idle_timeout)
                    .max_lifetime(pool.max_lifetime)
                    .connect_with(options.clone())
            })
            .await
            .map_err(|error| StorageError::Connect {
                url: url.clone(),
                cause: error.to_string(),
            })?;
        SQLITE_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|error| StorageError::Migrate {
                url,
                cause: error.to_string(),
            })?;
        Ok(Self { pool, retry })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Moves every page of the write-ahead log into the database and truncates the log, so
    /// content deleted (and zeroed by `secure_delete`) leaves no copy behind in the log.
    /// Retried while readers hold old pages.
    async fn purge_freed(&self) {
        for _ in 0..20 {
            let busy: Result<(i64, i64, i64), sqlx::Error> =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(&self.pool)
                    .await;
            match busy {
                Ok((0, _, _)) => return,
                Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(error) => {
                    tracing::warn!(%error, "the database log could not be truncated after a delete");
                    return;
                }
            }
        }
        tracing::warn!(
            "the database log stayed busy after a delete; it is truncated at the next checkpoint"
        );
    }
}

impl PostgresStore {
    /// Nothing to do: PostgreSQL's files are not in the data directory.
    async fn purge_freed(&self) {}

    /// Connects to PostgreSQL (retrying transient failures) and applies migrations.
    pub async fn open(
        url: &str,
        pool: PoolSettings,
        retry: RetryPolicy,
    ) -> Result<Self, StorageError> {
        let shown = redact_url(url);
        let options = PgConnectOptions::from_str(url).map_err(|error| StorageError::BadUrl {
            url: shown.clone(),
            problem: error.to_string(),
        })?;
        // Prove the server is reachable with one direct connection (retried on transient
        // errors), so an unreachable server fails in seconds rather than after pool timeouts.
        let probe = retry
            .run("connect", || PgConnection::connect_with(&options))
            .await
            .map_err(|error| StorageError::Connect {
                url: shown.clone(),
                cause: error.to_string(),
            })?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .min_connections(pool.min_connections)
            .acquire_timeout(pool.acquire_timeout)
            .idle_timeout(pool.idle_timeout)
            .max_lifetime(pool.max_lifetime)
            .connect_lazy_with(options);
        POSTGRES_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|error| StorageError::Migrate {
                url: shown,
                cause: error.to_string(),
            })?;
        Ok(Self { pool, retry })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Opens the store for `target` with migrations applied.
pub async fn open_store(
    target: &DatabaseTarget,
    pool: PoolSettings,
    retry: RetryPolicy,
) -> Result<Arc<dyn Store>, StorageError> {
    Ok(match target {
        DatabaseTarget::Sqlite(path) => Arc::new(SqliteStore::open(path, pool, retry).await?),
        DatabaseTarget::Postgres(url) => Arc::new(PostgresStore::open(url, pool, retry).await?),
    })
}

/// Number of migrations each backend has.
pub fn migration_count(target: &DatabaseTarget) -> usize {
    match target {
        DatabaseTarget::Sqlite(_) => SQLITE_MIGRATIONS.iter().count(),
        DatabaseTarget::Postgres(_) => POSTGRES_MIGRATIONS.iter().count(),
    }
}

mod sqlite_impl {
    crate::sql_store::impl_sql_store!(super::SqliteStore, sqlx::Sqlite, "sqlite");
}

mod postgres_impl {
    crate::sql_store::impl_sql_store!(super::PostgresStore, sqlx::Postgres, "postgres");
}

/// Writes a consistent copy of an SQLite database to `dest` (`VACUUM INTO`), safe while the
/// database is in use.
pub async fn sqlite_snapshot(database: &Path, dest: &Path) -> Result<(), StorageError> {
    use sqlx::ConnectOptions as _;
    let url = format!("sqlite://{}", database.display());
    let mut conn = SqliteConnectOptions::new()
        .filename(database)
        .read_only(true)
        .connect()
        .await
        .map_err(|error| StorageError::Connect {
            url: url.clone(),
            cause: error.to_string(),
        })?;
    sqlx::query("VACUUM INTO $1")
        .bind(dest.display().to_string())
        .execute(&mut conn)
        .await
        .map_err(|error| StorageError::Connect {
            url,
            cause: format!("backup failed: {error}"),
        })?;
    let _ = conn.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        assert!(matches!(
            DatabaseTarget::parse("postgres://postgres@127.0.0.1:5432/test"),
            Ok(DatabaseTarget::Postgres(_))
        ));
        assert_eq!(
            DatabaseTarget::parse("sqlite:///tmp/x.db").ok(),
            Some(DatabaseTarget::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        assert!(DatabaseTarget::parse("mysql://root@localhost/db").is_err());
        assert!(DatabaseTarget::parse("sqlite://").is_err());
    }

    #[test]
    fn redacts_passwords() {
        let shown = redact_url("postgres://user:hunter2@db:5432/app");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
        let error = DatabaseTarget::parse("mysql://user:hunter2@db/app")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
