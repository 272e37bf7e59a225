//! How the offline interviewer says things: short, varied acknowledgements (never a list of
//! the candidate's own words), openings, transitions that say why and how much time is left,
//! and closings.

use mockint_domain::ExperienceLevel;

use super::phase::Phase;

/// Short acknowledgements, varied so that no two replies in a row open the same way.
const ACKS: &[&str] = &[
    "Okay.",
    "Got it.",
    "Makes sense.",
    "Right.",
    "Understood.",
    "Fair enough.",
    "Okay, thanks.",
    "Sure.",
    "I see.",
    "Thanks.",
];

/// Openers for a challenge: no praise for a claim about to be questioned.
const CHALLENGE_OPENERS: &[&str] = &[
    "Hmm, let me push on that.",
    "Let me check one thing.",
    "One moment —",
    "Let me challenge that a little.",
];

/// Ways to stop a rambling answer.
const INTERRUPTIONS: &[&str] = &[
    "Let me stop you there — what's the one-sentence version?",
    "Let me stop you there. If you had to sum that up in one sentence, what is it?",
    "Let me pause you — what's the key decision in all that, in one sentence?",
];

/// Picks the `n`-th item of a list, skipping the ones in `avoid` when possible.
fn pick<'a>(items: &[&'a str], n: usize, avoid: &[&str]) -> &'a str {
    let len = items.len().max(1);
    (0..len)
        .map(|offset| items[(n + offset) % len])
        .find(|item| !avoid.contains(item))
        .unwrap_or(items[n % len])
}

/// An acknowledgement for answer number `n`, different from the recent ones; none every
/// third turn (people do not acknowledge everything).
pub fn acknowledgement(n: usize, used: &[&str]) -> Option<&'static str> {
    if n % 3 == 2 {
        return None;
    }
    let recent: Vec<&str> = used.iter().rev().take(4).copied().collect();
    Some(pick(ACKS, n * 7 + 3, &recent))
}

/// The opener of a challenge.
pub fn challenge_opener(n: usize) -> &'static str {
    pick(CHALLENGE_OPENERS, n, &[])
}

/// The candidate's own words for a decision, to anchor a challenge in what they said: the
/// clause of `quote` that states it (`states`), split at commas and semicolons, without a
/// leading "and", "but" or "so", when it is short enough to quote (3 to 10 words: a quote,
/// not a summary).
pub fn anchor(quote: &str, states: impl Fn(&str) -> bool) -> Option<String> {
    let clause = quote
        .split([',', ';', '—'])
        .map(str::trim)
        .find(|clause| states(clause))?;
    let words: Vec<&str> = clause.split_whitespace().collect();
    let start = usize::from(
        words
            .first()
            .is_some_and(|w| ["and", "but", "so", "then"].contains(&w.to_lowercase().as_str())),
    );
    let words = &words[start..];
    if !(3..=10).contains(&words.len()) {
        return None;
    }
    let text = words.join(" ");
    let text = text.trim_end_matches(['.', '!', '?', ':']);
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// `text` with its first letter in lower case (a question continuing a sentence), unless it
/// starts with "I" or an acronym.
pub fn continue_sentence(text: &str) -> String {
    let mut words = text.splitn(2, ' ');
    let first = words.next().unwrap_or_default();
    let keep = first == "I"
        || first.starts_with("I'")
        || first.chars().filter(|c| c.is_uppercase()).count() > 1;
    if keep {
        return text.to_string();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The interruption of a rambling answer.
pub fn interruption(n: usize) -> &'static str {
    pick(INTERRUPTIONS, n, &[])
}

/// The opening: who, the problem, the format and the time, and the first question.
pub fn opening(problem: &str, minutes: u64, level: ExperienceLevel) -> String {
    let wrap = wrap_up_minutes(minutes);
    let format = format!(
        "We have {minutes} minutes. We'll agree the requirements, size the system, define the API and data, and draw the design on the whiteboard; then we'll go deep on a part or two and keep the last {wrap} minutes for wrap-up. Think out loud — I'll interrupt to keep us on track, and I may change a requirement along the way."
    );
    let first = match level {
        ExperienceLevel::Junior => format!(
            "{} {}",
            Phase::Requirements.question(),
            Phase::Requirements.guide()
        ),
        _ => Phase::Requirements.question().to_string(),
    };
    format!("Hi, I'll be your interviewer today. Here's the problem:\n\n{problem}\n\n{format}\n\nTo start: {first}")
}

/// The minutes kept for wrap-up at the end of an interview of `minutes`.
pub fn wrap_up_minutes(minutes: u64) -> u64 {
    (minutes / 9).clamp(2, 10)
}

/// "We have about 12 minutes left, so " when time is worth mentioning (past a quarter of the
/// interview), else nothing.
pub fn clock(minutes: u64, remaining_minutes: u64) -> String {
    if remaining_minutes * 4 < minutes * 3 {
        format!("We have about {remaining_minutes} minutes left. ")
    } else {
        String::new()
    }
}

/// The last words of the interview.
pub fn closing(out_of_time: bool) -> &'static str {
    if out_of_time {
        "That's time — thank you, this was a good discussion. End the session to see your evaluation: every score comes with your own words as evidence and a plan for what to practise next."
    } else {
        "Thank you — that's all from me. End the session to see your evaluation: every score comes with your own words as evidence and a plan for what to practise next."
    }
}

/// What the interviewer says when the candidate speaks after the close.
pub const AFTER_CLOSING: &str =
    "The interview is over — end the session to see your evaluation and improvement plan.";

/// The last question of the wrap-up.
pub const LAST_QUESTION: &str =
    "Last question: with another month, what's the first thing you would change in this design?";

/// Asking again after a curveball that was acknowledged but not designed for.
pub const CURVEBALL_AGAIN: &str = "Concretely, which component changes for that, and how?";

#[cfg(test)]
mod anchor_tests {
    use super::*;

    #[test]
    fn the_clause_that_states_the_decision_is_quoted() {
        let quote = "I'll return a 301 for every redirect, and I'll store the mapping only in Redis, no other database.";
        let said = anchor(quote, |clause| clause.contains("only in Redis"));
        assert_eq!(
            said.as_deref(),
            Some("I'll store the mapping only in Redis")
        );
        assert_eq!(anchor(quote, |_| false), None);
        let long = "we would keep every single record for every user in memory forever";
        assert_eq!(anchor(long, |_| true), None, "too long to quote");
    }

    #[test]
    fn a_continued_question_starts_in_lower_case_unless_it_starts_with_i_or_an_acronym() {
        assert_eq!(
            continue_sentence("What happens next?"),
            "what happens next?"
        );
        assert_eq!(continue_sentence("I wonder why?"), "I wonder why?");
        assert_eq!(continue_sentence("TTL expiry: when?"), "TTL expiry: when?");
    }
}
