//! The interviewer: an offline turn, the report for a 45-minute interview, and the time the
//! app adds on top of an LLM provider (measured against the local protocol test server).

use std::time::Instant;

use mockint_app::App;
use mockint_core::TurnInput;
use mockint_tests::fake_llm::FakeLlm;

use crate::apps;
use crate::report::Figure;
use crate::stats::Samples;

const SECTION: &str = "Interviewer";

/// Candidate answers cycled through the turns.
const ANSWERS: [&str; 6] = [
    "First the requirements: users shorten links, redirects must be fast, links never expire, and we expect 100 million new links a month.",
    "Estimation: about 40 writes and 4000 reads per second at peak, so the system is read heavy; storage is roughly 600 GB a year.",
    "The API has POST /links returning a short code and GET /{code} answering with a 301 redirect.",
    "I would keep the mapping in a key-value store sharded by the code, with a cache in front for the hot links.",
    "Codes come from a counter encoded in base62; each app server reserves ranges so there is no coordination per request.",
    "For failures, the cache is replicated, the store keeps three replicas, and we degrade to the store if the cache is down.",
];

async fn turn(app: &App, id: mockint_domain::SessionId, text: &str) -> Result<(), String> {
    let input = TurnInput {
        text,
        source: "text",
        board: None,
        whiteboard_png: None,
    };
    app.interviews
        .take_turn(id, input, None)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Runs the interviewer benchmarks on the embedded store.
pub async fn run() -> Result<Vec<Figure>, String> {
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let app = apps::start(data.path(), None).await?;

    // Offline turns: a 45-minute interview has about 45 candidate turns.
    let id = apps::url_shortener(&app, "offline").await?;
    let mut offline = Samples::default();
    for n in 0..45 {
        let started = Instant::now();
        turn(&app, id, ANSWERS[n % ANSWERS.len()]).await?;
        offline.push(started.elapsed());
    }
    let started = Instant::now();
    let report = app.sessions.end(id).await.map_err(|e| e.to_string())?;
    let evaluation = started.elapsed();

    // The same turns against the protocol test server: the app's share of each turn is the
    // turn's time minus the server's own answer time, measured with a bare HTTP client.
    let server = FakeLlm::start().await;
    app.connect_compatible(&server.openai_url(), Some("bench-model"))
        .await
        .map_err(|e| e.to_string())?;
    let id = apps::url_shortener(&app, "compatible").await?;
    let mut with_llm = Samples::default();
    for n in 0..30 {
        let started = Instant::now();
        turn(&app, id, ANSWERS[n % ANSWERS.len()]).await?;
        with_llm.push(started.elapsed());
    }
    let last_body = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.ends_with("/chat/completions"))
        .map(|r| r.body)
        .ok_or("the app never called the test server")?;
    let client = reqwest::Client::new();
    let mut bare = Samples::default();
    for _ in 0..30 {
        let started = Instant::now();
        let response = client
            .post(format!("{}/chat/completions", server.openai_url()))
            .json(&last_body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let _ = response.bytes().await.map_err(|e| e.to_string())?;
        bare.push(started.elapsed());
    }
    let overhead = (with_llm.p50() - bare.p50()).max(0.0);
    Ok(vec![
        Figure::at_most(SECTION, "offline turn, p50", offline.p50(), "ms", 50.0)
            .note("45 turns of a URL-shortener interview, each journaled (fsync) and stored in SQLite"),
        Figure::at_most(SECTION, "offline turn, p99", offline.p99(), "ms", 50.0),
        Figure::at_most(
            SECTION,
            "report for a 45-minute interview (90 messages)",
            evaluation.as_secs_f64() * 1000.0,
            "ms",
            200.0,
        )
        .note(format!(
            "ending the session: rubric evaluation of 90 messages plus storing the report (overall {})",
            report.overall_score.value()
        )),
        Figure::at_most(SECTION, "time added on top of the LLM provider, p50", overhead, "ms", 20.0)
            .note(format!(
                "turn via the app p50 {:.1} ms minus the same request sent bare p50 {:.1} ms (streamed, local protocol test server)",
                with_llm.p50(),
                bare.p50()
            )),
    ])
}
