//! `mockint restore` against hostile backups, and the data-directory lock, run as real
//! processes: a refusal is one line on stderr with exit code 2, runs nothing from the backup
//! and leaves every file of the data directory (the database included) byte for byte as it
//! was; write commands refuse while the desktop app holds the data directory and read-only
//! commands keep working.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use mockint_app::lock::DataDirLock;
use serde_json::Value;
use sqlx::Connection as _;

use common::mockint;

mod common;

fn assert_one_line_error(output: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "expected one line: {stderr}");
    assert!(stderr.contains(needle), "expected '{needle}' in: {stderr}");
    stderr
}

fn assert_success(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// A scripted interview; returns the session id.
fn interview(data_dir: &Path, db_args: &[&str]) -> String {
    let output = mockint(data_dir)
        .args(db_args)
        .args(["interview", "--problem", "Design a URL shortener", "--json"])
        .arg("--script")
        .arg(mockint_tests::fixture("script_url_shortener.txt"))
        .output()
        .expect("interview");
    let report: Value = serde_json::from_str(&assert_success(&output)).expect("JSON report");
    report["session_id"].as_str().expect("id").to_string()
}

/// Every file of the data directory but the logs and the lock file, byte for byte.
fn files(data_dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![data_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = entry.path();
            let name = path
                .strip_prefix(data_dir)
                .expect("inside")
                .display()
                .to_string();
            if name == "logs" || name == ".lock" {
                continue;
            }
            if entry.file_type().expect("type").is_dir() {
                stack.push(path);
            } else {
                found.insert(name, std::fs::read(&path).expect("file"));
            }
        }
    }
    found
}

