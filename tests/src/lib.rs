//! Helpers shared by the project's tests: throw-away PostgreSQL databases on the real server
//! and paths to fixtures, and the harness that runs the real desktop app under Xvfb.
// Test support: a broken fixture or server should stop the test loudly.
#![allow(
    clippy::missing_panics_doc,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

pub mod audio;
pub mod desktop;
pub mod fake_llm;
pub mod llama;
pub mod speech;

use futures::FutureExt as _;
use sqlx::Connection as _;

/// The maintenance database URL tests connect to in order to create their own databases
/// (`MOCKINT_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
pub fn admin_url() -> String {
    std::env::var("MOCKINT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A PostgreSQL database created for one test and dropped afterwards.
#[derive(Debug)]
pub struct TestDatabase {
    /// Database name.
    pub name: String,
    /// URL to connect to it.
    pub url: String,
}

impl TestDatabase {
    /// Creates a fresh, empty database with a unique name.
    pub async fn create() -> Self {
        let name = format!("mockint_test_{}", uuid::Uuid::new_v4().simple());
        let admin = admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .expect("PostgreSQL must be running on 127.0.0.1:5432 (see README)");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let _ = conn.close().await;
        let base = admin
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin);
        Self {
            url: format!("{base}/{name}"),
            name,
        }
    }

    /// Drops the database, closing any connection still open to it.
    pub async fn drop_database(&self) {
        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url()).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }

    /// Whether a database with this name exists on the server.
    pub async fn exists(&self) -> bool {
        let mut conn = sqlx::PgConnection::connect(&admin_url())
            .await
            .expect("connect to PostgreSQL");
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(&self.name)
            .fetch_optional(&mut conn)
            .await
            .expect("query pg_database");
        found.is_some()
    }
}

/// Runs `test` against a fresh PostgreSQL database and drops it afterwards, even if the test
/// panics (the panic is then resumed).
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let database = TestDatabase::create().await;
    let outcome = AssertUnwindSafe(test(database.url.clone()))
        .catch_unwind()
        .await;
    database.drop_database().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The `tests/fixtures` directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The path of a fixture file.
pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}
