//! Monitoring in the desktop app: every alert shown in the window as a notice, and the
//! periodic health check (`monitoring.health_check_interval_seconds`) so that an outage or a
//! filling disk is noticed between actions.

use std::sync::Arc;
use std::time::Duration;

use mockint_app::App;
use mockint_domain::ipc::{Event as _, Notice, NoticeEvent};
use tauri::{AppHandle, Emitter as _};

/// Starts forwarding alerts and checking health.
pub fn start(handle: &AppHandle, app: Option<Arc<App>>) {
    let notices = handle.clone();
    mockint_core::telemetry::global().set_listener(Arc::new(move |alert| {
        let notice = Notice::Alert {
            component: alert.component.clone(),
            message: alert.message.clone(),
        };
        let _ = notices.emit(NoticeEvent::NAME, notice);
    }));
    let Some(app) = app else { return };
    tauri::async_runtime::spawn(async move {
        let interval = app.settings.config.monitoring.health_check_interval_seconds;
        loop {
            tokio::time::sleep(Duration::from_secs(interval)).await;
            let report = mockint_app::health::run_essentials(&app).await;
            mockint_app::diagnostics::raise_health_alerts(&report);
        }
    });
}
