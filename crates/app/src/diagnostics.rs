//! The diagnostics page: health checks, metrics of this run, figures from the store, disk use
//! and alerts; and the alerts that health checks raise.

use std::time::Duration;

use mockint_core::telemetry::{self, AlertPolicy};
use mockint_domain::diagnostics::{
    AlertKind, Diagnostics, HealthReport, HealthStatus, StorageUse, StoreStatistics,
};

use crate::{health, App, AppError, Settings};

/// How far back the logged problems are counted.
const PROBLEM_WINDOW_HOURS: i64 = 24;

/// The alert policy from the `monitoring:` section of the configuration.
pub fn alert_policy(settings: &Settings) -> AlertPolicy {
    let monitoring = &settings.config.monitoring;
    AlertPolicy {
        enabled: monitoring.metrics_collection_enabled,
        error_rate: monitoring.alert_on_error_rate,
        response_time: Duration::from_millis(monitoring.alert_on_response_time_ms),
        ..AlertPolicy::default()
    }
}

/// The start of the window in which logged problems are counted.
fn problems_since() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() - chrono::Duration::hours(PROBLEM_WINDOW_HOURS)
}

/// Everything the diagnostics page shows, gathered now.
pub async fn gather(app: &App) -> Diagnostics {
    let health = health::run(app).await;
    raise_health_alerts(&health);
    let statistics = app.store.statistics(problems_since());
    let store = match tokio::time::timeout(Duration::from_secs(10), statistics).await {
        Ok(Ok(statistics)) => Ok(statistics),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the database did not answer within 10 s".to_string()),
    };
    let collector = telemetry::global();
    let policy = collector.policy();
    Diagnostics {
        generated_at: chrono::Utc::now(),
        uptime_seconds: collector.uptime().as_secs(),
        health,
        components: collector.components(),
        store,
        pool: app.store.pool_status(),
        storage: storage_use(&app.settings),
        alerts: collector.alerts(),
        alert_error_rate: policy.error_rate,
        alert_response_time_ms: u64::try_from(policy.response_time.as_millis()).unwrap_or(u64::MAX),
    }
}

/// Figures from the store (logged problems of the last 24 hours) and disk use.
pub async fn statistics(app: &App) -> Result<(StoreStatistics, StorageUse), AppError> {
    let statistics = app
        .store
        .statistics(problems_since())
        .await
        .map_err(mockint_core::CoreError::from)?;
    Ok((statistics, storage_use(&app.settings)))
}

/// Raises an alert for each failed check, and for a disk that is short of space.
pub fn raise_health_alerts(report: &HealthReport) {
    for check in &report.checks {
        let kind = match (check.component.as_str(), check.status) {
            ("disk", HealthStatus::Warning | HealthStatus::Error) => AlertKind::DiskSpace,
            (_, HealthStatus::Error) => AlertKind::Unhealthy,
            _ => continue,
        };
        telemetry::global().raise(&check.component, kind, check.detail.clone());
    }
}

/// Disk use of the data directory: session media, the embedded database, logs, free space.
pub fn storage_use(settings: &Settings) -> StorageUse {
    let data_dir = &settings.data_dir;
    let database_bytes = match &settings.database {
        mockint_storage::DatabaseTarget::Sqlite(path) => Some(
            ["", "-wal", "-shm"]
                .iter()
                .filter_map(|suffix| {
                    let mut name = path.as_os_str().to_owned();
                    name.push(suffix);
                    std::fs::metadata(name).ok().map(|meta| meta.len())
                })
                .sum(),
        ),
        mockint_storage::DatabaseTarget::Postgres(_) => None,
    };
    StorageUse {
        data_dir: data_dir.display().to_string(),
        session_media_bytes: health::dir_size(&data_dir.join("sessions")),
        database_bytes,
        log_bytes: health::dir_size(&crate::logging::directory(settings)),
        free_bytes: fs4::available_space(data_dir).unwrap_or(0),
        total_bytes: fs4::total_space(data_dir).unwrap_or(0),
    }
}
