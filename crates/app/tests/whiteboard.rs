//! The whiteboard's operation log through the assembled app on a real data directory: changes
//! appended in batches (a retried batch stored once, a bad change refused whole), the board
//! read back after a restart, and logs a crash or a hostile file can leave — a cut-off last
//! line, an unknown operation, a bind to a missing shape, a million operations — each opened
//! with what survived and a notice that says what was skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

mod common;

use common::app;
use mockint_app::InterviewRequest;
use mockint_domain::{Component, End, Op, OpEntry, Shape};

fn boxed(id: u64, x: f64, kind: Component) -> Shape {
    Shape::component(id, kind, x, 100.0, 150.0, 70.0)
}

fn arrow(id: u64, from: u64, to: u64) -> Shape {
    Shape::connector(id, from, to)
}

fn entry(seq: u64, op: Op) -> OpEntry {
    OpEntry {
        seq,
        ms: seq * 1000,
        op,
    }
}

fn diagram() -> Vec<OpEntry> {
    vec![
        entry(
            1,
            Op::Add {
                shapes: vec![
                    boxed(1, 0.0, Component::Client),
                    boxed(2, 300.0, Component::LoadBalancer),
                    boxed(3, 600.0, Component::Service),
                ],
                at: None,
            },
        ),
        entry(
            2,
            Op::Add {
                shapes: vec![arrow(4, 1, 2), arrow(5, 2, 3)],
                at: None,
            },
        ),
        entry(
            3,
            Op::Move {
                ids: vec![3],
                dx: 0.0,
                dy: 200.0,
            },
        ),
    ]
}

#[tokio::test]
async fn changes_are_stored_once_refused_whole_and_read_back_after_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let session = {
        let app = app(&dir).await;
        let (session, _, _) = app
            .start_interview(InterviewRequest {
                provider: Some("offline".into()),
                ..InterviewRequest::default()
            })
            .await
            .expect("start");
        let entries = diagram();
        assert_eq!(
            app.whiteboards
                .append(session.id, &entries[..2])
                .await
                .expect("append"),
            2
        );
        // The same batch again (a retry after a lost answer), then the rest: stored once.
        assert_eq!(
            app.whiteboards
                .append(session.id, &entries)
                .await
                .expect("append"),
            3
        );
        // A batch with one bad change is refused whole.
        let bad = [
            entry(
                4,
                Op::Relabel {
                    id: 3,
                    text: Some("api".into()),
                },
            ),
            entry(
                5,
                Op::Bind {
                    id: 4,
                    end: End::End,
                    target: 99,
                },
            ),
        ];
        let error = app
            .whiteboards
            .append(session.id, &bad)
            .await
            .expect_err("refused");
        assert!(error.to_string().contains("change 5"), "{error}");
        assert!(error.to_string().contains("99"), "{error}");
        // A gap is refused too.
        let gap = [entry(7, Op::Clear)];
        let error = app
            .whiteboards
            .append(session.id, &gap)
            .await
            .expect_err("gap");
        assert!(error.to_string().contains("change 4 is missing"), "{error}");
        session
    };
    let app = app(&dir).await;
    let log = app.whiteboards.board_log(session.id).await.expect("log");
    assert!(log.notices.is_empty(), "{:?}", log.notices);
    assert_eq!((log.entries.len(), log.last_seq), (3, 3));
    let board = app.whiteboards.load_board(session.id).await.expect("board");
    let analysis = mockint_ai::analyze_whiteboard(&board, None);
    assert_eq!(
        analysis.components_identified,
        ["Client", "Load balancer", "Service"]
    );
    assert_eq!(
        analysis.relationships,
        ["Client -> Load balancer", "Load balancer -> Service"]
    );
    // The moved service's arrow followed it down.
    let follow = board.shapes.iter().find(|s| s.id == 5).expect("arrow");
    assert!(follow.points[1].y >= 300.0, "{:?}", follow.points);
    assert_eq!(
        app.whiteboards
            .append(session.id, &[entry(4, Op::Clear)])
            .await
            .expect("more"),
        4
    );
    // The report cites what was drawn, when, for the design competency (the clear above
    // leaves nothing drawn, so draw the client again first).
    let again = Op::Add {
        shapes: vec![boxed(9, 0.0, Component::Client)],
        at: None,
    };
    app.whiteboards
        .append(session.id, &[entry(5, again)])
        .await
        .expect("drawn again");
    let report = app.sessions.end(session.id).await.expect("end");
    let evidence = &report.competency_scores[&mockint_domain::Competency::HighLevelDesign].evidence;
    let cited = "Whiteboard at 0:05 — drew \"Client\"";
    assert!(
        evidence.iter().any(|e| e == cited),
        "{cited} in {evidence:?}"
    );
}

