//! Voice-activity detection: the app's detector (its Silero forward pass in Rust alone, and the
//! turn detector's own decisions with its hysteresis) against the official Silero VAD (the ONNX
//! model from PyPI's `silero-vad` wheel, on PyPI's onnxruntime), on the same audio: the 48-clip corpus
//! clean, under pink noise at 10 dB and brown noise at 5 dB SNR, and noise alone (pink,
//! brown, white, keyboard clicks, a door, typing under a fan).
//!
//! Both are read on Silero's 32 ms windows (the turn detector's two 16 ms frames per window:
//! speech if either is). A window is labelled speech when the clean clip is loud there (at least a
//! quarter of the clip's voiced level) and silence when it is nearly silent (under 1 %);
//! windows in between (word edges, breaths) are not counted.

use std::path::Path;

use mockint_media::silero::WINDOW;
use mockint_media::turns::{frame_readings, TurnSettings, FRAME};

use mockint_tests::speech::{self, rms};

use crate::report::Figure;

const SECTION: &str = "Voice activity";

/// One file both detectors read: its condition, its audio and its window labels.
type Take = (&'static str, Vec<f32>, Vec<Option<bool>>);

/// Per window: Some(true) speech, Some(false) silence, None not counted.
fn labels(clean: &[f32]) -> Vec<Option<bool>> {
    let voiced: Vec<f32> = clean.iter().copied().filter(|s| s.abs() > 0.01).collect();
    let level = rms(&voiced);
    clean
        .chunks_exact(WINDOW)
        .map(|w| {
            let r = rms(w);
            if r >= level * 0.25 {
                Some(true)
            } else if r < level * 0.01 {
                Some(false)
            } else {
                None
            }
        })
        .collect()
}

/// Speech per window for the app's detector: its Silero alone, and the turn detector's own
/// decisions (with the hysteresis inside an answer).
fn app_windows(samples: &[f32], settings: TurnSettings) -> (Vec<bool>, Vec<bool>) {
    let readings = frame_readings(samples, settings);
    let per_window = WINDOW / FRAME;
    let alone = readings
        .chunks(per_window)
        .map(|w| {
            w.iter()
                .any(|(score, _)| *score >= settings.speech_threshold)
        })
        .collect();
    let decided = readings
        .chunks(per_window)
        .map(|w| w.iter().any(|(_, speech)| *speech))
        .collect();
    (alone, decided)
}

/// Speech windows heard and silent windows called speech.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    hit: usize,
    speech: usize,
    false_alarm: usize,
    silence: usize,
}

impl Tally {
    fn add(&mut self, labels: &[Option<bool>], called: &[bool]) {
        for (label, called) in labels.iter().zip(called) {
            match label {
                Some(true) => {
                    self.speech += 1;
                    self.hit += usize::from(*called);
                }
                Some(false) => {
                    self.silence += 1;
                    self.false_alarm += usize::from(*called);
                }
                None => {}
            }
        }
    }

    fn recall(&self) -> f64 {
        self.hit as f64 * 100.0 / self.speech.max(1) as f64
    }

    fn false_alarms(&self) -> f64 {
        self.false_alarm as f64 * 100.0 / self.silence.max(1) as f64
    }
}

/// The audio both detectors read, each file with its condition and labels.
fn takes(venv: &Path, scripts: &Path, work: &Path) -> Result<Vec<Take>, String> {
    let clips_dir = work.join("clips");
    let clips = speech::corpus(venv, scripts, &clips_dir)?;
    let pink = speech::noise(work, "pinknoise", 30.0)?;
    let brown = speech::noise(work, "brownnoise", 30.0)?;
    let white = speech::noise(work, "whitenoise", 10.0)?;
    let second = vec![0.0f32; 16_000];
    let mut files: Vec<Take> = Vec::new();
    for clip in &clips {
        let said = mockint_media::transcribe::read_wav(&clips_dir.join(&clip.file))
            .map_err(|e| e.to_string())?;
        // A second of silence on each side, as between answers.
        let clean: Vec<f32> = second.iter().chain(&said).chain(&second).copied().collect();
        let labels = labels(&clean);
        files.push((
            "pink noise, 10 dB SNR",
            speech::mix(&clean, &pink, 10.0),
            labels.clone(),
        ));
        files.push((
            "brown noise, 5 dB SNR",
            speech::mix(&clean, &brown, 5.0),
            labels.clone(),
        ));
        files.push(("clean", clean, labels));
    }
    let fan_typing = speech::mix(&speech::clicks(6.0), &brown, 10.0);
    let ten_seconds = 16_000 * 10;
    for audio in [
        pink.iter().take(ten_seconds).copied().collect(),
        brown.iter().take(ten_seconds).copied().collect(),
        white,
        speech::clicks(6.0),
        speech::door(),
        fan_typing,
    ] {
        let labels = vec![Some(false); audio.len() / WINDOW];
        files.push(("noise alone", audio, labels));
    }
    Ok(files)
}

