//! Local transcription with whisper-rs: audio is read (WAV via hound), downmixed and
//! resampled to 16 kHz mono (rubato), then transcribed in English.
//!
//! Decoding never hands over a loop: whisper.cpp's temperature fallback (entropy and
//! log-probability thresholds) runs on every segment, non-speech tokens are suppressed, and a
//! result that still looks degenerate (more words per second than anyone speaks, a phrase
//! repeated over and over) is decoded again over the full 30 s context and, failing that,
//! cut to its first occurrence. What whisper says over silence ("Thank you.", "you") is
//! not speech.

use std::path::Path;
use std::time::Instant;

use rubato::{
    Resampler as _, SincFixedIn, SincInterpolationParameters, SincInterpolationType, WindowFunction,
};
use serde::Serialize;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use crate::TranscribeError;

/// Whisper's sample rate.
pub const SAMPLE_RATE: u32 = 16_000;

/// The words system-design answers are full of, which whisper is primed with by default so
/// that it spells them as meant ("cache", not "cash"; "API gateway", not "API gate which").
/// The app adds the problem's own concepts ([`Transcriber::transcribe_with_prompt`]).
pub const INTERVIEW_VOCABULARY: &str = "A system design interview: requirements, QPS, latency, p99, cache, Redis, Memcached, CDN, load balancer, API gateway, REST, gRPC, Kafka, queue, Postgres, MySQL, Cassandra, DynamoDB, sharding, partitions, replicas, consistent hashing, idempotency, rate limiting, microservices.";

/// The resampling filter shared by whole recordings and the live stream.
fn sinc_parameters() -> SincInterpolationParameters {
    SincInterpolationParameters {
        sinc_len: 128,
        f_cutoff: 0.95,
        interpolation: SincInterpolationType::Linear,
        oversampling_factor: 128,
        window: WindowFunction::BlackmanHarris2,
    }
}

/// One timed piece of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Start, ms from the beginning of the audio.
    pub start_ms: u64,
    /// End, ms from the beginning of the audio.
    pub end_ms: u64,
    /// The words.
    pub text: String,
}

/// A transcription with its timing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transcript {
    /// All the text.
    pub text: String,
    /// Timed segments.
    pub segments: Vec<Segment>,
    /// Length of the audio in ms.
    pub audio_ms: u64,
    /// Time spent transcribing (model load excluded), in ms.
    pub processing_ms: u64,
}

/// Reads a WAV file as 16 kHz mono samples.
pub fn read_wav(path: &Path) -> Result<Vec<f32>, TranscribeError> {
    let shown = path.display();
    let mut reader = hound::WavReader::open(path).map_err(|error| {
        TranscribeError::Audio(format!("{shown} is not a readable WAV file: {error}"))
    })?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(TranscribeError::Audio(format!(
            "{shown} has no channels or no sample rate"
        )));
    }
    let samples: Result<Vec<f32>, _> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().collect(),
        hound::SampleFormat::Int => {
            let scale = (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 / scale))
                .collect()
        }
    };
    let samples =
        samples.map_err(|error| TranscribeError::Audio(format!("{shown} is damaged: {error}")))?;
    let channels = usize::from(spec.channels);
    let mono: Vec<f32> = samples
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
        .collect();
    if mono.is_empty() {
        return Err(TranscribeError::Audio(format!("{shown} holds no audio")));
    }
    resample(&mono, spec.sample_rate)
}

