//! The JSON shapes stored in JSON columns and conversions from raw column values.

use mockint_core::StoreError;
use mockint_domain::{Feedback, ResumeData};
use serde::{Deserialize, Serialize};

/// What `sessions.metadata` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SessionMetadata {
    #[serde(default)]
    pub problem: Option<String>,
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Whether the session was set up with the user's resume (otherwise the resume row is an
    /// anonymous placeholder the schema requires).
    #[serde(default)]
    pub resume_attached: bool,
}

/// What `evaluations.feedback` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct FeedbackColumns {
    pub went_well: Vec<Feedback>,
    pub went_okay: Vec<Feedback>,
    pub needs_improvement: Vec<Feedback>,
    /// Who wrote the scores (absent in reports stored before it existed).
    #[serde(default)]
    pub provenance: Vec<String>,
}

/// Parses a stored enum word, reporting corrupt data instead of panicking.
pub(crate) fn parse_word<T>(column: &str, value: &str) -> Result<T, StoreError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|error: T::Err| StoreError::Corrupt(format!("{column}: {error}")))
}

/// Converts an unsigned count to the INTEGER columns' i32.
pub(crate) fn to_i32(column: &str, value: u32) -> Result<i32, StoreError> {
    i32::try_from(value).map_err(|_| StoreError::Conflict(format!("{column} {value} is too large")))
}

/// Converts a stored INTEGER back to an unsigned count.
pub(crate) fn to_u32(column: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value)
        .map_err(|_| StoreError::Corrupt(format!("{column} has invalid value {value}")))
}

/// The resume fields as they are bound, in column order.
pub(crate) struct ResumeColumns<'a> {
    pub resume: &'a ResumeData,
    pub years: i32,
}

impl<'a> ResumeColumns<'a> {
    pub fn new(resume: &'a ResumeData) -> Result<Self, StoreError> {
        resume
            .validate()
            .map_err(|error| StoreError::Conflict(error.to_string()))?;
        Ok(Self {
            resume,
            years: to_i32("years_of_experience", resume.years_of_experience)?,
        })
    }
}
