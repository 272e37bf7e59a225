//! Media references: the `media_files` queries of the SQL `Store`.

/// Implements the media reference queries behind `Store` for `$store`.
///
/// `impl_sql_store!` invokes it in the module that holds `Row`, `Tx` and the shared decoders.
macro_rules! media_queries {
    ($store:ty) => {
        impl $store {
            async fn sql_save_media_reference(
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

            async fn sql_media_files(
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

            async fn sql_delete_media_reference(
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
        }
    };
}

pub(crate) use media_queries;
