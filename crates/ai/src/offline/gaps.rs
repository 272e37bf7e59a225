//! Requirement gaps: asking for the non-functional requirements, scale or features an
//! answer about requirements left out.

use serde_json::json;

use super::{kind, Phase, Reply, Turn, MAX_GAP_QUESTIONS};
use crate::answers::{requirement_gaps, RequirementGap};

impl Turn<'_> {
    /// Asks for a requirement the candidate left out while requirements are on the table.
    pub(super) fn requirement_gap(&self) -> Option<Reply> {
        let phase = self.state.phase();
        if phase != Phase::Requirements || self.state.gaps_asked() >= MAX_GAP_QUESTIONS {
            return None;
        }
        let said: Vec<&str> = self.log.answer_texts();
        let features = self.problem.map_or(&[][..], |p| p.features);
        let gap = requirement_gaps(&said.join("\n"), features)
            .into_iter()
            .find(|gap| !self.state.gap_asked(gap_id(gap)))?;
        let question = match &gap {
            RequirementGap::NonFunctional => "Before we go on: what are the non-functional requirements — how fast, how available, and how consistent does it need to be?".to_string(),
            RequirementGap::Scale => "What scale are we designing for — how many users, and how much traffic?".to_string(),
            RequirementGap::Feature(label) => format!("Does your scope include {label}? The problem asks for it."),
        };
        Some(
            self.acknowledged(&question, phase, kind::GAP)
                .with("gap", json!(gap_id(&gap))),
        )
    }
}

/// The stable id of a requirement gap.
fn gap_id(gap: &RequirementGap) -> &'static str {
    match gap {
        RequirementGap::NonFunctional => "non_functional",
        RequirementGap::Scale => "scale",
        RequirementGap::Feature(label) => label,
    }
}
