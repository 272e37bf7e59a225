//! Challenges: a flawed claim or a choice that conflicts with what the candidate asked for,
//! and an estimate whose own arithmetic is off by orders of magnitude.

use serde_json::json;

use super::{kind, wording, Reply, Turn};
use crate::answers::estimate_slip;
use crate::decisions::Stance;

impl Turn<'_> {
    /// Challenges the oldest unchallenged mistake (a flawed claim, or a choice that conflicts
    /// with what the candidate asked for) with its first probe.
    pub(super) fn challenge(&self) -> Option<Reply> {
        let decision = self.log.decisions.iter().find(|d| {
            self.log.stance(d) == Stance::Flawed && !self.state.challenged(d.pattern.id)
        })?;
        let question = match self.state.depth_of(decision.pattern.id) {
            0 => decision.pattern.probes.first()?,
            depth => decision
                .pattern
                .probes
                .get(depth)
                .or(decision.pattern.probes.first())?,
        };
        let opener = if self.rambling() {
            "Let me stop you there."
        } else if decision.answer < self.index {
            "Going back to something you said earlier."
        } else {
            wording::challenge_opener(self.index)
        };
        // Anchored in the candidate's own words, so the challenge is about what they said.
        // (Only before a plain question: a probe that restates the decision itself is not
        // quoted twice.)
        let plain = [
            "What", "How", "Which", "Why", "Who", "When", "Where", "Is", "Does", "Can",
        ]
        .iter()
        .any(|word| question.starts_with(&format!("{word} ")));
        let said = plain
            .then(|| wording::anchor(&decision.quote, |clause| decision.pattern.matches(clause)))
            .flatten();
        let text = match said {
            Some(said) => format!(
                "{opener} You said \"{said}\" — {}",
                wording::continue_sentence(question)
            ),
            None => format!("{opener} {question}"),
        };
        // After "One moment —" the sentence goes on in lower case.
        let text = match text.strip_prefix(opener) {
            Some(rest) if opener.ends_with('—') => {
                format!("{opener} {}", wording::continue_sentence(rest.trim_start()))
            }
            _ => text,
        };
        let reply = Reply::new(text, self.state.phase(), kind::CHALLENGE);
        Some(self.about(
            reply,
            decision,
            self.state.depth_of(decision.pattern.id) + 1,
        ))
    }

    /// Questions an estimate whose arithmetic is off by two orders of magnitude.
    pub(super) fn estimate_check(&self) -> Option<Reply> {
        let slip = estimate_slip(self.answer)?;
        if self
            .state
            .asked
            .iter()
            .any(|a| a.gap == Some("estimate") && a.answers_before == self.state.answers)
        {
            return None;
        }
        let question = slip.question.clone();
        if self.state.already_asked(&question) {
            return None;
        }
        Some(
            Reply::new(question, self.state.phase(), kind::CHALLENGE)
                .with("gap", json!("estimate"))
                .with(
                    "check",
                    json!({ "quote": slip.quote, "said": slip.said, "expected": slip.expected }),
                ),
        )
    }
}
