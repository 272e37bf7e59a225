//! Health checks of every component: database, AI providers, file storage, disk space, the
//! whisper model, ffmpeg and the sound server's echo canceller (`mockint doctor`, the
//! diagnostics view).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::App;

/// Free disk space below which the app is unhealthy.
const DISK_ERROR_BYTES: u64 = 200 * 1024 * 1024;
/// Free disk space below which a warning is raised.
const DISK_WARNING_BYTES: u64 = 1024 * 1024 * 1024;

pub use mockint_domain::diagnostics::{HealthCheck as Check, HealthReport, HealthStatus as Status};

fn check(component: &str, started: Instant, status: Status, detail: impl Into<String>) -> Check {
    Check {
        component: component.to_string(),
        status,
        detail: detail.into(),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// Runs every check.
pub async fn run(app: &App) -> HealthReport {
    let mut checks = vec![database(app).await];
    for provider in ["offline", "openai", "anthropic"] {
        checks.push(provider_check(app, provider).await);
    }
    checks.push(storage(app));
    checks.push(disk(app));
    checks.push(whisper(app));
    checks.extend(answer_model(app));
    checks.push(ffmpeg().await);
    checks.push(echo_cancellation(app).await);
    HealthReport {
        healthy: checks.iter().all(|c| c.status != Status::Error),
        checks,
    }
}

/// The checks worth repeating in the background (no network): database, storage, disk.
pub async fn run_essentials(app: &App) -> HealthReport {
    let checks = vec![database(app).await, storage(app), disk(app)];
    HealthReport {
        healthy: checks.iter().all(|c| c.status != Status::Error),
        checks,
    }
}

async fn database(app: &App) -> Check {
    let started = Instant::now();
    let target = app.settings.database.display_url();
    match tokio::time::timeout(Duration::from_secs(10), app.store.ping()).await {
        Ok(Ok(())) => check(
            "database",
            started,
            Status::Ok,
            format!("{} ({})", app.store.backend(), target),
        ),
        Ok(Err(error)) => check("database", started, Status::Error, error.to_string()),
        Err(_) => check("database", started, Status::Error, "no answer within 10 s"),
    }
}

async fn provider_check(app: &App, provider: &str) -> Check {
    let started = Instant::now();
    let component = format!("ai:{provider}");
    if provider == "offline" {
        return check(
            &component,
            started,
            Status::Ok,
            "built-in rubric interviewer",
        );
    }
    if !app.providers.has(provider) {
        let hint = if provider == "openai" {
            "OPENAI_API_KEY or OPENAI_BASE_URL"
        } else {
            "ANTHROPIC_API_KEY"
        };
        return check(
            &component,
            started,
            Status::Warning,
            format!("not configured (set {hint})"),
        );
    }
    let ai = &app.settings.config.ai;
    let (url, headers) = match provider {
        "openai" => {
            let mut headers = Vec::new();
            if let Some(key) = &app.settings.secrets.openai_api_key {
                headers.push((
                    "authorization",
                    format!("Bearer {}", secrecy::ExposeSecret::expose_secret(key)),
                ));
            }
            (
                format!("{}/models", ai.openai.base_url.trim_end_matches('/')),
                headers,
            )
        }
        _ => {
            let mut headers = vec![("anthropic-version", "2023-06-01".to_string())];
            if let Some(key) = &app.settings.secrets.anthropic_api_key {
                headers.push((
                    "x-api-key",
                    secrecy::ExposeSecret::expose_secret(key).to_string(),
                ));
            }
            (
                format!("{}/v1/models", ai.anthropic.base_url.trim_end_matches('/')),
                headers,
            )
        }
    };
    match probe(&url, &headers).await {
        Ok(status) if status < 400 => check(
            &component,
            started,
            Status::Ok,
            format!("reachable (HTTP {status})"),
        ),
        Ok(status) => check(
            &component,
            started,
            Status::Error,
            format!("answered HTTP {status}"),
        ),
        Err(error) => check(&component, started, Status::Error, error),
    }
}

/// A GET with a 5 s timeout; the status code, or why there was none.
async fn probe(url: &str, headers: &[(&str, String)]) -> Result<u16, String> {
    let client = reqwest::Client::new();
    let mut request = client.get(url).timeout(Duration::from_secs(5));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    match request.send().await {
        Ok(response) => Ok(response.status().as_u16()),
        Err(error) if error.is_timeout() => Err("no answer within 5 s".into()),
        Err(error) if error.is_connect() => Err("cannot connect".into()),
        Err(_) => Err("request failed".into()),
    }
}

fn storage(app: &App) -> Check {
    let started = Instant::now();
    let dir = &app.settings.data_dir;
    if let Err(error) = crate::prepare_data_dir(dir) {
        return check("storage", started, Status::Error, error.to_string());
    }
    let used = dir_size(&dir.join("sessions"));
    check(
        "storage",
        started,
        Status::Ok,
        format!(
            "{} writable, {} MB of session media",
            dir.display(),
            used / (1024 * 1024)
        ),
    )
}

/// Bytes of the regular files under `dir` (0 when it does not exist): the measure the media
/// store's quotas use, so the disk figures and the quotas agree.
pub use mockint_storage::dir_size;

/// The verdict on `free` of `total` bytes: an error below 200 MB, a warning below 1 GB or
/// below the seed's 10 % alert line.
pub fn disk_status(free: u64, total: u64) -> Status {
    if free < DISK_ERROR_BYTES {
        Status::Error
    } else if free < DISK_WARNING_BYTES || (total > 0 && free.saturating_mul(10) < total) {
        Status::Warning
    } else {
        Status::Ok
    }
}

fn disk(app: &App) -> Check {
    let started = Instant::now();
    let space = fs4::available_space(&app.settings.data_dir)
        .and_then(|free| Ok((free, fs4::total_space(&app.settings.data_dir)?)));
    match space {
        Ok((free, total)) => {
            let percent = if total > 0 {
                free as f64 * 100.0 / total as f64
            } else {
                0.0
            };
            check(
                "disk",
                started,
                disk_status(free, total),
                format!("{} MB free ({percent:.0} %)", free / (1024 * 1024)),
            )
        }
        Err(error) => check(
            "disk",
            started,
            Status::Error,
            format!("cannot read free space: {error}"),
        ),
    }
}

/// Where the whisper model is expected: a path given in config, or the provisioned file.
pub fn whisper_model_path(app: &App) -> PathBuf {
    app.speech.path()
}

/// [`whisper_model_path`] from the settings alone (the file [`crate::speech::SpeechModels`]
/// reads).
pub fn whisper_model_file(settings: &crate::Settings) -> PathBuf {
    crate::speech::SpeechModels::new(settings, None).path()
}

fn whisper(app: &App) -> Check {
    model_file(
        "whisper_model",
        &whisper_model_path(app),
        "",
        "voice transcription is unavailable".into(),
    )
}

/// The model that reads finished answers again, when one is configured.
fn answer_model(app: &App) -> Option<Check> {
    let path = app.speech.answer_path()?;
    let name = app.settings.config.communication.answer_model.trim();
    Some(model_file(
        "answer_model",
        &path,
        " reads each finished answer again",
        format!("answers are read by the draft model until it is (turning the microphone on downloads it, or `mockint model provision --name {name}`)"),
    ))
}

/// A speech model's file: ok with its size (and `role`) when it is there, else a warning
/// saying it is not provisioned and what that means (`missing`).
fn model_file(component: &str, path: &Path, role: &str, missing: String) -> Check {
    let started = Instant::now();
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > 1024 * 1024 => check(
            component,
            started,
            Status::Ok,
            format!(
                "{} ({} MB){role}",
                path.display(),
                meta.len() / (1024 * 1024)
            ),
        ),
        _ => check(
            component,
            started,
            Status::Warning,
            format!("not provisioned at {}: {missing}", path.display()),
        ),
    }
}

async fn ffmpeg() -> Check {
    let started = Instant::now();
    match tokio::process::Command::new("ffmpeg")
        .arg("-version")
        .output()
        .await
    {
        Ok(output) if output.status.success() => {
            let version = String::from_utf8_lossy(&output.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            check("ffmpeg", started, Status::Ok, version)
        }
        _ => check(
            "ffmpeg",
            started,
            Status::Warning,
            "not found on PATH: video recording is unavailable",
        ),
    }
}

/// Whether the microphone can go through the sound server's echo canceller.
async fn echo_cancellation(app: &App) -> Check {
    let started = Instant::now();
    let component = "echo_cancellation";
    if !app.echo_cancellation() {
        return check(
            component,
            started,
            Status::Ok,
            "off (communication.echo_cancellation)",
        );
    }
    let server = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::task::spawn_blocking(|| {
            mockint_media::echo::describe(&mockint_media::echo::SoundServer::from_env())
        }),
    )
    .await;
    match server {
        Ok(Ok(Ok(server))) => check(
            component,
            started,
            Status::Ok,
            format!("{server}: its echo canceller is engaged while the microphone is on"),
        ),
        Ok(Ok(Err(error))) => check(
            component,
            started,
            Status::Warning,
            format!(
                "{error}; talking over the interviewer is heard only when louder than the speakers"
            ),
        ),
        _ => check(
            component,
            started,
            Status::Warning,
            "the sound server did not answer within 5 s",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1024 * 1024 * 1024;

    #[test]
    fn disk_status_follows_absolute_and_relative_thresholds() {
        assert_eq!(disk_status(100 * 1024 * 1024, 500 * GB), Status::Error);
        assert_eq!(disk_status(GB / 2, 2 * GB), Status::Warning);
        // 9 % free of a large disk is below the 10 % alert line.
        assert_eq!(disk_status(9 * GB, 100 * GB), Status::Warning);
        assert_eq!(disk_status(11 * GB, 100 * GB), Status::Ok);
    }
}