/// Every row of every table of a PostgreSQL database, as JSON text.
async fn pg_rows(url: &str) -> Vec<String> {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let mut rows = Vec::new();
    for table in mockint_storage::TABLES {
        let json: String = sqlx::query_scalar(&format!(
            "SELECT COALESCE(json_agg(t ORDER BY t.id)::text, '[]') FROM {} t",
            table.name
        ))
        .fetch_one(&mut conn)
        .await
        .expect("rows");
        rows.push(json);
    }
    let _ = conn.close().await;
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restore_runs_nothing_from_the_backup() {
    mockint_tests::with_postgres(|url| async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let db = ["--database-url", url.as_str()];
        let first = interview(&data, &db);
        let backup = dir.path().join("backup");
        assert_success(&mockint(&data).args(db).arg("backup").arg(&backup).output().expect("backup"));
        assert!(backup.join("tables/sessions.csv").is_file());
        let second = interview(&data, &db);
        let rows = pg_rows(&url).await;
        let before = files(&data);

        // An older version's psql script with a shell escape.
        let old = dir.path().join("old");
        let marker = dir.path().join("pwned");
        std::fs::create_dir_all(&old).expect("dir");
        std::fs::write(
            old.join("manifest.json"),
            r#"{"format":1,"backend":"postgres","created_at":"2026-01-01T00:00:00Z","media_files":0,"media_bytes":0}"#,
        )
        .expect("manifest");
        std::fs::write(
            old.join("database.sql"),
            format!("\\! touch {}\nDROP TABLE sessions CASCADE;\n", marker.display()),
        )
        .expect("sql");
        let output = mockint(&data).args(db).arg("restore").arg(&old).output().expect("restore");
        assert_one_line_error(
            &output,
            "this backup was made by an older version in a format that can run commands; it is not restored",
        );
        // The same script slipped into a backup of this version's format.
        std::fs::copy(old.join("database.sql"), backup.join("database.sql")).expect("plant");
        let output = mockint(&data).args(db).arg("restore").arg(&backup).output().expect("restore");
        assert_one_line_error(&output, "database.sql is not part of a postgres backup: refused");
        std::fs::remove_file(backup.join("database.sql")).expect("remove");
        assert!(!marker.exists(), "a command from the backup ran");
        assert_eq!(pg_rows(&url).await, rows, "the database is unchanged");
        assert_eq!(files(&data), before, "the data directory is unchanged");

        // The clean backup restores: the first session only.
        let output = mockint(&data).args(db).arg("restore").arg(&backup).output().expect("restore");
        assert_success(&output);
        let listed: Value = serde_json::from_str(&assert_success(
            &mockint(&data).args(db).args(["sessions", "--json"]).output().expect("sessions"),
        ))
        .expect("json");
        let ids: Vec<&str> = listed["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .filter_map(|s| s["id"].as_str())
            .collect();
        assert_eq!(ids, vec![first.as_str()], "{second} is gone, {first} is back");
    })
    .await;
}

#[cfg(unix)]
#[test]
fn backup_with_a_link_to_a_private_folder_is_refused_and_nothing_is_copied() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let id = interview(&data, &[]);
    let media = data.join(format!("sessions/{id}/audio"));
    std::fs::create_dir_all(&media).expect("media dir");
    std::fs::write(media.join("recording_001.wav"), b"RIFF current").expect("media");
    let backup = dir.path().join("backup");
    assert_success(
        &mockint(&data)
            .arg("backup")
            .arg(&backup)
            .output()
            .expect("backup"),
    );
    assert_success(
        &mockint(&data)
            .args(["cleanup", "--days", "0"])
            .output()
            .expect("cleanup"),
    );
    interview(&data, &[]);
    let before = files(&data);

    let private = dir.path().join("private");
    std::fs::create_dir_all(&private).expect("private");
    std::fs::write(private.join("id_rsa"), b"SECRET KEY MATERIAL").expect("secret");
    let audio = backup.join(format!("sessions/{id}/audio"));
    for (name, target) in [
        ("leak.wav", private.join("id_rsa")),
        ("folder", private.clone()),
    ] {
        let link = audio.join(name);
        std::os::unix::fs::symlink(&target, &link).expect("link");
        let output = mockint(&data)
            .arg("restore")
            .arg(&backup)
            .output()
            .expect("restore");
        assert_one_line_error(&output, &format!("{name} is a symlink: refused"));
        std::fs::remove_file(&link).expect("unlink");
        assert_eq!(files(&data), before, "the data directory is unchanged");
    }
    assert!(
        !files(&data)
            .values()
            .any(|bytes| bytes == b"SECRET KEY MATERIAL"),
        "the secret was copied"
    );
    assert_success(
        &mockint(&data)
            .arg("restore")
            .arg(&backup)
            .output()
            .expect("restore"),
    );
    assert_eq!(
        std::fs::read(media.join("recording_001.wav")).expect("restored media"),
        b"RIFF current"
    );
}

#[test]
fn write_commands_refuse_while_the_desktop_app_holds_the_data_dir() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let id = interview(&data, &[]);
    let backup = dir.path().join("backup");
    assert_success(
        &mockint(&data)
            .arg("backup")
            .arg(&backup)
            .output()
            .expect("backup"),
    );
    let desktop = DataDirLock::acquire(&data, "mockint-desktop").expect("lock");
    let running = format!(
        "the app is running (mockint-desktop pid {})",
        std::process::id()
    );
    let before = files(&data);
    let script = mockint_tests::fixture("script_url_shortener.txt")
        .to_string_lossy()
        .to_string();
    let backup_arg = backup.to_string_lossy().to_string();
    let refused: [(&[&str], &str); 4] = [
        (&["restore", &backup_arg], "close it before restoring"),
        (&["cleanup", "--days", "0"], "close it before cleaning up"),
        (
            &["interview", "--script", &script],
            "close it before starting an interview",
        ),
        (&["db", "migrate"], "close it before migrating the database"),
    ];
    for (args, action) in refused {
        let output = mockint(&data).args(args).output().expect("run");
        let line = assert_one_line_error(&output, &running);
        assert!(line.contains(action), "{line}");
        assert_eq!(files(&data), before, "{args:?} changed the data");
    }
    let second_backup = dir.path().join("backup-2").to_string_lossy().to_string();
    for args in [
        vec!["sessions", "--json"],
        vec!["report", &id, "--format", "json"],
        vec!["transcript", &id],
        vec!["usage", &id],
        vec!["stats"],
        vec!["backup", &second_backup],
    ] {
        assert_success(&mockint(&data).args(&args).output().expect("run"));
    }
    drop(desktop);
    let output = mockint(&data)
        .args(["cleanup", "--days", "0"])
        .output()
        .expect("cleanup");
    assert!(assert_success(&output).contains("Removed 1 session"));
}

