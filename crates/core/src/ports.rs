//! The traits adapters implement. Use cases depend on these, never on concrete adapters.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mockint_domain::{
    EvaluationReport, LogEntry, MediaFile, MediaType, Message, Page, ResumeData, Session,
    SessionId, SessionStatus, SessionSummary, TokenOperation, TokenUsage, TokenUsageRecord,
};

use crate::{InterviewerError, MediaError, OutboxError, StoreError};

/// Persistence of everything the app records (the seed's `IDataStore` and more).
///
/// Implementations: SQLite (embedded default) and PostgreSQL. Both pass the same contract tests.
#[async_trait]
pub trait Store: Send + Sync {
    /// Short name of the backend, e.g. "sqlite" or "postgres".
    fn backend(&self) -> &'static str;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The connection pool now: open, idle and maximum connections.
    fn pool_status(&self) -> mockint_domain::diagnostics::PoolStatus;

    /// Inserts or replaces the resume of `resume.user_id`.
    async fn save_resume(&self, resume: &ResumeData) -> Result<(), StoreError>;
    /// The resume of a user, if stored.
    async fn get_resume(&self, user_id: &str) -> Result<Option<ResumeData>, StoreError>;
    /// Deletes a user's resume and, by cascade, all their sessions. True if one existed.
    async fn delete_resume(&self, user_id: &str) -> Result<bool, StoreError>;

    /// Inserts a new session in one transaction with its resume (the attached one, or an
    /// anonymous profile when the user has none yet).
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// A session by id, with its attached resume.
    async fn get_session(&self, id: SessionId) -> Result<Option<Session>, StoreError>;
    /// Sessions newest first.
    async fn list_sessions(&self, page: Page) -> Result<Vec<SessionSummary>, StoreError>;
    /// Number of sessions stored.
    async fn count_sessions(&self) -> Result<u64, StoreError>;
    /// The newest session that is active or paused.
    async fn latest_open_session(&self) -> Result<Option<Session>, StoreError>;
    /// Changes a session's status. False if no such session exists.
    async fn set_session_status(
        &self,
        id: SessionId,
        status: SessionStatus,
    ) -> Result<bool, StoreError>;
    /// Marks a session completed and stores its evaluation, in one transaction.
    async fn complete_session(
        &self,
        id: SessionId,
        ended_at: DateTime<Utc>,
        report: &EvaluationReport,
    ) -> Result<(), StoreError>;
    /// Deletes a session and, by cascade, its messages, evaluation, media rows and token usage.
    async fn delete_session(&self, id: SessionId) -> Result<bool, StoreError>;

    /// Appends a message to a session's conversation as its next message; returns its row id.
    async fn append_message(&self, id: SessionId, message: &Message) -> Result<i64, StoreError>;
    /// Stores a message as number `seq` of the session unless that number is already stored
    /// (then nothing changes): writing the same message twice stores it once. True if it
    /// was inserted.
    async fn append_message_at(
        &self,
        id: SessionId,
        seq: u64,
        message: &Message,
    ) -> Result<bool, StoreError>;
    /// The highest message number of a session (0 when it has none).
    async fn last_seq(&self, id: SessionId) -> Result<u64, StoreError>;
    /// A session's messages in the order they were appended.
    async fn conversation(&self, id: SessionId) -> Result<Vec<Message>, StoreError>;

    /// Inserts or replaces a session's evaluation.
    async fn save_evaluation(&self, report: &EvaluationReport) -> Result<(), StoreError>;
    /// A session's evaluation, if any.
    async fn get_evaluation(&self, id: SessionId) -> Result<Option<EvaluationReport>, StoreError>;

    /// Records a media file of a session; returns its row id.
    async fn save_media_reference(
        &self,
        id: SessionId,
        media: &MediaFile,
    ) -> Result<i64, StoreError>;
    /// A session's media files, oldest first.
    async fn media_files(&self, id: SessionId) -> Result<Vec<MediaFile>, StoreError>;
    /// Removes one media row by its path. True if it existed.
    async fn delete_media_reference(
        &self,
        id: SessionId,
        file_path: &str,
    ) -> Result<bool, StoreError>;

