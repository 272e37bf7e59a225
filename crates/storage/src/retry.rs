//! Retrying transient database errors with exponential backoff (via `backon`).

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

/// How often and how patiently to retry transient errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: usize,
    /// Delay before the first retry; each next delay doubles.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries after 1, 2 and 4 seconds.
    fn default() -> Self {
        Self {
            retries: 3,
            first_delay: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// Runs `operation`, retrying it while it fails with a transient error.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        name: &'static str,
        operation: F,
    ) -> Result<T, sqlx::Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.first_delay)
            .with_factor(2.0)
            .with_max_times(self.retries)
            .without_max_delay();
        operation
            .retry(backoff)
            .when(is_transient)
            .notify(|error, delay| {
                tracing::warn!(operation = name, %error, ?delay, "transient database error, retrying");
            })
            .await
    }
}

/// Whether an error is worth retrying: lost connections, pool exhaustion, server shutdown,
/// serialization failures and SQLite's busy/locked states.
pub(crate) fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            let code = code.as_ref();
            code.starts_with("08")
                || matches!(
                    code,
                    "57P01" | "57P02" | "57P03" | "40001" | "40P01" | "53300"
                )
                || matches!(code, "5" | "6" | "261" | "262" | "517")
        }),
        _ => false,
    }
}
