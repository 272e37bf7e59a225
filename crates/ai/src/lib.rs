//! Interviewers and evaluators.
//!
//! - [`OfflineInterviewer`]: a sharp interviewer that needs no network or key: it probes the
//!   candidate's [decisions], challenges mistakes and moves through the phases.
//! - [`LlmInterviewer`]: a model steered by the offline interviewer's turn, its replies
//!   checked by the [`guard`] before the candidate sees them.
//! - [`RubricEvaluator`]: scores a transcript per competency with quoted evidence, judging
//!   decisions; [`LlmEvaluator`] is a model anchored to it.
//! - [`problems`]: the problem bank and problem selection; [`generation`]: problems and
//!   resumes written by a model.

pub mod analysis;
pub mod answers;
mod competencies;
pub mod curveballs;
pub mod decision_library;
pub mod decisions;
mod evaluator;
pub mod generation;
pub mod guard;
mod interviewer;
pub mod llm;
mod offline;
pub mod problems;
mod providers;
mod whiteboard;

pub use competencies::{guide, CompetencyGuide, COMPETENCIES};
pub use evaluator::llm::{anchor, LlmEvaluator, ModelEvaluation, ANCHOR_BAND};
pub use evaluator::{Findings, RubricEvaluator};
pub use generation::{extract_resume, generate_problem};
pub use interviewer::{memory, system_prompt, LlmInterviewer, MAX_BOARD_BYTES};
pub use offline::{
    adapt_difficulty, kind, Difficulty, OfflineInterviewer, Phase, OFFLINE_MODEL, OFFLINE_PROVIDER,
};
pub use providers::Providers;
pub use whiteboard::analyze_whiteboard;
