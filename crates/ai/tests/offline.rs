//! The offline interviewer and the rubric evaluator on written transcripts of strong,
//! average and weak candidates for several problems.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use mockint_ai::{OfflineInterviewer, RubricEvaluator};
use mockint_core::ports::{InterviewContext, Interviewer};
use mockint_domain::{
    CommunicationMode, ExperienceLevel, Message, ResumeData, Role, Session, SessionConfig,
    SessionId, SessionStatus,
};

fn session(problem: &str) -> Session {
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
            problem: Some(problem.into()),
        },
    }
}

const URL: &str = "Design a URL shortener. Design a URL shortening service like bit.ly.";

fn phase(message: &Message) -> &str {
    message
        .metadata
        .get("phase")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

fn kind(message: &Message) -> &str {
    message
        .metadata
        .get("kind")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// Runs a conversation through the interviewer and returns the whole history.
async fn converse(session: &Session, answers: &[String], elapsed: Duration) -> Vec<Message> {
    converse_with_board(session, answers, elapsed, None).await
}

async fn converse_with_board(
    session: &Session,
    answers: &[String],
    elapsed: Duration,
    whiteboard: Option<&mockint_domain::Whiteboard>,
) -> Vec<Message> {
    let interviewer = OfflineInterviewer;
    let ctx = InterviewContext {
        session,
        history: &[],
        elapsed: Duration::ZERO,
        on_token: None,
        whiteboard,
        whiteboard_before: None,
        whiteboard_png: None,
    };
    let opening = interviewer.opening(ctx).await.expect("opening");
    let mut first = Message::new(Role::Interviewer, opening.content, Utc::now()).expect("msg");
    first.metadata = opening.metadata;
    let mut history = vec![first];
    for answer in answers {
        history.push(Message::new(Role::Candidate, answer.as_str(), Utc::now()).expect("msg"));
        let ctx = InterviewContext {
            session,
            history: &history,
            elapsed,
            on_token: None,
            whiteboard,
            whiteboard_before: None,
            whiteboard_png: None,
        };
        let reply = interviewer.respond(ctx).await.expect("reply");
        let mut message = Message::new(Role::Interviewer, reply.content, Utc::now()).expect("msg");
        message.metadata = reply.metadata;
        history.push(message);
    }
    history
}

fn transcript(name: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/transcripts")
        .join(format!("{name}.txt"));
    let text = std::fs::read(&path).expect("fixture");
    mockint_core::script::parse_script(&text).expect("script")
}

const LONG: &str = "I think this depends on several factors that we should discuss together in more detail before deciding anything";

#[tokio::test]
async fn walks_the_phases_in_order_and_closes() {
    let answers = vec![LONG.to_string(); 20];
    let history = converse(&session(URL), &answers, Duration::from_secs(60)).await;
    let mut phases: Vec<&str> = Vec::new();
    for message in history.iter().filter(|m| m.role == Role::Interviewer) {
        if !phases.contains(&phase(message)) {
            phases.push(phase(message));
        }
    }
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
            "wrap_up"
        ]
    );
    assert_eq!(kind(history.last().expect("last")), "closing");
    let mut asked: Vec<&str> = history
        .iter()
        .filter(|m| m.role == Role::Interviewer && kind(m) == "question")
        .map(|m| m.content.as_str())
        .collect();
    let all = asked.len();
    asked.sort_unstable();
    asked.dedup();
    assert_eq!(asked.len(), all, "no question is asked twice");
}

#[tokio::test]
async fn asks_to_clarify_short_answers_once() {
    let history = converse(
        &session(URL),
        &["not sure".into(), "still not sure".into()],
        Duration::from_secs(60),
    )
    .await;
    let kinds: Vec<&str> = history
        .iter()
        .filter(|m| m.role == Role::Interviewer)
        .map(kind)
        .collect();
    assert_eq!(&kinds[..2], ["opening", "clarify"]);
    assert_ne!(kinds[2], "clarify", "clarifies once, then moves on");
}

