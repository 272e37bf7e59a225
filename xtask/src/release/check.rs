//! The checks of a built package: signature, metadata, files, that its programs run (the CLI
//! transcribes with the bundled model), and that no key material or test switch is inside.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::keys::verify_signature;
use super::{output_of, SigningKey, TEST_SWITCHES};
use crate::root;

/// Paths every package must carry (as `dpkg-deb --contents` lists them).
const REQUIRED_FILES: [&str; 5] = [
    "usr/bin/mockint-desktop",
    "usr/bin/mockint",
    // The speech model, so that voice works without a download or Python.
    "usr/lib/Mock Interview/resources/ggml-tiny.en-q8_0.bin",
    "usr/share/applications/Mock Interview.desktop",
    "usr/share/icons/hicolor/128x128/apps/mockint-desktop.png",
];

/// Libraries the package must declare it needs.
const REQUIRED_DEPENDS: [&str; 2] = ["libwebkit2gtk-4.1-0", "libgtk-3-0"];

/// How every minisign secret key starts, as text and as Tauri's base64 key string.
const KEY_MARKERS: [&[u8]; 2] = [
    b"rsign encrypted secret key",
    b"dW50cnVzdGVkIGNvbW1lbnQ6IHJzaWduIGVuY3J5cHRlZCBzZWNyZXQga2V5",
];

/// Checks the package: signature, metadata, files, that its programs run, and that no key
/// material went into it. Returns a summary.
pub(super) fn check_bundle(deb: &Path, key: &SigningKey) -> Result<String, String> {
    let bytes =
        std::fs::read(deb).map_err(|error| format!("cannot read {}: {error}", deb.display()))?;
    let sig_path = PathBuf::from(format!("{}.sig", deb.display()));
    let signature = std::fs::read_to_string(&sig_path)
        .map_err(|error| format!("no updater signature {}: {error}", sig_path.display()))?;
    verify_signature(&bytes, &signature, &key.public)?;

    let version = workspace_version()?;
    let fields = output_of(Command::new("dpkg-deb").arg("--field").arg(deb))?;
    let field = |name: &str| {
        fields
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap_or_default()
            .to_string()
    };
    if field("Version") != version {
        return Err(format!(
            "package version {} is not the app's {version}",
            field("Version")
        ));
    }
    let depends = field("Depends");
    for library in REQUIRED_DEPENDS {
        if !depends.contains(library) {
            return Err(format!(
                "the package does not depend on {library}: {depends}"
            ));
        }
    }

    let contents = output_of(Command::new("dpkg-deb").arg("--contents").arg(deb))?;
    for required in REQUIRED_FILES {
        let listed = |line: &str| {
            line.trim_end().ends_with(&format!(" {required}"))
                || line.trim_end().ends_with(&format!(" ./{required}"))
        };
        if !contents.lines().any(listed) {
            return Err(format!("the package lacks {required}"));
        }
    }

    let unpacked = tempfile::tempdir().map_err(|error| format!("cannot unpack: {error}"))?;
    output_of(
        Command::new("dpkg-deb")
            .arg("--extract")
            .arg(deb)
            .arg(unpacked.path()),
    )?;
    let desktop = unpacked.path().join("usr/bin/mockint-desktop");
    let missing: Vec<String> = output_of(Command::new("ldd").arg(&desktop))?
        .lines()
        .filter(|line| line.contains("not found"))
        .map(str::trim)
        .map(str::to_string)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the app needs missing libraries: {}",
            missing.join(", ")
        ));
    }
    let cli_version =
        output_of(Command::new(unpacked.path().join("usr/bin/mockint")).arg("--version"))?;
    if !cli_version.contains(&version) {
        return Err(format!(
            "the packaged CLI reports {cli_version:?}, not {version}"
        ));
    }
    transcribes_without_python(unpacked.path())?;
    let private_body = key.private.lines().last().unwrap_or_default().to_string();
    for path in files_under(unpacked.path()) {
        let data = std::fs::read(&path).unwrap_or_default();
        if (!key.private.is_empty() && contains(&data, key.private.as_bytes()))
            || (!private_body.is_empty() && contains(&data, private_body.as_bytes()))
            || KEY_MARKERS.iter().any(|marker| contains(&data, marker))
        {
            return Err(format!("{} holds signing-key material", path.display()));
        }
        if let Some(switch) = TEST_SWITCHES.iter().find(|s| contains(&data, s.as_bytes())) {
            return Err(format!("{} holds the test switch {switch}", path.display()));
        }
    }

    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "release: {} ({:.1} MB, sha256 {hex})\nrelease: signature {} verified against the updater public key\nrelease: package {} {} ({}), {} files, CLI and app present, every library found, no key material and no test switch inside",
        deb.display(),
        bytes.len() as f64 / (1024.0 * 1024.0),
        sig_path.display(),
        field("Package"),
        version,
        field("Architecture"),
        contents.lines().filter(|l| l.starts_with('-')).count(),
    ))
}

/// The packaged CLI transcribes speech with the packaged model, with an empty environment
/// and an empty `PATH` (no Python, no pip, no download).
fn transcribes_without_python(unpacked: &Path) -> Result<(), String> {
    let work = tempfile::tempdir().map_err(|error| format!("cannot make a temp dir: {error}"))?;
    let wav = work.path().join("answer.wav");
    output_of(
        Command::new("espeak-ng")
            .args(["-v", "en-us", "-s", "150", "-w"])
            .arg(&wav)
            .arg(SENTENCE),
    )?;
    let heard = output_of(
        Command::new(unpacked.join("usr/bin/mockint"))
            .env_clear()
            .env("PATH", "")
            .env("HOME", work.path())
            .arg("--data-dir")
            .arg(work.path().join("data"))
            .arg("transcribe")
            .arg(&wav),
    )?;
    // This proves transcription works here, not the tiny model's spelling ("cache" can come
    // back as "cash"): most of the sentence's words must be heard.
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let said = words(SENTENCE);
    let heard_words = words(&heard);
    let matched = said.iter().filter(|w| heard_words.contains(w)).count();
    if matched * 10 < said.len() * 6 {
        return Err(format!(
            "the packaged CLI did not transcribe the test sentence ({matched} of {} words): {heard:?}",
            said.len()
        ));
    }
    Ok(())
}

/// What `transcribes_without_python` says through espeak-ng and expects back.
const SENTENCE: &str = "I would put a cache in front of the database.";

fn workspace_version() -> Result<String, String> {
    let conf = root().join("src-tauri/tauri.conf.json");
    let text = std::fs::read_to_string(&conf)
        .map_err(|error| format!("cannot read {}: {error}", conf.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| format!("{} is not JSON: {error}", conf.display()))?;
    json["version"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{} has no version", conf.display()))
}

pub(super) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(entry.path()),
                Ok(kind) if kind.is_file() => files.push(entry.path()),
                _ => {}
            }
        }
    }
    files
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}
