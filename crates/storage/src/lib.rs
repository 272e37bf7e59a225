//! Storage adapters: the [`mockint_core::ports::Store`] on SQLite (embedded default) and
//! PostgreSQL, and the [`mockint_core::ports::MediaStore`] on the local file system.
//!
//! Both SQL stores share one implementation ([`sql_store`]) over the same parameterized
//! queries; the migrations in `migrations/sqlite` and `migrations/postgres` give them the
//! seed's schema. Transient database errors are retried 3 times with 1/2/4 s backoff.

mod backup_postgres;
mod backup_sqlite;
mod error;
mod files;
pub mod legacy_journal;
mod open;
mod outbox;
mod pg_swap;
mod retry;
mod rows;
mod sql_store;
mod tables;

pub use backup_postgres::{csv_path, postgres_export, postgres_stage, PostgresStage};
pub use backup_sqlite::{check_sqlite_backup, sqlite_row_counts};
pub use error::StorageError;
pub use files::{create_private_dir_all, dir_size, FileMediaStore, MediaLimits};
pub use open::{
    migration_count, open_store, redact_url, sqlite_snapshot, DatabaseTarget, PoolSettings,
    PostgresStore, SqliteStore,
};
pub use outbox::{SqliteOutbox, OUTBOX_FILE};
pub use retry::RetryPolicy;
pub use tables::{MediaRow, RowCounts, Table, TABLES};
