//! One function per command; each delegates to the app's services.

use std::io::{BufRead as _, Write as _};
use std::path::Path;

use mockint_app::{App, InterviewRequest, Settings, StartOptions};
use mockint_core::export::{self, ReportFormat, TranscriptFormat};
use mockint_domain::{Message, Page, Role, SessionId};

use crate::args::{
    CaptureWhat, Cli, Command, DbAction, InterviewArgs, ModelAction, RecordWhat, ReportFormatArg,
    ResumeAction, SessionsAction, TranscriptFormatArg, VideoSource, WeightKind,
};
use crate::output::{self, out, outln};
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
        } => {
            let _lock = lock(&settings, "db migrate", "migrating the database")?;
            migrate(&options).await
        }
        Command::Resume {
            action: ResumeAction::Parse { file, json },
        } => parse_resume(&options, &file, json).await,
        Command::Interview(args) => interview(&options, args).await,
        Command::Sessions {
            action: Some(SessionsAction::Delete { session_id }),
            ..
        } => delete_session(&options, &session_id).await,
        Command::Sessions {
            action: None,
            limit,
            offset,
            json,
        } => sessions(&options, limit, offset, json).await,
        Command::Report { session_id, format } => report(&options, &session_id, format).await,
        Command::Usage { session_id, json } => usage(&options, &session_id, json).await,
        Command::Doctor { json } => doctor(&options, json).await,
        Command::Stats { json } => stats(&options, json).await,
        Command::Model {
            action: ModelAction::Provision { name, cache },
        } => {
            let name = name.unwrap_or_else(|| settings.config.communication.whisper_model.clone());
            mockint_app::prepare_data_dir(&settings.data_dir)?;
            crate::provision::run(name, settings.data_dir.clone(), cache).await
        }
        Command::Model {
            action:
                ModelAction::Convert {
                    source,
                    output,
                    weights,
                },
        } => {
            let weights = match weights {
                WeightKind::F16 => mockint_media::ggml::WeightType::F16,
                WeightKind::Q8_0 => mockint_media::ggml::WeightType::Q8_0,
            };
            let tensors =
                blocking(move || mockint_media::model::convert_dir_with(&source, &output, weights))
                    .await?;
            outln!("Converted {tensors} tensors.");
            Ok(())
        }
        Command::Transcribe { wav, json } => transcribe(&settings, &wav, json).await,
        Command::Capture {
            what: CaptureWhat::Screen { out },
        } => {
            let target = out.clone();
            let (width, height) = blocking(move || mockint_media::screen::capture(&target)).await?;
            outln!("Captured {width}×{height} to {}.", out.display());
            Ok(())
        }
        Command::Record {
            what: RecordWhat::Audio { seconds, out },
        } => {
            if !(0.1..=7200.0).contains(&seconds) {
                return Err(Failure::user("--seconds must be between 0.1 and 7200"));
            }
            let target = out.clone();
            blocking(move || {
                let samples = mockint_media::audio::record(seconds, None)?;
                mockint_media::audio::write_wav(&samples, &target)
            })
            .await?;
            outln!("Recorded {seconds} s to {}.", out.display());
            Ok(())
        }
        Command::Record {
            what:
                RecordWhat::Video {
                    seconds,
                    out,
                    input,
                },
        } => {
            let source = match input {
                VideoSource::Camera => mockint_media::video::VideoInput::Camera,
                VideoSource::Screen => mockint_media::video::VideoInput::Screen,
                VideoSource::Test => mockint_media::video::VideoInput::Test,
            };
            let target = out.clone();
            blocking(move || mockint_media::video::record(source, seconds, &target)).await?;
            outln!("Recorded {seconds} s to {}.", out.display());
            Ok(())
        }
        Command::Cleanup { days } => {
            let _lock = lock(&settings, "cleanup", "cleaning up")?;
            let app = open(&options).await?;
            let days = days.unwrap_or(app.settings.config.storage.cleanup_old_sessions_days);
            let removed = mockint_app::backup::cleanup(&app, days).await?;
            outln!(
                "Removed {} session(s) older than {days} day(s).",
                removed.len()
            );
            Ok(())
        }
        Command::Backup { dir } => {
            let manifest = mockint_app::backup::backup(&settings, &dir).await?;
            outln!(
                "Backed up the {} database and {} media file(s) ({} bytes) to {}.",
                manifest.backend,
                manifest.media_files,
                manifest.media_bytes,
                dir.display()
            );
            Ok(())
        }
        Command::Restore { dir } => {
            let manifest = mockint_app::backup::restore(&settings, &dir).await?;
            outln!(
                "Restored the {} backup of {} from {}.",
                manifest.backend,
                manifest.created_at.format("%Y-%m-%d %H:%M"),
                dir.display()
            );
            Ok(())
        }
        Command::Transcript {
            session_id,
            format,
            out,
        } => transcript(&options, &session_id, format, out.as_deref()).await,
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

