//! The desktop app's IPC contract, in one place: every command (its wire name, argument and
//! answer types) and every event (its name and payload) is declared once, below. The UI calls
//! `call::<SendMessage>(args)`, the shell dispatches from the same list
//! ([`with_commands!`](crate::with_commands)), its `build.rs` grants exactly these commands,
//! and a test checks `capabilities/default.json` against [`COMMANDS`].
//!
//! Every command takes one argument object under the key `args` and fails with an
//! [`IpcError`].

mod types;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use types::*;

/// A command the UI can call.
pub trait Command {
    /// Its wire name.
    const NAME: &'static str;
    /// What it takes.
    type Args: Serialize + DeserializeOwned + Send + 'static;
    /// What it answers.
    type Output: Serialize + DeserializeOwned + Send + 'static;
}

/// An event the backend sends to every window.
pub trait Event {
    /// Its wire name.
    const NAME: &'static str;
    /// What it carries.
    type Payload: Serialize + DeserializeOwned + Clone + Send + 'static;
}

/// The arguments of a command that takes none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoArgs {}

/// A channel the UI opened for a long stream (interviewer tokens, download progress), sent
/// to the one window that asked: the `__CHANNEL__:<id>` reference of
/// `window.__TAURI__.core.Channel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelRef(pub String);

/// What kind of failure a command met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpcErrorKind {
    /// The input was not acceptable (shown as is; fix and retry).
    Invalid,
    /// What was asked for does not exist.
    NotFound,
    /// Not possible in the current state (an ended session, a recording already running).
    Conflict,
    /// A database, device, model or provider could not be used now.
    Unavailable,
    /// The user cancelled.
    Cancelled,
    /// A failure of the app itself.
    Internal,
}

/// A command's failure: its kind and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpcError {
    /// What kind of failure.
    pub kind: IpcErrorKind,
    /// What happened, safe to show.
    pub message: String,
}

