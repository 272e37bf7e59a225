//! Turn taking, shared by the microphone and `mockint listen`: 16 kHz audio goes in, in pieces
//! of any size; a trained voice-activity detector (Silero VAD, weights built in:
//! [`crate::silero`]) marks speech in 16 ms frames; a short pause hands over a draft
//! (transcribed early, shown as "what you said so far"); a longer pause ends the turn — but
//! only when the answer looks finished. The caller transcribes each draft and tells the
//! detector what it said ([`TurnDetector::hint`]): a draft that closes a sentence ends the turn
//! after the normal pause, one that stops on a connective or a filler ("and", "so", "um") gets
//! a longer one, and "let me think" or "give me a moment" the longest, announced as
//! [`TurnEvent::Waiting`] so the window can say it is still listening. Halfway through the
//! pause that ends a finished-looking answer, [`TurnEvent::Settled`] lets the caller start a
//! slower, more accurate read of it, so that it is ready about when the turn is.
//!
//! Silero tells speech from noise by itself (a fan, pink or brown noise, typing, a door), so
//! nothing else gates it: the loudness gate the earlier detector needed lost a fifth of the
//! speech at 10 dB SNR (docs/benchmarks.md, "Voice activity").
//!
//! With [`TurnSettings::reduce_noise`], the detector also learns the room's noise between
//! answers ([`crate::denoise::RoomNoise`]); each draft and turn carries it, so the caller can
//! take it out before transcribing.
//!
//! Only the audio source differs between the app and the command: both push samples here.

use std::collections::VecDeque;

use crate::denoise::{NoiseSpectrum, RoomNoise};
use crate::silero::{Silero, WINDOW};
use crate::transcribe::SAMPLE_RATE;

/// The turn detector's frame: 256 samples at 16 kHz (16 ms), half of Silero's window.
pub const FRAME: usize = 256;
const FRAME_MS: u32 = 16;

/// How long a pause must be, by what the answer looked like when it started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TurnSettings {
    /// Silence that hands over a draft. 150 ms by default: on the 48 corpus clips joined into
    /// one recording it made 1.15 drafts per answer against 1.02 at 300 ms, at the same WER,
    /// and each draft shows the answer so far 150 ms sooner.
    pub draft_pause_ms: u32,
    /// Silence that ends an answer whose last words close a sentence.
    pub pause_ms: u32,
    /// Silence allowed after a connective or filler ("and", "so", "um", "the").
    pub connective_pause_ms: u32,
    /// Silence allowed after "let me think", "give me a moment", "hold on".
    pub thinking_pause_ms: u32,
    /// Shorter speech is noise (a cough, a click), never a turn.
    pub min_speech_ms: u32,
    /// Speech probability at or above which a frame is speech (Silero's own default, 0.5;
    /// inside an answer 0.15 less keeps it going, as in Silero's reference).
    pub speech_threshold: f32,
    /// Longest answer: a turn is sent when it reaches this, whatever the room sounds like.
    pub max_turn_ms: u32,
    /// Talking over the app while it reads a reply aloud stops it and starts the answer.
    pub barge_in: bool,
    /// The microphone is heard through the platform's echo canceller ([`crate::echo`]): the
    /// candidate must stand further above what is left of the echo to be a barge-in.
    pub echo_cancelled: bool,
    /// Learn the room's noise between answers and hand it along with each draft and turn, for
    /// [`crate::denoise::reduce_noise`]. Off by default: see [`crate::denoise`].
    pub reduce_noise: bool,
}

impl Default for TurnSettings {
    fn default() -> Self {
        Self {
            draft_pause_ms: 150,
            pause_ms: 900,
            connective_pause_ms: 3_000,
            thinking_pause_ms: 10_000,
            min_speech_ms: 300,
            speech_threshold: 0.5,
            max_turn_ms: 180_000,
            barge_in: true,
            echo_cancelled: false,
            reduce_noise: false,
        }
    }
}

mod barge;
mod pause;

pub use barge::BargeDetector;
pub use pause::{pause_after, Pause};

