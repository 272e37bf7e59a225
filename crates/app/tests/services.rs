//! Session lifecycle, the interview loop and media storage, through the assembled app on a
//! real SQLite store and a real data directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

mod common;

use common::app;
use mockint_app::{App, InterviewRequest, StartOptions};
use mockint_core::{CoreError, MediaError};
use mockint_domain::{MediaType, Page, SessionStatus};

fn offline() -> InterviewRequest {
    InterviewRequest {
        provider: Some("offline".into()),
        ..InterviewRequest::default()
    }
}

#[tokio::test]
async fn lifecycle_moves_through_allowed_states_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let (session, opening, _) = app.start_interview(offline()).await.expect("start");
    assert_eq!(session.status, SessionStatus::Active);
    assert!(opening.content.contains("requirements"));
    assert_eq!(
        app.sessions.active().await.expect("active").map(|s| s.id),
        Some(session.id)
    );

    let error = app
        .sessions
        .resume(session.id)
        .await
        .expect_err("cannot resume an active session");
    assert_eq!(error.to_string(), "cannot resume a session that is active");

    let paused = app.sessions.pause(session.id).await.expect("pause");
    assert_eq!(paused.status, SessionStatus::Paused);
    let error = app
        .interviews
        .candidate_turn(
            session.id,
            "Talking while paused about requirements and users",
            "text",
        )
        .await;
    assert!(
        matches!(error, Err(CoreError::InvalidTransition { .. })),
        "{error:?}"
    );
    assert!(matches!(
        app.sessions.pause(session.id).await,
        Err(CoreError::InvalidTransition { .. })
    ));
    app.sessions.resume(session.id).await.expect("resume");

    app.interviews
        .candidate_turn(session.id, "Requirements first: users create short links; redirects need low latency and high availability.", "text")
        .await
        .expect("turn");
    let report = app.sessions.end(session.id).await.expect("end");
    assert_eq!(report.session_id, session.id);
    let stored = app.sessions.report(session.id).await.expect("report");
    assert_eq!(stored, Some(report));
    let completed = app.sessions.get(session.id).await.expect("get");
    assert_eq!(completed.status, SessionStatus::Completed);
    assert!(completed.ended_at.is_some());

    for result in [
        app.sessions.pause(session.id).await.err(),
        app.sessions.resume(session.id).await.err(),
    ] {
        assert!(matches!(result, Some(CoreError::InvalidTransition { .. })));
    }
    let error = app
        .sessions
        .end(session.id)
        .await
        .expect_err("cannot end twice");
    assert_eq!(error.to_string(), "cannot end a session that is completed");
    assert!(app.sessions.active().await.expect("active").is_none());
}

#[tokio::test]
async fn turns_are_stored_in_order_and_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let (session, _, _) = app.start_interview(offline()).await.expect("start");
    let outcome = app
        .interviews
        .candidate_turn(session.id, "ok", "text")
        .await
        .expect("turn");
    assert_eq!(
        outcome
            .interviewer
            .metadata
            .get("kind")
            .and_then(|v| v.as_str()),
        Some("clarify"),
        "a vague answer gets a clarifying question"
    );
    app.interviews
        .candidate_turn(session.id, "The functional requirements are create and redirect; non-functional are latency under 50 ms and 99.9% availability.", "voice")
        .await
        .expect("turn");
    let transcript = app
        .interviews
        .transcript(session.id)
        .await
        .expect("transcript");
    assert_eq!(transcript.len(), 5);
    assert_eq!(
        transcript[3]
            .metadata
            .get("source")
            .and_then(|v| v.as_str()),
        Some("voice")
    );
    let summaries = app.sessions.list(Page::default()).await.expect("list");
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].message_count, 5);
}

