//! Rubric coverage: which concepts of a problem's rubric the candidate has covered, with
//! verbatim evidence. Shared by the offline interviewer (to choose follow-ups) and the
//! evaluator (to score), so both read the transcript the same way.

use std::collections::BTreeMap;

use mockint_domain::{Competency, Message, Role};

use crate::competencies::{CompetencyGuide, COMPETENCIES};
use crate::problems::Problem;

/// Longest evidence quote, in bytes (quotes are cut at a character boundary, never altered).
const QUOTE_BYTES: usize = 280;
/// Words that show reasoning rather than keyword listing.
const REASONING: &[&str] = &[
    "because",
    "so that",
    "which means",
    "therefore",
    "since",
    "otherwise",
    "the downside",
    "at the cost of",
    "in exchange",
];

/// What the candidate showed for one competency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompetencyCoverage {
    /// General signals found (e.g. "shard", "replica").
    pub signals: Vec<&'static str>,
    /// Problem-rubric concepts covered (their first name).
    pub concepts: Vec<&'static str>,
    /// Problem-rubric concepts not yet covered.
    pub missing_concepts: Vec<&'static str>,
    /// Verbatim quotes from the candidate's turns, strongest first.
    pub evidence: Vec<String>,
    /// Whether any evidence sentence gives a reason.
    pub reasoning: bool,
    /// Words in the turns that showed this competency.
    pub words: usize,
}

impl CompetencyCoverage {
    /// Whether anything was shown.
    pub fn addressed(&self) -> bool {
        !self.signals.is_empty() || !self.concepts.is_empty()
    }

    /// Distinct things shown (signals plus concepts).
    pub fn breadth(&self) -> usize {
        self.signals.len() + self.concepts.len()
    }
}

/// Coverage of every competency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Per competency, in interview order.
    pub competencies: BTreeMap<Competency, CompetencyCoverage>,
    /// Number of candidate turns read.
    pub turns: usize,
}

impl Coverage {
    /// The coverage of one competency (empty if nothing was read).
    pub fn of(&self, competency: Competency) -> CompetencyCoverage {
        self.competencies
            .get(&competency)
            .cloned()
            .unwrap_or_default()
    }

    /// Share of competencies addressed, 0–1.
    pub fn ratio(&self) -> f64 {
        let addressed = self.competencies.values().filter(|c| c.addressed()).count();
        addressed as f64 / COMPETENCIES.len() as f64
    }
}

/// Reads the candidate's turns against the general competencies and the problem's rubric.
pub fn analyze(problem: Option<&Problem>, history: &[Message]) -> Coverage {
    let answers: Vec<&Message> = history
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .collect();
    let mut competencies = BTreeMap::new();
    for guide in COMPETENCIES {
        let concepts: Vec<&'static str> = problem
            .map(|p| {
                p.concepts
                    .iter()
                    .filter(|(competency, _)| *competency == guide.competency)
                    .map(|(_, concept)| *concept)
                    .collect()
            })
            .unwrap_or_default();
        competencies.insert(guide.competency, cover(guide, &concepts, &answers));
    }
    Coverage {
        competencies,
        turns: answers.len(),
    }
}

fn cover(
    competency: &CompetencyGuide,
    concepts: &[&'static str],
    answers: &[&Message],
) -> CompetencyCoverage {
    let mut coverage = CompetencyCoverage::default();
    let mut scored: Vec<(usize, String)> = Vec::new();
    for answer in answers {
        let mut hits_in_answer = 0;
        for sentence in sentences(&answer.content) {
            let lower = sentence.to_lowercase();
            let mut hits = 0;
            for signal in competency.signals {
                if starts_a_word(&lower, signal) {
                    hits += 1;
                    if !coverage.signals.contains(signal) {
                        coverage.signals.push(signal);
                    }
                }
            }
            for concept in concepts {
                if concept.split('|').any(|alt| starts_a_word(&lower, alt)) {
                    hits += 2;
                    let name = concept_name(concept);
                    if !coverage.concepts.contains(&name) {
                        coverage.concepts.push(name);
                    }
                }
            }
            if hits > 0 {
                coverage.reasoning |= REASONING.iter().any(|r| starts_a_word(&lower, r));
                scored.push((hits, quote(sentence)));
                hits_in_answer += hits;
            }
        }
        if hits_in_answer > 0 {
            coverage.words += answer.content.split_whitespace().count();
        }
    }
    scored.sort_by_key(|(hits, _)| std::cmp::Reverse(*hits));
    for (_, quote) in scored {
        if coverage.evidence.len() == 3 {
            break;
        }
        if !coverage.evidence.contains(&quote) {
            coverage.evidence.push(quote);
        }
    }
    coverage.missing_concepts = concepts
        .iter()
        .map(|c| concept_name(c))
        .filter(|name| !coverage.concepts.contains(name))
        .collect();
    coverage
}

/// The display name of a rubric concept ("base62|base 62" → "base62").
pub fn concept_name(concept: &'static str) -> &'static str {
    concept.split('|').next().unwrap_or(concept)
}

/// Whether `needle` occurs in `haystack` at the start of a word (so "api" does not match
/// "rapid" while the stem "idempot" matches "idempotent"). Short needles (three characters
/// or fewer, like "slo" or "cdn") must be whole words, so "slo" does not match "slow".
pub(crate) fn starts_a_word(haystack: &str, needle: &str) -> bool {
    occurrences(haystack, needle).next().is_some()
}

/// Byte offsets where `needle` occurs as [`starts_a_word`] reads it.
pub(crate) fn occurrences<'a>(
    haystack: &'a str,
    needle: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let whole_word = needle.trim().chars().count() <= 3;
    haystack
        .match_indices(needle)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let starts = needle.starts_with(' ')
                || !haystack[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
            let ends = !whole_word
                || !haystack[at + needle.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            starts && ends
        })
}

/// Splits text into sentences, returning verbatim slices (trimmed of surrounding spaces).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let end_of_sentence = match c {
            '\n' => true,
            '.' | '!' | '?' | ';' => bytes
                .get(i + 1)
                .is_none_or(|next| next.is_ascii_whitespace()),
            _ => false,
        };
        if end_of_sentence {
            let piece = text[start..=i].trim();
            if !piece.is_empty() {
                out.push(piece);
            }
            start = i + c.len_utf8();
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// A verbatim quote of at most [`QUOTE_BYTES`], cut at a character boundary.
fn quote(sentence: &str) -> String {
    if sentence.len() <= QUOTE_BYTES {
        return sentence.to_string();
    }
    let mut end = QUOTE_BYTES;
    while !sentence.is_char_boundary(end) {
        end -= 1;
    }
    sentence[..end].trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_verbatim_slices() {
        let text = "We shard by user id. Then replicate!  Use v1.2 of the API\nnext line";
        assert_eq!(
            sentences(text),
            [
                "We shard by user id.",
                "Then replicate!",
                "Use v1.2 of the API",
                "next line"
            ]
        );
    }

    #[test]
    fn short_signals_are_whole_words_and_stems_match_words() {
        assert!(!starts_a_word("it gets slow", "slo"));
        assert!(starts_a_word("our slo is 99.9%", "slo"));
        assert!(!starts_a_word("rapid growth", "api"));
        assert!(starts_a_word("make it idempotent", "idempot"));
        assert!(starts_a_word("we shard the table", "shard"));
    }

    #[test]
    fn quotes_never_alter_text() {
        let long = "é".repeat(200);
        let cut = quote(&long);
        assert!(long.starts_with(&cut));
        assert!(cut.len() <= QUOTE_BYTES);
    }
}
