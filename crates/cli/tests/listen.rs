//! `mockint listen`: a recording through the microphone's pipeline, as a real process, and
//! the bad recordings it must refuse or handle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn mockint(data_dir: &Path) -> Command {
    let mut command = common::mockint(data_dir);
    command.env_remove("WHISPER_MODEL").env(
        "MOCKINT_MODEL_CACHE",
        std::env::var_os("MOCKINT_MODEL_CACHE").unwrap_or_default(),
    );
    command
}

fn sox(args: &[&str]) {
    let status = Process::new("sox").args(args).status().expect("sox");
    assert!(status.success(), "sox {args:?}");
}

fn espeak(text: &str, out: &Path) {
    let status = Process::new("espeak-ng")
        .args(["-s", "150", "-w"])
        .arg(out)
        .arg(text)
        .status()
        .expect("espeak-ng");
    assert!(status.success());
}

fn one_line_error(output: &std::process::Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "expected '{needle}' in {stderr}");
}

#[test]
fn a_thinking_pause_stays_one_turn_and_bad_recordings_get_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let provisioned = mockint(&data)
        .args(["model", "provision"])
        .output()
        .expect("provision");
    assert!(
        provisioned.status.success(),
        "{}",
        String::from_utf8_lossy(&provisioned.stderr)
    );

    // "Let me think", six seconds of silence, then the rest: one turn; a second answer after
    // a finished sentence and a long pause: a second turn.
    let w = |name: &str| dir.path().join(name).display().to_string();
    // `mockint listen --input NAME` on a file of the temp dir.
    let listen = |name: &str| {
        mockint(&data)
            .args(["listen", "--input"])
            .arg(dir.path().join(name))
            .output()
            .expect("listen")
    };
    espeak("Good question. Let me think.", &dir.path().join("a.wav"));
    espeak(
        "I would put a queue between the API and the workers.",
        &dir.path().join("b.wav"),
    );
    espeak(
        "Writes go to the primary database.",
        &dir.path().join("c.wav"),
    );
    sox(&[
        "-n",
        "-r",
        "22050",
        "-c",
        "1",
        &w("gap6.wav"),
        "trim",
        "0",
        "6",
    ]);
    sox(&[
        "-n",
        "-r",
        "22050",
        "-c",
        "1",
        &w("gap3.wav"),
        "trim",
        "0",
        "3",
    ]);
    sox(&[
        &w("a.wav"),
        &w("gap6.wav"),
        &w("b.wav"),
        &w("gap3.wav"),
        &w("c.wav"),
        &w("gap3.wav"),
        &w("answer.wav"),
    ]);
    let listen_json = || {
        let output = mockint(&data)
            .args(["listen", "--json", "--input"])
            .arg(dir.path().join("answer.wav"))
            .output()
            .expect("listen");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let turns: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect();
        println!("{turns:#?}");
        assert_eq!(turns.len(), 2, "{turns:#?}");
        let first = turns[0]["text"].as_str().unwrap_or_default().to_lowercase();
        assert!(
            first.contains("think") && first.contains("workers"),
            "{first}"
        );
        assert!(turns[0]["drafts"].as_array().is_some_and(|d| !d.is_empty()));
        for turn in &turns {
            assert!(turn["start_ms"].as_u64() < turn["end_ms"].as_u64());
            assert!(turn["end_of_turn_ms"].as_u64().is_some());
        }
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    // Only the draft model is provisioned: it reads the answers too, and says so.
    let notice = listen_json();
    assert!(
        notice.contains("answers were read by the draft model")
            && notice.contains("model provision --name base"),
        "{notice}"
    );
    // With the answer model (base) provisioned, it reads each answer again: the same turns.
    let provisioned = mockint(&data)
        .args(["model", "provision", "--name", "base"])
        .output()
        .expect("provision base");
    assert!(
        provisioned.status.success(),
        "{}",
        String::from_utf8_lossy(&provisioned.stderr)
    );
    let notice = listen_json();
    assert!(!notice.contains("draft model"), "{notice}");

    // 8-bit and 96 kHz recordings are read as they are. sox dithers the 8-bit file with
    // random noise; `-R` makes that noise the same on every run. (With random dither, whisper
    // heard "primary" in 10 of 12 draws before a recording that starts talking got a silent
    // lead-in, and in 40 of 40 after it; every draw heard the file as speech.)
    sox(&["-R", &w("c.wav"), "-b", "8", &w("eight.wav")]);
    sox(&[&w("c.wav"), "-r", "96000", &w("fast.wav")]);
    for name in ["eight.wav", "fast.wav"] {
        let output = listen(name);
        let text = String::from_utf8_lossy(&output.stdout).to_lowercase();
        assert!(
            output.status.success() && text.contains("primary"),
            "{name}: {text}"
        );
    }

    // Not a WAV, an empty WAV, two hours: one line each, exit 2, nothing read whole.
    std::fs::write(dir.path().join("notes.wav"), "these are my notes").expect("write");
    one_line_error(&listen("notes.wav"), "is not a readable WAV file");
    sox(&[
        "-n",
        "-r",
        "16000",
        "-c",
        "1",
        &w("empty.wav"),
        "trim",
        "0",
        "0",
    ]);
    one_line_error(&listen("empty.wav"), "holds no audio");
    sox(&[
        "-n",
        "-r",
        "8000",
        "-b",
        "8",
        "-c",
        "1",
        &w("long.wav"),
        "trim",
        "0",
        "7200",
    ]);
    one_line_error(&listen("long.wav"), "120 minutes long");
}
