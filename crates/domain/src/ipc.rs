//! Requests and responses of the desktop app's commands (the UI ↔ backend contract).

use serde::{Deserialize, Serialize};

/// What the app reports about itself (`app_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// The app version.
    pub version: String,
    /// "sqlite" or "postgres"; empty when the store could not be opened.
    pub database_backend: String,
    /// Where data is kept.
    pub data_dir: String,
    /// Why the app could not start, if it could not (shown instead of a blank window).
    pub startup_error: Option<String>,
}

/// Arguments of `list_sessions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSessionsRequest {
    /// How many.
    pub limit: u32,
    /// How many to skip.
    pub offset: u32,
}

/// One page of sessions with the total count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionPage {
    /// The sessions, newest first.
    pub sessions: Vec<crate::SessionSummary>,
    /// How many sessions exist in total.
    pub total: u64,
}

/// Something the candidate should know about during an interview (shown as a notice in the UI
/// and on stderr by the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// The session has used the warning share of its token budget.
    BudgetWarning {
        /// Tokens used so far.
        used: u32,
        /// The session's budget.
        limit: u32,
    },
    /// The budget is spent: the interview continues with the offline interviewer.
    BudgetExceeded {
        /// Tokens used so far.
        used: u32,
        /// The session's budget.
        limit: u32,
    },
    /// The AI provider failed; the offline interviewer answered instead.
    ProviderFallback {
        /// The provider that failed.
        provider: String,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BudgetWarning { used, limit } => write!(f, "token budget: {used} of {limit} tokens used"),
            Self::BudgetExceeded { used, limit } => write!(
                f,
                "token budget spent ({used} of {limit} tokens): continuing with the offline interviewer"
            ),
            Self::ProviderFallback { provider, reason } => write!(
                f,
                "{provider} is unavailable ({reason}): continuing with the offline interviewer"
            ),
        }
    }
}
