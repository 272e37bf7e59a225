//! Noise reduction before whisper: a spectral gain (decision-directed Wiener filter, after
//! Ephraim and Malah) with the room's noise spectrum learnt from what the microphone hears
//! between answers.
//!
//! tiny.en loses words under a fan's noise (docs/benchmarks.md, "Transcription"); taking the
//! steady part of the room's noise out of an answer before it is transcribed gives some of
//! them back and leaves clean speech as it was (the gain is 1 where the room is quiet). The
//! settings were chosen on the 48-clip corpus and checked on 24 held-out clips (other
//! sentences, voices and noise colours); the figures are in docs/benchmarks.md. It is off by
//! default (`communication.noise_reduction`): on the held-out clips it cost words in two
//! benchmark runs of two, while gaining them only on the corpus that chose its settings. When
//! it is on, the turn detector hears the room between answers ([`RoomNoise`], fed with frames
//! its voice detector scores as clearly not speech), and every draft and answer it hands over
//! carries a snapshot of it ([`NoiseSpectrum`]). Whisper reads an answer through [`reduce_noise`]:
//! cleaned when a room was heard, as it is otherwise. The audio kept as the answer's
//! recording is the raw one; only what whisper reads is cleaned.
//!
//! Hand-written because no maintained crate does this for us: `nnnoiseless` (RNNoise) was
//! measured and made primed transcription worse (docs/benchmarks.md), and the DeepFilterNet
//! crate on crates.io ships no inference. The FFT is `realfft`.

use std::borrow::Cow;
use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{RealFftPlanner, RealToComplex};

/// FFT size: 512 samples (32 ms at 16 kHz).
pub const FFT: usize = 512;
/// Hop between frames: 256 samples (16 ms), the turn detector's frame.
pub const HOP: usize = FFT / 2;
/// Frequency bins of a frame.
pub const BINS: usize = FFT / 2 + 1;

/// Frames of room (16 ms each) needed before the room's spectrum is trusted: 160 ms.
const MIN_ROOM_FRAMES: u32 = 10;
/// How fast the room's spectrum follows a change (a fan switched on): a time constant of
/// about two seconds of room.
const ROOM_FRAMES_REMEMBERED: u32 = 125;
/// Smoothing of the a priori SNR (decision-directed). Ephraim and Malah's 0.98 cut too
/// little noise for whisper (pink 10 dB: 18.2 % WER on the corpus, against 15.1 % at 0.7).
const SMOOTHING: f32 = 0.7;
/// The room's noise is taken as this much louder than measured, so that its peaks go too.
const OVERSUBTRACTION: f32 = 1.5;
/// The gain never goes below this (-14 dB): a deeper floor (0.1) lost more words.
const GAIN_FLOOR: f32 = 0.2;

/// The room's noise power per frequency bin (as seen through [`FFT`]-point frames). Cheap to
/// clone.
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseSpectrum(Arc<[f32]>);

impl NoiseSpectrum {
    /// The power of each of the [`BINS`] bins.
    pub fn power(&self) -> &[f32] {
        &self.0
    }
}

/// Learns the room's noise spectrum from frames without speech.
pub struct RoomNoise {
    forward: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    previous: Option<[f32; HOP]>,
    power: Vec<f32>,
    frames: u32,
}

impl std::fmt::Debug for RoomNoise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomNoise")
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl Default for RoomNoise {
    fn default() -> Self {
        Self::new()
    }
}

impl RoomNoise {
    /// Nothing heard yet.
    pub fn new() -> Self {
        Self {
            forward: RealFftPlanner::<f32>::new().plan_fft_forward(FFT),
            window: sqrt_hann(),
            previous: None,
            power: vec![0.0; BINS],
            frames: 0,
        }
    }

    /// Hears one [`HOP`]-sample frame of the room (no speech in it). Frames of digital silence
    /// (the microphone muted while the app speaks) are no room and are skipped.
    pub fn hear(&mut self, frame: &[f32; HOP]) {
        if frame.iter().all(|s| *s == 0.0) {
            self.previous = None;
            return;
        }
        let Some(previous) = self.previous.replace(*frame) else {
            return;
        };
        let pair: Vec<f32> = previous.iter().chain(frame.iter()).copied().collect();
        let Some(spectrum) = windowed_spectrum(&*self.forward, &self.window, &pair) else {
            return;
        };
        self.frames = self.frames.saturating_add(1);
        // A plain mean until enough frames, then an exponential one.
        let weight = 1.0 / self.frames.min(ROOM_FRAMES_REMEMBERED) as f32;
        for (kept, bin) in self.power.iter_mut().zip(&spectrum) {
            *kept += weight * (bin.norm_sqr() - *kept);
        }
    }

