use thiserror::Error;

use crate::ConfigError;

/// A failure to start the app or to carry out a request, phrased for the user.
#[derive(Debug, Error)]
pub enum AppError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The data directory cannot be used.
    #[error("data directory {path} is not usable: {cause}")]
    DataDir {
        /// The directory.
        path: String,
        /// The OS error.
        cause: String,
    },
    /// The database cannot be opened.
    #[error(transparent)]
    Storage(#[from] mockint_storage::StorageError),
    /// The resume cannot be read.
    #[error(transparent)]
    Resume(#[from] mockint_resume::ResumeError),
    /// A use case failed.
    #[error(transparent)]
    Core(#[from] mockint_core::CoreError),
    /// A backup cannot be made or restored (refused or failed); nothing was changed.
    #[error("{0}")]
    Backup(String),
    /// Another process holds the data directory's lock.
    #[error("the app is running ({holder}): close it before {action}")]
    InUse {
        /// Who holds it, e.g. "mockint-desktop pid 1234".
        holder: String,
        /// What was refused, e.g. "restoring".
        action: &'static str,
    },
    /// The chosen AI provider cannot be used.
    #[error("{0}")]
    Provider(String),
    /// A request the app cannot act on, with what to change.
    #[error("{0}")]
    Invalid(String),
    /// A background task failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The same error; if it is [`AppError::InUse`], saying that `action` was refused.
    pub fn before(self, action: &'static str) -> Self {
        match self {
            Self::InUse { holder, .. } => Self::InUse { holder, action },
            other => other,
        }
    }

    /// Whether the user can fix this by changing their input, configuration or environment
    /// (the CLI exits with code 2), rather than it being a fault of the app.
    pub fn is_user_error(&self) -> bool {
        match self {
            Self::Core(error) => error.is_user_error(),
            Self::Internal(_) => false,
            _ => true,
        }
    }
}
