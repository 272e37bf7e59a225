//! The interviewer's voice coming back from the speakers, for real: a PulseAudio daemon whose
//! microphone hears its speakers (a loopback from the speakers into the microphone, as on a
//! laptop), replies read by speech-dispatcher (or played) through the defaults, the live
//! capture with barge-in, and the platform's echo canceller engaged and released.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use mockint_media::audio::LiveCapture;
use mockint_media::echo::{release_stale, EchoCanceller, SoundServer, SINK, SOURCE};
use mockint_media::listen::{listen, HeardTurn, Readers};
use mockint_media::speech::Speaker;
use mockint_media::transcribe::Transcriber;
use mockint_media::turns::TurnSettings;
use mockint_tests::audio::Pulse;

mod common;

const REPLY: &str =
    "Tell me how you would shard the user table across three regions, and why that key.";

/// The microphone as it is (before any canceller), recorded by `parec` meanwhile.
struct RawMicrophone {
    child: Child,
    path: std::path::PathBuf,
}

impl RawMicrophone {
    fn start(pulse: &Pulse, path: &Path) -> Self {
        let file = std::fs::File::create(path).expect("raw file");
        let child = Command::new("parec")
            .env("XDG_RUNTIME_DIR", pulse.runtime.path())
            .args([
                "-d",
                "vsink.monitor",
                "--rate=16000",
                "--channels=1",
                "--format=float32le",
                "--latency-msec=20",
            ])
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .expect("parec (apt install pulseaudio-utils)");
        Self {
            child,
            path: path.to_path_buf(),
        }
    }

    fn stop(mut self) -> Vec<f32> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read(&self.path)
            .expect("raw recording")
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    }
}

fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt()
}

/// The loudest second's RMS (the recordings start at different moments).
fn loudest_second(samples: &[f32]) -> f32 {
    samples
        .chunks(16_000)
        .filter(|second| second.len() == 16_000)
        .map(rms)
        .fold(0.0, f32::max)
}

fn turns(samples: &[f32], whisper: &Transcriber) -> Vec<HeardTurn> {
    let mut turns = Vec::new();
    listen(
        samples,
        TurnSettings::default(),
        Readers::one(whisper),
        false,
        |turn| turns.push(turn),
    )
    .expect("listen");
    turns
}

fn defaults(pulse: &Pulse) -> (String, String) {
    (
        pulse.pactl(&["get-default-source"]).unwrap().trim().into(),
        pulse.pactl(&["get-default-sink"]).unwrap().trim().into(),
    )
}

fn echo_modules(pulse: &Pulse) -> usize {
    pulse
        .pactl(&["list", "short", "modules"])
        .unwrap()
        .lines()
        .filter(|line| line.contains("module-echo-cancel"))
        .count()
}

/// What the app's live capture made of one reply read aloud (with the candidate talking over
/// it when `candidate` is given), stopping the reply on a barge-in as the app does.
struct Heard {
    barge_in_after_ms: Option<u64>,
    said: String,
    turns: usize,
}

fn reply_with(
    settings: TurnSettings,
    pulse: &Pulse,
    speaker: &Arc<Speaker>,
    speaking: &Arc<AtomicBool>,
    candidate: Option<&Path>,
    whisper: &Transcriber,
) -> Heard {
    let (sender, events) = mpsc::channel();
    let stopper = Arc::clone(speaker);
    let capture = LiveCapture::start(None, settings, Arc::clone(speaking), move |heard| {
        if heard == mockint_media::turns::TurnEvent::BargeIn {
            let _ = stopper.stop();
        }
        let _ = sender.send((Instant::now(), heard));
    })
    .expect("live capture");
    std::thread::sleep(Duration::from_millis(1000));
    speaker.speak(REPLY).expect("speak");
    std::thread::sleep(Duration::from_millis(1500));
    let talking = Instant::now();
    if let Some(candidate) = candidate {
        pulse.play(candidate).expect("the candidate talks");
    }
    std::thread::sleep(Duration::from_millis(4000));
    capture.stop();
    let mut heard = Heard {
        barge_in_after_ms: None,
        said: String::new(),
        turns: 0,
    };
    for (at, event) in events.try_iter() {
        match event {
            mockint_media::turns::TurnEvent::BargeIn => {
                heard.barge_in_after_ms =
                    Some(at.saturating_duration_since(talking).as_millis() as u64);
            }
            mockint_media::turns::TurnEvent::Turn { samples, .. } => {
                heard.turns += 1;
                let text = whisper.transcribe(&samples).expect("transcribe").text;
                heard.said = format!("{} {}", heard.said, text.trim()).trim().to_string();
            }
            _ => {}
        }
    }
    heard
}

