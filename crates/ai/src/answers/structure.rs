//! The structure of an answer: its length, signposts and check-ins (is it rambling?).

use crate::analysis::{sentences, starts_a_word};

/// Words after which an answer counts as long.
pub const LONG_ANSWER_WORDS: usize = 220;

/// Words after which an answer is too long whatever its structure.
pub const RAMBLING_WORDS: usize = 350;

const SIGNPOSTS: &[&str] = &[
    "first",
    "second",
    "third",
    "then",
    "next",
    "finally",
    "to summarize",
    "to summarise",
    "in summary",
    "in short",
    "overall",
    "step",
    "1)",
    "2)",
    "1.",
    "2.",
];

const CHECK_INS: &[&str] = &[
    "does that make sense",
    "makes sense?",
    "should i",
    "shall i",
    "would you like",
    "do you want me",
    "any questions",
    "is that ok",
    "is that okay",
    "sound good",
];

/// The shape of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Structure {
    /// Words.
    pub words: usize,
    /// Sentences.
    pub sentences: usize,
    /// Distinct signposts ("first", "then", "to summarize", numbered points).
    pub signposts: usize,
    /// Whether it checks in with the interviewer ("does that make sense?").
    pub checks_in: bool,
}

impl Structure {
    /// Reads an answer.
    pub fn of(answer: &str) -> Self {
        let lower = answer.to_lowercase();
        Self {
            words: answer.split_whitespace().count(),
            sentences: sentences(answer).len(),
            signposts: SIGNPOSTS
                .iter()
                .filter(|s| starts_a_word(&lower, s))
                .count(),
            checks_in: CHECK_INS.iter().any(|c| lower.contains(c)),
        }
    }

    /// Long and unstructured (or simply far too long): time to interrupt.
    pub fn rambling(&self) -> bool {
        self.words > RAMBLING_WORDS || (self.words > LONG_ANSWER_WORDS && self.signposts < 2)
    }
}