#[test]
fn restore_names_the_interview_running_in_another_process() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    interview(&data, &[]);
    let backup = dir.path().join("backup");
    assert_success(
        &mockint(&data)
            .arg("backup")
            .arg(&backup)
            .output()
            .expect("backup"),
    );
    let mut running = std::process::Command::new(assert_cmd::cargo::cargo_bin("mockint"));
    running
        .env_remove("DATABASE_URL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .arg("--data-dir")
        .arg(&data)
        .args(["interview", "--problem", "Design a chat system"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = running.spawn().expect("interview");
    let holder = format!("mockint interview pid {}", child.id());
    let started = Instant::now();
    while DataDirLock::held_by_other(&data).as_deref() != Some(holder.as_str()) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the interview never took the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = mockint(&data)
        .arg("restore")
        .arg(&backup)
        .output()
        .expect("restore");
    assert_one_line_error(
        &output,
        &format!("the app is running ({holder}): close it before restoring"),
    );
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"/end\n").expect("end");
    drop(stdin);
    assert!(child.wait().expect("wait").success());
    assert_eq!(DataDirLock::held_by_other(&data), None, "released at exit");
    assert_success(
        &mockint(&data)
            .arg("restore")
            .arg(&backup)
            .output()
            .expect("restore"),
    );
}

/// A hand-made backup: its name, manifest, other files and the expected reason.
type BadBackup = (
    &'static str,
    String,
    &'static [(&'static str, &'static [u8])],
    &'static str,
);

const ROWS: &str = r#""rows":{"resumes":0,"sessions":0,"conversations":0,"evaluations":0,"media_files":0,"token_usage":0,"audit_logs":0}"#;

#[test]
fn each_bad_backup_gets_one_line_and_exit_code_2() {
    let v2 = format!(
        r#"{{"format":2,"backend":"sqlite","created_at":"2026-01-01T00:00:00Z",{ROWS},"media_files":0,"media_bytes":0"#
    );
    let cases: [BadBackup; 5] = [
        (
            "old plain-SQL PostgreSQL backup",
            r#"{"format":1,"backend":"postgres","created_at":"2026-01-01T00:00:00Z","media_files":0,"media_bytes":0}"#.into(),
            &[("database.sql", b"\\! touch /tmp/mockint-pwned\n")],
            "in a format that can run commands; it is not restored",
        ),
        (
            "unknown manifest field",
            format!(r#"{v2},"hook":"sh"}}"#),
            &[("database.sqlite", b"")],
            "unknown field `hook`",
        ),
        (
            "a format from the future",
            v2.replace(r#""format":2"#, r#""format":3"#) + "}",
            &[("database.sqlite", b"")],
            "format 3, which this version does not know",
        ),
        (
            "a missing database copy",
            format!("{v2}}}"),
            &[],
            "lacks",
        ),
        (
            "a file that is not a database",
            format!("{v2}}}"),
            &[("database.sqlite", b"SQLite format 3\0 but not really")],
            "database",
        ),
    ];
    for (name, manifest, extra, expect) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let backup = dir.path().join("backup");
        std::fs::create_dir_all(&backup).expect("dir");
        std::fs::write(backup.join("manifest.json"), manifest).expect("manifest");
        for (file, bytes) in extra {
            std::fs::write(backup.join(file), bytes).expect("file");
        }
        let output = mockint(&dir.path().join("data"))
            .arg("restore")
            .arg(&backup)
            .output()
            .expect("restore");
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(
            output.status.code() == Some(2)
                && stderr.lines().count() == 1
                && stderr.contains(expect),
            "{name}: exit {:?}, expected '{expect}': {stderr}",
            output.status.code()
        );
    }
}
