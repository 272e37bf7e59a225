//! The rubric evaluator: scores each competency from the candidate's own words against the
//! problem's rubric and judges what they *decided* with the same decision library the
//! interviewer probes with. Sound decisions count for their competency; wrong or
//! unsupported claims, impossible estimates, requirements left out and a requirement
//! change that was not designed for count against it, each named in the report with the
//! candidate's quote and why it matters. Scores are anchored and capped (no requirements caps
//! the overall score; keyword lists without reasoning cap a competency; staff without
//! trade-offs is capped), calibrated to the level, and deterministic: the same transcript
//! always gives the same report.

mod communication;
pub mod feedback;
pub mod llm;

use std::collections::BTreeMap;

use mockint_core::ports::{Evaluation, Evaluator};
use mockint_domain::{
    Competency, CompetencyScore, ConfidenceLevel, EvaluationReport, ExperienceLevel, Feedback,
    MediaFile, Message, Score, Session,
};

use crate::analysis::{analyze, CompetencyCoverage, Coverage};
use crate::answers::{estimate_slip, requirement_gaps, EstimateSlip, RequirementGap};
use crate::curveballs;
use crate::decisions::{Decision, DecisionLog, DecisionPattern, Stance};
use crate::offline::kind;
use crate::problems;

/// Overall score cap when requirements were never gathered.
pub const NO_REQUIREMENTS_CAP: f64 = 60.0;
/// Overall score cap for staff candidates who never discussed trade-offs.
pub const STAFF_WITHOUT_TRADEOFFS_CAP: f64 = 70.0;
/// Competency cap for keyword lists without reasoning or depth.
pub const KEYWORD_LIST_CAP: f64 = 55.0;
/// What a wrong or unsupported claim costs its competency (half once corrected).
const FLAW_PENALTY: f64 = 16.0;
/// What a sound decision adds to its competency (at most two count).
const SOUND_BONUS: f64 = 5.0;
/// What a probe the candidate moved past without answering costs its competency (at most
/// two count).
const UNANSWERED_PENALTY: f64 = 4.0;
/// What an impossible estimate costs the estimation score.
const ESTIMATE_PENALTY: f64 = 20.0;
/// What each requirement left out costs (at most two count).
const GAP_PENALTY: f64 = 8.0;
/// What adapting to the changed requirement adds to trade-offs, or not adapting costs.
const CURVEBALL_WEIGHT: f64 = 8.0;
/// Competencies that weigh more in the overall score.
const CORE: &[Competency] = &[
    Competency::Requirements,
    Competency::HighLevelDesign,
    Competency::DeepDive,
    Competency::ScalabilityReliability,
    Competency::Tradeoffs,
];

/// Scores a transcript against the problem's rubric.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubricEvaluator;

