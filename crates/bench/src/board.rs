//! The whiteboard's operation log: how long rebuilding a board from 10,000 logged changes
//! takes (reading the JSON lines and applying them), and how large the log of a busy
//! 45-minute session is.

use std::time::Instant;

use mockint_domain::board::replay_log;
use mockint_domain::{Board, Component, Op, OpEntry, Point, Shape, ShapeKind};

use crate::report::Figure;
use crate::stats::Samples;

const SECTION: &str = "Whiteboard log";

/// A candidate's changes, one every `every_ms`: components from the palette, arrows bound
/// between them, moves, relabels, resizes, pen strokes of 60 points and undos (logged as
/// their inverse), in a fixed mix.
pub fn session_log(changes: usize, every_ms: u64) -> Vec<OpEntry> {
    let mut board = Board::default();
    let mut entries = Vec::with_capacity(changes);
    let mut undo: Vec<Op> = Vec::new();
    let mut boxes: Vec<u64> = Vec::new();
    let mut state = 0x2545_f491_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    while entries.len() < changes {
        let id = board.next_id();
        let roll = next() % 100;
        let x = (next() % 1000) as f64;
        let y = (next() % 700) as f64;
        let op = match roll {
            _ if boxes.len() < 2 || roll < 25 => Op::Add {
                shapes: vec![Shape {
                    id,
                    kind: ShapeKind::Rectangle,
                    x,
                    y,
                    width: 150.0,
                    height: 70.0,
                    text: Some("Service".into()),
                    color: "#1f2933".into(),
                    stroke_width: 2.0,
                    created_ms: entries.len() as u64 * every_ms,
                    component: Some(Component::Service),
                    ..Shape::default()
                }],
                at: None,
            },
            25..=49 => {
                let n = boxes.len() as u64;
                let first = next() % n;
                let second = (first + 1 + next() % (n - 1)) % n;
                let (from, to) = (boxes[first as usize], boxes[second as usize]);
                Op::Add {
                    shapes: vec![Shape {
                        id,
                        kind: ShapeKind::Arrow,
                        points: vec![Point { x, y }, Point { x: x + 50.0, y }],
                        color: "#1f2933".into(),
                        stroke_width: 2.0,
                        from: Some(from),
                        to: Some(to),
                        ..Shape::default()
                    }],
                    at: None,
                }
            }
            50..=69 => Op::Move {
                ids: vec![boxes[(next() % boxes.len() as u64) as usize]],
                dx: (next() % 200) as f64 - 100.0,
                dy: (next() % 200) as f64 - 100.0,
            },
            70..=79 => Op::Relabel {
                id: boxes[(next() % boxes.len() as u64) as usize],
                text: Some(format!("service {}", next() % 100)),
            },
            80..=84 => Op::Resize {
                id: boxes[(next() % boxes.len() as u64) as usize],
                x,
                y,
                width: 180.0,
                height: 90.0,
            },
            85..=89 => Op::Add {
                shapes: vec![Shape {
                    id,
                    kind: ShapeKind::Pen,
                    x,
                    y,
                    points: (0..60)
                        .map(|i| Point {
                            x: ((x + f64::from(i) * 3.0) * 10.0).round() / 10.0,
                            y: ((y + (f64::from(i) / 5.0).sin() * 20.0) * 10.0).round() / 10.0,
                        })
                        .collect(),
                    color: "#1f2933".into(),
                    stroke_width: 2.0,
                    ..Shape::default()
                }],
                at: None,
            },
            _ => match undo.pop() {
                Some(inverse) => inverse,
                None => continue,
            },
        };
        let Ok(inverse) = board.apply(&op) else {
            continue;
        };
        if roll < 90 {
            undo.push(inverse);
        }
        if let Op::Add { shapes, .. } = &op {
            boxes.extend(
                shapes
                    .iter()
                    .filter(|s| s.kind == ShapeKind::Rectangle)
                    .map(|s| s.id),
            );
        }
        boxes.retain(|id| board.get(*id).is_some());
        entries.push(OpEntry {
            seq: entries.len() as u64 + 1,
            ms: entries.len() as u64 * every_ms,
            op,
        });
    }
    entries
}

/// Rebuild time and log size.
pub fn run() -> Result<Vec<Figure>, String> {
    let entries = session_log(10_000, 250);
    let text: String = entries.iter().map(OpEntry::to_line).collect();
    let mut rebuild = Samples::default();
    let mut shapes = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let replayed = replay_log(Board::default(), &text);
        rebuild.push(started.elapsed());
        if !replayed.notices.is_empty() || replayed.entries.len() != entries.len() {
            return Err(format!(
                "the log did not replay cleanly: {:?}",
                replayed.notices
            ));
        }
        shapes = replayed.board.shapes().len();
    }
    let mut apply = Samples::default();
    for _ in 0..20 {
        let started = Instant::now();
        let mut board = Board::default();
        for entry in &entries {
            let _ = board.apply(&entry.op);
        }
        apply.push(started.elapsed());
    }
    // A busy candidate: a change every 2 s for 45 minutes.
    let busy: String = session_log(45 * 60 / 2, 2000)
        .iter()
        .map(OpEntry::to_line)
        .collect();
    Ok(vec![
        Figure::at_most(SECTION, "rebuild a board from 10,000 logged changes (read + apply), p50", rebuild.p50(), "ms", 50.0)
            .note(format!("JSON lines, {:.1} MB; a mix of palette boxes, bound arrows, moves, relabels, resizes, 60-point pen strokes and undos; {shapes} shapes at the end; 20 runs", text.len() as f64 / 1e6)),
        Figure::at_most(SECTION, "rebuild a board from 10,000 logged changes, p99", rebuild.p99(), "ms", 50.0),
        Figure::info(SECTION, "apply 10,000 changes (already parsed), p50", apply.p50(), "ms"),
        Figure::at_most(SECTION, "log of a 45-minute session, a change every 2 s", busy.len() as f64 / 1e6, "MB", 1.0)
            .note("1,350 changes of the same mix; coordinates rounded to 0.1 px as the app stores them"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_session_replays_without_a_notice() {
        let entries = session_log(500, 100);
        assert_eq!(entries.len(), 500);
        let text: String = entries.iter().map(OpEntry::to_line).collect();
        let replayed = replay_log(Board::default(), &text);
        assert!(replayed.notices.is_empty(), "{:?}", replayed.notices);
        assert_eq!(replayed.entries.len(), 500);
    }
}
