//! Putting a checked PostgreSQL restore in place: the scratch database is renamed into the
//! current database's name (the current one renamed aside first) in one transaction on the
//! maintenance database, once no other connection uses the current one. PostgreSQL cannot
//! rename a database that has connections, so they are waited for briefly, then refused.

use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection as _, Executor as _};

use crate::backup_postgres::{connect, failed, prefix, PostgresStage};
use crate::tables::quote;
use crate::StorageError;

/// How long a restore waits for other connections to the database to close.
const OTHERS_GRACE: Duration = Duration::from_secs(10);

impl PostgresStage {
    /// Puts the scratch database in place of the current one: waits (briefly) for other
    /// connections to the current database to close, then renames it aside and the scratch
    /// database into its name in one transaction. Returns the aside name, if there was a
    /// current database. On failure nothing was renamed.
    pub async fn swap(&self) -> Result<Option<String>, StorageError> {
        let mut admin = connect(&self.admin).await?;
        let outcome = self.swap_with(&mut admin).await;
        let _ = admin.close().await;
        outcome
    }

    async fn swap_with(&self, admin: &mut PgConnection) -> Result<Option<String>, StorageError> {
        let started = Instant::now();
        loop {
            let (others, names): (i64, Option<String>) = sqlx::query_as(
                "SELECT count(*), string_agg(DISTINCT COALESCE(NULLIF(application_name, ''), 'unnamed'), ', ') \
                 FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&self.target)
            .fetch_one(&mut *admin)
            .await
            .map_err(failed("restoring the database"))?;
            if others == 0 {
                break;
            }
            if started.elapsed() > OTHERS_GRACE {
                return Err(StorageError::Copy {
                    operation: "restoring the database",
                    cause: format!(
                        "database {} has {others} other connection(s) ({}): close them before restoring",
                        self.target,
                        names.unwrap_or_default()
                    ),
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&self.target)
                .fetch_optional(&mut *admin)
                .await
                .map_err(failed("restoring the database"))?;
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let aside = exists.map(|_| {
            format!(
                "{}_before_restore_{}",
                prefix(&self.target, 38),
                &suffix[..8]
            )
        });
        let mut statements = vec!["BEGIN".to_string()];
        if let Some(aside) = &aside {
            statements.push(format!(
                "ALTER DATABASE {} RENAME TO {}",
                quote(&self.target),
                quote(aside)
            ));
        }
        statements.push(format!(
            "ALTER DATABASE {} RENAME TO {}",
            quote(&self.scratch),
            quote(&self.target)
        ));
        statements.push("COMMIT".into());
        if let Err(error) = admin.execute(statements.join("; ").as_str()).await {
            let _ = admin.execute("ROLLBACK").await;
            return Err(StorageError::Copy {
                operation: "putting the restored database in place",
                cause: error.to_string(),
            });
        }
        Ok(aside)
    }

    /// Drops the scratch database (after a failure).
    pub async fn discard(&self) {
        drop_database(&self.admin, &self.scratch).await;
    }

    /// Drops the database renamed aside by [`Self::swap`] (after success).
    pub async fn finish(&self, aside: Option<String>) {
        if let Some(aside) = aside {
            drop_database(&self.admin, &aside).await;
        }
    }
}

async fn drop_database(admin: &PgConnectOptions, name: &str) {
    let outcome = match connect(admin).await {
        Ok(mut conn) => {
            let dropped = conn
                .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(name)).as_str())
                .await;
            let _ = conn.close().await;
            dropped.map(|_| ()).map_err(|e| e.to_string())
        }
        Err(error) => Err(error.to_string()),
    };
    if let Err(error) = outcome {
        tracing::warn!(database = name, %error, "a database left by a restore could not be dropped");
    }
}
