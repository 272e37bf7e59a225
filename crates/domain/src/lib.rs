//! The vocabulary shared by every part of the app, including the WebAssembly UI.
//!
//! These types are the IPC contract between the Leptos frontend and the Rust backend and the
//! shape of what is stored. They do no I/O. Values that have rules (scores 0–100, experience
//! levels, non-empty messages, session ids) are validated where they are built, so a value of
//! one of these types is always valid.

pub mod board;
mod competency;
pub mod diagnostics;
mod error;
mod evaluation;
mod export;
mod geometry;
pub mod ipc;
mod logging;
mod media;
mod message;
mod paging;
pub mod replay;
mod resume;
mod score;
mod session;
mod tokens;
mod whiteboard;

pub use board::{Board, BoardError, BoardLog, Drawn, End, Op, OpEntry};
pub use competency::{known_competencies, Competency, UnknownCompetency};
pub use error::ValidationError;
pub use evaluation::{
    ActionItem, CompetencyScore, ConfidenceLevel, EvaluationReport, Feedback, ImprovementPlan,
    ModeAnalysis,
};
pub use export::{BoardFormat, ReportFormat, TranscriptFormat};
pub use geometry::{bindable_at, topmost_at, Bounds};
pub use logging::{LogEntry, LogLevel};
pub use media::{MediaFile, MediaType};
pub use message::{Message, Role, TurnSource, MAX_MESSAGE_BYTES};
pub use paging::{Page, MAX_PAGE_SIZE};
pub use replay::{Marker, MarkerKind, ReplayClip, ReplayTimeline, ReplayTurn};
pub use resume::{
    validate_user_id, Education, ExperienceLevel, ResumeData, WorkExperience, MAX_USER_ID_LEN,
};
pub use score::Score;
pub use session::{
    CommunicationMode, Session, SessionConfig, SessionId, SessionStatus, SessionSummary,
};
pub use tokens::{SessionTokenUsage, TokenOperation, TokenUsage, TokenUsageRecord};
pub use whiteboard::{
    Component, Point, Shape, ShapeKind, Whiteboard, WhiteboardAnalysis, MAX_LABEL_BYTES, MAX_SHAPES,
};
