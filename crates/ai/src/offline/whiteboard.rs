//! Whiteboard questions: about a component the candidate just drew (by name and by what it
//! is wired to), or where a component the design usually needs would fit, when the drawing
//! lacks it.

use super::{kind, Reply, Turn};
use crate::whiteboard::{added_components, AddedComponent};

impl Turn<'_> {
    /// Asks about what was just drawn, or where a missing component would fit.
    pub(super) fn whiteboard(&self) -> Option<Reply> {
        let phase = self.state.phase();
        if !phase.draws() || self.state.turns_in_phase() >= phase.budget() {
            return None;
        }
        let added = match (self.ctx.whiteboard_before, self.ctx.whiteboard) {
            (Some(before), Some(now)) => added_components(before, now),
            _ => Vec::new(),
        };
        let fresh = added
            .iter()
            .filter_map(|c| Some((c, probe(c)?)))
            .map(|(c, probe)| format!("You just added {} — {probe}", c.spoken()));
        let missing = self.board.as_ref().and_then(|b| b.missing_elements.first()).map(|missing| {
            format!("Your diagram has no {missing} yet — where would it fit, or why isn't it needed?")
        });
        let question = fresh
            .chain(missing)
            .find(|question| !self.state.already_asked(question))?;
        Some(self.acknowledged(&question, phase, kind::WHITEBOARD))
    }
}

/// The question a component of this kind raises, once it is on the board.
fn probe(component: &AddedComponent) -> Option<&'static str> {
    Some(match component.category? {
        "queue" => "what happens when it backs up, and who retries a message that keeps failing?",
        "cache" => "what happens on a miss, and how do you keep it from serving stale data?",
        "database" => "what goes in it, and how does it grow past one machine?",
        "load balancer" => {
            "how does it decide a server is unhealthy, and what happens to requests in flight?"
        }
        "cdn" => "what do you serve from the edge, and how do you invalidate it?",
        "worker" => "what happens if a worker dies halfway through a job?",
        "object storage" => "how do large uploads get there, and who is allowed to read them?",
        "service" => "does it keep any state, and how many instances does the load need?",
        "search index" => "how does it stay in sync with the source of truth?",
        "api gateway" => "what does it do besides routing — authentication, rate limits?",
        _ => return None,
    })
}
