//! Undo and redo of whole-board states, bounded in depth. Pure data, tested natively.

use mockint_domain::Shape;

/// How many steps can be undone.
pub const DEPTH: usize = 200;

/// The boards before (undo) and after (redo) the current one.
#[derive(Debug, Default, Clone)]
pub struct History {
    undo: Vec<Vec<Shape>>,
    redo: Vec<Vec<Shape>>,
}

impl History {
    /// Remembers the board as it was before a change; a new change forgets what could be
    /// redone. The oldest step is dropped beyond [`DEPTH`].
    pub fn record(&mut self, before: Vec<Shape>) {
        self.undo.push(before);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// The board to show after undoing from `current`, if there is a step to undo.
    pub fn undo(&mut self, current: Vec<Shape>) -> Option<Vec<Shape>> {
        let previous = self.undo.pop()?;
        self.redo.push(current);
        Some(previous)
    }

    /// The board to show after redoing from `current`, if there is a step to redo.
    pub fn redo(&mut self, current: Vec<Shape>) -> Option<Vec<Shape>> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mockint_domain::ShapeKind;

    fn board(ids: &[u64]) -> Vec<Shape> {
        ids.iter()
            .map(|&id| Shape {
                id,
                kind: ShapeKind::Rectangle,
                x: 0.0,
                y: 0.0,
                width: 10.0,
                height: 10.0,
                points: Vec::new(),
                text: None,
                color: String::new(),
                stroke_width: 2.0,
                created_ms: 0,
            })
            .collect()
    }

    #[test]
    fn undo_then_redo_returns_to_the_same_board() {
        let mut history = History::default();
        history.record(board(&[]));
        history.record(board(&[1]));
        let current = board(&[1, 2]);
        let back = history.undo(current.clone()).unwrap_or_default();
        assert_eq!(back, board(&[1]));
        let back = history.undo(back).unwrap_or_default();
        assert_eq!(back, board(&[]));
        assert_eq!(history.undo(back.clone()), None, "nothing older");
        let forward = history.redo(back).unwrap_or_default();
        assert_eq!(history.redo(forward), Some(current));
    }

    #[test]
    fn a_new_change_forgets_the_redo_steps_and_depth_is_bounded() {
        let mut history = History::default();
        history.record(board(&[]));
        let _ = history.undo(board(&[1]));
        history.record(board(&[]));
        assert_eq!(history.redo(board(&[2])), None);
        let mut history = History::default();
        for id in 0..(DEPTH as u64 + 50) {
            history.record(board(&[id]));
        }
        let mut steps = 0;
        let mut current = Vec::new();
        while let Some(previous) = history.undo(current.clone()) {
            current = previous;
            steps += 1;
        }
        assert_eq!(steps, DEPTH);
        assert_eq!(current, board(&[50]), "the oldest steps were dropped");
    }
}
