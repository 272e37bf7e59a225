//! The local outbox for a remote (PostgreSQL) store: messages that have not reached the
//! database yet, in a small SQLite file in the data directory (`outbox.db`), committed with
//! `synchronous=FULL` before the turn goes on, keyed by (session, sequence number), removed
//! once stored, and set aside per session (quarantined) when the database refuses one for
//! good. Freed pages are zeroed (`secure_delete`) so a forgotten session leaves no text.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use mockint_core::ports::Outbox;
use mockint_core::OutboxError;
use mockint_domain::{Message, SessionId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// File name of the outbox in the data directory.
pub const OUTBOX_FILE: &str = "outbox.db";

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS held (session TEXT NOT NULL, seq INTEGER NOT NULL, message TEXT NOT NULL, PRIMARY KEY (session, seq))",
    "CREATE TABLE IF NOT EXISTS quarantined (session TEXT NOT NULL, seq INTEGER NOT NULL, message TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (session, seq))",
];

/// The outbox in `<data dir>/outbox.db`.
#[derive(Debug, Clone)]
pub struct SqliteOutbox {
    pool: SqlitePool,
}

fn failed(operation: &'static str) -> impl Fn(sqlx::Error) -> OutboxError {
    move |error| OutboxError {
        operation,
        cause: error.to_string(),
    }
}

impl SqliteOutbox {
    /// Opens (creating if needed) the outbox of a data directory.
    pub async fn open(data_dir: &Path) -> Result<Self, OutboxError> {
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(OUTBOX_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(10));
        // One connection: writes are serialised, and the order of holding is the order of
        // draining.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(failed("open"))?;
        for statement in SCHEMA {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .map_err(failed("create"))?;
        }
        Ok(Self { pool })
    }

    /// Truncates the write-ahead log so deleted rows leave no copy in it.
    async fn checkpoint(&self) -> Result<(), OutboxError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(failed("checkpoint"))
    }
}

fn seq_value(seq: u64) -> Result<i64, OutboxError> {
    i64::try_from(seq).map_err(|_| OutboxError {
        operation: "hold",
        cause: "sequence number out of range".into(),
    })
}

#[async_trait]
impl Outbox for SqliteOutbox {
    async fn hold(
        &self,
        session: SessionId,
        seq: u64,
        message: &Message,
    ) -> Result<(), OutboxError> {
        let text = serde_json::to_string(message).map_err(|error| OutboxError {
            operation: "hold",
            cause: error.to_string(),
        })?;
        sqlx::query("INSERT OR REPLACE INTO held (session, seq, message) VALUES (?, ?, ?)")
            .bind(session.to_string())
            .bind(seq_value(seq)?)
            .bind(text)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(failed("hold"))
    }

    async fn held(&self, session: SessionId) -> Result<Vec<(u64, Message)>, OutboxError> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT seq, message FROM held WHERE session = ? ORDER BY seq")
                .bind(session.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(failed("read"))?;
        rows.into_iter()
            .map(|(seq, text)| {
                let message = serde_json::from_str(&text).map_err(|error| OutboxError {
                    operation: "read",
                    cause: format!("held message {seq} is unreadable: {error}"),
                })?;
                Ok((u64::try_from(seq).unwrap_or(0), message))
            })
            .collect()
    }

    async fn release(&self, session: SessionId, seq: u64) -> Result<(), OutboxError> {
        sqlx::query("DELETE FROM held WHERE session = ? AND seq = ?")
            .bind(session.to_string())
            .bind(seq_value(seq)?)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(failed("release"))
    }

    async fn sessions(&self) -> Result<Vec<SessionId>, OutboxError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT session FROM held GROUP BY session ORDER BY MIN(rowid)")
                .fetch_all(&self.pool)
                .await
                .map_err(failed("list"))?;
        Ok(rows
            .into_iter()
            .filter_map(|(id,)| SessionId::parse(&id).ok())
            .collect())
    }

    async fn quarantine(&self, session: SessionId, reason: &str) -> Result<(), OutboxError> {
        let mut tx = self.pool.begin().await.map_err(failed("quarantine"))?;
        sqlx::query("INSERT OR REPLACE INTO quarantined (session, seq, message, reason) SELECT session, seq, message, ? FROM held WHERE session = ?")
            .bind(reason)
            .bind(session.to_string())
            .execute(&mut *tx)
            .await
            .map_err(failed("quarantine"))?;
        sqlx::query("DELETE FROM held WHERE session = ?")
            .bind(session.to_string())
            .execute(&mut *tx)
            .await
            .map_err(failed("quarantine"))?;
        tx.commit().await.map_err(failed("quarantine"))
    }

    async fn last_seq(&self, session: SessionId) -> Result<u64, OutboxError> {
        let last: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) FROM (SELECT seq FROM held WHERE session = ?1 UNION ALL SELECT seq FROM quarantined WHERE session = ?1)",
        )
        .bind(session.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(failed("read"))?;
        Ok(u64::try_from(last).unwrap_or(0))
    }

    async fn forget(&self, session: SessionId) -> Result<(), OutboxError> {
        for table in ["held", "quarantined"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE session = ?"))
                .bind(session.to_string())
                .execute(&self.pool)
                .await
                .map_err(failed("forget"))?;
        }
        self.checkpoint().await
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use mockint_domain::Role;

    use super::*;

    fn message(text: &str) -> Message {
        Message::new(Role::Candidate, text, Utc::now()).expect("message")
    }

    #[tokio::test]
    async fn holds_in_order_releases_quarantines_and_forgets() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = SqliteOutbox::open(dir.path()).await.expect("open");
        let (a, b) = (
            SessionId::from_uuid(uuid::Uuid::new_v4()),
            SessionId::from_uuid(uuid::Uuid::new_v4()),
        );
        outbox.hold(a, 2, &message("two")).await.expect("hold");
        outbox.hold(a, 1, &message("one")).await.expect("hold");
        outbox.hold(b, 7, &message("seven")).await.expect("hold");
        let held: Vec<(u64, String)> = outbox
            .held(a)
            .await
            .expect("held")
            .into_iter()
            .map(|(seq, m)| (seq, m.content))
            .collect();
        assert_eq!(held, [(1, "one".into()), (2, "two".into())]);
        assert_eq!(outbox.sessions().await.expect("sessions"), [a, b]);
        outbox.release(a, 1).await.expect("release");
        assert_eq!(outbox.held(a).await.expect("held").len(), 1);
        outbox.quarantine(a, "refused").await.expect("quarantine");
        assert!(outbox.held(a).await.expect("held").is_empty());
        assert_eq!(
            outbox.last_seq(a).await.expect("last"),
            2,
            "quarantined numbers stay taken"
        );
        assert_eq!(outbox.sessions().await.expect("sessions"), [b]);
        // Reopened after a crash, the held messages are still there.
        drop(outbox);
        let outbox = SqliteOutbox::open(dir.path()).await.expect("reopen");
        assert_eq!(outbox.held(b).await.expect("held").len(), 1);
        outbox.forget(b).await.expect("forget");
        outbox.forget(a).await.expect("forget");
        assert!(outbox.sessions().await.expect("sessions").is_empty());
        assert_eq!(outbox.last_seq(a).await.expect("last"), 0);
    }
}
