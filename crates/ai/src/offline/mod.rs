//! The offline interviewer: a sharp senior engineer who needs no AI service. It listens to
//! what the candidate *decided* (the [decision log](crate::decisions)), probes those
//! decisions with questions of rising depth, challenges wrong claims and impossible estimates
//! with a question, asks for requirements that were left out, interrupts rambling, changes a
//! requirement once, and moves through the phases of the interview saying why and how much
//! time is left.
//!
//! Its state is derived from the conversation itself (each interviewer message carries its
//! phase, kind and what it probed), so an interrupted interview resumes exactly where it was.

mod phase;
mod state;
pub(crate) mod wording;

use std::time::Duration;

use async_trait::async_trait;
use mockint_core::ports::{InterviewContext, Interviewer, InterviewerReply};
use mockint_core::InterviewerError;
use mockint_domain::{ExperienceLevel, Message, Role};
use serde_json::{json, Map, Value};

pub use phase::Phase;
pub use state::kind;

use crate::analysis::{analyze, Coverage};
use crate::answers::{estimate_slip, requirement_gaps, RequirementGap, Structure};
use crate::competencies::COMPETENCIES;
use crate::curveballs::{self, Curveball};
use crate::decisions::{Decision, DecisionLog, Stance};
use crate::problems::{Problem, GENERAL_DEEP_DIVES};
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
            board: ctx
                .whiteboard
                .map(|b| crate::analyze_whiteboard(b, problem)),
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

    /// Challenges the oldest unchallenged mistake (a flawed claim, or a choice that conflicts
    /// with what the candidate asked for) with its first probe.
    fn challenge(&self) -> Option<Reply> {
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
        let reply = Reply::new(text, self.state.phase(), kind::CHALLENGE);
        Some(self.about(
            reply,
            decision,
            self.state.depth_of(decision.pattern.id) + 1,
        ))
    }

    /// Questions an estimate whose arithmetic is off by two orders of magnitude.
    fn estimate_check(&self) -> Option<Reply> {
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

    /// Asks for a requirement the candidate left out while requirements are on the table.
    fn requirement_gap(&self) -> Option<Reply> {
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

    /// Stops a long, unstructured answer.
    fn interruption(&self) -> Option<Reply> {
        if !self.rambling() || self.state.last_kind() == kind::INTERRUPT {
            return None;
        }
        Some(Reply::new(
            wording::interruption(self.index).into(),
            self.state.phase(),
            kind::INTERRUPT,
        ))
    }

    /// Changes a requirement once, when a design is on the table.
    fn curveball(&self) -> Option<Reply> {
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
    fn curveball_overdue(&self) -> bool {
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
    fn curveball_follow_up(&self) -> Option<Reply> {
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

    /// Probes a decision of the latest answer: a choice before good practice, never the same
    /// question twice, deeper when the candidate keeps engaging with it, and "why not …?"
    /// for senior and staff candidates.
    fn probe(&self) -> Option<Reply> {
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

    /// A clarifying question after a vague answer (never twice in a row).
    fn clarification(&self) -> Option<Reply> {
        if !needs_clarification(self.answer) || self.state.last_kind() == kind::CLARIFY {
            return None;
        }
        let phase = self.state.phase();
        let mut question = phase.clarification().to_string();
        if self.difficulty == Difficulty::Easier {
            question = format!("{question} {}", phase.guide());
        }
        Some(Reply::new(question, phase, kind::CLARIFY))
    }

    /// Asks where a component the design usually needs would fit, when the drawing lacks it.
    fn whiteboard(&self) -> Option<Reply> {
        let phase = self.state.phase();
        let missing = self.board.as_ref()?.missing_elements.first()?;
        if !phase.draws() || self.state.turns_in_phase() >= phase.budget() {
            return None;
        }
        let question = format!(
            "Your diagram has no {missing} yet — where would it fit, or why isn't it needed?"
        );
        if self.state.already_asked(&question) {
            return None;
        }
        Some(self.acknowledged(&question, phase, kind::WHITEBOARD))
    }

    /// Moves to the next phase the candidate has not already covered on their own (the deep
    /// dive is never skipped), and while time remains, goes deeper rather than wrapping up
    /// early.
    fn advance(&self) -> Reply {
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
    fn transition(&self, next: Phase) -> Reply {
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
    fn wrap_up(&self) -> Reply {
        if self.state.already_asked(wording::LAST_QUESTION) || self.remaining_minutes() == 0 {
            return Reply::new(wording::closing(false).into(), Phase::WrapUp, kind::CLOSING);
        }
        self.acknowledged(wording::LAST_QUESTION, Phase::WrapUp, kind::QUESTION)
    }

    /// The hidden notes kept with the reply: the decision log, what is covered, what is
    /// pending, and the curveball's outcome.
    fn notes(&self) -> Value {
        let covered: Vec<&str> = COMPETENCIES
            .iter()
            .map(|c| c.key)
            .filter(|k| self.coverage.of(k).addressed())
            .collect();
        let weak: Vec<&str> = COMPETENCIES
            .iter()
            .map(|c| c.key)
            .filter(|k| !self.coverage.of(k).addressed())
            .collect();
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

/// The stable id of a requirement gap.
fn gap_id(gap: &RequirementGap) -> &'static str {
    match gap {
        RequirementGap::NonFunctional => "non_functional",
        RequirementGap::Scale => "scale",
        RequirementGap::Feature(label) => label,
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
