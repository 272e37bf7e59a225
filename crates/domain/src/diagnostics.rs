//! What the diagnostics page shows: component health, metrics of this run, figures from the
//! store, storage use and the alerts raised.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a component is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Working.
    Ok,
    /// Working with a limitation (optional feature unavailable, little space).
    Warning,
    /// Not working: the app cannot do its job.
    Error,
}

/// One component's health check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// What was checked, e.g. "database".
    pub component: String,
    /// The verdict.
    pub status: HealthStatus,
    /// What was found (never a secret).
    pub detail: String,
    /// How long the check took.
    pub latency_ms: u64,
}

/// Every check and the overall verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    /// False when any check is an error.
    pub healthy: bool,
    /// The checks, in a fixed order.
    pub checks: Vec<HealthCheck>,
}

/// Calls, failures and latency of one component (database, ai:openai, transcription…)
/// since the app started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentMetrics {
    /// The component.
    pub component: String,
    /// Calls made.
    pub calls: u64,
    /// Calls that failed (after any retries).
    pub failures: u64,
    /// Failures among the most recent calls (the window alerts look at), 0–1.
    pub recent_error_rate: f64,
    /// Median latency of the recent calls.
    pub p50_ms: f64,
    /// 95th percentile latency of the recent calls.
    pub p95_ms: f64,
    /// Slowest call so far.
    pub max_ms: f64,
    /// The operation of the slowest call.
    pub slowest_operation: String,
}

/// Why an alert was raised (the seed's alert conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// More calls failed than `monitoring.alert_on_error_rate` allows.
    ErrorRate,
    /// A call took longer than `monitoring.alert_on_response_time_ms`.
    SlowResponse,
    /// Less than 10 % of the disk is free.
    DiskSpace,
    /// A health check failed.
    Unhealthy,
}

/// A condition that crossed a threshold: shown as a notice and written to the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// When it was raised.
    pub at: DateTime<Utc>,
    /// The component concerned.
    pub component: String,
    /// Which condition.
    pub kind: AlertKind,
    /// What happened, with the figures and the threshold.
    pub message: String,
}

/// Token use of one operation across all sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationUsage {
    /// The operation (question_generation, evaluation…).
    pub operation: String,
    /// AI calls.
    pub calls: u64,
    /// Tokens in and out.
    pub tokens: u64,
    /// Estimated cost in US dollars.
    pub cost: f64,
}

/// Stored media of one type across all sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaUsage {
    /// audio, video, whiteboard or screen.
    pub file_type: String,
    /// Files.
    pub files: u64,
    /// Bytes.
    pub bytes: u64,
}

/// Warnings and errors logged by one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedProblems {
    /// The component (the log target's crate).
    pub component: String,
    /// WARNING entries.
    pub warnings: u64,
    /// ERROR entries.
    pub errors: u64,
}

/// Figures read from the store: every session, AI call and logged problem on record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreStatistics {
    /// Active sessions.
    pub active: u64,
    /// Paused sessions.
    pub paused: u64,
    /// Completed sessions.
    pub completed: u64,
    /// Mean length of the most recent completed sessions (up to 1,000), in seconds.
    pub average_duration_seconds: Option<f64>,
    /// Token use per operation.
    pub usage: Vec<OperationUsage>,
    /// Stored media per type.
    pub media: Vec<MediaUsage>,
    /// Audit-log entries per component since `problems_since`.
    pub problems: Vec<LoggedProblems>,
    /// The start of the window `problems` counts.
    pub problems_since: DateTime<Utc>,
}

impl StoreStatistics {
    /// Sessions of any status.
    pub fn sessions(&self) -> u64 {
        self.active + self.paused + self.completed
    }

    /// Completed sessions as a share of all sessions (0 when there are none).
    pub fn completion_rate(&self) -> f64 {
        match self.sessions() {
            0 => 0.0,
            total => self.completed as f64 / total as f64,
        }
    }

    /// Tokens used by every AI call.
    pub fn total_tokens(&self) -> u64 {
        self.usage.iter().map(|u| u.tokens).sum()
    }

    /// Estimated cost of every AI call, in US dollars.
    pub fn total_cost(&self) -> f64 {
        // Folded from +0.0: an empty float sum is -0.0, which prints as "-0.0000".
        self.usage.iter().fold(0.0, |total, u| total + u.cost)
    }
}

/// Disk use of the data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageUse {
    /// The data directory.
    pub data_dir: String,
    /// Bytes of session media on disk.
    pub session_media_bytes: u64,
    /// Bytes of the embedded database files (None for PostgreSQL).
    pub database_bytes: Option<u64>,
    /// Bytes of log files.
    pub log_bytes: u64,
    /// Free bytes on the data directory's disk.
    pub free_bytes: u64,
    /// Size of that disk.
    pub total_bytes: u64,
}

/// The database connection pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolStatus {
    /// Open connections (in use or idle).
    pub open: u32,
    /// Idle connections among them.
    pub idle: u32,
    /// The most the pool opens (`database.pool_size`).
    pub max: u32,
}

/// Everything the diagnostics page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// When it was gathered.
    pub generated_at: DateTime<Utc>,
    /// Seconds since the app started.
    pub uptime_seconds: u64,
    /// Health checks.
    pub health: HealthReport,
    /// Metrics of this run, per component.
    pub components: Vec<ComponentMetrics>,
    /// Figures from the store, or why they could not be read.
    pub store: Result<StoreStatistics, String>,
    /// The database connection pool.
    pub pool: PoolStatus,
    /// Disk use.
    pub storage: StorageUse,
    /// Alerts raised in this run, newest first.
    pub alerts: Vec<Alert>,
    /// The thresholds in force: error rate (0–1) and response time (ms).
    pub alert_error_rate: f64,
    /// Response time that raises an alert, in milliseconds.
    pub alert_response_time_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statistics(active: u64, paused: u64, completed: u64) -> StoreStatistics {
        StoreStatistics {
            active,
            paused,
            completed,
            average_duration_seconds: None,
            usage: vec![
                OperationUsage {
                    operation: "evaluation".into(),
                    calls: 2,
                    tokens: 300,
                    cost: 0.25,
                },
                OperationUsage {
                    operation: "question_generation".into(),
                    calls: 7,
                    tokens: 700,
                    cost: 0.5,
                },
            ],
            media: Vec::new(),
            problems: Vec::new(),
            problems_since: Utc::now(),
        }
    }

    #[test]
    fn completion_rate_counts_completed_among_all_sessions() {
        assert_eq!(statistics(1, 1, 2).completion_rate(), 0.5);
        assert_eq!(statistics(0, 0, 0).completion_rate(), 0.0);
        assert_eq!(statistics(0, 0, 0).sessions(), 0);
    }

    #[test]
    fn totals_add_every_operation() {
        let mut none = statistics(0, 0, 0);
        none.usage.clear();
        assert_eq!(format!("{:.4}", none.total_cost()), "0.0000");
        let stats = statistics(0, 0, 1);
        assert_eq!(stats.total_tokens(), 1000);
        assert!((stats.total_cost() - 0.75).abs() < 1e-12);
    }
}
