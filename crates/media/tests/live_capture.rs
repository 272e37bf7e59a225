//! The live pipeline the interview room uses: speech played into a PulseAudio null sink is
//! picked up by `LiveCapture`, handed over first as a draft after a short pause and then as
//! the finished utterance, which names that draft as holding the same speech.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::sync::mpsc;
use std::time::Duration;

use mockint_media::audio::LiveCapture;
use mockint_media::transcribe::Transcriber;
use mockint_media::turns::TurnEvent;
use mockint_media::turns::TurnSettings;

mod common;

/// One virtual microphone at a time: each test points the process's audio at its own server.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn an_answer_arrives_as_a_draft_then_as_the_same_utterance() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
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
        let done = matches!(event, TurnEvent::Turn { .. });
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
        TurnEvent::Draft { id, samples, .. } => Some((*id, samples.clone())),
        _ => None,
    });
    let Some((draft_id, draft_audio)) = last_draft else {
        panic!("no draft before the utterance: {} events", events.len());
    };
    let Some(TurnEvent::Turn {
        samples,
        same_as_draft,
        ..
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

/// While the app reads a reply aloud (the mute flag up), the candidate starts talking: the
/// capture says so at once (the app stops speaking on it) and the answer, first word included,
/// still arrives as an utterance.
#[test]
fn talking_over_the_app_is_a_barge_in_and_the_answer_keeps_its_first_word() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    let (pulse, speech) = common::microphone_and_speech(dir.path());
    let speaking = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let (sender, heard) = mpsc::channel();
    let capture = LiveCapture::start(None, TurnSettings::default(), speaking.clone(), {
        move |event| {
            let _ = sender.send((std::time::Instant::now(), event));
        }
    })
    .expect("live capture");
    // The room while the reply is read (a quiet hum: the echo level is learnt on it), then
    // the candidate talks, in one recording played into the microphone.
    let joined = dir.path().join("room-then-speech.wav");
    let status = std::process::Command::new("sox")
        .args(["-n", "-r", "22050", "-c", "1", "-b", "16"])
        .arg(dir.path().join("room.wav"))
        .args(["synth", "1.5", "pinknoise", "vol", "0.01"])
        .status()
        .expect("sox");
    assert!(status.success());
    let status = std::process::Command::new("sox")
        .arg(dir.path().join("room.wav"))
        .arg(&speech)
        .arg(&joined)
        .status()
        .expect("sox");
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(800));
    let played = std::time::Instant::now();
    pulse.play(&joined).expect("play into the null sink");
    let mut barge_in = None;
    let mut utterance = None;
    while let Ok((at, event)) = heard.recv_timeout(Duration::from_secs(10)) {
        match event {
            TurnEvent::BargeIn => {
                barge_in = Some(at.duration_since(played));
                // The app stops speaking on it.
                speaking.store(false, std::sync::atomic::Ordering::Relaxed);
            }
            TurnEvent::Turn { samples, .. } => {
                utterance = Some(samples);
                break;
            }
            _ => {}
        }
    }
    drop(capture);
    let barge_in = barge_in.expect("a barge-in");
    // The virtual microphone's own delay (about 1.2 s from paplay to the capture, measured)
    // and espeak's lead-in silence are part of this figure; the detector's share is measured
    // on the audio itself in `turns.rs`.
    println!(
        "barge-in {} ms after the recording began playing (speech from 1,500 ms)",
        barge_in.as_millis()
    );
    assert!(
        barge_in > Duration::from_millis(1_400),
        "not on the room's hum"
    );
    let samples = utterance.expect("the answer arrives");
    let whisper = Transcriber::load(&model).expect("model");
    let text = whisper.transcribe(&samples).expect("transcribe").text;
    assert!(
        text.to_lowercase().contains("hello"),
        "the first word is kept: {text}"
    );
    assert!(text.to_lowercase().contains("software engineer"), "{text}");
}
