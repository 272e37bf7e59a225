//! `mockint interview`: a scripted or interactive interview ending with its report.

use std::io::{BufRead as _, Write as _};
use std::path::Path;

use mockint_app::{App, InterviewRequest, Settings, StartOptions};
use mockint_core::export::{self, ReportFormat};
use mockint_domain::{Message, Role, SessionId};

use super::{lock, open};
use crate::args::InterviewArgs;
use crate::output::{out, outln};
use crate::Failure;

pub(super) async fn interview(options: &StartOptions, args: InterviewArgs) -> Result<(), Failure> {
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
