//! The store contract: the same cases run against the embedded SQLite store and against a
//! fresh database on the real PostgreSQL server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mockint_core::ports::Store;
use mockint_core::StoreError;
use mockint_domain::{
    ActionItem, CommunicationMode, CompetencyScore, ConfidenceLevel, Education, EvaluationReport,
    ExperienceLevel, Feedback, ImprovementPlan, LogEntry, LogLevel, MediaFile, MediaType, Message,
    ModeAnalysis, Page, ResumeData, Role, Score, Session, SessionConfig, SessionId, SessionStatus,
    SessionTokenUsage, TokenOperation, TokenUsage, TokenUsageRecord, WorkExperience,
};
use mockint_storage::{PoolSettings, PostgresStore, RetryPolicy, SqliteStore};

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date")
        + Duration::seconds(seconds)
}

fn resume(user_id: &str) -> ResumeData {
    ResumeData {
        user_id: user_id.into(),
        name: "Zoë Ångström 山田".into(),
        email: "zoe@example.com".into(),
        experience_level: ExperienceLevel::Senior,
        years_of_experience: 8,
        domain_expertise: vec!["backend".into(), "distributed-systems".into()],
        work_experience: vec![WorkExperience {
            company: "Acme".into(),
            title: "Senior Engineer".into(),
            duration: "2018 – 2026".into(),
            description: "Built the payments ledger 💸".into(),
        }],
        education: vec![Education {
            institution: "MIT".into(),
            degree: "BSc".into(),
            field: "CS".into(),
            year: "2016".into(),
        }],
        skills: vec!["Rust".into(), "PostgreSQL".into()],
        raw_text: "Zoë Ångström\nSenior Engineer".into(),
    }
}

fn session(user_id: &str, created_at: DateTime<Utc>, resume_data: Option<ResumeData>) -> Session {
    Session {
        id: SessionId::from_uuid(uuid::Uuid::new_v4()),
        user_id: user_id.into(),
        created_at,
        ended_at: None,
        status: SessionStatus::Active,
        config: SessionConfig {
            enabled_modes: vec![CommunicationMode::Text, CommunicationMode::Whiteboard],
            ai_provider: "offline".into(),
            ai_model: "rubric-v1".into(),
            resume_data,
            duration_minutes: Some(45),
            problem: Some("Design a URL shortener".into()),
        },
    }
}

fn report(id: SessionId, overall: f64) -> EvaluationReport {
    let mut competency_scores = BTreeMap::new();
    competency_scores.insert(
        mockint_domain::Competency::Requirements,
        CompetencyScore {
            score: Score::new(72.5).expect("score"),
            confidence_level: ConfidenceLevel::Medium,
            evidence: vec!["“we need 100M URLs/day”".into()],
        },
    );
    let feedback = |category: &str| Feedback {
        category: category.into(),
        description: format!("{category} notes"),
        evidence: vec!["quote".into()],
    };
    EvaluationReport {
        session_id: id,
        overall_score: Score::new(overall).expect("score"),
        competency_scores,
        went_well: vec![feedback("api")],
        went_okay: vec![feedback("data model")],
        needs_improvement: vec![feedback("estimation")],
        improvement_plan: ImprovementPlan {
            priority_areas: vec!["estimation".into()],
            concrete_steps: vec![ActionItem {
                step_number: 1,
                description: "Practise back-of-envelope maths".into(),
                resources: vec!["DDIA ch. 1".into()],
            }],
            resources: vec!["System Design Interview vol. 1".into()],
        },
        communication_mode_analysis: ModeAnalysis {
            modes_used: vec![CommunicationMode::Text],
            candidate_turns: 3,
            candidate_words: 120,
            whiteboard_snapshots: 0,
            notes: vec!["Used text only".into()],
        },
        provenance: vec!["the offline rubric".into()],
    }
}

fn message(role: Role, content: &str, t: i64) -> Message {
    Message::new(role, content, at(t)).expect("valid message")
}

