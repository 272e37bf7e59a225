//! A deterministic first pass over resume text: name, email, jobs with dates, years of
//! experience, level, domains and skills.

use std::sync::LazyLock;

use mockint_domain::{ExperienceLevel, ResumeData, WorkExperience};
use regex::Regex;

/// A regex from one of the constant patterns below (each is compiled by the tests, so this
/// cannot fail on user data).
#[allow(
    clippy::expect_used,
    reason = "constant patterns, each compiled by a test"
)]
fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("a constant pattern compiles")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"));
static STATED_YEARS: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(\d{1,2})\+?\s*(?:years|yrs)\b"));
static DEGREE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(BSc|BS|B\.S\.|BA|BEng|MSc|MS|M\.S\.|MEng|MBA|PhD|Ph\.D\.|Bachelor(?:'s)?|Master(?:'s)?|Doctorate)\b",
    )
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:19|20)\d{2}\b"));
static DATE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)\b((?:19|20)\d{2})\s*(?:-|–|—|to)\s*((?:19|20)\d{2}|present|current|now|today)\b")
});

/// The current year for "present" in date ranges (kept simple and deterministic).
const CURRENT_YEAR: u32 = 2026;

const DOMAINS: &[(&str, &[&str])] = &[
    (
        "backend",
        &["backend", "back-end", "api", "microservice", "server-side"],
    ),
    (
        "frontend",
        &[
            "frontend",
            "front-end",
            "react",
            "vue",
            "angular",
            "css",
            "ui ",
        ],
    ),
    (
        "distributed-systems",
        &["distributed", "consensus", "replication", "kafka", "raft"],
    ),
    ("cloud", &["aws", "gcp", "azure", "kubernetes", "cloud"]),
    (
        "data",
        &[
            "data pipeline",
            "etl",
            "spark",
            "warehouse",
            "analytics",
            "airflow",
        ],
    ),
    (
        "ml",
        &[
            "machine learning",
            "ml ",
            "model training",
            "pytorch",
            "tensorflow",
        ],
    ),
    ("mobile", &["ios", "android", "mobile", "swift", "kotlin"]),
    (
        "storage",
        &["storage", "database internals", "file system", "rocksdb"],
    ),
    (
        "infrastructure",
        &[
            "infrastructure",
            "sre",
            "devops",
            "terraform",
            "platform team",
        ],
    ),
    (
        "fintech",
        &["payments", "fintech", "banking", "ledger", "trading"],
    ),
    (
        "security",
        &["security", "authentication", "oauth", "cryptography"],
    ),
];

const SKILLS: &[&str] = &[
    "Rust",
    "Go",
    "Java",
    "Python",
    "C++",
    "TypeScript",
    "JavaScript",
    "Kotlin",
    "Swift",
    "Scala",
    "PostgreSQL",
    "MySQL",
    "Redis",
    "Cassandra",
    "DynamoDB",
    "MongoDB",
    "Elasticsearch",
    "Kafka",
    "RabbitMQ",
    "Kubernetes",
    "Docker",
    "Terraform",
    "AWS",
    "GCP",
    "Azure",
    "gRPC",
    "GraphQL",
    "React",
    "Spark",
    "Airflow",
];

/// Extracts a profile from resume text for `user_id`.
pub fn extract_profile(text: &str, user_id: &str) -> ResumeData {
    let lower = text.to_lowercase();
    let work_experience = jobs(text);
    let years = years_of_experience(text);
    ResumeData {
        user_id: user_id.to_string(),
        name: name(text),
        email: EMAIL
            .find(text)
            .map(|m| m.as_str().chars().take(200).collect())
            .unwrap_or_default(),
        experience_level: level(years, &lower),
        years_of_experience: years,
        domain_expertise: DOMAINS
            .iter()
            .filter(|(_, words)| words.iter().any(|w| contains_word(&lower, w.trim())))
            .map(|(domain, _)| domain.to_string())
            .collect(),
        work_experience,
        education: education(text),
        skills: SKILLS
            .iter()
            .filter(|skill| contains_word(&lower, &skill.to_lowercase()))
            .map(|skill| skill.to_string())
            .collect(),
        raw_text: text.to_string(),
    }
}

/// The first short line made of capitalised words, taken as the name.
fn name(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(5)
        .find(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            (2..=4).contains(&words.len())
                && words.iter().all(|w| {
                    w.chars().next().is_some_and(char::is_uppercase)
                        && w.chars().all(|c| c.is_alphabetic() || "-.'".contains(c))
                })
        })
        .map(|line| line.chars().take(200).collect())
        .unwrap_or_default()
}