/// One sound server at a time: each test points the process's audio at its own.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A sound server whose microphone hears its speakers at `percent` of their level, made the
/// process's own.
fn room(percent: u32) -> Pulse {
    let pulse = Pulse::start().expect("virtual sound server");
    // The speech service, cpal and the canceller all find this server through the variable.
    std::env::set_var("XDG_RUNTIME_DIR", pulse.runtime.path());
    pulse
        .add_speakers_in_the_room(percent)
        .expect("speakers in the room");
    pulse
}

/// The interviewer's voice (speech-dispatcher), already heard once, as before a microphone
/// is turned on in an interview; with the flag it keeps up while it speaks.
fn interviewer() -> (Arc<Speaker>, Arc<AtomicBool>) {
    let speaking = Arc::new(AtomicBool::new(false));
    let speaker = Arc::new(
        Speaker::start(Arc::clone(&speaking))
            .expect("speech-dispatcher (apt install speech-dispatcher)"),
    );
    speaker.speak("Hello.").expect("speak");
    std::thread::sleep(Duration::from_millis(2000));
    (speaker, speaking)
}

/// The serial lock, a temporary directory and tiny.en loaded from it.
fn set_up() -> (
    std::sync::MutexGuard<'static, ()>,
    tempfile::TempDir,
    Transcriber,
) {
    let serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    let whisper = Transcriber::load(&model).expect("model");
    (serial, dir, whisper)
}

/// Laptop speakers the microphone hears (at a third of the candidate's level): the reply read
/// aloud by the speech service, which starts playing a while after it is asked to, neither
/// interrupts itself nor becomes an answer; the candidate talking over it stops it and is
/// heard from the first word.
#[test]
fn the_interviewers_voice_from_the_speakers_never_interrupts_it_or_becomes_an_answer() {
    let (_serial, dir, whisper) = set_up();
    let candidate = dir.path().join("candidate.wav");
    common::speak(common::INTRODUCTION, &candidate);
    let pulse = room(35);
    let (speaker, speaking) = interviewer();

    let alone = reply_with(
        TurnSettings::default(),
        &pulse,
        &speaker,
        &speaking,
        None,
        &whisper,
    );
    println!(
        "the reply alone: barge-in after {:?} ms, heard '{}'",
        alone.barge_in_after_ms, alone.said
    );
    assert_eq!(
        alone.barge_in_after_ms, None,
        "the reply does not interrupt itself"
    );
    assert_eq!(alone.turns, 0, "the reply is no answer: '{}'", alone.said);

    let over = reply_with(
        TurnSettings::default(),
        &pulse,
        &speaker,
        &speaking,
        Some(&candidate),
        &whisper,
    );
    println!(
        "talking over the reply: barge-in {:?} ms after the candidate's audio was sent, heard '{}'",
        over.barge_in_after_ms, over.said
    );
    assert!(
        over.barge_in_after_ms.is_some(),
        "talking over the reply is a barge-in"
    );
    let wer =
        mockint_tests::speech::word_error_rate(&[(common::INTRODUCTION.into(), over.said.clone())]);
    assert!(
        wer <= 0.3,
        "the candidate is heard over the reply: '{}' (WER {wer:.2})",
        over.said
    );
    for word in ["shard", "table", "regions"] {
        assert!(
            !over.said.to_lowercase().contains(word),
            "the reply's '{word}' is not in what the app heard: '{}'",
            over.said
        );
    }
}

