//! One implementation of the `Store` port for both SQL backends.
//!
//! The queries are the same text for SQLite and PostgreSQL (`$n` placeholders, `ON CONFLICT`,
//! `RETURNING`, `CAST(… AS DOUBLE PRECISION)`), so the implementation is written once and
//! instantiated per backend by `impl_sql_store!`. Every value is a bound parameter.

/// SQL shared by both backends.
pub(crate) mod sql {
    pub const UPSERT_RESUME: &str = "INSERT INTO resumes (user_id, name, email, experience_level, years_of_experience, domain_expertise, work_experience, education, skills, raw_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, email = excluded.email, experience_level = excluded.experience_level, years_of_experience = excluded.years_of_experience, domain_expertise = excluded.domain_expertise, work_experience = excluded.work_experience, education = excluded.education, skills = excluded.skills, raw_text = excluded.raw_text, updated_at = excluded.updated_at";
    pub const INSERT_RESUME_IF_ABSENT: &str = "INSERT INTO resumes (user_id, name, email, experience_level, years_of_experience, domain_expertise, work_experience, education, skills, raw_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (user_id) DO NOTHING";
    pub const SELECT_RESUME: &str = "SELECT user_id, name, email, experience_level, years_of_experience, domain_expertise, work_experience, education, skills, raw_text FROM resumes WHERE user_id = $1";
    pub const DELETE_RESUME: &str = "DELETE FROM resumes WHERE user_id = $1";
    pub const INSERT_SESSION: &str = "INSERT INTO sessions (id, user_id, created_at, ended_at, status, enabled_modes, ai_provider, ai_model, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    pub const SELECT_SESSION: &str = "SELECT id, user_id, created_at, ended_at, status, enabled_modes, ai_provider, ai_model, metadata FROM sessions WHERE id = $1";
    pub const SELECT_LATEST_OPEN_SESSION: &str = "SELECT id, user_id, created_at, ended_at, status, enabled_modes, ai_provider, ai_model, metadata FROM sessions WHERE status IN ('active', 'paused') ORDER BY created_at DESC, id DESC LIMIT 1";
    pub const LIST_SESSIONS: &str = "SELECT s.id, s.user_id, s.created_at, s.ended_at, s.status, s.ai_provider, s.ai_model, s.metadata, CAST(e.overall_score AS DOUBLE PRECISION) AS overall_score, (SELECT COUNT(*) FROM conversations c WHERE c.session_id = s.id) AS message_count FROM sessions s LEFT JOIN evaluations e ON e.session_id = s.id ORDER BY s.created_at DESC, s.id DESC LIMIT $1 OFFSET $2";
    pub const COUNT_SESSIONS: &str = "SELECT COUNT(*) FROM sessions";
    pub const SET_STATUS: &str = "UPDATE sessions SET status = $2 WHERE id = $1";
    pub const COMPLETE_SESSION: &str = "UPDATE sessions SET status = 'completed', ended_at = $2 WHERE id = $1 AND status <> 'completed'";
    pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";
    pub const INSERT_MESSAGE: &str = "INSERT INTO conversations (session_id, timestamp, role, content, metadata, seq) VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM conversations WHERE session_id = $1)) RETURNING id";
    pub const INSERT_MESSAGE_AT: &str = "INSERT INTO conversations (session_id, timestamp, role, content, metadata, seq) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, seq) DO NOTHING RETURNING id";
    pub const LAST_SEQ: &str =
        "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM conversations WHERE session_id = $1";
    pub const SELECT_CONVERSATION: &str = "SELECT role, content, timestamp, metadata FROM conversations WHERE session_id = $1 ORDER BY id";
    pub const UPSERT_EVALUATION: &str = "INSERT INTO evaluations (session_id, overall_score, competency_scores, feedback, improvement_plan, communication_analysis, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (session_id) DO UPDATE SET overall_score = excluded.overall_score, competency_scores = excluded.competency_scores, feedback = excluded.feedback, improvement_plan = excluded.improvement_plan, communication_analysis = excluded.communication_analysis, created_at = excluded.created_at";
    pub const SELECT_EVALUATION: &str = "SELECT CAST(overall_score AS DOUBLE PRECISION) AS overall_score, competency_scores, feedback, improvement_plan, communication_analysis FROM evaluations WHERE session_id = $1";
    pub const INSERT_MEDIA: &str = "INSERT INTO media_files (session_id, file_type, file_path, file_size_bytes, timestamp, metadata) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    pub const SELECT_MEDIA: &str = "SELECT file_type, file_path, file_size_bytes, timestamp, metadata FROM media_files WHERE session_id = $1 ORDER BY id";
    pub const DELETE_MEDIA: &str =
        "DELETE FROM media_files WHERE session_id = $1 AND file_path = $2";
    pub const INSERT_TOKEN_USAGE: &str = "INSERT INTO token_usage (session_id, timestamp, operation, provider, model, input_tokens, output_tokens, total_tokens, estimated_cost) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    pub const SELECT_TOKEN_USAGE: &str = "SELECT timestamp, operation, provider, model, input_tokens, output_tokens, total_tokens, CAST(estimated_cost AS DOUBLE PRECISION) AS estimated_cost FROM token_usage WHERE session_id = $1 ORDER BY id";
    pub const INSERT_AUDIT_LOG: &str = "INSERT INTO audit_logs (timestamp, level, component, operation, session_id, user_id, message, stack_trace, metadata) VALUES ($1, $2, $3, $4, (SELECT id FROM sessions WHERE id = $5), $6, $7, $8, $9) RETURNING id";
    pub const SESSIONS_BY_STATUS: &str =
        "SELECT status, COUNT(*) AS n FROM sessions GROUP BY status";
    pub const RECENT_COMPLETED_SPANS: &str = "SELECT created_at, ended_at FROM sessions WHERE status = 'completed' AND ended_at IS NOT NULL ORDER BY created_at DESC LIMIT 1000";
    pub const USAGE_BY_OPERATION: &str = "SELECT operation, COUNT(*) AS calls, CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS tokens, CAST(COALESCE(SUM(estimated_cost), 0) AS DOUBLE PRECISION) AS cost FROM token_usage GROUP BY operation ORDER BY operation";
    pub const MEDIA_BY_TYPE: &str = "SELECT file_type, COUNT(*) AS files, CAST(COALESCE(SUM(file_size_bytes), 0) AS BIGINT) AS bytes FROM media_files GROUP BY file_type ORDER BY file_type";
    pub const PROBLEMS_BY_COMPONENT: &str = "SELECT component, level, COUNT(*) AS n FROM audit_logs WHERE timestamp >= $1 GROUP BY component, level ORDER BY component";
    pub const SELECT_AUDIT_LOGS: &str = "SELECT timestamp, level, component, operation, session_id, user_id, message, stack_trace, metadata FROM audit_logs ORDER BY timestamp DESC, id DESC LIMIT $1 OFFSET $2";
}

