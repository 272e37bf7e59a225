//! Stores with 100,000 sessions and a 500-message conversation: appending a message,
//! listing 50 sessions, loading the conversation — on SQLite and on PostgreSQL.

use std::time::Instant;

use mockint_domain::{Message, Page, Role};
use mockint_storage::DatabaseTarget;

use crate::apps;
use crate::report::Figure;
use crate::stats::Samples;

/// Sessions seeded before measuring.
pub const SESSIONS: u32 = 100_000;
/// Messages in the measured conversation.
pub const MESSAGES: usize = 500;
/// Repetitions of the read queries.
const READS: usize = 50;

const SECTION: &str = "Stores";

/// Seeds `SESSIONS` completed sessions with one statement.
async fn seed(target: &DatabaseTarget) -> Result<(), String> {
    match target {
        DatabaseTarget::Sqlite(path) => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO sessions (id, user_id, created_at, status, enabled_modes, ai_provider, ai_model, metadata)
                 SELECT randomblob(16), 'local', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d minutes', i)),
                        'completed', '[\"text\"]', 'offline', 'rubric-interviewer-v1', '{\"problem\":\"Design a URL shortener\"}'
                 FROM n",
            )
            .bind(SESSIONS)
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
            pool.close().await;
        }
        DatabaseTarget::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query(
                "INSERT INTO sessions (id, user_id, created_at, status, enabled_modes, ai_provider, ai_model, metadata)
                 SELECT gen_random_uuid(), 'local', now() - i * interval '1 minute', 'completed',
                        '[\"text\"]'::jsonb, 'offline', 'rubric-interviewer-v1', '{\"problem\":\"Design a URL shortener\"}'::jsonb
                 FROM generate_series(1, $1) AS i",
            )
            .bind(i64::from(SESSIONS))
            .execute(&pool)
            .await
            .map_err(|e| e.to_string())?;
            sqlx::query("ANALYZE")
                .execute(&pool)
                .await
                .map_err(|e| e.to_string())?;
            pool.close().await;
        }
    }
    Ok(())
}

/// Measures one store. `database_url` is `None` for the embedded SQLite store.
pub async fn run(label: &'static str, database_url: Option<String>) -> Result<Vec<Figure>, String> {
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let app = apps::start(data.path(), database_url).await?;
    let session = apps::url_shortener(&app, "offline").await?;
    seed(&app.settings.database).await?;
    let total = app
        .store
        .count_sessions()
        .await
        .map_err(|e| e.to_string())?;

    let mut append = Samples::default();
    // The first and the last 25 appends of a 500-turn session: a turn's cost must not grow
    // with the conversation (the sequence number comes from an index, not a scan).
    let (mut first, mut last) = (Samples::default(), Samples::default());
    for n in 0..MESSAGES {
        let role = if n % 2 == 0 {
            Role::Candidate
        } else {
            Role::Interviewer
        };
        let text = format!(
            "Turn {n}: we put a cache in front of the database and shard by user id; reads go to replicas, writes to the primary."
        );
        let message = Message::new(role, &text, chrono::Utc::now()).map_err(|e| e.to_string())?;
        let started = Instant::now();
        app.store
            .append_message(session, &message)
            .await
            .map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        append.push(elapsed);
        if n < 25 {
            first.push(elapsed);
        } else if n >= MESSAGES - 25 {
            last.push(elapsed);
        }
    }
    let page = Page::new(50, 0).map_err(|e| e.to_string())?;
    let mut list = Samples::default();
    let mut load = Samples::default();
    let mut listed = 0;
    let mut loaded = 0;
    for _ in 0..READS {
        let started = Instant::now();
        listed = app
            .store
            .list_sessions(page)
            .await
            .map_err(|e| e.to_string())?
            .len();
        list.push(started.elapsed());
        let started = Instant::now();
        loaded = app
            .store
            .conversation(session)
            .await
            .map_err(|e| e.to_string())?
            .len();
        load.push(started.elapsed());
    }
    if listed != 50 || loaded < MESSAGES {
        return Err(format!(
            "{label}: listed {listed} sessions and loaded {loaded} messages"
        ));
    }
    let note = format!("{total} sessions in the store; {MESSAGES} appends, {READS} reads each");
    Ok(vec![
        Figure::at_most(
            SECTION,
            format!("{label}: append a message, p50"),
            append.p50(),
            "ms",
            5.0,
        )
        .note(note),
        Figure::at_most(
            SECTION,
            format!("{label}: append a message, p99"),
            append.p99(),
            "ms",
            5.0,
        ),
        Figure::at_most(
            SECTION,
            format!("{label}: append at turn 500 ÷ at turn 1 (median of 25 each)"),
            last.p50() / first.p50().max(1e-6),
            "×",
            2.0,
        )
        .note(format!(
            "turns 1–25: {:.2} ms, turns 476–500: {:.2} ms (median)",
            first.p50(),
            last.p50()
        )),
        Figure::at_most(
            SECTION,
            format!("{label}: list 50 sessions, p50"),
            list.p50(),
            "ms",
            10.0,
        ),
        Figure::at_most(
            SECTION,
            format!("{label}: load a 500-message conversation, p50"),
            load.p50(),
            "ms",
            10.0,
        ),
    ])
}