/// Resamples mono audio to 16 kHz.
pub fn resample(samples: &[f32], rate: u32) -> Result<Vec<f32>, TranscribeError> {
    if rate == SAMPLE_RATE {
        return Ok(samples.to_vec());
    }
    let params = sinc_parameters();
    let chunk = 4096;
    let ratio = f64::from(SAMPLE_RATE) / f64::from(rate);
    let mut resampler = SincFixedIn::<f32>::new(ratio, 1.1, params, chunk, 1).map_err(|error| {
        TranscribeError::Audio(format!("cannot resample from {rate} Hz: {error}"))
    })?;
    let mut out = Vec::with_capacity((samples.len() as f64 * ratio) as usize + chunk);
    let mut pieces = samples.chunks_exact(chunk);
    for piece in pieces.by_ref() {
        let done = resampler
            .process(&[piece], None)
            .map_err(|error| TranscribeError::Audio(error.to_string()))?;
        out.extend_from_slice(&done[0]);
    }
    let rest = pieces.remainder();
    if !rest.is_empty() {
        let done = resampler
            .process_partial(Some(&[rest]), None)
            .map_err(|error| TranscribeError::Audio(error.to_string()))?;
        out.extend_from_slice(&done[0]);
    }
    Ok(out)
}

/// Resampling of a stream to 16 kHz, a piece at a time (the microphone's rate is the
/// device's).
pub struct StreamResampler {
    resampler: Option<SincFixedIn<f32>>,
    pending: Vec<f32>,
}

/// Input frames per resampling step.
const STREAM_CHUNK: usize = 1024;

impl StreamResampler {
    /// A resampler from `rate` to 16 kHz.
    pub fn new(rate: u32) -> Result<Self, TranscribeError> {
        if rate == SAMPLE_RATE {
            return Ok(Self {
                resampler: None,
                pending: Vec::new(),
            });
        }
        let params = sinc_parameters();
        let ratio = f64::from(SAMPLE_RATE) / f64::from(rate);
        let resampler =
            SincFixedIn::<f32>::new(ratio, 1.1, params, STREAM_CHUNK, 1).map_err(|error| {
                TranscribeError::Audio(format!("cannot resample from {rate} Hz: {error}"))
            })?;
        Ok(Self {
            resampler: Some(resampler),
            pending: Vec::with_capacity(STREAM_CHUNK * 2),
        })
    }

    /// Takes samples at the input rate; returns what is ready at 16 kHz.
    pub fn push(&mut self, samples: &[f32]) -> Vec<f32> {
        let Some(resampler) = self.resampler.as_mut() else {
            return samples.to_vec();
        };
        self.pending.extend_from_slice(samples);
        let mut out = Vec::new();
        let mut used = 0;
        while self.pending.len() - used >= STREAM_CHUNK {
            if let Ok(done) = resampler.process(&[&self.pending[used..used + STREAM_CHUNK]], None) {
                out.extend_from_slice(&done[0]);
            }
            used += STREAM_CHUNK;
        }
        self.pending.drain(..used);
        out
    }
}

/// A loaded whisper model, reused for every utterance.
pub struct Transcriber {
    context: WhisperContext,
    threads: i32,
    trim_audio_context: bool,
    prompt: String,
}