async fn create(store: &dyn Store, s: &Session) {
    store.create_session(s).await.expect("create session");
}

// ---------------------------------------------------------------- cases

async fn resumes_round_trip_update_and_delete(store: Arc<dyn Store>) {
    let original = resume("zoe");
    store.save_resume(&original).await.expect("save");
    assert_eq!(
        store.get_resume("zoe").await.expect("get"),
        Some(original.clone())
    );

    let mut updated = original.clone();
    updated.experience_level = ExperienceLevel::Staff;
    updated.skills.push("Kafka".into());
    store.save_resume(&updated).await.expect("upsert");
    assert_eq!(store.get_resume("zoe").await.expect("get"), Some(updated));

    assert_eq!(store.get_resume("nobody").await.expect("get"), None);
    assert!(store.delete_resume("zoe").await.expect("delete"));
    assert!(!store.delete_resume("zoe").await.expect("delete again"));
    assert_eq!(store.get_resume("zoe").await.expect("get"), None);
}

async fn sessions_round_trip_with_and_without_resume(store: Arc<dyn Store>) {
    let anonymous = session("local", at(0), None);
    create(&*store, &anonymous).await;
    assert_eq!(
        store.get_session(anonymous.id).await.expect("get"),
        Some(anonymous.clone())
    );
    assert!(store
        .get_resume("local")
        .await
        .expect("placeholder")
        .is_some());

    let with_resume = session("zoe", at(10), Some(resume("zoe")));
    create(&*store, &with_resume).await;
    assert_eq!(
        store.get_session(with_resume.id).await.expect("get"),
        Some(with_resume.clone())
    );

    let missing = SessionId::from_uuid(uuid::Uuid::new_v4());
    assert_eq!(store.get_session(missing).await.expect("get"), None);
    assert_eq!(store.count_sessions().await.expect("count"), 2);
}

