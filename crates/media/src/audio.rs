//! Microphone capture (cpal), conversion to 16 kHz mono, voice-activity segmentation that
//! tolerates thinking pauses, and WAV writing (hound).

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait as _, HostTrait as _, StreamTrait as _};

use crate::transcribe::{resample, SAMPLE_RATE};

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
    let device = input_device(device_name)?;
    let config = device
        .default_input_config()
        .map_err(|e| AudioError::NoDevice(e.to_string()))?;
    let rate = config.sample_rate();
    let channels = usize::from(config.channels().max(1));
    let (sender, receiver) = mpsc::channel::<Vec<f32>>();
    let error = |e: cpal::Error| tracing::warn!(error = %e, "audio stream error");
    let stream_config: cpal::StreamConfig = config.into();
    let stream = match config.sample_format() {
        cpal::SampleFormat::F32 => device.build_input_stream(
            stream_config,
            move |data: &[f32], _: &cpal::InputCallbackInfo| {
                let _ = sender.send(downmix(data.iter().copied(), channels));
            },
            error,
            None,
        ),
        cpal::SampleFormat::I16 => device.build_input_stream(
            stream_config,
            move |data: &[i16], _: &cpal::InputCallbackInfo| {
                let _ = sender.send(downmix(
                    data.iter().map(|s| f32::from(*s) / 32768.0),
                    channels,
                ));
            },
            error,
            None,
        ),
        other => {
            return Err(AudioError::Capture(format!(
                "unsupported sample format {other:?}"
            )))
        }
    }
    .map_err(|e| AudioError::Capture(e.to_string()))?;
    stream
        .play()
        .map_err(|e| AudioError::Capture(e.to_string()))?;
    let wanted = (seconds * f64::from(rate)) as usize;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds + 10.0);
    let mut samples = Vec::with_capacity(wanted);
    while samples.len() < wanted && Instant::now() < deadline {
        if let Ok(chunk) = receiver.recv_timeout(Duration::from_millis(200)) {
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

/// Splits 16 kHz audio into utterances: 30-ms frames are speech when their energy is well
/// above the noise floor; an utterance ends only after `pause_ms` of silence, so thinking
/// pauses inside an answer do not cut it.
pub fn segment(samples: &[f32], pause_ms: u32) -> Vec<Utterance> {
    const FRAME: usize = 480;
    let energies: Vec<f32> = samples
        .chunks(FRAME)
        .map(|f| (f.iter().map(|s| s * s).sum::<f32>() / f.len() as f32).sqrt())
        .collect();
    let mut sorted = energies.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted.get(sorted.len() / 10).copied().unwrap_or(0.0);
    let threshold = (floor * 3.0).max(0.01);
    let hangover = (pause_ms as usize * 16 / FRAME).max(1);
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quiet = 0;
    for (i, energy) in energies.iter().enumerate() {
        if *energy > threshold {
            quiet = 0;
            start.get_or_insert(i);
        } else if let Some(s) = start {
            quiet += 1;
            if quiet >= hangover {
                out.push(Utterance {
                    start: s * FRAME,
                    end: (i + 1 - quiet) * FRAME,
                });
                start = None;
                quiet = 0;
            }
        }
    }
    if let Some(s) = start {
        out.push(Utterance {
            start: s * FRAME,
            end: samples.len(),
        });
    }
    out.retain(|u| u.end.saturating_sub(u.start) >= SAMPLE_RATE as usize / 4);
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

/// After this much silence the utterance so far is handed over as a [`Heard::Draft`], so
/// that its text can be ready by the time the pause is long enough to end the answer.
pub const DRAFT_PAUSE_MS: u32 = 300;

/// What live capture hands over (16 kHz mono samples).
#[derive(Debug, Clone, PartialEq)]
pub enum Heard {
    /// The speaker paused briefly: the utterance so far, to transcribe early. The speaker may
    /// go on, in which case a later draft or the utterance supersedes it.
    Draft {
        /// Counts drafts from 1.
        id: u64,
        /// The audio so far.
        samples: Vec<f32>,
    },
    /// The pause outlasted the hangover: the whole utterance.
    Utterance {
        /// The audio.
        samples: Vec<f32>,
        /// The draft holding the same speech (nothing was said after it), if any: its text
        /// is this utterance's text.
        same_as_draft: Option<u64>,
    },
}

/// Continuous capture that hands over each finished utterance (16 kHz mono) as soon as the
/// speaker pauses for longer than the hangover, and a draft after a short pause. Runs on its
/// own thread; stops when dropped.
pub struct LiveCapture {
    _worker: crate::worker::Worker,
}

impl LiveCapture {
    /// Starts capturing from the named input (the default one when `None`); `on_heard` runs
    /// on the capture thread.
    pub fn start(
        device_name: Option<String>,
        pause_ms: u32,
        mut on_heard: impl FnMut(Heard) + Send + 'static,
    ) -> Result<Self, AudioError> {
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), AudioError>>();
        let worker = crate::worker::Worker::spawn(move |flag| {
            let device = match input_device(device_name.as_deref()) {
                Ok(device) => device,
                Err(error) => {
                    let _ = ready_tx.send(Err(error));
                    return;
                }
            };
            let config = match device.default_input_config() {
                Ok(config) => config,
                Err(e) => {
                    let _ = ready_tx.send(Err(AudioError::NoDevice(e.to_string())));
                    return;
                }
            };
            let rate = config.sample_rate();
            let channels = usize::from(config.channels().max(1));
            let (sender, receiver) = mpsc::channel::<Vec<f32>>();
            let error = |e: cpal::Error| tracing::warn!(error = %e, "audio stream error");
            let stream = match config.sample_format() {
                cpal::SampleFormat::F32 => device.build_input_stream(
                    config.into(),
                    move |d: &[f32], _: &cpal::InputCallbackInfo| {
                        let _ = sender.send(downmix(d.iter().copied(), channels));
                    },
                    error,
                    None,
                ),
                cpal::SampleFormat::I16 => device.build_input_stream(
                    config.into(),
                    move |d: &[i16], _: &cpal::InputCallbackInfo| {
                        let _ = sender
                            .send(downmix(d.iter().map(|s| f32::from(*s) / 32768.0), channels));
                    },
                    error,
                    None,
                ),
                other => {
                    let _ = ready_tx.send(Err(AudioError::Capture(format!(
                        "unsupported sample format {other:?}"
                    ))));
                    return;
                }
            };
            let stream = match stream.and_then(|s| s.play().map(|()| s)) {
                Ok(stream) => stream,
                Err(e) => {
                    let _ = ready_tx.send(Err(AudioError::Capture(e.to_string())));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            let frame = (rate as usize * 30 / 1000).max(1);
            let hangover = (pause_ms as usize / 30).max(1);
            let mut pending: Vec<f32> = Vec::new();
            let mut speech: Vec<f32> = Vec::new();
            // The quiet just before speech starts holds its first consonant: keep 300 ms.
            let preroll_len = rate as usize * 3 / 10;
            let mut preroll: std::collections::VecDeque<f32> =
                std::collections::VecDeque::with_capacity(preroll_len + frame);
            let draft_after = (DRAFT_PAUSE_MS as usize / 30).clamp(1, hangover);
            let (mut quiet, mut floor) = (0usize, 0.002f32);
            // The last draft, while nothing has been said after it.
            let mut current_draft: Option<u64> = None;
            let mut drafts = 0u64;
            let mut hand_over = |speech: &mut Vec<f32>, draft: bool, current: &mut Option<u64>| {
                if speech.len() < rate as usize / 4 {
                    if !draft {
                        speech.clear();
                    }
                    return;
                }
                let Ok(resampled) = resample(speech, rate) else {
                    return;
                };
                if draft {
                    drafts += 1;
                    *current = Some(drafts);
                    on_heard(Heard::Draft {
                        id: drafts,
                        samples: resampled,
                    });
                } else {
                    on_heard(Heard::Utterance {
                        samples: resampled,
                        same_as_draft: current.take(),
                    });
                    speech.clear();
                }
            };
            while !flag.raised() {
                let Ok(chunk) = receiver.recv_timeout(Duration::from_millis(100)) else {
                    continue;
                };
                pending.extend(chunk);
                while pending.len() >= frame {
                    let piece: Vec<f32> = pending.drain(..frame).collect();
                    let energy = (piece.iter().map(|s| s * s).sum::<f32>() / frame as f32).sqrt();
                    let threshold = (floor * 3.0).max(0.01);
                    if energy > threshold {
                        quiet = 0;
                        current_draft = None; // speech goes on: the draft is outdated
                        if speech.is_empty() {
                            speech.extend(preroll.drain(..));
                        }
                        speech.extend(piece);
                    } else {
                        floor = floor * 0.95 + energy * 0.05;
                        if speech.is_empty() {
                            preroll.extend(piece.iter().copied());
                            while preroll.len() > preroll_len {
                                preroll.pop_front();
                            }
                        } else {
                            quiet += 1;
                            speech.extend(piece);
                            if quiet == draft_after && quiet < hangover {
                                hand_over(&mut speech, true, &mut current_draft);
                            }
                            if quiet >= hangover {
                                hand_over(&mut speech, false, &mut current_draft);
                                quiet = 0;
                            }
                        }
                    }
                }
            }
            drop(stream);
            hand_over(&mut speech, false, &mut current_draft);
        });
        match ready_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => Ok(Self { _worker: worker }),
            Ok(Err(error)) => Err(error),
            Err(_) => Err(AudioError::Capture(
                "the input device did not start within 10 s".into(),
            )),
        }
    }

    /// Stops capturing (also on drop); a sentence in progress is handed over first.
    pub fn stop(self) {
        drop(self._worker);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(ms: usize) -> Vec<f32> {
        (0..ms * 16).map(|i| (i as f32 * 0.1).sin() * 0.3).collect()
    }

    #[test]
    fn pauses_shorter_than_the_hangover_do_not_split_an_answer() {
        let mut audio = vec![0.0; 16_000];
        audio.extend(tone(800));
        audio.extend(vec![0.0; 600 * 16]); // a thinking pause
        audio.extend(tone(800));
        audio.extend(vec![0.0; 2000 * 16]);
        audio.extend(tone(500));
        let utterances = segment(&audio, 1200);
        assert_eq!(utterances.len(), 2, "{utterances:?}");
        assert!(utterances[0].end - utterances[0].start > 2000 * 16);
    }
}
