use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Longest user id accepted (the column is VARCHAR(100)).
pub const MAX_USER_ID_LEN: usize = 100;

/// The four levels the interviewer calibrates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExperienceLevel {
    /// 0–2 years: learns and reasons.
    Junior,
    /// 3–5 years: builds components.
    Mid,
    /// 6–10 years: drives the whole design.
    Senior,
    /// More than 10 years: drives scope, depth and trade-offs unprompted.
    Staff,
}

impl ExperienceLevel {
    /// The lowercase name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Junior => "junior",
            Self::Mid => "mid",
            Self::Senior => "senior",
            Self::Staff => "staff",
        }
    }

    /// The level that usually matches a number of years of experience.
    pub fn from_years(years: u32) -> Self {
        match years {
            0..=2 => Self::Junior,
            3..=5 => Self::Mid,
            6..=10 => Self::Senior,
            _ => Self::Staff,
        }
    }
}

impl std::fmt::Display for ExperienceLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ExperienceLevel {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "junior" => Ok(Self::Junior),
            "mid" => Ok(Self::Mid),
            "senior" => Ok(Self::Senior),
            "staff" => Ok(Self::Staff),
            _ => Err(ValidationError::NotOneOf {
                field: "experience_level",
                allowed: "junior, mid, senior, staff",
                actual: s.to_string(),
            }),
        }
    }
}

/// One job on a resume.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkExperience {
    /// Employer.
    pub company: String,
    /// Job title.
    pub title: String,
    /// Dates as written, e.g. "2019 – 2023".
    pub duration: String,
    /// What the candidate did.
    pub description: String,
}

/// One degree or course on a resume.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    /// School or university.
    pub institution: String,
    /// Degree, e.g. "BSc".
    pub degree: String,
    /// Field of study.
    pub field: String,
    /// Year of graduation as written.
    pub year: String,
}

/// What was learned from a candidate's resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeData {
    /// The candidate this resume belongs to.
    pub user_id: String,
    /// Full name, if found.
    pub name: String,
    /// Email address, if found.
    pub email: String,
    /// Calibrated level.
    pub experience_level: ExperienceLevel,
    /// Years of professional experience.
    pub years_of_experience: u32,
    /// Areas such as "backend", "distributed-systems".
    pub domain_expertise: Vec<String>,
    /// Jobs, newest first.
    pub work_experience: Vec<WorkExperience>,
    /// Degrees.
    pub education: Vec<Education>,
    /// Skills and technologies.
    pub skills: Vec<String>,
    /// The text the data was extracted from.
    pub raw_text: String,
}

impl ResumeData {
    /// Most years of experience accepted (anything more is a parsing mistake).
    pub const MAX_YEARS: u32 = 60;

    /// Checks the rules a stored resume must follow.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_user_id(&self.user_id)?;
        crate::message::check_len("name", &self.name, 200)?;
        crate::message::check_len("email", &self.email, 200)?;
        if self.years_of_experience > Self::MAX_YEARS {
            return Err(ValidationError::OutOfRange {
                field: "years_of_experience",
                min: 0.0,
                max: f64::from(Self::MAX_YEARS),
                actual: f64::from(self.years_of_experience),
            });
        }
        Ok(())
    }

    /// A profile for a candidate who gave no resume (the schema links every session to one).
    pub fn anonymous(user_id: &str) -> Self {
        Self {
            user_id: user_id.to_string(),
            name: String::new(),
            email: String::new(),
            experience_level: ExperienceLevel::Mid,
            years_of_experience: 0,
            domain_expertise: Vec::new(),
            work_experience: Vec::new(),
            education: Vec::new(),
            skills: Vec::new(),
            raw_text: String::new(),
        }
    }
}

/// Checks a user id: 1–100 characters from `[A-Za-z0-9._@-]`.
pub fn validate_user_id(user_id: &str) -> Result<(), ValidationError> {
    if user_id.is_empty() {
        return Err(ValidationError::Empty { field: "user_id" });
    }
    crate::message::check_len("user_id", user_id, MAX_USER_ID_LEN)?;
    if user_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        Ok(())
    } else {
        Err(ValidationError::UserId(user_id.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_reject() {
        assert_eq!(
            "Senior".parse::<ExperienceLevel>().ok(),
            Some(ExperienceLevel::Senior)
        );
        assert!("principal".parse::<ExperienceLevel>().is_err());
        assert!(serde_json::from_str::<ExperienceLevel>("\"lead\"").is_err());
    }

    #[test]
    fn years_map_to_levels() {
        assert_eq!(ExperienceLevel::from_years(1), ExperienceLevel::Junior);
        assert_eq!(ExperienceLevel::from_years(4), ExperienceLevel::Mid);
        assert_eq!(ExperienceLevel::from_years(8), ExperienceLevel::Senior);
        assert_eq!(ExperienceLevel::from_years(15), ExperienceLevel::Staff);
    }

    #[test]
    fn user_ids_are_checked() {
        assert!(validate_user_id("jane.doe@example.com").is_ok());
        assert!(validate_user_id("../x").is_err());
        assert!(validate_user_id("").is_err());
        assert!(validate_user_id(&"a".repeat(101)).is_err());
        let mut resume = ResumeData::anonymous("local");
        resume.years_of_experience = 99;
        assert!(resume.validate().is_err());
    }
}