#[tokio::test]
async fn damaged_and_hostile_logs_open_with_what_survived_and_say_what_was_skipped() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let mut cases: Vec<(&str, String, usize, &str)> = Vec::new();
    let lines: String = diagram().iter().map(OpEntry::to_line).collect();
    let cut = lines[..lines.len() - 10].to_string();
    cases.push(("a truncated last line", cut, 2, "cut off"));
    cases.push((
        "an unknown operation",
        lines.replacen("{\"add\":", "{\"rotate\":", 1),
        0,
        "rotate",
    ));
    cases.push((
        "an unknown operation in the middle",
        lines.replace("{\"move\":", "{\"teleport\":"),
        2,
        "teleport",
    ));
    cases.push((
        "a bind to a missing shape",
        format!(
            "{lines}{}",
            entry(
                4,
                Op::Bind {
                    id: 4,
                    end: End::End,
                    target: 404
                }
            )
            .to_line()
        ),
        3,
        "404",
    ));
    cases.push((
        "not JSON at all",
        "\u{0}\u{1}garbage\n{{{{\n".into(),
        0,
        "cannot be read",
    ));
    let mut million = lines.clone();
    for seq in 4..=1_000_003u64 {
        million.push_str(
            &entry(
                seq,
                Op::Move {
                    ids: vec![1],
                    dx: 0.5,
                    dy: 0.0,
                },
            )
            .to_line(),
        );
    }
    cases.push((
        "a million operations",
        million,
        mockint_domain::board::MAX_LOG_OPS,
        "more than",
    ));
    for (name, text, applied, needle) in cases {
        let (session, _, _) = app
            .start_interview(InterviewRequest {
                provider: Some("offline".into()),
                ..InterviewRequest::default()
            })
            .await
            .expect("start");
        let path = dir.path().join("sessions").join(session.id.to_string());
        std::fs::create_dir_all(&path).expect("dir");
        std::fs::write(path.join("whiteboard.jsonl"), text).expect("write");
        let started = std::time::Instant::now();
        let log = app.whiteboards.board_log(session.id).await.expect(name);
        println!(
            "{name}: {:?}, {} applied, {:.1?}",
            log.notices,
            log.entries.len(),
            started.elapsed()
        );
        assert_eq!(log.entries.len(), applied, "{name}");
        assert!(
            log.notices.iter().any(|n| n.contains(needle)),
            "{name}: {:?}",
            log.notices
        );
        // The detail the UI opens carries the notices with the board.
        let detail = app.session_detail(session.id).await.expect(name);
        assert!(!detail.board.notices.is_empty(), "{name}");
        if applied > 0 {
            assert!(
                !log.board().shapes().is_empty(),
                "{name}: not a blank board"
            );
        }
        // The exports read the same log and open it the same way.
        match app.replay_document(session.id).await {
            Ok(replay) => assert!(String::from_utf8_lossy(&replay.bytes).contains("<svg")),
            Err(error) => {
                assert!(log.truncated, "{name}: {error}");
                assert!(error.to_string().contains("too long"), "{error}");
            }
        }
        let svg = app
            .board_document(session.id, mockint_domain::BoardFormat::Svg, None)
            .await
            .expect(name);
        assert!(svg.bytes.starts_with(b"<svg"), "{name}");
        // New changes continue after the highest sequence number in the file, except on a
        // board whose log was too long to read whole: that one says so.
        let next = log.last_seq + 1;
        let stored = app
            .whiteboards
            .append(session.id, &[entry(next, Op::Clear)])
            .await;
        if log.truncated {
            let error = stored.expect_err("a full log takes nothing more");
            assert!(error.to_string().contains("over its limit"), "{error}");
        } else {
            assert!(stored.is_ok(), "{name}: {stored:?}");
        }
    }
}

#[tokio::test]
async fn the_replay_starts_a_spoken_answer_with_its_recording_and_serves_only_the_sessions_recordings(
) {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let start = || {
        app.start_interview(InterviewRequest {
            provider: Some("offline".into()),
            ..InterviewRequest::default()
        })
    };
    let (session, _, _) = start().await.expect("start");
    let (other, _, _) = start().await.expect("start");
    // A 1.5 s answer: stored as audio, then taken as the turn (as the microphone does).
    let wav = mockint_media::audio::wav_bytes(&vec![0.0; 24_000]).expect("wav");
    let recording = app
        .media
        .save(session.id, mockint_domain::MediaType::Audio, &wav)
        .await
        .expect("recording stored");
    app.take_turn(
        session.id,
        "We shard the links by their short code.",
        mockint_domain::TurnSource::Voice,
        None,
    )
    .await
    .expect("turn");
    app.media
        .save(
            session.id,
            mockint_domain::MediaType::Whiteboard,
            b"\x89PNG\r\n\x1a\n",
        )
        .await
        .expect("snapshot");

    let timeline = app.replay_timeline(session.id).await.expect("timeline");
    assert_eq!(timeline.clips.len(), 1, "the snapshot is not a clip");
    let clip = &timeline.clips[0];
    assert_eq!(clip.length_ms, 1_500);
    assert_eq!(clip.path, recording.file_path);
    let answer = timeline
        .turns
        .iter()
        .find(|t| t.role == mockint_domain::Role::Candidate)
        .expect("the answer");
    assert_eq!(answer.clip, Some(0));
    assert_eq!(
        answer.ms, clip.start_ms,
        "the answer starts with its recording"
    );

    // Only a recording the session lists is served: not another session's, not a snapshot,
    // not a path that walks out of the folder.
    let (_, on_disk) = app
        .media_file(session.id, &clip.path)
        .await
        .expect("served");
    assert_eq!(std::fs::read(on_disk).expect("file"), wav);
    let snapshot = format!("sessions/{}/whiteboard/snapshot_001.png", session.id);
    let walk_out = format!("sessions/{}/audio/../../../test.db", session.id);
    for (id, path) in [
        (other.id, clip.path.as_str()),
        (session.id, snapshot.as_str()),
        (session.id, walk_out.as_str()),
        (session.id, "/etc/passwd"),
    ] {
        assert!(app.media_file(id, path).await.is_err(), "{path} served");
    }
    // The exported replay carries the recording itself.
    let html = String::from_utf8(app.replay_document(session.id).await.expect("doc").bytes)
        .expect("utf-8");
    assert!(html.contains("<audio data-a=") && html.contains("data:audio/wav;base64,"));
}