/// What the detector found.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    /// A short pause: the answer so far, to transcribe early.
    Draft {
        /// Counts drafts from 1.
        id: u64,
        /// The audio so far (16 kHz mono).
        samples: Vec<f32>,
        /// Where the answer started, ms from the start of the stream.
        start_ms: u64,
        /// Where its speech has ended so far.
        end_ms: u64,
        /// The room's noise heard before the answer, to take out before transcribing
        /// ([`crate::denoise`]); None when no room was heard yet or the reduction is off.
        noise: Option<NoiseSpectrum>,
    },
    /// The pause after draft `id` has lasted half the normal one, the draft's text looks
    /// finished and nothing was said since: the answer is probably over, so a slower, more
    /// accurate read of it can start now and be ready about when the [`TurnEvent::Turn`]
    /// naming the same draft comes. Speech that goes on makes it stale (a later draft comes).
    Settled {
        /// The draft whose speech this is.
        id: u64,
        /// The answer so far (16 kHz mono).
        samples: Vec<f32>,
        /// The room's noise heard before the answer (as for a draft).
        noise: Option<NoiseSpectrum>,
    },
    /// The answer is over.
    Turn {
        /// The whole answer (16 kHz mono), with a little silence either side.
        samples: Vec<f32>,
        /// Where the speech started, ms from the start of the stream.
        start_ms: u64,
        /// Where it ended.
        end_ms: u64,
        /// How long the pause that ended it was (end of speech → turn sent), ms.
        end_of_turn_ms: u64,
        /// The draft holding the same speech, if nothing was said after it.
        same_as_draft: Option<u64>,
        /// The room's noise heard before the answer (as for a draft).
        noise: Option<NoiseSpectrum>,
    },
    /// The candidate started talking while the app was reading a reply aloud (raised by the
    /// live capture's [`BargeDetector`], never by the turn detector itself).
    BargeIn,
    /// The detector waits through a pause longer than the normal one (true), or stopped
    /// waiting (false).
    Waiting {
        /// Waiting because the candidate asked for time (not only an open sentence).
        thinking: bool,
        /// Whether it is waiting.
        on: bool,
    },
}

/// Silero's speech probability for each 16 ms frame. Silero reads 32 ms windows: each
/// window's probability goes to its second frame, and a window's first frame keeps the
/// previous window's (at most 16 ms late, well inside a syllable).
#[derive(Debug, Default)]
pub(crate) struct FrameScorer {
    silero: Silero,
    first_half: Option<[f32; FRAME]>,
    score: f32,
}

impl FrameScorer {
    /// The speech probability after this frame.
    pub(crate) fn score(&mut self, frame: &[f32; FRAME]) -> f32 {
        match self.first_half.take() {
            None => self.first_half = Some(*frame),
            Some(first) => {
                let mut window = [0.0f32; WINDOW];
                window[..FRAME].copy_from_slice(&first);
                window[FRAME..].copy_from_slice(frame);
                self.score = self.silero.predict(&window);
            }
        }
        self.score
    }
}

/// Turn detection over a stream of 16 kHz samples.
pub struct TurnDetector {
    vad: FrameScorer,
    settings: TurnSettings,
    pending: Vec<f32>,
    preroll: VecDeque<f32>,
    speech: Vec<f32>,
    /// Frames processed since the stream started.
    frames: u64,
    /// Frame where the current answer's speech started and last had speech.
    started: u64,
    last_speech: u64,
    quiet_ms: u32,
    drafts: u64,
    /// The newest draft while nothing was said after it.
    current_draft: Option<u64>,
    pause: Pause,
    /// A draft was handed over and its text has not come back yet: until it does, the pause
    /// cannot be judged, so the detector keeps listening, up to the longest pause (a busy
    /// machine transcribing slowly must not cut off a candidate who asked for time).
    awaiting_text: bool,
    /// The `Waiting` state last reported: `Some(asked_for_time)` while waiting.
    waiting: Option<bool>,
    /// The draft [`TurnEvent::Settled`] was last raised for (ids only grow).
    settled: Option<u64>,
    /// Speech frames in the current answer.
    voiced: u64,
    /// The detector's score of the newest frame.
    score: f32,
    /// The room's noise, learnt between answers.
    room: RoomNoise,
}

/// Appends `samples` to `pending` and hands each whole [`FRAME`] to `each`, clamped to
/// [-1, 1] (resampling can overshoot a little; the detector takes [-1, 1] only) with any
/// non-finite sample as silence; what is left over stays in `pending` for next time.
fn whole_frames(pending: &mut Vec<f32>, samples: &[f32], mut each: impl FnMut(&[f32; FRAME])) {
    pending.extend_from_slice(samples);
    let mut offset = 0;
    while pending.len() - offset >= FRAME {
        let mut frame = [0.0f32; FRAME];
        for (to, from) in frame.iter_mut().zip(&pending[offset..offset + FRAME]) {
            *to = if from.is_finite() {
                from.clamp(-1.0, 1.0)
            } else {
                0.0
            };
        }
        offset += FRAME;
        each(&frame);
    }
    pending.drain(..offset);
}