impl Transcriber {
    /// Loads a ggml model (quietly: whisper.cpp's logging is routed away from stderr).
    pub fn load(path: &Path) -> Result<Self, TranscribeError> {
        whisper_rs::install_logging_hooks();
        if !path.is_file() {
            return Err(TranscribeError::Model {
                path: path.display().to_string(),
                cause: "not found (run `mockint model provision`)".into(),
            });
        }
        let context = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|error| TranscribeError::Model {
                path: path.display().to_string(),
                cause: error.to_string(),
            })?;
        tracing::info!("whisper model loaded ({})", system_info().trim());
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().min(4) as i32)
            .unwrap_or(2);
        Ok(Self {
            context,
            threads,
            trim_audio_context: true,
            prompt: INTERVIEW_VOCABULARY.to_string(),
        })
    }

    /// Uses `threads` CPU threads (at least 1).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = i32::try_from(threads.max(1)).unwrap_or(1);
        self
    }

    /// Encodes only as much audio context as the utterance needs (plus a margin, see
    /// `TRIM_MARGIN_SECONDS`) instead of the full 30 s window (the default): more than twice
    /// as fast for a 5 s answer, and as accurate on the corpus and held-out clips. `false`
    /// encodes the full window.
    pub fn with_trimmed_audio_context(mut self, trim: bool) -> Self {
        self.trim_audio_context = trim;
        self
    }

    /// Words the model is primed with by default ([`INTERVIEW_VOCABULARY`] unless set), so
    /// that technical terms are spelled as the candidate means them; "" primes with nothing.
    pub fn with_prompt(mut self, prompt: &str) -> Self {
        self.prompt = prompt.chars().take(MAX_PROMPT_CHARS).collect();
        self
    }

    /// What the model is primed with by default ([`Transcriber::with_prompt`]).
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    /// Transcribes 16 kHz mono samples; see the module doc for the guards.
    pub fn transcribe(&self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        self.transcribe_with_prompt(samples, &self.prompt)
    }

    /// Transcribes 16 kHz mono samples primed with `prompt` (an interview's vocabulary; cut
    /// to whisper's limit) instead of the default.
    pub fn transcribe_with_prompt(
        &self,
        samples: &[f32],
        prompt: &str,
    ) -> Result<Transcript, TranscribeError> {
        let margin = self.trim_audio_context.then_some(TRIM_MARGIN_SECONDS);
        self.read(samples, prompt, margin)
    }

    /// A quicker read for a draft that is only shown, when another model reads the answer
    /// that is sent: the audio context is trimmed to the answer plus [`DRAFT_MARGIN_SECONDS`]
    /// instead of [`TRIM_MARGIN_SECONDS`] (about 85 ms less encoding per draft), with the same
    /// guards.
    pub fn transcribe_draft(
        &self,
        samples: &[f32],
        prompt: &str,
    ) -> Result<Transcript, TranscribeError> {
        let margin = self.trim_audio_context.then_some(DRAFT_MARGIN_SECONDS);
        self.read(samples, prompt, margin)
    }

    /// Reads `samples` over the answer plus `margin` seconds of audio context (None: the full
    /// window), with the guards of the module doc.
    fn read(
        &self,
        samples: &[f32],
        prompt: &str,
        margin: Option<f64>,
    ) -> Result<Transcript, TranscribeError> {
        let started = Instant::now();
        let prompt: String = prompt.chars().take(MAX_PROMPT_CHARS).collect();
        let mut transcript = self.decode(samples, margin, &prompt)?;
        if degenerate(&transcript.text, samples.len()) && margin.is_some() {
            tracing::info!("a degenerate transcription was decoded again over the full context");
            transcript = self.decode(samples, None, &prompt)?;
        }
        if !prompt.is_empty() && too_few_words(&transcript.text, samples.len()) {
            // A vocabulary that does not fit what was said can make whisper drop it all.
            let plain = self.decode(samples, margin, "")?;
            if plain.text.split_whitespace().count() > transcript.text.split_whitespace().count() {
                tracing::info!("a primed decode heard almost nothing; decoded again unprimed");
                transcript = plain;
            }
        }
        if degenerate(&transcript.text, samples.len()) {
            transcript.text = first_occurrence(&transcript.text);
            transcript.segments.truncate(1);
        }
        if is_hallucination(&transcript.text) {
            transcript.text.clear();
            transcript.segments.clear();
        }
        transcript.processing_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(transcript)
    }

    fn decode(
        &self,
        samples: &[f32],
        margin: Option<f64>,
        prompt: &str,
    ) -> Result<Transcript, TranscribeError> {
        let started = Instant::now();
        let mut state = self
            .context
            .create_state()
            .map_err(|error| TranscribeError::Whisper(error.to_string()))?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.threads);
        params.set_language(Some("en"));
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_print_special(false);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        // whisper.cpp's fallback: a segment whose entropy or mean log-probability is off is
        // decoded again at a higher temperature (defaults of the reference implementation).
        params.set_temperature(0.0);
        params.set_temperature_inc(0.2);
        params.set_entropy_thold(2.4);
        params.set_logprob_thold(-1.0);
        params.set_no_speech_thold(0.6);
        if !prompt.is_empty() {
            params.set_initial_prompt(prompt);
        }
        // whisper needs at least one second of audio; pad short utterances with silence.
        let mut audio = samples.to_vec();
        if audio.len() < SAMPLE_RATE as usize {
            audio.resize(SAMPLE_RATE as usize + SAMPLE_RATE as usize / 10, 0.0);
        }
        // An answer that fits whisper's 30 s window is read in one pass, as one segment.
        // Otherwise whisper.cpp may start another pass (a whole encode) at the last timestamp
        // it decoded, over the answer's trailing silence: at an 8 s margin one pass took 490
        // against 581 ms per clip on the corpus, same words. Longer audio keeps the passes,
        // which follow the timestamps instead of cutting words at the window's edge.
        let one_window = audio.len() <= WINDOW_SAMPLES;
        params.set_single_segment(one_window);
        if let Some(margin) = margin {
            // 1500 frames cover 30 s; keep a margin over the audio (see TRIM_MARGIN_SECONDS).
            let seconds = audio.len() as f64 / f64::from(SAMPLE_RATE) + margin;
            let frames = ((seconds / 30.0) * 1500.0).ceil().clamp(128.0, 1500.0);
            params.set_audio_ctx(frames as i32);
        }
        state
            .full(params, &audio)
            .map_err(|error| TranscribeError::Whisper(error.to_string()))?;
        let mut segments = Vec::new();
        for segment in state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|error| TranscribeError::Whisper(error.to_string()))?;
            let text = tidy_segment(&text).to_string();
            if text.is_empty() {
                continue;
            }
            // (A single segment ends where the window does, past the audio.)
            let end_ms = u64::try_from(segment.end_timestamp()).unwrap_or(0) * 10;
            segments.push(Segment {
                start_ms: u64::try_from(segment.start_timestamp()).unwrap_or(0) * 10,
                end_ms: end_ms.min(audio_ms(samples.len())),
                text,
            });
        }
        let text = segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcript {
            text,
            segments,
            audio_ms: audio_ms(samples.len()),
            processing_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    }
}

