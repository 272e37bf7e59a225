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
