//! Token accounting: one `token_usage` row per AI call.

use chrono::{DateTime, Utc};
use mockint_domain::{SessionId, TokenUsageRecord};

use crate::ports::{Store, Usage};
use crate::CoreError;

/// Stores the usage of AI calls made for a session.
pub(crate) async fn record_usage(
    store: &dyn Store,
    id: SessionId,
    timestamp: DateTime<Utc>,
    usage: Vec<Usage>,
) -> Result<Vec<TokenUsageRecord>, CoreError> {
    let mut written = Vec::with_capacity(usage.len());
    for (operation, usage) in usage {
        let record = TokenUsageRecord {
            session_id: id,
            timestamp,
            operation,
            usage,
        };
        store.record_token_usage(&record).await?;
        written.push(record);
    }
    Ok(written)
}
