use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::SessionId;

/// Severity of an audit log entry (the seed's five levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LogLevel {
    /// Diagnostic detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something may be wrong.
    Warning,
    /// An operation failed.
    Error,
    /// The app cannot go on.
    Critical,
}

impl LogLevel {
    /// The upper-case name stored in `audit_logs.level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "DEBUG",
            Self::Info => "INFO",
            Self::Warning => "WARNING",
            Self::Error => "ERROR",
            Self::Critical => "CRITICAL",
        }
    }
}

impl std::str::FromStr for LogLevel {
    type Err = crate::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "DEBUG" => Ok(Self::Debug),
            "INFO" => Ok(Self::Info),
            "WARNING" | "WARN" => Ok(Self::Warning),
            "ERROR" => Ok(Self::Error),
            "CRITICAL" => Ok(Self::Critical),
            _ => Err(crate::ValidationError::NotOneOf {
                field: "log level",
                allowed: "DEBUG, INFO, WARNING, ERROR, CRITICAL",
                actual: s.to_string(),
            }),
        }
    }
}

/// One `audit_logs` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// Severity.
    pub level: LogLevel,
    /// The part of the app, e.g. "storage".
    pub component: String,
    /// What it was doing, e.g. "append_message".
    pub operation: String,
    /// What happened.
    pub message: String,
    /// The session concerned, if any.
    pub session_id: Option<SessionId>,
    /// The user concerned, if any.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Structured details.
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Error chain or backtrace, if any.
    pub stack_trace: Option<String>,
}
