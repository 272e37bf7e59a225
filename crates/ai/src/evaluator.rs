//! The rubric evaluator: scores each competency from the candidate's own words and quotes
//! them as evidence. Scores are anchored: no evidence means a low score with low confidence,
//! and a session without requirements gathering is capped.

use std::collections::BTreeMap;

use domain::{
    ActionItem, CompetencyScore, ConfidenceLevel, EvaluationReport, Feedback, ImprovementPlan,
    MediaFile, MediaType, Message, ModeAnalysis, Role, Score, Session,
};
use interview_core::ports::Evaluator;

use crate::competencies::{matched_signals, normalise, Competency, COMPETENCIES};

/// Longest quote kept as evidence, in characters.
const QUOTE_CHARS: usize = 200;
/// Overall score cap when requirements were never gathered.
const NO_REQUIREMENTS_CAP: f64 = 60.0;
/// Words that show reasoning rather than keyword listing.
const REASONING: &[&str] = &[
    "because",
    "so that",
    "which means",
    "therefore",
    "since ",
    "trade-off",
    "tradeoff",
];

/// Scores a transcript against the competency rubric.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubricEvaluator;

struct Assessment {
    competency: &'static Competency,
    score: f64,
    evidence: Vec<String>,
}

impl Evaluator for RubricEvaluator {
    fn evaluate(
        &self,
        session: &Session,
        history: &[Message],
        media: &[MediaFile],
    ) -> EvaluationReport {
        let answers: Vec<&Message> = history
            .iter()
            .filter(|m| m.role == Role::Candidate)
            .collect();
        let assessments: Vec<Assessment> =
            COMPETENCIES.iter().map(|c| assess(c, &answers)).collect();

        let mut overall = if assessments.is_empty() {
            0.0
        } else {
            assessments.iter().map(|a| a.score).sum::<f64>() / assessments.len() as f64
        };
        let requirements_missing = assessments
            .iter()
            .any(|a| a.competency.key == "requirements" && a.evidence.is_empty());
        if requirements_missing {
            overall = overall.min(NO_REQUIREMENTS_CAP);
        }

        let mut competency_scores = BTreeMap::new();
        let (mut went_well, mut went_okay, mut needs_improvement) =
            (Vec::new(), Vec::new(), Vec::new());
        for assessment in &assessments {
            competency_scores.insert(
                assessment.competency.key.to_string(),
                CompetencyScore {
                    score: Score::clamped(assessment.score),
                    confidence_level: match assessment.evidence.len() {
                        0 => ConfidenceLevel::Low,
                        1 | 2 => ConfidenceLevel::Medium,
                        _ => ConfidenceLevel::High,
                    },
                    evidence: assessment.evidence.clone(),
                },
            );
            let feedback = Feedback {
                category: assessment.competency.title.to_string(),
                description: describe(assessment),
                evidence: assessment.evidence.clone(),
            };
            match assessment.score {
                s if s >= 70.0 => went_well.push(feedback),
                s if s >= 40.0 => went_okay.push(feedback),
                _ => needs_improvement.push(feedback),
            }
        }
        if requirements_missing {
            needs_improvement.insert(0, Feedback {
                category: "Requirements & scoping".into(),
                description: format!("No requirements were gathered, so the overall score is capped at {NO_REQUIREMENTS_CAP:.0}."),
                evidence: Vec::new(),
            });
        }

        EvaluationReport {
            session_id: session.id,
            overall_score: Score::clamped(overall),
            competency_scores,
            went_well,
            went_okay,
            needs_improvement,
            improvement_plan: plan(&assessments),
            communication_mode_analysis: modes(session, &answers, media),
        }
    }
}

fn assess(competency: &'static Competency, answers: &[&Message]) -> Assessment {
    let mut distinct: Vec<&str> = Vec::new();
    let mut ranked: Vec<(usize, &Message)> = Vec::new();
    let mut reasoning = false;
    for answer in answers {
        let text = normalise(&answer.content);
        let hits = matched_signals(competency, &text);
        if hits.is_empty() {
            continue;
        }
        reasoning |= REASONING.iter().any(|r| text.contains(r));
        for hit in &hits {
            if !distinct.contains(hit) {
                distinct.push(hit);
            }
        }
        ranked.push((hits.len(), answer));
    }
    ranked.sort_by_key(|(hits, _)| std::cmp::Reverse(*hits));
    let evidence: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|(_, m)| quote(&m.content))
        .collect();
    let words: usize = ranked
        .iter()
        .map(|(_, m)| m.content.split_whitespace().count())
        .sum();
    let score = if distinct.is_empty() {
        5.0
    } else {
        let breadth = 12.0 * distinct.len() as f64;
        let depth = if words >= 60 { 10.0 } else { 0.0 };
        let reasons = if reasoning { 10.0 } else { 0.0 };
        // Keyword lists without reasoning or depth are capped.
        let cap = if reasoning || words >= 60 { 95.0 } else { 55.0 };
        (15.0 + breadth + depth + reasons).min(cap)
    };
    Assessment {
        competency,
        score,
        evidence,
    }
}

fn quote(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= QUOTE_CHARS {
        flat
    } else {
        let cut: String = flat.chars().take(QUOTE_CHARS).collect();
        format!("{cut}…")
    }
}

fn describe(assessment: &Assessment) -> String {
    let title = assessment.competency.title;
    match assessment.evidence.len() {
        0 => format!("{title} was not addressed."),
        n if assessment.score >= 70.0 => {
            format!("{title} was covered with reasoning across {n} answer(s).")
        }
        n => format!("{title} came up in {n} answer(s) but without much depth or justification."),
    }
}

fn plan(assessments: &[Assessment]) -> ImprovementPlan {
    let mut weakest: Vec<&Assessment> = assessments.iter().filter(|a| a.score < 70.0).collect();
    weakest.sort_by(|a, b| a.score.total_cmp(&b.score));
    weakest.truncate(3);
    let concrete_steps = weakest
        .iter()
        .zip(1..)
        .map(|(a, step_number)| ActionItem {
            step_number,
            description: a.competency.practice.to_string(),
            resources: a
                .competency
                .resources
                .iter()
                .map(|r| r.to_string())
                .collect(),
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

fn modes(session: &Session, answers: &[&Message], media: &[MediaFile]) -> ModeAnalysis {
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
        notes.push(format!(
            "{} answer(s), {} by voice, averaging {} words.",
            answers.len(),
            voice_turns,
            candidate_words / answers.len()
        ));
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
