//! Design decisions: what the candidate *decided*, read from their own words with the
//! [decision library](crate::decision_library). The offline interviewer probes them, the
//! evaluator judges them, and both read an answer the same way.
//!
//! A decision is found per sentence, so its quote is always a verbatim sentence of the
//! candidate's answer. Matching is deliberately plain (word-start terms that must occur in
//! one sentence, with a short negation window): every rule can be read in the library and
//! tested against the example and near-miss sentences written beside it. No crate does
//! this kind of rule matching over a hand-written library better than these few lines.

use mockint_domain::{Competency, Message, Role};
use serde::Serialize;

use crate::analysis::{occurrences, sentences, starts_a_word};
use crate::decision_library::LIBRARY;

/// How a decision bears on the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// Good practice: positive evidence for its competency.
    Sound,
    /// A legitimate choice whose consequences are worth probing.
    Choice,
    /// A wrong or unsupported claim: challenged with a question, counted against its
    /// competency.
    Flawed,
}

/// One entry of the decision library (see `decision_library.rs` for the grammar of cues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionPattern {
    /// Stable id, e.g. `redirect_301`.
    pub id: &'static str,
    /// Problems it applies to, by a phrase of their title; empty: every problem.
    pub problems: &'static [&'static str],
    /// The competency it bears on.
    pub competency: Competency,
    /// The decision as a noun phrase, for the report.
    pub label: &'static str,
    /// How a candidate says it: terms joined by ` + ` (all in one sentence), alternatives
    /// joined by ` / `.
    pub cues: &'static [&'static str],
    /// How it bears on the evaluation.
    pub stance: Stance,
    /// Questions of rising depth that name the decision.
    pub probes: &'static [&'static str],
    /// Why it matters (one clause, no final period).
    pub why: &'static str,
    /// For a choice: cues anywhere in the candidate's answers that make it a mistake.
    pub conflicts: &'static [&'static str],
    /// For a flaw: cues that show the candidate corrected it after the challenge.
    pub fixes: &'static [&'static str],
    /// The main alternative, for "why not …?" questions; empty if none.
    pub alternative: &'static str,
    /// Sentences that must be recognised.
    pub examples: &'static [&'static str],
    /// Similar sentences that must not be.
    pub near_misses: &'static [&'static str],
}

impl DecisionPattern {
    /// Whether the pattern applies to a problem, given its title (or statement) in lower case.
    pub fn applies_to(&self, problem: &str) -> bool {
        self.problems.is_empty() || self.problems.iter().any(|p| problem.contains(p))
    }

    /// Whether any cue matches one sentence (any case).
    pub fn matches(&self, sentence: &str) -> bool {
        let lower = sentence.to_lowercase();
        self.cues.iter().any(|cue| cue_matches(&lower, cue))
    }

    /// Whether any sentence of a whole answer states the decision.
    pub fn matches_any(&self, text: &str) -> bool {
        self.sentence_in(text).is_some()
    }

    /// The first sentence of `text` that states the decision, verbatim.
    pub fn sentence_in<'t>(&self, text: &'t str) -> Option<&'t str> {
        sentences(text)
            .into_iter()
            .find(|sentence| self.matches(sentence))
    }

    /// Whether any of `cues` matches a sentence of `text`.
    fn any_sentence(cues: &[&str], text: &str) -> bool {
        sentences(text).into_iter().any(|sentence| {
            let lower = sentence.to_lowercase();
            cues.iter().any(|cue| cue_matches(&lower, cue))
        })
    }
}

/// A decision found in one of the candidate's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The library entry.
    pub pattern: &'static DecisionPattern,
    /// The sentence that states it, verbatim.
    pub quote: String,
    /// Which candidate answer it is in (0 = the first).
    pub answer: usize,
}

impl Decision {
    /// The stance once the whole conversation is known: a choice that conflicts with what
    /// the candidate asked for elsewhere is a flaw; a flaw mitigated in the very answer that
    /// states it (a single instance "with a standby replica") is only a choice.
    pub fn stance_in(&self, answers: &[&str]) -> Stance {
        match self.pattern.stance {
            Stance::Flawed
                if answers
                    .get(self.answer)
                    .is_some_and(|a| DecisionPattern::any_sentence(self.pattern.fixes, a)) =>
            {
                Stance::Choice
            }
            Stance::Choice
                if answers
                    .iter()
                    .any(|a| DecisionPattern::any_sentence(self.pattern.conflicts, a)) =>
            {
                Stance::Flawed
            }
            stance => stance,
        }
    }

    /// Whether the candidate corrected a flaw in an answer after `self.answer`.
    pub fn corrected_in(&self, answers: &[&str]) -> bool {
        answers
            .iter()
            .skip(self.answer + 1)
            .any(|a| DecisionPattern::any_sentence(self.pattern.fixes, a))
    }
}

