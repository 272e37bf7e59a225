//! Moving through the interview: the next phase not yet covered, its first question with
//! why and the clock, the deep dives, and the wrap-up.

use serde_json::json;

use super::{kind, wording, Difficulty, Phase, Reply, Turn, COVERED_BREADTH};
use crate::problems::GENERAL_DEEP_DIVES;

impl Turn<'_> {
    /// Moves to the next phase the candidate has not already covered on their own (the deep
    /// dive is never skipped), and while time remains, goes deeper rather than wrapping up
    /// early.
    pub(super) fn advance(&self) -> Reply {
        let current = self.state.phase();
        let mut next = current.next();
        // Past the middle, the early phases give way to depth, as in a real interview.
        let late = self.remaining_minutes() * 20 < self.minutes() * 9;
        while !matches!(next, Phase::DeepDive | Phase::WrapUp)
            && (self.coverage.of(next.competency()).breadth() >= COVERED_BREADTH
                || (late && next < Phase::DeepDive))
        {
            next = next.next();
        }
        // A phase question is never asked twice; while time remains, more depth rather than
        // an early goodbye; the trade-offs once the deep dives are done.
        if next != Phase::DeepDive && self.state.already_asked(next.question()) {
            next = Phase::WrapUp;
        }
        if next == Phase::DeepDive && self.deep_dive_left().is_none() {
            next = Phase::Tradeoffs;
        }
        if next == Phase::Tradeoffs && self.state.already_asked(Phase::Tradeoffs.question()) {
            next = Phase::WrapUp;
        }
        if next == Phase::WrapUp && self.deep_dive_left().is_some() {
            next = Phase::DeepDive;
        }
        self.transition(next)
    }

    /// The first question of a phase, with why we go there and, later on, the clock.
    pub(super) fn transition(&self, next: Phase) -> Reply {
        let clock = wording::clock(self.minutes(), self.remaining_minutes());
        let question = match next {
            Phase::DeepDive => self.deep_dive_question(),
            _ => next.question().to_string(),
        };
        let why = if next == self.state.phase() {
            "Let's take another part."
        } else {
            next.transition()
        };
        let mut text = format!("{clock}{why} {question}");
        if self.difficulty == Difficulty::Easier && next != Phase::WrapUp {
            text = format!("{text} {}", next.guide());
        }
        match wording::acknowledgement(self.index, &self.state.acks()) {
            Some(ack) => {
                Reply::new(format!("{ack} {text}"), next, kind::QUESTION).with("ack", json!(ack))
            }
            None => Reply::new(text, next, kind::QUESTION),
        }
    }

    /// The problem's next deep-dive question not asked yet.
    fn deep_dive_left(&self) -> Option<&'static str> {
        let own = self
            .problem
            .map(|p| p.deep_dives)
            .unwrap_or(GENERAL_DEEP_DIVES);
        own.iter()
            .chain(GENERAL_DEEP_DIVES)
            .find(|q| !self.state.already_asked(q))
            .copied()
    }

    fn deep_dive_question(&self) -> String {
        self.deep_dive_left()
            .unwrap_or(Phase::DeepDive.question())
            .to_string()
    }

    /// In the wrap-up: one last question, then the close.
    pub(super) fn wrap_up(&self) -> Reply {
        if self.state.already_asked(wording::LAST_QUESTION) || self.remaining_minutes() == 0 {
            return Reply::new(wording::closing(false).into(), Phase::WrapUp, kind::CLOSING);
        }
        self.acknowledged(wording::LAST_QUESTION, Phase::WrapUp, kind::QUESTION)
    }
}