async fn migrate(options: &StartOptions) -> Result<(), Failure> {
    let app = open(options).await?;
    let target = &app.settings.database;
    outln!(
        "Database {} is up to date ({} migration(s) applied).",
        target.display_url(),
        mockint_storage::migration_count(target)
    );
    Ok(())
}

async fn parse_resume(options: &StartOptions, file: &Path, json: bool) -> Result<(), Failure> {
    let settings = Settings::resolve(options)?;
    let provider = settings.config.ai.default_provider.clone();
    let providers = settings.providers();
    let (resume, _usage) =
        mockint_app::read_resume_with(&settings, &providers, file, &provider).await?;
    if json {
        outln!("{}", output::json(&resume));
    } else {
        outln!("Name:       {}", or_dash(&resume.name));
        outln!("Email:      {}", or_dash(&resume.email));
        outln!(
            "Level:      {} ({} years)",
            resume.experience_level,
            resume.years_of_experience
        );
        outln!(
            "Domains:    {}",
            or_dash(&resume.domain_expertise.join(", "))
        );
        outln!("Skills:     {}", or_dash(&resume.skills.join(", ")));
        for job in &resume.work_experience {
            outln!(
                "Experience: {} — {} ({})",
                job.title,
                or_dash(&job.company),
                job.duration
            );
        }
    }
    Ok(())
}

fn or_dash(text: &str) -> &str {
    if text.is_empty() {
        "-"
    } else {
        text
    }
}

async fn interview(options: &StartOptions, args: InterviewArgs) -> Result<(), Failure> {
    // Read every input before touching the database, so bad input changes nothing.
    let script = match &args.script {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|error| {
                Failure::user(format!("cannot read script {}: {error}", path.display()))
            })?;
            let turns = mockint_core::script::parse_script(&bytes)
                .map_err(|error| Failure::user(format!("script {}: {error}", path.display())))?;
            Some(turns)
        }
        None => None,
    };
    let whiteboard = match &args.whiteboard {
        Some(path) => Some(read_whiteboard(path)?),
        None => None,
    };
    let settings = Settings::resolve(options)?;
    // Before a model reads the resume (which costs), so a refusal spends nothing.
    let _lock = lock(&settings, "interview", "starting an interview")?;
    let provider = args
        .provider
        .map(|p| p.name().to_string())
        .unwrap_or_else(|| settings.config.ai.default_provider.clone());
    let (resume, prior_usage) = match &args.resume {
        Some(path) => {
            let (resume, usage) =
                mockint_app::read_resume_with(&settings, &settings.providers(), path, &provider)
                    .await?;
            (Some(resume), usage)
        }
        None => (None, Vec::new()),
    };
    let app = open(options).await?;
    let request = InterviewRequest {
        resume,
        problem: args.problem,
        provider: Some(provider),
        model: args.model,
        modes: Vec::new(),
        duration_minutes: None,
        prior_usage,
    };
    let (session, opening, notices) = app.start_interview(request).await?;
    if let Some(board) = &whiteboard {
        // The board the candidate brought is the session's board, as if drawn in the app.
        app.whiteboards.save_board(session.id, board).await?;
    }
    let mut shown = Notices::default();
    shown.show(&notices);
    let chatty = !args.json;
    if chatty {
        print_message(&opening);
    }
    match script {
        Some(turns) => {
            for turn in turns {
                let outcome = app
                    .take_turn(session.id, &turn, mockint_domain::TurnSource::Script, None)
                    .await?;
                shown.show(&outcome.notices);
                if chatty {
                    print_message(&outcome.candidate);
                    print_message(&outcome.interviewer);
                }
            }
        }
        None => interactive(&app, session.id, chatty, &mut shown).await?,
    }
    let report = app.sessions.end(session.id).await?;
    if args.json {
        outln!("{}", export::report(&report, ReportFormat::Json));
    } else {
        outln!("{}", export::report(&report, ReportFormat::Markdown));
        outln!("Session id: {}", session.id);
    }
    Ok(())
}

/// Reads and checks a whiteboard JSON file.
fn read_whiteboard(path: &Path) -> Result<mockint_domain::Whiteboard, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::user(format!(
            "cannot read whiteboard {}: {error}",
            path.display()
        ))
    })?;
    let board: mockint_domain::Whiteboard = serde_json::from_str(&text).map_err(|error| {
        Failure::user(format!(
            "whiteboard {} is not valid: {error}",
            path.display()
        ))
    })?;
    board
        .validate()
        .map_err(|error| Failure::user(format!("whiteboard {}: {error}", path.display())))?;
    Ok(board)
}