/// How the turn detector reads each whole 16 ms [`FRAME`] of `samples`: Silero's speech
/// probability, and whether the detector took the frame as speech (with the hysteresis
/// inside an answer, exactly as when it listens). For measuring the detector
/// against others (`cargo xtask bench`, the voice-activity section).
pub fn frame_readings(samples: &[f32], settings: TurnSettings) -> Vec<(f32, bool)> {
    let mut detector = TurnDetector::new(settings);
    let mut pending = Vec::new();
    let mut readings = Vec::with_capacity(samples.len() / FRAME);
    whole_frames(&mut pending, samples, |frame| {
        detector.frame(frame, &mut |_| {});
        readings.push((detector.score, detector.last_speech == detector.frames));
    });
    readings
}

/// Below this speech probability a frame between answers is the room's noise (well under
/// the threshold that ends speech inside an answer, so a word's fading end is not taken).
const ROOM_SCORE: f32 = 0.2;

/// Silence kept inside an answer's audio, however long the pause was.
const KEPT_SILENCE_MS: u32 = 600;

impl TurnDetector {
    /// A detector with these settings.
    pub fn new(settings: TurnSettings) -> Self {
        Self {
            vad: FrameScorer::default(),
            settings,
            pending: Vec::with_capacity(FRAME * 4),
            preroll: VecDeque::with_capacity(preroll_len() + FRAME),
            speech: Vec::new(),
            frames: 0,
            started: 0,
            last_speech: 0,
            quiet_ms: 0,
            drafts: 0,
            current_draft: None,
            pause: Pause::Finished,
            awaiting_text: false,
            waiting: None,
            settled: None,
            voiced: 0,
            score: 0.0,
            room: RoomNoise::new(),
        }
    }

    /// What the text of draft `id` calls for; ignored when speech has gone on since.
    pub fn hint(&mut self, id: u64, text: &str) {
        if self.current_draft == Some(id) {
            self.pause = pause_after(text);
            self.awaiting_text = false;
        }
    }

    /// Feeds samples (any amount); events go to `out` as they happen.
    pub fn push(&mut self, samples: &[f32], out: &mut impl FnMut(TurnEvent)) {
        let mut pending = std::mem::take(&mut self.pending);
        whole_frames(&mut pending, samples, |frame| self.frame(frame, out));
        self.pending = pending;
    }

    /// The stream ended: an answer in progress is handed over.
    pub fn finish(&mut self, out: &mut impl FnMut(TurnEvent)) {
        if !self.speech.is_empty() {
            let end_of_turn = u64::from(self.quiet_ms);
            self.end_turn(end_of_turn, out);
        }
    }

    fn frame(&mut self, frame: &[f32; FRAME], out: &mut impl FnMut(TurnEvent)) {
        let score = self.vad.score(frame);
        self.score = score;
        self.frames += 1;
        // Between answers, what is clearly not speech is the room.
        if self.settings.reduce_noise && self.speech.is_empty() && score < ROOM_SCORE {
            self.room.hear(frame);
        } else {
            self.room.interrupt();
        }
        // A little hysteresis: once speaking, a weaker frame still counts.
        let threshold = if self.speech.is_empty() {
            self.settings.speech_threshold
        } else {
            self.settings.speech_threshold - 0.15
        };
        if score >= threshold {
            // Only confident frames count as speech said; weaker ones only keep it going.
            if score >= self.settings.speech_threshold {
                self.voiced += 1;
            }
            if self.speech.is_empty() {
                // Speech from the stream's first moment (a recording that starts talking)
                // has no lead-in: silence stands in for it, since whisper mishears a first
                // word that starts at the very edge of its window.
                self.speech
                    .resize(preroll_len().saturating_sub(self.preroll.len()), 0.0);
                self.speech.extend(self.preroll.drain(..));
                self.started = self.frames - 1;
            }
            self.speech.extend_from_slice(frame);
            self.last_speech = self.frames;
            self.quiet_ms = 0;
            self.current_draft = None;
            self.pause = Pause::Finished;
            self.awaiting_text = false;
            if self.waiting.take().is_some() {
                out(TurnEvent::Waiting {
                    thinking: false,
                    on: false,
                });
            }
            return;
        }
        if self.speech.is_empty() {
            self.preroll.extend(frame.iter().copied());
            while self.preroll.len() > preroll_len() {
                self.preroll.pop_front();
            }
            return;
        }
        // A long pause is kept short in the audio (whisper skips or repeats across seconds
        // of silence); the timing still counts all of it.
        if self.quiet_ms < KEPT_SILENCE_MS {
            self.speech.extend_from_slice(frame);
        }
        self.quiet_ms += FRAME_MS;
        let settings = self.settings;
        if self.speech.len() as u64 * 1000 / u64::from(SAMPLE_RATE)
            >= u64::from(settings.max_turn_ms)
        {
            let end_of_turn = u64::from(self.quiet_ms);
            return self.end_turn(end_of_turn, out);
        }
        if self.quiet_ms >= settings.draft_pause_ms
            && self.quiet_ms < settings.draft_pause_ms + FRAME_MS
        {
            self.draft(out);
        }
        let limit = match self.pause {
            // The turn is sent with the draft's text anyway, so waiting for it costs a finished
            // answer nothing; cutting a slow draft off at the connective pause cut off candidates
            // who had asked for time while the machine was busy.
            _ if self.awaiting_text => settings.thinking_pause_ms.max(settings.pause_ms),
            Pause::Finished => settings.pause_ms,
            Pause::Connective => settings.connective_pause_ms,
            Pause::Thinking => settings.thinking_pause_ms,
        };
        if let Some(id) = self.current_draft.filter(|&id| {
            self.settled != Some(id)
                && !self.awaiting_text
                && self.pause == Pause::Finished
                && self.quiet_ms >= settings.pause_ms / 2
                && self.quiet_ms < limit
        }) {
            self.settled = Some(id);
            out(TurnEvent::Settled {
                id,
                samples: self.speech.clone(),
                noise: self.room.spectrum(),
            });
        }
        let thinking = self.pause == Pause::Thinking;
        if self.quiet_ms >= settings.pause_ms
            && self.quiet_ms < limit
            && self.waiting != Some(thinking)
        {
            self.waiting = Some(thinking);
            out(TurnEvent::Waiting { thinking, on: true });
        }
        if self.quiet_ms >= limit {
            let end_of_turn = u64::from(self.quiet_ms);
            self.end_turn(end_of_turn, out);
        }
    }