async fn status_changes_and_latest_open_session(store: Arc<dyn Store>) {
    let older = session("local", at(0), None);
    let newer = session("local", at(60), None);
    create(&*store, &older).await;
    create(&*store, &newer).await;
    let open = store.latest_open_session().await.expect("open");
    assert_eq!(open.map(|s| s.id), Some(newer.id));

    assert!(store
        .set_session_status(newer.id, SessionStatus::Paused)
        .await
        .expect("pause"));
    let paused = store
        .get_session(newer.id)
        .await
        .expect("get")
        .map(|s| s.status);
    assert_eq!(paused, Some(SessionStatus::Paused));
    let open = store.latest_open_session().await.expect("open");
    assert_eq!(
        open.map(|s| s.id),
        Some(newer.id),
        "paused sessions are still open"
    );

    store
        .complete_session(newer.id, at(120), &report(newer.id, 80.0))
        .await
        .expect("complete");
    let completed = store
        .get_session(newer.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(completed.status, SessionStatus::Completed);
    assert_eq!(completed.ended_at, Some(at(120)));
    let open = store.latest_open_session().await.expect("open");
    assert_eq!(open.map(|s| s.id), Some(older.id));

    let missing = SessionId::from_uuid(uuid::Uuid::new_v4());
    assert!(!store
        .set_session_status(missing, SessionStatus::Paused)
        .await
        .expect("no row"));
}

async fn completing_twice_is_rejected_and_keeps_the_first_report(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    store
        .complete_session(s.id, at(100), &report(s.id, 64.25))
        .await
        .expect("complete");
    let second = store
        .complete_session(s.id, at(200), &report(s.id, 10.0))
        .await;
    assert!(matches!(second, Err(StoreError::Conflict(_))), "{second:?}");
    let stored = store
        .get_evaluation(s.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(stored, report(s.id, 64.25));
    let ended = store
        .get_session(s.id)
        .await
        .expect("get")
        .and_then(|s| s.ended_at);
    assert_eq!(ended, Some(at(100)));
}

async fn evaluations_round_trip_and_upsert(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    assert_eq!(store.get_evaluation(s.id).await.expect("none yet"), None);
    store
        .save_evaluation(&report(s.id, 55.5))
        .await
        .expect("save");
    assert_eq!(
        store.get_evaluation(s.id).await.expect("get"),
        Some(report(s.id, 55.5))
    );
    store
        .save_evaluation(&report(s.id, 91.0))
        .await
        .expect("replace");
    assert_eq!(
        store.get_evaluation(s.id).await.expect("get"),
        Some(report(s.id, 91.0))
    );
}

async fn pagination_is_newest_first(store: Arc<dyn Store>) {
    let mut ids = Vec::new();
    for minute in 0..7 {
        let s = session("local", at(minute * 60), None);
        create(&*store, &s).await;
        ids.push(s.id);
    }
    ids.reverse();
    let page = |limit, offset| Page::new(limit, offset).expect("page");
    let first: Vec<_> = store
        .list_sessions(page(3, 0))
        .await
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    let second: Vec<_> = store
        .list_sessions(page(3, 3))
        .await
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    let third: Vec<_> = store
        .list_sessions(page(3, 6))
        .await
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(first, ids[0..3]);
    assert_eq!(second, ids[3..6]);
    assert_eq!(third, ids[6..7]);
    assert!(store
        .list_sessions(page(3, 9))
        .await
        .expect("list")
        .is_empty());
    assert_eq!(store.count_sessions().await.expect("count"), 7);
}

async fn summaries_carry_problem_score_and_message_count(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    store
        .append_message(s.id, &message(Role::Interviewer, "Hi", 1))
        .await
        .expect("append");
    store
        .append_message(s.id, &message(Role::Candidate, "Hello", 2))
        .await
        .expect("append");
    store
        .complete_session(s.id, at(3), &report(s.id, 77.75))
        .await
        .expect("complete");
    let list = store.list_sessions(Page::default()).await.expect("list");
    let summary = list.first().expect("one session");
    assert_eq!(summary.id, s.id);
    assert_eq!(summary.message_count, 2);
    assert_eq!(summary.overall_score.map(Score::value), Some(77.75));
    assert_eq!(summary.problem.as_deref(), Some("Design a URL shortener"));
    assert_eq!(summary.status, SessionStatus::Completed);
}

async fn messages_keep_order_and_metadata(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    let first = message(Role::Interviewer, "Design a URL shortener.", 1)
        .with_metadata("phase", "requirements");
    let second = message(Role::Candidate, "Who are the users?", 2).with_metadata("source", "voice");
    let a = store.append_message(s.id, &first).await.expect("append");
    let b = store.append_message(s.id, &second).await.expect("append");
    assert!(b > a, "row ids increase");
    assert_eq!(
        store.conversation(s.id).await.expect("load"),
        vec![first, second]
    );
}

async fn a_message_written_twice_under_its_number_is_stored_once(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    assert_eq!(store.last_seq(s.id).await.expect("seq"), 0);
    let first = message(Role::Interviewer, "Design a URL shortener.", 1);
    let second = message(Role::Candidate, "Who are the users?", 2);
    assert!(store
        .append_message_at(s.id, 1, &first)
        .await
        .expect("first"));
    assert!(store
        .append_message_at(s.id, 2, &second)
        .await
        .expect("second"));
    assert!(
        !store
            .append_message_at(s.id, 2, &second)
            .await
            .expect("again"),
        "the same number again changes nothing"
    );
    assert_eq!(
        store.conversation(s.id).await.expect("load"),
        vec![first, second]
    );
    assert_eq!(store.last_seq(s.id).await.expect("seq"), 2);
    store
        .append_message(s.id, &message(Role::Interviewer, "And the scale?", 3))
        .await
        .expect("next");
    assert_eq!(
        store.last_seq(s.id).await.expect("seq"),
        3,
        "appends take the next number"
    );
}

async fn messages_for_unknown_sessions_are_rejected(store: Arc<dyn Store>) {
    let missing = SessionId::from_uuid(uuid::Uuid::new_v4());
    let result = store
        .append_message(missing, &message(Role::Candidate, "hello", 0))
        .await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
}

async fn hostile_and_unusual_text_round_trips_byte_for_byte(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    let long: String = "Sharding by user id, then consistent hashing… ".repeat(5_000);
    let texts = [
        "'); DROP TABLE sessions;--",
        "Robert'); DELETE FROM conversations WHERE ('1'='1",
        "unicode: Zoë, Ångström, 山田太郎, Ελληνικά, עברית, العربية",
        "emoji: 🚀🔥👩🏽‍💻🏳️‍🌈 and a flag 🇯🇵",
        "  leading and trailing whitespace\t\n  ",
        "backslashes \\ and quotes \" ' ` and percent %s %d $1 ?",
        long.as_str(),
    ];
    for (i, text) in texts.iter().enumerate() {
        let t = i64::try_from(i).expect("small");
        store
            .append_message(s.id, &message(Role::Candidate, text, t))
            .await
            .expect("append");
    }
    let loaded = store.conversation(s.id).await.expect("load");
    let contents: Vec<&str> = loaded.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(contents, texts);
    assert_eq!(loaded.last().map(|m| m.content.len()), Some(long.len()));
    assert_eq!(store.count_sessions().await.expect("tables intact"), 1);

    let mut hostile = resume("o-brien");
    hostile.name = "'); DROP TABLE resumes;--".into();
    store.save_resume(&hostile).await.expect("save");
    assert_eq!(
        store.get_resume("o-brien").await.expect("get"),
        Some(hostile)
    );
}

async fn concurrent_writers_lose_nothing_and_keep_order(store: Arc<dyn Store>) {
    const WRITERS: usize = 10;
    const PER_WRITER: usize = 25;
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for n in 0..PER_WRITER {
                let text = format!("writer {writer} message {n}");
                let msg = Message::new(Role::Candidate, text, Utc::now()).expect("valid");
                store
                    .append_message(s.id, &msg)
                    .await
                    .expect("append under contention");
            }
        }));
    }
    for task in tasks {
        task.await.expect("writer task");
    }
    let loaded = store.conversation(s.id).await.expect("load");
    assert_eq!(loaded.len(), WRITERS * PER_WRITER, "no message lost");
    for writer in 0..WRITERS {
        let prefix = format!("writer {writer} message ");
        let seen: Vec<usize> = loaded
            .iter()
            .filter_map(|m| m.content.strip_prefix(&prefix))
            .map(|n| n.parse().expect("number"))
            .collect();
        assert_eq!(
            seen,
            (0..PER_WRITER).collect::<Vec<_>>(),
            "writer {writer} order"
        );
    }
}