#[tokio::test]
async fn media_is_stored_sequentially_with_rows_and_limits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let (session, _, _) = app.start_interview(offline()).await.expect("start");
    let png = b"\x89PNG\r\n\x1a\n fake image bytes".to_vec();
    let first = app
        .media
        .save(session.id, MediaType::Whiteboard, &png)
        .await
        .expect("save");
    let second = app
        .media
        .save(session.id, MediaType::Whiteboard, &png)
        .await
        .expect("save");
    let audio = app
        .media
        .save(session.id, MediaType::Audio, b"RIFF....WAVE")
        .await
        .expect("save");
    let video = app
        .media
        .save(session.id, MediaType::Video, b"mp4")
        .await
        .expect("save");
    let screen = app
        .media
        .save(session.id, MediaType::Screen, &png)
        .await
        .expect("save");
    let base = format!("sessions/{}", session.id);
    assert_eq!(
        first.file_path,
        format!("{base}/whiteboard/snapshot_001.png")
    );
    assert_eq!(
        second.file_path,
        format!("{base}/whiteboard/snapshot_002.png")
    );
    assert_eq!(audio.file_path, format!("{base}/audio/recording_001.wav"));
    assert_eq!(video.file_path, format!("{base}/video/interview.mp4"));
    assert_eq!(screen.file_path, format!("{base}/screen/capture_001.png"));
    assert_eq!(
        std::fs::read(dir.path().join(&second.file_path)).expect("file"),
        png
    );
    assert_eq!(app.media.list(session.id).await.expect("rows").len(), 5);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join(&base).join("whiteboard"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files remain");
}

#[tokio::test]
async fn media_limits_are_enforced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        "communication:\n  audio_max_size_mb: 1\nstorage:\n  max_session_size_mb: 2\n",
    )
    .expect("config");
    let app = App::start(&StartOptions {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: None,
        config_file: Some(config),
        ..StartOptions::default()
    })
    .await
    .expect("app");
    let (session, _, _) = app.start_interview(offline()).await.expect("start");
    let mb = 1024 * 1024;
    let too_big = vec![0u8; mb + 1];
    let error = app
        .media
        .save(session.id, MediaType::Audio, &too_big)
        .await
        .expect_err("over the audio limit");
    assert!(
        matches!(error, CoreError::Media(MediaError::FileTooLarge { .. })),
        "{error}"
    );
    app.media
        .save(session.id, MediaType::Audio, &vec![0u8; mb])
        .await
        .expect("at the limit");
    app.media
        .save(session.id, MediaType::Video, &vec![0u8; mb - 10])
        .await
        .expect("fits");
    let error = app
        .media
        .save(session.id, MediaType::Video, &[0u8; 100])
        .await
        .expect_err("session full");
    assert!(
        matches!(error, CoreError::Media(MediaError::SessionFull { .. })),
        "{error}"
    );
    assert_eq!(
        app.media.list(session.id).await.expect("rows").len(),
        2,
        "rejected files leave no rows"
    );
}

#[tokio::test]
async fn deleting_a_session_removes_files_and_rows_together() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let (keep, _, _) = app.start_interview(offline()).await.expect("start");
    let (gone, _, _) = app.start_interview(offline()).await.expect("start");
    for id in [keep.id, gone.id] {
        app.media
            .save(id, MediaType::Whiteboard, b"png")
            .await
            .expect("save");
    }
    app.sessions.delete(gone.id).await.expect("delete");
    assert!(!dir.path().join(format!("sessions/{}", gone.id)).exists());
    assert!(matches!(
        app.sessions.get(gone.id).await,
        Err(CoreError::SessionNotFound(_))
    ));
    assert!(app
        .store
        .media_files(gone.id)
        .await
        .expect("rows")
        .is_empty());
    assert!(app
        .store
        .conversation(gone.id)
        .await
        .expect("rows")
        .is_empty());
    let staging: Vec<_> = std::fs::read_dir(dir.path().join("sessions"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".deleting"))
        .collect();
    assert!(staging.is_empty(), "nothing left behind");
    assert!(dir
        .path()
        .join(format!("sessions/{}/whiteboard/snapshot_001.png", keep.id))
        .exists());
    assert_eq!(app.media.list(keep.id).await.expect("rows").len(), 1);
    assert!(matches!(
        app.sessions.delete(gone.id).await,
        Err(CoreError::SessionNotFound(_))
    ));
}

