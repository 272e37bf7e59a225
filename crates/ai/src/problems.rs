//! The problem bank and how a problem is chosen for a candidate.

use domain::{ExperienceLevel, ResumeData};

/// A system-design problem from the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    /// Short title, e.g. "Design a URL shortener".
    pub title: &'static str,
    /// What the interviewer presents.
    pub statement: &'static str,
    /// Levels it suits.
    pub levels: &'static [ExperienceLevel],
    /// Domains it relates to.
    pub domains: &'static [&'static str],
    /// Words that name it in a request ("url shortener", "tinyurl").
    pub keywords: &'static [&'static str],
}

use ExperienceLevel::{Junior, Mid, Senior, Staff};

/// The built-in problems.
pub const BANK: &[Problem] = &[
    Problem {
        title: "Design a URL shortener",
        statement: "Design a URL shortening service like bit.ly: users submit a long URL and get a short link that redirects to it. Expect about 100 million new links a month and far more redirects than creations.",
        levels: &[Junior, Mid, Senior],
        domains: &["backend", "web"],
        keywords: &["url shortener", "shorten", "tinyurl", "bit.ly", "short link"],
    },
    Problem {
        title: "Design a chat system",
        statement: "Design a chat application like WhatsApp or Slack supporting one-to-one and group conversations, online presence and message history across devices, for 50 million daily active users.",
        levels: &[Mid, Senior, Staff],
        domains: &["backend", "distributed-systems", "mobile", "real-time"],
        keywords: &["chat", "messaging", "whatsapp", "slack", "messenger"],
    },
    Problem {
        title: "Design a news feed",
        statement: "Design the home news feed of a social network: users follow others and see a ranked feed of their posts. 300 million daily users, each loading the feed several times a day.",
        levels: &[Mid, Senior, Staff],
        domains: &["backend", "distributed-systems", "ml"],
        keywords: &["news feed", "feed", "timeline", "twitter", "instagram"],
    },
    Problem {
        title: "Design a rate limiter",
        statement: "Design a distributed rate limiter that API gateways consult on every request to enforce per-user and per-endpoint limits, adding at most a few milliseconds of latency.",
        levels: &[Junior, Mid, Senior],
        domains: &["backend", "infrastructure", "distributed-systems"],
        keywords: &["rate limiter", "rate limiting", "throttl"],
    },
    Problem {
        title: "Design a distributed key-value store",
        statement: "Design a distributed key-value store like DynamoDB or Cassandra with tunable consistency, horizontal scaling to petabytes and no single point of failure.",
        levels: &[Senior, Staff],
        domains: &["storage", "distributed-systems", "infrastructure", "databases"],
        keywords: &["key-value", "key value", "kv store", "dynamo", "cassandra"],
    },
    Problem {
        title: "Design a video streaming platform",
        statement: "Design a video platform like YouTube: creators upload videos that are transcoded and streamed to viewers worldwide with adaptive bitrate.",
        levels: &[Senior, Staff],
        domains: &["media", "backend", "infrastructure", "cdn"],
        keywords: &["video", "youtube", "netflix", "streaming"],
    },
    Problem {
        title: "Design an autocomplete service",
        statement: "Design search-as-you-type suggestions for a search box: as the user types, show the top 10 completions within 100 ms, updated as popular queries change.",
        levels: &[Junior, Mid, Senior],
        domains: &["frontend", "search", "backend"],
        keywords: &["autocomplete", "typeahead", "search suggestions", "type ahead"],
    },
    Problem {
        title: "Design a payment system",
        statement: "Design the payment backend of an e-commerce company: charge customers through external payment providers, never charge twice, and keep a ledger that reconciles with the providers daily.",
        levels: &[Senior, Staff],
        domains: &["fintech", "backend", "distributed-systems"],
        keywords: &["payment", "checkout", "ledger", "stripe", "billing"],
    },
];

/// The problem chosen for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenProblem {
    /// The bank problem it is, if any.
    pub title: Option<&'static str>,
    /// The statement to present.
    pub statement: String,
}

/// Chooses the problem: the bank problem a request names (by title or keyword), the request
/// itself when it names none, or the best fit for the resume (level, then domains).
pub fn choose(requested: Option<&str>, resume: Option<&ResumeData>) -> ChosenProblem {
    if let Some(request) = requested.map(str::trim).filter(|r| !r.is_empty()) {
        return match find(request) {
            Some(problem) => from_bank(problem),
            None => ChosenProblem {
                title: None,
                statement: request.to_string(),
            },
        };
    }
    let best = resume.and_then(|resume| {
        BANK.iter()
            .filter(|p| p.levels.contains(&resume.experience_level))
            .max_by_key(|p| {
                let overlap = p
                    .domains
                    .iter()
                    .filter(|d| {
                        resume
                            .domain_expertise
                            .iter()
                            .any(|e| e.eq_ignore_ascii_case(d))
                    })
                    .count();
                // Prefer overlap; among equals keep the earlier (stable) problem.
                (
                    overlap,
                    std::cmp::Reverse(BANK.iter().position(|q| q == *p)),
                )
            })
    });
    from_bank(best.unwrap_or(&BANK[0]))
}

/// The bank problem a request names, by title or keyword.
pub fn find(request: &str) -> Option<&'static Problem> {
    let request = request.to_lowercase();
    BANK.iter().find(|problem| {
        request.contains(&problem.title.to_lowercase())
            || problem
                .keywords
                .iter()
                .any(|keyword| request.contains(keyword))
    })
}

fn from_bank(problem: &'static Problem) -> ChosenProblem {
    ChosenProblem {
        title: Some(problem.title),
        statement: format!("{}. {}", problem.title, problem.statement),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_pick_bank_problems_by_title_or_keyword() {
        assert_eq!(
            choose(Some("Design a URL shortener"), None).title,
            Some("Design a URL shortener")
        );
        assert_eq!(
            choose(Some("design a chat system"), None).title,
            Some("Design a chat system")
        );
        assert_eq!(
            choose(Some("something like TinyURL"), None).title,
            Some("Design a URL shortener")
        );
    }

    #[test]
    fn unknown_requests_are_kept_verbatim() {
        let chosen = choose(Some("Design a parking garage"), None);
        assert_eq!(chosen.title, None);
        assert_eq!(chosen.statement, "Design a parking garage");
    }

    #[test]
    fn resumes_steer_the_choice() {
        let mut resume = ResumeData::anonymous("u");
        resume.experience_level = ExperienceLevel::Staff;
        resume.domain_expertise = vec!["storage".into(), "databases".into()];
        assert_eq!(
            choose(None, Some(&resume)).title,
            Some("Design a distributed key-value store")
        );
        resume.experience_level = ExperienceLevel::Junior;
        resume.domain_expertise = vec!["frontend".into()];
        assert_eq!(
            choose(None, Some(&resume)).title,
            Some("Design an autocomplete service")
        );
        assert_eq!(choose(None, None).title, Some("Design a URL shortener"));
    }
}
