//! The offline interviewer: a sharp senior engineer who needs no AI service. It listens to
//! what the candidate *decided* (the [decision log](crate::decisions)), probes those
//! decisions with questions of rising depth, challenges wrong claims and impossible estimates
//! with a question, asks for requirements that were left out, interrupts rambling, changes a
//! requirement once, and moves through the phases of the interview saying why and how much
//! time is left.
//!
//! Its state is derived from the conversation itself (each interviewer message carries its
//! phase, kind and what it probed), so an interrupted interview resumes exactly where it was.

mod challenge;
mod clarification;
mod curveball;
mod flow;
mod gaps;
mod phase;
mod probe;
mod state;
mod whiteboard;
pub(crate) mod wording;

use std::time::Duration;

use async_trait::async_trait;
use mockint_core::ports::{InterviewContext, Interviewer, InterviewerReply};
use mockint_core::InterviewerError;
use mockint_domain::{Competency, ExperienceLevel, Message, Role};
use serde_json::{json, Map, Value};

pub use phase::Phase;
pub use state::kind;

use crate::analysis::{analyze, Coverage};
use crate::answers::Structure;
use crate::curveballs;
use crate::decisions::{Decision, DecisionLog};
use crate::problems::Problem;
use state::State;

/// Provider name of the offline interviewer.
pub const OFFLINE_PROVIDER: &str = "offline";
/// Model name of the offline interviewer.
pub const OFFLINE_MODEL: &str = "rubric-interviewer-v2";

/// Default interview length when the session sets none.
const DEFAULT_MINUTES: u64 = 45;
/// Answers shorter than this many words get a clarifying question.
const SHORT_ANSWER_WORDS: usize = 12;
/// Answers before a curveball may come.
const CURVEBALL_AFTER_ANSWERS: usize = 5;
/// Distinct signals and concepts after which a phase counts as covered and is skipped.
const COVERED_BREADTH: usize = 3;
/// Most questions about requirements the candidate left out.
const MAX_GAP_QUESTIONS: usize = 2;

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

/// The offline interviewer.
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
        let content = wording::opening(&problem, minutes(ctx), level(ctx));
        let mut reply = Reply::new(content, Phase::Requirements, kind::OPENING);
        reply
            .meta
            .insert("notes".into(), json!({ "decisions": [] }));
        Ok(reply.finish())
    }

    async fn respond(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError> {
        Ok(Turn::read(ctx).reply().finish())
    }
}

/// A reply being put together.
struct Reply {
    content: String,
    meta: Map<String, Value>,
}

impl Reply {
    fn new(content: String, phase: Phase, kind: &str) -> Self {
        let mut meta = Map::new();
        meta.insert("phase".into(), json!(phase.as_str()));
        meta.insert("kind".into(), json!(kind));
        Self { content, meta }
    }

    fn with(mut self, key: &str, value: Value) -> Self {
        self.meta.insert(key.into(), value);
        self
    }

    fn finish(mut self) -> InterviewerReply {
        self.meta.insert("provider".into(), json!(OFFLINE_PROVIDER));
        InterviewerReply {
            content: self.content,
            metadata: self.meta,
            usage: Vec::new(),
        }
    }
}

/// Everything the interviewer reads before it answers one turn.
struct Turn<'a> {
    ctx: InterviewContext<'a>,
    problem: Option<&'static Problem>,
    state: State<'a>,
    log: DecisionLog,
    coverage: Coverage,
    answer: &'a str,
    /// Index of the latest answer (0 = the first).
    index: usize,
    level: ExperienceLevel,
    difficulty: Difficulty,
    board: Option<mockint_domain::WhiteboardAnalysis>,
}

impl<'a> Turn<'a> {
    fn read(ctx: InterviewContext<'a>) -> Self {
        let statement = ctx.session.config.problem.as_deref().unwrap_or_default();
        let problem = crate::problems::find(statement);
        let state = State::read(ctx.history);
        let log = DecisionLog::read(problem.map_or(statement, |p| p.title), ctx.history);
        let coverage = analyze(problem, ctx.history);
        let answer = ctx
            .history
            .iter()
            .rev()
            .find(|m| m.role == Role::Candidate)
            .map(|m| m.content.as_str())
            .unwrap_or_default();
        let difficulty = match (
            level(ctx),
            adapt_difficulty(&coverage, recent_vague(ctx.history)),
        ) {
            (ExperienceLevel::Junior, Difficulty::Normal) => Difficulty::Easier,
            (_, difficulty) => difficulty,
        };
        Self {
            problem,
            index: state.answers.saturating_sub(1),
            log,
            coverage,
            answer,
            level: level(ctx),
            difficulty,
            board: ctx.whiteboard.map(|now| match ctx.whiteboard_before {
                Some(before) => crate::whiteboard::analyze_with_changes(before, now, problem),
                None => crate::analyze_whiteboard(now, problem),
            }),
            state,
            ctx,
        }
    }