#[tokio::test]
async fn unknown_sessions_are_reported_not_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let id = mockint_domain::SessionId::parse("550e8400-e29b-41d4-a716-446655440000").expect("id");
    assert!(matches!(
        app.media.save(id, MediaType::Audio, b"x").await,
        Err(CoreError::SessionNotFound(_))
    ));
    assert!(!dir.path().join(format!("sessions/{id}")).exists());
    assert!(matches!(
        app.interviews
            .candidate_turn(id, "hello there", "text")
            .await,
        Err(CoreError::SessionNotFound(_))
    ));
}

#[tokio::test]
async fn resumes_shape_the_problem_and_are_kept_with_the_session() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let resume =
        mockint_app::read_resume(&mockint_tests::fixture("resume_senior.txt"), 1024 * 1024)
            .await
            .expect("resume");
    let (session, opening, _) = app
        .start_interview(InterviewRequest {
            resume: Some(resume.clone()),
            ..offline()
        })
        .await
        .expect("start");
    assert!(
        opening.content.contains("payment"),
        "a fintech senior gets the payments problem: {}",
        opening.content
    );
    let stored = app.sessions.get(session.id).await.expect("get");
    assert_eq!(stored.config.resume_data, Some(resume));
}

#[tokio::test]
async fn vision_models_get_the_newest_snapshot_or_screen_capture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let (session, _, _) = app.start_interview(offline()).await.expect("start");
    assert_eq!(
        app.whiteboards
            .latest_picture(session.id)
            .await
            .expect("none yet"),
        None
    );
    let snapshot = b"\x89PNG\r\n\x1a\nwhiteboard".to_vec();
    let capture = b"\x89PNG\r\n\x1a\nscreen".to_vec();
    app.whiteboards
        .save_snapshot(session.id, &snapshot)
        .await
        .expect("snapshot");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.media
        .save(session.id, MediaType::Screen, &capture)
        .await
        .expect("capture");
    let picture = app.whiteboards.latest_picture(session.id).await;
    assert_eq!(picture.expect("picture"), Some(capture));
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.whiteboards
        .save_snapshot(session.id, &snapshot)
        .await
        .expect("second snapshot");
    let picture = app.whiteboards.latest_picture(session.id).await;
    assert_eq!(picture.expect("picture"), Some(snapshot));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_failing_turn_after_turn_leaves_the_session_offline() {
    use mockint_tests::fake_llm::Reply;
    let dir = tempfile::tempdir().expect("temp dir");
    let options = common::options(&dir, "ai:\n  retry_delay_seconds: 0.01\n");
    let app = App::start(&options).await.expect("app starts");
    let (server, session) = common::compatible_session(&app).await;
    server.script((0..200).map(|_| Reply::Status {
        code: 503,
        retry_after: None,
    }));
    let chats = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .count()
    };
    let mut switched_at = None;
    let mut calls_after_switch = Vec::new();
    for turn in 1..=5 {
        let outcome = app
            .interviews
            .candidate_turn(
                session.id,
                "We need short links and fast redirects.",
                "text",
            )
            .await
            .expect("the interview goes on");
        assert!(!outcome.interviewer.content.is_empty());
        if outcome.notices.iter().any(|n| {
            matches!(
                n,
                mockint_domain::ipc::Notice::SwitchedOffline { failures: 3, .. }
            )
        }) {
            switched_at = Some(turn);
        }
        if switched_at.is_some() {
            calls_after_switch.push(chats());
        }
    }
    assert_eq!(
        switched_at,
        Some(3),
        "the third failing turn switches the session"
    );
    assert!(
        calls_after_switch.windows(2).all(|w| w[0] == w[1]),
        "no provider calls once offline: {calls_after_switch:?}"
    );
}
