//! The outbox that holds messages for PostgreSQL: a crash between storing a message and
//! releasing it stores nothing twice, and a session whose messages the database refuses for
//! good is set aside without blocking the others. (The outage itself — PostgreSQL stopped
//! mid-interview — is `outage.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::sync::Arc;

use chrono::Utc;
use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_core::ports::Outbox as _;
use mockint_domain::{Message, Role, SessionId};

async fn open(dir: &std::path::Path, url: &str) -> App {
    App::start(&StartOptions {
        data_dir: Some(dir.to_path_buf()),
        database_url: Some(url.to_string()),
        config_file: None,
        ..StartOptions::default()
    })
    .await
    .expect("app")
}

fn request() -> InterviewRequest {
    InterviewRequest {
        provider: Some("offline".into()),
        problem: Some("Design a URL shortener".into()),
        ..InterviewRequest::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_storing_and_releasing_stores_the_message_once() {
    mockint_tests::with_postgres(|url| async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = open(dir.path(), &url).await;
        let (session, _, _) = app.start_interview(request()).await.expect("start");
        app.interviews
            .candidate_turn(
                session.id,
                "Requirements first: low latency redirects.",
                "text",
            )
            .await
            .expect("turn");
        let before = app
            .store
            .conversation(session.id)
            .await
            .expect("conversation");
        // The crash: a message held, then written to the database, and the process dies
        // before releasing it from the outbox.
        let outbox = mockint_storage::SqliteOutbox::open(dir.path())
            .await
            .expect("outbox");
        let seq = app.store.last_seq(session.id).await.expect("seq") + 1;
        let message = Message::new(Role::Candidate, "Held, stored, never released.", Utc::now())
            .expect("message");
        outbox.hold(session.id, seq, &message).await.expect("hold");
        assert!(app
            .store
            .append_message_at(session.id, seq, &message)
            .await
            .expect("insert"));
        drop(app);
        // The next start drains the outbox: the same (session, seq) is not stored again.
        let app = open(dir.path(), &url).await;
        let after = app
            .store
            .conversation(session.id)
            .await
            .expect("conversation");
        assert_eq!(after.len(), before.len() + 1, "stored once, not twice");
        assert_eq!(
            after.last().map(|m| m.content.as_str()),
            Some("Held, stored, never released.")
        );
        assert!(
            outbox.sessions().await.expect("sessions").is_empty(),
            "released on replay"
        );
        // And the interview goes on with the next number.
        app.interviews
            .candidate_turn(session.id, "Then the estimates.", "text")
            .await
            .expect("turn after the restart");
        assert_eq!(
            app.store.conversation(session.id).await.expect("c").len(),
            after.len() + 2
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_the_database_refuses_is_set_aside_and_the_others_drain() {
    mockint_tests::with_postgres(|url| async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = open(dir.path(), &url).await;
        let (session, _, _) = app.start_interview(request()).await.expect("start");
        let outbox = Arc::new(
            mockint_storage::SqliteOutbox::open(dir.path())
                .await
                .expect("outbox"),
        );
        // A session the database does not know (deleted elsewhere): its messages break the
        // foreign key, for good.
        let ghost = SessionId::from_uuid(uuid::Uuid::new_v4());
        let say = |text: &str| Message::new(Role::Candidate, text, Utc::now()).expect("message");
        outbox
            .hold(ghost, 1, &say("lost cause"))
            .await
            .expect("hold");
        let seq = app.store.last_seq(session.id).await.expect("seq") + 1;
        outbox
            .hold(session.id, seq, &say("still to store"))
            .await
            .expect("hold");
        assert_eq!(app.interviews.replay_pending().await.expect("replay"), 0);
        assert!(
            outbox.held(ghost).await.expect("held").is_empty(),
            "set aside"
        );
        assert_eq!(
            outbox.last_seq(ghost).await.expect("last"),
            1,
            "kept in quarantine"
        );
        let stored = app
            .store
            .conversation(session.id)
            .await
            .expect("conversation");
        assert_eq!(
            stored.last().map(|m| m.content.as_str()),
            Some("still to store")
        );
        assert!(outbox.sessions().await.expect("sessions").is_empty());
    })
    .await;
}
