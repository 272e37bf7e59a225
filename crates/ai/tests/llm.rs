//! The LLM evaluator and resume extraction against the local wire-protocol server: schema
//! validation with one retry, verbatim-only evidence, and deterministic fallbacks.

use std::sync::Arc;
use std::time::Duration;

use ai::llm::{HttpSettings, OpenAiChat, Pricing};
use ai::{LlmEvaluator, Providers};
use chrono::Utc;
use domain::{
    CommunicationMode, Message, ResumeData, Role, Session, SessionConfig, SessionId, SessionStatus,
    TokenOperation,
};
use interview_core::ports::Evaluator;
use secrecy::SecretString;
use testkit::fake_llm::{FakeLlm, Reply};

fn providers(server: &FakeLlm) -> Providers {
    let settings = HttpSettings {
        first_delay: Duration::from_millis(10),
        ..HttpSettings::default()
    };
    Providers::new(Pricing::new([("openai", "gpt-4o", 0.0025, 0.01)])).with(Arc::new(
        OpenAiChat::new(
            &server.openai_url(),
            Some(SecretString::from("sk-test")),
            settings,
        ),
    ))
}

fn session() -> Session {
    Session {
        id: SessionId::from_uuid(uuid::Uuid::new_v4()),
        user_id: "local".into(),
        created_at: Utc::now(),
        ended_at: None,
        status: SessionStatus::Active,
        config: SessionConfig {
            enabled_modes: vec![CommunicationMode::Text],
            ai_provider: "openai".into(),
            ai_model: "gpt-4o".into(),
            resume_data: None,
            duration_minutes: None,
            problem: Some("Design a URL shortener".into()),
        },
    }
}

fn history() -> Vec<Message> {
    vec![
        Message::new(Role::Interviewer, "What are the requirements?", Utc::now()).expect("msg"),
        Message::new(
            Role::Candidate,
            "Redirects need low latency and high availability because links are everywhere.",
            Utc::now(),
        )
        .expect("msg"),
    ]
}

fn model_report(quote: &str) -> String {
    serde_json::json!({
        "overall_score": 72.5,
        "competency_scores": {
            "requirements": { "score": 80, "confidence_level": "medium", "evidence": [quote, "I never said this"] }
        },
        "went_well": [{ "category": "Requirements", "description": "Clear", "evidence": [quote, "invented quote"] }],
        "went_okay": [],
        "needs_improvement": [],
        "improvement_plan": { "priority_areas": ["Estimation"], "concrete_steps": [{ "step_number": 1, "description": "Practise estimates", "resources": ["DDIA"] }], "resources": [] }
    })
    .to_string()
}

#[tokio::test]
async fn model_reports_are_validated_and_keep_only_verbatim_quotes() {
    let server = FakeLlm::start().await;
    let quote = "Redirects need low latency and high availability";
    server.script([Reply::text(&model_report(quote), 3000, 400)]);
    let evaluation = LlmEvaluator::new(providers(&server))
        .evaluate(&session(), &history(), &[])
        .await;
    let report = evaluation.report;
    assert_eq!(report.overall_score.value(), 72.5);
    assert_eq!(report.competency_scores["requirements"].evidence, [quote]);
    assert_eq!(report.went_well[0].evidence, [quote]);
    assert_eq!(evaluation.usage.len(), 1);
    assert_eq!(evaluation.usage[0].0, TokenOperation::Evaluation);
    assert!((evaluation.usage[0].1.estimated_cost - 0.0115).abs() < 1e-9);
    let sent = &server.requests()[0].body;
    let prompt = sent["messages"][1]["content"].as_str().unwrap_or_default();
    assert!(
        prompt.contains("Rubric analysis"),
        "the offline analysis grounds the model"
    );
}

#[tokio::test]
async fn invalid_json_is_retried_once_then_the_offline_report_is_used() {
    let server = FakeLlm::start().await;
    let out_of_range = model_report("x").replace("72.5", "140");
    server.script([
        Reply::text("not json at all", 100, 10),
        Reply::text(&out_of_range, 100, 10),
    ]);
    let session = session();
    let evaluation = LlmEvaluator::new(providers(&server))
        .evaluate(&session, &history(), &[])
        .await;
    assert_eq!(server.requests().len(), 2, "one retry");
    let retry_prompt = server.requests()[1].body["messages"][1]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        retry_prompt.contains("previous answer was invalid"),
        "{retry_prompt}"
    );
    assert_eq!(evaluation.usage.len(), 2, "both attempts are accounted");
    let offline = ai::RubricEvaluator.report(&session, &history(), &[]);
    assert_eq!(
        evaluation.report, offline,
        "falls back to the deterministic report"
    );
}

#[tokio::test]
async fn resumes_are_extracted_by_the_model_with_a_deterministic_fallback() {
    let server = FakeLlm::start().await;
    let base = resume::extract_profile(
        "Jane Roe\njane@example.com\nStaff Engineer 2010 - present",
        "local",
    );
    let extracted = serde_json::json!({
        "name": "Jane Roe", "email": "jane@example.com", "experience_level": "staff", "years_of_experience": 16,
        "domain_expertise": ["storage"], "work_experience": [{"company": "Acme", "title": "Staff Engineer", "duration": "2010 - present", "description": ""}],
        "skills": ["Rust"]
    });
    server.script([
        Reply::text(&extracted.to_string(), 500, 80),
        Reply::text("{\"experience_level\": \"wizard\"}", 500, 10),
    ]);
    let (resume, usage) = ai::extract_resume(&providers(&server), "openai", "gpt-4o", &base).await;
    assert_eq!(resume.domain_expertise, ["storage"]);
    assert_eq!(resume.work_experience[0].company, "Acme");
    assert_eq!(resume.raw_text, base.raw_text, "the original text is kept");
    assert_eq!(usage[0].0, TokenOperation::ResumeParsing);
    let (fallback, usage): (ResumeData, _) =
        ai::extract_resume(&providers(&server), "openai", "gpt-4o", &base).await;
    assert_eq!(
        fallback, base,
        "an invalid extraction falls back to the deterministic profile"
    );
    assert_eq!(usage.len(), 1);
}
