//! Tauri commands: thin adapters from IPC to the app's services, typed with the shared
//! `domain` types. Failures come back as readable messages for the UI to show.

use base64::Engine as _;
use domain::ipc::{
    AppInfo, CompatibleRequest, CompatibleServerView, ExportRequest, ListSessionsRequest,
    ProgressPoint, ProviderStatus, SaveBoardRequest, SendRequest, SessionDetail, SessionPage,
    SessionRequest, SessionView, SetupInfo, SnapshotRequest, StartRequest, TokenEvent, TurnView,
};
use domain::{EvaluationReport, MediaFile, Page, ResumeData, Session};
use interview_core::export::{self, ReportFormat, TranscriptFormat};
use interview_core::ports::MediaStore as _;
use tauri::{AppHandle, Emitter as _, State};

use crate::dialogs;
use crate::state::DesktopState;

type Answer<T> = Result<T, String>;

fn text<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

/// Version, database backend and data directory, or the start-up error.
#[tauri::command]
pub fn app_info(state: State<'_, DesktopState>) -> AppInfo {
    let app = state.app.as_ref();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_backend: app
            .map(|a| a.store.backend().to_string())
            .unwrap_or_default(),
        data_dir: app
            .map(|a| a.settings.data_dir.display().to_string())
            .unwrap_or_default(),
        startup_error: state.startup_error.clone(),
    }
}

/// Providers, the saved resume and the problem list for the setup page.
#[tauri::command]
pub async fn setup_info(state: State<'_, DesktopState>) -> Answer<SetupInfo> {
    let app = state.app()?;
    let ai = &app.settings.config.ai;
    let server = app.compatible_server();
    let compatible_model = server.as_ref().map(|s| s.model.clone()).unwrap_or_default();
    let providers = [
        ("offline", ai::OFFLINE_MODEL),
        ("openai", ai.openai.model.as_str()),
        ("anthropic", ai.anthropic.model.as_str()),
        (::ai::llm::COMPATIBLE_PROVIDER, compatible_model.as_str()),
    ]
    .into_iter()
    .map(|(name, model)| {
        let available = name == "offline" || app.providers.has(name);
        let detail = match (name, available, &server) {
            ("offline", _, _) => "built in, no key needed".to_string(),
            ("compatible", true, Some(server)) => format!("connected to {}", server.url),
            ("compatible", _, _) => {
                "Ollama, llama.cpp or any OpenAI-compatible server: enter its URL".to_string()
            }
            (_, true, _) => "key found in the environment".to_string(),
            ("openai", false, _) => {
                "set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)".to_string()
            }
            _ => "set ANTHROPIC_API_KEY".to_string(),
        };
        ProviderStatus {
            name: name.into(),
            available,
            model: model.into(),
            detail,
        }
    })
    .collect();
    let saved_resume = app
        .store
        .get_resume(app::LOCAL_USER)
        .await
        .map_err(text)?
        .filter(|resume| !resume.raw_text.is_empty());
    Ok(SetupInfo {
        providers,
        default_provider: ai.default_provider.clone(),
        saved_resume,
        problems: ai::problems::BANK
            .iter()
            .map(|p| p.title.to_string())
            .collect(),
        compatible: server.map(|server| CompatibleServerView {
            url: server.url,
            model: server.model,
            models: Vec::new(),
        }),
    })
}

/// The newest unfinished session (to offer resuming it after a crash or a restart).
#[tauri::command]
pub async fn active_session(state: State<'_, DesktopState>) -> Answer<Option<Session>> {
    state.app()?.sessions.active().await.map_err(text)
}

/// Opens the file dialog for a PDF or TXT resume and extracts its profile (None if cancelled).
#[tauri::command]
pub async fn pick_resume(
    handle: AppHandle,
    state: State<'_, DesktopState>,
) -> Answer<Option<ResumeData>> {
    let app = state.app()?;
    let Some(path) = dialogs::pick_resume(&handle).await else {
        return Ok(None);
    };
    let provider = app.settings.config.ai.default_provider.clone();
    let (resume, _usage) = app::read_resume_with(&app.settings, &app.providers, &path, &provider)
        .await
        .map_err(text)?;
    Ok(Some(resume))
}

