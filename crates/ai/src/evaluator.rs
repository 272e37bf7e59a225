//! The rubric evaluator: scores each competency from the candidate's own words against the
//! problem's rubric, quoting them verbatim as evidence. Scores are anchored and capped (no
//! requirements caps the overall score; keyword lists without reasoning cap a competency),
//! calibrated to the candidate's level, and deterministic: the same transcript always gives
//! the same report.

use std::collections::BTreeMap;

use domain::{
    ActionItem, CompetencyScore, ConfidenceLevel, EvaluationReport, ExperienceLevel, Feedback,
    ImprovementPlan, MediaFile, MediaType, Message, ModeAnalysis, Role, Score, Session,
};
use interview_core::ports::{Evaluation, Evaluator};

use crate::analysis::{analyze, CompetencyCoverage};
use crate::competencies::{Competency, COMPETENCIES};
use crate::problems;

/// Overall score cap when requirements were never gathered.
const NO_REQUIREMENTS_CAP: f64 = 60.0;
/// Overall score cap for staff candidates who never discussed trade-offs.
const STAFF_WITHOUT_TRADEOFFS_CAP: f64 = 70.0;
/// Competency cap for keyword lists without reasoning or depth.
const KEYWORD_LIST_CAP: f64 = 55.0;
/// Competencies that weigh more in the overall score.
const CORE: &[&str] = &[
    "requirements",
    "high_level_design",
    "deep_dive",
    "scalability_reliability",
    "tradeoffs",
];

/// Scores a transcript against the problem's rubric.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubricEvaluator;

struct Assessment {
    competency: &'static Competency,
    coverage: CompetencyCoverage,
    score: f64,
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
        let problem = session.config.problem.as_deref().and_then(problems::find);
        let coverage = analyze(problem, history);
        let level = session
            .config
            .resume_data
            .as_ref()
            .map(|r| r.experience_level)
            .unwrap_or(ExperienceLevel::Mid);
        let assessments: Vec<Assessment> = COMPETENCIES
            .iter()
            .map(|competency| {
                let coverage = coverage.of(competency.key);
                let score = score(&coverage, level);
                Assessment {
                    competency,
                    coverage,
                    score,
                }
            })
            .collect();

        let (weighted, weights) = assessments.iter().fold((0.0, 0.0), |(sum, weights), a| {
            let weight = if CORE.contains(&a.competency.key) {
                1.5
            } else {
                1.0
            };
            (sum + a.score * weight, weights + weight)
        });
        let mut overall = if weights > 0.0 {
            weighted / weights
        } else {
            0.0
        };
        let mut needs_improvement = Vec::new();
        if !coverage.of("requirements").addressed() {
            overall = overall.min(NO_REQUIREMENTS_CAP);
            needs_improvement.push(Feedback {
                category: "Requirements & scoping".into(),
                description: format!("No requirements were gathered, so the overall score is capped at {NO_REQUIREMENTS_CAP:.0}."),
                evidence: Vec::new(),
            });
        }
        if level == ExperienceLevel::Staff && !coverage.of("tradeoffs").addressed() {
            overall = overall.min(STAFF_WITHOUT_TRADEOFFS_CAP);
            needs_improvement.push(Feedback {
                category: "Trade-offs".into(),
                description: format!("At staff level trade-offs are expected unprompted; without them the overall score is capped at {STAFF_WITHOUT_TRADEOFFS_CAP:.0}."),
                evidence: Vec::new(),
            });
        }

        let mut competency_scores = BTreeMap::new();
        let (mut went_well, mut went_okay) = (Vec::new(), Vec::new());
        for a in &assessments {
            competency_scores.insert(
                a.competency.key.to_string(),
                CompetencyScore {
                    score: Score::clamped(a.score),
                    confidence_level: match (a.coverage.evidence.len(), a.coverage.words) {
                        (0, _) => ConfidenceLevel::Low,
                        (3, words) if words >= 60 => ConfidenceLevel::High,
                        _ => ConfidenceLevel::Medium,
                    },
                    evidence: a.coverage.evidence.clone(),
                },
            );
            let feedback = Feedback {
                category: a.competency.title.to_string(),
                description: describe(a),
                evidence: a.coverage.evidence.clone(),
            };
            match a.score {
                s if s >= 70.0 => went_well.push(feedback),
                s if s >= 40.0 => went_okay.push(feedback),
                _ => needs_improvement.push(feedback),
            }
        }

        EvaluationReport {
            session_id: session.id,
            overall_score: Score::clamped((overall * 10.0).round() / 10.0),
            competency_scores,
            went_well,
            went_okay,
            needs_improvement,
            improvement_plan: plan(&assessments),
            communication_mode_analysis: modes(session, history, media),
        }
    }
}

