//! The whiteboard's editing state: every change is an [`Op`] applied to the board, logged
//! for saving (with its sequence number and time) and undone by the inverse the board
//! returns. A drag previews its change on the board and logs one operation when it ends.
//! Pure data, tested natively.

use std::collections::HashMap;

use mockint_domain::{Board, BoardError, Op, OpEntry, Point, Shape};

/// How many steps can be undone (operations are small; this bounds a very long session).
pub const DEPTH: usize = 1_000;

/// The board, its undo and redo steps, and the changes not yet saved.
#[derive(Debug, Clone, Default)]
pub struct Editor {
    board: Board,
    undo: Vec<Op>,
    redo: Vec<Op>,
    pending: Vec<OpEntry>,
    next_seq: u64,
    /// The board before the drag being previewed.
    before_preview: Option<Board>,
}

impl Editor {
    /// An editor over a stored board whose log ends at `last_seq`.
    pub fn new(board: Board, last_seq: u64) -> Self {
        Self {
            board,
            next_seq: last_seq + 1,
            ..Self::default()
        }
    }

    /// The board as shown.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// Applies a change, logs it and makes it undoable.
    pub fn commit(&mut self, op: Op, ms: u64) -> Result<(), BoardError> {
        self.cancel_preview();
        let inverse = self.board.apply(&op)?;
        self.undo.push(inverse);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.log(op, ms);
        Ok(())
    }

    /// Undoes the last change (logged as the change that undoes it). False if none.
    pub fn undo(&mut self, ms: u64) -> bool {
        self.cancel_preview();
        while let Some(inverse) = self.undo.pop() {
            if let Ok(again) = self.board.apply(&inverse) {
                self.redo.push(again);
                self.log(inverse, ms);
                return true;
            }
        }
        false
    }

    /// Redoes the last undone change. False if none.
    pub fn redo(&mut self, ms: u64) -> bool {
        self.cancel_preview();
        while let Some(op) = self.redo.pop() {
            if let Ok(inverse) = self.board.apply(&op) {
                self.undo.push(inverse);
                self.log(op, ms);
                return true;
            }
        }
        false
    }

    /// Shows a change while a drag is under way, without logging it; the first preview of a
    /// drag remembers the board so the drag can be cancelled or logged as one change.
    pub fn preview(&mut self, op: &Op) -> Result<(), BoardError> {
        if self.before_preview.is_none() {
            self.before_preview = Some(self.board.clone());
        }
        self.board.apply(op).map(|_| ())
    }

    /// Whether a drag is being previewed.
    pub fn previewing(&self) -> bool {
        self.before_preview.is_some()
    }

    /// Puts the board back as it was before the drag.
    pub fn cancel_preview(&mut self) {
        if let Some(before) = self.before_preview.take() {
            self.board = before;
        }
    }

    /// Ends a drag: the board goes back to before it and `op` (the whole drag as one change)
    /// is committed.
    pub fn finish_preview(&mut self, op: Op, ms: u64) -> Result<(), BoardError> {
        self.cancel_preview();
        self.commit(op, ms)
    }

    /// Changes made but not yet saved, oldest first.
    pub fn pending(&self) -> &[OpEntry] {
        &self.pending
    }

    /// Forgets the changes saved up to `last_seq`.
    pub fn saved(&mut self, last_seq: u64) {
        self.pending.retain(|e| e.seq > last_seq);
    }

    /// Whether there is a step to undo / redo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// See [`Editor::can_undo`].
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    fn log(&mut self, op: Op, ms: u64) {
        self.pending.push(OpEntry {
            seq: self.next_seq,
            ms,
            op,
        });
        self.next_seq += 1;
    }
}

/// Copies of `shapes` moved by (dx, dy) with fresh ids from `first_id`. A connector keeps a
/// binding only to a shape copied with it.
pub fn copies(shapes: &[Shape], first_id: u64, dx: f64, dy: f64) -> Vec<Shape> {
    let ids: HashMap<u64, u64> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, first_id + i as u64))
        .collect();
    shapes
        .iter()
        .map(|shape| {
            let mut copy = shape.moved(dx, dy);
            copy.id = ids.get(&shape.id).copied().unwrap_or(first_id);
            copy.from = shape.from.and_then(|t| ids.get(&t).copied());
            copy.to = shape.to.and_then(|t| ids.get(&t).copied());
            copy
        })
        .collect()
}