/// Stores the (edited) resume of the local user.
#[tauri::command]
pub async fn save_resume(state: State<'_, DesktopState>, resume: ResumeData) -> Answer<ResumeData> {
    let app = state.app()?;
    let mut resume = resume;
    resume.user_id = app::LOCAL_USER.to_string();
    resume.validate().map_err(text)?;
    app.store.save_resume(&resume).await.map_err(text)?;
    Ok(resume)
}

/// Starts an interview and returns the room's initial state.
#[tauri::command]
pub async fn start_interview(
    state: State<'_, DesktopState>,
    request: StartRequest,
) -> Answer<SessionView> {
    let app = state.app()?;
    let start = app::InterviewRequest {
        resume: request.resume,
        problem: request.problem.filter(|p| !p.trim().is_empty()),
        provider: Some(request.provider),
        model: request.model,
        modes: request.modes,
        duration_minutes: request.duration_minutes,
        prior_usage: Vec::new(),
    };
    let (session, opening, notices) = app.start_interview(start).await.map_err(text)?;
    let usage = app.sessions.usage(session.id).await.map_err(text)?;
    Ok(SessionView {
        session,
        messages: vec![opening],
        notices,
        usage,
    })
}

/// Sends the candidate's message; the answer streams as `interviewer-token` events.
#[tauri::command]
pub async fn send_message(
    handle: AppHandle,
    state: State<'_, DesktopState>,
    request: SendRequest,
) -> Answer<TurnView> {
    let app = state.app()?;
    let id = request.session_id;
    let board = app.whiteboards.load_board(id).await.map_err(text)?;
    let png = app.whiteboards.latest_picture(id).await.map_err(text)?;
    let sink = |piece: &str| {
        let _ = handle.emit(
            "interviewer-token",
            TokenEvent {
                session_id: id,
                text: piece.to_string(),
            },
        );
    };
    let input = interview_core::TurnInput {
        text: &request.text,
        source: "text",
        whiteboard: (!board.shapes.is_empty()).then_some(&board),
        whiteboard_png: png.as_deref(),
    };
    let outcome = app
        .interviews
        .take_turn(id, input, Some(&sink))
        .await
        .map_err(text)?;
    let usage = app.sessions.usage(id).await.map_err(text)?;
    Ok(TurnView {
        candidate: outcome.candidate,
        interviewer: outcome.interviewer,
        notices: outcome.notices,
        usage,
    })
}

/// Pauses a session.
#[tauri::command]
pub async fn pause_session(
    state: State<'_, DesktopState>,
    request: SessionRequest,
) -> Answer<Session> {
    state
        .app()?
        .sessions
        .pause(request.session_id)
        .await
        .map_err(text)
}

/// Resumes a paused session.
#[tauri::command]
pub async fn resume_session(
    state: State<'_, DesktopState>,
    request: SessionRequest,
) -> Answer<Session> {
    state
        .app()?
        .sessions
        .resume(request.session_id)
        .await
        .map_err(text)
}

/// Connects to an OpenAI-compatible server (checks it answers with a model list) and makes
/// it available as the `compatible` provider.
#[tauri::command]
pub async fn connect_compatible(
    state: State<'_, DesktopState>,
    request: CompatibleRequest,
) -> Answer<CompatibleServerView> {
    let (server, models) = state
        .app()?
        .connect_compatible(&request.url, request.model.as_deref())
        .await
        .map_err(text)?;
    Ok(CompatibleServerView {
        url: server.url,
        model: server.model,
        models,
    })
}

/// Ends a session and returns its report.
#[tauri::command]
pub async fn end_session(
    state: State<'_, DesktopState>,
    request: SessionRequest,
) -> Answer<EvaluationReport> {
    // A video still recording belongs to the interview: finish and store it first.
    if let Err(error) = crate::video::finish_video(&state).await {
        tracing::warn!(%error, operation = "stop_video", "the video could not be finished");
    }
    state
        .app()?
        .sessions
        .end(request.session_id)
        .await
        .map_err(text)
}