/// The decisions of every candidate answer, in order (the per-session decision log).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionLog {
    /// Every decision found, in the order stated (one per pattern: the first statement).
    pub decisions: Vec<Decision>,
    /// The candidate's answers, oldest first.
    pub answers: Vec<String>,
}

impl DecisionLog {
    /// Reads every candidate answer of `history` for a problem (its title or statement).
    pub fn read(problem: &str, history: &[Message]) -> Self {
        let problem = problem.to_lowercase();
        let answers: Vec<String> = history
            .iter()
            .filter(|m| m.role == Role::Candidate)
            .map(|m| m.content.clone())
            .collect();
        let mut decisions: Vec<Decision> = Vec::new();
        for (index, answer) in answers.iter().enumerate() {
            for decision in extract(&problem, answer, index) {
                if !decisions
                    .iter()
                    .any(|d| d.pattern.id == decision.pattern.id)
                {
                    decisions.push(decision);
                }
            }
        }
        Self { decisions, answers }
    }

    /// The answers as string slices.
    pub fn answer_texts(&self) -> Vec<&str> {
        self.answers.iter().map(String::as_str).collect()
    }

    /// Decisions first stated in answer `index`.
    pub fn in_answer(&self, index: usize) -> impl Iterator<Item = &Decision> {
        self.decisions.iter().filter(move |d| d.answer == index)
    }

    /// The decisions of the latest answer.
    pub fn latest(&self) -> impl Iterator<Item = &Decision> {
        let last = self.answers.len().checked_sub(1);
        self.decisions
            .iter()
            .filter(move |d| Some(d.answer) == last)
    }

    /// The stance of a decision in this conversation.
    pub fn stance(&self, decision: &Decision) -> Stance {
        decision.stance_in(&self.answer_texts())
    }

    /// Whether a flaw was corrected later in the conversation.
    pub fn corrected(&self, decision: &Decision) -> bool {
        decision.corrected_in(&self.answer_texts())
    }

    /// The log as hidden notes: id, label, stance, competency, answer and quote.
    pub fn notes(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.decisions
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "id": d.pattern.id,
                        "decision": d.pattern.label,
                        "stance": self.stance(d),
                        "competency": d.pattern.competency,
                        "answer": d.answer + 1,
                        "quote": d.quote,
                    })
                })
                .collect(),
        )
    }
}

/// The decisions stated in one answer (one per pattern, with the first sentence stating it),
/// among the patterns that apply to `problem` (lower case).
pub fn extract(problem: &str, answer: &str, index: usize) -> Vec<Decision> {
    let mut found: Vec<Decision> = Vec::new();
    for sentence in sentences(answer) {
        let lower = sentence.to_lowercase();
        for pattern in LIBRARY.iter().filter(|p| p.applies_to(problem)) {
            if found.iter().any(|d| d.pattern.id == pattern.id) {
                continue;
            }
            if pattern.cues.iter().any(|cue| cue_matches(&lower, cue)) {
                found.push(Decision {
                    pattern,
                    quote: sentence.to_string(),
                    answer: index,
                });
            }
        }
    }
    found
}

/// Words that negate what follows them within [`NEGATION_WINDOW`] words.
const NEGATIONS: &[&str] = &["not", "no", "never", "without", "avoid", "avoiding"];
/// Two-word negations.
const NEGATION_PHRASES: &[&str] = &["instead of", "rather than"];
/// Verbs that make a following "over" mean "rather than".
const PREFERENCES: &[&str] = &["pick", "chose", "choose", "prefer", "favo"];
/// How many words before a term a negation reaches.
const NEGATION_WINDOW: usize = 4;

/// Whether a cue matches a lower-case sentence: every ` + ` term occurs in it, and the first
/// term occurs at least once without a negation just before it (unless the cue itself says
/// the negation).
pub fn cue_matches(sentence: &str, cue: &str) -> bool {
    let cue = cue.to_lowercase();
    let mut terms = cue.split(" + ").map(str::trim);
    let Some(first) = terms.next() else {
        return false;
    };
    if !terms.all(|term| term_occurs(sentence, term)) {
        return false;
    }
    // Every mention of the first term must be free of negation: a sentence that rejects an
    // option ("302 over 301", "not a 301") and then reasons about it is not choosing it.
    let positions: Vec<usize> = alternatives(first)
        .flat_map(|alt| occurrences(sentence, alt).collect::<Vec<_>>())
        .collect();
    !positions.is_empty() && positions.iter().all(|at| !negated(&sentence[..*at], &cue))
}

/// Whether a cue matches a lower-case sentence whatever negation precedes it ("we can't
/// charge twice" states the requirement of charging once).
pub fn cue_mentions(sentence: &str, cue: &str) -> bool {
    let cue = cue.to_lowercase();
    cue.split(" + ")
        .map(str::trim)
        .all(|term| term_occurs(sentence, term))
}

