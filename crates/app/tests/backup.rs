//! Retention and backup: cleanup removes only old sessions; a backup restored over a changed
//! data set gives back exactly what was backed up, on SQLite and on PostgreSQL; a backup that
//! is not exactly what this version writes is refused and changes nothing
//! (`backup_cases/refusals.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

#[path = "backup_cases/refusals.rs"]
mod refusals;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_domain::{LogEntry, LogLevel, MediaType, Page, Session, SessionId, Whiteboard};

fn options(dir: &Path, database_url: Option<String>) -> StartOptions {
    StartOptions {
        data_dir: Some(dir.to_path_buf()),
        database_url,
        config_file: None,
        ..StartOptions::default()
    }
}

async fn open(dir: &Path, database_url: Option<String>) -> App {
    App::start(&options(dir, database_url))
        .await
        .expect("app starts")
}

fn offline() -> InterviewRequest {
    InterviewRequest {
        provider: Some("offline".into()),
        problem: Some("Design a chat system".into()),
        ..InterviewRequest::default()
    }
}

/// One session with everything stored about it.
type SessionData = (
    Session,
    Vec<mockint_domain::Message>,
    Option<mockint_domain::EvaluationReport>,
    Vec<mockint_domain::MediaFile>,
    Vec<mockint_domain::TokenUsageRecord>,
    Whiteboard,
);

/// Everything observable about the stored data.
#[derive(Debug, PartialEq)]
pub(crate) struct State {
    sessions: Vec<mockint_domain::SessionSummary>,
    details: Vec<SessionData>,
    audit: Vec<LogEntry>,
    files: BTreeMap<String, Vec<u8>>,
}

async fn state(app: &App, dir: &Path) -> State {
    let sessions = app
        .sessions
        .list(Page::new(100, 0).expect("page"))
        .await
        .expect("list");
    let mut details = Vec::new();
    for s in &sessions {
        details.push((
            app.sessions.get(s.id).await.expect("session"),
            app.store.conversation(s.id).await.expect("messages"),
            app.store.get_evaluation(s.id).await.expect("evaluation"),
            app.store.media_files(s.id).await.expect("media"),
            app.store.token_usage(s.id).await.expect("tokens"),
            app.whiteboards.load_board(s.id).await.expect("board"),
        ));
    }
    let mut files = BTreeMap::new();
    let root = dir.join("sessions");
    let mut stack = vec![root.clone()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .expect("dir")
                    .flatten()
                    .map(|e| e.path()),
            );
        } else if path.exists() {
            let key = path
                .strip_prefix(&root)
                .expect("under root")
                .display()
                .to_string();
            files.insert(key, std::fs::read(&path).expect("file"));
        }
    }
    State {
        sessions,
        details,
        audit: app
            .store
            .audit_logs(Page::new(100, 0).expect("page"))
            .await
            .expect("audit"),
        files,
    }
}

async fn fill(app: &App) -> SessionId {
    let (first, _, _) = app.start_interview(offline()).await.expect("start");
    app.interviews.candidate_turn(first.id, "Requirements: one-to-one and group chat with presence and history; delivery latency under 200 ms.", "text").await.expect("turn");
    app.whiteboards
        .save_snapshot(first.id, b"\x89PNG\r\n\x1a\nsnapshot bytes")
        .await
        .expect("snapshot");
    app.media
        .save(first.id, MediaType::Audio, b"RIFF fake wav")
        .await
        .expect("audio");
    let board: Whiteboard = serde_json::from_str(
        &std::fs::read_to_string(mockint_tests::fixture("whiteboard_no_cache.json"))
            .expect("fixture"),
    )
    .expect("board");
    app.whiteboards
        .save_board(first.id, &board)
        .await
        .expect("board");
    app.store
        .record_token_usage(&mockint_domain::TokenUsageRecord {
            session_id: first.id,
            timestamp: Utc::now(),
            operation: mockint_domain::TokenOperation::QuestionGeneration,
            usage: mockint_domain::TokenUsage::new("openai", "gpt-4o", 1200, 60, 0.0036),
        })
        .await
        .expect("tokens");
    app.store
        .append_audit_log(&LogEntry {
            timestamp: Utc::now(),
            level: LogLevel::Warning,
            component: "test".into(),
            operation: "backup".into(),
            message: "before backup".into(),
            session_id: Some(first.id),
            user_id: None,
            metadata: serde_json::Map::new(),
            stack_trace: None,
        })
        .await
        .expect("audit");
    app.sessions.end(first.id).await.expect("end");
    let (second, _, _) = app.start_interview(offline()).await.expect("start");
    app.interviews
        .candidate_turn(
            second.id,
            "Unicode survives: Zoë 山田 🚀 and '); DROP TABLE sessions;--",
            "text",
        )
        .await
        .expect("turn");
    first.id
}

