//! The stored log: a session's board as a base and its changes, reading the JSON lines back
//! with recovery, the board at a moment, and the components drawn.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Board, OpEntry, MAX_LOG_OPS, MAX_NOTICES};
use crate::Whiteboard;

/// A session's whiteboard as stored: the board it started from (an older session's
/// snapshot, or empty) and every change since, for the live board and the replay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoardLog {
    /// The board before the first logged change.
    pub base: Whiteboard,
    /// The changes that apply, in order.
    pub entries: Vec<OpEntry>,
    /// What could not be read or applied, for the user.
    pub notices: Vec<String>,
    /// The highest sequence number stored: the next change is this + 1.
    pub last_seq: u64,
    /// The log was over its limits and only its beginning was read: nothing more can be
    /// added to this board.
    #[serde(default)]
    pub truncated: bool,
}

impl BoardLog {
    /// The board after every change.
    pub fn board(&self) -> Board {
        let mut board = Board::new(self.base.clone()).unwrap_or_default();
        for entry in &self.entries {
            let _ = board.apply(&entry.op);
        }
        board
    }
}

/// A component the candidate drew, for evidence: its label, what it is, and when it first
/// appeared on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The shape.
    pub id: u64,
    /// Its label at the end (or its kind's name).
    pub label: String,
    /// Its palette kind, if it came from the palette.
    pub component: Option<crate::Component>,
    /// Milliseconds into the session when it was drawn.
    pub ms: u64,
}

impl BoardLog {
    /// The named boxes on the final board, in the order they were drawn, each with the time
    /// it first appeared.
    pub fn drawn_components(&self) -> Vec<Drawn> {
        let mut board = Board::new(self.base.clone()).unwrap_or_default();
        let mut first: HashMap<u64, u64> = board
            .shapes()
            .iter()
            .map(|s| (s.id, s.created_ms))
            .collect();
        for entry in &self.entries {
            if board.apply(&entry.op).is_ok() {
                for shape in board.shapes() {
                    first.entry(shape.id).or_insert(entry.ms);
                }
            }
        }
        let mut drawn: Vec<Drawn> = board
            .shapes()
            .iter()
            .filter(|s| !s.is_stroke() && s.kind != crate::ShapeKind::Text)
            .filter_map(|s| {
                let label = s
                    .text
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .or_else(|| s.component.map(|c| c.label().to_string()))?;
                Some(Drawn {
                    id: s.id,
                    label,
                    component: s.component,
                    ms: first.get(&s.id).copied().unwrap_or(0),
                })
            })
            .collect();
        drawn.sort_by_key(|d| (d.ms, d.id));
        drawn
    }
}

/// A board read back from its log.
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    /// The board after every readable operation.
    pub board: Board,
    /// The operations applied, in order (for a replay).
    pub entries: Vec<OpEntry>,
    /// What was skipped and why, for the user.
    pub notices: Vec<String>,
    /// The highest sequence number read, applied or not: the next change is this + 1.
    pub last_seq: u64,
    /// The log held more changes than are read.
    pub truncated: bool,
}

/// Folds a stored log (JSON lines) over a starting board, skipping what cannot be read or
/// applied with a notice for each, so a damaged log opens with everything that survived.
pub fn replay_log(base: Board, log: &str) -> Replayed {
    replay_limited(base, log, MAX_LOG_OPS)
}

pub(super) fn replay_limited(base: Board, log: &str, limit: usize) -> Replayed {
    let mut out = Replayed {
        board: base,
        ..Replayed::default()
    };
    let mut skipped = 0usize;
    let mut notice = |out: &mut Replayed, text: String| {
        if out.notices.len() < MAX_NOTICES {
            out.notices.push(text);
        } else {
            skipped += 1;
        }
    };
    let ends_cleanly = log.is_empty() || log.ends_with('\n');
    let lines: Vec<&str> = log.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        if out.entries.len() >= limit {
            notice(
                &mut out,
                format!(
                    "the whiteboard log holds more than {limit} changes, more than any \
                     interview writes; the board is shown as of change {limit} and the rest \
                     is ignored"
                ),
            );
            out.truncated = true;
            break;
        }
        let entry: OpEntry = match serde_json::from_str(line) {
            Ok(entry) => entry,
            Err(_) if line_no == lines.len() && !ends_cleanly => {
                notice(
                    &mut out,
                    format!(
                        "the last whiteboard change (line {line_no}) was cut off while it was \
                         being saved; the board is shown without it"
                    ),
                );
                continue;
            }
            Err(error) => {
                let why = error.to_string();
                let why: String = why.chars().take(160).collect();
                notice(
                    &mut out,
                    format!("line {line_no} of the whiteboard log cannot be read ({why}); skipped"),
                );
                continue;
            }
        };
        if entry.seq <= out.last_seq {
            // A batch written twice (a retry after a crash): already applied.
            continue;
        }
        out.last_seq = entry.seq;
        match out.board.apply(&entry.op) {
            Ok(_) => out.entries.push(entry),
            Err(error) => notice(
                &mut out,
                format!(
                    "whiteboard change {} (at {:.1} s) cannot be applied: {error}; skipped",
                    entry.seq,
                    entry.ms as f64 / 1000.0
                ),
            ),
        }
    }
    if skipped > 0 {
        out.notices
            .push(format!("{skipped} more whiteboard changes were skipped"));
    }
    out
}

/// The board as it was `ms` milliseconds into the session: the base with every logged
/// change made by then.
pub fn board_at(base: &Board, entries: &[OpEntry], ms: u64) -> Board {
    let mut board = base.clone();
    for entry in entries.iter().take_while(|e| e.ms <= ms) {
        let _ = board.apply(&entry.op);
    }
    board
}
