//! The app as the benchmarks use it: assembled on a data directory, with a URL-shortener
//! interview started.

use std::path::Path;

use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_domain::SessionId;

/// Starts the app on `data` (embedded SQLite unless `database_url` is given).
pub async fn start(data: &Path, database_url: Option<String>) -> Result<App, String> {
    App::start(&StartOptions {
        data_dir: Some(data.to_path_buf()),
        database_url,
        config_file: None,
        ..StartOptions::default()
    })
    .await
    .map_err(|e| e.to_string())
}

/// Starts a URL-shortener interview with `provider`.
pub async fn url_shortener(app: &App, provider: &str) -> Result<SessionId, String> {
    let (session, _, _) = app
        .start_interview(InterviewRequest {
            provider: Some(provider.into()),
            problem: Some("Design a URL shortener".into()),
            ..InterviewRequest::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(session.id)
}