    /// The spectrum of a recording of the room alone (no speech in it), e.g. the second
    /// before an answer; None when it is too short or digital silence.
    pub fn of(samples: &[f32]) -> Option<NoiseSpectrum> {
        let mut room = Self::new();
        for chunk in samples.chunks_exact(HOP) {
            let mut frame = [0.0; HOP];
            frame.copy_from_slice(chunk);
            room.hear(&frame);
        }
        room.spectrum()
    }

    /// A break in the room (speech came): the next frame starts a new pair.
    pub fn interrupt(&mut self) {
        self.previous = None;
    }

    /// The room's spectrum, once enough of it was heard.
    pub fn spectrum(&self) -> Option<NoiseSpectrum> {
        (self.frames >= MIN_ROOM_FRAMES).then(|| NoiseSpectrum(self.power.clone().into()))
    }
}

/// The square root of a periodic Hann window: used for analysis and synthesis, so that with
/// a half-frame hop the two multiply to a Hann window, whose overlaps sum to exactly one.
fn sqrt_hann() -> Vec<f32> {
    (0..FFT)
        .map(|i| {
            let phase = 2.0 * std::f32::consts::PI * i as f32 / FFT as f32;
            (0.5 - 0.5 * phase.cos()).sqrt()
        })
        .collect()
}

/// The spectrum of one [`FFT`]-sample frame through `window` (the analysis of both the room
/// and the answer). None only if the plan and the sizes disagree, which they cannot.
fn windowed_spectrum(
    fft: &dyn RealToComplex<f32>,
    window: &[f32],
    frame: &[f32],
) -> Option<Vec<Complex32>> {
    let mut input: Vec<f32> = frame.iter().zip(window).map(|(s, w)| s * w).collect();
    let mut spectrum = fft.make_output_vec();
    fft.process(&mut input, &mut spectrum).ok()?;
    Some(spectrum)
}

