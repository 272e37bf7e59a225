//! The OpenAI-compatible server field is not a way out: link-local and cloud-metadata
//! addresses are refused before anything is sent, a server that redirects is not followed,
//! and a server's answers are bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

mod common;

use common::app;
use mockint_tests::fake_llm::{FakeLlm, Reply};

#[tokio::test]
async fn metadata_and_link_local_addresses_are_refused_before_any_request() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "http://169.254.10.1:8080/v1",
        "http://[fe80::1]:8080/v1",
        "http://[::ffff:169.254.169.254]/v1",
        "http://[fd00:ec2::254]/v1",
        "http://metadata.google.internal/computeMetadata/v1",
        "http://100.100.100.200/latest",
        "http://0.0.0.0:11434/v1",
    ] {
        let error = app
            .connect_compatible(url, Some("m"))
            .await
            .expect_err(url)
            .to_string();
        assert!(
            error.contains("link-local or cloud-metadata"),
            "{url}: {error}"
        );
    }
    assert!(app.compatible_server().is_none(), "nothing was remembered");
    assert!(!dir.path().join("compatible-server.json").exists());
}

#[tokio::test]
async fn a_server_that_redirects_is_not_followed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let server = FakeLlm::start().await;
    let elsewhere = FakeLlm::start().await;
    server.script([Reply::Redirect(format!("{}/v1/models", elsewhere.base))]);
    let error = app
        .connect_compatible(&server.openai_url(), None)
        .await
        .expect_err("redirect")
        .to_string();
    assert!(error.contains("redirect"), "{error}");
    assert!(
        elsewhere.requests().is_empty(),
        "the redirect was not followed"
    );
    assert!(app.compatible_server().is_none());
}

#[tokio::test]
async fn a_model_list_larger_than_a_mebibyte_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let server = FakeLlm::start().await;
    server.script([Reply::Flood {
        line: 1024,
        total: 3 * 1024 * 1024,
    }]);
    let error = app
        .connect_compatible(&server.openai_url(), None)
        .await
        .expect_err("flood")
        .to_string();
    assert!(error.contains("larger than"), "{error}");
}