#[tokio::test]
async fn follow_ups_probe_the_decisions_of_the_answer_before_and_deep_dives_come_from_the_problem()
{
    let answers = transcript("url_shortener_strong");
    let history = converse(&session(URL), &answers, Duration::from_secs(60)).await;
    let probes: Vec<(usize, &Message)> = history
        .iter()
        .enumerate()
        .filter(|(_, m)| kind(m) == "probe")
        .collect();
    assert!(!probes.is_empty(), "decisions get probed");
    for (at, message) in &probes {
        let probe = &message.metadata["probe"];
        let quote = probe["quote"]
            .as_str()
            .expect("the probed decision is quoted");
        let recent = history[..*at]
            .iter()
            .rev()
            .filter(|m| m.role == Role::Candidate)
            .take(2)
            .any(|m| m.content.contains(quote));
        assert!(
            recent,
            "the probe is about one of the last two answers: {quote}"
        );
        let id = probe["id"].as_str().expect("decision id");
        let logged = message.metadata["notes"]["decisions"]
            .as_array()
            .is_some_and(|log| log.iter().any(|d| d["id"] == id));
        assert!(logged, "the decision is in the hidden decision log");
    }
    let average = converse(
        &session(URL),
        &transcript("url_shortener_average"),
        Duration::from_secs(30 * 60),
    )
    .await;
    let asked_deep_dive = average.iter().chain(&history).any(|m| {
        m.content
            .contains("two servers never hand out the same one")
    });
    assert!(
        asked_deep_dive,
        "the URL shortener's own deep-dive question is asked"
    );
}

