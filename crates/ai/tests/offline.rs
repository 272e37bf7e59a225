//! The offline interviewer and the rubric evaluator on realistic conversations.

use std::time::Duration;

use ai::{OfflineInterviewer, RubricEvaluator};
use chrono::Utc;
use domain::{CommunicationMode, Message, Role, Session, SessionConfig, SessionId, SessionStatus};
use interview_core::ports::{Evaluator, InterviewContext, Interviewer};

fn session() -> Session {
    Session {
        id: SessionId::from_uuid(uuid::Uuid::new_v4()),
        user_id: "local".into(),
        created_at: Utc::now(),
        ended_at: None,
        status: SessionStatus::Active,
        config: SessionConfig {
            enabled_modes: vec![CommunicationMode::Text],
            ai_provider: "offline".into(),
            ai_model: "rubric".into(),
            resume_data: None,
            duration_minutes: Some(45),
            problem: Some("Design a URL shortener".into()),
        },
    }
}

fn phase(message: &Message) -> &str {
    message
        .metadata
        .get("phase")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

async fn converse(answers: &[&str], elapsed: Duration) -> Vec<Message> {
    let session = session();
    let interviewer = OfflineInterviewer;
    let ctx = InterviewContext {
        session: &session,
        history: &[],
        elapsed: Duration::ZERO,
    };
    let opening = interviewer.opening(ctx).await.expect("opening");
    let mut history =
        vec![Message::new(Role::Interviewer, opening.content, Utc::now()).expect("msg")];
    history[0].metadata = opening.metadata;
    for answer in answers {
        history.push(Message::new(Role::Candidate, *answer, Utc::now()).expect("msg"));
        let ctx = InterviewContext {
            session: &session,
            history: &history,
            elapsed,
        };
        let reply = interviewer.respond(ctx).await.expect("reply");
        let mut message = Message::new(Role::Interviewer, reply.content, Utc::now()).expect("msg");
        message.metadata = reply.metadata;
        history.push(message);
    }
    history
}

const LONG: &str = "I think this depends on several factors that we should discuss together in more detail before deciding anything";

#[tokio::test]
async fn walks_the_phases_in_order_and_closes() {
    let history = converse(&[LONG; 9], Duration::from_secs(60)).await;
    let phases: Vec<&str> = history
        .iter()
        .filter(|m| m.role == Role::Interviewer)
        .map(phase)
        .collect();
    assert_eq!(
        phases,
        [
            "requirements",
            "estimation",
            "api",
            "data_model",
            "high_level_design",
            "deep_dive",
            "tradeoffs",
            "wrap_up",
            "wrap_up",
            "wrap_up"
        ]
    );
    let last = history.last().expect("last");
    assert_eq!(
        last.metadata.get("kind").and_then(|v| v.as_str()),
        Some("closing")
    );
}

#[tokio::test]
async fn asks_to_clarify_short_answers_once() {
    let history = converse(&["not sure", "still not sure"], Duration::from_secs(60)).await;
    let kinds: Vec<&str> = history
        .iter()
        .filter(|m| m.role == Role::Interviewer)
        .map(|m| {
            m.metadata
                .get("kind")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        kinds,
        ["question", "clarify", "question"],
        "clarifies once, then moves on"
    );
}

#[tokio::test]
async fn skips_phases_already_covered_and_wraps_up_when_time_is_over() {
    let thorough = "Requirements first. For scale: 100 million links a month is 40 writes per second, peak 10000 requests per second of reads, 600 GB of storage and modest bandwidth.";
    let history = converse(&[thorough], Duration::from_secs(60)).await;
    assert_eq!(
        phase(history.last().expect("reply")),
        "api",
        "estimation was already covered"
    );

    let late = converse(&[LONG], Duration::from_secs(46 * 60)).await;
    assert_eq!(phase(late.last().expect("reply")), "wrap_up");
}

#[test]
fn empty_interviews_score_low_with_low_confidence() {
    let report = RubricEvaluator.evaluate(&session(), &[], &[]);
    assert!(report.overall_score.value() <= 10.0);
    assert!(report
        .competency_scores
        .values()
        .all(|c| c.evidence.is_empty()));
    assert!(report.went_well.is_empty());
    assert_eq!(report.improvement_plan.concrete_steps.len(), 3);
}

#[test]
fn evidence_is_quoted_from_the_candidate_and_caps_apply() {
    let s = session();
    let say = |text: &str| Message::new(Role::Candidate, text, Utc::now()).expect("msg");
    let stuffing = vec![say(
        "shard replica replication failover scale horizontal backup retry",
    )];
    let report = RubricEvaluator.evaluate(&s, &stuffing, &[]);
    let scalability = &report.competency_scores["scalability_reliability"];
    assert!(
        scalability.score.value() <= 55.0,
        "keyword lists without reasoning are capped"
    );
    assert!(
        report.overall_score.value() <= 60.0,
        "no requirements caps the overall score"
    );
    assert_eq!(
        scalability.evidence,
        ["shard replica replication failover scale horizontal backup retry"]
    );

    let reasoned = vec![
        say("First the requirements: users shorten links, redirects need low latency and availability, analytics is out of scope."),
        say("We shard by code hash because a single node cannot hold ten years of links, and each shard has a replica for failover so one zone failing is fine; that means we scale horizontally."),
    ];
    let report = RubricEvaluator.evaluate(&s, &reasoned, &[]);
    let scalability = &report.competency_scores["scalability_reliability"];
    assert!(
        scalability.score.value() > 55.0,
        "reasoned answers can score higher: {}",
        scalability.score
    );
    assert!(scalability.evidence[0].starts_with("We shard by code hash"));
    assert!(
        report.competency_scores["requirements"].evidence[0].starts_with("First the requirements")
    );
}
