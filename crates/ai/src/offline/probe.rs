//! Decision probes: questions of rising depth about what the candidate decided, and "why not
//! …?" for senior and staff candidates.

use mockint_domain::ExperienceLevel;

use super::{kind, Reply, Turn};
use crate::decisions::{Decision, Stance};

impl Turn<'_> {
    /// Probes a decision of the latest answer: a choice before good practice, never the same
    /// question twice, deeper when the candidate keeps engaging with it, and "why not …?"
    /// for senior and staff candidates.
    pub(super) fn probe(&self) -> Option<Reply> {
        let phase = self.state.phase();
        if self.state.turns_in_phase() >= phase.budget() {
            return None;
        }
        // Go deeper on the decision probed last, when the answer engaged with it.
        if let Some(last) = self.state.last().filter(|a| a.kind == kind::PROBE) {
            if let Some(decision) = last
                .decision
                .and_then(|id| self.log.decisions.iter().find(|d| d.pattern.id == id))
            {
                let deeper =
                    decision.pattern.matches_any(self.answer) && last.depth < self.max_depth();
                if deeper {
                    if let Some(question) = decision.pattern.probes.get(last.depth) {
                        if !self.state.already_asked(question) {
                            let reply = self.acknowledged(question, phase, kind::PROBE);
                            return Some(self.about(reply, decision, last.depth + 1));
                        }
                    }
                }
            }
        }
        let mut fresh: Vec<&Decision> = self
            .log
            .decisions
            .iter()
            .filter(|d| d.pattern.matches_any(self.answer))
            .filter(|d| self.state.depth_of(d.pattern.id) == 0)
            .collect();
        fresh.sort_by_key(|d| match d.pattern.stance {
            Stance::Choice => 0,
            Stance::Sound => 1,
            Stance::Flawed => 2,
        });
        // A choice from the answer before, passed over for a challenge, is not forgotten.
        let earlier = || {
            self.log.decisions.iter().find(|d| {
                d.answer + 1 == self.index
                    && self.log.stance(d) == Stance::Choice
                    && self.state.depth_of(d.pattern.id) == 0
            })
        };
        let decision = match fresh.first() {
            Some(decision) => *decision,
            None => earlier()?,
        };
        let why_not = matches!(self.level, ExperienceLevel::Staff | ExperienceLevel::Senior)
            && decision.pattern.stance == Stance::Choice
            && !decision.pattern.alternative.is_empty()
            && (self.level == ExperienceLevel::Staff || self.index.is_multiple_of(2));
        let question = if why_not {
            format!(
                "On {}: what made you rule out {}?",
                decision.pattern.label, decision.pattern.alternative
            )
        } else {
            decision.pattern.probes.first()?.to_string()
        };
        if self.state.already_asked(&question) || question.split_whitespace().count() > 45 {
            return None;
        }
        let reply = self.acknowledged(&question, phase, kind::PROBE);
        Some(self.about(reply, decision, 1))
    }

    fn max_depth(&self) -> usize {
        match self.level {
            ExperienceLevel::Junior => 2,
            _ => 3,
        }
    }
}
