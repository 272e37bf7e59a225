//! The offline interviewer: runs the phases of a system-design interview without any AI
//! service. Its state is derived from the conversation itself (each interviewer message
//! carries its phase), so an interrupted interview resumes exactly where it was.

use std::time::Duration;

use async_trait::async_trait;
use domain::{Message, Role};
use interview_core::ports::{InterviewContext, Interviewer, InterviewerReply};
use interview_core::InterviewerError;
use serde_json::{json, Map, Value};

use crate::competencies::{matched_signals, normalise, COMPETENCIES};

/// Provider name of the offline interviewer.
pub const OFFLINE_PROVIDER: &str = "offline";
/// Model name of the offline interviewer.
pub const OFFLINE_MODEL: &str = "rubric-interviewer-v1";

/// Default interview length when the session sets none.
const DEFAULT_MINUTES: u64 = 45;
/// Answers shorter than this many words get a clarifying question.
const SHORT_ANSWER_WORDS: usize = 12;

/// The phases of the interview, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Functional and non-functional requirements.
    Requirements,
    /// Back-of-the-envelope numbers.
    Estimation,
    /// The external API.
    Api,
    /// Entities and storage.
    DataModel,
    /// Components and flows.
    HighLevelDesign,
    /// The hardest parts in detail.
    DeepDive,
    /// Bottlenecks and trade-offs.
    Tradeoffs,
    /// Closing.
    WrapUp,
}

impl Phase {
    const ORDER: [Phase; 8] = [
        Self::Requirements,
        Self::Estimation,
        Self::Api,
        Self::DataModel,
        Self::HighLevelDesign,
        Self::DeepDive,
        Self::Tradeoffs,
        Self::WrapUp,
    ];

    /// The snake_case name stored in message metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Estimation => "estimation",
            Self::Api => "api",
            Self::DataModel => "data_model",
            Self::HighLevelDesign => "high_level_design",
            Self::DeepDive => "deep_dive",
            Self::Tradeoffs => "tradeoffs",
            Self::WrapUp => "wrap_up",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ORDER.into_iter().find(|phase| phase.as_str() == text)
    }

    /// The competency this phase mostly probes.
    fn competency(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Estimation => "estimation",
            Self::Api => "api_design",
            Self::DataModel => "data_model",
            Self::HighLevelDesign => "high_level_design",
            Self::DeepDive => "deep_dive",
            Self::Tradeoffs => "tradeoffs",
            Self::WrapUp => "operations",
        }
    }

    fn question(self) -> &'static str {
        match self {
            Self::Requirements => "Let's start with requirements. What are the core features, who uses the system, and which non-functional requirements (latency, availability, consistency) matter most?",
            Self::Estimation => "Let's size it. Roughly how many requests per second at peak, how much data per year, and what does that imply for bandwidth and storage?",
            Self::Api => "What does the API look like? Walk me through the main endpoints, their parameters and responses.",
            Self::DataModel => "What are the core entities and how would you store them? Which database would you choose and what are the keys and indexes?",
            Self::HighLevelDesign => "Now sketch the high-level design: which components are there and how does a request flow through them? Feel free to draw it on the whiteboard.",
            Self::DeepDive => "Pick the hardest component of your design and go deeper: how does it work internally, and what happens under failures or concurrency?",
            Self::Tradeoffs => "Where are the bottlenecks at 10x the load, and what trade-offs did you make? What would you do differently with more time?",
            Self::WrapUp => "We're close to time. How would you monitor and operate this in production, and is there anything you'd like to summarise?",
        }
    }

    fn clarification(self) -> &'static str {
        match self {
            Self::Requirements => "Could you be more specific? For example: which operations must be fast, how available must it be, and what's explicitly out of scope?",
            Self::Estimation => "Can you put numbers on that? Start from daily active users and work out requests per second and storage.",
            Self::Api => "Could you name the actual endpoints, e.g. the HTTP method, path, request and response for the main operation?",
            Self::DataModel => "Could you be concrete about the tables or collections, their primary keys and the main queries they serve?",
            Self::HighLevelDesign => "Could you walk through one request end to end, naming each component it passes?",
            Self::DeepDive => "Can you go one level deeper — the data structures or algorithms involved, and one failure case?",
            Self::Tradeoffs => "What's one alternative you considered and why did you reject it?",
            Self::WrapUp => "Which metrics and alerts would tell you the system is healthy?",
        }
    }

    fn next(self) -> Self {
        let index = Self::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Self::ORDER.get(index + 1).copied().unwrap_or(Self::WrapUp)
    }
}

/// The offline, rule-based interviewer.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineInterviewer;