    /// The reply, by priority: the close, the clock, mistakes, vague answers, missing
    /// requirements, rambling, the curveball, decision probes, the whiteboard, then the next
    /// phase.
    fn reply(&self) -> Reply {
        let phase = self.state.phase();
        let reply = if self.state.last_kind() == kind::CLOSING {
            Reply::new(wording::AFTER_CLOSING.into(), Phase::WrapUp, kind::CLOSING)
        } else if self.out_of_time() {
            Reply::new(wording::closing(true).into(), Phase::WrapUp, kind::CLOSING)
        } else if phase == Phase::WrapUp {
            self.wrap_up()
        } else if self.wrap_up_due() {
            self.transition(Phase::WrapUp)
        } else {
            self.challenge()
                .or_else(|| self.estimate_check())
                .or_else(|| self.clarification())
                .or_else(|| self.requirement_gap())
                .or_else(|| self.interruption())
                .or_else(|| self.curveball_follow_up())
                .or_else(|| self.curveball().filter(|_| self.curveball_overdue()))
                .or_else(|| self.probe())
                .or_else(|| self.curveball())
                .or_else(|| self.whiteboard())
                .unwrap_or_else(|| self.advance())
        };
        reply.with("notes", self.notes())
    }

    fn minutes(&self) -> u64 {
        minutes(self.ctx)
    }

    fn remaining_minutes(&self) -> u64 {
        (self.minutes() * 60).saturating_sub(self.ctx.elapsed.as_secs()) / 60
    }

    fn wrap_up_due(&self) -> bool {
        self.remaining_minutes() <= wording::wrap_up_minutes(self.minutes())
    }

    fn out_of_time(&self) -> bool {
        self.ctx.elapsed >= Duration::from_secs(self.minutes() * 60)
    }

    fn rambling(&self) -> bool {
        Structure::of(self.answer).rambling()
    }

    /// Opens a reply with a short acknowledgement (or none), remembered to vary the next.
    fn acknowledged(&self, question: &str, phase: Phase, kind: &str) -> Reply {
        match wording::acknowledgement(self.index, &self.state.acks()) {
            Some(ack) => {
                // "One moment — you return a 301 …": after a dash the question goes on.
                let question = if ack.ends_with('—') {
                    wording::continue_sentence(question)
                } else {
                    question.to_string()
                };
                Reply::new(format!("{ack} {question}"), phase, kind).with("ack", json!(ack))
            }
            None => Reply::new(question.to_string(), phase, kind),
        }
    }

    /// A reply about a decision, with what it probed: the sentence of the latest answer that
    /// states it (or the first statement, for a decision from an earlier answer).
    fn about(&self, reply: Reply, decision: &Decision, depth: usize) -> Reply {
        let (quote, answer) = match decision.pattern.sentence_in(self.answer) {
            Some(sentence) => (sentence.to_string(), self.index + 1),
            None => (decision.quote.clone(), decision.answer + 1),
        };
        reply.with(
            "probe",
            json!({
                "id": decision.pattern.id,
                "depth": depth,
                "quote": quote,
                "answer": answer,
            }),
        )
    }

    /// The hidden notes kept with the reply: the decision log, what is covered, what is
    /// pending, and the curveball's outcome.
    fn notes(&self) -> Value {
        let (covered, weak): (Vec<Competency>, Vec<Competency>) = Competency::ALL
            .into_iter()
            .partition(|&c| self.coverage.of(c).addressed());
        let curveball = self.state.curveball().map(|(id, before)| {
            let answer = self.log.answers.get(before);
            json!({
                "id": id,
                "adapted": answer.map(|a| curveballs::by_id(id).is_some_and(|c| c.adapted_in(a))),
            })
        });
        let mut notes = json!({
            "decisions": self.log.notes(),
            "covered": covered,
            "not_yet_covered": weak,
            "missing_in_phase": self.coverage.of(self.state.phase().competency()).missing_concepts,
            "difficulty": self.difficulty.as_str(),
            "curveball": curveball,
        });
        if let (Some(board), Some(object)) = (&self.board, notes.as_object_mut()) {
            object.insert("whiteboard".into(), json!(board));
        }
        notes
    }
}

fn minutes(ctx: InterviewContext<'_>) -> u64 {
    ctx.session
        .config
        .duration_minutes
        .map(u64::from)
        .unwrap_or(DEFAULT_MINUTES)
}

fn level(ctx: InterviewContext<'_>) -> ExperienceLevel {
    ctx.session
        .config
        .resume_data
        .as_ref()
        .map_or(ExperienceLevel::Mid, |r| r.experience_level)
}

fn recent_vague(history: &[Message]) -> usize {
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
