//! The bad-input corpus: files, configuration values, CLI arguments and model files that a
//! user (or a broken download) can hand to the app. Each one must end in one clear line on
//! stderr, exit code 2, and never a panic. IPC payloads are covered in
//! `crates/domain/tests/bad_payloads.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::process::Command;

/// One bad input: how to prepare it, the arguments, and a phrase the error must contain.
struct Case {
    name: &'static str,
    /// Writes files into the directory and returns extra arguments (after the fixed ones).
    prepare: fn(&Path) -> Vec<String>,
    /// The command's arguments; `{}` entries are replaced by the prepared ones in order.
    args: &'static [&'static str],
    /// Extra environment.
    env: &'static [(&'static str, &'static str)],
    expect: &'static str,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path.display().to_string()
}

fn model_dir(dir: &Path, model: &[u8], vocabulary: &str) -> String {
    let path = dir.join("ct2");
    std::fs::create_dir_all(&path).expect("dir");
    std::fs::write(path.join("model.bin"), model).expect("model");
    std::fs::write(path.join("vocabulary.txt"), vocabulary).expect("vocabulary");
    path.display().to_string()
}

/// One second of silence as a 16 kHz mono 16-bit WAV.
fn silent_wav(dir: &Path) -> String {
    let samples = 16_000u32;
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + samples * 2).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&16_000u32.to_le_bytes());
    bytes.extend_from_slice(&32_000u32.to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&(samples * 2).to_le_bytes());
    bytes.resize(bytes.len() + samples as usize * 2, 0);
    write(dir, "silence.wav", &bytes)
}

fn none(_: &Path) -> Vec<String> {
    Vec::new()
}

