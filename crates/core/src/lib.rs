//! Use cases and ports of the mock interview app.
//!
//! Business rules live here and talk only to traits ("ports"): [`ports::Store`],
//! [`ports::MediaStore`], [`ports::Interviewer`], [`ports::Evaluator`] and [`ports::Clock`].
//! Adapter crates implement them; the composition root wires them together. Nothing in this
//! crate knows about SQL, HTTP, Tauri or audio devices.

mod accounting;
pub mod board_export;
pub mod error;
pub mod export;
pub mod interview;
pub mod media;
pub mod ports;
pub mod redact;
pub mod script;
pub mod sessions;
pub mod telemetry;
pub mod whiteboard;

pub use error::{CoreError, InterviewerError, MediaError, OutboxError, StoreError};
pub use interview::{InterviewService, TokenBudget, TurnInput, TurnOutcome};
pub use media::MediaService;
pub use sessions::SessionService;
pub use whiteboard::WhiteboardService;
