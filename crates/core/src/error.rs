//! Errors of the ports and the use cases.

use mockint_domain::{SessionId, SessionStatus, ValidationError};
use thiserror::Error;

/// A failure reported by a [`crate::ports::Store`].
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database cannot be reached (after retries).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A write broke a constraint, e.g. a message for a session that does not exist.
    #[error("database rejected the write: {0}")]
    Conflict(String),
    /// Stored data could not be read back into the domain model.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Other(String),
}

/// A failure reported by a [`crate::ports::MediaStore`].
#[derive(Debug, Error)]
pub enum MediaError {
    /// A single file is larger than its type allows.
    #[error("{kind} file is too large: {size} bytes (limit {limit} bytes)")]
    FileTooLarge {
        /// The media type.
        kind: mockint_domain::MediaType,
        /// The file's size.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// Saving the file would push the session over its storage limit.
    #[error("session storage limit reached: {used} bytes used, {incoming} more would exceed {limit} bytes")]
    SessionFull {
        /// Bytes already stored for the session.
        used: u64,
        /// Bytes being added.
        incoming: u64,
        /// The configured limit.
        limit: u64,
    },
    /// A path that would leave the data directory.
    #[error("refusing path outside the data directory: {0}")]
    OutsideDataDir(String),
    /// A file system operation failed.
    #[error("{operation} {path}: {cause}")]
    Io {
        /// What was being done.
        operation: &'static str,
        /// The path involved.
        path: String,
        /// The OS error.
        cause: String,
    },
}

/// A failure of the local [`crate::ports::Outbox`] that holds messages while the database is
/// away.
#[derive(Debug, Error)]
#[error("message outbox: {operation}: {cause}")]
pub struct OutboxError {
    /// What was being done.
    pub operation: &'static str,
    /// Why it failed.
    pub cause: String,
}

/// A failure of an [`crate::ports::Interviewer`].
#[derive(Debug, Error)]
#[error("{provider}: {message}")]
pub struct InterviewerError {
    /// The provider that failed.
    pub provider: String,
    /// What went wrong.
    pub message: String,
    /// Tokens spent before it failed (an answer that came back unusable still cost them).
    pub usage: Vec<crate::ports::Usage>,
}

impl InterviewerError {
    /// A failure that spent no tokens.
    pub fn new(provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            message: message.into(),
            usage: Vec::new(),
        }
    }
}

/// A failure of a use case.
#[derive(Debug, Error)]
pub enum CoreError {
    /// The input breaks a domain rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// No session has that id.
    #[error("no session with id {0}")]
    SessionNotFound(SessionId),
    /// The requested state change is not allowed.
    #[error("cannot {action} a session that is {from}")]
    InvalidTransition {
        /// What was asked, e.g. "pause".
        action: &'static str,
        /// The session's current state.
        from: SessionStatus,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Media storage failed.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The interviewer failed.
    #[error("interviewer failed: {0}")]
    Interviewer(#[from] InterviewerError),
    /// The local outbox failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// A whiteboard change does not apply to the board (nothing of its batch was stored).
    #[error("whiteboard change {seq} was refused: {reason}")]
    BoardChange {
        /// The change's position in the log.
        seq: u64,
        /// Why, e.g. "shape 17 is not on the board".
        reason: String,
    },
}

impl CoreError {
    /// Whether the error was caused by the user's input (CLI exit code 2) rather than the system.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Self::Invalid(_)
                | Self::SessionNotFound(_)
                | Self::InvalidTransition { .. }
                | Self::BoardChange { .. }
                | Self::Media(MediaError::FileTooLarge { .. } | MediaError::SessionFull { .. })
        )
    }
}