async fn media_references_round_trip_and_delete(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    let mut metadata = serde_json::Map::new();
    metadata.insert("width".into(), 1920.into());
    let files = [
        MediaFile {
            file_type: MediaType::Audio,
            file_path: format!("sessions/{}/audio/recording_001.wav", s.id),
            timestamp: at(5),
            file_size_bytes: Some(44_100),
            metadata: serde_json::Map::new(),
        },
        MediaFile {
            file_type: MediaType::Whiteboard,
            file_path: format!("sessions/{}/whiteboard/snapshot_001.png", s.id),
            timestamp: at(6),
            file_size_bytes: Some(5_000_000_000),
            metadata,
        },
    ];
    for file in &files {
        store.save_media_reference(s.id, file).await.expect("save");
    }
    assert_eq!(store.media_files(s.id).await.expect("list"), files.to_vec());
    assert!(store
        .delete_media_reference(s.id, &files[0].file_path)
        .await
        .expect("delete"));
    assert_eq!(
        store.media_files(s.id).await.expect("list"),
        files[1..].to_vec()
    );
}

async fn token_usage_round_trips_and_sums(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    let records = [
        (TokenOperation::QuestionGeneration, 1200, 300, 0.0195),
        (TokenOperation::QuestionGeneration, 1500, 250, 0.021),
        (TokenOperation::Evaluation, 8000, 1200, 0.123456),
    ]
    .map(|(operation, input, output, cost)| TokenUsageRecord {
        session_id: s.id,
        timestamp: at(i64::from(input)),
        operation,
        usage: TokenUsage::new("openai", "gpt-4o", input, output, cost),
    });
    for record in &records {
        store.record_token_usage(record).await.expect("record");
    }
    let loaded = store.token_usage(s.id).await.expect("load");
    assert_eq!(loaded, records.to_vec());
    let totals = SessionTokenUsage::from_records(&loaded);
    assert_eq!(totals.total_input_tokens, 10_700);
    assert_eq!(totals.total_output_tokens, 1_750);
    assert_eq!(totals.total_tokens, 12_450);
    assert!((totals.total_cost - 0.163956).abs() < 1e-9);
    assert_eq!(
        totals
            .breakdown_by_operation
            .get(&TokenOperation::QuestionGeneration)
            .map(|u| u.total_tokens),
        Some(3_250)
    );
}

