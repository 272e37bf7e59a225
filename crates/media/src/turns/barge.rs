//! Barge-in: while the app reads a reply aloud, the microphone hears the room — the
//! interviewer's own voice from the speakers (echo) and perhaps the candidate starting to
//! talk over it. This decides when the candidate is talking, so the app stops speaking and
//! takes the answer from its first word.
//!
//! The app knows when it speaks, so everything heard then that is not the candidate teaches
//! the detector how loud the echo is here (nothing on a headset, a lot on laptop speakers).
//! The speech service starts playing a little after it is asked to (speech-dispatcher: up to
//! half a second), so the first speech heard early in a reply is taken as its echo and learnt
//! before anything is judged; otherwise the reply's first word, louder than the silence
//! before it, interrupted the reply. The echo level is the loudest level of the last three
//! seconds, leaving out the newest 192 ms so a voice rising into its first word is not its
//! own reference. A frame counts as the candidate only when the trained detector calls it
//! speech *and* its level (over 64 ms) stands 1.5× above that echo; four such frames of six
//! is a barge-in. A candidate no louder than the speakers at the microphone is not told apart
//! from them. The audio heard meanwhile (the last second) is kept, so the answer handed on
//! starts before the first word. Behind the platform's echo canceller ([`crate::echo`],
//! opt-in) what is left of the echo swings as the canceller adapts, so the candidate must
//! stand 3× above it.

use std::collections::VecDeque;

use super::{whole_frames, FrameScorer, FRAME};
use crate::transcribe::SAMPLE_RATE;

/// Frames (16 ms) at the start of a reply during which the echo level is only learnt.
const LEARN_FRAMES: usize = 10;
/// The speech service starts playing a while after the app asks it to speak (100–500 ms for
/// speech-dispatcher), so the reply's echo may arrive after [`LEARN_FRAMES`]: the first
/// speech heard within this long of the reply's start (1.5 s) is taken as its echo...
const ECHO_ONSET_FRAMES: usize = 94;
/// ...and its first 400 ms are learnt, not judged. (A candidate on a headset who starts
/// talking that early is taken for the echo, and is heard once louder than that start or
/// three seconds later.)
const ONSET_LEARN_FRAMES: usize = 25;
/// How far (RMS ratio) the candidate's voice must stand above the loudest recent echo.
const ABOVE_ECHO: f32 = 1.5;
/// The same behind the platform's echo canceller: what it leaves of the echo swings more
/// than the echo itself as it adapts (a third of the replies interrupted themselves at 1.5×).
const ABOVE_CANCELLED_ECHO: f32 = 3.0;
/// How long the loudest echo is remembered: 3 s (a pause between the reply's sentences does
/// not make the next one a barge-in).
const ECHO_FRAMES: usize = 188;
/// The newest levels left out of the echo reference (192 ms): a candidate's voice rising
/// into its first word must not become the level it is compared with.
const RECENT_FRAMES: usize = 12;
/// Frames averaged for a level (64 ms): single frames swing too much within a word.
const LEVEL_FRAMES: usize = 4;
/// Quietest level that can be the candidate (RMS): far below normal speech.
const MIN_RMS: f32 = 0.004;
/// Silero's probability at or above which a frame is speech.
const SPEECH_SCORE: f32 = 0.5;
/// Of the last [`WINDOW_FRAMES`] frames, how many must be the candidate: 4 of 6 (96 ms).
const RUN_FRAMES: u32 = 4;
const WINDOW_FRAMES: usize = 6;
/// Audio kept while the app speaks, so a barge-in keeps its first word: one second.
const KEPT_SAMPLES: usize = SAMPLE_RATE as usize;
/// Audio handed on from before the first speech frame of a barge-in: 250 ms (a soft onset
/// the detector missed, not the echo before it).
const LEAD_SAMPLES: usize = SAMPLE_RATE as usize / 4;

/// Watches what the microphone hears while the app speaks.
pub struct BargeDetector {
    vad: FrameScorer,
    pending: Vec<f32>,
    kept: VecDeque<f32>,
    /// Levels (RMS over [`LEVEL_FRAMES`]) of the last [`ECHO_FRAMES`] frames.
    levels: VecDeque<f32>,
    /// Mean squares of the last frames, for the level.
    squares: VecDeque<f32>,
    /// Whether each of the last frames sounded like the candidate.
    window: VecDeque<bool>,
    /// Frames since the first of the current run of candidate frames.
    run: u32,
    /// Frames heard since the reply started.
    frames: usize,
    /// The frame at which speech was first heard during the reply, if it was.
    first_speech: Option<usize>,
    /// How far the candidate must stand above the echo.
    above_echo: f32,
}

