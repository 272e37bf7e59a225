//! Voice answers: microphone → VAD → whisper on a worker thread → a candidate turn, with the
//! raw audio stored as `recording_NNN.wav`. Events: `capture-status`, `transcript-draft`
//! (the text so far, after a short pause), `transcript-segment`, `voice-turn`, and the usual
//! `interviewer-token`.

use std::sync::Arc;

use domain::ipc::{TokenEvent, TranscriptDraft, TurnView, VoiceRequest};
use domain::{MediaType, SessionId};
use media::audio::Heard;
use media::transcribe::Transcript;
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, Manager as _, State};

use crate::state::DesktopState;

/// `capture-status` event payload.
#[derive(Debug, Clone, Serialize)]
pub struct CaptureStatus {
    /// Whether the microphone is being captured.
    pub audio: bool,
}

/// `transcript-segment` event payload.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptSegment {
    /// The session.
    pub session_id: SessionId,
    /// What was heard.
    pub text: String,
    /// How long transcription took.
    pub processing_ms: u64,
}

/// `model-progress` event payload: a step of provisioning the whisper model on first use.
#[derive(Debug, Clone, Serialize)]
pub struct ModelProgress {
    /// What is happening.
    pub step: String,
}

async fn transcriber(
    handle: &AppHandle,
    state: &DesktopState,
) -> Result<Arc<media::transcribe::Transcriber>, String> {
    let mut slot = state.transcriber.lock().await;
    if let Some(loaded) = slot.as_ref() {
        return Ok(Arc::clone(loaded));
    }
    let app = state.app()?;
    let path = app::health::whisper_model_path(app);
    // First use: fetch, convert and verify the configured model, showing each step.
    let configured = app.settings.config.communication.whisper_model.clone();
    let provisionable = std::env::var_os("WHISPER_MODEL").is_none()
        && media::model::CATALOG.iter().any(|e| e.name == configured);
    if !path.is_file() && provisionable {
        let data_dir = app.settings.data_dir.clone();
        let progress_handle = handle.clone();
        tauri::async_runtime::spawn_blocking(move || {
            // One event per stage (the byte counts await a progress bar).
            let stage = std::sync::Mutex::new(None::<media::model::Stage>);
            let progress = |report: media::model::Progress| {
                let Ok(mut last) = stage.lock() else { return };
                if last.as_ref() != Some(&report.stage) {
                    let _ = progress_handle.emit(
                        "model-progress",
                        ModelProgress {
                            step: report.stage.to_string(),
                        },
                    );
                    *last = Some(report.stage);
                }
            };
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let control = media::model::Control {
                cancel: &cancel,
                progress: &progress,
            };
            let cache = media::model::default_cache(&data_dir);
            media::model::provision(&configured, &data_dir, &cache, control)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    }
    let loaded =
        tauri::async_runtime::spawn_blocking(move || media::transcribe::Transcriber::load(&path))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    let loaded = Arc::new(loaded);
    *slot = Some(Arc::clone(&loaded));
    Ok(loaded)
}

/// Draft transcripts by draft id (only the newest few are kept).
type Drafts = Arc<std::sync::Mutex<std::collections::BTreeMap<u64, Transcript>>>;

async fn transcribe(
    handle: &AppHandle,
    state: &DesktopState,
    samples: Vec<f32>,
) -> Result<Transcript, String> {
    let whisper = transcriber(handle, state).await?;
    interview_core::telemetry::timed("transcription", "whisper", async move {
        tauri::async_runtime::spawn_blocking(move || whisper.transcribe(&samples))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    })
    .await
}

/// Transcribes a draft early and shows its text; the final utterance reuses it.
async fn handle_draft(
    handle: AppHandle,
    session_id: SessionId,
    id: u64,
    samples: Vec<f32>,
    drafts: Drafts,
) -> Result<(), String> {
    let state = handle.state::<DesktopState>();
    let transcript = transcribe(&handle, &state, samples).await?;
    let text = transcript.text.trim().to_string();
    if let Ok(mut kept) = drafts.lock() {
        kept.insert(id, transcript);
        while kept.len() > 4 {
            kept.pop_first();
        }
    }
    if !text.is_empty() && !text.starts_with('[') {
        let _ = handle.emit("transcript-draft", TranscriptDraft { session_id, text });
    }
    Ok(())
}

/// The draft's transcript once it is ready (it may still be running), within 30 s.
async fn draft_text(drafts: &Drafts, id: u64) -> Option<Transcript> {
    for _ in 0..1500 {
        if let Some(found) = drafts.lock().ok().and_then(|kept| kept.get(&id).cloned()) {
            return Some(found);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    None
}

async fn handle_utterance(
    handle: AppHandle,
    session_id: SessionId,
    samples: Vec<f32>,
    draft: Option<(u64, Drafts)>,
) -> Result<(), String> {
    let state = handle.state::<DesktopState>();
    let app = state.app()?;
    let early = match &draft {
        Some((id, drafts)) => draft_text(drafts, *id).await,
        None => None,
    };
    let transcript = match early {
        Some(transcript) => transcript,
        None => transcribe(&handle, &state, samples.clone()).await?,
    };
    let wav = media::audio::wav_bytes(&samples).map_err(|e| e.to_string())?;
    app.media
        .save(session_id, MediaType::Audio, &wav)
        .await
        .map_err(|e| e.to_string())?;
    let text = transcript.text.trim().to_string();
    if text.is_empty() || text.starts_with('[') {
        return Ok(()); // silence or noise, e.g. "[BLANK_AUDIO]"
    }
    let _ = handle.emit(
        "transcript-segment",
        TranscriptSegment {
            session_id,
            text: text.clone(),
            processing_ms: transcript.processing_ms,
        },
    );
    let sink = |piece: &str| {
        let _ = handle.emit(
            "interviewer-token",
            TokenEvent {
                session_id,
                text: piece.to_string(),
            },
        );
    };
    let board = app
        .whiteboards
        .load_board(session_id)
        .await
        .map_err(|e| e.to_string())?;
    let picture = app
        .whiteboards
        .latest_picture(session_id)
        .await
        .map_err(|e| e.to_string())?;
    let input = interview_core::TurnInput {
        text: &text,
        source: "voice",
        whiteboard: (!board.shapes.is_empty()).then_some(&board),
        whiteboard_png: picture.as_deref(),
    };
    let outcome = app
        .interviews
        .take_turn(session_id, input, Some(&sink))
        .await
        .map_err(|e| e.to_string())?;
    let usage = app
        .sessions
        .usage(session_id)
        .await
        .map_err(|e| e.to_string())?;
    let _ = handle.emit(
        "voice-turn",
        TurnView {
            candidate: outcome.candidate,
            interviewer: outcome.interviewer,
            notices: outcome.notices,
            usage,
        },
    );
    Ok(())
}

/// Turns the microphone on for a session: each spoken answer becomes a candidate turn.
#[tauri::command]
pub async fn start_voice(
    handle: AppHandle,
    state: State<'_, DesktopState>,
    request: VoiceRequest,
) -> Result<(), String> {
    let device = request
        .device
        .filter(|name| !name.trim().is_empty() && name.len() <= 512);
    // Load the model first so that a missing model is reported before anything records.
    transcriber(&handle, &state).await?;
    let session_id = request.session_id;
    let callback_handle = handle.clone();
    let drafts: Drafts = Arc::default();
    let capture = media::audio::LiveCapture::start(device, 900, move |heard| {
        let handle = callback_handle.clone();
        let drafts = Arc::clone(&drafts);
        tauri::async_runtime::spawn(async move {
            let outcome = match heard {
                Heard::Draft { id, samples } => {
                    handle_draft(handle.clone(), session_id, id, samples, drafts).await
                }
                Heard::Utterance {
                    samples,
                    same_as_draft,
                } => {
                    let draft = same_as_draft.map(|id| (id, drafts));
                    handle_utterance(handle.clone(), session_id, samples, draft).await
                }
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, operation = "voice_turn", "a spoken answer could not be used");
                let _ = handle.emit("notice", domain::ipc::Notice::ProviderFallback { provider: "voice".into(), reason: error });
            }
        });
    })
    .map_err(|e| e.to_string())?;
    if let Ok(mut slot) = state.voice.lock() {
        *slot = Some(capture);
    }
    let _ = handle.emit("capture-status", CaptureStatus { audio: true });
    Ok(())
}

/// The microphones the system offers, by name.
#[tauri::command]
pub async fn audio_devices() -> Result<Vec<String>, String> {
    tauri::async_runtime::spawn_blocking(media::audio::input_devices)
        .await
        .map_err(|e| e.to_string())
}

/// Turns the microphone off (a sentence in progress is still transcribed).
#[tauri::command]
pub async fn stop_voice(handle: AppHandle, state: State<'_, DesktopState>) -> Result<(), String> {
    let capture = state
        .voice
        .lock()
        .map(|mut slot| slot.take())
        .unwrap_or(None);
    if let Some(capture) = capture {
        let _ = tauri::async_runtime::spawn_blocking(move || capture.stop()).await;
    }
    let _ = handle.emit("capture-status", CaptureStatus { audio: false });
    Ok(())
}
