//! What a model writes before an interview starts: a problem tailored to the resume, and the
//! resume itself read into [`ResumeData`]. The resume reaches the model as data under
//! [`DATA_NOTICE`], and the structured answer is asked for the provider's native way with a
//! schema derived from [`ExtractedResume`].

use mockint_core::ports::Usage;
use mockint_domain::{Education, ExperienceLevel, ResumeData, TokenOperation, WorkExperience};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use crate::guard::{strip_template_tokens, DATA_NOTICE};
use crate::llm::{ChatMessage, ChatRequest, ChatRole, Output, ProviderError};
use crate::providers::Providers;

/// Most resume text given to a model, in bytes.
const MAX_RESUME_BYTES: usize = 32 * 1024;
/// Longest generated problem kept, in bytes.
const MAX_PROBLEM_BYTES: usize = 2 * 1024;

/// The resume facts a model may see: level, years, latest role, domains and skills.
fn profile(resume: &ResumeData) -> serde_json::Value {
    json!({
        "experience_level": resume.experience_level.as_str(),
        "years_of_experience": resume.years_of_experience,
        "latest_role": resume.work_experience.first().map(|job| format!("{} at {}", job.title, job.company)),
        "domains": resume.domain_expertise,
        "skills": resume.skills.iter().take(30).collect::<Vec<_>>(),
    })
}

/// Writes a problem tailored to the resume (level, domains, years, latest role) for a
/// 45-minute interview.
pub async fn generate_problem(
    providers: &Providers,
    provider: &str,
    model: &str,
    resume: &ResumeData,
) -> Result<(String, Usage), ProviderError> {
    let request = ChatRequest {
        model: model.to_string(),
        system: format!("You write system-design interview problems. {DATA_NOTICE}"),
        messages: vec![ChatMessage::text(
            ChatRole::User,
            format!(
                "Write one system-design interview problem for the candidate described by this data.\n\
                 DATA: {}\n\
                 The problem must match the level, relate to their domains, fit a 45-minute interview and cover scalability, reliability and trade-offs.\n\
                 Answer with the title on the first line (\"Design …\") and a 2-3 sentence statement with the expected scale.",
                profile(resume)
            ),
        )],
        max_tokens: 300,
        temperature: 0.7,
        output: Output::Text,
    };
    let (text, usage) = providers
        .call(provider, &request, TokenOperation::ProblemGeneration, None)
        .await?;
    let mut text = strip_template_tokens(&text);
    if text.len() > MAX_PROBLEM_BYTES {
        let mut end = MAX_PROBLEM_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    if text.split_whitespace().count() < 4 {
        return Err(ProviderError::new(
            "mockint",
            "the generated problem was empty",
            true,
        ));
    }
    Ok((text, usage))
}

/// A job as the model reads it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractedJob {
    /// Employer.
    pub company: String,
    /// Job title.
    pub title: String,
    /// E.g. "2019–2023".
    pub duration: String,
    /// One sentence.
    pub description: String,
}

/// A degree as the model reads it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractedEducation {
    /// School.
    pub institution: String,
    /// Degree.
    pub degree: String,
    /// Field of study.
    pub field: String,
    /// Year of graduation.
    pub year: String,
}

/// The level as the model must spell it.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExtractedLevel {
    /// Fewer than 3 years.
    Junior,
    /// 3–5 years.
    Mid,
    /// 6–10 years.
    Senior,
    /// More than 10 years, or a Staff/Principal title.
    Staff,
}

/// The model's reading of a resume.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractedResume {
    /// The candidate's name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// junior < 3 years, mid 3–5, senior 6–10, staff > 10 (titles such as Staff or Principal
    /// count).
    pub experience_level: ExtractedLevel,
    /// Professional years, internships excluded.
    pub years_of_experience: u32,
    /// From: backend, frontend, distributed-systems, cloud, data, ml, mobile, storage,
    /// infrastructure, fintech, security.
    pub domain_expertise: Vec<String>,
    /// Jobs, newest first.
    pub work_experience: Vec<ExtractedJob>,
    /// Degrees.
    pub education: Vec<ExtractedEducation>,
    /// Technologies and skills.
    pub skills: Vec<String>,
}

/// Extracts a resume into [`ResumeData`] with a model; the deterministic profile is the
/// answer if the model fails or its answer does not validate.
pub async fn extract_resume(
    providers: &Providers,
    provider: &str,
    model: &str,
    fallback: &ResumeData,
) -> (ResumeData, Vec<Usage>) {
    let mut text = fallback.raw_text.clone();
    if text.len() > MAX_RESUME_BYTES {
        let mut end = MAX_RESUME_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    let request = ChatRequest {
        model: model.to_string(),
        system: format!("You extract structured data from resumes. {DATA_NOTICE}"),
        messages: vec![ChatMessage::text(
            ChatRole::User,
            format!(
                "Extract the resume in this data.\nDATA: {}",
                json!({ "resume_text": text })
            ),
        )],
        max_tokens: 1500,
        temperature: 0.0,
        output: Output::schema::<ExtractedResume>("resume"),
    };
    let mut usage = Vec::new();
    match providers
        .call(provider, &request, TokenOperation::ResumeParsing, None)
        .await
    {
        Ok((answer, used)) => {
            usage.push(used);
            match merge_resume(&answer, fallback) {
                Ok(resume) => return (resume, usage),
                Err(problem) => {
                    tracing::warn!(%problem, "model resume extraction invalid; using the deterministic profile")
                }
            }
        }
        Err(error) => {
            tracing::warn!(%error, "model resume extraction failed; using the deterministic profile")
        }
    }
    (fallback.clone(), usage)
}

/// Validates the model's resume and keeps the identity and raw text from the original.
fn merge_resume(text: &str, fallback: &ResumeData) -> Result<ResumeData, String> {
    let answer: ExtractedResume = serde_json::from_str(text.trim())
        .map_err(|error| format!("does not match the schema ({error})"))?;
    let resume = ResumeData {
        user_id: fallback.user_id.clone(),
        name: if answer.name.trim().is_empty() {
            fallback.name.clone()
        } else {
            answer.name
        },
        email: if answer.email.trim().is_empty() {
            fallback.email.clone()
        } else {
            answer.email
        },
        experience_level: match answer.experience_level {
            ExtractedLevel::Junior => ExperienceLevel::Junior,
            ExtractedLevel::Mid => ExperienceLevel::Mid,
            ExtractedLevel::Senior => ExperienceLevel::Senior,
            ExtractedLevel::Staff => ExperienceLevel::Staff,
        },
        years_of_experience: answer.years_of_experience,
        domain_expertise: answer.domain_expertise.into_iter().take(20).collect(),
        work_experience: answer
            .work_experience
            .into_iter()
            .take(30)
            .map(|job| WorkExperience {
                company: job.company,
                title: job.title,
                duration: job.duration,
                description: job.description,
            })
            .collect(),
        education: answer
            .education
            .into_iter()
            .take(10)
            .map(|e| Education {
                institution: e.institution,
                degree: e.degree,
                field: e.field,
                year: e.year,
            })
            .collect(),
        skills: answer.skills.into_iter().take(100).collect(),
        raw_text: fallback.raw_text.clone(),
    };
    resume.validate().map_err(|error| error.to_string())?;
    Ok(resume)
}
