//! Live capture with a virtual device: speech synthesized with espeak-ng is played into a
//! PulseAudio null sink, recorded through cpal (ALSA's default routes to PulseAudio, whose
//! default source is the sink's monitor), segmented by the VAD and transcribed by whisper.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::time::Duration;

use mockint_media::transcribe::Transcriber;

mod common;

#[test]
fn speech_played_into_a_virtual_device_is_captured_segmented_and_transcribed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::F16);
    let (pulse, speech) = common::microphone_and_speech(dir.path());

    let recorder = std::thread::spawn(|| mockint_media::audio::record(7.0, None));
    std::thread::sleep(Duration::from_millis(1500));
    pulse.play(&speech).expect("play into the null sink");
    let samples = recorder
        .join()
        .expect("recorder thread")
        .expect("recorded audio");
    assert!(samples.len() >= 16_000 * 6, "{} samples", samples.len());
    let recording = dir.path().join("recording_001.wav");
    mockint_media::audio::write_wav(&samples, &recording).expect("wav");

    let utterances = mockint_media::audio::segment(&samples, 800);
    assert_eq!(utterances.len(), 1, "one utterance: {utterances:?}");
    let transcriber = Transcriber::load(&model).expect("model");
    let speech_only = &samples[utterances[0].start..utterances[0].end];
    let transcript = transcriber.transcribe(speech_only).expect("transcribe");
    assert!(
        transcript.text.to_lowercase().contains("software engineer"),
        "{}",
        transcript.text
    );
    let saved =
        mockint_media::transcribe::read_wav(&recording).expect("saved recording reads back");
    assert_eq!(saved.len(), samples.len());
}