async fn round_trip(database_url: Option<String>) {
    let data = tempfile::tempdir().expect("temp dir");
    let backups = tempfile::tempdir().expect("temp dir");
    let target = backups.path().join("backup-1");
    let app = open(data.path(), database_url.clone()).await;
    let first = fill(&app).await;
    let before = state(&app, data.path()).await;
    assert_eq!(before.sessions.len(), 2);
    assert!(before.files.len() >= 3, "{:?}", before.files.keys());

    let manifest = mockint_app::backup::backup(&app.settings, &target)
        .await
        .expect("backup");
    assert_eq!(manifest.media_files as usize, before.files.len());
    assert!(
        mockint_app::backup::backup(&app.settings, &target)
            .await
            .is_err(),
        "a backup never overwrites another"
    );

    // Change everything: delete a session with its files, add another.
    app.sessions.delete(first).await.expect("delete");
    let (extra, _, _) = app.start_interview(offline()).await.expect("start");
    app.media
        .save(extra.id, MediaType::Screen, b"\x89PNG\r\n\x1a\nother")
        .await
        .expect("media");
    assert_ne!(state(&app, data.path()).await, before);

    // The app is closed for a restore (its pool holds connections to the database).
    drop(app);
    let settings = mockint_app::Settings::resolve(&options(data.path(), database_url.clone()))
        .expect("settings");
    let restored = mockint_app::backup::restore(&settings, &target)
        .await
        .expect("restore");
    assert_eq!(restored, manifest);
    assert_eq!(restored.rows.sessions, 2);
    assert_eq!(refusals::leftovers(data.path()), Vec::<String>::new());
    if let Some(url) = &database_url {
        assert_eq!(
            refusals::scratch_databases(url).await,
            Vec::<String>::new(),
            "the scratch database became the database and the previous one was dropped"
        );
    }
    let reopened = open(data.path(), database_url).await;
    let after = state(&reopened, data.path()).await;
    assert_eq!(
        after, before,
        "the restore gives back exactly what was backed up"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_round_trip_on_sqlite() {
    round_trip(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_round_trip_on_postgres() {
    mockint_tests::with_postgres(|url| async move { round_trip(Some(url)).await }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_removes_only_old_sessions_with_their_files() {
    let data = tempfile::tempdir().expect("temp dir");
    let app = open(data.path(), None).await;
    let (recent, _, _) = app.start_interview(offline()).await.expect("start");
    let mut old = app.sessions.get(recent.id).await.expect("session");
    old.id = SessionId::from_uuid(uuid::Uuid::new_v4());
    old.created_at = Utc::now() - Duration::days(120);
    app.store.create_session(&old).await.expect("old session");
    app.media
        .save(old.id, MediaType::Audio, b"old audio")
        .await
        .expect("media");
    let store: Arc<dyn mockint_core::ports::Store> = Arc::clone(&app.store);
    assert_eq!(store.count_sessions().await.expect("count"), 2);

    let removed = mockint_app::backup::cleanup(&app, 90)
        .await
        .expect("cleanup");
    assert_eq!(removed, vec![old.id]);
    assert_eq!(store.count_sessions().await.expect("count"), 1);
    assert!(
        !data.path().join(format!("sessions/{}", old.id)).exists(),
        "its files went too"
    );
    assert!(app.sessions.get(recent.id).await.is_ok());
}