/// Audio context encoded beyond the answer when the context is trimmed. Read in one pass
/// (single segment), the 48 corpus and 24 held-out clips (q8_0, 2 threads, same run) took
/// 290 / 432 ms with 1 s, 321 / 345 ms with 2 s, 366 / 442 ms with 5 s and 490 / 518 ms with
/// 8 s, at 7.3 / 26.4 %, 7.4 / 25.6 %, 7.3 / 22.8 % and 7.2 / 23.3 % WER: below 5 s whisper
/// misheard the first words of held-out clips ("Messages go into a QS owner"). Read in
/// several passes, 1 s looped on many clips (the sentence again and again) and 8 s was needed.
pub const TRIM_MARGIN_SECONDS: f64 = 5.0;

/// The margin of a draft that is only shown ([`Transcriber::transcribe_draft`]). At 2 s the
/// measurements above read the corpus as well as at 5 s (7.4 against 7.3 %) and held-out clips
/// a little worse (25.6 against 22.8 %, first words misheard); a draft's text is replaced by
/// the answer model's when the answer is sent, and what it is used for besides showing it,
/// whether the answer looks finished, reads its end.
pub const DRAFT_MARGIN_SECONDS: f64 = 2.0;

/// Whisper's window: 30 s at 16 kHz.
const WINDOW_SAMPLES: usize = 30 * SAMPLE_RATE as usize;

/// The CPU features whisper.cpp was compiled to use ("CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 |
/// …"): the build targets a portable baseline (`GGML_NATIVE=OFF` in `.cargo/config.toml`), so
/// no AVX-512 appears even when the build machine has it.
pub fn system_info() -> &'static str {
    whisper_rs::print_system_info()
}

/// The length of `samples` at 16 kHz, in ms.
fn audio_ms(samples: usize) -> u64 {
    samples as u64 * 1000 / u64::from(SAMPLE_RATE)
}

/// Longest priming prompt (whisper keeps at most half its context for it).
const MAX_PROMPT_CHARS: usize = 600;

pub use crate::guard::{
    degenerate, draft_instead, first_occurrence, is_hallucination, tidy_segment, too_few_words,
};
