//! The updater signing key pair (from the environment, or a throwaway made for one build)
//! and the verification of a Tauri updater signature.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;

use super::SigningKey;

/// A value given either as text or as the path of a file holding it.
pub(super) fn text_or_file(value: &str) -> Result<String, String> {
    let path = Path::new(value.trim());
    if value.len() < 4096 && path.is_file() {
        std::fs::read_to_string(path)
            .map(|text| text.trim().to_string())
            .map_err(|error| format!("cannot read {}: {error}", path.display()))
    } else {
        Ok(value.trim().to_string())
    }
}

pub(super) fn key_from_env() -> Result<SigningKey, String> {
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

pub(super) fn throwaway_key(cli: &Path) -> Result<SigningKey, String> {
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

/// Verifies a Tauri updater signature (base64 of a minisign signature file) with a Tauri
/// public key (base64 of a minisign public key file).
pub(super) fn verify_signature(data: &[u8], signature: &str, public: &str) -> Result<(), String> {
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