const CASES: &[Case] = &[
    // Resume files.
    Case {
        name: "empty resume",
        prepare: |d| vec![write(d, "empty.txt", b"")],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "empty",
    },
    Case {
        name: "truncated PDF",
        prepare: |d| vec![write(d, "cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "PDF",
    },
    Case {
        name: "PNG named .pdf",
        prepare: |d| vec![write(d, "photo.pdf", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "not a PDF",
    },
    Case {
        name: "binary named .txt",
        prepare: |d| {
            vec![write(
                d,
                "blob.txt",
                &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254],
            )]
        },
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "binary",
    },
    Case {
        name: "oversize resume",
        prepare: |d| {
            vec![write(
                d,
                "huge.txt",
                "Jane Doe\n".repeat(1_300_000).as_bytes(),
            )]
        },
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "is too large",
    },
    Case {
        name: "missing resume",
        prepare: |d| vec![d.join("nope.pdf").display().to_string()],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "nope.pdf",
    },
    Case {
        name: "directory as resume",
        prepare: |d| vec![d.display().to_string()],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "it is a directory",
    },
    Case {
        name: "unsupported extension",
        prepare: |d| vec![write(d, "resume.docx", b"PK\x03\x04 word")],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "not a PDF or text file",
    },
    // Configuration values.
    Case {
        name: "unknown config key",
        prepare: |d| vec![write(d, "c.yaml", b"ai:\n  temperature_x: 1\n")],
        args: &["--config", "{}", "sessions"],
        env: &[],
        expect: "temperature_x",
    },
    Case {
        name: "config value of the wrong type",
        prepare: |d| vec![write(d, "c.yaml", b"ai:\n  timeout_seconds: soon\n")],
        args: &["--config", "{}", "sessions"],
        env: &[],
        expect: "timeout_seconds",
    },
    Case {
        name: "malformed YAML",
        prepare: |d| vec![write(d, "c.yaml", b"ai: [unclosed\n")],
        args: &["--config", "{}", "sessions"],
        env: &[],
        expect: "c.yaml",
    },
    Case {
        name: "missing config file",
        prepare: |d| vec![d.join("absent.yaml").display().to_string()],
        args: &["--config", "{}", "sessions"],
        env: &[],
        expect: "absent.yaml",
    },
    Case {
        name: "secret written in the config file",
        prepare: |d| vec![write(d, "c.yaml", b"ai:\n  openai:\n    api_key: sk-abc\n")],
        args: &["--config", "{}", "sessions"],
        env: &[],
        expect: "api_key",
    },
    Case {
        name: "budget threshold above 1",
        prepare: none,
        args: &["sessions"],
        env: &[("MOCKINT__AI__TOKEN_BUDGET_WARNING_THRESHOLD", "1.5")],
        expect: "token_budget_warning_threshold",
    },
    Case {
        name: "unknown default provider",
        prepare: none,
        args: &["sessions"],
        env: &[("MOCKINT__AI__DEFAULT_PROVIDER", "skynet")],
        expect: "default_provider",
    },
    Case {
        name: "zero-sized connection pool",
        prepare: none,
        args: &["sessions"],
        env: &[("MOCKINT__DATABASE__POOL_SIZE", "0")],
        expect: "pool_size",
    },
    Case {
        name: "database URL of an unknown kind",
        prepare: none,
        args: &["--database-url", "mysql://db/x", "sessions"],
        env: &[],
        expect: "mysql",
    },
    Case {
        name: "malformed .env-style number",
        prepare: none,
        args: &["sessions"],
        env: &[("MOCKINT__AI__TIMEOUT_SECONDS", "-3")],
        expect: "timeout_seconds",
    },
    // CLI arguments.
    Case {
        name: "session id that is not a UUID",
        prepare: none,
        args: &["report", "not-a-uuid"],
        env: &[],
        expect: "not-a-uuid",
    },
    Case {
        name: "unknown session",
        prepare: none,
        args: &["transcript", "6d1f2b0e-8c3a-4b7e-9f10-0123456789ab"],
        env: &[],
        expect: "6d1f2b0e-8c3a-4b7e-9f10-0123456789ab",
    },
    Case {
        name: "page size zero",
        prepare: none,
        args: &["sessions", "--limit", "0"],
        env: &[],
        expect: "limit",
    },
    Case {
        name: "unknown report format",
        prepare: none,
        args: &[
            "report",
            "6d1f2b0e-8c3a-4b7e-9f10-0123456789ab",
            "--format",
            "pdf",
        ],
        env: &[],
        expect: "pdf",
    },
    Case {
        name: "interview with an unknown provider",
        prepare: none,
        args: &["interview", "--provider", "skynet", "--script", "/dev/null"],
        env: &[],
        expect: "skynet",
    },
    Case {
        name: "interview with an unconfigured provider",
        prepare: |d| vec![write(d, "s.txt", b"Requirements first.")],
        args: &["interview", "--provider", "anthropic", "--script", "{}"],
        env: &[],
        expect: "ANTHROPIC_API_KEY",
    },
    Case {
        name: "empty interview script",
        prepare: |d| vec![write(d, "s.txt", b"\n\n   \n")],
        args: &["interview", "--script", "{}"],
        env: &[],
        expect: "script",
    },
    Case {
        name: "whiteboard that is not JSON",
        prepare: |d| {
            vec![
                write(d, "s.txt", b"Requirements first."),
                write(d, "wb.json", b"{shapes:"),
            ]
        },
        args: &["interview", "--script", "{}", "--whiteboard", "{}"],
        env: &[],
        expect: "wb.json",
    },
    Case {
        name: "resume that is a named pipe (reading it would block forever)",
        prepare: |d| {
            let path = d.join("resume.txt");
            let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
            assert!(made.success());
            vec![path.display().to_string()]
        },
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "not a regular file",
    },
    Case {
        name: "resume that is a device that never ends",
        prepare: |_| vec!["/dev/zero".to_string()],
        args: &["resume", "parse", "{}"],
        env: &[],
        expect: "not a regular file",
    },
    Case {
        name: "whiteboard stroke with too many points",
        prepare: |d| {
            let points: Vec<String> = (0..10_001)
                .map(|i| format!("{{\"x\":{i},\"y\":1}}"))
                .collect();
            let board = format!(
                "{{\"shapes\":[{{\"id\":1,\"kind\":\"pen\",\"x\":0,\"y\":0,\"points\":[{}]}}]}}",
                points.join(",")
            );
            vec![
                write(d, "s.txt", b"Requirements first."),
                write(d, "wb.json", board.as_bytes()),
            ]
        },
        args: &["interview", "--script", "{}", "--whiteboard", "{}"],
        env: &[],
        expect: "points",
    },
    Case {
        name: "whiteboard colour that is not a colour",
        prepare: |d| {
            vec![
                write(d, "s.txt", b"Requirements first."),
                write(d, "wb.json", br#"{"shapes":[{"id":1,"kind":"rectangle","x":0,"y":0,"color":"url(javascript:alert(1))"}]}"#),
            ]
        },
        args: &["interview", "--script", "{}", "--whiteboard", "{}"],
        env: &[],
        expect: "colour",
    },
    Case {
        name: "restore from a folder without a backup",
        prepare: |d| vec![d.join("nothing").display().to_string()],
        args: &["restore", "{}"],
        env: &[],
        expect: "manifest.json",
    },
    Case {
        name: "transcribe a text file",
        prepare: |d| vec![write(d, "notes.wav", b"just text")],
        args: &["transcribe", "{}"],
        env: &[],
        expect: "not a readable WAV",
    },
    Case {
        name: "transcribe a missing file",
        prepare: |d| vec![d.join("gone.wav").display().to_string()],
        args: &["transcribe", "{}"],
        env: &[],
        expect: "gone.wav",
    },
    Case {
        name: "record zero seconds of video",
        prepare: |d| vec![d.join("v.mp4").display().to_string()],
        args: &[
            "record",
            "video",
            "--seconds",
            "0",
            "--out",
            "{}",
            "--input",
            "test",
        ],
        env: &[],
        expect: "--seconds",
    },
    Case {
        name: "record a negative length of audio",
        prepare: |d| vec![d.join("a.wav").display().to_string()],
        args: &["record", "audio", "--seconds=-2", "--out", "{}"],
        env: &[],
        expect: "outside 0 < seconds",
    },
    Case {
        name: "provision an unknown model",
        prepare: none,
        args: &["model", "provision", "--name", "huge.v9"],
        env: &[],
        expect: "unknown model 'huge.v9'",
    },
    // Model files.
    Case {
        name: "empty model.bin",
        prepare: |d| {
            vec![
                model_dir(d, b"", "a\n<|endoftext|>\n"),
                d.join("out.bin").display().to_string(),
            ]
        },
        args: &["model", "convert", "{}", "{}"],
        env: &[],
        expect: "truncated",
    },
    Case {
        name: "model.bin of the wrong version",
        prepare: |d| {
            vec![
                model_dir(d, &[9, 0, 0, 0, 1, 0, 0], "a\n<|endoftext|>\n"),
                d.join("out.bin").display().to_string(),
            ]
        },
        args: &["model", "convert", "{}", "{}"],
        env: &[],
        expect: "version",
    },
    Case {
        name: "model.bin cut inside a variable",
        prepare: |d| {
            vec![
                model_dir(
                    d,
                    &[
                        6, 0, 0, 0, 12, 0, b'W', b'h', b'i', b's', b'p', b'e', b'r', b'S', b'p',
                        b'e', b'c', 0, 3, 0, 0, 0, 5, 0, 0, 0, 4, 0, b'a', b'/', b'b',
                    ],
                    "a\n<|endoftext|>\n",
                ),
                d.join("out.bin").display().to_string(),
            ]
        },
        args: &["model", "convert", "{}", "{}"],
        env: &[],
        expect: "truncated",
    },
    Case {
        name: "model directory without a vocabulary",
        prepare: |d| {
            let dir = model_dir(d, &[6, 0, 0, 0], "");
            let _ = std::fs::remove_file(Path::new(&dir).join("vocabulary.txt"));
            vec![dir, d.join("out.bin").display().to_string()]
        },
        args: &["model", "convert", "{}", "{}"],
        env: &[],
        expect: "vocabulary",
    },
    Case {
        name: "whisper model that is not ggml",
        prepare: |d| {
            let model = write(d, "fake.bin", &[7u8; 4096]);
            vec![
                write(
                    d,
                    "c.yaml",
                    format!("communication:\n  whisper_model: {model}\n").as_bytes(),
                ),
                silent_wav(d),
            ]
        },
        args: &["--config", "{}", "transcribe", "{}"],
        env: &[],
        expect: "cannot load the whisper model",
    },
];

mod common;

fn run(case: &Case, dir: &Path) -> std::process::Output {
    let mut prepared = (case.prepare)(dir).into_iter();
    let mut command = common::mockint(&dir.join("data"));
    for arg in case.args {
        if *arg == "{}" {
            command.arg(prepared.next().unwrap_or_default());
        } else {
            command.arg(arg);
        }
    }
    for (key, value) in case.env {
        command.env(key, value);
    }
    command.output().expect("run mockint")
}

#[test]
fn every_bad_input_gets_one_clear_line_and_exit_code_2() {
    assert!(CASES.len() >= 30, "the corpus has {} cases", CASES.len());
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = run(case, dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let problems: Vec<&str> = [
            (output.status.code() != Some(2), "exit code is not 2"),
            (stderr.lines().count() != 1, "not exactly one line"),
            (!stderr.contains(case.expect), "the reason is missing"),
            (
                stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE"),
                "it panicked",
            ),
        ]
        .into_iter()
        .filter(|(bad, _)| *bad)
        .map(|(_, why)| why)
        .collect();
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {} (exit {:?}, expected '{}'): {stderr}",
                case.name,
                problems.join(", "),
                output.status.code(),
                case.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
