//! The interview turn loop: the candidate speaks, the turn is stored, the interviewer answers.

use std::sync::Arc;
use std::time::Duration;

use domain::{Message, Role, Session, SessionConfig, SessionId, SessionStatus, TokenUsageRecord};

use crate::ports::{Clock, InterviewContext, Interviewer, InterviewerReply, Store};
use crate::{CoreError, SessionService};

/// The two messages one candidate turn produces.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutcome {
    /// The candidate's message as stored.
    pub candidate: Message,
    /// The interviewer's answer as stored.
    pub interviewer: Message,
}

/// Runs interviews: opens them with the problem and answers each candidate turn.
#[derive(Clone)]
pub struct InterviewService {
    store: Arc<dyn Store>,
    sessions: SessionService,
    interviewer: Arc<dyn Interviewer>,
    clock: Arc<dyn Clock>,
}

impl InterviewService {
    /// Wires the service to its ports.
    pub fn new(
        store: Arc<dyn Store>,
        sessions: SessionService,
        interviewer: Arc<dyn Interviewer>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            sessions,
            interviewer,
            clock,
        }
    }

    /// Creates a session and stores the interviewer's opening message.
    pub async fn start(
        &self,
        user_id: &str,
        config: SessionConfig,
    ) -> Result<(Session, Message), CoreError> {
        let session = self.sessions.create(user_id, config).await?;
        let ctx = InterviewContext {
            session: &session,
            history: &[],
            elapsed: Duration::ZERO,
        };
        let reply = self.interviewer.opening(ctx).await?;
        let opening = self.store_reply(&session, reply).await?;
        Ok((session, opening))
    }

    /// Stores the candidate's turn first (so it is never lost), then asks the interviewer for
    /// its answer and stores that.
    pub async fn candidate_turn(
        &self,
        id: SessionId,
        text: &str,
        source: &str,
    ) -> Result<TurnOutcome, CoreError> {
        let session = self.sessions.get(id).await?;
        if session.status != SessionStatus::Active {
            return Err(CoreError::InvalidTransition {
                action: "send a message to",
                from: session.status,
            });
        }
        let candidate =
            Message::new(Role::Candidate, text, self.clock.now())?.with_metadata("source", source);
        self.store.append_message(id, &candidate).await?;
        let history = self.store.conversation(id).await?;
        let elapsed = (self.clock.now() - session.created_at)
            .to_std()
            .unwrap_or(Duration::ZERO);
        let ctx = InterviewContext {
            session: &session,
            history: &history,
            elapsed,
        };
        let reply = self.interviewer.respond(ctx).await?;
        let interviewer = self.store_reply(&session, reply).await?;
        Ok(TurnOutcome {
            candidate,
            interviewer,
        })
    }

    /// The conversation so far.
    pub async fn transcript(&self, id: SessionId) -> Result<Vec<Message>, CoreError> {
        self.sessions.get(id).await?;
        Ok(self.store.conversation(id).await?)
    }

    async fn store_reply(
        &self,
        session: &Session,
        reply: InterviewerReply,
    ) -> Result<Message, CoreError> {
        let now = self.clock.now();
        let mut message = Message::new(Role::Interviewer, reply.content, now)?;
        message.metadata = reply.metadata;
        self.store.append_message(session.id, &message).await?;
        if let Some((operation, usage)) = reply.usage {
            let record = TokenUsageRecord {
                session_id: session.id,
                timestamp: now,
                operation,
                usage,
            };
            self.store.record_token_usage(&record).await?;
        }
        Ok(message)
    }
}