/// Prints each kind of notice once, on stderr (stdout stays clean for `--json`).
#[derive(Default)]
struct Notices(Vec<String>);

impl Notices {
    fn show(&mut self, notices: &[mockint_domain::ipc::Notice]) {
        for notice in notices {
            let kind = serde_json::to_value(notice)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
                .unwrap_or_default();
            if !self.0.contains(&kind) {
                eprintln!("mockint: notice: {notice}");
                self.0.push(kind);
            }
        }
    }
}

/// Reads turns from stdin, one line each, until `/end` or end of input; interviewer answers
/// are printed as they stream in.
async fn interactive(
    app: &App,
    id: SessionId,
    chatty: bool,
    shown: &mut Notices,
) -> Result<(), Failure> {
    if chatty {
        eprintln!("(Type your answer and press Enter. /end finishes the interview and shows your report.)");
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if chatty {
            out!("> ");
            let _ = std::io::stdout().flush();
        }
        let Some(line) = lines.next() else { break };
        let line = line.map_err(|error| Failure::user(format!("cannot read input: {error}")))?;
        let turn = line.trim();
        if turn == "/end" {
            break;
        }
        if turn.is_empty() {
            continue;
        }
        let streamed = std::sync::atomic::AtomicBool::new(false);
        let sink = |piece: &str| {
            if chatty {
                if !streamed.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    out!("\nInterviewer:\n");
                }
                out!("{piece}");
            }
        };
        let outcome = app
            .take_turn(id, turn, mockint_domain::TurnSource::Text, Some(&sink))
            .await?;
        shown.show(&outcome.notices);
        if chatty {
            if streamed.load(std::sync::atomic::Ordering::Relaxed) {
                outln!("\n");
            } else {
                print_message(&outcome.interviewer);
            }
        }
    }
    Ok(())
}

fn print_message(message: &Message) {
    let who = match message.role {
        Role::Interviewer => "Interviewer",
        Role::Candidate => "You",
    };
    outln!("\n{who}:\n{}\n", message.content);
}

async fn delete_session(options: &StartOptions, session_id: &str) -> Result<(), Failure> {
    let id = mockint_domain::SessionId::parse(session_id)
        .map_err(|error| Failure::user(error.to_string()))?;
    let settings = Settings::resolve(options)?;
    let _lock = lock(&settings, "sessions delete", "deleting a session")?;
    let app = open(options).await?;
    app.delete_session(id).await?;
    outln!("deleted session {id}");
    Ok(())
}

async fn sessions(
    options: &StartOptions,
    limit: u32,
    offset: u32,
    json: bool,
) -> Result<(), Failure> {
    let page =
        Page::new(limit, offset).map_err(|error| Failure::user(format!("--limit: {error}")))?;
    let app = open(options).await?;
    let list = app.sessions.list(page).await?;
    let total = app
        .store
        .count_sessions()
        .await
        .map_err(mockint_core::CoreError::from)?;
    if json {
        let value = serde_json::json!({ "total": total, "limit": limit, "offset": offset, "sessions": list });
        outln!("{}", output::json(&value));
    } else {
        out!("{}", output::sessions_table(&list, total, offset));
    }
    Ok(())
}

async fn transcribe(settings: &Settings, wav: &Path, json: bool) -> Result<(), Failure> {
    let model = mockint_app::health::whisper_model_file(settings);
    let wav = wav.to_path_buf();
    let transcript = blocking(move || {
        let samples = mockint_media::transcribe::read_wav(&wav)?;
        mockint_media::transcribe::Transcriber::load(&model)?.transcribe(&samples)
    })
    .await?;
    if json {
        outln!("{}", output::json(&transcript));
    } else {
        outln!("{}", transcript.text);
    }
    Ok(())
}

async fn doctor(options: &StartOptions, json: bool) -> Result<(), Failure> {
    let app = open(options).await?;
    let report = mockint_app::health::run(&app).await;
    if json {
        outln!("{}", output::json(&report));
    } else {
        for check in &report.checks {
            let mark = match check.status {
                mockint_app::health::Status::Ok => "ok",
                mockint_app::health::Status::Warning => "warn",
                mockint_app::health::Status::Error => "FAIL",
            };
            outln!(
                "{mark:<5} {:<14} {:>5} ms  {}",
                check.component,
                check.latency_ms,
                check.detail
            );
        }
        outln!(
            "{}",
            if report.healthy {
                "healthy"
            } else {
                "UNHEALTHY"
            }
        );
    }
    if report.healthy {
        Ok(())
    } else {
        Err(Failure {
            message: "unhealthy: see the checks above".into(),
            user_error: false,
        })
    }
}