    /// Records one AI call's token usage; returns its row id.
    async fn record_token_usage(&self, record: &TokenUsageRecord) -> Result<i64, StoreError>;
    /// A session's token usage rows, oldest first.
    async fn token_usage(&self, id: SessionId) -> Result<Vec<TokenUsageRecord>, StoreError>;

    /// Appends an audit log entry; returns its row id.
    async fn append_audit_log(&self, entry: &LogEntry) -> Result<i64, StoreError>;
    /// Audit log entries, newest first.
    async fn audit_logs(&self, page: Page) -> Result<Vec<LogEntry>, StoreError>;

    /// Figures across every session for the diagnostics page: sessions per status, recent
    /// session length, token use per operation, media per type, and audit-log entries per
    /// component since `problems_since`.
    async fn statistics(
        &self,
        problems_since: chrono::DateTime<chrono::Utc>,
    ) -> Result<mockint_domain::diagnostics::StoreStatistics, StoreError>;
}

/// A removal of a session's files that has been prepared but can still be undone.
#[derive(Debug)]
pub struct StagedRemoval {
    /// Where the session's directory was moved to (None if it had no files).
    pub staged_path: Option<PathBuf>,
    /// Where it came from.
    pub original_path: PathBuf,
}

/// Media files on disk, under `sessions/{id}/{audio,video,whiteboard,screen}/`.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Writes `bytes` atomically as the next file of `kind` and describes it.
    async fn save(
        &self,
        session: SessionId,
        kind: MediaType,
        bytes: &[u8],
        timestamp: DateTime<Utc>,
    ) -> Result<MediaFile, MediaError>;
    /// A fresh hidden path in the session's `kind` folder where a long recording (video) can
    /// be written by another program before [`MediaStore::adopt`] stores it.
    fn recording_path(
        &self,
        session: SessionId,
        kind: MediaType,
        extension: &str,
    ) -> Result<PathBuf, MediaError>;
    /// Stores a finished recording written at a [`MediaStore::recording_path`] as the next
    /// file of `kind` (the same limits as [`MediaStore::save`] apply) and describes it.
    async fn adopt(
        &self,
        session: SessionId,
        kind: MediaType,
        recording: &std::path::Path,
        timestamp: DateTime<Utc>,
    ) -> Result<MediaFile, MediaError>;
    /// Deletes one stored file (used to undo a save whose row could not be written).
    async fn discard(&self, media: &MediaFile) -> Result<(), MediaError>;
    /// Reads a stored file's bytes.
    async fn read(&self, media: &MediaFile) -> Result<Vec<u8>, MediaError>;
    /// Atomically replaces a session's working document (e.g. `whiteboard.json`), which is
    /// state rather than a media file and has no `media_files` row.
    async fn write_document(
        &self,
        session: SessionId,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), MediaError>;
    /// Reads a session's working document, if it exists.
    async fn read_document(
        &self,
        session: SessionId,
        name: &str,
    ) -> Result<Option<Vec<u8>>, MediaError>;
    /// Appends to a session's append-only document (the whiteboard's operation log) and
    /// syncs it to disk before returning, so what was appended survives a crash. A document
    /// may not grow past `limit` bytes.
    async fn append_document(
        &self,
        session: SessionId,
        name: &str,
        bytes: &[u8],
        limit: u64,
    ) -> Result<(), MediaError>;
    /// Reads at most the first `limit` bytes of a session's document, and its whole size.
    async fn read_document_head(
        &self,
        session: SessionId,
        name: &str,
        limit: u64,
    ) -> Result<Option<(Vec<u8>, u64)>, MediaError>;
    /// Moves a session's directory aside so that it can be deleted or put back.
    async fn stage_removal(&self, session: SessionId) -> Result<StagedRemoval, MediaError>;
    /// Deletes what [`MediaStore::stage_removal`] moved aside.
    async fn finish_removal(&self, staged: StagedRemoval) -> Result<(), MediaError>;
    /// Puts back what [`MediaStore::stage_removal`] moved aside.
    async fn undo_removal(&self, staged: StagedRemoval) -> Result<(), MediaError>;
    /// The absolute path of a stored file.
    fn absolute_path(&self, media: &MediaFile) -> PathBuf;
}

