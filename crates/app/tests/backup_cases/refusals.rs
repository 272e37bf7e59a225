//! Restores that must be refused: each leaves the current data exactly as it was (every row
//! read back through the app, every media file byte for byte), runs nothing from the backup
//! and leaves no staging behind.

use std::path::{Path, PathBuf};

use mockint_app::Settings;
use mockint_domain::MediaType;
use sqlx::Connection as _;

use super::{fill, offline, open, options, state, State};

/// Data backed up, then changed, then closed: a restore either gives back the backup or,
/// refused, leaves `current`.
struct Fixture {
    data: tempfile::TempDir,
    _backups: tempfile::TempDir,
    backup: PathBuf,
    url: Option<String>,
    current: State,
}

impl Fixture {
    async fn new(url: Option<String>) -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let backups = tempfile::tempdir().expect("temp dir");
        let backup = backups.path().join("backup");
        let app = open(data.path(), url.clone()).await;
        let first = fill(&app).await;
        mockint_app::backup::backup(&app.settings, &backup)
            .await
            .expect("backup");
        app.sessions.delete(first).await.expect("delete");
        let (extra, _, _) = app.start_interview(offline()).await.expect("start");
        app.media
            .save(extra.id, MediaType::Screen, b"\x89PNG\r\n\x1a\ncurrent")
            .await
            .expect("media");
        let current = state(&app, data.path()).await;
        drop(app);
        Self {
            data,
            _backups: backups,
            backup,
            url,
            current,
        }
    }

    fn settings(&self) -> Settings {
        Settings::resolve(&options(self.data.path(), self.url.clone())).expect("settings")
    }

    fn manifest(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.backup.join("manifest.json")).expect("read"))
            .expect("json")
    }

    fn set_manifest(&self, value: &serde_json::Value) {
        std::fs::write(
            self.backup.join("manifest.json"),
            serde_json::to_vec_pretty(value).expect("json"),
        )
        .expect("write manifest");
    }

    /// Restores, expects a one-line refusal containing `needle`, and checks that nothing
    /// changed and nothing was left behind.
    async fn assert_refused(&self, needle: &str) -> String {
        let error = mockint_app::backup::restore(&self.settings(), &self.backup)
            .await
            .expect_err("the restore is refused")
            .to_string();
        assert!(error.contains(needle), "expected '{needle}' in: {error}");
        assert_eq!(error.lines().count(), 1, "{error}");
        assert_eq!(leftovers(self.data.path()), Vec::<String>::new());
        if let Some(url) = &self.url {
            assert_eq!(scratch_databases(url).await, Vec::<String>::new());
        }
        let app = open(self.data.path(), self.url.clone()).await;
        assert!(
            state(&app, self.data.path()).await == self.current,
            "a refused restore changed the data ({needle})"
        );
        error
    }
}

/// Staging folders and files a restore may create, still present in `data`.
pub(crate) fn leftovers(data: &Path) -> Vec<String> {
    std::fs::read_dir(data)
        .expect("data dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name.contains("restor"))
        .collect()
}

/// Databases a restore may create next to the test's one, still present.
pub(crate) async fn scratch_databases(url: &str) -> Vec<String> {
    let name = url.rsplit('/').next().unwrap_or_default().to_string();
    let mut conn = sqlx::PgConnection::connect(&mockint_tests::admin_url())
        .await
        .expect("connect");
    let found: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname::text, $1) AND datname <> $1",
    )
    .bind(&name)
    .fetch_all(&mut conn)
    .await
    .expect("pg_database");
    let _ = conn.close().await;
    found
}