/// The anchored score of one competency.
fn score(coverage: &CompetencyCoverage, level: ExperienceLevel) -> f64 {
    if !coverage.addressed() {
        return 5.0;
    }
    let signals = coverage.signals.len().min(4) as f64 * 10.0;
    let concepts = coverage.concepts.len().min(3) as f64 * 12.0;
    let depth = if coverage.words >= 60 { 10.0 } else { 0.0 };
    let reasons = if coverage.reasoning { 10.0 } else { 0.0 };
    let calibration = match level {
        ExperienceLevel::Junior => 8.0,
        ExperienceLevel::Mid => 4.0,
        ExperienceLevel::Senior => 0.0,
        ExperienceLevel::Staff => -6.0,
    };
    let cap = if coverage.reasoning || coverage.words >= 60 {
        95.0
    } else {
        KEYWORD_LIST_CAP
    };
    (15.0 + signals + concepts + depth + reasons + calibration).clamp(5.0, cap)
}

fn describe(a: &Assessment) -> String {
    let title = a.competency.title;
    let c = &a.coverage;
    if !c.addressed() {
        return format!("{title} was not addressed.");
    }
    let mut text = if a.score >= 70.0 {
        format!("{title} was covered with reasoning.")
    } else if !c.reasoning {
        format!("{title} came up, but without saying why — name the reason behind each choice.")
    } else {
        format!("{title} came up but stayed shallow.")
    };
    if !c.concepts.is_empty() {
        text.push_str(&format!(" Covered: {}.", c.concepts.join(", ")));
    }
    if !c.missing_concepts.is_empty() {
        text.push_str(&format!(
            " Not mentioned: {}.",
            c.missing_concepts.join(", ")
        ));
    }
    text
}

fn plan(assessments: &[Assessment]) -> ImprovementPlan {
    let mut weakest: Vec<&Assessment> = assessments.iter().filter(|a| a.score < 70.0).collect();
    weakest.sort_by(|a, b| a.score.total_cmp(&b.score));
    weakest.truncate(3);
    let concrete_steps = weakest
        .iter()
        .zip(1..)
        .map(|(a, step_number)| {
            let mut description = a.competency.practice.to_string();
            if !a.coverage.missing_concepts.is_empty() {
                description.push_str(&format!(
                    " For this problem, study: {}.",
                    a.coverage.missing_concepts.join(", ")
                ));
            }
            ActionItem {
                step_number,
                description,
                resources: a
                    .competency
                    .resources
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            }
        })
        .collect();
    ImprovementPlan {
        priority_areas: weakest
            .iter()
            .map(|a| a.competency.title.to_string())
            .collect(),
        concrete_steps,
        resources: vec![
            "Designing Data-Intensive Applications (Martin Kleppmann)".into(),
            "System Design Interview vol. 1–2 (Alex Xu)".into(),
        ],
    }
}

fn modes(session: &Session, history: &[Message], media: &[MediaFile]) -> ModeAnalysis {
    let answers: Vec<&Message> = history
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .collect();
    let candidate_words = answers
        .iter()
        .map(|m| m.content.split_whitespace().count())
        .sum::<usize>();
    let snapshots = media
        .iter()
        .filter(|m| m.file_type == MediaType::Whiteboard)
        .count();
    let voice_turns = answers
        .iter()
        .filter(|m| m.metadata.get("source").and_then(|v| v.as_str()) == Some("voice"))
        .count();
    let mut notes = Vec::new();
    if answers.is_empty() {
        notes.push("The candidate gave no answers.".to_string());
    } else {
        let average = candidate_words / answers.len();
        notes.push(format!(
            "{} answer(s), {} by voice, averaging {average} words.",
            answers.len(),
            voice_turns
        ));
        if average < 15 {
            notes.push("Answers were very short; think aloud and explain each decision.".into());
        } else if average > 250 {
            notes.push("Answers were long; pause to check in with the interviewer.".into());
        }
    }
    if snapshots == 0 {
        notes.push(
            "No whiteboard snapshot was saved; drawing the design helps the interviewer follow it."
                .into(),
        );
    }
    ModeAnalysis {
        modes_used: session.config.enabled_modes.clone(),
        candidate_turns: u32::try_from(answers.len()).unwrap_or(u32::MAX),
        candidate_words: u32::try_from(candidate_words).unwrap_or(u32::MAX),
        whiteboard_snapshots: u32::try_from(snapshots).unwrap_or(u32::MAX),
        notes,
    }
}
