//! Metrics and alerts through the assembled app: a slow and then a failing AI provider (the
//! protocol server), the database's query timings, and the diagnostics the page shows. Alerts
//! must reach the listener (the window's notices), the JSON log file and `audit_logs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

use mockint_app::App;
use mockint_core::telemetry;
use mockint_domain::diagnostics::{AlertKind, HealthCheck, HealthReport, HealthStatus};
use mockint_domain::Page;
use mockint_tests::fake_llm::Reply;

const COMPONENT: &str = "ai:compatible";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_failing_calls_raise_alerts_that_reach_the_user_the_log_and_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = common::options(
        &dir,
        "ai:\n  retry_delay_seconds: 0.01\nmonitoring:\n  alert_on_response_time_ms: 150\n  alert_on_error_rate: 0.05\n",
    );
    let settings = mockint_app::Settings::resolve(&options).expect("settings");
    let _logs = mockint_app::logging::init(&settings, mockint_app::logging::Console::Quiet, &[])
        .expect("logging");
    let app = App::start(&options).await.expect("app starts");
    mockint_app::logging::attach_audit_store(Arc::clone(&app.store));
    let shown: Arc<Mutex<Vec<mockint_domain::diagnostics::Alert>>> = Arc::default();
    let sink = Arc::clone(&shown);
    telemetry::global().set_listener(Arc::new(move |alert| {
        if let Ok(mut alerts) = sink.lock() {
            alerts.push(alert.clone());
        }
    }));

    let (server, session) = common::compatible_session(&app).await;

    // A slow but successful answer: a response-time alert, no error-rate alert.
    server.script([Reply::Slow(Duration::from_millis(400))]);
    app.interviews
        .candidate_turn(
            session.id,
            "We need short links and fast redirects.",
            "text",
        )
        .await
        .expect("turn");
    let alerts = |kind: AlertKind| {
        shown
            .lock()
            .map(|a| {
                a.iter()
                    .filter(|a| a.component == COMPONENT && a.kind == kind)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let slow = alerts(AlertKind::SlowResponse);
    assert_eq!(slow.len(), 1, "{slow:?}");
    assert!(
        slow[0].message.starts_with("completions took 0.4")
            && slow[0].message.ends_with("(alert above 0.15 s)"),
        "{}",
        slow[0].message
    );
    assert!(alerts(AlertKind::ErrorRate).is_empty());

    // Failing answers (each after its retries): an error-rate alert, raised once.
    server.script((0..40).map(|_| Reply::Status {
        code: 503,
        retry_after: None,
    }));
    for _ in 0..2 {
        app.interviews
            .candidate_turn(
                session.id,
                "Reads dominate, so cache the redirects.",
                "text",
            )
            .await
            .expect("the offline interviewer answers");
    }
    let failing = alerts(AlertKind::ErrorRate);
    assert_eq!(failing.len(), 1, "one alert per cooldown: {failing:?}");
    assert!(
        failing[0].message.contains("calls failed")
            && failing[0].message.contains("alert above 5 %"),
        "{}",
        failing[0].message
    );

    // What the diagnostics page shows.
    let diagnostics = mockint_app::diagnostics::gather(&app).await;
    let ai = diagnostics
        .components
        .iter()
        .find(|m| m.component == COMPONENT)
        .expect("AI calls recorded");
    assert!(ai.calls >= 3 && ai.failures >= 2, "{ai:?}");
    assert!(ai.max_ms >= 400.0, "{ai:?}");
    let database = diagnostics
        .components
        .iter()
        .find(|m| m.component == "database")
        .expect("queries recorded");
    assert!(database.calls > 10 && database.p50_ms > 0.0, "{database:?}");
    let store = diagnostics.store.as_ref().expect("store figures");
    assert_eq!((store.active, store.completed), (1, 0));
    assert!(store.total_tokens() > 0, "{store:?}");
    assert!(diagnostics
        .health
        .checks
        .iter()
        .any(|c| c.component == "database" && c.status == HealthStatus::Ok));
    assert!(diagnostics.alerts.len() >= 2);
    assert_eq!(
        (
            diagnostics.alert_error_rate,
            diagnostics.alert_response_time_ms
        ),
        (0.05, 150)
    );
    assert!(diagnostics.storage.database_bytes.is_some_and(|b| b > 0));
    let pool = diagnostics.pool;
    assert!(
        pool.open >= 1 && pool.idle <= pool.open && pool.max >= pool.open,
        "{pool:?}"
    );

    // A disk short of space is an alert too.
    mockint_app::diagnostics::raise_health_alerts(&HealthReport {
        healthy: true,
        checks: vec![HealthCheck {
            component: "disk".into(),
            status: HealthStatus::Warning,
            detail: "900 MB free (4 %)".into(),
            latency_ms: 0,
        }],
    });
    assert!(shown
        .lock()
        .map(|a| a
            .iter()
            // (On a machine whose disk really is that full, the app's own check raised the
            // disk alert first and this one falls in its cooldown: either reached the user.)
            .any(|a| a.kind == AlertKind::DiskSpace && a.message.contains("MB free")))
        .unwrap_or(false));

    // Every alert is a WARNING in audit_logs (written in the background) and in the log file.
    let mut logged = Vec::new();
    for _ in 0..50 {
        logged = app
            .store
            .audit_logs(Page::new(100, 0).expect("page"))
            .await
            .expect("audit logs")
            .into_iter()
            .filter(|entry| entry.operation == "alert")
            .collect();
        if logged.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let components: Vec<&str> = logged.iter().map(|e| e.component.as_str()).collect();
    assert!(
        components.iter().filter(|c| **c == COMPONENT).count() >= 2,
        "{components:?}"
    );
    assert!(components.contains(&"disk"), "{components:?}");
    assert!(logged
        .iter()
        .all(|e| e.level == mockint_domain::LogLevel::Warning));
    let statistics = mockint_app::diagnostics::statistics(&app)
        .await
        .expect("statistics")
        .0;
    assert!(
        statistics
            .problems
            .iter()
            .any(|p| p.component == COMPONENT && p.warnings >= 2),
        "{:?}",
        statistics.problems
    );
    drop(_logs);
    let log_text: String = std::fs::read_dir(dir.path().join("logs"))
        .expect("log dir")
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect();
    assert!(
        log_text.contains("alert: ") && log_text.contains(COMPONENT),
        "alerts in the JSON log"
    );
}