async fn audit_logs_round_trip_newest_first(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    create(&*store, &s).await;
    let entry = |level, t, session_id| LogEntry {
        timestamp: at(t),
        level,
        component: "storage".into(),
        operation: "append_message".into(),
        message: format!("event at {t}"),
        session_id,
        user_id: Some("local".into()),
        metadata: serde_json::Map::new(),
        stack_trace: Some("caused by: timeout".into()),
    };
    let older = entry(LogLevel::Warning, 1, Some(s.id));
    let newer = entry(LogLevel::Error, 2, None);
    store.append_audit_log(&older).await.expect("log");
    store.append_audit_log(&newer).await.expect("log");
    let logs = store.audit_logs(Page::default()).await.expect("list");
    assert_eq!(logs, vec![newer.clone(), older]);

    let unknown = entry(
        LogLevel::Critical,
        3,
        Some(SessionId::from_uuid(uuid::Uuid::new_v4())),
    );
    store
        .append_audit_log(&unknown)
        .await
        .expect("log for a session that does not exist");
    let logs = store
        .audit_logs(Page::new(1, 0).expect("page"))
        .await
        .expect("list");
    assert_eq!(
        logs.first().map(|l| l.session_id),
        Some(None),
        "unknown session ids are not kept"
    );
}

async fn statistics_count_sessions_usage_media_and_logged_problems(store: Arc<dyn Store>) {
    let empty = store.statistics(at(0)).await.expect("statistics");
    assert_eq!(
        (empty.sessions(), empty.average_duration_seconds),
        (0, None)
    );
    assert!(empty.usage.is_empty() && empty.media.is_empty() && empty.problems.is_empty());

    let sessions: Vec<Session> = (0..4).map(|i| session("local", at(i * 10), None)).collect();
    for s in &sessions {
        create(&*store, s).await;
    }
    store
        .set_session_status(sessions[1].id, SessionStatus::Paused)
        .await
        .expect("pause");
    // Two completed sessions lasting 30 and 90 minutes.
    store
        .complete_session(sessions[2].id, at(20 + 1800), &report(sessions[2].id, 70.0))
        .await
        .expect("complete");
    store
        .complete_session(sessions[3].id, at(30 + 5400), &report(sessions[3].id, 80.0))
        .await
        .expect("complete");
    for (operation, input, output, cost) in [
        (TokenOperation::QuestionGeneration, 1000, 200, 0.5),
        (TokenOperation::QuestionGeneration, 2000, 300, 0.25),
        (TokenOperation::Evaluation, 4000, 1000, 1.0),
    ] {
        let record = TokenUsageRecord {
            session_id: sessions[0].id,
            timestamp: at(5),
            operation,
            usage: TokenUsage::new("openai", "gpt-4o", input, output, cost),
        };
        store.record_token_usage(&record).await.expect("record");
    }
    for (kind, name, bytes) in [
        (MediaType::Audio, "a.wav", 1_000),
        (MediaType::Audio, "b.wav", 2_500),
        (MediaType::Video, "v.mp4", 5_000_000_000),
    ] {
        let file = MediaFile {
            file_type: kind,
            file_path: format!("sessions/{}/{}", sessions[0].id, name),
            timestamp: at(6),
            file_size_bytes: Some(bytes),
            metadata: serde_json::Map::new(),
        };
        store
            .save_media_reference(sessions[0].id, &file)
            .await
            .expect("media");
    }
    for (level, component, t) in [
        (LogLevel::Warning, "storage", 100),
        (LogLevel::Error, "storage", 200),
        (LogLevel::Error, "ai", 300),
        // Before the window: not counted.
        (LogLevel::Error, "ai", 1),
    ] {
        let entry = LogEntry {
            timestamp: at(t),
            level,
            component: component.into(),
            operation: "op".into(),
            message: "problem".into(),
            session_id: None,
            user_id: None,
            metadata: serde_json::Map::new(),
            stack_trace: None,
        };
        store.append_audit_log(&entry).await.expect("log");
    }

    let stats = store.statistics(at(50)).await.expect("statistics");
    assert_eq!((stats.active, stats.paused, stats.completed), (1, 1, 2));
    assert_eq!(stats.completion_rate(), 0.5);
    assert_eq!(stats.average_duration_seconds, Some(3600.0));
    let usage: Vec<(String, u64, u64)> = stats
        .usage
        .iter()
        .map(|u| (u.operation.clone(), u.calls, u.tokens))
        .collect();
    assert_eq!(
        usage,
        vec![
            ("evaluation".to_string(), 1, 5000),
            ("question_generation".to_string(), 2, 3500),
        ]
    );
    assert!(
        (stats.total_cost() - 1.75).abs() < 1e-9,
        "{}",
        stats.total_cost()
    );
    let media: Vec<(String, u64, u64)> = stats
        .media
        .iter()
        .map(|m| (m.file_type.clone(), m.files, m.bytes))
        .collect();
    assert_eq!(
        media,
        vec![
            ("audio".to_string(), 2, 3_500),
            ("video".to_string(), 1, 5_000_000_000),
        ]
    );
    let problems: Vec<(String, u64, u64)> = stats
        .problems
        .iter()
        .map(|p| (p.component.clone(), p.warnings, p.errors))
        .collect();
    assert_eq!(
        problems,
        vec![("ai".to_string(), 0, 1), ("storage".to_string(), 1, 1)]
    );
}