/// Tokens one AI call used, and why it was made.
pub type Usage = (TokenOperation, TokenUsage);

/// Receives an answer's text piece by piece as a provider streams it.
pub type TokenSink<'a> = &'a (dyn Fn(&str) + Send + Sync);

/// What the interviewer knows when it speaks.
#[derive(Clone, Copy)]
pub struct InterviewContext<'a> {
    /// The session, with its problem and resume.
    pub session: &'a Session,
    /// Everything said so far, oldest first.
    pub history: &'a [Message],
    /// Time since the interview started.
    pub elapsed: Duration,
    /// Where streamed text goes as it arrives (the whole reply is returned as well).
    pub on_token: Option<TokenSink<'a>>,
    /// The whiteboard as structured shapes, when the candidate is drawing.
    pub whiteboard: Option<&'a mockint_domain::Whiteboard>,
    /// The whiteboard as it was when the interviewer last spoke, to tell what is new.
    pub whiteboard_before: Option<&'a mockint_domain::Whiteboard>,
    /// A PNG snapshot of the whiteboard, for vision-capable models.
    pub whiteboard_png: Option<&'a [u8]>,
}

impl std::fmt::Debug for InterviewContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterviewContext")
            .field("session", &self.session.id)
            .field("messages", &self.history.len())
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

/// One interviewer turn.
#[derive(Debug, Clone, PartialEq)]
pub struct InterviewerReply {
    /// What the interviewer says.
    pub content: String,
    /// Facts kept with the message (phase, hidden notes, …).
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Tokens used by the AI calls behind the reply (empty for the offline interviewer).
    pub usage: Vec<Usage>,
}

/// The party that asks the questions: an LLM provider or the offline rubric interviewer.
#[async_trait]
pub trait Interviewer: Send + Sync {
    /// The first message: greeting and problem statement.
    async fn opening(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError>;
    /// The reply to the candidate's latest turn (the last message of `ctx.history`).
    async fn respond(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError>;
}

/// An evaluation with the AI usage behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The report.
    pub report: EvaluationReport,
    /// Tokens used to write it (empty when written offline).
    pub usage: Vec<Usage>,
}

/// Turns a finished conversation into a report.
#[async_trait]
pub trait Evaluator: Send + Sync {
    /// Scores the session from its transcript and media.
    async fn evaluate(
        &self,
        session: &Session,
        history: &[Message],
        media: &[MediaFile],
    ) -> Evaluation;
}

/// The source of the current time (tests use a fixed or stepping clock).
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Messages that could not reach a remote store yet (PostgreSQL away), held on the local
/// disk in order until they are stored. With the embedded SQLite store there is none: a
/// committed row is the record.
///
/// A message is held under its sequence number within its session; the store inserts it with
/// `ON CONFLICT (session, seq) DO NOTHING`, so holding, storing and releasing in that order
/// is idempotent: a crash between storing and releasing stores nothing twice.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Holds a message durably (on disk before returning).
    async fn hold(
        &self,
        session: SessionId,
        seq: u64,
        message: &Message,
    ) -> Result<(), OutboxError>;
    /// The messages held for a session, in order.
    async fn held(&self, session: SessionId) -> Result<Vec<(u64, Message)>, OutboxError>;
    /// Forgets a message once the store has it.
    async fn release(&self, session: SessionId, seq: u64) -> Result<(), OutboxError>;
    /// Sessions with held messages, oldest first.
    async fn sessions(&self) -> Result<Vec<SessionId>, OutboxError>;
    /// Sets a session's held messages aside after the store refused one for good, so the
    /// other sessions keep draining.
    async fn quarantine(&self, session: SessionId, reason: &str) -> Result<(), OutboxError>;
    /// The highest sequence number held (or quarantined) for a session (0: none).
    async fn last_seq(&self, session: SessionId) -> Result<u64, OutboxError>;
    /// Removes everything held or quarantined for a session (it was deleted).
    async fn forget(&self, session: SessionId) -> Result<(), OutboxError>;
}
