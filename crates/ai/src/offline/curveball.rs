//! The curveball: one changed requirement once a design is on the table, and a follow-up
//! when the answer only acknowledged it.

use mockint_domain::ExperienceLevel;
use serde_json::json;

use super::{kind, wording, Phase, Reply, Turn, CURVEBALL_AFTER_ANSWERS};
use crate::curveballs::{self, Curveball};

impl Turn<'_> {
    /// Changes a requirement once, when a design is on the table.
    pub(super) fn curveball(&self) -> Option<Reply> {
        let phase = self.state.phase();
        let ready = matches!(
            phase,
            Phase::HighLevelDesign | Phase::DeepDive | Phase::Tradeoffs
        );
        let after = match self.level {
            ExperienceLevel::Staff | ExperienceLevel::Senior => CURVEBALL_AFTER_ANSWERS - 1,
            _ => CURVEBALL_AFTER_ANSWERS,
        };
        if !ready || self.state.curveball().is_some() || self.state.answers < after {
            return None;
        }
        let curveball = self.curveball_for();
        let text = format!(
            "Let me change one thing. {} What in your design has to change?",
            curveball.change
        );
        Some(Reply::new(text, phase, kind::CURVEBALL).with("curveball", json!(curveball.id)))
    }

    /// Late in the interview a pending curveball goes before further probes (earlier, it
    /// waits for a turn with nothing to probe).
    pub(super) fn curveball_overdue(&self) -> bool {
        self.ctx.elapsed.as_secs() * 10 >= self.minutes() * 60 * 7
    }

    fn curveball_for(&self) -> &'static Curveball {
        let statement = self
            .ctx
            .session
            .config
            .problem
            .as_deref()
            .unwrap_or_default();
        curveballs::for_problem(self.problem.map_or(statement, |p| p.title))
    }

    /// After a curveball: if the answer only acknowledged it, ask once how the design
    /// changes.
    pub(super) fn curveball_follow_up(&self) -> Option<Reply> {
        let (id, _) = self.state.curveball()?;
        if self.state.last_kind() != kind::CURVEBALL {
            return None;
        }
        let curveball = curveballs::by_id(id)?;
        if curveball.adapted_in(self.answer) {
            return None;
        }
        let phase = self.state.phase();
        // Tie the question to a decision the answer just made, when it made one.
        let decision = self
            .log
            .decisions
            .iter()
            .find(|d| d.pattern.matches_any(self.answer));
        Some(match decision {
            Some(decision) => {
                let text = format!(
                    "That's about {} — but what changes in your design now that {}?",
                    decision.pattern.label, curveball.short
                );
                self.about(
                    Reply::new(text, phase, kind::CURVEBALL_FOLLOW_UP),
                    decision,
                    0,
                )
            }
            None => Reply::new(
                wording::CURVEBALL_AGAIN.into(),
                phase,
                kind::CURVEBALL_FOLLOW_UP,
            ),
        })
    }
}