/// Implements `Store` for a struct with `pool: sqlx::Pool<$db>` and `retry: RetryPolicy`.
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:literal) => {
        type Row = <$db as sqlx::Database>::Row;
        type Tx<'c> = sqlx::Transaction<'c, $db>;

        fn resume_from_row(row: &Row) -> Result<mockint_domain::ResumeData, sqlx::Error> {
            use sqlx::types::Json;
            use sqlx::Row as _;
            let level: String = row.try_get("experience_level")?;
            let years: i64 = row.try_get::<i32, _>("years_of_experience")?.into();
            Ok(mockint_domain::ResumeData {
                user_id: row.try_get("user_id")?,
                name: row
                    .try_get::<Option<String>, _>("name")?
                    .unwrap_or_default(),
                email: row
                    .try_get::<Option<String>, _>("email")?
                    .unwrap_or_default(),
                experience_level: decode_word("experience_level", &level)?,
                years_of_experience: u32::try_from(years)
                    .map_err(|_| decode_error("years_of_experience", "negative"))?,
                domain_expertise: row.try_get::<Json<Vec<String>>, _>("domain_expertise")?.0,
                work_experience: row
                    .try_get::<Json<Vec<mockint_domain::WorkExperience>>, _>("work_experience")?
                    .0,
                education: row
                    .try_get::<Json<Vec<mockint_domain::Education>>, _>("education")?
                    .0,
                skills: row.try_get::<Json<Vec<String>>, _>("skills")?.0,
                raw_text: row
                    .try_get::<Option<String>, _>("raw_text")?
                    .unwrap_or_default(),
            })
        }

        fn decode_error(column: &str, problem: &str) -> sqlx::Error {
            sqlx::Error::Decode(format!("{column}: {problem}").into())
        }

        fn decode_word<T>(column: &str, value: &str) -> Result<T, sqlx::Error>
        where
            T: std::str::FromStr,
            T::Err: std::fmt::Display,
        {
            value
                .parse()
                .map_err(|error: T::Err| decode_error(column, &error.to_string()))
        }

        fn metadata_from_row(
            row: &Row,
        ) -> Result<serde_json::Map<String, serde_json::Value>, sqlx::Error> {
            use sqlx::types::Json;
            use sqlx::Row as _;
            Ok(row
                .try_get::<Option<Json<serde_json::Map<String, serde_json::Value>>>, _>("metadata")?
                .map(|json| json.0)
                .unwrap_or_default())
        }

        /// Decodes a sessions row (without the resume).
        fn session_from_row(
            row: &Row,
        ) -> Result<(mockint_domain::Session, $crate::rows::SessionMetadata), sqlx::Error> {
            use sqlx::types::Json;
            use sqlx::Row as _;
            let status: String = row.try_get("status")?;
            let metadata: $crate::rows::SessionMetadata = row
                .try_get::<Option<Json<$crate::rows::SessionMetadata>>, _>("metadata")?
                .map(|json| json.0)
                .unwrap_or_default();
            let session = mockint_domain::Session {
                id: mockint_domain::SessionId::from_uuid(row.try_get("id")?),
                user_id: row.try_get("user_id")?,
                created_at: row.try_get("created_at")?,
                ended_at: row.try_get("ended_at")?,
                status: decode_word("status", &status)?,
                config: mockint_domain::SessionConfig {
                    enabled_modes: row
                        .try_get::<Json<Vec<mockint_domain::CommunicationMode>>, _>(
                            "enabled_modes",
                        )?
                        .0,
                    ai_provider: row.try_get("ai_provider")?,
                    ai_model: row.try_get("ai_model")?,
                    resume_data: None,
                    duration_minutes: metadata.duration_minutes,
                    problem: metadata.problem.clone(),
                },
            };
            Ok((session, metadata))
        }

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

            async fn get_resume(
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

            async fn delete_resume(&self, user_id: &str) -> Result<bool, mockint_core::StoreError> {
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

            async fn create_session(
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

            async fn get_session(
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

            async fn list_sessions(
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

            async fn count_sessions(&self) -> Result<u64, mockint_core::StoreError> {
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

            async fn latest_open_session(
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

            async fn set_session_status(
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

            async fn complete_session(
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

            async fn delete_session(
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

            async fn append_message_at(
                &self,
                id: mockint_domain::SessionId,
                seq: u64,
                message: &mockint_domain::Message,
            ) -> Result<bool, mockint_core::StoreError> {
                use sqlx::types::Json;
                let seq = i64::try_from(seq).map_err(|_| {
                    mockint_core::StoreError::Conflict("message sequence out of range".into())
                })?;
                self.retry
                    .run("append_message", || {
                        sqlx::query_scalar::<_, i64>($crate::sql_store::sql::INSERT_MESSAGE_AT)
                            .bind(id.as_uuid())
                            .bind(message.timestamp)
                            .bind(message.role.as_str())
                            .bind(&message.content)
                            .bind(Json(&message.metadata))
                            .bind(seq)
                            .fetch_optional(&self.pool)
                    })
                    .await
                    .map(|row| row.is_some())
                    .map_err($crate::error::store_error)
            }

            async fn last_seq(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<u64, mockint_core::StoreError> {
                self.retry
                    .run("last_seq", || {
                        sqlx::query_scalar::<_, i64>($crate::sql_store::sql::LAST_SEQ)
                            .bind(id.as_uuid())
                            .fetch_one(&self.pool)
                    })
                    .await
                    .map(|seq| u64::try_from(seq).unwrap_or(0))
                    .map_err($crate::error::store_error)
            }

            async fn append_message(
                &self,
                id: mockint_domain::SessionId,
                message: &mockint_domain::Message,
            ) -> Result<i64, mockint_core::StoreError> {
                use sqlx::types::Json;
                // Two writers can read the same highest number; the unique (session, seq)
                // index refuses the second, which takes the next number.
                let mut attempts = 0;
                loop {
                    let inserted = self
                        .retry
                        .run("append_message", || {
                            sqlx::query_scalar($crate::sql_store::sql::INSERT_MESSAGE)
                                .bind(id.as_uuid())
                                .bind(message.timestamp)
                                .bind(message.role.as_str())
                                .bind(&message.content)
                                .bind(Json(&message.metadata))
                                .fetch_one(&self.pool)
                        })
                        .await;
                    match inserted {
                        Err(error)
                            if attempts < 100
                                && error.as_database_error().is_some_and(|e| {
                                    e.kind() == sqlx::error::ErrorKind::UniqueViolation
                                }) =>
                        {
                            attempts += 1;
                        }
                        other => return other.map_err($crate::error::store_error),
                    }
                }
            }

            async fn conversation(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<mockint_domain::Message>, mockint_core::StoreError> {
                use sqlx::Row as _;
                let rows = self
                    .session_rows(
                        "conversation",
                        $crate::sql_store::sql::SELECT_CONVERSATION,
                        id,
                    )
                    .await?;
                rows.iter()
                    .map(|row| -> Result<mockint_domain::Message, sqlx::Error> {
                        let role: String = row.try_get("role")?;
                        Ok(mockint_domain::Message {
                            role: decode_word("role", &role)?,
                            content: row.try_get("content")?,
                            timestamp: row.try_get("timestamp")?,
                            metadata: metadata_from_row(row)?,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err($crate::error::store_error)
            }

            async fn save_evaluation(
                &self,
                report: &mockint_domain::EvaluationReport,
            ) -> Result<(), mockint_core::StoreError> {
                let mut tx = self.begin("save_evaluation").await?;
                upsert_evaluation(&mut tx, report)
                    .await
                    .map_err($crate::error::store_error)?;
                tx.commit().await.map_err($crate::error::store_error)
            }

            async fn get_evaluation(
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

            async fn save_media_reference(
                &self,
                id: mockint_domain::SessionId,
                media: &mockint_domain::MediaFile,
            ) -> Result<i64, mockint_core::StoreError> {
                use sqlx::types::Json;
                let size = media
                    .file_size_bytes
                    .map(i64::try_from)
                    .transpose()
                    .map_err(|_| {
                        mockint_core::StoreError::Conflict("file size too large".into())
                    })?;
                self.retry
                    .run("save_media_reference", || {
                        sqlx::query_scalar($crate::sql_store::sql::INSERT_MEDIA)
                            .bind(id.as_uuid())
                            .bind(media.file_type.as_str())
                            .bind(&media.file_path)
                            .bind(size)
                            .bind(media.timestamp)
                            .bind(Json(&media.metadata))
                            .fetch_one(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)
            }

            async fn media_files(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<mockint_domain::MediaFile>, mockint_core::StoreError> {
                use sqlx::Row as _;
                let rows = self
                    .session_rows("media_files", $crate::sql_store::sql::SELECT_MEDIA, id)
                    .await?;
                rows.iter()
                    .map(|row| -> Result<mockint_domain::MediaFile, sqlx::Error> {
                        let kind: String = row.try_get("file_type")?;
                        let size: Option<i64> = row.try_get("file_size_bytes")?;
                        Ok(mockint_domain::MediaFile {
                            file_type: decode_word("file_type", &kind)?,
                            file_path: row.try_get("file_path")?,
                            timestamp: row.try_get("timestamp")?,
                            file_size_bytes: size.and_then(|size| u64::try_from(size).ok()),
                            metadata: metadata_from_row(row)?,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err($crate::error::store_error)
            }

            async fn delete_media_reference(
                &self,
                id: mockint_domain::SessionId,
                file_path: &str,
            ) -> Result<bool, mockint_core::StoreError> {
                self.retry
                    .run("delete_media_reference", || {
                        sqlx::query($crate::sql_store::sql::DELETE_MEDIA)
                            .bind(id.as_uuid())
                            .bind(file_path)
                            .execute(&self.pool)
                    })
                    .await
                    .map(|done| done.rows_affected() > 0)
                    .map_err($crate::error::store_error)
            }

            async fn record_token_usage(
                &self,
                record: &mockint_domain::TokenUsageRecord,
            ) -> Result<i64, mockint_core::StoreError> {
                let usage = &record.usage;
                let input = $crate::rows::to_i32("input_tokens", usage.input_tokens)?;
                let output = $crate::rows::to_i32("output_tokens", usage.output_tokens)?;
                let total = $crate::rows::to_i32("total_tokens", usage.total_tokens)?;
                self.retry
                    .run("record_token_usage", || {
                        sqlx::query_scalar($crate::sql_store::sql::INSERT_TOKEN_USAGE)
                            .bind(record.session_id.as_uuid())
                            .bind(record.timestamp)
                            .bind(record.operation.as_str())
                            .bind(&usage.provider)
                            .bind(&usage.model)
                            .bind(input)
                            .bind(output)
                            .bind(total)
                            .bind(usage.estimated_cost)
                            .fetch_one(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)
            }

            async fn token_usage(
                &self,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<mockint_domain::TokenUsageRecord>, mockint_core::StoreError> {
                use sqlx::Row as _;
                let rows = self
                    .session_rows(
                        "token_usage",
                        $crate::sql_store::sql::SELECT_TOKEN_USAGE,
                        id,
                    )
                    .await?;
                let mut records = Vec::with_capacity(rows.len());
                for row in &rows {
                    let operation: String = row
                        .try_get("operation")
                        .map_err($crate::error::store_error)?;
                    let count = |column: &str| -> Result<u32, mockint_core::StoreError> {
                        let value: i32 = row.try_get(column).map_err($crate::error::store_error)?;
                        $crate::rows::to_u32(column, value.into())
                    };
                    records.push(mockint_domain::TokenUsageRecord {
                        session_id: id,
                        timestamp: row
                            .try_get("timestamp")
                            .map_err($crate::error::store_error)?,
                        operation: $crate::rows::parse_word("operation", &operation)?,
                        usage: mockint_domain::TokenUsage {
                            input_tokens: count("input_tokens")?,
                            output_tokens: count("output_tokens")?,
                            total_tokens: count("total_tokens")?,
                            estimated_cost: row
                                .try_get("estimated_cost")
                                .map_err($crate::error::store_error)?,
                            provider: row
                                .try_get("provider")
                                .map_err($crate::error::store_error)?,
                            model: row.try_get("model").map_err($crate::error::store_error)?,
                        },
                    });
                }
                Ok(records)
            }

            async fn append_audit_log(
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

            async fn audit_logs(
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

            async fn statistics(
                &self,
                problems_since: chrono::DateTime<chrono::Utc>,
            ) -> Result<mockint_domain::diagnostics::StoreStatistics, mockint_core::StoreError>
            {
                use sqlx::Row as _;
                let all = |name: &'static str, sql: &'static str| {
                    self.retry
                        .run(name, move || sqlx::query(sql).fetch_all(&self.pool))
                };
                let statuses = all("statistics", $crate::sql_store::sql::SESSIONS_BY_STATUS)
                    .await
                    .map_err($crate::error::store_error)?;
                let spans = all("statistics", $crate::sql_store::sql::RECENT_COMPLETED_SPANS)
                    .await
                    .map_err($crate::error::store_error)?;
                let usage = all("statistics", $crate::sql_store::sql::USAGE_BY_OPERATION)
                    .await
                    .map_err($crate::error::store_error)?;
                let media = all("statistics", $crate::sql_store::sql::MEDIA_BY_TYPE)
                    .await
                    .map_err($crate::error::store_error)?;
                let problems = self
                    .retry
                    .run("statistics", || {
                        sqlx::query($crate::sql_store::sql::PROBLEMS_BY_COMPONENT)
                            .bind(problems_since)
                            .fetch_all(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)?;
                let count = |row: &Row, column: &str| -> Result<u64, sqlx::Error> {
                    let value: i64 = row.try_get(column)?;
                    Ok(u64::try_from(value).unwrap_or_default())
                };
                let decode =
                    || -> Result<mockint_domain::diagnostics::StoreStatistics, sqlx::Error> {
                        let mut stats = mockint_domain::diagnostics::StoreStatistics {
                            active: 0,
                            paused: 0,
                            completed: 0,
                            average_duration_seconds: None,
                            usage: Vec::with_capacity(usage.len()),
                            media: Vec::with_capacity(media.len()),
                            problems: Vec::new(),
                            problems_since,
                        };
                        for row in &statuses {
                            let status: String = row.try_get("status")?;
                            let n = count(row, "n")?;
                            match decode_word::<mockint_domain::SessionStatus>("status", &status)? {
                                mockint_domain::SessionStatus::Active => stats.active += n,
                                mockint_domain::SessionStatus::Paused => stats.paused += n,
                                mockint_domain::SessionStatus::Completed => stats.completed += n,
                            }
                        }
                        let mut seconds = Vec::with_capacity(spans.len());
                        for row in &spans {
                            let created: chrono::DateTime<chrono::Utc> =
                                row.try_get("created_at")?;
                            let ended: chrono::DateTime<chrono::Utc> = row.try_get("ended_at")?;
                            seconds
                                .push((ended - created).num_milliseconds().max(0) as f64 / 1000.0);
                        }
                        if !seconds.is_empty() {
                            stats.average_duration_seconds =
                                Some(seconds.iter().sum::<f64>() / seconds.len() as f64);
                        }
                        for row in &usage {
                            stats
                                .usage
                                .push(mockint_domain::diagnostics::OperationUsage {
                                    operation: row.try_get("operation")?,
                                    calls: count(row, "calls")?,
                                    tokens: count(row, "tokens")?,
                                    cost: row.try_get("cost")?,
                                });
                        }
                        for row in &media {
                            stats.media.push(mockint_domain::diagnostics::MediaUsage {
                                file_type: row.try_get("file_type")?,
                                files: count(row, "files")?,
                                bytes: count(row, "bytes")?,
                            });
                        }
                        let mut by_component =
                            std::collections::BTreeMap::<String, (u64, u64)>::new();
                        for row in &problems {
                            let level: String = row.try_get("level")?;
                            let n = count(row, "n")?;
                            let entry = by_component.entry(row.try_get("component")?).or_default();
                            if level == "WARNING" {
                                entry.0 += n;
                            } else {
                                entry.1 += n;
                            }
                        }
                        stats.problems = by_component
                            .into_iter()
                            .map(|(component, (warnings, errors))| {
                                mockint_domain::diagnostics::LoggedProblems {
                                    component,
                                    warnings,
                                    errors,
                                }
                            })
                            .collect();
                        Ok(stats)
                    };
                decode().map_err($crate::error::store_error)
            }
        }

        impl $store {
            /// All rows of a per-session query (`$1` is the session id).
            async fn session_rows(
                &self,
                name: &'static str,
                sql: &'static str,
                id: mockint_domain::SessionId,
            ) -> Result<Vec<Row>, mockint_core::StoreError> {
                self.retry
                    .run(name, || {
                        sqlx::query(sql).bind(id.as_uuid()).fetch_all(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)
            }

            /// One page of a paginated query (`$1` limit, `$2` offset).
            async fn page_rows(
                &self,
                name: &'static str,
                sql: &'static str,
                page: mockint_domain::Page,
            ) -> Result<Vec<Row>, mockint_core::StoreError> {
                self.retry
                    .run(name, || {
                        sqlx::query(sql)
                            .bind(i64::from(page.limit))
                            .bind(i64::from(page.offset))
                            .fetch_all(&self.pool)
                    })
                    .await
                    .map_err($crate::error::store_error)
            }

            async fn begin(&self, name: &'static str) -> Result<Tx<'_>, mockint_core::StoreError> {
                self.retry
                    .run(name, || self.pool.begin())
                    .await
                    .map_err($crate::error::store_error)
            }

            async fn with_resume(
                &self,
                row: &Row,
            ) -> Result<mockint_domain::Session, mockint_core::StoreError> {
                use mockint_core::ports::Store as _;
                let (mut session, metadata) =
                    session_from_row(row).map_err($crate::error::store_error)?;
                if metadata.resume_attached {
                    session.config.resume_data = self.get_resume(&session.user_id).await?;
                }
                Ok(session)
            }
        }
    };
}

pub(crate) use impl_sql_store;