async fn stats(options: &StartOptions, json: bool) -> Result<(), Failure> {
    let app = open(options).await?;
    let (statistics, storage) = mockint_app::diagnostics::statistics(&app).await?;
    if json {
        outln!(
            "{}",
            output::json(&serde_json::json!({ "store": statistics, "storage": storage }))
        );
        return Ok(());
    }
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    outln!(
        "sessions: {} ({} active, {} paused, {} completed; completion rate {:.0} %)",
        statistics.sessions(),
        statistics.active,
        statistics.paused,
        statistics.completed,
        statistics.completion_rate() * 100.0
    );
    if let Some(seconds) = statistics.average_duration_seconds {
        outln!("average completed session: {:.1} min", seconds / 60.0);
    }
    outln!(
        "AI: {} tokens, estimated cost ${:.4}",
        statistics.total_tokens(),
        statistics.total_cost()
    );
    for usage in &statistics.usage {
        outln!(
            "  {:<22} {:>5} calls {:>8} tokens  ${:.4}",
            usage.operation,
            usage.calls,
            usage.tokens,
            usage.cost
        );
    }
    for media in &statistics.media {
        outln!(
            "media {:<10} {:>5} files {:>9.1} MB",
            media.file_type,
            media.files,
            mb(media.bytes)
        );
    }
    for problem in &statistics.problems {
        outln!(
            "logged (24 h) {:<12} {} warnings, {} errors",
            problem.component,
            problem.warnings,
            problem.errors
        );
    }
    outln!(
        "disk: {:.1} MB session media, {:.1} MB logs, {:.0} MB free of {:.0} MB",
        mb(storage.session_media_bytes),
        mb(storage.log_bytes),
        mb(storage.free_bytes),
        mb(storage.total_bytes)
    );
    Ok(())
}

async fn usage(options: &StartOptions, id: &str, json: bool) -> Result<(), Failure> {
    let id = session_id(id)?;
    let app = open(options).await?;
    app.sessions.get(id).await?;
    let records = app
        .store
        .token_usage(id)
        .await
        .map_err(mockint_core::CoreError::from)?;
    let totals = mockint_domain::SessionTokenUsage::from_records(&records);
    if json {
        outln!("{}", output::json(&totals));
    } else {
        outln!(
            "{} tokens ({} in, {} out), estimated cost ${:.4}",
            totals.total_tokens,
            totals.total_input_tokens,
            totals.total_output_tokens,
            totals.total_cost
        );
        for (operation, usage) in &totals.breakdown_by_operation {
            outln!(
                "  {:<22} {:>8} tokens  ${:.4}",
                operation.as_str(),
                usage.total_tokens,
                usage.estimated_cost
            );
        }
    }
    Ok(())
}

fn session_id(text: &str) -> Result<SessionId, Failure> {
    SessionId::parse(text).map_err(|error| Failure::user(error.to_string()))
}

async fn report(options: &StartOptions, id: &str, format: ReportFormatArg) -> Result<(), Failure> {
    let id = session_id(id)?;
    let app = open(options).await?;
    let session = app.sessions.get(id).await?;
    let Some(report) = app.sessions.report(id).await? else {
        return Err(Failure::user(format!(
            "session {id} has no report yet (it is {}); end the interview first",
            session.status
        )));
    };
    let format = match format {
        ReportFormatArg::Md => ReportFormat::Markdown,
        ReportFormatArg::Json => ReportFormat::Json,
        ReportFormatArg::Html => ReportFormat::Html,
    };
    outln!("{}", export::report(&report, format));
    Ok(())
}

async fn transcript(
    options: &StartOptions,
    id: &str,
    format: TranscriptFormatArg,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let id = session_id(id)?;
    let app = open(options).await?;
    let session = app.sessions.get(id).await?;
    let messages = app.interviews.transcript(id).await?;
    let format = match format {
        TranscriptFormatArg::Txt => TranscriptFormat::Txt,
        TranscriptFormatArg::Md => TranscriptFormat::Markdown,
        TranscriptFormatArg::Json => TranscriptFormat::Json,
    };
    let text = export::transcript(&session, &messages, format);
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|error| {
                Failure::user(format!("cannot write {}: {error}", path.display()))
            })?;
            eprintln!(
                "Transcript of {} message(s) written to {}.",
                messages.len(),
                path.display()
            );
        }
        None => out!("{text}"),
    }
    Ok(())
}
