//! What the CLI's test files share.
#![allow(clippy::expect_used)] // test code

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

/// The `mockint` binary on `data_dir`, with none of the caller's settings (database, keys,
/// provider URL, config, data directory, log filter) leaking in from the environment.
pub fn mockint(data_dir: &Path) -> Command {
    let mut command = Command::cargo_bin("mockint").expect("mockint binary");
    command
        .env_remove("DATABASE_URL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("MOCKINT_CONFIG")
        .env_remove("DATA_DIR")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(data_dir);
    command
}

/// Runs the CLI off the async runtime (a fake provider in the same test runs on it).
#[allow(dead_code)] // not every test file talks to a fake provider
pub async fn output_off_runtime(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run mockint"))
        .await
        .expect("join")
}