    /// How much of the answer so far was speech (not the pauses in it), ms.
    fn speech_ms(&self) -> u64 {
        self.voiced * u64::from(FRAME_MS)
    }

    fn draft(&mut self, out: &mut impl FnMut(TurnEvent)) {
        if self.speech_ms() < u64::from(self.settings.min_speech_ms) {
            return;
        }
        self.drafts += 1;
        self.current_draft = Some(self.drafts);
        self.awaiting_text = true;
        out(TurnEvent::Draft {
            id: self.drafts,
            samples: self.speech.clone(),
            start_ms: self.started * u64::from(FRAME_MS),
            end_ms: self.last_speech * u64::from(FRAME_MS),
            noise: self.room.spectrum(),
        });
    }

    fn end_turn(&mut self, end_of_turn_ms: u64, out: &mut impl FnMut(TurnEvent)) {
        let samples = std::mem::take(&mut self.speech);
        let long_enough = self.speech_ms() >= u64::from(self.settings.min_speech_ms);
        if self.waiting.take().is_some() {
            out(TurnEvent::Waiting {
                thinking: self.pause == Pause::Thinking,
                on: false,
            });
        }
        if long_enough {
            out(TurnEvent::Turn {
                samples,
                start_ms: self.started * u64::from(FRAME_MS),
                end_ms: self.last_speech * u64::from(FRAME_MS),
                end_of_turn_ms,
                same_as_draft: self.current_draft.take(),
                noise: self.room.spectrum(),
            });
        }
        self.current_draft = None;
        self.quiet_ms = 0;
        self.voiced = 0;
        self.pause = Pause::Finished;
        self.awaiting_text = false;
    }
}

/// Audio kept from before speech starts (its first consonant), ms: every answer whisper
/// reads starts this long before its first word.
pub const PREROLL_MS: u32 = 300;

/// [`PREROLL_MS`] in samples at 16 kHz.
pub fn preroll_len() -> usize {
    (SAMPLE_RATE * PREROLL_MS / 1000) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_and_a_steady_tone_are_not_speech() {
        let mut detector = TurnDetector::new(TurnSettings::default());
        let mut events = Vec::new();
        detector.push(&vec![0.0; SAMPLE_RATE as usize * 3], &mut |e| {
            events.push(e)
        });
        let hum: Vec<f32> = (0..SAMPLE_RATE as usize * 3)
            .map(|i| (i as f32 * 2.0 * std::f32::consts::PI * 60.0 / 16_000.0).sin() * 0.2)
            .collect();
        detector.push(&hum, &mut |e| events.push(e));
        detector.finish(&mut |e| events.push(e));
        assert!(events.is_empty(), "{:?}", events.len());
    }
}