impl Default for BargeDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl BargeDetector {
    /// A detector for a reply about to be spoken.
    pub fn new() -> Self {
        Self::with_margin(ABOVE_ECHO)
    }

    /// A detector for a microphone heard through the platform's echo canceller.
    pub fn behind_canceller() -> Self {
        Self::with_margin(ABOVE_CANCELLED_ECHO)
    }

    fn with_margin(above_echo: f32) -> Self {
        Self {
            vad: FrameScorer::default(),
            pending: Vec::new(),
            kept: VecDeque::with_capacity(KEPT_SAMPLES),
            levels: VecDeque::with_capacity(ECHO_FRAMES),
            squares: VecDeque::with_capacity(LEVEL_FRAMES),
            window: VecDeque::with_capacity(WINDOW_FRAMES),
            run: 0,
            frames: 0,
            first_speech: None,
            above_echo,
        }
    }

    /// A new reply starts: the echo is learnt again.
    pub fn reset(&mut self) {
        *self = Self::with_margin(self.above_echo);
    }

    /// Feeds 16 kHz audio heard while the app speaks; true once the candidate is talking over
    /// it (then [`BargeDetector::take`] hands over what was heard).
    pub fn push(&mut self, samples: &[f32]) -> bool {
        let mut pending = std::mem::take(&mut self.pending);
        let mut barged = false;
        whole_frames(&mut pending, samples, |frame| barged |= self.frame(frame));
        self.pending = pending;
        barged
    }

    fn frame(&mut self, frame: &[f32; FRAME]) -> bool {
        self.kept.extend(frame.iter().copied());
        while self.kept.len() > KEPT_SAMPLES {
            self.kept.pop_front();
        }
        let score = self.vad.score(frame);
        self.squares
            .push_back(frame.iter().map(|s| s * s).sum::<f32>() / FRAME as f32);
        if self.squares.len() > LEVEL_FRAMES {
            self.squares.pop_front();
        }
        let level = (self.squares.iter().sum::<f32>() / self.squares.len() as f32).sqrt();
        self.levels.push_back(level);
        if self.levels.len() > ECHO_FRAMES {
            self.levels.pop_front();
        }
        self.frames += 1;
        if self.first_speech.is_none() && score >= SPEECH_SCORE && level >= MIN_RMS {
            self.first_speech = Some(self.frames);
        }
        let echo_onset = self.first_speech.is_some_and(|first| {
            first <= ECHO_ONSET_FRAMES && self.frames < first + ONSET_LEARN_FRAMES
        });
        if self.frames <= LEARN_FRAMES || echo_onset {
            return false;
        }
        // The loudest echo heard, leaving out the newest moments (once there are enough).
        let older = self
            .levels
            .len()
            .saturating_sub(RECENT_FRAMES)
            .max(LEARN_FRAMES);
        let echo = self
            .levels
            .iter()
            .take(older)
            .fold(0.0f32, |a, b| a.max(*b));
        let candidate = score >= SPEECH_SCORE && level >= (echo * self.above_echo).max(MIN_RMS);
        self.window.push_back(candidate);
        if self.window.len() > WINDOW_FRAMES {
            self.window.pop_front();
        }
        let voiced = self.window.iter().filter(|v| **v).count() as u32;
        self.run = if voiced == 0 { 0 } else { self.run + 1 };
        voiced >= RUN_FRAMES
    }

    /// What was heard from a little before the candidate started (and what is not yet a
    /// whole frame), to hand to the turn detector after a barge-in.
    pub fn take(&mut self) -> Vec<f32> {
        let wanted = (self.run as usize * FRAME + LEAD_SAMPLES).min(self.kept.len());
        let skip = self.kept.len() - wanted;
        let mut heard: Vec<f32> = self.kept.drain(..).skip(skip).collect();
        heard.append(&mut self.pending);
        self.run = 0;
        heard
    }
}
