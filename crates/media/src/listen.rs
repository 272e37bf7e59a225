//! `mockint listen`: a recorded answer through exactly the microphone's pipeline (turn
//! detection with drafts and end-of-turn, the room's noise taken out, then transcription with
//! its guards), reporting each turn the app would have sent and the drafts shown on the way.
//!
//! Drafts are read by the draft model; a finished answer is read again by the answer model
//! when there is one (`communication.answer_model`), else the draft's text is the answer.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::denoise::{reduce_noise, NoiseSpectrum};
use crate::transcribe::{draft_instead, is_hallucination, Transcriber, SAMPLE_RATE};
use crate::turns::{TurnDetector, TurnEvent, TurnSettings};
use crate::TranscribeError;

/// Longest recording `listen` takes (longer ones are refused before being read).
pub const MAX_LISTEN_SECONDS: u64 = 30 * 60;

/// A draft shown while the candidate was speaking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeardDraft {
    /// Audio time when it was shown (end of its speech + the draft pause), ms.
    pub at_ms: u64,
    /// Its text.
    pub text: String,
}

/// A turn the app would have sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeardTurn {
    /// Start of the speech, ms from the start of the recording.
    pub start_ms: u64,
    /// End of the speech.
    pub end_ms: u64,
    /// What was said.
    pub text: String,
    /// Audio time from the end of speech to the turn being sent, ms.
    pub end_of_turn_ms: u64,
    /// Drafts shown on the way.
    pub drafts: Vec<HeardDraft>,
}

/// Checks a recording before reading it: a readable WAV of at most [`MAX_LISTEN_SECONDS`].
pub fn check_recording(path: &Path) -> Result<(), TranscribeError> {
    let shown = path.display();
    let reader = hound::WavReader::open(path).map_err(|error| {
        TranscribeError::Audio(format!("{shown} is not a readable WAV file: {error}"))
    })?;
    let spec = reader.spec();
    if spec.sample_rate == 0 || spec.channels == 0 {
        return Err(TranscribeError::Audio(format!(
            "{shown} has no channels or no sample rate"
        )));
    }
    let seconds = u64::from(reader.duration()) / u64::from(spec.sample_rate);
    if seconds > MAX_LISTEN_SECONDS {
        return Err(TranscribeError::Audio(format!(
            "{shown} is {} minutes long; listen takes at most {} minutes (split it)",
            seconds / 60,
            MAX_LISTEN_SECONDS / 60
        )));
    }
    Ok(())
}

/// The models a spoken answer is read with.
#[derive(Clone, Copy)]
pub struct Readers<'a> {
    /// Reads the drafts shown while the candidate speaks (fast).
    pub drafts: &'a Transcriber,
    /// Reads each finished answer again before it is sent (more accurate); None: the
    /// newest draft's text is the answer when nothing was said after it.
    pub answers: Option<&'a Transcriber>,
}

impl<'a> Readers<'a> {
    /// One model for drafts and answers.
    pub fn one(model: &'a Transcriber) -> Self {
        Self {
            drafts: model,
            answers: None,
        }
    }
}

/// Runs 16 kHz samples through the pipeline, 100 ms at a time (paced at real time when
/// `realtime`), calling `on_turn` for each turn.
pub fn listen(
    samples: &[f32],
    settings: TurnSettings,
    readers: Readers<'_>,
    realtime: bool,
    mut on_turn: impl FnMut(HeardTurn),
) -> Result<(), TranscribeError> {
    let mut state = State {
        detector: TurnDetector::new(settings),
        drafts: Vec::new(),
        settled: None,
        draft_pause_ms: settings.draft_pause_ms,
    };
    let mut events = Vec::new();
    for piece in samples.chunks(SAMPLE_RATE as usize / 10) {
        state.detector.push(piece, &mut |event| events.push(event));
        state.handle(&mut events, readers, &mut on_turn)?;
        if realtime {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    // The recording ends as a pause would: the answer in progress is the last turn.
    state.detector.finish(&mut |event| events.push(event));
    state.handle(&mut events, readers, &mut on_turn)
}

/// What whisper makes of an answer, with the room's noise taken out as the app does; a
/// `draft` is read the quicker way ([`Transcriber::transcribe_draft`]).
fn hear(
    transcriber: &Transcriber,
    samples: &[f32],
    room: Option<&NoiseSpectrum>,
    draft: bool,
) -> Result<crate::transcribe::Transcript, TranscribeError> {
    let cleaned = reduce_noise(samples, room);
    if draft {
        transcriber.transcribe_draft(&cleaned, transcriber.prompt())
    } else {
        transcriber.transcribe(&cleaned)
    }
}

struct State {
    detector: TurnDetector,
    drafts: Vec<(u64, HeardDraft)>,
    /// The answer model's read of the newest settled answer, by its draft (as in the app).
    settled: Option<(u64, String)>,
    draft_pause_ms: u32,
}

impl State {
    fn handle(
        &mut self,
        events: &mut Vec<TurnEvent>,
        readers: Readers<'_>,
        on_turn: &mut impl FnMut(HeardTurn),
    ) -> Result<(), TranscribeError> {
        for event in events.drain(..) {
            match event {
                TurnEvent::Draft {
                    id,
                    samples,
                    end_ms,
                    noise,
                    ..
                } => {
                    // Only shown when the answer model reads what is sent: read quickly.
                    let quick = readers.answers.is_some();
                    let heard = hear(readers.drafts, &samples, noise.as_ref(), quick)?;
                    self.detector.hint(id, &heard.text);
                    let at_ms = end_ms + u64::from(self.draft_pause_ms);
                    self.drafts.push((
                        id,
                        HeardDraft {
                            at_ms,
                            text: heard.text,
                        },
                    ));
                }
                TurnEvent::Turn {
                    samples,
                    start_ms,
                    end_ms,
                    end_of_turn_ms,
                    same_as_draft,
                    noise,
                } => {
                    let drafted = same_as_draft
                        .and_then(|id| self.drafts.iter().find(|(d, _)| *d == id))
                        .map(|(_, draft)| draft.text.clone());
                    let text = match (readers.answers, drafted) {
                        // As in the app: the answer model's read, or the draft's words
                        // where it heard nothing.
                        (Some(answers), drafted) => {
                            let settled = self
                                .settled
                                .take()
                                .filter(|(id, _)| Some(*id) == same_as_draft)
                                .map(|(_, read)| read);
                            let read = match settled {
                                Some(read) => read,
                                None => hear(answers, &samples, noise.as_ref(), false)?.text,
                            };
                            match drafted {
                                Some(words) if draft_instead(&read, &words) => words,
                                _ => read,
                            }
                        }
                        (None, Some(words)) => words,
                        (None, None) => hear(readers.drafts, &samples, noise.as_ref(), false)?.text,
                    };
                    let shown = std::mem::take(&mut self.drafts);
                    if !is_hallucination(&text) {
                        on_turn(HeardTurn {
                            start_ms,
                            end_ms,
                            text: text.trim().to_string(),
                            end_of_turn_ms,
                            drafts: shown.into_iter().map(|(_, d)| d).collect(),
                        });
                    }
                }
                // The app reads a settled answer again at once, and sends that read if the
                // turn holds the same speech: so does this.
                TurnEvent::Settled { id, samples, noise } => {
                    if let Some(answers) = readers.answers {
                        let read = hear(answers, &samples, noise.as_ref(), false)?.text;
                        self.settled = Some((id, read));
                    }
                }
                TurnEvent::Waiting { .. } | TurnEvent::BargeIn => {}
            }
        }
        Ok(())
    }
}