async fn deleting_a_session_cascades(store: Arc<dyn Store>) {
    let s = session("local", at(0), None);
    let other = session("local", at(1), None);
    create(&*store, &s).await;
    create(&*store, &other).await;
    for id in [s.id, other.id] {
        store
            .append_message(id, &message(Role::Candidate, "hi", 1))
            .await
            .expect("append");
        store
            .save_media_reference(
                id,
                &MediaFile {
                    file_type: MediaType::Screen,
                    file_path: format!("sessions/{id}/screen/capture_001.png"),
                    timestamp: at(2),
                    file_size_bytes: None,
                    metadata: serde_json::Map::new(),
                },
            )
            .await
            .expect("media");
        store
            .record_token_usage(&TokenUsageRecord {
                session_id: id,
                timestamp: at(3),
                operation: TokenOperation::Evaluation,
                usage: TokenUsage::new("anthropic", "claude", 10, 5, 0.001),
            })
            .await
            .expect("tokens");
        store
            .save_evaluation(&report(id, 50.0))
            .await
            .expect("evaluation");
    }
    store
        .append_audit_log(&LogEntry {
            timestamp: at(4),
            level: LogLevel::Warning,
            component: "test".into(),
            operation: "cascade".into(),
            message: "kept after delete".into(),
            session_id: Some(s.id),
            user_id: None,
            metadata: serde_json::Map::new(),
            stack_trace: None,
        })
        .await
        .expect("log");

    assert!(store.delete_session(s.id).await.expect("delete"));
    assert_eq!(store.get_session(s.id).await.expect("get"), None);
    assert!(store.conversation(s.id).await.expect("load").is_empty());
    assert!(store.media_files(s.id).await.expect("load").is_empty());
    assert!(store.token_usage(s.id).await.expect("load").is_empty());
    assert_eq!(store.get_evaluation(s.id).await.expect("load"), None);
    let logs = store.audit_logs(Page::default()).await.expect("logs");
    assert_eq!(logs.len(), 1, "audit logs survive");
    assert_eq!(logs[0].session_id, None, "ON DELETE SET NULL");

    assert_eq!(
        store.conversation(other.id).await.expect("other").len(),
        1,
        "other session untouched"
    );
    assert!(!store.delete_session(s.id).await.expect("delete again"));
}