/// What whisper reads of an answer: with a room heard before it (`room`), the answer with
/// that room's steady noise taken out; without one (digital silence before it, a clean
/// source, speech from the stream's first moment), the answer as it is. (The answer's own
/// quiet frames once stood in for a missing room; measured with the lead-in the turn
/// detector gives every answer, that cost clean speech words on both clip sets,
/// docs/benchmarks.md.) Same length as `samples`.
pub fn reduce_noise<'a>(samples: &'a [f32], room: Option<&NoiseSpectrum>) -> Cow<'a, [f32]> {
    let Some(noise) = room.map(NoiseSpectrum::power) else {
        return Cow::Borrowed(samples);
    };
    if samples.len() < FFT || noise.len() != BINS {
        return Cow::Borrowed(samples);
    }
    let mut planner = RealFftPlanner::<f32>::new();
    let forward = planner.plan_fft_forward(FFT);
    let inverse = planner.plan_fft_inverse(FFT);
    let window = sqrt_hann();
    // Padded by a hop on each side so every sample lies in two frames.
    let mut padded = vec![0.0f32; HOP];
    padded.extend(samples.iter().map(|s| if s.is_finite() { *s } else { 0.0 }));
    padded.resize(padded.len().div_ceil(HOP) * HOP + HOP, 0.0);
    let frames = (padded.len() - FFT) / HOP + 1;
    let mut spectra: Vec<Vec<Complex32>> = Vec::with_capacity(frames);
    for f in 0..frames {
        match windowed_spectrum(&*forward, &window, &padded[f * HOP..f * HOP + FFT]) {
            Some(spectrum) => spectra.push(spectrum),
            None => return Cow::Borrowed(samples),
        }
    }
    // Decision-directed a priori SNR, frame by frame.
    let mut last_clean = vec![0.0f32; BINS];
    for spectrum in &mut spectra {
        for (k, bin) in spectrum.iter_mut().enumerate() {
            let n = (noise[k] * OVERSUBTRACTION).max(1e-12);
            let posterior = bin.norm_sqr() / n;
            let prior =
                SMOOTHING * last_clean[k] / n + (1.0 - SMOOTHING) * (posterior - 1.0).max(0.0);
            let gain = (prior / (1.0 + prior)).max(GAIN_FLOOR);
            *bin *= gain;
            last_clean[k] = bin.norm_sqr();
        }
    }
    let mut out = vec![0.0f32; padded.len()];
    let mut frame = inverse.make_output_vec();
    for (f, spectrum) in spectra.iter_mut().enumerate() {
        // A real signal's DC and Nyquist bins are real; the gain keeps them so.
        if inverse.process(spectrum, &mut frame).is_err() {
            return Cow::Borrowed(samples);
        }
        for (i, (sample, w)) in frame.iter().zip(&window).enumerate() {
            out[f * HOP + i] += sample * w / FFT as f32;
        }
    }
    out.drain(..HOP);
    out.truncate(samples.len());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use mockint_tests::speech::rms;

    use super::*;

    #[test]
    fn without_a_room_whisper_reads_the_answer_as_it_is() {
        let answer = tone(440.0, 0.3, 16_000);
        assert!(matches!(reduce_noise(&answer, None), Cow::Borrowed(a) if a == answer.as_slice()));
        let room = RoomNoise::of(&tone(100.0, 0.01, 16_000)).expect("a room");
        assert_eq!(reduce_noise(&answer, Some(&room)).len(), answer.len());
    }

    fn tone(hz: f32, amplitude: f32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (i as f32 * 2.0 * std::f32::consts::PI * hz / 16_000.0).sin() * amplitude)
            .collect()
    }

    /// A reproducible white noise (xorshift).
    fn hiss(amplitude: f32, n: usize) -> Vec<f32> {
        let mut state = 0x2545_f491_u32;
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f32 / u32::MAX as f32 * 2.0 - 1.0) * amplitude
            })
            .collect()
    }

    fn room_of(noise: &[f32]) -> NoiseSpectrum {
        RoomNoise::of(noise).expect("enough room")
    }

    #[test]
    fn without_noise_the_signal_comes_back_as_it_was() {
        let signal = tone(440.0, 0.3, 16_000);
        let silent_room = room_of(&vec![1e-7; 16_000]);
        let out = reduce_noise(&signal, Some(&silent_room));
        assert_eq!(out.len(), signal.len());
        let error: Vec<f32> = out.iter().zip(&signal).map(|(a, b)| a - b).collect();
        assert!(rms(&error) < 1e-3 * rms(&signal), "{}", rms(&error));
    }

    #[test]
    fn the_room_noise_is_taken_out_and_the_voice_kept() {
        let n = 32_000;
        let voice = tone(300.0, 0.2, n);
        let noise = hiss(0.1, n + 16_000);
        let room = room_of(&noise[n..]);
        let noisy: Vec<f32> = voice.iter().zip(&noise).map(|(v, h)| v + h).collect();
        let out = reduce_noise(&noisy, Some(&room));
        let left: Vec<f32> = out.iter().zip(&voice).map(|(o, v)| o - v).collect();
        let before: Vec<f32> = noisy.iter().zip(&voice).map(|(o, v)| o - v).collect();
        // What is not the voice is at least 10 dB down, and the voice keeps its level.
        assert!(
            rms(&left) < rms(&before) / 3.0,
            "{} vs {}",
            rms(&left),
            rms(&before)
        );
        assert!(
            (rms(&out) / rms(&voice) - 1.0).abs() < 0.15,
            "{}",
            rms(&out)
        );
    }

    #[test]
    fn short_odd_and_muted_input_is_handled() {
        let hum = RoomNoise::of(&hiss(0.05, 16_000)).expect("a room");
        assert!(reduce_noise(&[], Some(&hum)).is_empty());
        assert_eq!(*reduce_noise(&[0.5; 100], Some(&hum)), [0.5; 100]);
        assert_eq!(*reduce_noise(&[0.0; 1_000], Some(&hum)), [0.0; 1_000]);
        let odd = hiss(0.1, 1_234);
        assert_eq!(reduce_noise(&odd, Some(&hum)).len(), 1_234);
        // A muted microphone is no room.
        let mut room = RoomNoise::new();
        for _ in 0..100 {
            room.hear(&[0.0; HOP]);
        }
        assert!(room.spectrum().is_none());
    }
}
