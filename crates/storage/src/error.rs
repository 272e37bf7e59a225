use thiserror::Error;

/// A failure to open or prepare a store.
#[derive(Debug, Error)]
pub enum StorageError {
    /// The database URL cannot be used.
    #[error("invalid database URL {url}: {problem}")]
    BadUrl {
        /// The URL with any password masked.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The database could not be reached or refused the connection.
    #[error("cannot connect to database {url}: {cause}")]
    Connect {
        /// The URL with any password masked.
        url: String,
        /// The driver's message.
        cause: String,
    },
    /// Migrations failed.
    #[error("cannot migrate database {url}: {cause}")]
    Migrate {
        /// The URL with any password masked.
        url: String,
        /// The driver's message.
        cause: String,
    },
    /// A backup's database copy is not what this version writes; nothing was changed.
    #[error("{0}")]
    BadBackup(String),
    /// Copying the database to or from a backup failed; nothing was changed.
    #[error("{operation} failed: {cause}")]
    Copy {
        /// What was being done ("backing up the database", …).
        operation: &'static str,
        /// The driver's or the system's message.
        cause: String,
    },
    /// The SQLite file's folder cannot be created.
    #[error("cannot create database directory {path}: {cause}")]
    Directory {
        /// The folder.
        path: String,
        /// The OS error.
        cause: String,
    },
}

/// Maps a driver error to the port's error type.
pub(crate) fn store_error(error: sqlx::Error) -> mockint_core::StoreError {
    use mockint_core::StoreError;
    if crate::retry::is_transient(&error) {
        return StoreError::Unavailable(error.to_string());
    }
    match &error {
        sqlx::Error::Database(db)
            if db.is_foreign_key_violation()
                || db.is_unique_violation()
                || db.is_check_violation() =>
        {
            StoreError::Conflict(db.message().to_string())
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(error.to_string())
        }
        _ => StoreError::Other(error.to_string()),
    }
}
