//! What the interview so far says about the interviewer's own state. Nothing is kept in
//! memory: every interviewer message carries its phase, kind and what it probed in its
//! metadata, so an interrupted interview resumes exactly where it was.

use mockint_domain::{Message, Role};
use serde_json::Value;

use super::phase::Phase;

/// Kinds of interviewer turns (stored as `kind` in the metadata).
pub mod kind {
    /// The opening.
    pub const OPENING: &str = "opening";
    /// The first question of a phase.
    pub const QUESTION: &str = "question";
    /// A probe of a decision the candidate made.
    pub const PROBE: &str = "probe";
    /// A polite challenge of a wrong or unsupported claim.
    pub const CHALLENGE: &str = "challenge";
    /// A question about a requirement the candidate left out.
    pub const GAP: &str = "gap";
    /// A clarifying question after a vague answer.
    pub const CLARIFY: &str = "clarify";
    /// Stopping a long, unstructured answer.
    pub const INTERRUPT: &str = "interrupt";
    /// A changed requirement.
    pub const CURVEBALL: &str = "curveball";
    /// Asking again how the design changes after a curveball that was only acknowledged.
    pub const CURVEBALL_FOLLOW_UP: &str = "curveball_follow_up";
    /// A question about the whiteboard.
    pub const WHITEBOARD: &str = "whiteboard";
    /// The end of the interview.
    pub const CLOSING: &str = "closing";
}

/// One earlier interviewer turn, as its metadata describes it.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    /// What was said.
    pub content: &'a str,
    /// Its phase.
    pub phase: Phase,
    /// Its kind.
    pub kind: &'a str,
    /// The decision it probed or challenged, if any.
    pub decision: Option<&'a str>,
    /// How deep into that decision's probes it went (1 = first probe).
    pub depth: usize,
    /// The curveball it asked, if any.
    pub curveball: Option<&'a str>,
    /// The requirement gap it asked about, if any.
    pub gap: Option<&'a str>,
    /// The acknowledgement it opened with.
    pub ack: Option<&'a str>,
    /// How many candidate answers came before it.
    pub answers_before: usize,
}

/// The interviewer's side of the conversation.
#[derive(Debug, Clone, Default)]
pub struct State<'a> {
    /// Every interviewer turn, oldest first.
    pub asked: Vec<Asked<'a>>,
    /// Candidate answers so far.
    pub answers: usize,
}

impl<'a> State<'a> {
    /// Reads the interviewer's turns from the history.
    pub fn read(history: &'a [Message]) -> Self {
        let mut answers = 0;
        let mut asked = Vec::new();
        for message in history {
            if message.role == Role::Candidate {
                answers += 1;
                continue;
            }
            let meta = &message.metadata;
            let text = |key: &str| meta.get(key).and_then(Value::as_str);
            let probe = meta.get("probe");
            asked.push(Asked {
                content: &message.content,
                phase: text("phase")
                    .and_then(Phase::parse)
                    .unwrap_or(Phase::Requirements),
                kind: text("kind").unwrap_or(kind::QUESTION),
                decision: probe.and_then(|p| p.get("id")).and_then(Value::as_str),
                depth: probe
                    .and_then(|p| p.get("depth"))
                    .and_then(Value::as_u64)
                    .map_or(0, |d| usize::try_from(d).unwrap_or(0)),
                curveball: text("curveball"),
                gap: text("gap"),
                ack: text("ack"),
                answers_before: answers,
            });
        }
        Self { asked, answers }
    }

    /// The latest interviewer turn.
    pub fn last(&self) -> Option<&Asked<'a>> {
        self.asked.last()
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.last().map_or(Phase::Requirements, |a| a.phase)
    }

    /// The kind of the latest interviewer turn.
    pub fn last_kind(&self) -> &str {
        self.last().map_or(kind::QUESTION, |a| a.kind)
    }

    /// Turns spent in the current phase (challenges and gap questions excluded: a mistake is
    /// probed whatever the budget).
    pub fn turns_in_phase(&self) -> usize {
        let phase = self.phase();
        self.asked
            .iter()
            .rev()
            .take_while(|a| a.phase == phase)
            .filter(|a| a.kind != kind::CHALLENGE && a.kind != kind::GAP)
            .count()
    }

    /// Whether this exact question was already asked.
    pub fn already_asked(&self, question: &str) -> bool {
        self.asked.iter().any(|a| a.content.contains(question))
    }

    /// How deep a decision has been probed (0: never).
    pub fn depth_of(&self, decision: &str) -> usize {
        self.asked
            .iter()
            .filter(|a| a.decision == Some(decision))
            .map(|a| a.depth)
            .max()
            .unwrap_or(0)
    }

    /// Whether a decision was challenged as a mistake.
    pub fn challenged(&self, decision: &str) -> bool {
        self.asked
            .iter()
            .any(|a| a.kind == kind::CHALLENGE && a.decision == Some(decision))
    }

    /// Whether a requirement gap was asked about.
    pub fn gap_asked(&self, gap: &str) -> bool {
        self.asked.iter().any(|a| a.gap == Some(gap))
    }

    /// How many gap questions were asked.
    pub fn gaps_asked(&self) -> usize {
        self.asked.iter().filter(|a| a.gap.is_some()).count()
    }

    /// The curveball asked, with the number of answers before it.
    pub fn curveball(&self) -> Option<(&'a str, usize)> {
        self.asked
            .iter()
            .find_map(|a| a.curveball.map(|id| (id, a.answers_before)))
    }

    /// Acknowledgements used so far (to vary them).
    pub fn acks(&self) -> Vec<&'a str> {
        self.asked.iter().filter_map(|a| a.ack).collect()
    }
}