async fn deleting_a_resume_cascades_to_its_sessions(store: Arc<dyn Store>) {
    let s = session("zoe", at(0), Some(resume("zoe")));
    create(&*store, &s).await;
    store
        .append_message(s.id, &message(Role::Candidate, "hi", 1))
        .await
        .expect("append");
    assert!(store.delete_resume("zoe").await.expect("delete"));
    assert_eq!(store.get_session(s.id).await.expect("get"), None);
    assert!(store.conversation(s.id).await.expect("load").is_empty());
}

async fn ping_answers(store: Arc<dyn Store>) {
    store.ping().await.expect("ping");
    let pool = store.pool_status();
    assert_eq!(pool.max, PoolSettings::default().max_connections);
    assert!(pool.open >= 1 && pool.idle <= pool.open, "{pool:?}");
}

// ---------------------------------------------------------------- backends

async fn sqlite_store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(
        SqliteStore::open(
            &dir.path().join("mockint.db"),
            PoolSettings::default(),
            RetryPolicy::default(),
        )
        .await
        .expect("open sqlite"),
    )
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let store = super::sqlite_store(&dir).await;
                    super::$case(store).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    mockint_tests::with_postgres(|url| async move {
                        let store = super::PostgresStore::open(&url, super::PoolSettings::default(), super::RetryPolicy::default())
                            .await
                            .expect("open postgres");
                        super::$case(std::sync::Arc::new(store.clone())).await;
                        store.close().await;
                    })
                    .await;
                }
            )*
        }
    };
}

contract!(
    resumes_round_trip_update_and_delete,
    sessions_round_trip_with_and_without_resume,
    status_changes_and_latest_open_session,
    completing_twice_is_rejected_and_keeps_the_first_report,
    evaluations_round_trip_and_upsert,
    pagination_is_newest_first,
    summaries_carry_problem_score_and_message_count,
    messages_keep_order_and_metadata,
    a_message_written_twice_under_its_number_is_stored_once,
    messages_for_unknown_sessions_are_rejected,
    hostile_and_unusual_text_round_trips_byte_for_byte,
    concurrent_writers_lose_nothing_and_keep_order,
    media_references_round_trip_and_delete,
    token_usage_round_trips_and_sums,
    audit_logs_round_trip_newest_first,
    statistics_count_sessions_usage_media_and_logged_problems,
    deleting_a_session_cascades,
    deleting_a_resume_cascades_to_its_sessions,
    ping_answers,
);

#[tokio::test]
async fn postgres_test_database_is_dropped_afterwards() {
    let database = mockint_tests::TestDatabase::create().await;
    assert!(database.exists().await);
    database.drop_database().await;
    assert!(!database.exists().await);
}
