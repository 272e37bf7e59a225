//! Replies to how an answer was given: a clarifying question after a vague answer, and an
//! interruption of a long, unstructured one.

use super::{kind, needs_clarification, wording, Difficulty, Reply, Turn};

impl Turn<'_> {
    /// A clarifying question after a vague answer (never twice in a row).
    pub(super) fn clarification(&self) -> Option<Reply> {
        if !needs_clarification(self.answer) || self.state.last_kind() == kind::CLARIFY {
            return None;
        }
        let phase = self.state.phase();
        let mut question = phase.clarification().to_string();
        if self.difficulty == Difficulty::Easier {
            question = format!("{question} {}", phase.guide());
        }
        Some(Reply::new(question, phase, kind::CLARIFY))
    }

    /// Stops a long, unstructured answer.
    pub(super) fn interruption(&self) -> Option<Reply> {
        if !self.rambling() || self.state.last_kind() == kind::INTERRUPT {
            return None;
        }
        Some(Reply::new(
            wording::interruption(self.index).into(),
            self.state.phase(),
            kind::INTERRUPT,
        ))
    }
}