/// The platform's canceller (opt-in, `communication.echo_cancellation`): engaged, it is the
/// default microphone and speakers, and takes the reply down in what the app's input hears
/// (measured against the microphone itself); released, the user's own devices are the
/// defaults again and nothing of it is left loaded, also after a crash; a default input that
/// already cancels echo, or that records the default output itself, is left alone.
#[test]
fn the_platforms_echo_canceller_is_engaged_and_released_cleanly() {
    let (_serial, dir, whisper) = set_up();
    let pulse = room(100);
    // The reply, 2.5 s into a stream to the default speakers opened before the canceller is
    // engaged (as the speech service's is): the stream follows the defaults.
    let spoken = dir.path().join("reply-spoken.wav");
    common::speak(REPLY, &spoken);
    let reply = dir.path().join("reply.wav");
    let padded = Command::new("sox")
        .arg(&spoken)
        .arg(&reply)
        .args(["pad", "2.5", "0"])
        .status()
        .expect("sox");
    assert!(padded.success());
    let mut playing = Command::new("paplay")
        .env("XDG_RUNTIME_DIR", pulse.runtime.path())
        .arg(&reply)
        .spawn()
        .expect("paplay");
    std::thread::sleep(Duration::from_millis(300));

    let canceller = EchoCanceller::engage(SoundServer::from_env()).expect("engaged");
    assert_eq!(canceller.microphone(), "vsink.monitor");
    assert_eq!(canceller.speakers(), "speakers");
    assert_eq!(defaults(&pulse), (SOURCE.into(), SINK.into()));
    // (Started after the defaults changed: a recording follows the default input even when
    // it named its own, and this one must stay on the microphone.)
    let raw = RawMicrophone::start(&pulse, &dir.path().join("raw-reply.f32"));
    let input = mockint_media::audio::record(9.0, None).expect("the app's input");
    let _ = playing.wait();
    let raw = raw.stop();
    let (raw_level, input_level) = (loudest_second(&raw), loudest_second(&input));
    let reduction_db = 20.0 * (raw_level / input_level.max(1e-6)).log10();
    let raw_turns = turns(&raw, &whisper);
    let input_turns = turns(&input, &whisper);
    println!(
        "the reply alone: microphone {raw_level:.4} RMS, input {input_level:.5} RMS \
         ({reduction_db:.1} dB less); the microphone heard {:?}; the input {:?}",
        raw_turns.iter().map(|t| &t.text).collect::<Vec<_>>(),
        input_turns.iter().map(|t| &t.text).collect::<Vec<_>>()
    );
    assert!(
        raw_turns.iter().any(|turn| turn.text.contains("table")),
        "the room carries the reply to the microphone: {raw_turns:?}"
    );
    assert!(
        reduction_db >= 12.0,
        "the reply is taken down in the input ({reduction_db:.1} dB)"
    );

    // The live capture behind it, told so: the reply read aloud meanwhile (the app's flag up
    // while it plays) neither interrupts itself nor becomes an answer.
    let speaking = Arc::new(AtomicBool::new(false));
    let (sender, events) = mpsc::channel();
    let capture = LiveCapture::start(
        None,
        TurnSettings {
            echo_cancelled: true,
            ..TurnSettings::default()
        },
        Arc::clone(&speaking),
        move |heard| {
            let _ = sender.send(heard);
        },
    )
    .expect("live capture");
    for _ in 0..2 {
        speaking.store(true, Ordering::Relaxed);
        let played = Command::new("paplay")
            .env("XDG_RUNTIME_DIR", pulse.runtime.path())
            .arg(&spoken)
            .status()
            .expect("paplay");
        assert!(played.success());
        speaking.store(false, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(1500));
    }
    capture.stop();
    let heard: Vec<_> = events.try_iter().collect();
    assert!(
        !heard.iter().any(|event| matches!(
            event,
            mockint_media::turns::TurnEvent::BargeIn | mockint_media::turns::TurnEvent::Turn { .. }
        )),
        "behind the canceller the reply neither interrupts itself nor is an answer: {:?}",
        heard
            .iter()
            .filter(|e| !matches!(e, mockint_media::turns::TurnEvent::Draft { .. }))
            .count()
    );

    drop(canceller);
    assert_eq!(
        defaults(&pulse),
        ("vsink.monitor".into(), "speakers".into()),
        "the user's devices are the defaults again"
    );
    assert_eq!(echo_modules(&pulse), 0, "nothing is left loaded");

    // One left engaged by a crash is released on the next start.
    std::mem::forget(EchoCanceller::engage(SoundServer::from_env()).expect("engaged"));
    assert_eq!(release_stale(&SoundServer::from_env()), Ok(1));
    assert_eq!(echo_modules(&pulse), 0);
    // An input that is the output's own monitor has no echo to cancel.
    pulse.pactl(&["set-default-sink", "vsink"]).unwrap();
    let refused = EchoCanceller::engage(SoundServer::from_env()).expect_err("a monitor");
    assert!(
        refused
            .to_string()
            .contains("records the default output itself"),
        "{refused}"
    );
    // The user's own canceller is left as it is.
    pulse
        .pactl(&[
            "load-module",
            "module-echo-cancel",
            "source_name=users_own_canceller",
            "sink_name=users_own_speakers",
            "source_master=vsink.monitor",
            "sink_master=speakers",
        ])
        .expect("the user's own canceller");
    pulse
        .pactl(&["set-default-source", "users_own_canceller"])
        .unwrap();
    let refused = EchoCanceller::engage(SoundServer::from_env()).expect_err("already cancelled");
    assert!(
        refused.to_string().contains("already cancels echo"),
        "{refused}"
    );
    assert_eq!(echo_modules(&pulse), 1, "only the user's own");
}

/// Where there is no sound server, engaging says so in one line and changes nothing.
#[test]
fn without_a_sound_server_there_is_a_clear_reason() {
    let empty = tempfile::tempdir().expect("temp dir");
    let error = EchoCanceller::engage(SoundServer::at(empty.path())).expect_err("no server");
    let text = error.to_string();
    println!("{text}");
    assert!(text.starts_with("no echo cancellation: pactl"), "{text}");
    assert!(!text.contains('\n'), "{text}");
}
