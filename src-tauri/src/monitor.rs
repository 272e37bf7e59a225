//! Monitoring in the desktop app: the diagnostics page's data, alerts shown as notices, and
//! the periodic health check (`monitoring.health_check_interval_seconds`).

use std::sync::Arc;
use std::time::Duration;

use domain::diagnostics::Diagnostics;
use domain::ipc::Notice;
use tauri::{AppHandle, Emitter as _, Manager as _, State};

use crate::state::DesktopState;

/// Health checks, metrics, store figures, disk use and alerts for the diagnostics page.
#[tauri::command]
pub async fn diagnostics(state: State<'_, DesktopState>) -> Result<Diagnostics, String> {
    Ok(app::diagnostics::gather(state.app()?).await)
}

/// Shows every alert in the window as a notice, and checks the database and the disk
/// periodically so that an outage or a filling disk is noticed between actions.
pub fn start(handle: &AppHandle) {
    let notices = handle.clone();
    interview_core::telemetry::global().set_listener(Arc::new(move |alert| {
        let _ = notices.emit(
            "notice",
            Notice::Alert {
                component: alert.component.clone(),
                message: alert.message.clone(),
            },
        );
    }));
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        let interval = {
            let state = handle.state::<DesktopState>();
            let Ok(app) = state.app() else { return };
            app.settings.config.monitoring.health_check_interval_seconds
        };
        loop {
            tokio::time::sleep(Duration::from_secs(interval)).await;
            let state = handle.state::<DesktopState>();
            if let Ok(app) = state.app() {
                let report = app::health::run_essentials(app).await;
                app::diagnostics::raise_health_alerts(&report);
            }
        }
    });
}
