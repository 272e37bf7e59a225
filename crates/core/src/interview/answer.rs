//! Asking the interviewer within the session's token budget, falling back to the offline
//! interviewer when the provider fails, and storing the reply with its token usage.

use mockint_domain::ipc::Notice;
use mockint_domain::{Message, Role, Session, SessionId};

use super::{InterviewService, OFFLINE_AFTER_FAILURES};
use crate::ports::{InterviewContext, InterviewerReply, Usage};
use crate::{CoreError, StoreError};

impl InterviewService {
    /// Asks the interviewer, or the fallback when the budget is spent or the interviewer fails.
    pub(super) async fn ask(
        &self,
        session: &Session,
        ctx: InterviewContext<'_>,
        opening: bool,
    ) -> Result<
        (
            InterviewerReply,
            Vec<Notice>,
            Vec<mockint_domain::TokenUsageRecord>,
        ),
        CoreError,
    > {
        let mut notices = Vec::new();
        let mut records = self.token_records(session.id).await?;
        let used = records
            .iter()
            .fold(0u32, |sum, r| sum.saturating_add(r.usage.total_tokens));
        let limit = self.budget.max_tokens;
        let over_budget = used >= limit;
        if over_budget {
            notices.push(Notice::BudgetExceeded { used, limit });
        } else if f64::from(used) >= f64::from(limit) * self.budget.warning_threshold {
            notices.push(Notice::BudgetWarning { used, limit });
        }
        let failures = |update: &dyn Fn(&mut u32)| {
            self.provider_failures
                .lock()
                .map(|mut all| {
                    let count = all.entry(session.id).or_insert(0);
                    update(count);
                    *count
                })
                .unwrap_or(0)
        };
        let switched_offline = failures(&|_| {}) >= OFFLINE_AFTER_FAILURES;
        let primary = if over_budget || switched_offline {
            &self.fallback
        } else {
            &self.interviewer
        };
        let answer = if opening {
            primary.opening(ctx).await
        } else {
            primary.respond(ctx).await
        };
        match answer {
            Ok(reply) => {
                if !over_budget && !switched_offline {
                    failures(&|count| *count = 0);
                }
                Ok((reply, notices, records))
            }
            Err(error) => {
                tracing::warn!(session_id = %session.id, %error, "interviewer failed; using the offline interviewer");
                notices.push(Notice::ProviderFallback {
                    provider: error.provider.clone(),
                    reason: error.message.clone(),
                });
                // The tokens a failed or unusable answer cost are still counted.
                records.extend(self.record_usage(session.id, error.usage.clone()).await?);
                let in_a_row = failures(&|count| *count += 1);
                if in_a_row == OFFLINE_AFTER_FAILURES {
                    tracing::warn!(session_id = %session.id, provider = %error.provider, failures = in_a_row, "the provider keeps failing; the session stays offline");
                    notices.push(Notice::SwitchedOffline {
                        provider: error.provider.clone(),
                        failures: in_a_row,
                    });
                }
                let reply = if opening {
                    self.fallback.opening(ctx).await?
                } else {
                    self.fallback.respond(ctx).await?
                };
                Ok((reply, notices, records))
            }
        }
    }

    /// The session's token usage so far (none known while the store is away).
    async fn token_records(
        &self,
        id: SessionId,
    ) -> Result<Vec<mockint_domain::TokenUsageRecord>, CoreError> {
        if self.degraded() {
            return Ok(Vec::new());
        }
        match self.store.token_usage(id).await {
            Ok(records) => Ok(records),
            Err(StoreError::Unavailable(_)) => Ok(Vec::new()),
            Err(error) => Err(error.into()),
        }
    }

    pub(super) async fn record_usage(
        &self,
        id: SessionId,
        usage: Vec<Usage>,
    ) -> Result<Vec<mockint_domain::TokenUsageRecord>, CoreError> {
        crate::accounting::record_usage(&*self.store, id, self.clock.now(), usage).await
    }

    pub(super) async fn store_reply(
        &self,
        session: &Session,
        reply: InterviewerReply,
    ) -> Result<(Message, u32, Vec<mockint_domain::TokenUsageRecord>), CoreError> {
        let mut message = Message::new(Role::Interviewer, reply.content, self.clock.now())?;
        message.metadata = reply.metadata;
        let pending = self.persist(session.id, &message).await?;
        let mut written = Vec::new();
        if pending == 0 {
            written = self.record_usage(session.id, reply.usage).await?;
        } else if !reply.usage.is_empty() {
            tracing::warn!(session_id = %session.id, "token usage not recorded while the database is unreachable");
        }
        Ok((message, pending, written))
    }
}
