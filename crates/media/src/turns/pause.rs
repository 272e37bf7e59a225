//! How long a pause an answer calls for, read from the text of its latest draft.

/// Why the detector waits longer than the normal pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pause {
    /// The answer looks finished: the normal pause ends it.
    Finished,
    /// It stopped on a connective or filler: more is coming.
    Connective,
    /// The candidate asked for time.
    Thinking,
}

/// Words after which an answer is not finished.
const CONNECTIVES: &[&str] = &[
    "and",
    "so",
    "because",
    "but",
    "or",
    "then",
    "um",
    "uh",
    "erm",
    "hmm",
    "like",
    "the",
    "a",
    "an",
    "to",
    "of",
    "with",
    "which",
    "that",
    "if",
    "when",
    "where",
    "for",
    "is",
    "are",
    "we",
    "i",
    "it's",
    "basically",
    "also",
];

/// Phrases asking for time.
const THINKING: &[&str] = &[
    "let me think",
    "let me see",
    "give me a moment",
    "give me a second",
    "give me a sec",
    "hold on",
    "one moment",
    "one second",
    "just a moment",
    "bear with me",
];

/// What kind of pause the text of a draft calls for.
pub fn pause_after(text: &str) -> Pause {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let tail = words[words.len().saturating_sub(8)..].join(" ");
    if THINKING.iter().any(|phrase| tail.contains(phrase)) {
        return Pause::Thinking;
    }
    let trimmed = lower.trim_end();
    let closed = trimmed.ends_with(['.', '?', '!']);
    let last = words.last().copied().unwrap_or_default();
    if CONNECTIVES.contains(&last) || trimmed.ends_with(['-', ',', '…']) || trimmed.ends_with("...")
    {
        return Pause::Connective;
    }
    if closed || last.is_empty() {
        Pause::Finished
    } else {
        // Whisper closes finished sentences; an open one is probably mid-thought.
        Pause::Connective
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_sentence_ends_after_the_normal_pause() {
        assert_eq!(pause_after("I would shard by user id."), Pause::Finished);
        assert_eq!(pause_after("What about the cache?"), Pause::Finished);
        assert_eq!(pause_after(""), Pause::Finished);
    }

    #[test]
    fn connectives_fillers_and_open_sentences_get_a_longer_pause() {
        assert_eq!(
            pause_after("We put a cache in front, and"),
            Pause::Connective
        );
        assert_eq!(pause_after("so the writes go to, um"), Pause::Connective);
        assert_eq!(pause_after("the reason is because"), Pause::Connective);
        assert_eq!(pause_after("and then the"), Pause::Connective);
        assert_eq!(pause_after("We would use Kafka"), Pause::Connective);
    }

    #[test]
    fn asking_for_time_gets_the_longest_pause() {
        assert_eq!(pause_after("Hmm, let me think."), Pause::Thinking);
        assert_eq!(
            pause_after("Okay so the storage. Give me a moment."),
            Pause::Thinking
        );
        assert_eq!(pause_after("Hold on,"), Pause::Thinking);
    }
}