async fn edit_sqlite(backup: &Path, statement: &str) {
    let url = format!("sqlite://{}", backup.join("database.sqlite").display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("open the backup");
    sqlx::raw_sql(statement)
        .execute(&mut conn)
        .await
        .expect("edit the backup");
    conn.close().await.expect("close");
}

/// The first media file of the backup (e.g. `sessions/<id>/audio/recording_001.wav`).
fn first_media_dir(backup: &Path) -> PathBuf {
    let sessions = backup.join("sessions");
    let session = std::fs::read_dir(&sessions)
        .expect("sessions")
        .flatten()
        .find(|e| e.path().join("audio").is_dir())
        .expect("a session with audio");
    session.path().join("audio")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_with_code_or_bad_counts_is_refused() {
    let fixture = Fixture::new(None).await;
    let original = std::fs::read(fixture.backup.join("database.sqlite")).expect("copy");
    let marker = fixture.data.path().join("pwned");
    edit_sqlite(
        &fixture.backup,
        &format!(
            "CREATE TRIGGER evil AFTER INSERT ON conversations BEGIN \
             INSERT INTO audit_logs (level, component, operation, message) \
             VALUES ('ERROR', 'x', 'x', '{}'); END;",
            marker.display()
        ),
    )
    .await;
    fixture.assert_refused("unknown trigger 'evil'").await;

    std::fs::write(fixture.backup.join("database.sqlite"), &original).expect("reset");
    edit_sqlite(&fixture.backup, "CREATE VIEW spy AS SELECT * FROM resumes;").await;
    fixture.assert_refused("unknown view 'spy'").await;

    std::fs::write(fixture.backup.join("database.sqlite"), &original).expect("reset");
    edit_sqlite(
        &fixture.backup,
        "UPDATE media_files SET file_path = '../../etc/passwd' WHERE id = (SELECT min(id) FROM media_files);",
    )
    .await;
    fixture.assert_refused("'../../etc/passwd'").await;

    std::fs::write(
        fixture.backup.join("database.sqlite"),
        b"not a database at all",
    )
    .expect("junk");
    fixture.assert_refused("database").await;

    std::fs::write(fixture.backup.join("database.sqlite"), &original).expect("reset");
    let manifest = fixture.manifest();
    let mut more = manifest.clone();
    more["rows"]["sessions"] = serde_json::json!(3);
    fixture.set_manifest(&more);
    fixture
        .assert_refused("sessions but the manifest says 3")
        .await;
    let mut more = manifest.clone();
    more["media_bytes"] = serde_json::json!(1);
    fixture.set_manifest(&more);
    fixture.assert_refused("the manifest says").await;
    let mut wrong = manifest.clone();
    wrong["backend"] = serde_json::json!("postgres");
    fixture.set_manifest(&wrong);
    fixture.assert_refused("this is a postgres backup").await;
    let mut old = manifest.clone();
    old["format"] = serde_json::json!(1);
    fixture.set_manifest(&old);
    fixture.assert_refused("older version").await;
    let mut extra = manifest.clone();
    extra["run"] = serde_json::json!("rm -rf ~");
    fixture.set_manifest(&extra);
    fixture.assert_refused("unknown field `run`").await;
    let mut missing = manifest.clone();
    missing["rows"]
        .as_object_mut()
        .expect("rows")
        .remove("conversations");
    fixture.set_manifest(&missing);
    fixture
        .assert_refused("missing field `conversations`")
        .await;

    fixture.set_manifest(&manifest);
    std::fs::write(fixture.backup.join("database.sql"), b"\\! touch /tmp/x\n").expect("sql");
    fixture
        .assert_refused("database.sql is not part of a sqlite backup")
        .await;
    std::fs::remove_file(fixture.backup.join("database.sql")).expect("remove");
    std::fs::remove_file(fixture.backup.join("database.sqlite")).expect("remove");
    fixture.assert_refused("lacks").await;

    // The untouched backup still restores.
    std::fs::write(fixture.backup.join("database.sqlite"), &original).expect("reset");
    mockint_app::backup::restore(&fixture.settings(), &fixture.backup)
        .await
        .expect("a clean backup restores");
    assert_eq!(leftovers(fixture.data.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_links_and_special_files_are_refused_and_nothing_is_copied() {
    let fixture = Fixture::new(None).await;
    let private = tempfile::tempdir().expect("private dir");
    std::fs::write(private.path().join("id_rsa"), b"SECRET KEY MATERIAL").expect("secret");
    let audio = first_media_dir(&fixture.backup);

    let link = audio.join("leak.wav");
    std::os::unix::fs::symlink(private.path().join("id_rsa"), &link).expect("file link");
    let error = fixture.assert_refused("is a symlink: refused").await;
    assert!(error.contains("leak.wav"), "{error}");
    std::fs::remove_file(&link).expect("unlink");

    let dir_link = audio.join("more");
    std::os::unix::fs::symlink(private.path(), &dir_link).expect("dir link");
    let error = fixture.assert_refused("is a symlink: refused").await;
    assert!(error.contains("more"), "{error}");
    std::fs::remove_file(&dir_link).expect("unlink");

    let fifo = audio.join("pipe.wav");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    fixture.assert_refused("pipe.wav is a FIFO: refused").await;
    std::fs::remove_file(&fifo).expect("unlink");

    let sessions = fixture.backup.join("sessions");
    let moved = fixture.backup.join(".real-sessions");
    std::fs::rename(&sessions, &moved).expect("move");
    std::os::unix::fs::symlink(private.path(), &sessions).expect("sessions link");
    fixture
        .assert_refused("sessions is a symlink: refused")
        .await;
    std::fs::remove_file(&sessions).expect("unlink");
    std::fs::rename(&moved, &sessions).expect("move back");

    let database = fixture.backup.join("database.sqlite");
    let real = fixture.backup.join(".real.sqlite");
    std::fs::rename(&database, &real).expect("move");
    std::os::unix::fs::symlink(&real, &database).expect("db link");
    fixture
        .assert_refused("database.sqlite is a symlink: refused")
        .await;

    let mut found = Vec::new();
    let mut stack = vec![fixture.data.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path).is_ok_and(|b| b == b"SECRET KEY MATERIAL") {
                found.push(path);
            }
        }
    }
    assert!(found.is_empty(), "the secret was copied to {found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_is_refused_while_another_process_holds_the_data_dir() {
    let fixture = Fixture::new(None).await;
    let desktop = mockint_app::lock::DataDirLock::acquire(fixture.data.path(), "mockint-desktop")
        .expect("lock");
    let error = fixture
        .assert_refused(&format!(
            "the app is running (mockint-desktop pid {}): close it before restoring",
            std::process::id()
        ))
        .await;
    assert!(!error.contains("manifest"), "{error}");
    drop(desktop);
    mockint_app::backup::restore(&fixture.settings(), &fixture.backup)
        .await
        .expect("restores once the app is closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_that_could_run_commands_or_breaks_rules_is_refused() {
    mockint_tests::with_postgres(|url| async move {
        let fixture = Fixture::new(Some(url)).await;
        let tables = fixture.backup.join("tables");
        assert!(tables.join("conversations.csv").is_file());
        let marker = fixture.data.path().join("pwned");

        // Yesterday's format: a psql script. Nothing in it may run.
        let manifest = fixture.manifest();
        let mut old = manifest.clone();
        old["format"] = serde_json::json!(1);
        fixture.set_manifest(&old);
        std::fs::write(
            fixture.backup.join("database.sql"),
            format!(
                "\\! touch {}\nDROP TABLE sessions CASCADE;\n",
                marker.display()
            ),
        )
        .expect("sql");
        fixture
            .assert_refused("in a format that can run commands; it is not restored")
            .await;
        fixture.set_manifest(&manifest);
        fixture
            .assert_refused("database.sql is not part of a postgres backup")
            .await;
        std::fs::remove_file(fixture.backup.join("database.sql")).expect("remove");
        assert!(!marker.exists(), "a command from the backup ran");

        // Text that looks like commands is data: it reaches the scratch database as text and
        // the extra row is caught by the counts.
        let csv = tables.join("conversations.csv");
        let original = std::fs::read_to_string(&csv).expect("csv");
        let first_row: Vec<&str> = original.lines().nth(1).expect("a row").split(',').collect();
        let hostile = format!(
            "999999,{},{},candidate,\"\\! touch {}\n'); DROP TABLE sessions;--\",{{}},999999\n",
            first_row[1],
            first_row[2],
            marker.display()
        );
        std::fs::write(&csv, format!("{original}{hostile}")).expect("csv");
        let messages = manifest["rows"]["conversations"].as_u64().expect("count");
        fixture
            .assert_refused(&format!(
                "has {} row(s) but the manifest says {messages}",
                messages + 1
            ))
            .await;
        assert!(!marker.exists(), "a command from the backup ran");
        std::fs::write(&csv, &original).expect("reset");

        std::fs::write(&csv, original.replacen("id,", "id,evil,", 1)).expect("csv");
        fixture
            .assert_refused("does not start with the header")
            .await;
        std::fs::write(&csv, &original).expect("reset");

        let media = tables.join("media_files.csv");
        let media_original = std::fs::read_to_string(&media).expect("csv");
        let escaped = media_original.replacen(",sessions/", ",../../etc/passwd#sessions/", 1);
        std::fs::write(&media, escaped).expect("csv");
        fixture.assert_refused("../../etc/passwd").await;
        std::fs::write(&media, &media_original).expect("reset");

        let mut more = manifest.clone();
        more["rows"]["sessions"] = serde_json::json!(7);
        fixture.set_manifest(&more);
        fixture.assert_refused("the manifest says 7").await;
        let mut wrong = manifest.clone();
        wrong["backend"] = serde_json::json!("sqlite");
        fixture.set_manifest(&wrong);
        fixture.assert_refused("this is a sqlite backup").await;
        fixture.set_manifest(&manifest);

        std::fs::write(tables.join("pg_authid.csv"), b"rolname\nx\n").expect("csv");
        fixture.assert_refused("pg_authid.csv is not a table").await;
        std::fs::remove_file(tables.join("pg_authid.csv")).expect("remove");
    })
    .await;
}
