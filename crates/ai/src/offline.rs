//! The offline interviewer: runs the phases of a system-design interview without any AI
//! service. Its state is derived from the conversation itself (each interviewer message
//! carries its phase), so an interrupted interview resumes exactly where it was.

use std::time::Duration;

use async_trait::async_trait;
use domain::{Message, Role};
use interview_core::ports::{InterviewContext, Interviewer, InterviewerReply};
use interview_core::InterviewerError;
use serde_json::{json, Map, Value};

use crate::analysis::{analyze, CompetencyCoverage, Coverage};
use crate::competencies::COMPETENCIES;
use crate::problems::{Problem, GENERAL_DEEP_DIVES};

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

/// How hard the next question is (`adapt_difficulty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difficulty {
    /// Coverage is low or answers are struggling: questions come with a hint.
    Easier,
    /// The usual open questions.
    Normal,
    /// Coverage is high: probe scale, failures and pitfalls.
    Harder,
}

impl Difficulty {
    fn as_str(self) -> &'static str {
        match self {
            Self::Easier => "easier",
            Self::Normal => "normal",
            Self::Harder => "harder",
        }
    }
}

/// Chooses the difficulty from rubric coverage and how the last answers went.
pub fn adapt_difficulty(coverage: &Coverage, recent_vague_answers: usize) -> Difficulty {
    if recent_vague_answers >= 2 || (coverage.turns >= 3 && coverage.ratio() < 0.3) {
        Difficulty::Easier
    } else if coverage.ratio() >= 0.5 {
        Difficulty::Harder
    } else {
        Difficulty::Normal
    }
}

/// The offline, rubric-driven interviewer.
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
        let notes = Notes::default();
        Ok(reply(content, Phase::Requirements, "question", &notes))
    }

    async fn respond(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError> {
        let (phase, last_kind) = last_interviewer_state(ctx.history);
        let problem = ctx
            .session
            .config
            .problem
            .as_deref()
            .and_then(crate::problems::find);
        let coverage = analyze(problem, ctx.history);
        let answer = ctx
            .history
            .iter()
            .rev()
            .find(|m| m.role == Role::Candidate)
            .map(|m| m.content.as_str())
            .unwrap_or_default();
        let difficulty = adapt_difficulty(&coverage, recent_vague_answers(ctx.history));
        let current = coverage.of(phase.competency());
        let board = ctx
            .whiteboard
            .map(|b| crate::analyze_whiteboard(b, problem));
        let notes = Notes {
            whiteboard: board.clone(),
            covered: COMPETENCIES
                .iter()
                .map(|c| c.key)
                .filter(|k| coverage.of(k).addressed())
                .collect(),
            weak: COMPETENCIES
                .iter()
                .map(|c| c.key)
                .filter(|k| !coverage.of(k).addressed())
                .collect(),
            missing_in_phase: current.missing_concepts.clone(),
            difficulty: difficulty.as_str(),
        };

        let finished = last_kind == "closing";
        if finished || phase == Phase::WrapUp && (last_kind != "clarify" || out_of_time(ctx)) {
            let content = if finished {
                "Thanks — the interview is over. End the session to see your evaluation and improvement plan."
            } else {
                "Thank you, that's all the time we have. You can end the session now to get your evaluation."
            };
            return Ok(reply(content.into(), Phase::WrapUp, "closing", &notes));
        }
        let mut acknowledgement = acknowledge(&current, phase);
        let drawing_phase = matches!(
            phase,
            Phase::DataModel | Phase::HighLevelDesign | Phase::DeepDive | Phase::Tradeoffs
        );
        if let Some(board) = board
            .as_ref()
            .filter(|b| drawing_phase && !b.components_identified.is_empty())
        {
            let shown: Vec<&str> = board
                .components_identified
                .iter()
                .map(String::as_str)
                .take(4)
                .collect();
            acknowledgement.push_str(&format!("On the whiteboard I see {}. ", shown.join(", ")));
            if let Some(missing) = board.missing_elements.first() {
                let question = format!("Your diagram has no {missing} yet — where would it fit, or why isn't it needed?");
                if !out_of_time(ctx) && !already_asked(ctx.history, &question) {
                    return Ok(reply(
                        format!("{acknowledgement}{question}"),
                        phase,
                        "follow_up",
                        &notes,
                    ));
                }
            }
        }
        if needs_clarification(answer) && last_kind != "clarify" {
            return Ok(reply(
                phase.clarification().into(),
                phase,
                "clarify",
                &notes,
            ));
        }
        if !out_of_time(ctx) && last_kind != "follow_up" {
            if let Some(question) = follow_up(phase, &current, difficulty, problem, ctx.history) {
                return Ok(reply(
                    format!("{acknowledgement}{question}"),
                    phase,
                    "follow_up",
                    &notes,
                ));
            }
        }

        let mut next = if out_of_time(ctx) {
            Phase::WrapUp
        } else {
            phase.next()
        };
        // Skip phases the candidate has already covered well on their own initiative.
        while next != Phase::WrapUp && coverage.of(next.competency()).breadth() >= 4 {
            next = next.next();
        }
        let question = match next {
            Phase::DeepDive => deep_dive_question(problem, ctx.history),
            _ => next.question().to_string(),
        };
        Ok(reply(
            format!("{acknowledgement}{question}"),
            next,
            "question",
            &notes,
        ))
    }
}