fn alternatives(term: &str) -> impl Iterator<Item = &str> {
    term.split(" / ")
        .map(str::trim)
        .filter(|alt| !alt.is_empty())
}

fn term_occurs(sentence: &str, term: &str) -> bool {
    alternatives(term).any(|alt| starts_a_word(sentence, alt))
}

/// Whether the text just before a term negates it, and the cue does not say so itself.
fn negated(before: &str, cue: &str) -> bool {
    // A negation reaches no further back than the start of the clause.
    let clause = before
        .rfind([',', ';', ':', '—', '('])
        .map_or(before, |at| &before[at + 1..]);
    let words: Vec<&str> = clause
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ':' | '—' | '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let window = &words[words.len().saturating_sub(NEGATION_WINDOW)..];
    let single = window.iter().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
        (NEGATIONS.contains(&word) && !cue_says(cue, word))
            || ((word.ends_with("n't") || word.ends_with("n’t")) && !cue.contains("n't"))
    });
    // "pick X over Y": the term is the option passed over.
    let preferred_over = words.last().is_some_and(|w| *w == "over")
        && window
            .iter()
            .any(|w| PREFERENCES.iter().any(|p| w.starts_with(p)));
    let joined = window.join(" ");
    preferred_over
        || single
        || NEGATION_PHRASES
            .iter()
            .any(|phrase| joined.contains(phrase) && !cue.contains(phrase))
}

fn cue_says(cue: &str, word: &str) -> bool {
    cue.split(|c: char| !c.is_alphanumeric())
        .any(|cue_word| cue_word == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_recognised_and_no_near_miss_is() {
        let mut failures = Vec::new();
        for pattern in LIBRARY {
            for example in pattern.examples {
                if !sentences(example).iter().any(|s| pattern.matches(s)) {
                    failures.push(format!("{}: missed example {example:?}", pattern.id));
                }
            }
            for near_miss in pattern.near_misses {
                if sentences(near_miss).iter().any(|s| pattern.matches(s)) {
                    failures.push(format!("{}: matched near miss {near_miss:?}", pattern.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn the_library_is_well_formed() {
        let mut ids = std::collections::BTreeSet::new();
        for pattern in LIBRARY {
            assert!(ids.insert(pattern.id), "duplicate id {}", pattern.id);
            assert!(
                (2..=4).contains(&pattern.probes.len()),
                "{}: probes",
                pattern.id
            );
            for probe in pattern.probes {
                assert!(probe.trim_end().ends_with('?'), "{}: {probe}", pattern.id);
                assert!(
                    probe.split_whitespace().count() <= 40,
                    "{}: {probe}",
                    pattern.id
                );
            }
            assert!(!pattern.examples.is_empty() && !pattern.near_misses.is_empty());
            assert!(pattern.stance == Stance::Choice || pattern.conflicts.is_empty());
            assert!(pattern.stance == Stance::Flawed || pattern.fixes.is_empty());
        }
        assert!(LIBRARY.len() >= 80, "{} patterns", LIBRARY.len());
        assert!(
            LIBRARY
                .iter()
                .filter(|p| p.stance == Stance::Flawed)
                .count()
                >= 15,
            "flawed claims"
        );
        for problem in crate::problems::BANK {
            let title = problem.title.to_lowercase();
            assert!(
                LIBRARY
                    .iter()
                    .any(|p| !p.problems.is_empty() && p.applies_to(&title)),
                "no specific pattern for {title}"
            );
        }
    }

    #[test]
    fn negation_just_before_a_term_cancels_it_unless_the_cue_says_it() {
        assert!(cue_matches("we return a 301 redirect", "301"));
        assert!(!cue_matches("we won't return a 301", "301"));
        assert!(!cue_matches("we use a 302 instead of a 301", "301"));
        assert!(cue_matches(
            "keep it in redis, no other database",
            "redis + no other database"
        ));
        assert!(!cue_matches(
            "we do not put postgres behind the cache",
            "postgres + cache"
        ));
        assert!(cue_matches(
            "postgres behind the redis cache",
            "postgres / mysql + cache"
        ));
    }

    #[test]
    fn a_choice_that_conflicts_with_what_the_candidate_wanted_is_a_flaw() {
        let problem = "design a url shortener";
        let answers = [
            "We need click analytics per link.",
            "GET /abc returns a 301 to the long URL.",
        ];
        let history: Vec<Message> = answers
            .iter()
            .map(|a| Message::new(Role::Candidate, *a, chrono::Utc::now()).expect("message"))
            .collect();
        let log = DecisionLog::read(problem, &history);
        let redirect = log
            .decisions
            .iter()
            .find(|d| d.pattern.id == "redirect_301")
            .expect("301 found");
        assert_eq!(redirect.answer, 1);
        assert_eq!(log.stance(redirect), Stance::Flawed);
    }
}
