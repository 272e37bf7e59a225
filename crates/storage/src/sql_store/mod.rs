//! One implementation of the `Store` port for both SQL backends.
//!
//! The queries are the same text for SQLite and PostgreSQL (`$n` placeholders, `ON CONFLICT`,
//! `RETURNING`, `CAST(… AS DOUBLE PRECISION)`), so the implementation is written once and
//! instantiated per backend by `impl_sql_store!`. Every value is a bound parameter.

pub(crate) mod sql;

mod audit;
mod decode;
mod media;
mod messages;
mod resumes;
mod sessions;
mod usage;

pub(crate) use audit::audit_queries;
pub(crate) use decode::shared_queries;
pub(crate) use media::media_queries;
pub(crate) use messages::message_queries;
pub(crate) use resumes::resume_queries;
pub(crate) use sessions::session_queries;
pub(crate) use usage::usage_queries;

/// Implements `Store` for a struct with `pool: sqlx::Pool<$db>` and `retry: RetryPolicy`.
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:literal) => {
        type Row = <$db as sqlx::Database>::Row;
        type Tx<'c> = sqlx::Transaction<'c, $db>;

        $crate::sql_store::shared_queries!($store);
        $crate::sql_store::resume_queries!($store);
        $crate::sql_store::session_queries!($store);
        $crate::sql_store::message_queries!($store);
        $crate::sql_store::media_queries!($store);
        $crate::sql_store::usage_queries!($store);
        $crate::sql_store::audit_queries!($store);

        #[async_trait::async_trait]
        impl mockint_core::ports::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            fn pool_status(&self) -> mockint_domain::diagnostics::PoolStatus {
                mockint_domain::diagnostics::PoolStatus {
                    open: self.pool.size(),
                    idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
                    max: self.pool.options().get_max_connections(),
                }
            }

            async fn ping(&self) -> Result<(), mockint_core::StoreError> {
                self.retry
                    .run("ping", || sqlx::query("SELECT 1").execute(&self.pool))
                    .await
                    .map(|_| ())
                    .map_err($crate::error::store_error)
            }

            async fn save_resume(
                &self,
                resume: &mockint_domain::ResumeData,
            ) -> Result<(), mockint_core::StoreError> {
                self.sql_save_resume(resume).await
            }

            async fn get_resume(
                &self,
                user_id: &str,
            ) -> Result<Option<mockint_domain::ResumeData>, mockint_core::StoreError> {
                self.sql_get_resume(user_id).await
            }

            async fn delete_resume(&self, user_id: &str) -> Result<bool, mockint_core::StoreError> {
                self.sql_delete_resume(user_id).await
            }

            async fn create_session(
                &self,
                session: &mockint_domain::Session,
            ) -> Result<(), mockint_core::StoreError> {
                self.sql_create_session(session).await
            }

            async fn get_session(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Option<mockint_domain::Session>, mockint_core::StoreError> {
                self.sql_get_session(id).await
            }

            async fn list_sessions(
                &self,
                page: mockint_domain::Page,
            ) -> Result<Vec<mockint_domain::SessionSummary>, mockint_core::StoreError> {
                self.sql_list_sessions(page).await
            }

            async fn count_sessions(&self) -> Result<u64, mockint_core::StoreError> {
                self.sql_count_sessions().await
            }

            async fn latest_open_session(
                &self,
            ) -> Result<Option<mockint_domain::Session>, mockint_core::StoreError> {
                self.sql_latest_open_session().await
            }

            async fn set_session_status(
                &self,
                id: mockint_domain::SessionId,
                status: mockint_domain::SessionStatus,
            ) -> Result<bool, mockint_core::StoreError> {
                self.sql_set_session_status(id, status).await
            }

            async fn complete_session(
                &self,
                id: mockint_domain::SessionId,
                ended_at: chrono::DateTime<chrono::Utc>,
                report: &mockint_domain::EvaluationReport,
            ) -> Result<(), mockint_core::StoreError> {
                self.sql_complete_session(id, ended_at, report).await
            }

            async fn delete_session(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<bool, mockint_core::StoreError> {
                self.sql_delete_session(id).await
            }

            async fn save_evaluation(
                &self,
                report: &mockint_domain::EvaluationReport,
            ) -> Result<(), mockint_core::StoreError> {
                self.sql_save_evaluation(report).await
            }

            async fn get_evaluation(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Option<mockint_domain::EvaluationReport>, mockint_core::StoreError> {
                self.sql_get_evaluation(id).await
            }

            async fn append_message_at(
                &self,
                id: mockint_domain::SessionId,
                seq: u64,
                message: &mockint_domain::Message,
            ) -> Result<bool, mockint_core::StoreError> {
                self.sql_append_message_at(id, seq, message).await
            }

            async fn last_seq(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<u64, mockint_core::StoreError> {
                self.sql_last_seq(id).await
            }

            async fn append_message(
                &self,
                id: mockint_domain::SessionId,
                message: &mockint_domain::Message,
            ) -> Result<i64, mockint_core::StoreError> {
                self.sql_append_message(id, message).await
            }

            async fn conversation(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<mockint_domain::Message>, mockint_core::StoreError> {
                self.sql_conversation(id).await
            }

            async fn save_media_reference(
                &self,
                id: mockint_domain::SessionId,
                media: &mockint_domain::MediaFile,
            ) -> Result<i64, mockint_core::StoreError> {
                self.sql_save_media_reference(id, media).await
            }

            async fn media_files(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<mockint_domain::MediaFile>, mockint_core::StoreError> {
                self.sql_media_files(id).await
            }

            async fn delete_media_reference(
                &self,
                id: mockint_domain::SessionId,
                file_path: &str,
            ) -> Result<bool, mockint_core::StoreError> {
                self.sql_delete_media_reference(id, file_path).await
            }

            async fn record_token_usage(
                &self,
                record: &mockint_domain::TokenUsageRecord,
            ) -> Result<i64, mockint_core::StoreError> {
                self.sql_record_token_usage(record).await
            }

            async fn token_usage(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<mockint_domain::TokenUsageRecord>, mockint_core::StoreError> {
                self.sql_token_usage(id).await
            }

            async fn statistics(
                &self,
                problems_since: chrono::DateTime<chrono::Utc>,
            ) -> Result<mockint_domain::diagnostics::StoreStatistics, mockint_core::StoreError>
            {
                self.sql_statistics(problems_since).await
            }

            async fn append_audit_log(
                &self,
                entry: &mockint_domain::LogEntry,
            ) -> Result<i64, mockint_core::StoreError> {
                self.sql_append_audit_log(entry).await
            }

            async fn audit_logs(
                &self,
                page: mockint_domain::Page,
            ) -> Result<Vec<mockint_domain::LogEntry>, mockint_core::StoreError> {
                self.sql_audit_logs(page).await
            }
        }
    };
}

pub(crate) use impl_sql_store;
