//! Voice answers: microphone → voice activity → whisper on a worker thread → a candidate
//! turn, with the raw audio stored as `recording_NNN.wav`. A short pause transcribes a draft
//! early with the draft model (shown as `transcript-draft`). With an answer model
//! (`communication.answer_model`), a finished-looking answer is read again by it halfway
//! through the pause that ends it ([`TurnEvent::Settled`]), and that text is sent; without
//! one, the draft's text is reused if nothing was said after it. Whisper reads one answer at
//! a time, and a draft or a second read that a newer draft has replaced while it waited is
//! not read at all. The reply streams to the channel given at
//! start and the whole turn is sent as `voice-turn`. When `communication.echo_cancellation` is
//! on, the sound server's echo canceller is engaged while the microphone is on, where there is
//! one ([`EchoCanceller`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mockint_app::App;
use mockint_domain::ipc::{
    Event as _, IpcError, IpcErrorKind, ListeningEvent, ListeningStatus, Notice, NoticeEvent,
    TokenEvent, TranscriptDraft, TranscriptDraftEvent, VoiceTurnEvent,
};
use mockint_domain::{MediaType, SessionId, TurnSource};
use mockint_media::audio::LiveCapture;
use mockint_media::denoise::NoiseSpectrum;
use mockint_media::echo::{EchoCanceller, SoundServer};
use mockint_media::transcribe::{Transcriber, Transcript};
use mockint_media::turns::TurnEvent;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter as _, Manager as _};
use tokio::sync::watch;

use crate::ipc::OrIpc as _;

/// How long an answer waits for its draft's transcription before transcribing again.
const DRAFT_WAIT: Duration = Duration::from_secs(30);
/// How long turning the microphone on waits for the sound server's echo canceller.
const ECHO_WAIT: Duration = Duration::from_secs(5);
/// Drafts remembered (only the newest can be the answer's).
const DRAFTS_KEPT: usize = 4;

/// Transcripts by draft id: each is a watch that holds the text once it is ready.
type Drafts = Arc<Mutex<BTreeMap<u64, watch::Receiver<Option<Transcript>>>>>;
/// Where a draft's text goes back to the capture (set once the capture runs).
type Hints = Arc<Mutex<Option<std::sync::mpsc::Sender<(u64, String)>>>>;

/// The microphone while voice is on.
#[derive(Default)]
pub struct VoiceManager {
    capture: Mutex<Option<Microphone>>,
}

/// A running capture and the echo canceller it records through (if any); the canceller is
/// released after the capture stops.
struct Microphone {
    capture: LiveCapture,
    echo: Option<EchoCanceller>,
}

/// What a spoken answer needs to become a turn.
#[derive(Clone)]
struct Listener {
    handle: AppHandle,
    app: Arc<App>,
    session_id: SessionId,
    tokens: Option<Channel<TokenEvent>>,
    /// Reads drafts (and answers, when there is no answer model).
    draft_model: Arc<Transcriber>,
    /// Reads each finished answer again before it is sent, when one is configured and ready.
    answer_model: Option<Arc<Transcriber>>,
    /// The draft model's transcripts.
    drafts: Drafts,
    /// The answer model's transcripts of settled answers, by the draft holding the same speech.
    settled: Drafts,
    hints: Hints,
    /// What whisper is primed with in this session (its problem's vocabulary).
    prompt: Arc<str>,
    /// Held while whisper reads: decodes running side by side share the same cores, so each
    /// takes as long as all of them.
    decoding: Arc<tokio::sync::Mutex<()>>,
}

