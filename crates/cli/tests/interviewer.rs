//! The interviewer as a user meets it through the CLI: decisions are heard and probed, and the
//! report judges them (issue 14's acceptance example).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use assert_cmd::Command;
use serde_json::Value;

use common::mockint;

mod common;

fn json(command: &mut Command) -> Value {
    let output = command.output().expect("mockint runs");
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// A 301 with click analytics and a Redis-only store: within two turns the interviewer asks
/// how clicks are counted when browsers cache the 301, and what happens to Redis-only data on
/// a restart; the report names both decisions as things to improve.
#[test]
fn a_301_and_redis_only_storage_are_probed_within_two_turns_and_judged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("script.txt");
    std::fs::write(
        &script,
        "Users paste a long URL and get a short link; clicking it redirects to the long URL. \
         We also want click analytics per link. About 100 million new links a month, reads \
         about 100 times writes.\n\n\
         I'll return a 301 for every redirect, and I'll store the mapping only in Redis, no \
         other database.\n\n\
         The short code is a base62 counter, seven characters, handed out in ranges to each \
         app server.\n\n\
         Each app server asks a coordinator for a block of a thousand codes at a time.\n",
    )
    .expect("script");
    let data = dir.path().join("data");
    let report = json(
        mockint(&data)
            .args([
                "interview",
                "--provider",
                "offline",
                "--problem",
                "Design a URL shortener",
                "--json",
                "--script",
            ])
            .arg(&script),
    );
    let id = report["session_id"]
        .as_str()
        .expect("session id")
        .to_string();
    let transcript = json(mockint(&data).args(["transcript", &id, "--format", "json"]));
    let messages = transcript["messages"].as_array().expect("messages");
    // The decisions are in the candidate's second answer; the interviewer's replies to it and
    // to the next answer are the two turns.
    let second = messages
        .iter()
        .position(|m| {
            m["role"] == "candidate" && m["content"].as_str().is_some_and(|c| c.contains("301"))
        })
        .expect("the 301 answer");
    let replies: Vec<String> = messages[second..]
        .iter()
        .filter(|m| m["role"] == "interviewer")
        .take(2)
        .filter_map(|m| m["content"].as_str().map(str::to_lowercase))
        .collect();
    assert_eq!(replies.len(), 2, "{messages:#?}");
    let about_clicks = replies.iter().any(|r| {
        r.contains("301") && (r.contains("click") || r.contains("count")) && r.contains("cache")
    });
    let about_durability = replies.iter().any(|r| {
        (r.contains("restart")
            || r.contains("lose")
            || r.contains("crash")
            || r.contains("survive"))
            && (r.contains("redis") || r.contains("data"))
    });
    assert!(
        about_clicks,
        "a question about click analytics under a cached 301: {replies:#?}"
    );
    assert!(
        about_durability,
        "a question about Redis-only durability: {replies:#?}"
    );
    // The report names both decisions as weaknesses, with the candidate's words.
    let report_text = report.to_string().to_lowercase();
    let improvements = report["needs_improvement"].to_string().to_lowercase();
    assert!(
        improvements.contains("301") && improvements.contains("redis"),
        "both decisions named: {improvements}"
    );
    let praise = format!("{}{}", report["went_well"], report["went_okay"]).to_lowercase();
    assert!(
        !praise.contains("only in redis") && !praise.contains("return a 301"),
        "the flawed sentence is never held up as good: {report_text}"
    );
}