#[tokio::test]
async fn difficulty_adapts_to_coverage() {
    let strong = converse(
        &session(URL),
        &transcript("url_shortener_strong"),
        Duration::from_secs(60),
    )
    .await;
    let weak = converse(
        &session(URL),
        &transcript("url_shortener_weak"),
        Duration::from_secs(60),
    )
    .await;
    let last_difficulty = |h: &[Message]| {
        h.iter()
            .rev()
            .find(|m| m.role == Role::Interviewer)
            .map(|m| {
                m.metadata["notes"]["difficulty"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
    };
    assert_eq!(last_difficulty(&strong).as_deref(), Some("harder"));
    assert_eq!(last_difficulty(&weak).as_deref(), Some("easier"));
    // A struggling candidate is shown how to start, never handed the answer.
    let guided = weak
        .iter()
        .any(|m| m.content.contains("Start from daily users"));
    assert!(guided, "a struggling candidate gets guidance");
    let concepts = ["base62", "key generation service", "consistent hashing"];
    for message in weak.iter().filter(|m| m.role == Role::Interviewer) {
        for concept in concepts {
            assert!(
                !message.content.to_lowercase().contains(concept),
                "handed over {concept}: {}",
                message.content
            );
        }
    }
}

#[tokio::test]
async fn skips_phases_already_covered_and_wraps_up_when_time_is_over() {
    let thorough = "Requirements first: users shorten a long URL into a short link and the redirect must take under 20 ms with 99.99% availability. For scale: 100 million links a month is 40 writes per second, peak 10000 requests per second of reads, 600 GB of storage and modest bandwidth.".to_string();
    let history = converse(&session(URL), &[thorough], Duration::from_secs(60)).await;
    assert_eq!(
        phase(history.last().expect("reply")),
        "api",
        "estimation was already covered: {}",
        history.last().expect("reply").content
    );
    let late = converse(
        &session(URL),
        &[LONG.to_string()],
        Duration::from_secs(46 * 60),
    )
    .await;
    assert_eq!(phase(late.last().expect("reply")), "wrap_up");
}

fn evaluate(
    problem: &str,
    name: &str,
    level: Option<ExperienceLevel>,
) -> (mockint_domain::EvaluationReport, Vec<Message>) {
    let mut s = session(problem);
    if let Some(level) = level {
        let mut resume = ResumeData::anonymous("local");
        resume.experience_level = level;
        s.config.resume_data = Some(resume);
    }
    let history: Vec<Message> = transcript(name)
        .into_iter()
        .map(|t| Message::new(Role::Candidate, t, Utc::now()).expect("msg"))
        .collect();
    (RubricEvaluator.report(&s, &history, &[]), history)
}

#[test]
fn strong_average_and_weak_candidates_are_ranked_apart_on_several_problems() {
    let cases = [
        ("Design a URL shortener", "url_shortener"),
        ("Design a distributed key-value store", "kv_store"),
        ("Design a chat system", "chat"),
    ];
    for (problem, name) in cases {
        let (strong, _) = evaluate(problem, &format!("{name}_strong"), None);
        let (weak, _) = evaluate(problem, &format!("{name}_weak"), None);
        assert!(
            strong.overall_score.value() >= 65.0,
            "{name} strong: {}",
            strong.overall_score
        );
        assert!(
            weak.overall_score.value() <= 25.0,
            "{name} weak: {}",
            weak.overall_score
        );
        assert!(
            strong.overall_score.value() - weak.overall_score.value() >= 40.0,
            "{name}"
        );
    }
    let (average, _) = evaluate("Design a URL shortener", "url_shortener_average", None);
    assert!(
        (25.0..65.0).contains(&average.overall_score.value()),
        "average: {}",
        average.overall_score
    );
}

#[test]
fn every_quote_is_verbatim_and_the_plan_targets_the_weakest_competencies() {
    for name in [
        "url_shortener_strong",
        "url_shortener_average",
        "url_shortener_weak",
    ] {
        let (report, history) = evaluate("Design a URL shortener", name, None);
        for (key, score) in &report.competency_scores {
            for quote in &score.evidence {
                assert!(
                    history.iter().any(|m| m.content.contains(quote.as_str())),
                    "{name}/{key}: not verbatim: {quote}"
                );
            }
        }
        let mut by_score: Vec<(&mockint_domain::Competency, f64)> = report
            .competency_scores
            .iter()
            .map(|(k, c)| (k, c.score.value()))
            .collect();
        by_score.sort_by(|a, b| a.1.total_cmp(&b.1));
        let lowest = by_score[0].1;
        let first_priority = report
            .improvement_plan
            .priority_areas
            .first()
            .cloned()
            .unwrap_or_default();
        let weakest_titles: Vec<&str> = by_score
            .iter()
            .filter(|(_, s)| (*s - lowest).abs() < f64::EPSILON)
            .map(|(k, _)| k.title())
            .collect();
        assert!(
            weakest_titles.contains(&first_priority.as_str()),
            "{name}: plan starts with {first_priority}, weakest are {weakest_titles:?}"
        );
    }
}

#[test]
fn the_same_transcript_gives_the_same_report() {
    let (a, _) = evaluate("Design a chat system", "chat_strong", None);
    let (b, _) = evaluate("Design a chat system", "chat_strong", None);
    assert_eq!(a.competency_scores, b.competency_scores);
    assert_eq!(a.overall_score, b.overall_score);
    assert_eq!(a.improvement_plan, b.improvement_plan);
}

#[test]
fn scores_calibrate_to_level_and_caps_apply() {
    let (junior, _) = evaluate(
        "Design a URL shortener",
        "url_shortener_average",
        Some(ExperienceLevel::Junior),
    );
    let (staff, _) = evaluate(
        "Design a URL shortener",
        "url_shortener_average",
        Some(ExperienceLevel::Staff),
    );
    assert!(
        junior.overall_score.value() > staff.overall_score.value(),
        "the same answers weigh more from a junior"
    );
    assert!(
        staff.overall_score.value() <= 70.0,
        "staff without trade-offs is capped"
    );

    let s = session(URL);
    let say = |text: &str| Message::new(Role::Candidate, text, Utc::now()).expect("msg");
    let stuffing = vec![say(
        "shard replica replication failover scale horizontal backup retry",
    )];
    let report = RubricEvaluator.report(&s, &stuffing, &[]);
    assert!(
        report.competency_scores[&mockint_domain::Competency::ScalabilityReliability]
            .score
            .value()
            <= 55.0,
        "keyword lists without reasoning are capped"
    );
    assert!(
        report.overall_score.value() <= 60.0,
        "no requirements caps the overall score"
    );
}

#[test]
fn empty_interviews_score_low_with_low_confidence() {
    let report = RubricEvaluator.report(&session(URL), &[], &[]);
    assert!(report.overall_score.value() <= 10.0);
    assert!(report
        .competency_scores
        .values()
        .all(|c| c.evidence.is_empty()));
    assert!(report.went_well.is_empty());
    assert_eq!(report.improvement_plan.concrete_steps.len(), 3);
}

#[tokio::test]
async fn the_interviewer_reacts_to_the_whiteboard() {
    let board: mockint_domain::Whiteboard = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/whiteboard_no_cache.json"),
        )
        .expect("fixture"),
    )
    .expect("board JSON");
    let answers = transcript("url_shortener_average");
    let history = converse_with_board(
        &session(URL),
        &answers,
        Duration::from_secs(60),
        Some(&board),
    )
    .await;
    let reaction = history
        .iter()
        .find(|m| m.content.contains("Your diagram has no cache yet"))
        .unwrap_or_else(|| {
            let trace: Vec<String> = history
                .iter()
                .map(|m| {
                    format!(
                        "{}|{}|{}",
                        phase(m),
                        kind(m),
                        m.content.chars().take(90).collect::<String>()
                    )
                })
                .collect();
            panic!("the interviewer asks about the missing cache: {trace:#?}")
        });
    assert!(
        !reaction.content.contains("Client, Load balancer"),
        "the board is not listed back: {}",
        reaction.content
    );
    let analysis = &reaction.metadata["notes"]["whiteboard"];
    assert_eq!(analysis["relationships"][0], "Client -> Load balancer");
}

#[tokio::test]
async fn a_301_with_redis_only_storage_is_challenged_on_durability_and_probed_on_click_counts() {
    let answers = [
        "Users shorten links and we count clicks per link for the owner's dashboard; redirects must be fast and available.".to_string(),
        "I'll return a 301 for every redirect, and I'll store the mapping in Redis only, no other database.".to_string(),
        "Redis is really fast, so lookups take under a millisecond and it scales well.".to_string(),
        "For the codes I'd use a counter and base62 encoding.".to_string(),
    ];
    let history = converse(&session(URL), &answers, Duration::from_secs(600)).await;
    let replies: Vec<String> = history
        .iter()
        .skip(4)
        .filter(|m| m.role == Role::Interviewer)
        .take(2)
        .map(|m| m.content.to_lowercase())
        .collect();
    let about = |words: &[&str]| replies.iter().any(|r| words.iter().all(|w| r.contains(w)));
    assert!(
        about(&["301", "click"]),
        "click counts under a cached 301: {replies:?}"
    );
    assert!(
        about(&["restart"]) || about(&["lose"]) || about(&["durab"]),
        "durability of Redis-only storage: {replies:?}"
    );
    let report = RubricEvaluator.report(&session(URL), &history, &[]);
    let said = "I'll return a 301 for every redirect, and I'll store the mapping in Redis only, no other database.";
    for (key, score) in &report.competency_scores {
        assert!(
            !score.evidence.iter().any(|q| q.contains("Redis only")),
            "{key} quotes the mistake as positive evidence"
        );
    }
    let named = |what: &str| {
        report.needs_improvement.iter().any(|f| {
            f.description.to_lowercase().contains(what)
                && f.evidence.iter().any(|q| said.contains(q.as_str()))
        })
    };
    assert!(
        named("in-memory store"),
        "Redis-only storage is named: {:#?}",
        report.needs_improvement
    );
    assert!(
        named("301"),
        "the cached 301 against click counts is named: {:#?}",
        report.needs_improvement
    );
}