/// The larger of the years stated ("8 years") and the span of the date ranges.
fn years_of_experience(text: &str) -> u32 {
    let stated = STATED_YEARS
        .captures_iter(text)
        .filter_map(|c| c.get(1)?.as_str().parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    // Internships do not count as professional experience.
    let ranges: Vec<(u32, u32)> = text
        .lines()
        .filter(|line| !line.to_lowercase().contains("intern"))
        .flat_map(|line| {
            DATE_RANGE
                .captures_iter(line)
                .filter_map(|c| range(&c))
                .collect::<Vec<_>>()
        })
        .collect();
    let spanned = match (
        ranges.iter().map(|r| r.0).min(),
        ranges.iter().map(|r| r.1).max(),
    ) {
        (Some(start), Some(end)) if end >= start => end - start,
        _ => 0,
    };
    stated.max(spanned).min(ResumeData::MAX_YEARS)
}

fn range(captures: &regex::Captures<'_>) -> Option<(u32, u32)> {
    let start = captures.get(1)?.as_str().parse().ok()?;
    let end = match captures.get(2)?.as_str().parse() {
        Ok(year) => year,
        Err(_) => CURRENT_YEAR,
    };
    (start <= end && end <= CURRENT_YEAR).then_some((start, end))
}

/// Level from years, moved by titles (Staff/Principal up, Intern/Junior down).
fn level(years: u32, lower: &str) -> ExperienceLevel {
    let by_years = ExperienceLevel::from_years(years);
    if ["staff engineer", "principal", "distinguished"]
        .iter()
        .any(|t| lower.contains(t))
    {
        ExperienceLevel::Staff
    } else if lower.contains("senior") || lower.contains("sr. ") {
        let floor = if years >= 4 {
            ExperienceLevel::Senior
        } else {
            ExperienceLevel::Mid
        };
        by_years.max(floor)
    } else if (lower.contains("intern") || lower.contains("junior")) && years < 3 {
        ExperienceLevel::Junior
    } else {
        by_years
    }
}

/// Lines with a date range become jobs: "Title, Company (2019 – 2023)".
fn jobs(text: &str) -> Vec<WorkExperience> {
    text.lines()
        .filter_map(|line| {
            let found = DATE_RANGE.find(line)?;
            let head = line[..found.start()]
                .trim()
                .trim_end_matches(['(', ',', '|', '-', '–'])
                .trim();
            let (title, company) = match head.split_once(" at ").or_else(|| head.split_once(", ")) {
                Some((title, company)) => (title.trim(), company.trim()),
                None => (head, ""),
            };
            Some(WorkExperience {
                company: company.to_string(),
                title: title.to_string(),
                duration: found.as_str().to_string(),
                description: String::new(),
            })
        })
        .take(20)
        .collect()
}

/// Lines naming a degree become education entries: "BSc Computer Science, University, 2016".
fn education(text: &str) -> Vec<mockint_domain::Education> {
    text.lines()
        .filter_map(|line| {
            let degree = DEGREE.find(line)?;
            let year = YEAR
                .find(line)
                .map(|m| m.as_str().to_string())
                .unwrap_or_default();
            let rest = line[degree.end()..]
                .trim()
                .trim_start_matches([',', ' ', '-']);
            let mut parts = rest
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && !YEAR.is_match(p));
            let field = parts
                .next()
                .unwrap_or_default()
                .trim_start_matches("in ")
                .to_string();
            let institution = parts.next().unwrap_or_default().to_string();
            Some(mockint_domain::Education {
                institution,
                degree: degree.as_str().to_string(),
                field,
                year,
            })
        })
        .take(10)
        .collect()
}

fn contains_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESUME: &str = "Jane Q Doe\njane.doe@example.com\n\nSenior Software Engineer at Acme Corp (2017 – present)\nBuilt backend APIs in Rust and Go on AWS with Kafka and PostgreSQL.\nSoftware Engineer, Initech | 2014 - 2017\n";

    #[test]
    fn extracts_the_basics() {
        let profile = extract_profile(RESUME, "local");
        assert_eq!(profile.name, "Jane Q Doe");
        assert_eq!(profile.email, "jane.doe@example.com");
        assert_eq!(profile.years_of_experience, 12);
        assert_eq!(profile.experience_level, ExperienceLevel::Staff);
        assert!(profile.skills.contains(&"Rust".to_string()));
        assert!(profile.skills.contains(&"Go".to_string()));
        assert!(!profile.skills.contains(&"Java".to_string()));
        assert!(profile.domain_expertise.contains(&"backend".to_string()));
        assert_eq!(profile.work_experience.len(), 2);
        assert_eq!(profile.work_experience[0].company, "Acme Corp");
        assert_eq!(profile.work_experience[1].title, "Software Engineer");
        let degree =
            extract_profile("BSc Computer Science, University of Toronto, 2014", "u").education;
        assert_eq!(degree.len(), 1);
        assert_eq!(degree[0].degree, "BSc");
        assert_eq!(degree[0].field, "Computer Science");
        assert_eq!(degree[0].institution, "University of Toronto");
        assert_eq!(degree[0].year, "2014");
    }

    #[test]
    fn titles_adjust_levels() {
        assert_eq!(
            extract_profile("Intern at X 2025 - 2026", "u").experience_level,
            ExperienceLevel::Junior
        );
        assert_eq!(
            extract_profile("Principal Engineer, 4 years", "u").experience_level,
            ExperienceLevel::Staff
        );
        assert_eq!(
            extract_profile("I have 4 years of experience", "u").experience_level,
            ExperienceLevel::Mid
        );
    }
}
