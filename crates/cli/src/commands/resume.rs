//! `mockint resume parse`: a resume read and shown (or printed as JSON).

use std::path::Path;

use mockint_app::{Settings, StartOptions};

use crate::output::{self, outln};
use crate::Failure;

pub(super) async fn parse_resume(
    options: &StartOptions,
    file: &Path,
    json: bool,
) -> Result<(), Failure> {
    let settings = Settings::resolve(options)?;
    let provider = settings.config.ai.default_provider.clone();
    let providers = settings.providers();
    let (resume, _usage) =
        mockint_app::read_resume_with(&settings, &providers, file, &provider).await?;
    if json {
        outln!("{}", output::json(&resume));
    } else {
        outln!("Name:       {}", or_dash(&resume.name));
        outln!("Email:      {}", or_dash(&resume.email));
        outln!(
            "Level:      {} ({} years)",
            resume.experience_level,
            resume.years_of_experience
        );
        outln!(
            "Domains:    {}",
            or_dash(&resume.domain_expertise.join(", "))
        );
        outln!("Skills:     {}", or_dash(&resume.skills.join(", ")));
        for job in &resume.work_experience {
            outln!(
                "Experience: {} — {} ({})",
                job.title,
                or_dash(&job.company),
                job.duration
            );
        }
    }
    Ok(())
}

fn or_dash(text: &str) -> &str {
    if text.is_empty() {
        "-"
    } else {
        text
    }
}
