//! Interviewers and evaluators.
//!
//! - [`OfflineInterviewer`]: a phase-driven interviewer that needs no network or key.
//! - [`RubricEvaluator`]: scores a transcript per competency with quoted evidence.
//! - [`problems`]: the problem bank and problem selection.

pub mod analysis;
pub mod answers;
mod competencies;
pub mod curveballs;
pub mod decision_library;
pub mod decisions;
mod evaluator;
pub mod guard;
pub mod llm;
mod llm_interviewer;
mod offline;
pub mod problems;
mod whiteboard;

pub use competencies::{Competency, COMPETENCIES};
pub use evaluator::RubricEvaluator;
pub use llm_interviewer::{
    extract_resume, generate_problem, memory, system_prompt, LlmEvaluator, LlmInterviewer,
    Providers,
};
pub use offline::{
    adapt_difficulty, Difficulty, OfflineInterviewer, Phase, OFFLINE_MODEL, OFFLINE_PROVIDER,
};
pub use whiteboard::analyze_whiteboard;
