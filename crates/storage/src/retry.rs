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
        let started = std::time::Instant::now();
        let result = operation
            .retry(backoff)
            .when(is_transient)
            .notify(|error, delay| {
                tracing::warn!(operation = name, %error, ?delay, "transient database error, retrying");
            })
            .await;
        // A missing row or a refused constraint is an answer, not a database failure.
        let ok = result
            .as_ref()
            .map_or_else(|error| !is_failure(error), |_| true);
        mockint_core::telemetry::record("database", name, started.elapsed(), ok);
        result
    }
}

/// Whether an error means the database could not do its job, rather than a refused value
/// (a unique, foreign-key, not-null or check violation) or a missing row, which are answers
/// for the caller to handle.
fn is_failure(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::RowNotFound => false,
        sqlx::Error::Database(db) => matches!(db.kind(), sqlx::error::ErrorKind::Other),
        _ => true,
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn fast() -> RetryPolicy {
        RetryPolicy {
            retries: 3,
            first_delay: Duration::from_millis(1),
        }
    }

    #[tokio::test]
    async fn refused_values_are_answers_and_broken_queries_are_failures() {
        use sqlx::Connection as _;
        let mut db = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite");
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .execute(&mut db)
            .await
            .expect("table");
        sqlx::query("INSERT INTO t (id) VALUES (1)")
            .execute(&mut db)
            .await
            .expect("row");
        let duplicate = sqlx::query("INSERT INTO t (id) VALUES (1)")
            .execute(&mut db)
            .await
            .expect_err("unique violation");
        assert!(!is_failure(&duplicate), "{duplicate}");
        let missing = sqlx::query("SELECT * FROM no_such_table")
            .execute(&mut db)
            .await
            .expect_err("no table");
        assert!(is_failure(&missing), "{missing}");
        assert!(!is_failure(&sqlx::Error::RowNotFound));
        assert!(is_failure(&sqlx::Error::PoolTimedOut));
    }

    #[tokio::test]
    async fn transient_errors_are_retried_three_times() {
        let attempts = AtomicUsize::new(0);
        let result: Result<(), sqlx::Error> = fast()
            .run("test", || async {
                attempts.fetch_add(1, Ordering::SeqCst);
                Err(sqlx::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::ConnectionRefused,
                )))
            })
            .await;
        assert!(result.is_err());
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            4,
            "first attempt plus 3 retries"
        );
    }

    #[tokio::test]
    async fn recovery_after_a_transient_error_succeeds() {
        let attempts = AtomicUsize::new(0);
        let result = fast()
            .run("test", || async {
                if attempts.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(sqlx::Error::PoolTimedOut)
                } else {
                    Ok(42)
                }
            })
            .await;
        assert_eq!(result.ok(), Some(42));
        assert_eq!(attempts.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn permanent_errors_are_not_retried() {
        let attempts = AtomicUsize::new(0);
        let result: Result<(), sqlx::Error> = fast()
            .run("test", || async {
                attempts.fetch_add(1, Ordering::SeqCst);
                Err(sqlx::Error::RowNotFound)
            })
            .await;
        assert!(result.is_err());
        assert_eq!(attempts.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn default_policy_is_one_two_four_seconds() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.retries, 3);
        assert_eq!(policy.first_delay, Duration::from_secs(1));
    }
}
