//! Sessions and their evaluations: the `sessions` and `evaluations` queries of the SQL
//! `Store`.

/// Implements the session and evaluation queries behind `Store` for `$store`.
///
/// `impl_sql_store!` invokes it in the module that holds `Row`, `Tx` and the shared decoders.
macro_rules! session_queries {
    ($store:ty) => {
        async fn upsert_evaluation(
            tx: &mut Tx<'_>,
            report: &mockint_domain::EvaluationReport,
        ) -> Result<(), sqlx::Error> {
            use sqlx::types::Json;
            let feedback = $crate::rows::FeedbackColumns {
                went_well: report.went_well.clone(),
                went_okay: report.went_okay.clone(),
                needs_improvement: report.needs_improvement.clone(),
                provenance: report.provenance.clone(),
            };
            sqlx::query($crate::sql_store::sql::UPSERT_EVALUATION)
                .bind(report.session_id.as_uuid())
                .bind(report.overall_score.value())
                .bind(Json(&report.competency_scores))
                .bind(Json(&feedback))
                .bind(Json(&report.improvement_plan))
                .bind(Json(&report.communication_mode_analysis))
                .bind(chrono::Utc::now())
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        impl $store {
            async fn sql_create_session(
                &self,
                session: &mockint_domain::Session,
            ) -> Result<(), mockint_core::StoreError> {
                use sqlx::types::Json;
                let metadata = $crate::rows::SessionMetadata {
                    problem: session.config.problem.clone(),
                    duration_minutes: session.config.duration_minutes,
                    resume_attached: session.config.resume_data.is_some(),
                };
                let mut tx = self.begin("create_session").await?;
                match &session.config.resume_data {
                    Some(resume) if resume.user_id == session.user_id => {
                        bind_resume(
                            &mut tx,
                            $crate::sql_store::sql::UPSERT_RESUME,
                            resume,
                            session.created_at,
                        )
                        .await?;
                    }
                    Some(_) => {
                        return Err(mockint_core::StoreError::Conflict(
                            "the attached resume belongs to another user".into(),
                        ))
                    }
                    None => {
                        let anonymous = mockint_domain::ResumeData::anonymous(&session.user_id);
                        bind_resume(
                            &mut tx,
                            $crate::sql_store::sql::INSERT_RESUME_IF_ABSENT,
                            &anonymous,
                            session.created_at,
                        )
                        .await?;
                    }
                }
                sqlx::query($crate::sql_store::sql::INSERT_SESSION)
                    .bind(session.id.as_uuid())
                    .bind(&session.user_id)
                    .bind(session.created_at)
                    .bind(session.ended_at)
                    .bind(session.status.as_str())
                    .bind(Json(&session.config.enabled_modes))
                    .bind(&session.config.ai_provider)
                    .bind(&session.config.ai_model)
                    .bind(Json(&metadata))
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::error::store_error)?;
                tx.commit().await.map_err($crate::error::store_error)
            }

            async fn sql_get_session(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Option<mockint_domain::Session>, mockint_core::StoreError> {
                let row = self
                    .retry
                    .run("get_session", || {
                        sqlx::query($crate::sql_store::sql::SELECT_SESSION)
                            .bind(id.as_uuid())
                            .fetch_optional(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)?;
                match row {
                    Some(row) => Ok(Some(self.with_resume(&row).await?)),
                    None => Ok(None),
                }
            }

            async fn sql_list_sessions(
                &self,
                page: mockint_domain::Page,
            ) -> Result<Vec<mockint_domain::SessionSummary>, mockint_core::StoreError> {
                use sqlx::types::Json;
                use sqlx::Row as _;
                let rows = self
                    .page_rows("list_sessions", $crate::sql_store::sql::LIST_SESSIONS, page)
                    .await?;
                rows.iter()
                    .map(
                        |row| -> Result<mockint_domain::SessionSummary, sqlx::Error> {
                            let status: String = row.try_get("status")?;
                            let metadata: $crate::rows::SessionMetadata = row
                                .try_get::<Option<Json<$crate::rows::SessionMetadata>>, _>(
                                    "metadata",
                                )?
                                .map(|json| json.0)
                                .unwrap_or_default();
                            let score: Option<f64> = row.try_get("overall_score")?;
                            let count: i64 = row.try_get("message_count")?;
                            Ok(mockint_domain::SessionSummary {
                                id: mockint_domain::SessionId::from_uuid(row.try_get("id")?),
                                user_id: row.try_get("user_id")?,
                                created_at: row.try_get("created_at")?,
                                ended_at: row.try_get("ended_at")?,
                                status: decode_word("status", &status)?,
                                ai_provider: row.try_get("ai_provider")?,
                                ai_model: row.try_get("ai_model")?,
                                problem: metadata.problem,
                                overall_score: score
                                    .map(mockint_domain::Score::new)
                                    .transpose()
                                    .map_err(|error| {
                                        decode_error("overall_score", &error.to_string())
                                    })?,
                                message_count: u64::try_from(count).unwrap_or_default(),
                            })
                        },
                    )
                    .collect::<Result<Vec<_>, _>>()
                    .map_err($crate::error::store_error)
            }

            async fn sql_count_sessions(&self) -> Result<u64, mockint_core::StoreError> {
                let count: i64 = self
                    .retry
                    .run("count_sessions", || {
                        sqlx::query_scalar($crate::sql_store::sql::COUNT_SESSIONS)
                            .fetch_one(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)?;
                Ok(u64::try_from(count).unwrap_or_default())
            }

            async fn sql_latest_open_session(
                &self,
            ) -> Result<Option<mockint_domain::Session>, mockint_core::StoreError> {
                let row = self
                    .retry
                    .run("latest_open_session", || {
                        sqlx::query($crate::sql_store::sql::SELECT_LATEST_OPEN_SESSION)
                            .fetch_optional(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)?;
                match row {
                    Some(row) => Ok(Some(self.with_resume(&row).await?)),
                    None => Ok(None),
                }
            }

            async fn sql_set_session_status(
                &self,
                id: mockint_domain::SessionId,
                status: mockint_domain::SessionStatus,
            ) -> Result<bool, mockint_core::StoreError> {
                self.retry
                    .run("set_session_status", || {
                        sqlx::query($crate::sql_store::sql::SET_STATUS)
                            .bind(id.as_uuid())
                            .bind(status.as_str())
                            .execute(&self.pool)
                    })
                    .await
                    .map(|done| done.rows_affected() > 0)
                    .map_err($crate::error::store_error)
            }

            async fn sql_complete_session(
                &self,
                id: mockint_domain::SessionId,
                ended_at: chrono::DateTime<chrono::Utc>,
                report: &mockint_domain::EvaluationReport,
            ) -> Result<(), mockint_core::StoreError> {
                if report.session_id != id {
                    return Err(mockint_core::StoreError::Conflict(
                        "the report belongs to another session".into(),
                    ));
                }
                let mut tx = self.begin("complete_session").await?;
                let updated = sqlx::query($crate::sql_store::sql::COMPLETE_SESSION)
                    .bind(id.as_uuid())
                    .bind(ended_at)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::error::store_error)?;
                if updated.rows_affected() == 0 {
                    return Err(mockint_core::StoreError::Conflict(format!(
                        "session {id} does not exist or is already completed"
                    )));
                }
                upsert_evaluation(&mut tx, report)
                    .await
                    .map_err($crate::error::store_error)?;
                tx.commit().await.map_err($crate::error::store_error)
            }

            async fn sql_delete_session(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<bool, mockint_core::StoreError> {
                let deleted = self
                    .retry
                    .run("delete_session", || {
                        sqlx::query($crate::sql_store::sql::DELETE_SESSION)
                            .bind(id.as_uuid())
                            .execute(&self.pool)
                    })
                    .await
                    .map(|done| done.rows_affected() > 0)
                    .map_err($crate::error::store_error)?;
                // Freed pages of the deleted rows are zeroed and the log truncated, so the
                // session's words are gone from the files too.
                self.purge_freed().await;
                Ok(deleted)
            }

            async fn sql_save_evaluation(
                &self,
                report: &mockint_domain::EvaluationReport,
            ) -> Result<(), mockint_core::StoreError> {
                let mut tx = self.begin("save_evaluation").await?;
                upsert_evaluation(&mut tx, report)
                    .await
                    .map_err($crate::error::store_error)?;
                tx.commit().await.map_err($crate::error::store_error)
            }

            async fn sql_get_evaluation(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Option<mockint_domain::EvaluationReport>, mockint_core::StoreError> {
                use sqlx::types::Json;
                use sqlx::Row as _;
                let row = self
                    .retry
                    .run("get_evaluation", || {
                        sqlx::query($crate::sql_store::sql::SELECT_EVALUATION)
                            .bind(id.as_uuid())
                            .fetch_optional(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)?;
                let Some(row) = row else { return Ok(None) };
                let decode = || -> Result<mockint_domain::EvaluationReport, sqlx::Error> {
                    let feedback = row
                        .try_get::<Json<$crate::rows::FeedbackColumns>, _>("feedback")?
                        .0;
                    let score: f64 = row.try_get("overall_score")?;
                    Ok(mockint_domain::EvaluationReport {
                        session_id: id,
                        overall_score: mockint_domain::Score::new(score)
                            .map_err(|error| decode_error("overall_score", &error.to_string()))?,
                        competency_scores: row.try_get::<Json<_>, _>("competency_scores")?.0,
                        went_well: feedback.went_well,
                        went_okay: feedback.went_okay,
                        needs_improvement: feedback.needs_improvement,
                        improvement_plan: row.try_get::<Json<_>, _>("improvement_plan")?.0,
                        communication_mode_analysis: row
                            .try_get::<Json<_>, _>("communication_analysis")?
                            .0,
                        provenance: feedback.provenance,
                    })
                };
                decode().map(Some).map_err($crate::error::store_error)
            }
        }
    };
}

pub(crate) use session_queries;