/// Everything stored about a session.
#[tauri::command]
pub async fn session_detail(
    state: State<'_, DesktopState>,
    request: SessionRequest,
) -> Answer<SessionDetail> {
    let app = state.app()?;
    let id = request.session_id;
    Ok(SessionDetail {
        session: app.sessions.get(id).await.map_err(text)?,
        messages: app.interviews.transcript(id).await.map_err(text)?,
        media: app.media.list(id).await.map_err(text)?,
        report: app.sessions.report(id).await.map_err(text)?,
        usage: app.sessions.usage(id).await.map_err(text)?,
        whiteboard: app.whiteboards.load_board(id).await.map_err(text)?,
    })
}

/// One page of sessions, newest first.
#[tauri::command]
pub async fn list_sessions(
    state: State<'_, DesktopState>,
    request: ListSessionsRequest,
) -> Answer<SessionPage> {
    let app = state.app()?;
    let page = Page::new(request.limit, request.offset).map_err(text)?;
    let sessions = app.sessions.list(page).await.map_err(text)?;
    let total = app.store.count_sessions().await.map_err(text)?;
    Ok(SessionPage { sessions, total })
}

/// Scores of recent evaluated sessions, oldest first.
#[tauri::command]
pub async fn progress(state: State<'_, DesktopState>) -> Answer<Vec<ProgressPoint>> {
    state.app()?.sessions.progress(50).await.map_err(text)
}

/// Deletes a session with its files.
#[tauri::command]
pub async fn delete_session(state: State<'_, DesktopState>, request: SessionRequest) -> Answer<()> {
    state
        .app()?
        .delete_session(request.session_id)
        .await
        .map_err(text)
}

/// Autosaves the whiteboard's shapes.
#[tauri::command]
pub async fn save_whiteboard(
    state: State<'_, DesktopState>,
    request: SaveBoardRequest,
) -> Answer<()> {
    state
        .app()?
        .whiteboards
        .save_board(request.session_id, &request.board)
        .await
        .map_err(text)
}

/// Stores a PNG snapshot of the whiteboard.
#[tauri::command]
pub async fn save_snapshot(
    state: State<'_, DesktopState>,
    request: SnapshotRequest,
) -> Answer<MediaFile> {
    let app = state.app()?;
    let encoded = request.png_base64.rsplit(',').next().unwrap_or_default();
    let png = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|error| format!("the snapshot is not valid base64: {error}"))?;
    app.whiteboards
        .save_snapshot(request.session_id, &png)
        .await
        .map_err(text)
}

/// The session's whiteboard snapshots as `data:image/png;base64,…` URLs, oldest first.
#[tauri::command]
pub async fn snapshot_images(
    state: State<'_, DesktopState>,
    request: SessionRequest,
) -> Answer<Vec<String>> {
    let app = state.app()?;
    let mut images = Vec::new();
    for file in app.media.list(request.session_id).await.map_err(text)? {
        if file.file_type == domain::MediaType::Whiteboard {
            let bytes = app.media_store.read(&file).await.map_err(text)?;
            images.push(format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ));
        }
    }
    Ok(images)
}

/// Exports the transcript through the save dialog; returns the path written (None if cancelled).
#[tauri::command]
pub async fn export_transcript(
    handle: AppHandle,
    state: State<'_, DesktopState>,
    request: ExportRequest,
) -> Answer<Option<String>> {
    let app = state.app()?;
    let format: TranscriptFormat = request.format.parse().map_err(text)?;
    let session = app.sessions.get(request.session_id).await.map_err(text)?;
    let messages = app
        .interviews
        .transcript(request.session_id)
        .await
        .map_err(text)?;
    let content = export::transcript(&session, &messages, format);
    dialogs::save_text(
        &handle,
        &format!(
            "transcript-{}.{}",
            &session.id.to_string()[..8],
            request.format
        ),
        &content,
    )
    .await
}

/// Exports the report (Markdown or HTML) through the save dialog.
#[tauri::command]
pub async fn export_report(
    handle: AppHandle,
    state: State<'_, DesktopState>,
    request: ExportRequest,
) -> Answer<Option<String>> {
    let app = state.app()?;
    let format: ReportFormat = request.format.parse().map_err(text)?;
    let report = app
        .sessions
        .report(request.session_id)
        .await
        .map_err(text)?
        .ok_or("this session has no report yet: end the interview first")?;
    let content = export::report(&report, format);
    dialogs::save_text(
        &handle,
        &format!(
            "report-{}.{}",
            &request.session_id.to_string()[..8],
            request.format
        ),
        &content,
    )
    .await
}