/// Hidden per-turn notes kept with each interviewer message.
#[derive(Debug, Default)]
struct Notes {
    whiteboard: Option<domain::WhiteboardAnalysis>,
    covered: Vec<&'static str>,
    weak: Vec<&'static str>,
    missing_in_phase: Vec<&'static str>,
    difficulty: &'static str,
}

/// A follow-up in the current phase, aimed at the rubric items the candidate has not covered.
fn follow_up(
    phase: Phase,
    current: &CompetencyCoverage,
    difficulty: Difficulty,
    problem: Option<&Problem>,
    history: &[Message],
) -> Option<String> {
    let question = match (difficulty, current.missing_concepts.first()) {
        (_, None) if difficulty == Difficulty::Harder && phase == Phase::Tradeoffs => {
            let pitfall = problem?.pitfalls.first()?;
            format!("A common mistake on this problem is: {}. How does your design avoid it?", lowercase_first(pitfall))
        }
        (_, None) => return None,
        (Difficulty::Easier, Some(concept)) => format!(
            "Here's a hint: many designs for this use {concept}. How could that fit into yours?"
        ),
        (Difficulty::Harder, Some(_)) => format!(
            "Let's push on this. {}",
            deep_dive_question(problem, history)
        ),
        (Difficulty::Normal, Some(_)) => match phase {
            Phase::DataModel => "How exactly would you key and partition that data, and why that choice?".to_string(),
            Phase::HighLevelDesign => "Which component is on the hot path for the most common request, and what does it talk to?".to_string(),
            Phase::Api => "What do the responses and error cases of those endpoints look like?".to_string(),
            Phase::DeepDive => deep_dive_question(problem, history),
            _ => "Can you go one level deeper on that — what specifically happens, and why?".to_string(),
        },
    };
    (!already_asked(history, &question)).then_some(question)
}

/// The next deep-dive question of the problem that has not been asked yet.
fn deep_dive_question(problem: Option<&Problem>, history: &[Message]) -> String {
    let candidates = problem.map(|p| p.deep_dives).unwrap_or(GENERAL_DEEP_DIVES);
    candidates
        .iter()
        .chain(GENERAL_DEEP_DIVES)
        .find(|q| !already_asked(history, q))
        .map(|q| q.to_string())
        .unwrap_or_else(|| Phase::DeepDive.question().to_string())
}

fn already_asked(history: &[Message], question: &str) -> bool {
    history
        .iter()
        .any(|m| m.role == Role::Interviewer && m.content.contains(question))
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
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

fn recent_vague_answers(history: &[Message]) -> usize {
    history
        .iter()
        .rev()
        .filter(|m| m.role == Role::Candidate)
        .take(2)
        .filter(|m| needs_clarification(&m.content))
        .count()
}

fn needs_clarification(answer: &str) -> bool {
    let words = answer.split_whitespace().count();
    let lower = answer.to_lowercase();
    let hedging = ["not sure", "i don't know", "no idea", "whatever", "dunno"];
    words < SHORT_ANSWER_WORDS || hedging.iter().any(|h| lower.contains(h))
}

fn acknowledge(current: &CompetencyCoverage, _phase: Phase) -> String {
    let mentioned: Vec<&str> = current
        .concepts
        .iter()
        .chain(current.signals.iter())
        .map(|s| s.trim())
        .take(3)
        .collect();
    if mentioned.is_empty() {
        "Okay, noted. ".to_string()
    } else {
        format!("Good, you touched on {}. ", mentioned.join(", "))
    }
}

fn reply(content: String, phase: Phase, kind: &str, notes: &Notes) -> InterviewerReply {
    let mut metadata = Map::new();
    metadata.insert("phase".into(), json!(phase.as_str()));
    metadata.insert("kind".into(), json!(kind));
    metadata.insert(
        "notes".into(),
        json!({
            "covered": notes.covered,
            "not_yet_covered": notes.weak,
            "missing_in_phase": notes.missing_in_phase,
            "difficulty": notes.difficulty,
        }),
    );
    if let Some(board) = &notes.whiteboard {
        metadata.insert("whiteboard".into(), json!(board));
    }
    metadata.insert("provider".into(), json!(OFFLINE_PROVIDER));
    InterviewerReply {
        content,
        metadata,
        usage: Vec::new(),
    }
}
