//! Deleting a session deletes its words: after `mockint sessions delete`, no file under the
//! data directory (database, its write-ahead log, the outbox, logs, media, whiteboard) still
//! holds any of the session's text — on the embedded SQLite store and with PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;

const MARKER: &str = "Quokkafernwhistle";

fn mockint(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = common::mockint(data_dir);
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

/// Runs an interview whose every answer carries the marker, with a whiteboard labelled with
/// it; returns the session id.
fn interview_with_marker(dir: &Path, database_url: Option<&str>) -> String {
    let script = dir.join("script.txt");
    std::fs::write(
        &script,
        format!(
            "My requirements for {MARKER}: low latency redirects and high availability.\n\n\
             Estimation for {MARKER}: 100 million links a month is about 40 writes per second.\n\n\
             {MARKER} keeps the mapping in PostgreSQL behind a Redis cache."
        ),
    )
    .expect("script");
    let board = dir.join("board.json");
    std::fs::write(
        &board,
        format!(r#"{{"shapes":[{{"id":1,"kind":"rectangle","x":0,"y":0,"width":90,"height":40,"text":"{MARKER} service"}}]}}"#),
    )
    .expect("board");
    let output = mockint(&dir.join("data"), database_url)
        .args([
            "interview",
            "--problem",
            "Design a URL shortener",
            "--json",
            "--script",
        ])
        .arg(&script)
        .arg("--whiteboard")
        .arg(&board)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    report["session_id"].as_str().expect("id").to_string()
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

fn delete_and_check(dir: &Path, database_url: Option<&str>, id: &str) {
    let data = dir.join("data");
    if database_url.is_none() {
        assert!(
            !files_holding(&data, MARKER).is_empty(),
            "the session's text is on disk before the delete"
        );
    }
    let output = mockint(&data, database_url)
        .args(["sessions", "delete", id])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("deleted session"));
    let left = files_holding(&data, MARKER);
    assert!(left.is_empty(), "the session's text is still in {left:?}");
    // Deleting it again is a clear user error.
    let again = mockint(&data, database_url)
        .args(["sessions", "delete", id])
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&again.stderr).lines().count(), 1);
}

#[test]
fn after_a_delete_no_file_holds_the_sessions_words_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = interview_with_marker(dir.path(), None);
    delete_and_check(dir.path(), None, &id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_delete_no_file_holds_the_sessions_words_with_postgres() {
    mockint_tests::with_postgres(|url| async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_path_buf();
        let url_for = url.clone();
        let id = tokio::task::spawn_blocking(move || interview_with_marker(&path, Some(&url_for)))
            .await
            .expect("join");
        let count = || async {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
                .await
                .expect("connect");
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM conversations WHERE content LIKE '%' || $1 || '%'",
            )
            .bind(MARKER)
            .fetch_one(&mut conn)
            .await
            .expect("count")
        };
        assert!(
            count().await > 0,
            "the session's text is in the database before the delete"
        );
        let (path, url_for, id_for) = (dir.path().to_path_buf(), url.clone(), id.clone());
        tokio::task::spawn_blocking(move || delete_and_check(&path, Some(&url_for), &id_for))
            .await
            .expect("join");
        assert_eq!(count().await, 0, "nor in the database after it");
    })
    .await;
}
