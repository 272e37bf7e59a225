//! Conversation messages: the `conversations` queries of the SQL `Store`.

/// Implements the conversation queries behind `Store` for `$store`.
///
/// `impl_sql_store!` invokes it in the module that holds `Row`, `Tx` and the shared decoders.
macro_rules! message_queries {
    ($store:ty) => {
        impl $store {
            async fn sql_append_message_at(
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

            async fn sql_last_seq(
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

            async fn sql_append_message(
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

            async fn sql_conversation(
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
        }
    };
}

pub(crate) use message_queries;
