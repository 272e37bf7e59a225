//! One function per command; each delegates to the app's services. `run` only dispatches;
//! the commands live in the submodules by what they work on.

mod data;
mod diagnostics;
mod interview;
mod media;
mod resume;
mod sessions;

use mockint_app::{App, Settings, StartOptions};
use mockint_domain::SessionId;

use crate::args::{
    CaptureWhat, Cli, Command, DbAction, ModelAction, RecordWhat, ResumeAction, SessionsAction,
};
use crate::Failure;

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let secret_url = cli.database_url.clone().unwrap_or_default();
    let options = StartOptions {
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        config_file: cli.config,
        ..StartOptions::default()
    };
    let settings = Settings::resolve(&options)?;
    let console = if cli.verbose {
        mockint_app::logging::Console::On
    } else {
        mockint_app::logging::Console::Quiet
    };
    let _logs = mockint_app::logging::init(&settings, console, &[&secret_url])?;
    match cli.command {
        Command::Db {
            action: DbAction::Migrate,
        } => data::migrate(&settings, &options).await,
        Command::Resume {
            action: ResumeAction::Parse { file, json },
        } => resume::parse_resume(&options, &file, json).await,
        Command::Interview(args) => interview::interview(&options, args).await,
        Command::Sessions {
            action: Some(SessionsAction::Delete { session_id }),
            ..
        } => sessions::delete_session(&options, &session_id).await,
        Command::Sessions {
            action: None,
            limit,
            offset,
            json,
        } => sessions::sessions(&options, limit, offset, json).await,
        Command::Report { session_id, format } => {
            sessions::report(&options, &session_id, format).await
        }
        Command::Usage { session_id, json } => sessions::usage(&options, &session_id, json).await,
        Command::Doctor { json } => diagnostics::doctor(&options, json).await,
        Command::Stats { json } => diagnostics::stats(&options, json).await,
        Command::Model {
            action: ModelAction::Provision { name, cache },
        } => media::provision_model(&settings, name, cache).await,
        Command::Model {
            action:
                ModelAction::Convert {
                    source,
                    output,
                    weights,
                },
        } => media::convert_model(source, output, weights).await,
        Command::Transcribe { wav, json } => media::transcribe(&settings, &wav, json).await,
        Command::Listen {
            input,
            json,
            realtime,
        } => media::listen(&settings, &input, json, realtime).await,
        Command::Capture {
            what: CaptureWhat::Screen { out },
        } => media::capture_screen(out).await,
        Command::Record {
            what: RecordWhat::Audio { seconds, out },
        } => media::record_audio(seconds, out).await,
        Command::Record {
            what:
                RecordWhat::Video {
                    seconds,
                    out,
                    input,
                },
        } => media::record_video(seconds, out, input).await,
        Command::Cleanup { days } => data::cleanup(&settings, &options, days).await,
        Command::Backup { dir } => data::backup(&settings, &dir).await,
        Command::Restore { dir } => data::restore(&settings, &dir).await,
        Command::Transcript {
            session_id,
            format,
            out,
        } => sessions::transcript(&options, &session_id, format, out.as_deref()).await,
    }
}

/// Runs blocking work (model conversion, whisper, capture) off the async runtime; its error
/// is the user's to fix (exit 2), a crashed task is ours (exit 1).
pub(crate) async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, Failure>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Failure {
            message: e.to_string(),
            user_error: false,
        })?
        .map_err(|e| Failure::user(e.to_string()))
}

/// Takes the data-directory lock for a command that changes data (held until it returns),
/// refusing with one line while the desktop app or another such command holds it. Commands
/// that only read (sessions, report, transcript, usage, stats, backup) do not take it.
fn lock(
    settings: &Settings,
    command: &str,
    action: &'static str,
) -> Result<mockint_app::lock::DataDirLock, Failure> {
    mockint_app::lock::DataDirLock::acquire(&settings.data_dir, &format!("mockint {command}"))
        .map_err(|error| error.before(action).into())
}

/// Opens the app and sends warnings and errors to the audit log.
async fn open(options: &StartOptions) -> Result<App, Failure> {
    let app = App::start(options).await?;
    mockint_app::logging::attach_audit_store(std::sync::Arc::clone(&app.store));
    Ok(app)
}

fn session_id(text: &str) -> Result<SessionId, Failure> {
    SessionId::parse(text).map_err(|error| Failure::user(error.to_string()))
}
