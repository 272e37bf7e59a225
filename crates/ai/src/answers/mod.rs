//! How an answer is put together, read the same way by the interviewer and the evaluator:
//! its structure (signposts, length: is it rambling?), the arithmetic of its estimates (a
//! figure per month turned into a figure per second), and which requirements it left out.
//!
//! Hand-written: reading spoken-style numbers ("100 million a month", "40k QPS") in a few
//! rules is smaller and more predictable here than a general natural-language parser.

mod estimates;
mod numbers;
mod requirements;
mod structure;
#[cfg(test)]
mod tests;

pub use estimates::{estimate_slip, EstimateSlip, ESTIMATE_TOLERANCE};
pub use numbers::{figures, say_bandwidth, say_bytes, say_number, Figure, Period, Unit};
pub use requirements::{requirement_gaps, RequirementGap};
pub use structure::{Structure, LONG_ANSWER_WORDS, RAMBLING_WORDS};
