//! The interview turn loop: the candidate speaks, the turn is stored, the interviewer answers.
//! The session's token budget is enforced here, and a failing AI provider never stops an
//! interview: the offline interviewer answers instead, with a notice.

mod answer;
mod journal;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mockint_domain::ipc::Notice;
use mockint_domain::{Message, Role, Session, SessionConfig, SessionId, SessionStatus};

use crate::ports::{Clock, InterviewContext, Interviewer, Outbox, Store, TokenSink, Usage};
use crate::{CoreError, SessionService};

/// The two messages one candidate turn produces, and anything the candidate should know.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutcome {
    /// The candidate's message as stored.
    pub candidate: Message,
    /// The interviewer's answer as stored.
    pub interviewer: Message,
    /// Budget warnings and provider fallbacks raised by this turn.
    pub notices: Vec<Notice>,
    /// The session's tokens and cost after the turn (read once, with the budget check).
    pub usage: mockint_domain::SessionTokenUsage,
}

/// What the candidate contributes in one turn.
#[derive(Debug, Clone, Copy)]
pub struct TurnInput<'a> {
    /// What they said or typed.
    pub text: &'a str,
    /// "text", "voice" or "script".
    pub source: &'a str,
    /// The whiteboard's log (its starting board and every change), if they are drawing.
    pub board: Option<&'a mockint_domain::BoardLog>,
    /// A PNG snapshot of the whiteboard.
    pub whiteboard_png: Option<&'a [u8]>,
}

/// A session's token budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenBudget {
    /// Most tokens a session may use with paid providers.
    pub max_tokens: u32,
    /// Share of the budget at which to warn (0–1).
    pub warning_threshold: f64,
}

impl Default for TokenBudget {
    fn default() -> Self {
        Self {
            max_tokens: 50_000,
            warning_threshold: 0.8,
        }
    }
}

/// How long to stop trying the database after it was found unreachable.
const DEGRADED_PAUSE: Duration = Duration::from_secs(5);
/// After this many consecutive turns on which the provider failed (each already retried),
/// the session stays with the offline interviewer.
pub const OFFLINE_AFTER_FAILURES: u32 = 3;

/// Runs interviews: opens them with the problem and answers each candidate turn.
///
/// Every message gets the next sequence number of its session and is written with it, so
/// writing it twice stores it once. With a remote store (PostgreSQL) each message is first
/// held in the local [`Outbox`]; if the database is away the interview goes on from memory
/// and the held messages are drained in order when it returns.
#[derive(Clone)]
pub struct InterviewService {
    store: Arc<dyn Store>,
    sessions: SessionService,
    interviewer: Arc<dyn Interviewer>,
    fallback: Arc<dyn Interviewer>,
    clock: Arc<dyn Clock>,
    budget: TokenBudget,
    outbox: Option<Arc<dyn Outbox>>,
    known: Arc<Mutex<HashMap<SessionId, Session>>>,
    /// Each session's conversation as last read or written (for turns while degraded).
    conversations: Arc<Mutex<HashMap<SessionId, Vec<Message>>>>,
    /// The last sequence number given out per session.
    sequences: Arc<tokio::sync::Mutex<HashMap<SessionId, u64>>>,
    degraded_until: Arc<Mutex<Option<Instant>>>,
    provider_failures: Arc<Mutex<HashMap<SessionId, u32>>>,
}

