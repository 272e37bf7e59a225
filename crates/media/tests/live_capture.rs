//! The live pipeline the interview room uses: speech played into a PulseAudio null sink is
//! picked up by `LiveCapture`, handed over first as a draft after a short pause and then as
//! the finished utterance, which names that draft as holding the same speech.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::sync::mpsc;
use std::time::Duration;

use mockint_media::audio::{Heard, LiveCapture};
use mockint_media::transcribe::Transcriber;
use mockint_media::turns::TurnSettings;

mod common;

#[test]
fn an_answer_arrives_as_a_draft_then_as_the_same_utterance() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    let (pulse, speech) = common::microphone_and_speech(dir.path());

    let (sender, heard) = mpsc::channel();
    let capture = LiveCapture::start(
        None,
        TurnSettings::default(),
        Default::default(),
        move |event| {
            let _ = sender.send(event);
        },
    )
    .expect("live capture");
    std::thread::sleep(Duration::from_millis(800));
    pulse.play(&speech).expect("play into the null sink");
    let mut events = Vec::new();
    while let Ok(event) = heard.recv_timeout(Duration::from_secs(10)) {
        let done = matches!(event, Heard::Utterance { .. });
        events.push(event);
        if done {
            break;
        }
    }
    drop(capture);
    let missing = LiveCapture::start(
        Some("no such microphone".into()),
        TurnSettings::default(),
        Default::default(),
        |_| {},
    );
    assert!(
        missing.is_err_and(|e| e
            .to_string()
            .contains("no input device named 'no such microphone'")),
        "an unknown device is named in the error"
    );
    let last_draft = events.iter().rev().find_map(|e| match e {
        Heard::Draft { id, samples } => Some((*id, samples.clone())),
        Heard::Utterance { .. } | Heard::Waiting { .. } => None,
    });
    let Some((draft_id, draft_audio)) = last_draft else {
        panic!("no draft before the utterance: {} events", events.len());
    };
    let Some(Heard::Utterance {
        samples,
        same_as_draft,
    }) = events.last()
    else {
        panic!("no utterance");
    };
    assert_eq!(
        *same_as_draft,
        Some(draft_id),
        "nothing was said after the draft"
    );
    assert!(
        samples.len() > draft_audio.len(),
        "the utterance adds the rest of the pause"
    );
    let whisper = Transcriber::load(&model).expect("model");
    let text = whisper.transcribe(&draft_audio).expect("transcribe").text;
    assert!(text.to_lowercase().contains("software engineer"), "{text}");
}
