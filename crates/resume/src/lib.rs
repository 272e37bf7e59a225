//! Resume intake: reads a PDF or plain-text resume, checks it by content rather than by
//! extension, extracts its text and a first profile (name, email, experience, level,
//! domains, skills).

mod error;
mod file;
mod profile;

pub use error::ResumeError;
pub use file::{read_resume_text, DocumentKind, ResumeText, MAX_RESUME_BYTES};
pub use profile::extract_profile;

use std::path::Path;

use mockint_domain::ResumeData;

/// Reads a resume file and extracts a profile for `user_id`.
pub fn parse_resume_file(path: &Path, user_id: &str) -> Result<ResumeData, ResumeError> {
    let text = read_resume_text(path, MAX_RESUME_BYTES)?;
    Ok(extract_profile(&text.text, user_id))
}
