//! What a transcription must not be: a decoding loop (more words than the audio could hold,
//! a phrase repeated back to back) or what whisper says over silence. Hand-written: these are
//! whisper's known failure shapes, and no crate checks them.

use crate::transcribe::SAMPLE_RATE;

/// Nobody speaks faster than this many words per second for long.
const MAX_WORDS_PER_SECOND: f64 = 6.0;

/// Whether a transcription looks like a decoding loop: more words than the audio could hold,
/// or a run of words repeated back to back three times or more.
pub fn degenerate(text: &str, samples: usize) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let seconds = samples as f64 / f64::from(SAMPLE_RATE);
    if words.len() as f64 > (seconds * MAX_WORDS_PER_SECOND).max(12.0) {
        return true;
    }
    repeated_run(&words).is_some()
}

/// The first run of words repeated back to back (2 to 4 words three times, 5 to 12 words
/// twice): (start, length).
fn repeated_run(words: &[String]) -> Option<(usize, usize)> {
    for length in 2..=12 {
        for start in 0..words.len() {
            let mut copies = 1;
            while start + (copies + 1) * length <= words.len()
                && words[start..start + length]
                    == words[start + copies * length..start + (copies + 1) * length]
            {
                copies += 1;
            }
            // A long phrase said twice in a row is a loop too; short ones ("very very")
            // need three copies.
            if copies >= 3 || (copies >= 2 && length >= 5) {
                return Some((start, length));
            }
        }
    }
    // One word said over and over ("the the the the").
    words
        .windows(4)
        .position(|w| w.iter().all(|x| *x == w[0]))
        .map(|start| (start, 1))
}

/// The text up to the end of the first copy of its repeated run (or its first sentence when
/// it only runs too long).
pub fn first_occurrence(text: &str) -> String {
    let raw: Vec<&str> = text.split_whitespace().collect();
    let words: Vec<String> = raw
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    if let Some((start, length)) = repeated_run(&words) {
        return raw[..start + length].join(" ");
    }
    text.split_inclusive(['.', '?', '!'])
        .next()
        .unwrap_or(text)
        .trim()
        .to_string()
}

/// A segment's text as shown: whisper sometimes opens a segment with the punctuation that
/// closed the one before (", write scot on …"), which is no part of what was said.
pub fn tidy_segment(text: &str) -> &str {
    text.trim()
        .trim_start_matches([',', ';', ':', '.'])
        .trim_start()
}

/// What whisper writes over silence or noise, never what a candidate said.
pub fn is_hallucination(text: &str) -> bool {
    const PHRASES: &[&str] = &[
        "thank you",
        "thanks for watching",
        "thank you for watching",
        "you",
        "bye",
        "okay",
        "so",
        "subtitles by the amara.org community",
        "please subscribe",
    ];
    let normal: String = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '.')
        .collect();
    let normal = normal.trim().trim_end_matches('.').trim();
    normal.is_empty()
        || normal.starts_with('[')
        || PHRASES.contains(&normal)
        || text.trim().starts_with(['[', '('])
}

/// Whether an answer is sent with the draft's words rather than the answer model's read of it:
/// the answer model heard nothing (silence, or what whisper says over it) where the draft
/// model heard words, so nothing the candidate said is lost.
pub fn draft_instead(read: &str, drafted: &str) -> bool {
    is_hallucination(read) && !is_hallucination(drafted)
}

/// Fewer words than anyone says in that much speech (under one word per two seconds, for
/// utterances of two seconds or more): what a primed decode gives when the prompt does not
/// fit what was said ("the" for a whole introduction), so it is decoded again unprimed.
pub fn too_few_words(text: &str, samples: usize) -> bool {
    let seconds = samples as f64 / f64::from(SAMPLE_RATE);
    seconds >= 2.0 && (text.split_whitespace().count() as f64) < seconds * 0.5
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn a_segment_does_not_open_with_the_last_ones_punctuation() {
        assert_eq!(
            tidy_segment(" , write to the primary."),
            "write to the primary."
        );
        assert_eq!(tidy_segment("... and then"), "and then");
        assert_eq!(tidy_segment("Right, go."), "Right, go.");
        assert_eq!(tidy_segment(" ,"), "");
    }

    #[test]
    fn a_word_for_seconds_of_speech_is_too_few() {
        let second = SAMPLE_RATE as usize;
        assert!(too_few_words("the", 4 * second));
        assert!(too_few_words("", 3 * second));
        assert!(!too_few_words("Hello, my name is Alex.", 4 * second));
        // A short "yes" is an answer, not a failed decode.
        assert!(!too_few_words("Yes.", second));
    }

    #[test]
    fn a_sentence_repeated_fifteen_times_is_degenerate_and_cut_to_one() {
        let sentence = "We store the links in a sharded database.";
        let looped = vec![sentence; 15].join(" ");
        assert!(degenerate(&looped, SAMPLE_RATE as usize * 4));
        assert_eq!(first_occurrence(&looped), sentence);
        assert!(!degenerate(sentence, SAMPLE_RATE as usize * 4));
    }

    #[test]
    fn natural_answers_are_not_degenerate() {
        let answer = "First the requirements: users create short links, redirects must be fast, \
                      and we want analytics later. Then the estimates: about a hundred million \
                      links a month, so roughly forty writes per second and four thousand reads.";
        assert!(!degenerate(answer, SAMPLE_RATE as usize * 14));
        assert!(degenerate("the the the the the", SAMPLE_RATE as usize * 2));
        assert!(degenerate(&"word ".repeat(40), SAMPLE_RATE as usize * 3));
    }

    #[test]
    fn what_whisper_says_over_silence_is_not_speech() {
        for text in [
            "Thank you.",
            " you",
            "[BLANK_AUDIO]",
            "(keyboard clicking)",
            "Thanks for watching!",
            "",
        ] {
            assert!(is_hallucination(text), "{text}");
        }
        assert!(!is_hallucination(
            "Thank you, that is a good point about caching."
        ));
        assert!(!is_hallucination("Use Redis."));
    }
}
