//! No candidate turn is lost when the real PostgreSQL server stops mid-interview: turns are
//! journaled on disk, the interview carries on, and the journal is replayed in order when
//! the server is back. This stops and restarts the machine's PostgreSQL cluster, so it lives
//! in its own test binary (cargo runs test binaries one at a time).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::process::Command;
use std::time::{Duration, Instant};

use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_domain::diagnostics::AlertKind;
use mockint_domain::ipc::Notice;
use mockint_domain::Role;

/// The local cluster, controlled with pg_ctlcluster; restarted when dropped.
struct Cluster {
    version: String,
}

impl Cluster {
    fn find() -> Self {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("a Debian PostgreSQL cluster")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .max()
            .expect("a cluster version");
        Self { version }
    }

    fn ctl(&self, action: &str) {
        let status = Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &self.version, "main", action])
            .status()
            .expect("pg_ctlcluster");
        assert!(status.success(), "pg_ctlcluster {action}");
    }

    fn ready(&self) -> bool {
        Command::new("pg_isready")
            .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
            .status()
            .is_ok_and(|s| s.success())
    }

    fn wait(&self, up: bool) {
        let start = Instant::now();
        while self.ready() != up {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "PostgreSQL did not become {}",
                if up { "ready" } else { "unavailable" }
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !self.ready() {
            let _ = Command::new("pg_ctlcluster")
                .args(["--skip-systemctl-redirect", &self.version, "main", "start"])
                .status();
            self.wait(true);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_mid_interview_loses_no_turn() {
    mockint_tests::with_postgres(|url| async move {
        let data = tempfile::tempdir().expect("temp dir");
        let config = data.path().join("config.yaml");
        std::fs::write(&config, "database:\n  pool_timeout_seconds: 2\n").expect("config");
        let app = App::start(&StartOptions {
            data_dir: Some(data.path().to_path_buf()),
            database_url: Some(url.clone()),
            config_file: Some(config),
        ..StartOptions::default()
        })
        .await
        .expect("app");
        let request = InterviewRequest { provider: Some("offline".into()), problem: Some("Design a URL shortener".into()), ..InterviewRequest::default() };
        let (session, _, _) = app.start_interview(request).await.expect("start");
        let turn = |n: usize| format!("Turn {n}: the requirements include low latency redirects, high availability and analytics out of scope.");
        for n in 1..=2 {
            app.interviews.candidate_turn(session.id, &turn(n), "text").await.expect("turn while up");
        }

        let cluster = Cluster::find();
        cluster.ctl("stop");
        cluster.wait(false);
        let mut degraded_notices = 0;
        for n in 3..=5 {
            let outcome = app.interviews.candidate_turn(session.id, &turn(n), "text").await.expect("the interview carries on");
            assert_eq!(outcome.candidate.content, turn(n));
            degraded_notices += outcome.notices.iter().filter(|n| matches!(n, Notice::Degraded { .. })).count();
        }
        assert!(degraded_notices >= 3, "every turn during the outage says it is degraded");
        assert!(app.interviews.degraded());
        // Monitoring sees it too: the diagnostics say unhealthy, the store's figures cannot be
        // read, and the failed writes and the failed check raised alerts.
        let diagnostics = mockint_app::diagnostics::gather(&app).await;
        assert!(!diagnostics.health.healthy);
        assert!(diagnostics.store.is_err(), "{:?}", diagnostics.store);
        let database_alerts: Vec<AlertKind> = diagnostics.alerts.iter().filter(|a| a.component == "database").map(|a| a.kind).collect();
        assert!(database_alerts.contains(&AlertKind::ErrorRate), "{database_alerts:?}");
        let raised = mockint_core::telemetry::global().alerts();
        assert!(raised.iter().any(|a| a.component == "database" && a.kind == AlertKind::Unhealthy), "{raised:?}");

        cluster.ctl("start");
        cluster.wait(true);
        // After the pause, the next turn replays the journal in order, then stores itself.
        tokio::time::sleep(Duration::from_secs(6)).await;
        let outcome = app.interviews.candidate_turn(session.id, &turn(6), "text").await.expect("turn after restart");
        assert!(outcome.notices.iter().all(|n| !matches!(n, Notice::Degraded { .. })), "{:?}", outcome.notices);
        drop(cluster);

        let stored = app.store.conversation(session.id).await.expect("conversation after restart");
        assert_eq!(stored.len(), 1 + 2 * 6, "opening + 6 turns + 6 answers, none lost");
        let candidate: Vec<&str> = stored.iter().filter(|m| m.role == Role::Candidate).map(|m| m.content.as_str()).collect();
        let expected: Vec<String> = (1..=6).map(turn).collect();
        assert_eq!(candidate, expected, "in order");
        for pair in stored[1..].chunks(2) {
            assert_eq!((pair[0].role, pair[1].role), (Role::Candidate, Role::Interviewer), "each answer follows its turn");
        }
        assert_eq!(app.interviews.replay_pending().await.expect("replay"), 0);
    })
    .await;
}