impl VoiceManager {
    /// Turns the microphone on for a session (loading the speech model first, so that a
    /// missing model is reported before anything records).
    pub async fn start(
        &self,
        handle: AppHandle,
        app: Arc<App>,
        session_id: SessionId,
        device: Option<String>,
        tokens: Option<Channel<TokenEvent>>,
        app_speaking: Arc<std::sync::atomic::AtomicBool>,
    ) -> Result<(), IpcError> {
        if self
            .capture
            .lock()
            .map(|slot| slot.is_some())
            .unwrap_or(false)
        {
            return Err(IpcError::new(
                IpcErrorKind::Conflict,
                "the microphone is already on",
            ));
        }
        let device = device.filter(|name| !name.trim().is_empty() && name.len() <= 512);
        let draft_model = app.speech.transcriber().await.or_ipc()?;
        let answer_model = match app.speech.answer_transcriber().await {
            Some(Ok(model)) => Some(model),
            Some(Err(error)) => {
                tracing::warn!(%error, operation = "speech_model", "answers are read by the draft model");
                None
            }
            None => None,
        };
        let mut settings = app.turn_settings();
        let prompt = app.speech_prompt(session_id).await.into();
        // The canceller goes in before the input is opened: the input follows the default.
        let echo = if device.is_none() && app.echo_cancellation() {
            engage_echo_canceller().await
        } else {
            None
        };
        settings.echo_cancelled = echo.is_some();
        let hints: Hints = Arc::default();
        let listener = Listener {
            handle,
            app,
            session_id,
            tokens,
            draft_model,
            answer_model,
            drafts: Drafts::default(),
            settled: Drafts::default(),
            hints: Arc::clone(&hints),
            prompt,
            decoding: Arc::default(),
        };
        let capture = LiveCapture::start(device, settings, app_speaking, move |heard| {
            let listener = listener.clone();
            tauri::async_runtime::spawn(async move { listener.hear(heard).await });
        })
        .map_err(crate::ipc::unavailable)?;
        if let Ok(mut slot) = hints.lock() {
            *slot = Some(capture.hints());
        }
        if let Ok(mut slot) = self.capture.lock() {
            *slot = Some(Microphone { capture, echo });
        }
        Ok(())
    }

    /// Turns the microphone off (an answer in progress is still transcribed).
    pub async fn stop(&self) {
        let capture = self
            .capture
            .lock()
            .map(|mut slot| slot.take())
            .unwrap_or(None);
        if let Some(microphone) = capture {
            let _ = tauri::async_runtime::spawn_blocking(move || {
                microphone.capture.stop();
                drop(microphone.echo);
            })
            .await;
        }
    }
}

/// Unloads echo cancellers a crashed run left engaged, off the start-up path (`pactl` may be
/// missing or slow).
pub fn release_stale_echo_cancellers() {
    tauri::async_runtime::spawn_blocking(|| {
        match mockint_media::echo::release_stale(&SoundServer::from_env()) {
            Ok(0) | Err(_) => {}
            Ok(released) => tracing::info!(
                released,
                operation = "echo_cancellation",
                "echo cancellers left by an earlier run were released"
            ),
        }
    });
}

/// Engages the sound server's echo canceller, or says why there is none (voice works
/// without it: the app still knows when it speaks).
async fn engage_echo_canceller() -> Option<EchoCanceller> {
    // (A canceller engaged after the wait is dropped with the task's result, which releases it.)
    let engaged = tokio::time::timeout(
        ECHO_WAIT,
        tauri::async_runtime::spawn_blocking(|| EchoCanceller::engage(SoundServer::from_env())),
    )
    .await;
    match engaged {
        Err(_) => {
            tracing::warn!(
                operation = "echo_cancellation",
                "voice without echo cancellation: the sound server did not answer within 5 s"
            );
            None
        }
        Ok(Ok(Ok(canceller))) => {
            tracing::info!(
                operation = "echo_cancellation",
                microphone = canceller.microphone(),
                speakers = canceller.speakers(),
                "the sound server cancels the interviewer's echo"
            );
            Some(canceller)
        }
        Ok(Ok(Err(error))) => {
            tracing::info!(%error, operation = "echo_cancellation", "voice without echo cancellation");
            None
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, operation = "echo_cancellation", "voice without echo cancellation");
            None
        }
    }
}

