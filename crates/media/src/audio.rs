//! Microphone capture (cpal), conversion to 16 kHz mono, turn detection ([`crate::turns`],
//! shared with `mockint listen`), and WAV writing (hound). The segmentation is tested on real
//! speech in `tests/turns.rs`, `tests/live_audio.rs` and `tests/speech.rs`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait as _, HostTrait as _, StreamTrait as _};

use crate::transcribe::{resample, StreamResampler, SAMPLE_RATE};
use crate::turns::{BargeDetector, TurnDetector, TurnEvent, TurnSettings};

/// Why audio could not be captured or written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AudioError {
    /// No input device.
    #[error("no microphone found: {0}")]
    NoDevice(String),
    /// The device failed.
    #[error("audio capture failed: {0}")]
    Capture(String),
    /// The file could not be written.
    #[error("cannot write {path}: {cause}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        cause: String,
    },
    /// The platform's echo canceller cannot be used (the microphone works without it).
    #[error("no echo cancellation: {0}")]
    EchoCancel(String),
}

/// The names of the input devices.
pub fn input_devices() -> Vec<String> {
    let host = cpal::default_host();
    host.input_devices()
        .map(|devices| {
            devices
                .filter_map(|d| d.description().ok().map(|desc| desc.name().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The named input device, or the default one.
fn input_device(name: Option<&str>) -> Result<cpal::Device, AudioError> {
    let host = cpal::default_host();
    match name {
        Some(name) => host
            .input_devices()
            .map_err(|e| AudioError::NoDevice(e.to_string()))?
            .find(|d| d.description().is_ok_and(|desc| desc.name() == name))
            .ok_or_else(|| {
                AudioError::NoDevice(format!(
                    "no input device named '{}' (is it unplugged?)",
                    name.chars().take(80).collect::<String>()
                ))
            }),
        None => host
            .default_input_device()
            .ok_or_else(|| AudioError::NoDevice("the system has no default input device".into())),
    }
}

/// Records from the default (or named) input until `seconds` of audio arrived or
/// `seconds + 10` seconds passed; returns 16 kHz mono samples.
pub fn record(seconds: f64, device_name: Option<&str>) -> Result<Vec<f32>, AudioError> {
    let (stream, receiver, rate) = open_input(device_name)?;
    let wanted = (seconds * f64::from(rate)) as usize;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds + 10.0);
    let mut samples = Vec::with_capacity(wanted);
    while samples.len() < wanted && Instant::now() < deadline {
        if let Ok((_, chunk)) = receiver.recv_timeout(Duration::from_millis(200)) {
            samples.extend(chunk);
        }
    }
    drop(stream);
    samples.truncate(wanted);
    if samples.is_empty() {
        return Err(AudioError::Capture(
            "no audio arrived from the input device".into(),
        ));
    }
    resample(&samples, rate).map_err(|e| AudioError::Capture(e.to_string()))
}

fn downmix(data: impl Iterator<Item = f32>, channels: usize) -> Vec<f32> {
    let all: Vec<f32> = data.collect();
    all.chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
        .collect()
}

/// Writes 16 kHz mono samples as a 16-bit WAV file.
pub fn write_wav(samples: &[f32], path: &Path) -> Result<(), AudioError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let fail = |e: hound::Error| AudioError::Write {
        path: path.display().to_string(),
        cause: e.to_string(),
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(fail)?;
    for s in samples {
        writer
            .write_sample((s.clamp(-1.0, 1.0) * 32767.0) as i16)
            .map_err(fail)?;
    }
    writer.finalize().map_err(fail)
}

/// A stretch of speech found by [`segment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utterance {
    /// First sample.
    pub start: usize,
    /// One past the last sample.
    pub end: usize,
}

/// Splits 16 kHz audio into utterances with the turn detector: an utterance ends after
/// `pause_ms` of silence whatever was said (no text is looked at), so thinking pauses shorter
/// than that do not cut it.
pub fn segment(samples: &[f32], pause_ms: u32) -> Vec<Utterance> {
    let settings = TurnSettings {
        pause_ms,
        connective_pause_ms: pause_ms,
        thinking_pause_ms: pause_ms,
        draft_pause_ms: pause_ms.min(300),
        ..TurnSettings::default()
    };
    let mut detector = TurnDetector::new(settings);
    let mut out = Vec::new();
    let mut collect = |event: TurnEvent| {
        if let TurnEvent::Turn {
            start_ms, end_ms, ..
        } = event
        {
            let at = |ms: u64| (ms as usize * SAMPLE_RATE as usize / 1000).min(samples.len());
            out.push(Utterance {
                start: at(start_ms),
                end: at(end_ms),
            });
        }
    };
    detector.push(samples, &mut collect);
    detector.finish(&mut collect);
    out
}

/// Encodes 16 kHz mono samples as 16-bit WAV bytes.
pub fn wav_bytes(samples: &[f32]) -> Result<Vec<u8>, AudioError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let fail = |e: hound::Error| AudioError::Write {
        path: "memory".into(),
        cause: e.to_string(),
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut writer = hound::WavWriter::new(&mut cursor, spec).map_err(fail)?;
        for s in samples {
            writer
                .write_sample((s.clamp(-1.0, 1.0) * 32767.0) as i16)
                .map_err(fail)?;
        }
        writer.finalize().map_err(fail)?;
    }
    Ok(cursor.into_inner())
}

/// How long after the app stops speaking the microphone still ignores what it hears (the
/// room's echo of the last words).
pub const ECHO_TAIL_MS: u64 = 300;

/// Continuous capture through the turn detector ([`crate::turns`]) shared with
/// `mockint listen`: drafts after a short pause, the utterance when the answer is over.
/// Runs on its own thread; stops when dropped.
pub struct LiveCapture {
    hints: mpsc::Sender<(u64, String)>,
    _worker: crate::worker::Worker,
}

impl LiveCapture {
    /// Starts capturing from the named input (the default one when `None`); `on_heard` runs
    /// on the capture thread.
    /// While `mute` is true (the app itself is speaking through the speakers) and for
    /// [`ECHO_TAIL_MS`] after, what the microphone hears is taken as silence, so the
    /// interviewer's own voice never becomes the candidate's answer — unless the candidate
    /// talks over it ([`BargeDetector`], when `settings.barge_in`): then [`TurnEvent::BargeIn`]
    /// is raised (the app stops speaking) and what was heard from just before the first
    /// word on goes to the turn detector as usual.
    pub fn start(
        device_name: Option<String>,
        settings: TurnSettings,
        mute: Arc<AtomicBool>,
        mut on_heard: impl FnMut(TurnEvent) + Send + 'static,
    ) -> Result<Self, AudioError> {
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), AudioError>>();
        let (hints, hint_rx) = mpsc::channel::<(u64, String)>();
        let worker = crate::worker::Worker::spawn(move |flag| {
            let (stream, receiver, rate) = match open_input(device_name.as_deref()) {
                Ok(opened) => opened,
                Err(error) => {
                    let _ = ready_tx.send(Err(error));
                    return;
                }
            };
            let mut resampler = match StreamResampler::new(rate) {
                Ok(resampler) => resampler,
                Err(error) => {
                    let _ = ready_tx.send(Err(AudioError::Capture(error.to_string())));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            let mut detector = TurnDetector::new(settings);
            let mut muted_until = Instant::now();
            let mut barge = if settings.echo_cancelled {
                BargeDetector::behind_canceller()
            } else {
                BargeDetector::new()
            };
            // The candidate talked over the reply being read: heard as is until the next one.
            let mut barged = false;
            let mut was_muted = false;
            while !flag.raised() {
                while let Ok((id, text)) = hint_rx.try_recv() {
                    detector.hint(id, &text);
                }
                let Ok((captured, chunk)) = receiver.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let mut heard = resampler.push(&chunk);
                let muted = mute.load(Ordering::Relaxed);
                if muted && !was_muted {
                    barge.reset();
                    barged = false;
                }
                was_muted = muted;
                if muted {
                    muted_until = Instant::now() + Duration::from_millis(ECHO_TAIL_MS);
                }
                // By when the audio was captured, not when it is read here: on a busy machine
                // the reply's last words can wait in the channel past the tail.
                if !barged && captured < muted_until {
                    if settings.barge_in && muted && barge.push(&heard) {
                        barged = true;
                        on_heard(TurnEvent::BargeIn);
                        heard = barge.take();
                    } else {
                        heard.fill(0.0);
                    }
                }
                detector.push(&heard, &mut on_heard);
            }
            drop(stream);
            detector.finish(&mut on_heard);
        });
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Ok(Self {
                hints,
                _worker: worker,
            }),
            Ok(Err(error)) => Err(error),
            Err(_) => Err(AudioError::Capture(
                "the input device did not start within 10 s".into(),
            )),
        }
    }

    /// Tells the capture what draft `id` said, so that it knows how long a pause to allow.
    pub fn hint(&self, id: u64, text: &str) {
        let _ = self.hints.send((id, text.to_string()));
    }

    /// A handle for [`LiveCapture::hint`] from another thread.
    pub fn hints(&self) -> mpsc::Sender<(u64, String)> {
        self.hints.clone()
    }

    /// Stops capturing (also on drop); a sentence in progress is handed over first.
    pub fn stop(self) {
        drop(self._worker);
    }
}

/// Mono samples as the input callback got them, and when.
type Captured = (Instant, Vec<f32>);

/// Opens an input device and starts its stream: the stream, its mono samples and its rate.
fn open_input(
    device_name: Option<&str>,
) -> Result<(cpal::Stream, mpsc::Receiver<Captured>, u32), AudioError> {
    let device = input_device(device_name)?;
    let config = device
        .default_input_config()
        .map_err(|e| AudioError::NoDevice(e.to_string()))?;
    let rate = config.sample_rate();
    let channels = usize::from(config.channels().max(1));
    let (sender, receiver) = mpsc::channel::<Captured>();
    let error = |e: cpal::Error| tracing::warn!(error = %e, "audio stream error");
    let stream = match config.sample_format() {
        cpal::SampleFormat::F32 => device.build_input_stream(
            config.into(),
            move |d: &[f32], _: &cpal::InputCallbackInfo| {
                let _ = sender.send((Instant::now(), downmix(d.iter().copied(), channels)));
            },
            error,
            None,
        ),
        cpal::SampleFormat::I16 => device.build_input_stream(
            config.into(),
            move |d: &[i16], _: &cpal::InputCallbackInfo| {
                let samples = downmix(d.iter().map(|s| f32::from(*s) / 32768.0), channels);
                let _ = sender.send((Instant::now(), samples));
            },
            error,
            None,
        ),
        other => {
            return Err(AudioError::Capture(format!(
                "unsupported sample format {other:?}"
            )))
        }
    };
    let stream = stream
        .and_then(|s| s.play().map(|()| s))
        .map_err(|e| AudioError::Capture(e.to_string()))?;
    Ok((stream, receiver, rate))
}
