//! Project tasks: `cargo xtask ui | run | test | bench | release`.
//!
//! - `ui`: builds the Leptos UI to WebAssembly and lays out `ui/dist` (wasm-bindgen, static files).
//! - `run`: builds the UI, then runs the desktop app.
//! - `test`: checks formatting and clippy (native and wasm, warnings are errors), builds the
//!   UI, the desktop app and the CLI, then runs the whole test suite.
//! - `bench`: builds the UI, the desktop app and the benchmark in release mode and runs it,
//!   which rewrites `docs/benchmarks.md`.
//! - `release [--throwaway-key]`: builds the signed Linux `.deb` and checks it (see
//!   [`release`]; not part of the tests: the Tauri CLI and a release build are slow).
//!
//! System packages and tools are installed by `scripts/dev.sh`, which then calls this.
#![allow(clippy::print_stdout)] // a program: what it prints is its interface

mod release;

/// The test-only switches of the desktop app (native-dialog stand-ins), enabled for the test
/// and benchmark builds and never for `run` or `release`.
const TEST_FEATURES: &str = "mockint-desktop/e2e";

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ui") => build_ui(Profile::Debug, &[]),
        Some("run") => {
            build_ui(Profile::Debug, &[]).and_then(|()| cargo(&["run", "-p", "mockint-desktop"]))
        }
        Some("bench") => bench(&args[1..]),
        Some("release") => release::release(&args[1..]),
        Some("test") => gates()
            .and_then(|()| build_ui(Profile::Debug, &[]))
            .and_then(|()| {
                cargo(&[
                    "build",
                    "-p",
                    "mockint-desktop",
                    "-p",
                    "mockint-cli",
                    "--features",
                    TEST_FEATURES,
                ])
            })
            .and_then(|()| test_workspace()),
        _ => Err(
            "usage: cargo xtask ui | run | test | bench | release [--throwaway-key]".to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace: the nearest directory upwards from here holding `xtask/` and a
/// `Cargo.toml` (found at run time, so a build cache shared between checkouts cannot point
/// this at another checkout), else where xtask was compiled.
fn root() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_default();
    here.ancestors()
        .find(|dir| dir.join("xtask").is_dir() && dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Debug or release build.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Debug,
    Release,
}

/// Builds everything in release mode and runs the benchmark suite (extra arguments go to
/// it, e.g. `--only desktop --out /tmp/bench.md`).
fn bench(extra: &[String]) -> Result<(), String> {
    build_ui(Profile::Release, &["bench"])?;
    cargo(&[
        "build",
        "--release",
        "-p",
        "mockint-desktop",
        "-p",
        "mockint-bench",
        "--features",
        TEST_FEATURES,
    ])?;
    let release = target_dir().join("release");
    let result = run(Command::new(release.join("mockint-bench"))
        .arg("--desktop")
        .arg(release.join("mockint-desktop"))
        .args(extra));
    // Leave the debug UI in place for `run` and `test`.
    build_ui(Profile::Debug, &[])?;
    result
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .current_dir(root())
        .status()
        .map_err(|error| format!("cannot run {shown}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo).args(args))
}

/// What must hold before any test runs: the code is formatted and clippy finds nothing, in
/// the native workspace and in the WebAssembly UI (warnings are errors).
fn gates() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])
        .map_err(|error| format!("formatting differs (run cargo fmt --all): {error}"))?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--features",
        TEST_FEATURES,
        "--",
        "-D",
        "warnings",
    ])
    .map_err(|error| format!("clippy found problems: {error}"))?;
    cargo(&[
        "clippy",
        "-p",
        "mockint-ui",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])
    .map_err(|error| format!("clippy found problems in the UI: {error}"))
}

/// Runs `cargo test --workspace`, echoing its output, and closes with one summary line
/// (`tests: N passed, N failed`) summed over every test binary.
fn test_workspace() -> Result<(), String> {
    use std::io::BufRead as _;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .args([
            "test",
            "--workspace",
            "--no-fail-fast",
            "--features",
            TEST_FEATURES,
        ])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run cargo test: {error}"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count_before(rest, " passed");
                failed += count_before(rest, " failed");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|error| format!("cargo test: {error}"))?;
    println!("tests: {passed} passed, {failed} failed");
    if status.success() && failed == 0 && passed > 0 {
        Ok(())
    } else {
        Err(format!("cargo test failed ({status})"))
    }
}

/// The number just before `label` in a `test result:` line, e.g. `12` in `ok. 12 passed;`.
fn count_before(text: &str, label: &str) -> u64 {
    text.find(label)
        .and_then(|end| text[..end].rsplit([' ', '.']).next())
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

/// Builds the UI crate for wasm32 with `features` and generates its JavaScript glue into
/// `ui/dist`.
fn build_ui(profile: Profile, features: &[&str]) -> Result<(), String> {
    let joined = features.join(",");
    let mut args = vec![
        "build",
        "-p",
        "mockint-ui",
        "--target",
        "wasm32-unknown-unknown",
    ];
    if profile == Profile::Release {
        args.extend(["--profile", "wasm-release"]);
    }
    if !features.is_empty() {
        args.extend(["--features", joined.as_str()]);
    }
    cargo(&args)?;
    let wasm = target_dir().join(match profile {
        Profile::Debug => "wasm32-unknown-unknown/debug/mockint_ui.wasm",
        Profile::Release => "wasm32-unknown-unknown/wasm-release/mockint_ui.wasm",
    });
    let dist = root().join("ui/dist");
    let staging = root().join("ui/dist.part");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|error| format!("cannot create {}: {error}", staging.display()))?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&staging)
        .arg(&wasm))?;
    let statics = root().join("ui/static");
    let entries = std::fs::read_dir(&statics)
        .map_err(|error| format!("cannot read {}: {error}", statics.display()))?;
    for entry in entries.flatten() {
        std::fs::copy(entry.path(), staging.join(entry.file_name()))
            .map_err(|error| format!("cannot copy {}: {error}", entry.path().display()))?;
    }
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::rename(&staging, &dist)
        .map_err(|error| format!("cannot move {} into place: {error}", dist.display()))?;
    println!("xtask: UI built into {}", dist.display());
    Ok(())
}