/// Everything the evaluator found in one transcript: the shared reading of the rubric
/// coverage and the decisions, which the LLM evaluator is anchored to as well.
pub struct Findings {
    /// The candidate's level.
    pub level: ExperienceLevel,
    /// Rubric coverage per competency.
    pub coverage: Coverage,
    /// Decisions, in order.
    pub log: DecisionLog,
    /// Claims that are wrong (or choices that conflict with the candidate's own
    /// requirements), with whether they were corrected after a challenge.
    pub flaws: Vec<(Decision, bool)>,
    /// An estimate whose arithmetic is off by orders of magnitude.
    pub estimate: Option<EstimateSlip>,
    /// Requirements left out of the requirements answers.
    pub gaps: Vec<RequirementGap>,
    /// The requirement change and whether the design was adapted to it.
    pub curveball: Option<(&'static curveballs::Curveball, bool)>,
    /// How the answers were put together.
    pub communication: communication::Delivery,
    /// Probes of a decision that the next answer did not take up: the decision's pattern, the
    /// question asked and the quote it probed.
    pub unanswered: Vec<(&'static DecisionPattern, String, String)>,
}

impl Findings {
    /// Reads a transcript.
    pub fn read(session: &Session, history: &[Message]) -> Self {
        let statement = session.config.problem.as_deref().unwrap_or_default();
        let problem = problems::find(statement);
        let mut coverage = analyze(problem, history);
        // Requirements are judged from the answers given while scoping, not from a word
        // like "consistency" said later about a database.
        let scoping: Vec<Message> = requirements_answers(history).into_iter().cloned().collect();
        if let Some(requirements) = analyze(problem, &scoping)
            .competencies
            .remove(&Competency::Requirements)
        {
            coverage
                .competencies
                .insert(Competency::Requirements, requirements);
        }
        let log = DecisionLog::read(problem.map_or(statement, |p| p.title), history);
        let flaws = log
            .decisions
            .iter()
            .filter(|d| log.stance(d) == Stance::Flawed)
            .map(|d| (d.clone(), log.corrected(d)))
            .collect();
        let answers = log.answer_texts();
        let estimate = answers.iter().find_map(|a| estimate_slip(a));
        let requirements_text = scoping
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let gaps = if answers.is_empty() {
            Vec::new()
        } else {
            requirement_gaps(&requirements_text, problem.map_or(&[][..], |p| p.features))
        };
        Self {
            level: session
                .config
                .resume_data
                .as_ref()
                .map_or(ExperienceLevel::Mid, |r| r.experience_level),
            curveball: curveball_outcome(history),
            unanswered: unanswered_probes(history),
            communication: communication::Delivery::read(history),
            coverage,
            log,
            flaws,
            estimate,
            gaps,
        }
    }

    fn of(&self, key: Competency) -> CompetencyCoverage {
        self.coverage.of(key)
    }

    /// The anchored score of one competency, with the reasons it moved.
    pub fn score(&self, key: Competency) -> f64 {
        if key == Competency::Communication {
            return self.communication.score(self.level);
        }
        let coverage = self.of(key);
        let mut score = base_score(&coverage, self.level);
        let sound = self
            .log
            .decisions
            .iter()
            .filter(|d| d.pattern.competency == key && self.log.stance(d) == Stance::Sound)
            .count()
            .min(2);
        if coverage.addressed() {
            score += SOUND_BONUS * sound as f64;
        }
        for (_, corrected) in self
            .flaws
            .iter()
            .filter(|(d, _)| d.pattern.competency == key)
        {
            score -= if *corrected {
                FLAW_PENALTY / 2.0
            } else {
                FLAW_PENALTY
            };
        }
        let dodged = self
            .unanswered
            .iter()
            .filter(|(pattern, _, _)| pattern.competency == key)
            .count()
            .min(2);
        score -= UNANSWERED_PENALTY * dodged as f64;
        if key == Competency::Estimation && self.estimate.is_some() {
            score -= ESTIMATE_PENALTY;
        }
        if key == Competency::Requirements {
            score -= GAP_PENALTY * self.gaps.len().min(2) as f64;
        }
        if key == Competency::Tradeoffs {
            match self.curveball {
                Some((_, true)) => score += CURVEBALL_WEIGHT,
                Some((_, false)) => score -= CURVEBALL_WEIGHT,
                None => {}
            }
        }
        let cap = if coverage.reasoning || coverage.words >= 60 {
            95.0
        } else {
            KEYWORD_LIST_CAP
        };
        score.clamp(5.0, cap)
    }

    /// Every competency's score.
    pub fn scores(&self) -> BTreeMap<Competency, f64> {
        Competency::ALL
            .into_iter()
            .map(|c| (c, self.score(c)))
            .collect()
    }

    /// The overall score from competency scores: core competencies weigh 1.5, and the caps
    /// apply (no requirements; staff without trade-offs).
    pub fn overall(&self, scores: &BTreeMap<Competency, f64>) -> f64 {
        let (weighted, weights) = scores
            .iter()
            .fold((0.0, 0.0), |(sum, weights), (key, score)| {
                let weight = if CORE.contains(key) { 1.5 } else { 1.0 };
                (sum + score * weight, weights + weight)
            });
        let mut overall = if weights > 0.0 {
            weighted / weights
        } else {
            0.0
        };
        if !self.of(Competency::Requirements).addressed() {
            overall = overall.min(NO_REQUIREMENTS_CAP);
        }
        if self.staff_without_tradeoffs() {
            overall = overall.min(STAFF_WITHOUT_TRADEOFFS_CAP);
        }
        (overall * 10.0).round() / 10.0
    }

    fn staff_without_tradeoffs(&self) -> bool {
        self.level == ExperienceLevel::Staff && !self.of(Competency::Tradeoffs).addressed()
    }

    /// Positive evidence for a competency: its quotes, minus sentences that carry a flaw
    /// (communication: sentences that show structure).
    pub fn evidence(&self, key: Competency) -> Vec<String> {
        if key == Competency::Communication {
            return self.communication.evidence.clone();
        }
        self.of(key)
            .evidence
            .into_iter()
            .filter(|quote| {
                !self.flaws.iter().any(|(d, _)| {
                    quote.contains(d.quote.as_str()) || d.quote.contains(quote.as_str())
                })
            })
            .collect()
    }
}

/// The candidate answers given while requirements were on the table (the answers after an
/// interviewer turn of the requirements phase; the first answer when there is no interviewer
/// turn).
fn requirements_answers(history: &[Message]) -> Vec<&Message> {
    let interviewed = history
        .iter()
        .any(|m| m.role == mockint_domain::Role::Interviewer);
    let mut scoping = true;
    let mut out = Vec::new();
    for message in history {
        match message.role {
            mockint_domain::Role::Interviewer => {
                scoping = message
                    .metadata
                    .get("phase")
                    .and_then(|v| v.as_str())
                    .is_none_or(|p| p == "requirements");
            }
            mockint_domain::Role::Candidate if scoping => {
                out.push(message);
                if !interviewed {
                    break;
                }
            }
            mockint_domain::Role::Candidate => {}
        }
    }
    out
}

/// The curveball the interviewer asked and whether the answer after it adapted the design
/// (that answer or the one after a follow-up).
fn curveball_outcome(history: &[Message]) -> Option<(&'static curveballs::Curveball, bool)> {
    let at = history
        .iter()
        .position(|m| m.metadata.get("kind").and_then(|v| v.as_str()) == Some(kind::CURVEBALL))?;
    let curveball = history[at]
        .metadata
        .get("curveball")
        .and_then(|v| v.as_str())
        .and_then(curveballs::by_id)?;
    let answers: Vec<&Message> = history[at..]
        .iter()
        .filter(|m| m.role == mockint_domain::Role::Candidate)
        .take(2)
        .collect();
    if answers.is_empty() {
        return None;
    }
    Some((
        curveball,
        answers.iter().any(|a| curveball.adapted_in(&a.content)),
    ))
}

/// Probes of a decision whose next answer neither restates the decision nor shares two
/// content words with the question: the moments the candidate moved on without answering.
fn unanswered_probes(history: &[Message]) -> Vec<(&'static DecisionPattern, String, String)> {
    let mut out = Vec::new();
    for (at, message) in history.iter().enumerate() {
        if message.metadata.get("kind").and_then(|v| v.as_str()) != Some(kind::PROBE) {
            continue;
        }
        let probe = message.metadata.get("probe");
        let Some(pattern) = probe
            .and_then(|p| p.get("id"))
            .and_then(|v| v.as_str())
            .and_then(|id| crate::decision_library::LIBRARY.iter().find(|p| p.id == id))
        else {
            continue;
        };
        let Some(answer) = history[at + 1..]
            .iter()
            .find(|m| m.role == mockint_domain::Role::Candidate)
        else {
            continue;
        };
        let content = |text: &str| -> std::collections::BTreeSet<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 5)
                .map(str::to_lowercase)
                .collect()
        };
        let shared = content(&message.content)
            .intersection(&content(&answer.content))
            .count();
        if pattern.matches_any(&answer.content) || shared >= 2 {
            continue;
        }
        let quote = probe
            .and_then(|p| p.get("quote"))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        out.push((pattern, message.content.clone(), quote));
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// The anchored score of one competency from rubric coverage alone.
fn base_score(coverage: &CompetencyCoverage, level: ExperienceLevel) -> f64 {
    if !coverage.addressed() {
        return 5.0;
    }
    let signals = coverage.signals.len().min(4) as f64 * 10.0;
    let concepts = coverage.concepts.len().min(3) as f64 * 12.0;
    let depth = if coverage.words >= 60 { 10.0 } else { 0.0 };
    let reasons = if coverage.reasoning { 10.0 } else { 0.0 };
    15.0 + signals + concepts + depth + reasons + calibration(level)
}

/// Points added for the level: the same answers weigh more from a junior.
pub fn calibration(level: ExperienceLevel) -> f64 {
    match level {
        ExperienceLevel::Junior => 8.0,
        ExperienceLevel::Mid => 4.0,
        ExperienceLevel::Senior => 0.0,
        ExperienceLevel::Staff => -6.0,
    }
}

#[async_trait::async_trait]
impl Evaluator for RubricEvaluator {
    async fn evaluate(
        &self,
        session: &Session,
        history: &[Message],
        media: &[MediaFile],
    ) -> Evaluation {
        Evaluation {
            report: self.report(session, history, media),
            usage: Vec::new(),
        }
    }
}

impl RubricEvaluator {
    /// The offline report: deterministic, every quote verbatim from the candidate's turns.
    pub fn report(
        &self,
        session: &Session,
        history: &[Message],
        media: &[MediaFile],
    ) -> EvaluationReport {
        let findings = Findings::read(session, history);
        let scores = findings.scores();
        let overall = findings.overall(&scores);
        let mut competency_scores = BTreeMap::new();
        for (&competency, &score) in &scores {
            let coverage = findings.of(competency);
            let evidence = findings.evidence(competency);
            competency_scores.insert(
                competency,
                CompetencyScore {
                    score: Score::clamped(score),
                    confidence_level: match (evidence.len(), coverage.words) {
                        (0, _) => ConfidenceLevel::Low,
                        (3.., words) if words >= 60 => ConfidenceLevel::High,
                        _ => ConfidenceLevel::Medium,
                    },
                    evidence,
                },
            );
        }
        let (went_well, went_okay, needs_improvement) = feedback::parts(&findings, &scores).sort();
        EvaluationReport {
            session_id: session.id,
            overall_score: Score::clamped(overall),
            competency_scores,
            went_well,
            went_okay,
            needs_improvement,
            improvement_plan: feedback::plan(&findings, &scores),
            communication_mode_analysis: communication::modes(session, history, media),
            provenance: vec!["Scored by the offline rubric (deterministic: the same transcript always gives the same report).".into()],
        }
    }
}

/// A feedback entry.
fn entry(category: &str, description: String, evidence: Vec<String>) -> Feedback {
    Feedback {
        category: category.to_string(),
        description,
        evidence,
    }
}