impl IpcError {
    /// A failure of `kind`.
    pub fn new(kind: IpcErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

/// How a capability file disagrees with [`COMMANDS`] (every command needs its
/// `allow-<name>` permission and no permission may name a command that does not exist), or
/// None when it agrees. Used by the shell's `build.rs` and by a test.
pub fn capability_mismatch(capability_json: &str) -> Option<String> {
    let expected: std::collections::BTreeSet<String> = COMMANDS
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    let granted: std::collections::BTreeSet<String> = capability_json
        .split('"')
        .filter(|piece| piece.starts_with("allow-"))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = expected.difference(&granted).collect();
    let unknown: Vec<_> = granted.difference(&expected).collect();
    (!missing.is_empty() || !unknown.is_empty())
        .then(|| format!("missing {missing:?}, unknown {unknown:?}"))
}

/// Declares the commands: a type per command implementing [`Command`], the list of names,
/// and [`with_commands!`](crate::with_commands) for the shell's dispatcher.
macro_rules! commands {
    ($($(#[$meta:meta])* $ty:ident = $name:literal : $args:ty => $output:ty;)*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy)]
            pub enum $ty {}
            impl Command for $ty {
                const NAME: &'static str = $name;
                type Args = $args;
                type Output = $output;
            }
        )*
        /// Every command's wire name.
        pub const COMMANDS: &[&str] = &[$($name),*];

        /// Calls `$callback!(Command, Command, …)` with every command type, so the shell's
        /// dispatcher is generated from this one list.
        #[macro_export]
        macro_rules! with_commands {
            ($callback:ident) => {
                $callback! { $($crate::ipc::$ty),* }
            };
        }
    };
}

/// Declares the events: a type per event implementing [`Event`] and the list of names.
macro_rules! events {
    ($($(#[$meta:meta])* $ty:ident = $name:literal : $payload:ty;)*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy)]
            pub enum $ty {}
            impl Event for $ty {
                const NAME: &'static str = $name;
                type Payload = $payload;
            }
        )*
        /// Every event's wire name.
        pub const EVENTS: &[&str] = &[$($name),*];
    };
}

commands! {
    /// Version, database and data directory, or the start-up error.
    GetAppInfo = "app_info": NoArgs => AppInfo;
    /// Health, metrics, store figures, disk use and alerts.
    GetDiagnostics = "diagnostics": NoArgs => crate::diagnostics::Diagnostics;
    /// Providers, the saved resume and the problems for the setup page.
    GetSetupInfo = "setup_info": NoArgs => SetupInfo;
    /// Connects to an OpenAI-compatible server (asking the user to confirm a new one).
    ConnectCompatible = "connect_compatible": CompatibleRequest => CompatibleServerView;
    /// The newest unfinished session, to offer resuming it.
    GetActiveSession = "active_session": NoArgs => Option<crate::Session>;
    /// Opens the resume file dialog and reads the file (None if cancelled).
    PickResume = "pick_resume": NoArgs => Option<crate::ResumeData>;
    /// Stores the edited resume.
    SaveResume = "save_resume": crate::ResumeData => crate::ResumeData;
    /// Starts an interview.
    StartInterview = "start_interview": StartRequest => SessionView;
    /// Sends a typed answer; the reply streams to the request's channel.
    SendMessage = "send_message": SendRequest => TurnView;
    /// Pauses a session.
    PauseSession = "pause_session": SessionRequest => crate::Session;
    /// Resumes a paused session.
    ResumeSession = "resume_session": SessionRequest => crate::Session;
    /// Ends a session and returns its report.
    EndSession = "end_session": SessionRequest => crate::EvaluationReport;
    /// Everything stored about a session.
    GetSessionDetail = "session_detail": SessionRequest => SessionDetail;
    /// One page of sessions, newest first.
    ListSessions = "list_sessions": ListSessionsRequest => SessionPage;
    /// Scores of recent evaluated sessions.
    GetProgress = "progress": NoArgs => Vec<ProgressPoint>;
    /// Deletes a session for good.
    DeleteSession = "delete_session": SessionRequest => ();
    /// Appends the candidate's whiteboard changes to the session's log (the last stored seq).
    AppendBoardOps = "append_board_ops": AppendOpsRequest => u64;
    /// Stores a PNG snapshot of the whiteboard.
    SaveSnapshot = "save_snapshot": SnapshotRequest => crate::MediaFile;
    /// The whiteboard snapshots of a session as data URLs.
    GetSnapshotImages = "snapshot_images": SessionRequest => Vec<String>;
    /// Exports the transcript through the save dialog (the path, or None if cancelled).
    ExportTranscript = "export_transcript": TranscriptExport => Option<String>;
    /// Exports the whiteboard as PNG or SVG through the save dialog.
    ExportBoard = "export_board": BoardExport => Option<String>;
    /// The replay's timeline: turns, recordings (as data URLs) and markers.
    GetReplay = "replay_timeline": SessionRequest => crate::ReplayTimeline;
    /// Exports the whole session as a self-contained HTML replay through the save dialog.
    ExportReplay = "export_replay": SessionRequest => Option<String>;
    /// Exports the report through the save dialog.
    ExportReport = "export_report": ReportExport => Option<String>;
    /// Makes the speech model ready (downloading it on first use), reporting progress.
    PrepareSpeech = "prepare_speech": PrepareSpeechRequest => SpeechModelView;
    /// Cancels a speech-model download in progress (it resumes next time).
    CancelSpeechDownload = "cancel_speech_download": NoArgs => ();
    /// Turns the microphone on for a session.
    StartVoice = "start_voice": VoiceRequest => ();
    /// The microphones the system offers.
    ListAudioDevices = "audio_devices": NoArgs => Vec<String>;
    /// Turns the microphone off.
    StopVoice = "stop_voice": NoArgs => ();
    /// Starts sharing the screen.
    StartScreenShare = "start_screen_share": SessionRequest => ();
    /// Stops sharing the screen.
    StopScreenShare = "stop_screen_share": NoArgs => ();
    /// Starts recording video.
    StartVideo = "start_video": VideoRequest => ();
    /// Stops recording video and stores it.
    StopVideo = "stop_video": NoArgs => ();
    /// Whether replies can be read aloud here.
    GetSpeechStatus = "speech_status": NoArgs => SpeechStatus;
    /// Reads text aloud.
    Speak = "speak": SpeakRequest => ();
    /// Stops reading aloud.
    StopSpeaking = "stop_speaking": NoArgs => ();
}

events! {
    /// Something the candidate should know (budget, fallbacks, alerts, voice problems).
    NoticeEvent = "notice": Notice;
    /// The text of a spoken answer so far.
    TranscriptDraftEvent = "transcript-draft": TranscriptDraft;
    /// A spoken answer became a turn, with the interviewer's reply.
    VoiceTurnEvent = "voice-turn": TurnView;
    /// Whether the microphone is waiting through a thinking pause.
    ListeningEvent = "listening": ListeningStatus;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capability_file_grants_exactly_the_commands() {
        let file = include_str!("../../../../src-tauri/capabilities/default.json");
        assert_eq!(capability_mismatch(file), None);
    }

    #[test]
    fn a_capability_file_that_disagrees_is_named() {
        let file = include_str!("../../../../src-tauri/capabilities/default.json")
            .replace("\"allow-speak\",", "\"allow-format-disk\",");
        let mismatch = capability_mismatch(&file).unwrap_or_default();
        assert!(mismatch.contains("allow-speak") && mismatch.contains("allow-format-disk"));
    }

    #[test]
    fn command_names_are_unique() {
        let names: std::collections::BTreeSet<_> = COMMANDS.iter().collect();
        assert_eq!(names.len(), COMMANDS.len());
    }
}
