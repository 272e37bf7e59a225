//! Unit tests of the release checks: byte search and updater signature verification.

use std::path::Path;

use super::check::contains;
use super::keys::verify_signature;

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