impl InterviewService {
    /// Wires the service: `interviewer` answers (it may call paid providers), `fallback`
    /// answers when it fails or the budget is spent; `outbox` holds messages for a remote
    /// store (none for the embedded one).
    pub fn new(
        store: Arc<dyn Store>,
        sessions: SessionService,
        interviewer: Arc<dyn Interviewer>,
        fallback: Arc<dyn Interviewer>,
        clock: Arc<dyn Clock>,
        budget: TokenBudget,
        outbox: Option<Arc<dyn Outbox>>,
    ) -> Self {
        Self {
            store,
            sessions,
            interviewer,
            fallback,
            clock,
            budget,
            outbox,
            known: Arc::new(Mutex::new(HashMap::new())),
            conversations: Arc::new(Mutex::new(HashMap::new())),
            sequences: Arc::new(tokio::sync::Mutex::new(HashMap::new())),
            degraded_until: Arc::new(Mutex::new(None)),
            provider_failures: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Creates a session, records AI usage that preceded it (resume parsing, problem
    /// generation) and stores the interviewer's opening message.
    pub async fn start(
        &self,
        user_id: &str,
        config: SessionConfig,
        earlier_usage: Vec<Usage>,
    ) -> Result<(Session, Message, Vec<Notice>), CoreError> {
        let session = self.sessions.create(user_id, config).await?;
        if let Ok(mut known) = self.known.lock() {
            known.insert(session.id, session.clone());
        }
        self.record_usage(session.id, earlier_usage).await?;
        let ctx = InterviewContext {
            session: &session,
            history: &[],
            elapsed: Duration::ZERO,
            on_token: None,
            whiteboard: None,
            whiteboard_before: None,
            whiteboard_png: None,
        };
        let (reply, mut notices, _) = self.ask(&session, ctx, true).await?;
        let (opening, pending, _) = self.store_reply(&session, reply).await?;
        if pending > 0 {
            notices.push(Notice::Degraded { pending });
        }
        Ok((session, opening, notices))
    }

    /// Stores the candidate's turn first (so it is never lost), then asks the interviewer for
    /// its answer and stores that.
    pub async fn candidate_turn(
        &self,
        id: SessionId,
        text: &str,
        source: &str,
    ) -> Result<TurnOutcome, CoreError> {
        let input = TurnInput {
            text,
            source,
            board: None,
            whiteboard_png: None,
        };
        self.take_turn(id, input, None).await
    }

    /// One candidate turn with everything the interviewer may look at: the text, the
    /// whiteboard's shapes and its snapshot.
    pub async fn take_turn(
        &self,
        id: SessionId,
        input: TurnInput<'_>,
        on_token: Option<TokenSink<'_>>,
    ) -> Result<TurnOutcome, CoreError> {
        let TurnInput {
            text,
            source,
            board,
            whiteboard_png,
        } = input;
        let session = self.session(id).await?;
        if session.status != SessionStatus::Active {
            return Err(CoreError::InvalidTransition {
                action: "send a message to",
                from: session.status,
            });
        }
        let candidate =
            Message::new(Role::Candidate, text, self.clock.now())?.with_metadata("source", source);
        self.persist(id, &candidate).await?;
        let history = self.history(id).await?;
        let elapsed = (self.clock.now() - session.created_at)
            .to_std()
            .unwrap_or(Duration::ZERO);
        // The board now, and as it was when the interviewer last spoke (its log says).
        let boards = board
            .filter(|b| !b.base.shapes.is_empty() || !b.entries.is_empty())
            .map(|log| {
                let last_look = history
                    .iter()
                    .rev()
                    .find(|m| m.role == Role::Interviewer)
                    .map_or(0, |m| {
                        (m.timestamp - session.created_at).num_milliseconds().max(0) as u64
                    });
                let base = mockint_domain::Board::new(log.base.clone()).unwrap_or_default();
                let before = mockint_domain::board::board_at(&base, &log.entries, last_look);
                (log.board().to_whiteboard(), before.to_whiteboard())
            });
        let ctx = InterviewContext {
            session: &session,
            history: &history,
            elapsed,
            on_token,
            whiteboard: boards.as_ref().map(|(now, _)| now),
            whiteboard_before: boards.as_ref().map(|(_, before)| before),
            whiteboard_png,
        };
        let (reply, mut notices, mut records) = self.ask(&session, ctx, false).await?;
        let (interviewer, pending, written) = self.store_reply(&session, reply).await?;
        records.extend(written);
        if pending > 0 {
            notices.push(Notice::Degraded { pending });
        }
        Ok(TurnOutcome {
            candidate,
            interviewer,
            notices,
            usage: mockint_domain::SessionTokenUsage::from_records(&records),
        })
    }

    /// The provider a session's interviewer uses (from memory after the first turn).
    pub async fn provider_of(&self, id: SessionId) -> Result<String, CoreError> {
        Ok(self.session(id).await?.config.ai_provider)
    }

    /// The conversation so far.
    pub async fn transcript(&self, id: SessionId) -> Result<Vec<Message>, CoreError> {
        self.session(id).await?;
        self.history(id).await
    }
}
