//! Whiteboard questions: where a component the design usually needs would fit, when the
//! drawing lacks it.

use super::{kind, Reply, Turn};

impl Turn<'_> {
    /// Asks where a component the design usually needs would fit, when the drawing lacks it.
    pub(super) fn whiteboard(&self) -> Option<Reply> {
        let phase = self.state.phase();
        let missing = self.board.as_ref()?.missing_elements.first()?;
        if !phase.draws() || self.state.turns_in_phase() >= phase.budget() {
            return None;
        }
        let question = format!(
            "Your diagram has no {missing} yet — where would it fit, or why isn't it needed?"
        );
        if self.state.already_asked(&question) {
            return None;
        }
        Some(self.acknowledged(&question, phase, kind::WHITEBOARD))
    }
}
