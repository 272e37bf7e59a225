//! Token usage and store statistics: the `token_usage` queries and the aggregate counts
//! of the SQL `Store`.

/// Implements the token usage and statistics queries behind `Store` for `$store`.
///
/// `impl_sql_store!` invokes it in the module that holds `Row`, `Tx` and the shared decoders.
macro_rules! usage_queries {
    ($store:ty) => {
        impl $store {
            async fn sql_record_token_usage(
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

            async fn sql_token_usage(
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

            async fn sql_statistics(
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
    };
}

pub(crate) use usage_queries;
