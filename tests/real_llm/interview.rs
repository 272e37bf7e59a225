//! A whole interview and its evaluation through a REAL OpenAI-compatible server — llama.cpp's,
//! from PyPI's `llama-cpp-python[server]`, running Gemma 3 270M — chosen in the app as the
//! `compatible` provider, exactly as a user who types its URL on the setup page.
//!
//! The model is a 270M *base* model: its answers are poor (it echoes, repeats itself and
//! rambles). That is the point: streaming, usage accounting, timeouts, unusable replies and
//! schema-bound evaluations must all be handled, every fallback shown as a notice, nothing
//! lost, and a report still produced. Figures (tokens/s, per-turn latency) are printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::time::{Duration, Instant};

use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_domain::ipc::Notice;
use mockint_domain::{Role, TokenOperation};
use mockint_tests::llama::{LlamaServer, MODEL_ALIAS};

const TURNS: [&str; 7] = [
    "Users shorten long URLs and get redirected; redirects must take under 50 ms at p99 and be available 99.99% of the time. About 100 million new links a month.",
    "100 million a month is about 40 writes per second; with a 100 to 1 read ratio that is 4,000 redirects per second, 10,000 at peak.",
    "POST /urls takes the long URL and returns the code; GET /{code} answers 302 so that every click reaches us for analytics.",
    "One table keyed by the code, with the long URL, owner and creation time, in PostgreSQL with read replicas.",
    "Clients hit a load balancer, stateless API servers read through a Redis cache in front of PostgreSQL, and a key generation service hands out unique codes.",
    "Codes are base62 of a counter that each server leases in blocks of 10,000, so two servers never hand out the same code.",
    "I'd monitor redirect p99, cache hit ratio and error rates, with alerts on the 99.99% SLO burn rate.",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_interview_and_evaluation_through_a_real_llama_cpp_server() {
    let server = LlamaServer::start().unwrap_or_else(|error| panic!("{error}"));
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::start(&StartOptions {
        data_dir: Some(data.path().to_path_buf()),
        ..StartOptions::default()
    })
    .await
    .expect("app");
    let (connected, models) = app
        .connect_compatible(&server.url, None)
        .await
        .expect("connect to the llama.cpp server");
    assert_eq!(
        models,
        [MODEL_ALIAS],
        "the model list is read from the server"
    );
    assert_eq!(connected.model, MODEL_ALIAS);

    let started = Instant::now();
    let (session, opening, notices) = app
        .start_interview(InterviewRequest {
            provider: Some("compatible".into()),
            problem: Some("Design a URL shortener".into()),
            ..InterviewRequest::default()
        })
        .await
        .expect("start");
    println!(
        "opening ({:.1} s, {} notices): {}",
        started.elapsed().as_secs_f64(),
        notices.len(),
        opening.content
    );

    let mut fallbacks = 0;
    let mut latencies = Vec::new();
    for (n, turn) in TURNS.iter().enumerate() {
        let started = Instant::now();
        let outcome = app
            .interviews
            .candidate_turn(session.id, turn, "script")
            .await
            .expect("every turn is answered");
        let took = started.elapsed();
        latencies.push(took);
        let provider = outcome.interviewer.metadata["provider"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let fell_back = outcome.notices.iter().any(|n| {
            matches!(
                n,
                Notice::ProviderFallback { .. } | Notice::SwitchedOffline { .. }
            )
        });
        if provider == "offline" {
            fallbacks += 1;
            let switched_earlier = n > 0 && !fell_back;
            assert!(
                fell_back || switched_earlier,
                "turn {}: the offline interviewer answered without a notice",
                n + 1
            );
        }
        println!(
            "turn {} ({:.1} s, {provider}{}): {}",
            n + 1,
            took.as_secs_f64(),
            if fell_back { ", fallback shown" } else { "" },
            outcome
                .interviewer
                .content
                .chars()
                .take(160)
                .collect::<String>()
        );
        assert!(
            took < Duration::from_secs(180),
            "turn {} took {took:?}",
            n + 1
        );
    }

    let ending = Instant::now();
    let report = app
        .sessions
        .end(session.id)
        .await
        .expect("a report is produced");
    let evaluation_time = ending.elapsed();
    println!(
        "evaluation: {:.1} s, overall {}",
        evaluation_time.as_secs_f64(),
        report.overall_score
    );

    // Nothing lost: every turn and every answer is stored, in order.
    let stored = app
        .store
        .conversation(session.id)
        .await
        .expect("conversation");
    assert_eq!(stored.len(), 1 + 2 * TURNS.len());
    let candidate: Vec<&str> = stored
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(candidate, TURNS);
    for message in stored.iter().filter(|m| m.role == Role::Interviewer) {
        for token in [
            "<s>",
            "</s>",
            "[INST]",
            "<start_of_turn>",
            "<end_of_turn>",
            "<eos>",
        ] {
            assert!(
                !message.content.contains(token),
                "template token shown: {}",
                message.content
            );
        }
        assert!(
            message.content.split_whitespace().count() >= 2,
            "empty reply shown"
        );
    }
    for pair in stored.windows(2) {
        if pair[0].role == Role::Interviewer && pair[1].role == Role::Interviewer {
            panic!("two interviewer messages in a row");
        }
    }
    let replies: Vec<&str> = stored
        .iter()
        .filter(|m| m.role == Role::Interviewer)
        .map(|m| m.content.as_str())
        .collect();
    for pair in replies.windows(2) {
        assert_ne!(pair[0], pair[1], "the same reply twice in a row");
    }

    // The report is whole and grounded.
    assert!(report.overall_score.value() > 0.0);
    assert_eq!(
        report.competency_scores.len(),
        mockint_ai::COMPETENCIES.len()
    );
    for (key, score) in &report.competency_scores {
        for quote in &score.evidence {
            assert!(
                TURNS.iter().any(|t| t.contains(quote.as_str())),
                "{key}: not verbatim: {quote}"
            );
        }
    }

    // Every call was accounted (the server reports no usage when streaming: counted locally).
    let usage = app.store.token_usage(session.id).await.expect("usage");
    let generation: Vec<_> = usage
        .iter()
        .filter(|r| r.operation == TokenOperation::QuestionGeneration)
        .collect();
    let evaluation: Vec<_> = usage
        .iter()
        .filter(|r| r.operation == TokenOperation::Evaluation)
        .collect();
    assert!(!generation.is_empty(), "interviewer calls are recorded");
    assert!(!evaluation.is_empty(), "the evaluation call is recorded");
    let output_tokens: u32 = generation.iter().map(|r| r.usage.output_tokens).sum();
    let generation_time: f64 = latencies
        .iter()
        .take(generation.len().saturating_sub(1).max(1))
        .map(Duration::as_secs_f64)
        .sum();
    let mean = latencies.iter().map(Duration::as_secs_f64).sum::<f64>() / latencies.len() as f64;
    println!(
        "figures: {} interviewer calls, {output_tokens} output tokens (~{:.0} tokens/s over the turns), mean turn {:.1} s, slowest {:.1} s, {fallbacks} of {} turns fell back to the offline interviewer, evaluation {:.1} s ({} calls)",
        generation.len(),
        f64::from(output_tokens) / generation_time.max(0.1),
        mean,
        latencies.iter().map(Duration::as_secs_f64).fold(0.0, f64::max),
        TURNS.len(),
        evaluation_time.as_secs_f64(),
        evaluation.len(),
    );
    drop(server);
}