/// A coordinate rounded to a tenth of a pixel (keeps the log small; nobody sees less).
pub fn rounded(p: Point) -> Point {
    Point {
        x: (p.x * 10.0).round() / 10.0,
        y: (p.y * 10.0).round() / 10.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mockint_domain::{ShapeKind, Whiteboard};

    fn boxed(id: u64, x: f64) -> Shape {
        Shape {
            id,
            kind: ShapeKind::Rectangle,
            x,
            y: 0.0,
            width: 50.0,
            height: 50.0,
            stroke_width: 2.0,
            ..Shape::default()
        }
    }

    fn add(shapes: Vec<Shape>) -> Op {
        Op::Add { shapes, at: None }
    }

    #[test]
    fn changes_are_logged_in_order_and_undo_is_logged_too() {
        let mut editor = Editor::new(Board::default(), 4);
        editor
            .commit(add(vec![boxed(1, 0.0)]), 100)
            .unwrap_or_else(|e| panic!("{e}"));
        editor
            .commit(add(vec![boxed(2, 100.0)]), 200)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(editor.undo(300));
        assert_eq!(editor.board().shapes().len(), 1);
        assert!(editor.redo(400));
        assert_eq!(editor.board().shapes().len(), 2);
        let seqs: Vec<(u64, u64)> = editor.pending().iter().map(|e| (e.seq, e.ms)).collect();
        assert_eq!(seqs, [(5, 100), (6, 200), (7, 300), (8, 400)]);
        // The log folds to the board the editor shows.
        let mut folded = Board::default();
        for entry in editor.pending() {
            folded.apply(&entry.op).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(&folded, editor.board());
        editor.saved(6);
        assert_eq!(editor.pending().len(), 2);
    }

    #[test]
    fn a_drag_is_previewed_live_and_logged_as_one_change() {
        let mut editor = Editor::new(
            Board::new(Whiteboard {
                shapes: vec![boxed(1, 0.0)],
            })
            .unwrap_or_default(),
            0,
        );
        for _ in 0..10 {
            editor
                .preview(&Op::Move {
                    ids: vec![1],
                    dx: 3.0,
                    dy: 0.0,
                })
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(editor.board().get(1).map(|s| s.x), Some(30.0));
        assert!(editor.pending().is_empty(), "nothing logged while dragging");
        editor
            .finish_preview(
                Op::Move {
                    ids: vec![1],
                    dx: 30.0,
                    dy: 0.0,
                },
                50,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(editor.board().get(1).map(|s| s.x), Some(30.0));
        assert_eq!(editor.pending().len(), 1);
        assert!(editor.undo(60));
        assert_eq!(editor.board().get(1).map(|s| s.x), Some(0.0));
    }

    #[test]
    fn a_new_change_forgets_redo_and_depth_is_bounded() {
        let mut editor = Editor::default();
        for id in 1..=(DEPTH as u64 + 20) {
            editor
                .commit(add(vec![boxed(id, 0.0)]), id)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut steps = 0;
        while editor.undo(0) {
            steps += 1;
        }
        assert_eq!(steps, DEPTH);
        assert_eq!(
            editor.board().shapes().len(),
            20,
            "the oldest steps stay done"
        );
        assert!(editor.redo(0));
        editor
            .commit(add(vec![boxed(99_999, 0.0)]), 0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!editor.can_redo());
    }

    #[test]
    fn copies_get_new_ids_and_keep_only_inner_bindings() {
        let arrow = Shape {
            id: 3,
            kind: ShapeKind::Arrow,
            points: vec![Point::default(), Point { x: 10.0, y: 0.0 }],
            from: Some(1),
            to: Some(2),
            ..Shape::default()
        };
        let copied = copies(&[boxed(1, 0.0), arrow], 10, 20.0, 20.0);
        assert_eq!(copied[0].id, 10);
        assert_eq!(
            (copied[1].id, copied[1].from, copied[1].to),
            (11, Some(10), None)
        );
        assert_eq!(copied[0].x, 20.0);
        assert_eq!(
            rounded(Point { x: 1.234, y: 5.678 }),
            Point { x: 1.2, y: 5.7 }
        );
    }
}
