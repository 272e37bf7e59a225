//! The spoken interviewer for real: speech-dispatcher (started on demand) reads a reply into
//! a PulseAudio null sink, the sink's monitor is recorded through cpal and whisper hears the
//! words.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::time::Duration;

use mockint_media::speech::Speaker;
use mockint_media::transcribe::Transcriber;

mod common;

#[test]
fn a_reply_spoken_by_the_platform_voice_can_be_heard() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    let pulse = mockint_tests::audio::Pulse::start().expect("virtual speakers");
    // The speech service and the recorder both find this PulseAudio through the variable.
    std::env::set_var("XDG_RUNTIME_DIR", pulse.runtime.path());

    let speaking = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let speaker = Speaker::start(std::sync::Arc::clone(&speaking))
        .expect("speech-dispatcher (apt install speech-dispatcher)");
    let recorder = std::thread::spawn(|| mockint_media::audio::record(8.0, None));
    std::thread::sleep(Duration::from_millis(1500));
    let reply = "Hello, my name is Alex and I am your interviewer today.";
    speaker.speak(reply).expect("speak");
    // While the reply is said the speaking flag is up (the microphone ignores the room then),
    // and it comes down when the reply is over.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        speaking.load(std::sync::atomic::Ordering::Relaxed),
        "raised while speaking"
    );
    let samples = recorder.join().expect("recorder").expect("recorded audio");
    assert!(
        !speaking.load(std::sync::atomic::Ordering::Relaxed),
        "lowered once the reply is over (6 s later)"
    );
    let loudest = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(loudest > 0.05, "the reply was audible (peak {loudest})");
    let utterances = mockint_media::audio::segment(&samples, 800);
    assert!(!utterances.is_empty(), "speech was found");
    let spoken = &samples[utterances[0].start..utterances[utterances.len() - 1].end];
    let text = Transcriber::load(&model)
        .expect("model")
        .transcribe(spoken)
        .expect("transcribe")
        .text;
    // espeak's robotic voice is hard for tiny.en (it hears "shard the database" as "short a day
    // the base"): what matters is that the reply was spoken, so most words must come through.
    let wer = mockint_tests::speech::word_error_rate(&[(reply.to_string(), text.clone())]);
    assert!(wer <= 0.5, "heard '{text}' (WER {wer:.2})");
}