#[async_trait]
impl Interviewer for OfflineInterviewer {
    async fn opening(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError> {
        let problem = ctx.session.config.problem.clone().unwrap_or_else(|| {
            crate::problems::choose(None, ctx.session.config.resume_data.as_ref()).statement
        });
        let content = format!(
            "Hi, I'll be your interviewer today. Here is the problem:\n\n{problem}\n\nWe have about {} minutes. {}",
            minutes(ctx),
            Phase::Requirements.question()
        );
        Ok(reply(content, Phase::Requirements, "question", &[], &[]))
    }

    async fn respond(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError> {
        let (phase, last_kind) = last_interviewer_state(ctx.history);
        let answer = ctx
            .history
            .iter()
            .rev()
            .find(|m| m.role == Role::Candidate)
            .map(|m| m.content.as_str())
            .unwrap_or_default();
        let everything_said = normalise(&candidate_text(ctx.history));
        let covered = covered_competencies(&everything_said);
        let weak: Vec<&str> = COMPETENCIES
            .iter()
            .map(|c| c.key)
            .filter(|key| !covered.contains(key))
            .collect();

        let finished = last_kind == "closing";
        if finished || phase == Phase::WrapUp && (last_kind != "clarify" || out_of_time(ctx)) {
            let content = if finished {
                "Thanks — the interview is over. End the session to see your evaluation and improvement plan."
            } else {
                "Thank you, that's all the time we have. You can end the session now to get your evaluation."
            };
            return Ok(reply(
                content.into(),
                Phase::WrapUp,
                "closing",
                &covered,
                &weak,
            ));
        }
        if needs_clarification(answer) && last_kind != "clarify" {
            return Ok(reply(
                phase.clarification().into(),
                phase,
                "clarify",
                &covered,
                &weak,
            ));
        }

        let mut next = if out_of_time(ctx) {
            Phase::WrapUp
        } else {
            phase.next()
        };
        // Skip phases the candidate has already covered well on their own initiative.
        while next != Phase::WrapUp && strongly_covered(&everything_said, next.competency()) {
            next = next.next();
        }
        let acknowledgement = acknowledge(answer, phase);
        let content = format!("{acknowledgement}{}", next.question());
        Ok(reply(content, next, "question", &covered, &weak))
    }
}

fn minutes(ctx: InterviewContext<'_>) -> u64 {
    ctx.session
        .config
        .duration_minutes
        .map(u64::from)
        .unwrap_or(DEFAULT_MINUTES)
}

fn out_of_time(ctx: InterviewContext<'_>) -> bool {
    ctx.elapsed >= Duration::from_secs(minutes(ctx) * 60)
}

/// The phase and kind of the last interviewer message.
fn last_interviewer_state(history: &[Message]) -> (Phase, String) {
    history
        .iter()
        .rev()
        .find(|m| m.role == Role::Interviewer)
        .map(|m| {
            let phase = m
                .metadata
                .get("phase")
                .and_then(Value::as_str)
                .and_then(Phase::parse)
                .unwrap_or(Phase::Requirements);
            let kind = m
                .metadata
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("question")
                .to_string();
            (phase, kind)
        })
        .unwrap_or((Phase::Requirements, "question".into()))
}

fn candidate_text(history: &[Message]) -> String {
    history
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .map(|m| m.content.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn covered_competencies(normalised: &str) -> Vec<&'static str> {
    COMPETENCIES
        .iter()
        .filter(|c| !matched_signals(c, normalised).is_empty())
        .map(|c| c.key)
        .collect()
}

fn strongly_covered(normalised: &str, competency: &str) -> bool {
    COMPETENCIES
        .iter()
        .find(|c| c.key == competency)
        .is_some_and(|c| matched_signals(c, normalised).len() >= 4)
}

fn needs_clarification(answer: &str) -> bool {
    let words = answer.split_whitespace().count();
    let lower = answer.to_lowercase();
    let hedging = ["not sure", "i don't know", "no idea", "whatever", "dunno"];
    words < SHORT_ANSWER_WORDS || hedging.iter().any(|h| lower.contains(h))
}

fn acknowledge(answer: &str, phase: Phase) -> String {
    let normalised = normalise(answer);
    let mentioned: Vec<&str> = COMPETENCIES
        .iter()
        .find(|c| c.key == phase.competency())
        .map(|c| matched_signals(c, &normalised))
        .unwrap_or_default()
        .into_iter()
        .map(str::trim)
        .take(3)
        .collect();
    if mentioned.is_empty() {
        "Okay, noted. ".to_string()
    } else {
        format!("Good, you touched on {}. ", mentioned.join(", "))
    }
}

fn reply(
    content: String,
    phase: Phase,
    kind: &str,
    covered: &[&str],
    weak: &[&str],
) -> InterviewerReply {
    let mut metadata = Map::new();
    metadata.insert("phase".into(), json!(phase.as_str()));
    metadata.insert("kind".into(), json!(kind));
    metadata.insert(
        "notes".into(),
        json!({ "covered": covered, "not_yet_covered": weak }),
    );
    metadata.insert("provider".into(), json!(OFFLINE_PROVIDER));
    InterviewerReply {
        content,
        metadata,
        usage: None,
    }
}
