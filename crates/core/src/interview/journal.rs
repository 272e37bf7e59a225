//! Where an interview's messages go: sequence numbers, the outbox that holds them for a
//! remote store, and the degraded mode that carries on from memory while the store is away.

use std::time::Instant;

use mockint_domain::{Message, Session, SessionId};

use super::{InterviewService, DEGRADED_PAUSE};
use crate::ports::Outbox;
use crate::{CoreError, StoreError};

impl InterviewService {
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
    pub(super) async fn persist(&self, id: SessionId, message: &Message) -> Result<u32, CoreError> {
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
    pub(super) async fn session(&self, id: SessionId) -> Result<Session, CoreError> {
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
    pub(super) async fn history(&self, id: SessionId) -> Result<Vec<Message>, CoreError> {
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
}