impl Listener {
    async fn hear(self, heard: TurnEvent) {
        let outcome = match heard {
            TurnEvent::Draft {
                id, samples, noise, ..
            } => self.draft(id, samples, noise).await,
            TurnEvent::Settled { id, samples, noise } => self.settle(id, samples, noise).await,
            TurnEvent::Turn {
                samples,
                same_as_draft,
                noise,
                ..
            } => self.answer(samples, same_as_draft, noise).await,
            TurnEvent::BargeIn => {
                // The candidate talks over the reply being read: it stops at once.
                let speaker = self.handle.state::<Arc<super::SpeakerManager>>();
                if let Err(error) = speaker.stop() {
                    tracing::warn!(%error, operation = "barge_in", "the reply could not be stopped");
                }
                tracing::info!(
                    operation = "barge_in",
                    "the candidate talked over the reply; it stopped"
                );
                Ok(())
            }
            TurnEvent::Waiting { thinking, on } => {
                let status = ListeningStatus {
                    session_id: self.session_id,
                    thinking: on,
                    asked_for_time: thinking,
                };
                let _ = self.handle.emit(ListeningEvent::NAME, status);
                Ok(())
            }
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, operation = "voice_turn", "a spoken answer could not be used");
            let notice = Notice::Alert {
                component: "voice".into(),
                message: format!("a spoken answer could not be used: {error}"),
            };
            let _ = self.handle.emit(NoticeEvent::NAME, notice);
        }
    }

    /// Transcribes an answer with `whisper` (the quicker way for a draft that is only shown:
    /// [`Transcriber::transcribe_draft`]); the caller holds `decoding`.
    async fn transcribe(
        &self,
        whisper: &Arc<Transcriber>,
        samples: Vec<f32>,
        noise: Option<NoiseSpectrum>,
        only_shown: bool,
    ) -> Result<Transcript, IpcError> {
        let whisper = Arc::clone(whisper);
        let prompt = Arc::clone(&self.prompt);
        mockint_core::telemetry::timed("transcription", "whisper", async move {
            tauri::async_runtime::spawn_blocking(move || {
                // With `communication.noise_reduction` on, whisper reads the answer with the
                // room's steady noise taken out (`noise` is None otherwise); the recording
                // keeps what the microphone heard.
                let cleaned = mockint_media::denoise::reduce_noise(&samples, noise.as_ref());
                if only_shown {
                    whisper.transcribe_draft(&cleaned, &prompt)
                } else {
                    whisper.transcribe_with_prompt(&cleaned, &prompt)
                }
            })
            .await
            .map_err(crate::ipc::internal)?
            .map_err(crate::ipc::unavailable)
        })
        .await
    }

    /// Transcribes a draft early and shows its text; the answer reuses it.
    async fn draft(
        &self,
        id: u64,
        samples: Vec<f32>,
        noise: Option<NoiseSpectrum>,
    ) -> Result<(), IpcError> {
        let ready = keep(&self.drafts, id);
        let decoding = self.decoding.lock().await;
        if self.newest_draft().is_some_and(|newest| newest > id) {
            // Replaced while it waited (only the newest draft can become the answer): `ready`
            // is dropped unsent, so anything waiting for this draft stops waiting.
            return Ok(());
        }
        // With an answer model, a draft is only shown (the answer is read again).
        let only_shown = self.answer_model.is_some();
        let transcript = self
            .transcribe(&self.draft_model, samples, noise, only_shown)
            .await?;
        drop(decoding);
        let text = transcript.text.trim().to_string();
        // The capture learns whether the answer looks finished (how long a pause to allow).
        if let Some(hints) = self.hints.lock().ok().and_then(|slot| slot.clone()) {
            let _ = hints.send((id, text.clone()));
        }
        let _ = ready.send(Some(transcript));
        if !is_silence(&text) {
            let draft = TranscriptDraft {
                session_id: self.session_id,
                text,
            };
            let _ = self.handle.emit(TranscriptDraftEvent::NAME, draft);
        }
        Ok(())
    }

    /// The newest draft handed over (the kept drafts are the newest ones).
    fn newest_draft(&self) -> Option<u64> {
        self.drafts.lock().ok()?.keys().next_back().copied()
    }

    /// Reads a settled answer again with the answer model, while the pause that should end it
    /// runs; the turn that follows uses this text.
    async fn settle(
        &self,
        id: u64,
        samples: Vec<f32>,
        noise: Option<NoiseSpectrum>,
    ) -> Result<(), IpcError> {
        let Some(answer_model) = &self.answer_model else {
            return Ok(());
        };
        let ready = keep(&self.settled, id);
        let decoding = self.decoding.lock().await;
        if self.newest_draft().is_some_and(|newest| newest > id) {
            // The candidate went on: a newer draft holds more of the answer.
            return Ok(());
        }
        let transcript = self.transcribe(answer_model, samples, noise, false).await?;
        drop(decoding);
        let _ = ready.send(Some(transcript));
        Ok(())
    }

    /// Draft `id`'s transcript in `kept` once it is ready (it may still be running).
    async fn ready_text(kept: &Drafts, id: u64) -> Option<Transcript> {
        let mut waiting = kept.lock().ok()?.get(&id).cloned()?;
        let ready = tokio::time::timeout(DRAFT_WAIT, waiting.wait_for(Option::is_some)).await;
        match ready {
            Ok(Ok(transcript)) => transcript.clone(),
            _ => None,
        }
    }

    /// A whole answer: stored as audio, then taken as the candidate's turn.
    async fn answer(
        &self,
        samples: Vec<f32>,
        draft: Option<u64>,
        noise: Option<NoiseSpectrum>,
    ) -> Result<(), IpcError> {
        let drafted = match draft {
            Some(id) => Self::ready_text(&self.drafts, id).await,
            None => None,
        };
        let transcript = match &self.answer_model {
            Some(answer_model) => {
                let settled = match draft {
                    Some(id) => Self::ready_text(&self.settled, id).await,
                    None => None,
                };
                let read = match settled {
                    Some(transcript) => transcript,
                    None => {
                        let _decoding = self.decoding.lock().await;
                        self.transcribe(answer_model, samples.clone(), noise, false)
                            .await?
                    }
                };
                // Where the answer model heard nothing, the draft's words are sent.
                match drafted {
                    Some(drafted)
                        if mockint_media::transcribe::draft_instead(&read.text, &drafted.text) =>
                    {
                        drafted
                    }
                    _ => read,
                }
            }
            None => match drafted {
                Some(transcript) => transcript,
                None => {
                    let _decoding = self.decoding.lock().await;
                    self.transcribe(&self.draft_model, samples.clone(), noise, false)
                        .await?
                }
            },
        };
        let wav = mockint_media::audio::wav_bytes(&samples).map_err(crate::ipc::internal)?;
        let id = self.session_id;
        self.app
            .media
            .save(id, MediaType::Audio, &wav)
            .await
            .or_ipc()?;
        let text = transcript.text.trim();
        if is_silence(text) {
            return Ok(());
        }
        let sink = |piece: &str| crate::ipc::send_token(self.tokens.as_ref(), id, piece);
        let turn = self
            .app
            .take_turn(id, text, TurnSource::Voice, Some(&sink))
            .await
            .or_ipc()?;
        let _ = self.handle.emit(VoiceTurnEvent::NAME, turn);
        Ok(())
    }
}

/// Makes room in `kept` for draft `id`'s transcript (the newest few are kept): the sender
/// fills it once it is read, and dropping the sender unsent tells whoever waits to stop.
fn keep(kept: &Drafts, id: u64) -> watch::Sender<Option<Transcript>> {
    let (ready, waiting) = watch::channel(None);
    if let Ok(mut kept) = kept.lock() {
        kept.insert(id, waiting);
        while kept.len() > DRAFTS_KEPT {
            kept.pop_first();
        }
    }
    ready
}

/// Silence or noise, e.g. whisper's "[BLANK_AUDIO]" or "Thank you." over a quiet room.
fn is_silence(text: &str) -> bool {
    mockint_media::transcribe::is_hallucination(text)
}
