//! Audit log: the `audit_logs` queries of the SQL `Store`.

/// Implements the audit log queries behind `Store` for `$store`.
///
/// `impl_sql_store!` invokes it in the module that holds `Row`, `Tx` and the shared decoders.
macro_rules! audit_queries {
    ($store:ty) => {
        impl $store {
            async fn sql_append_audit_log(
                &self,
                entry: &mockint_domain::LogEntry,
            ) -> Result<i64, mockint_core::StoreError> {
                use sqlx::types::Json;
                self.retry
                    .run("append_audit_log", || {
                        sqlx::query_scalar($crate::sql_store::sql::INSERT_AUDIT_LOG)
                            .bind(entry.timestamp)
                            .bind(entry.level.as_str())
                            .bind(&entry.component)
                            .bind(&entry.operation)
                            .bind(entry.session_id.map(|id| id.as_uuid()))
                            .bind(&entry.user_id)
                            .bind(&entry.message)
                            .bind(&entry.stack_trace)
                            .bind(Json(&entry.metadata))
                            .fetch_one(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)
            }

            async fn sql_audit_logs(
                &self,
                page: mockint_domain::Page,
            ) -> Result<Vec<mockint_domain::LogEntry>, mockint_core::StoreError> {
                use sqlx::Row as _;
                let rows = self
                    .page_rows(
                        "audit_logs",
                        $crate::sql_store::sql::SELECT_AUDIT_LOGS,
                        page,
                    )
                    .await?;
                rows.iter()
                    .map(|row| -> Result<mockint_domain::LogEntry, sqlx::Error> {
                        let level: String = row.try_get("level")?;
                        let session: Option<uuid::Uuid> = row.try_get("session_id")?;
                        Ok(mockint_domain::LogEntry {
                            timestamp: row.try_get("timestamp")?,
                            level: decode_word("level", &level)?,
                            component: row.try_get("component")?,
                            operation: row.try_get("operation")?,
                            message: row.try_get("message")?,
                            session_id: session.map(mockint_domain::SessionId::from_uuid),
                            user_id: row.try_get("user_id")?,
                            metadata: metadata_from_row(row)?,
                            stack_trace: row.try_get("stack_trace")?,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err($crate::error::store_error)
            }
        }
    };
}

pub(crate) use audit_queries;
