//! Typed wrappers over the backend's commands (`window.__TAURI__.core.invoke`) and events
//! (`window.__TAURI__.event.listen`). Every failure comes back as a readable message.

use domain::ipc::{
    AppInfo, CompatibleRequest, CompatibleServerView, ExportRequest, ListSessionsRequest,
    ProgressPoint, SaveBoardRequest, SendRequest, SessionDetail, SessionPage, SessionRequest,
    SessionView, SetupInfo, SnapshotRequest, SpeakRequest, SpeechStatus, StartRequest, TokenEvent,
    TurnView, VideoRequest, VoiceRequest,
};
use domain::{EvaluationReport, MediaFile, ResumeData, Session, SessionId, Whiteboard};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Calls a backend command and decodes its answer.
async fn call<A: Serialize, T: DeserializeOwned>(command: &str, args: &A) -> Result<T, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|error| format!("cannot encode arguments of {command}: {error}"))?;
    let value = tauri_invoke(command, args)
        .await
        .map_err(|error| describe(&error))?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| format!("unexpected answer from {command}: {error}"))
}

fn describe(error: &JsValue) -> String {
    if let Some(text) = error.as_string() {
        return text;
    }
    js_sys::JSON::stringify(error)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "the backend could not be reached".to_string())
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct Request<T> {
    request: T,
}

fn request<T>(request: T) -> Request<T> {
    Request { request }
}

/// Version, database and data directory of the running app.
pub async fn app_info() -> Result<AppInfo, String> {
    call("app_info", &NoArgs {}).await
}

/// Health, metrics, store figures, disk use and alerts for the diagnostics page.
pub async fn diagnostics() -> Result<domain::diagnostics::Diagnostics, String> {
    call("diagnostics", &NoArgs {}).await
}

/// Providers, saved resume and problems for the setup page.
pub async fn setup_info() -> Result<SetupInfo, String> {
    call("setup_info", &NoArgs {}).await
}

/// Connects to an OpenAI-compatible server.
pub async fn connect_compatible(
    url: String,
    model: Option<String>,
) -> Result<CompatibleServerView, String> {
    call(
        "connect_compatible",
        &request(CompatibleRequest { url, model }),
    )
    .await
}

/// The newest unfinished session, if any.
pub async fn active_session() -> Result<Option<Session>, String> {
    call("active_session", &NoArgs {}).await
}

/// Opens the resume file dialog; None when cancelled.
pub async fn pick_resume() -> Result<Option<ResumeData>, String> {
    call("pick_resume", &NoArgs {}).await
}

/// Stores the edited resume.
pub async fn save_resume(resume: ResumeData) -> Result<ResumeData, String> {
    #[derive(Serialize)]
    struct Args {
        resume: ResumeData,
    }
    call("save_resume", &Args { resume }).await
}

/// Starts an interview.
pub async fn start_interview(start: StartRequest) -> Result<SessionView, String> {
    call("start_interview", &request(start)).await
}

/// Sends the candidate's message.
pub async fn send_message(session_id: SessionId, text: String) -> Result<TurnView, String> {
    call("send_message", &request(SendRequest { session_id, text })).await
}

/// Pauses a session.
pub async fn pause_session(session_id: SessionId) -> Result<Session, String> {
    call("pause_session", &request(SessionRequest { session_id })).await
}

/// Resumes a session.
pub async fn resume_session(session_id: SessionId) -> Result<Session, String> {
    call("resume_session", &request(SessionRequest { session_id })).await
}

/// Ends a session and returns its report.
pub async fn end_session(session_id: SessionId) -> Result<EvaluationReport, String> {
    call("end_session", &request(SessionRequest { session_id })).await
}

/// Everything stored about a session.
pub async fn session_detail(session_id: SessionId) -> Result<SessionDetail, String> {
    call("session_detail", &request(SessionRequest { session_id })).await
}

/// One page of sessions, newest first.
pub async fn list_sessions(limit: u32, offset: u32) -> Result<SessionPage, String> {
    call(
        "list_sessions",
        &request(ListSessionsRequest { limit, offset }),
    )
    .await
}

/// Scores over time.
pub async fn progress() -> Result<Vec<ProgressPoint>, String> {
    call("progress", &NoArgs {}).await
}

/// Deletes a session and its files.
pub async fn delete_session(session_id: SessionId) -> Result<(), String> {
    call("delete_session", &request(SessionRequest { session_id })).await
}