/// Measures everything; `root` is the workspace (for `scripts/bench`).
pub fn run(root: &Path) -> Result<Vec<Figure>, String> {
    let scripts = root.join("scripts/bench");
    let venv = speech::venv()?;
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let files = takes(&venv, &scripts, work.path())?;
    let wav_dir = work.path().join("vad");
    std::fs::create_dir_all(&wav_dir).map_err(|e| e.to_string())?;
    let mut wavs = Vec::with_capacity(files.len());
    for (i, (_, audio, _)) in files.iter().enumerate() {
        let path = wav_dir.join(format!("{i}.wav"));
        mockint_media::audio::write_wav(audio, &path).map_err(|e| e.to_string())?;
        wavs.push(path);
    }
    let theirs = speech::official_silero(&venv, &wavs)?;

    let conditions = [
        "clean",
        "pink noise, 10 dB SNR",
        "brown noise, 5 dB SNR",
        "noise alone",
    ];
    let settings = TurnSettings::default();
    let mut tallies = [[Tally::default(); 3]; 4];
    let mut app_ms = 0.0;
    let mut windows = 0usize;
    let mut silero_ms = 0.0;
    for ((condition, audio, labels), silero) in files.iter().zip(&theirs) {
        let c = conditions.iter().position(|n| n == condition).unwrap_or(0);
        let started = std::time::Instant::now();
        let (alone, decided) = app_windows(audio, settings);
        app_ms += started.elapsed().as_secs_f64() * 1000.0;
        windows += alone.len();
        silero_ms += silero.ms_per_window * silero.probs.len() as f64;
        let silero_calls: Vec<bool> = silero.probs.iter().map(|p| *p >= 0.5).collect();
        tallies[c][0].add(labels, &alone);
        tallies[c][1].add(labels, &decided);
        tallies[c][2].add(labels, &silero_calls);
    }
    let detectors = [
        "the app's Silero (Rust)",
        "the app's turn detector (Silero + hysteresis)",
        "Silero VAD 6.2.3 on onnxruntime",
    ];
    let mut figures = Vec::new();
    for (c, condition) in conditions.iter().enumerate() {
        for (d, detector) in detectors.iter().enumerate() {
            let t = tallies[c][d];
            if *condition == "noise alone" {
                figures.push(
                    Figure::info(
                        SECTION,
                        format!("{detector}: noise alone called speech"),
                        t.false_alarms(),
                        "% of windows",
                    )
                    .note(format!("{} of {} windows", t.false_alarm, t.silence)),
                );
            } else {
                figures.push(
                    Figure::info(
                        SECTION,
                        format!("{detector}, {condition}: speech heard"),
                        t.recall(),
                        "% of windows",
                    )
                    .note(format!(
                        "{} of {} speech windows; silence called speech: {:.1} % ({} of {})",
                        t.hit,
                        t.speech,
                        t.false_alarms(),
                        t.false_alarm,
                        t.silence
                    )),
                );
            }
        }
    }
    figures.push(
        Figure::info(
            SECTION,
            "the app's Silero (Rust): time per 32 ms window",
            app_ms / windows.max(1) as f64,
            "ms",
        )
        .note(format!("{windows} windows, in process, one thread")),
    );
    figures.push(Figure::info(
        SECTION,
        "Silero VAD (onnxruntime, one thread): time per 32 ms window",
        silero_ms / windows.max(1) as f64,
        "ms",
    ));
    Ok(figures)
}
