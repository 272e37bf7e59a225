//! `mockint doctor` and `mockint stats`: health checks and usage statistics.

use mockint_app::StartOptions;

use super::open;
use crate::output::{self, outln};
use crate::Failure;

pub(super) async fn doctor(options: &StartOptions, json: bool) -> Result<(), Failure> {
    let app = open(options).await?;
    let report = mockint_app::health::run(&app).await;
    if json {
        outln!("{}", output::json(&report));
    } else {
        for check in &report.checks {
            let mark = match check.status {
                mockint_app::health::Status::Ok => "ok",
                mockint_app::health::Status::Warning => "warn",
                mockint_app::health::Status::Error => "FAIL",
            };
            outln!(
                "{mark:<5} {:<14} {:>5} ms  {}",
                check.component,
                check.latency_ms,
                check.detail
            );
        }
        outln!(
            "{}",
            if report.healthy {
                "healthy"
            } else {
                "UNHEALTHY"
            }
        );
    }
    if report.healthy {
        Ok(())
    } else {
        Err(Failure {
            message: "unhealthy: see the checks above".into(),
            user_error: false,
        })
    }
}

pub(super) async fn stats(options: &StartOptions, json: bool) -> Result<(), Failure> {
    let app = open(options).await?;
    let (statistics, storage) = mockint_app::diagnostics::statistics(&app).await?;
    if json {
        outln!(
            "{}",
            output::json(&serde_json::json!({ "store": statistics, "storage": storage }))
        );
        return Ok(());
    }
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    outln!(
        "sessions: {} ({} active, {} paused, {} completed; completion rate {:.0} %)",
        statistics.sessions(),
        statistics.active,
        statistics.paused,
        statistics.completed,
        statistics.completion_rate() * 100.0
    );
    if let Some(seconds) = statistics.average_duration_seconds {
        outln!("average completed session: {:.1} min", seconds / 60.0);
    }
    outln!(
        "AI: {} tokens, estimated cost ${:.4}",
        statistics.total_tokens(),
        statistics.total_cost()
    );
    for usage in &statistics.usage {
        outln!(
            "  {:<22} {:>5} calls {:>8} tokens  ${:.4}",
            usage.operation,
            usage.calls,
            usage.tokens,
            usage.cost
        );
    }
    for media in &statistics.media {
        outln!(
            "media {:<10} {:>5} files {:>9.1} MB",
            media.file_type,
            media.files,
            mb(media.bytes)
        );
    }
    for problem in &statistics.problems {
        outln!(
            "logged (24 h) {:<12} {} warnings, {} errors",
            problem.component,
            problem.warnings,
            problem.errors
        );
    }
    outln!(
        "disk: {:.1} MB session media, {:.1} MB logs, {:.0} MB free of {:.0} MB",
        mb(storage.session_media_bytes),
        mb(storage.log_bytes),
        mb(storage.free_bytes),
        mb(storage.total_bytes)
    );
    Ok(())
}
