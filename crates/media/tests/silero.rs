//! The app's Silero VAD (forward pass written in Rust, weights built in) against the official
//! model: PyPI's `silero-vad` 6.2.3 ONNX file on PyPI's onnxruntime
//! (`scripts/bench/silero_vad.py`), window by window, on speech nobody tuned for (espeak-ng),
//! the same speech under pink noise at 10 dB SNR, and noise alone (keyboard clicks, a door).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::process::Command;

use mockint_media::audio::write_wav;
use mockint_media::silero::{Silero, WINDOW};
use mockint_media::transcribe::read_wav;
use mockint_tests::speech::{clicks, door, mix, noise};

#[test]
fn silero_matches_the_official_model_window_by_window() {
    let venv = mockint_tests::speech::venv().expect("the speech tools");
    let dir = tempfile::tempdir().expect("temp dir");
    let said = dir.path().join("said.wav");
    let status = Command::new("espeak-ng")
        .args(["-v", "en-gb+f3", "-s", "150", "-w"])
        .arg(&said)
        .arg("We shard the write path by user id and keep a replica in each region.")
        .status()
        .expect("espeak-ng");
    assert!(status.success());
    let speech = read_wav(&said).expect("speech");
    let pink = noise(dir.path(), "pinknoise", 8.0).expect("sox");
    let mut takes = vec![
        ("clean", speech.clone()),
        ("pink 10 dB", mix(&speech, &pink, 10.0)),
        ("keyboard", clicks(4.0)),
        ("door", door()),
    ];
    let mut wavs = Vec::new();
    for (name, samples) in &mut takes {
        let path = dir.path().join(format!("{}.wav", name.replace(' ', "-")));
        write_wav(samples, &path).expect("wav");
        // Both read the same 16-bit file.
        *samples = read_wav(&path).expect("wav");
        wavs.push(path);
    }
    let official = mockint_tests::speech::official_silero(&venv, &wavs).expect("Silero VAD");
    let mut worst = 0.0f32;
    let mut windows = 0usize;
    let started = std::time::Instant::now();
    for ((name, samples), theirs) in takes.iter().zip(&official) {
        let mut vad = Silero::new();
        let ours: Vec<f32> = samples
            .chunks_exact(WINDOW)
            .map(|w| vad.predict(w.try_into().expect("a window")))
            .collect();
        assert_eq!(ours.len(), theirs.probs.len(), "{name}");
        for (i, (a, b)) in ours.iter().zip(&theirs.probs).enumerate() {
            let diff = (a - b).abs();
            worst = worst.max(diff);
            assert!(diff < 0.002, "{name}, window {i}: ours {a}, official {b}");
        }
        windows += ours.len();
        let speech_windows = ours.iter().filter(|p| **p >= 0.5).count();
        println!("{name}: {} windows, {speech_windows} speech", ours.len());
    }
    println!(
        "largest difference from the official model: {worst:.5}; {:.3} ms per window",
        started.elapsed().as_secs_f64() * 1000.0 / windows as f64
    );
}
