//! The real desktop app in its real webview: started under Xvfb and driven through
//! tauri-driver. It must render the Leptos UI, reach the backend over IPC and show stored
//! sessions.

use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use testkit::desktop::{desktop_binary, Driver, VirtualDisplay};

async fn seed_one_session(data_dir: &std::path::Path) {
    let app = app::App::start(&app::StartOptions {
        data_dir: Some(data_dir.to_path_buf()),
        database_url: Some(format!(
            "sqlite://{}",
            data_dir.join("mockint.db").display()
        )),
        config_file: None,
    })
    .await
    .expect("seed app");
    let request = app::InterviewRequest {
        problem: Some("Design a chat system".into()),
        provider: Some("offline".into()),
        ..app::InterviewRequest::default()
    };
    let (session, _, _) = app.start_interview(request).await.expect("start");
    app.interviews
        .candidate_turn(session.id, "Requirements: one-to-one and group chat, presence, history; low latency delivery matters most.", "text")
        .await
        .expect("turn");
    app.sessions.end(session.id).await.expect("end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_window_shows_the_leptos_ui_backed_by_the_store() {
    let binary = desktop_binary().expect("desktop binary");
    let data = tempfile::tempdir().expect("temp dir");
    seed_one_session(data.path()).await;

    let display = VirtualDisplay::start().expect("virtual display");
    let driver = Driver::start(&display, &[("DATA_DIR", data.path())]).expect("tauri-driver");
    let capabilities = serde_json::json!({
        "browserName": "wry",
        "tauri:options": { "application": binary }
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    };
    let client = ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("WebDriver session with the app");

    let outcome = async {
        let title = client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Id("app-title"))
            .await?
            .text()
            .await?;
        assert_eq!(title, "Mock Interview");
        let backend = client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Id("db-backend"))
            .await?
            .text()
            .await?;
        assert_eq!(backend, "sqlite", "the UI reached the backend over IPC");
        let data_dir = client.find(Locator::Id("data-dir")).await?.text().await?;
        assert_eq!(data_dir, data.path().display().to_string());
        let table = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Id("sessions"))
            .await?
            .text()
            .await?;
        assert!(
            table.contains("Design a chat system"),
            "the stored session is listed: {table}"
        );
        assert!(table.contains("completed"), "{table}");
        let screenshot = client.screenshot().await?;
        assert!(screenshot.starts_with(b"\x89PNG"), "the webview renders");
        if let Some(path) = std::env::var_os("MOCKINT_SCREENSHOT") {
            let _ = std::fs::write(path, &screenshot);
        }
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    outcome.expect("UI checks");
}
