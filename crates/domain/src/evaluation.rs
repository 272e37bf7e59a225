use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{CommunicationMode, Competency, Score, SessionId};

/// How sure the evaluator is of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceLevel {
    /// Plenty of evidence.
    High,
    /// Some evidence.
    Medium,
    /// Little evidence.
    Low,
}

/// The score for one competency and the transcript evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyScore {
    /// 0–100.
    pub score: Score,
    /// How sure the evaluator is.
    pub confidence_level: ConfidenceLevel,
    /// Quotes from the transcript that justify the score.
    pub evidence: Vec<String>,
}

/// One observation in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The competency or topic it is about.
    pub category: String,
    /// What was observed.
    pub description: String,
    /// Quotes that show it.
    pub evidence: Vec<String>,
}

/// One concrete step of the improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// Position in the plan, from 1.
    pub step_number: u32,
    /// What to do.
    pub description: String,
    /// Where to learn it.
    pub resources: Vec<String>,
}

/// What to work on next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImprovementPlan {
    /// The weakest areas, most important first.
    pub priority_areas: Vec<String>,
    /// Ordered steps.
    pub concrete_steps: Vec<ActionItem>,
    /// General resources.
    pub resources: Vec<String>,
}

/// How the candidate used the communication modes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModeAnalysis {
    /// Modes that were turned on.
    pub modes_used: Vec<CommunicationMode>,
    /// Number of candidate turns.
    pub candidate_turns: u32,
    /// Words the candidate said or typed.
    pub candidate_words: u32,
    /// Whiteboard snapshots saved.
    pub whiteboard_snapshots: u32,
    /// Observations about the use of the modes.
    pub notes: Vec<String>,
}

/// The evaluation of a finished session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationReport {
    /// The session evaluated.
    pub session_id: SessionId,
    /// 0–100.
    pub overall_score: Score,
    /// Per competency, in interview order. A stored key that names no competency is dropped
    /// when read, so an old or hand-edited report still opens.
    #[serde(deserialize_with = "crate::known_competencies")]
    pub competency_scores: BTreeMap<Competency, CompetencyScore>,
    /// Strengths.
    pub went_well: Vec<Feedback>,
    /// Adequate but improvable.
    pub went_okay: Vec<Feedback>,
    /// Gaps.
    pub needs_improvement: Vec<Feedback>,
    /// What to do next.
    pub improvement_plan: ImprovementPlan,
    /// How the modes were used.
    pub communication_mode_analysis: ModeAnalysis,
    /// Who wrote the scores (the offline rubric, or a model anchored to it) and, when a
    /// model's evaluation could not be used, why.
    #[serde(default)]
    pub provenance: Vec<String>,
}