/// Autosaves the whiteboard.
pub async fn save_whiteboard(session_id: SessionId, board: Whiteboard) -> Result<(), String> {
    call(
        "save_whiteboard",
        &request(SaveBoardRequest { session_id, board }),
    )
    .await
}

/// Stores a PNG snapshot (data URL).
pub async fn save_snapshot(session_id: SessionId, png_base64: String) -> Result<MediaFile, String> {
    call(
        "save_snapshot",
        &request(SnapshotRequest {
            session_id,
            png_base64,
        }),
    )
    .await
}

/// The whiteboard snapshots of a session as data URLs.
pub async fn snapshot_images(session_id: SessionId) -> Result<Vec<String>, String> {
    call("snapshot_images", &request(SessionRequest { session_id })).await
}

/// Exports the transcript through the save dialog; the path written, or None if cancelled.
pub async fn export_transcript(
    session_id: SessionId,
    format: &str,
) -> Result<Option<String>, String> {
    call(
        "export_transcript",
        &request(ExportRequest {
            session_id,
            format: format.into(),
        }),
    )
    .await
}

/// Exports the report through the save dialog.
pub async fn export_report(session_id: SessionId, format: &str) -> Result<Option<String>, String> {
    call(
        "export_report",
        &request(ExportRequest {
            session_id,
            format: format.into(),
        }),
    )
    .await
}

/// Turns the microphone on for a session (`device`: a name from [`audio_devices`], or the
/// default microphone).
pub async fn start_voice(session_id: SessionId, device: Option<String>) -> Result<(), String> {
    call("start_voice", &request(VoiceRequest { session_id, device })).await
}

/// The microphones the system offers.
pub async fn audio_devices() -> Result<Vec<String>, String> {
    call("audio_devices", &NoArgs {}).await
}

/// Starts sharing the screen (a capture every few seconds).
pub async fn start_screen_share(session_id: SessionId) -> Result<(), String> {
    call(
        "start_screen_share",
        &request(SessionRequest { session_id }),
    )
    .await
}

/// Stops sharing the screen.
pub async fn stop_screen_share() -> Result<(), String> {
    call("stop_screen_share", &NoArgs {}).await
}

/// Starts recording video (`camera` or `screen`) for a session.
pub async fn start_video(session_id: SessionId, source: &str) -> Result<(), String> {
    call(
        "start_video",
        &request(VideoRequest {
            session_id,
            source: source.into(),
        }),
    )
    .await
}

/// Stops recording video and stores it with the session.
pub async fn stop_video() -> Result<(), String> {
    call("stop_video", &NoArgs {}).await
}

/// Whether the interviewer's replies can be spoken here.
pub async fn speech_status() -> Result<SpeechStatus, String> {
    call("speech_status", &NoArgs {}).await
}

/// Reads text aloud.
pub async fn speak(text: String) -> Result<(), String> {
    call("speak", &request(SpeakRequest { text })).await
}

/// Stops reading aloud.
pub async fn stop_speaking() -> Result<(), String> {
    call("stop_speaking", &NoArgs {}).await
}

/// Turns the microphone off.
pub async fn stop_voice() -> Result<(), String> {
    call("stop_voice", &NoArgs {}).await
}

/// Calls `on_event` with every payload of `event` that decodes as `T`, for the life of the app.
pub async fn listen<T: DeserializeOwned + 'static>(
    event: &str,
    on_event: impl Fn(T) + 'static,
) -> Result<(), String> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
        let payload =
            js_sys::Reflect::get(&raw, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        if let Ok(value) = serde_wasm_bindgen::from_value::<T>(payload) {
            on_event(value);
        }
    });
    tauri_listen(event, &handler)
        .await
        .map_err(|error| describe(&error))?;
    handler.forget();
    Ok(())
}

/// Calls `on_token` for every streamed interviewer token, for the life of the app.
pub async fn listen_tokens(on_token: impl Fn(TokenEvent) + 'static) -> Result<(), String> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload =
            js_sys::Reflect::get(&event, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        if let Ok(token) = serde_wasm_bindgen::from_value::<TokenEvent>(payload) {
            on_token(token);
        }
    });
    tauri_listen("interviewer-token", &handler)
        .await
        .map_err(|error| describe(&error))?;
    // The listener lives as long as the app.
    handler.forget();
    Ok(())
}
