//! Row decoding and the query helpers shared by every part of the SQL `Store`.

/// Defines the row decoders and the shared query helpers of `$store` (invoked by
/// `impl_sql_store!`, which defines `Row` and `Tx` in the same module).
macro_rules! shared_queries {
    ($store:ty) => {
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

pub(crate) use shared_queries;
