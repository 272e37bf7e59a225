use super::log::replay_limited;
use super::*;
use crate::{Component, Point};

fn boxed(id: u64, x: f64, label: &str) -> Shape {
    Shape {
        text: Some(label.into()),
        ..Shape::component(id, Component::Service, x, 100.0, 100.0, 60.0)
    }
}

fn arrow(id: u64, from: u64, to: u64) -> Shape {
    Shape::connector(id, from, to)
}

fn add(shapes: Vec<Shape>) -> Op {
    Op::Add { shapes, at: None }
}

fn diagram() -> Board {
    let mut board = Board::default();
    for op in [
        add(vec![boxed(1, 0.0, "client"), boxed(2, 300.0, "api")]),
        add(vec![arrow(3, 1, 2)]),
    ] {
        board.apply(&op).unwrap_or_else(|e| panic!("{e}"));
    }
    board
}

#[test]
fn a_bound_arrow_runs_edge_to_edge_and_follows_its_box() {
    let mut board = diagram();
    let arrow = board.get(3).cloned().unwrap_or_default();
    assert_eq!(
        arrow.points,
        [Point { x: 100.0, y: 130.0 }, Point { x: 300.0, y: 130.0 }]
    );
    board
        .apply(&Op::Move {
            ids: vec![2],
            dx: 100.0,
            dy: 0.0,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let arrow = board.get(3).cloned().unwrap_or_default();
    assert_eq!(arrow.points[1], Point { x: 400.0, y: 130.0 });
}

/// The connectors bound to each shape, worked out from the shapes.
fn links_of(board: &Board) -> HashMap<u64, Vec<u64>> {
    let mut links: HashMap<u64, Vec<u64>> = HashMap::new();
    for shape in board.shapes() {
        let mut ends: Vec<u64> = [shape.from, shape.to].into_iter().flatten().collect();
        ends.dedup();
        for target in ends {
            links.entry(target).or_default().push(shape.id);
        }
    }
    links.values_mut().for_each(|v| v.sort_unstable());
    links
}

#[test]
fn the_index_of_bound_connectors_stays_true_through_any_changes_and_undos() {
    let mut board = Board::default();
    let mut undo: Vec<Op> = Vec::new();
    let mut state = 0x9e37_79b9_u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n.max(1)
    };
    for step in 0..3_000 {
        let ids: Vec<u64> = board.shapes().iter().map(|s| s.id).collect();
        let boxes: Vec<u64> = board
            .shapes()
            .iter()
            .filter(|s| s.is_bindable())
            .map(|s| s.id)
            .collect();
        let pick = |list: &[u64], k: u64| list.get(k as usize % list.len().max(1)).copied();
        let id = board.next_id();
        let roll = next(10);
        let clear = roll == 8 && step % 50 == 0;
        let undoing = roll >= 8 && !clear;
        let op = match roll {
            0 | 1 => add(vec![boxed(id, next(900) as f64, "box")]),
            2 | 3 => match (pick(&boxes, next(97)), pick(&boxes, next(89))) {
                (Some(a), Some(b)) if a != b => add(vec![arrow(id, a, b)]),
                _ => continue,
            },
            4 => match pick(&ids, next(101)) {
                Some(target) => Op::Delete { ids: vec![target] },
                None => continue,
            },
            5 => match pick(&boxes, next(103)) {
                Some(target) => Op::Move {
                    ids: vec![target],
                    dx: 3.0,
                    dy: -2.0,
                },
                None => continue,
            },
            6 => match (pick(&ids, next(107)), pick(&boxes, next(109))) {
                (Some(c), Some(t)) => Op::Bind {
                    id: c,
                    end: if next(2) == 0 { End::Start } else { End::End },
                    target: t,
                },
                _ => continue,
            },
            7 => match pick(&ids, next(113)) {
                Some(c) => Op::Unbind {
                    id: c,
                    end: End::End,
                },
                None => continue,
            },
            8 if clear => Op::Clear,
            _ => match undo.pop() {
                Some(inverse) => inverse,
                None => continue,
            },
        };
        match board.apply(&op) {
            // (An undo's own inverse would be a redo: not kept.)
            Ok(_) if undoing => {}
            Ok(inverse) => undo.push(inverse),
            Err(error) => assert!(!undoing, "an undo failed: {error}"),
        }
        assert_eq!(board.links, links_of(&board), "after step {step}: {op:?}");
    }
    while let Some(inverse) = undo.pop() {
        board.apply(&inverse).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(board.links, links_of(&board), "undoing {inverse:?}");
    }
    assert!(board.shapes().is_empty(), "every change undone");
}

#[test]
fn every_operation_is_undone_by_its_inverse() {
    let start = diagram();
    let ops = [
        Op::Move {
            ids: vec![1, 3],
            dx: 5.0,
            dy: -7.0,
        },
        Op::Resize {
            id: 2,
            x: 320.0,
            y: 90.0,
            width: 150.0,
            height: 80.0,
        },
        Op::Relabel {
            id: 2,
            text: Some("gateway".into()),
        },
        Op::Restyle {
            id: 1,
            color: "#ff0000".into(),
            stroke_width: 4.0,
        },
        Op::Unbind {
            id: 3,
            end: End::End,
        },
        Op::Bind {
            id: 3,
            end: End::End,
            target: 1,
        },
        Op::Delete { ids: vec![1] },
        Op::Delete { ids: vec![2, 3] },
        Op::Clear,
        Op::Batch {
            ops: vec![
                Op::Unbind {
                    id: 3,
                    end: End::Start,
                },
                Op::Reshape {
                    id: 3,
                    points: vec![Point { x: 10.0, y: 10.0 }, Point { x: 20.0, y: 20.0 }],
                },
            ],
        },
    ];
    for op in ops {
        let mut board = start.clone();
        match board.apply(&op) {
            Ok(inverse) => {
                assert_ne!(board, start, "{op:?} changed nothing");
                board
                    .apply(&inverse)
                    .unwrap_or_else(|e| panic!("{op:?}: {e}"));
                assert_eq!(board, start, "{op:?} then {inverse:?}");
            }
            // Binding the end to the shape the start is on is refused.
            Err(error) => assert!(
                matches!(error, BoardError::BadTarget { .. }),
                "{op:?}: {error}"
            ),
        }
    }
}

#[test]
fn deleting_a_box_unbinds_its_arrows_and_undo_rebinds_them() {
    let mut board = diagram();
    let inverse = board
        .apply(&Op::Delete { ids: vec![2] })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(board.get(3).and_then(|a| a.to), None);
    board.apply(&inverse).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(board.get(3).and_then(|a| a.to), Some(2));
    assert_eq!(board, diagram());
}

#[test]
fn a_failing_batch_changes_nothing() {
    let mut board = diagram();
    let error = board.apply(&Op::Batch {
        ops: vec![
            Op::Move {
                ids: vec![1],
                dx: 10.0,
                dy: 0.0,
            },
            Op::Bind {
                id: 3,
                end: End::End,
                target: 99,
            },
        ],
    });
    assert_eq!(error, Err(BoardError::BindToMissing { id: 3, target: 99 }));
    assert_eq!(board, diagram());
}

#[test]
fn bad_operations_are_refused() {
    let mut board = diagram();
    let cases = [
        (add(vec![boxed(1, 0.0, "again")]), "already on the board"),
        (add(vec![arrow(9, 1, 42)]), "42, which is not on the board"),
        (add(vec![arrow(9, 1, 1)]), "cannot attach"),
        (
            Op::Move {
                ids: vec![77],
                dx: 1.0,
                dy: 1.0,
            },
            "77 is not on the board",
        ),
        (
            Op::Move {
                ids: vec![1],
                dx: f64::NAN,
                dy: 1.0,
            },
            "coordinate",
        ),
        (
            Op::Bind {
                id: 1,
                end: End::End,
                target: 2,
            },
            "not a line or an arrow",
        ),
        (
            Op::Relabel {
                id: 1,
                text: Some("x".repeat(10_000)),
            },
            "too long",
        ),
    ];
    for (op, expected) in cases {
        let error = board.apply(&op).map(|_| ()).unwrap_err_or_panic();
        assert!(error.to_string().contains(expected), "{op:?}: {error}");
        assert_eq!(board, diagram(), "{op:?} left the board unchanged");
    }
}

trait UnwrapErr {
    fn unwrap_err_or_panic(self) -> BoardError;
}
impl UnwrapErr for Result<(), BoardError> {
    fn unwrap_err_or_panic(self) -> BoardError {
        match self {
            Ok(()) => panic!("accepted"),
            Err(error) => error,
        }
    }
}

fn log(entries: &[(u64, Op)]) -> String {
    entries
        .iter()
        .map(|(seq, op)| {
            OpEntry {
                seq: *seq,
                ms: seq * 1000,
                op: op.clone(),
            }
            .to_line()
        })
        .collect()
}

#[test]
fn a_log_folds_into_the_board_and_damage_is_skipped_with_a_notice() {
    let clean = log(&[
        (
            1,
            add(vec![boxed(1, 0.0, "client"), boxed(2, 300.0, "api")]),
        ),
        (2, add(vec![arrow(3, 1, 2)])),
        (
            3,
            Op::Move {
                ids: vec![2],
                dx: 10.0,
                dy: 10.0,
            },
        ),
    ]);
    let replayed = replay_log(Board::default(), &clean);
    assert!(replayed.notices.is_empty(), "{:?}", replayed.notices);
    assert_eq!(replayed.entries.len(), 3);
    let mut expected = diagram();
    let _ = expected.apply(&Op::Move {
        ids: vec![2],
        dx: 10.0,
        dy: 10.0,
    });
    assert_eq!(replayed.board, expected);
    // A retried batch (seq already applied) is applied once.
    let twice = format!("{clean}{}", log(&[(3, Op::Clear)]));
    assert_eq!(replay_log(Board::default(), &twice).board, expected);

    let unknown = clean.replace("{\"move\":", "{\"rotate\":");
    let replayed = replay_log(Board::default(), &unknown);
    assert_eq!(replayed.board, diagram());
    assert!(
        replayed.notices[0].contains("line 3"),
        "{:?}",
        replayed.notices
    );
    assert!(
        replayed.notices[0].contains("rotate"),
        "{:?}",
        replayed.notices
    );

    let missing = format!(
        "{clean}{}",
        log(&[(
            4,
            Op::Bind {
                id: 3,
                end: End::End,
                target: 404
            }
        )])
    );
    let replayed = replay_log(Board::default(), &missing);
    assert_eq!(replayed.board, expected);
    assert!(
        replayed.notices[0].contains("404"),
        "{:?}",
        replayed.notices
    );

    let cut = &clean[..clean.len() - 9];
    let replayed = replay_log(Board::default(), cut);
    assert_eq!(replayed.board, diagram());
    assert!(
        replayed.notices[0].contains("cut off"),
        "{:?}",
        replayed.notices
    );
}

#[test]
fn a_huge_log_stops_at_the_limit_with_a_notice() {
    let mut text = log(&[(1, add(vec![boxed(1, 0.0, "a")]))]);
    let step = |seq: u64| {
        OpEntry {
            seq,
            ms: seq,
            op: Op::Move {
                ids: vec![1],
                dx: 1.0,
                dy: 0.0,
            },
        }
        .to_line()
    };
    for seq in 2..=1010 {
        text.push_str(&step(seq));
    }
    let replayed = replay_limited(Board::default(), &text, 1000);
    assert_eq!(replayed.entries.len(), 1000);
    assert!(
        replayed.notices[0].contains("more than"),
        "{:?}",
        replayed.notices
    );
    assert_eq!(replayed.board.get(1).map(|s| s.x), Some(999.0));
}

#[test]
fn the_board_at_a_moment_has_only_what_was_done_by_then() {
    let text = log(&[
        (1, add(vec![boxed(1, 0.0, "client")])),
        (2, add(vec![boxed(2, 300.0, "api")])),
        (3, Op::Delete { ids: vec![1] }),
    ]);
    let replayed = replay_log(Board::default(), &text);
    let at = |ms| {
        board_at(&Board::default(), &replayed.entries, ms)
            .shapes()
            .len()
    };
    assert_eq!((at(500), at(1000), at(2000), at(3000)), (0, 1, 2, 1));
}

#[test]
fn drawn_components_are_the_named_boxes_left_with_when_they_appeared() {
    let text = log(&[
        (1, add(vec![boxed(1, 0.0, "client")])),
        (2, add(vec![boxed(2, 300.0, "api"), arrow(3, 1, 2)])),
        (3, add(vec![boxed(4, 600.0, "gone")])),
        (4, Op::Delete { ids: vec![4] }),
        (
            5,
            Op::Relabel {
                id: 2,
                text: Some("gateway".into()),
            },
        ),
    ]);
    let log = BoardLog {
        entries: replay_log(Board::default(), &text).entries,
        ..BoardLog::default()
    };
    let drawn: Vec<(String, u64)> = log
        .drawn_components()
        .into_iter()
        .map(|d| (d.label, d.ms))
        .collect();
    assert_eq!(drawn, [("client".into(), 1000), ("gateway".into(), 2000)]);
}

#[test]
fn stored_boards_with_dangling_bindings_still_open() {
    let mut dangling = arrow(3, 1, 9);
    dangling.points = vec![Point { x: 0.0, y: 0.0 }, Point { x: 50.0, y: 50.0 }];
    let board = Board::new(Whiteboard {
        shapes: vec![boxed(1, 0.0, "a"), dangling],
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let arrow = board.get(3).cloned().unwrap_or_default();
    assert_eq!((arrow.from, arrow.to), (Some(1), None));
    assert_eq!(arrow.points[1], Point { x: 50.0, y: 50.0 });
    // An old snapshot without bindings reads as it was.
    let old = r#"{"shapes":[{"id":1,"kind":"rectangle","x":1,"y":2,"width":3,"height":4}]}"#;
    let board: Whiteboard = serde_json::from_str(old).unwrap_or_default();
    assert_eq!(Board::new(board).map(|b| b.shapes().len()), Ok(1));
}
