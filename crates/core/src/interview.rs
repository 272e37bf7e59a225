//! The interview turn loop: the candidate speaks, the turn is stored, the interviewer answers.
//! The session's token budget is enforced here, and a failing AI provider never stops an
//! interview: the offline interviewer answers instead, with a notice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mockint_domain::ipc::Notice;
use mockint_domain::{Message, Role, Session, SessionConfig, SessionId, SessionStatus};

use crate::ports::{
    Clock, InterviewContext, Interviewer, InterviewerReply, Outbox, Store, TokenSink, Usage,
};
use crate::{CoreError, SessionService, StoreError};

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
    /// The whiteboard's shapes, if they are drawing.
    pub whiteboard: Option<&'a mockint_domain::Whiteboard>,
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

    /// Writes held messages that have not reached the store yet, in order, for every
    /// session (at start-up, and periodically while degraded). Returns how many remain.
    pub async fn replay_pending(&self) -> Result<u32, CoreError> {
        let Some(outbox) = &self.outbox else {
            return Ok(0);
        };
        let mut remaining = 0;
        for session in outbox.sessions().await? {
            remaining += self.flush(outbox.as_ref(), session).await?;
        }
        Ok(remaining)
    }

    /// Whether the store is currently being bypassed because it was unreachable.
    pub fn degraded(&self) -> bool {
        self.degraded_until
            .lock()
            .map(|until| until.is_some_and(|t| Instant::now() < t))
            .unwrap_or(false)
    }

    fn set_degraded(&self, degraded: bool) {
        if let Ok(mut until) = self.degraded_until.lock() {
            *until = degraded.then(|| Instant::now() + DEGRADED_PAUSE);
        }
    }

    /// The next sequence number of a session: one past the highest in the store, in the
    /// outbox, or given out by this process.
    async fn next_seq(&self, id: SessionId) -> Result<u64, CoreError> {
        let mut sequences = self.sequences.lock().await;
        let last = match sequences.get(&id) {
            Some(last) => *last,
            None => {
                let held = match &self.outbox {
                    Some(outbox) => outbox.last_seq(id).await?,
                    None => 0,
                };
                let stored = if self.degraded() {
                    None
                } else {
                    match self.store.last_seq(id).await {
                        Ok(seq) => Some(seq),
                        Err(StoreError::Unavailable(_)) if self.outbox.is_some() => {
                            self.set_degraded(true);
                            None
                        }
                        Err(error) => return Err(error.into()),
                    }
                };
                let cached = self
                    .conversations
                    .lock()
                    .ok()
                    .and_then(|all| all.get(&id).map(|c| c.len() as u64))
                    .unwrap_or(0);
                held.max(stored.unwrap_or(cached))
            }
        };
        sequences.insert(id, last + 1);
        Ok(last + 1)
    }

    /// Writes a message as the session's next one: straight to the embedded store, or held
    /// in the outbox and drained to the remote store. Returns how many messages still wait
    /// for the store.
    async fn persist(&self, id: SessionId, message: &Message) -> Result<u32, CoreError> {
        let seq = self.next_seq(id).await?;
        let pending = match &self.outbox {
            None => {
                self.store.append_message_at(id, seq, message).await?;
                0
            }
            Some(outbox) => {
                outbox.hold(id, seq, message).await?;
                self.flush(outbox.as_ref(), id).await?
            }
        };
        if let Ok(mut all) = self.conversations.lock() {
            all.entry(id).or_default().push(message.clone());
        }
        Ok(pending)
    }

    /// Writes a session's held messages to the store, in order, releasing each once stored.
    /// A message the store refuses for good sets the session's messages aside (quarantine),
    /// so other sessions keep draining.
    async fn flush(&self, outbox: &dyn Outbox, id: SessionId) -> Result<u32, CoreError> {
        let held = outbox.held(id).await?;
        if self.degraded() {
            return Ok(u32::try_from(held.len()).unwrap_or(u32::MAX));
        }
        for (done, (seq, message)) in held.iter().enumerate() {
            match self.store.append_message_at(id, *seq, message).await {
                Ok(_) => outbox.release(id, *seq).await?,
                Err(StoreError::Unavailable(reason)) => {
                    tracing::warn!(session_id = %id, %reason, operation = "append_message", "database unreachable; messages stay in the outbox");
                    self.set_degraded(true);
                    return Ok(u32::try_from(held.len() - done).unwrap_or(u32::MAX));
                }
                Err(refused) => {
                    tracing::warn!(session_id = %id, error = %refused, operation = "append_message", "the database refused a held message; the session's held messages are set aside");
                    outbox.quarantine(id, &refused.to_string()).await?;
                    return Ok(0);
                }
            }
        }
        self.set_degraded(false);
        Ok(0)
    }

    /// The session, from the store or (while it is unreachable) from memory.
    async fn session(&self, id: SessionId) -> Result<Session, CoreError> {
        let cached = self
            .known
            .lock()
            .ok()
            .and_then(|known| known.get(&id).cloned());
        if self.degraded() {
            if let Some(session) = cached {
                return Ok(session);
            }
        }
        match self.sessions.get(id).await {
            Ok(session) => {
                if let Ok(mut known) = self.known.lock() {
                    known.insert(id, session.clone());
                }
                Ok(session)
            }
            Err(CoreError::Store(StoreError::Unavailable(_))) if cached.is_some() => {
                self.set_degraded(true);
                cached.ok_or(CoreError::SessionNotFound(id))
            }
            Err(error) => Err(error),
        }
    }

    /// The conversation: the store's, plus messages still held for it; while the store is
    /// away, the conversation as this process last knew it.
    async fn history(&self, id: SessionId) -> Result<Vec<Message>, CoreError> {
        let cached = || {
            self.conversations
                .lock()
                .ok()
                .and_then(|all| all.get(&id).cloned())
        };
        if self.degraded() {
            if let Some(conversation) = cached() {
                return Ok(conversation);
            }
        }
        let mut conversation = match self.store.conversation(id).await {
            Ok(stored) => stored,
            Err(StoreError::Unavailable(_)) if self.outbox.is_some() => {
                self.set_degraded(true);
                return match cached() {
                    Some(conversation) => Ok(conversation),
                    None => Ok(self.held_messages(id).await?),
                };
            }
            Err(error) => return Err(error.into()),
        };
        conversation.extend(self.held_messages(id).await?);
        if let Ok(mut all) = self.conversations.lock() {
            all.insert(id, conversation.clone());
        }
        Ok(conversation)
    }

    async fn held_messages(&self, id: SessionId) -> Result<Vec<Message>, CoreError> {
        Ok(match &self.outbox {
            Some(outbox) => outbox.held(id).await?.into_iter().map(|(_, m)| m).collect(),
            None => Vec::new(),
        })
    }

    /// Forgets a deleted session: its held messages and what this process remembers of it.
    pub async fn forget(&self, id: SessionId) -> Result<(), CoreError> {
        if let Some(outbox) = &self.outbox {
            outbox.forget(id).await?;
        }
        if let Ok(mut all) = self.conversations.lock() {
            all.remove(&id);
        }
        if let Ok(mut known) = self.known.lock() {
            known.remove(&id);
        }
        self.sequences.lock().await.remove(&id);
        Ok(())
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
            whiteboard: None,
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
            whiteboard,
            whiteboard_png,
        } = input;
        if let Some(board) = whiteboard {
            board.validate()?;
        }
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
        let ctx = InterviewContext {
            session: &session,
            history: &history,
            elapsed,
            on_token,
            whiteboard,
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

    /// Asks the interviewer, or the fallback when the budget is spent or the interviewer fails.
    async fn ask(
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

    async fn record_usage(
        &self,
        id: SessionId,
        usage: Vec<Usage>,
    ) -> Result<Vec<mockint_domain::TokenUsageRecord>, CoreError> {
        crate::accounting::record_usage(&*self.store, id, self.clock.now(), usage).await
    }

    async fn store_reply(
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
