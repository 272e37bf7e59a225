//! Set-up shared by the app's test binaries.
// Each test binary compiles this module and uses part of it.
#![allow(dead_code)]

use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_domain::Session;
use mockint_tests::fake_llm::FakeLlm;

/// An app on SQLite in `dir`, with the default configuration.
pub async fn app(dir: &tempfile::TempDir) -> App {
    App::start(&StartOptions {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: Some(format!("sqlite://{}", dir.path().join("test.db").display())),
        config_file: None,
        ..StartOptions::default()
    })
    .await
    .expect("app starts")
}

/// Start options for an app on SQLite in `dir`, with `config_yaml` as its config file.
pub fn options(dir: &tempfile::TempDir, config_yaml: &str) -> StartOptions {
    let config = dir.path().join("test-config.yaml");
    std::fs::write(&config, config_yaml).expect("config");
    StartOptions {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: Some(format!("sqlite://{}", dir.path().join("test.db").display())),
        config_file: Some(config),
        ..StartOptions::default()
    }
}

/// A protocol server connected as the app's OpenAI-compatible provider, and a URL-shortener
/// interview started with it.
pub async fn compatible_session(app: &App) -> (FakeLlm, Session) {
    let server = FakeLlm::start().await;
    app.connect_compatible(&server.openai_url(), Some("local-model"))
        .await
        .expect("connected");
    let (session, _, _) = app
        .start_interview(InterviewRequest {
            provider: Some("compatible".into()),
            problem: Some("Design a URL shortener".into()),
            ..InterviewRequest::default()
        })
        .await
        .expect("start");
    (server, session)
}
