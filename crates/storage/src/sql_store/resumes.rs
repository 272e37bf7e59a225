//! Resumes: the `resumes` queries of the SQL `Store`.

/// Implements the resume queries behind `Store` for `$store`.
///
/// `impl_sql_store!` invokes it in the module that holds `Row`, `Tx` and the shared decoders.
macro_rules! resume_queries {
    ($store:ty) => {
        async fn bind_resume(
            tx: &mut Tx<'_>,
            sql: &'static str,
            resume: &mockint_domain::ResumeData,
            now: chrono::DateTime<chrono::Utc>,
        ) -> Result<(), mockint_core::StoreError> {
            use sqlx::types::Json;
            let columns = $crate::rows::ResumeColumns::new(resume)?;
            sqlx::query(sql)
                .bind(&columns.resume.user_id)
                .bind(&columns.resume.name)
                .bind(&columns.resume.email)
                .bind(columns.resume.experience_level.as_str())
                .bind(columns.years)
                .bind(Json(&columns.resume.domain_expertise))
                .bind(Json(&columns.resume.work_experience))
                .bind(Json(&columns.resume.education))
                .bind(Json(&columns.resume.skills))
                .bind(&columns.resume.raw_text)
                .bind(now)
                .execute(&mut **tx)
                .await
                .map_err($crate::error::store_error)?;
            Ok(())
        }

        impl $store {
            async fn sql_save_resume(
                &self,
                resume: &mockint_domain::ResumeData,
            ) -> Result<(), mockint_core::StoreError> {
                let mut tx = self.begin("save_resume").await?;
                bind_resume(
                    &mut tx,
                    $crate::sql_store::sql::UPSERT_RESUME,
                    resume,
                    chrono::Utc::now(),
                )
                .await?;
                tx.commit().await.map_err($crate::error::store_error)
            }

            async fn sql_get_resume(
                &self,
                user_id: &str,
            ) -> Result<Option<mockint_domain::ResumeData>, mockint_core::StoreError> {
                let row = self
                    .retry
                    .run("get_resume", || {
                        sqlx::query($crate::sql_store::sql::SELECT_RESUME)
                            .bind(user_id)
                            .fetch_optional(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)?;
                row.as_ref()
                    .map(resume_from_row)
                    .transpose()
                    .map_err($crate::error::store_error)
            }

            async fn sql_delete_resume(
                &self,
                user_id: &str,
            ) -> Result<bool, mockint_core::StoreError> {
                self.retry
                    .run("delete_resume", || {
                        sqlx::query($crate::sql_store::sql::DELETE_RESUME)
                            .bind(user_id)
                            .execute(&self.pool)
                    })
                    .await
                    .map(|done| done.rows_affected() > 0)
                    .map_err($crate::error::store_error)
            }
        }
    };
}

pub(crate) use resume_queries;
