//! The arithmetic of an answer's estimates: products, per-item totals and rates turned into
//! per-second figures that do not follow from the candidate's own starting figures.

use super::numbers::{amount, figures, number, say_number, unit, Figure, Period, Unit};
use crate::analysis::{sentences, starts_a_word};

/// How far apart (as a factor) an estimate and its own arithmetic may be before it is
/// challenged: peak factors and rounding stay well inside it, a slip of a unit does not.
pub const ESTIMATE_TOLERANCE: f64 = 50.0;

/// An estimate whose own arithmetic is off by more than [`ESTIMATE_TOLERANCE`].
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateSlip {
    /// The sentence with the wrong figure, verbatim.
    pub quote: String,
    /// The figure the candidate arrived at.
    pub said: f64,
    /// What their own starting figures come to.
    pub expected: f64,
    /// How the interviewer asks them to check it (a question, never the answer).
    pub question: String,
    /// What the report says: the right figure and the one said.
    pub correction: String,
}

impl EstimateSlip {
    /// How many times too large (above 1) or too small the figure is.
    pub fn factor(&self) -> f64 {
        self.said / self.expected
    }
}

/// Whether two figures are further apart than [`ESTIMATE_TOLERANCE`].
fn far_apart(said: f64, expected: f64) -> bool {
    said > 0.0 && expected > 0.0 && (said / expected).max(expected / said) >= ESTIMATE_TOLERANCE
}

/// Finds the first estimate in an answer that does not follow from the candidate's own
/// figures: a product ("300 million × 500 × 16 bytes ≈ 2.4 PB") or a rate turned into a
/// per-second figure ("100 million a month is about 40,000 writes a second").
pub fn estimate_slip(answer: &str) -> Option<EstimateSlip> {
    sentences(answer)
        .into_iter()
        .find_map(|s| product_slip(s).or_else(|| per_item_slip(s)))
        .or_else(|| rate_slip(answer))
}

/// A size or bandwidth per item ("100 bytes per key", "at 4 Mbps") with counts ("10
/// million keys", "10 million streams") and a total ("comes to roughly 1 TB", "is about 40
/// Gbps") that no product of the counts and the size explains.
fn per_item_slip(sentence: &str) -> Option<EstimateSlip> {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut amounts: Vec<(usize, f64, Unit, usize)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match amount(&words[i..], true) {
            Some(((value, unit), used)) => {
                amounts.push((i, value, unit, used));
                i += used;
            }
            None => i += 1,
        }
    }
    let (result_at, total, family) = amounts
        .iter()
        .rev()
        .find(|(at, _, unit, _)| {
            *unit != Unit::Count
                && words[at.saturating_sub(3)..*at]
                    .iter()
                    .any(|w| is_result_marker(w))
        })
        .map(|(at, value, unit, _)| (*at, *value, *unit))?;
    let size = amounts
        .iter()
        .find(|(at, _, unit, _)| *unit == family && *at < result_at)?;
    let counts: Vec<f64> = amounts
        .iter()
        .filter(|(at, _, unit, used)| {
            *unit == Unit::Count
                && *at < result_at
                && !words[*at].ends_with('%')
                && !matches!(words.get(at + used).copied(), Some("%" | "percent"))
        })
        .map(|(_, value, _, _)| *value)
        .collect();
    if counts.is_empty() || counts.len() > 4 {
        return None;
    }
    let explained = (0..1usize << counts.len()).any(|mask| {
        let product: f64 = counts
            .iter()
            .enumerate()
            .filter(|(k, _)| mask & (1 << k) != 0)
            .map(|(_, v)| v)
            .product();
        !far_apart(total, size.1 * product)
    });
    if explained {
        return None;
    }
    let expected = size.1 * counts.iter().product::<f64>();
    let shown: Vec<String> = counts.iter().map(|v| say_number(*v)).collect();
    Some(EstimateSlip {
        quote: sentence.to_string(),
        said: total,
        expected,
        question: format!(
            "Let's sanity-check that arithmetic: {} at {} each — how much {} is that in total?",
            shown.join(" times "),
            family.say(size.1),
            family.what()
        ),
        correction: format!(
            "{} × {} is about {}, not {}",
            shown.join(" × "),
            family.say(size.1),
            family.say(expected),
            family.say(total)
        ),
    })
}

/// A per-second figure that does not follow from the figure it was derived from: in the same
/// sentence as a figure per minute/hour/day/month/year, or the sentence after it. Ratios
/// ("100:1") are applied before comparing; per-user multiplications ("each sends 40 a day")
/// are left to [`product_slip`].
fn rate_slip(answer: &str) -> Option<EstimateSlip> {
    let mut previous: Vec<Figure> = Vec::new();
    for sentence in sentences(answer) {
        let lower = sentence.to_lowercase();
        let figures = figures(&lower);
        let long: Vec<Figure> = figures
            .iter()
            .copied()
            .filter(|f| f.period != Period::Second)
            .collect();
        let per_second: Vec<f64> = figures
            .iter()
            .filter(|f| f.period == Period::Second)
            .map(|f| f.value)
            .collect();
        let sources: Vec<Figure> = if long.is_empty() {
            std::mem::take(&mut previous)
        } else {
            long.clone()
        };
        if !per_second.is_empty() && !sources.is_empty() && !per_person(&lower) {
            let ratios = ratios(&lower);
            let expected: Vec<f64> = sources
                .iter()
                .flat_map(|f| {
                    let base = f.value / f.period.seconds();
                    std::iter::once(base).chain(ratios.iter().map(move |r| base * r))
                })
                .collect();
            // A sentence often gives several rates (writes, then reads at peak): it is wrong
            // only when none of them follows from where it started.
            let consistent = per_second
                .iter()
                .any(|said| expected.iter().any(|e| !far_apart(*said, *e)));
            let worst = per_second.first().copied().filter(|_| !consistent);
            if let (Some(said), Some(from)) = (worst, sources.first()) {
                let expected = from.value / from.period.seconds();
                return Some(EstimateSlip {
                    quote: sentence.to_string(),
                    said,
                    expected,
                    question: format!(
                        "Let's sanity-check that arithmetic: {} {} — how many is that per second?",
                        say_number(from.value),
                        from.period.phrase()
                    ),
                    correction: format!(
                        "{} {} is about {} per second, not {}",
                        say_number(from.value),
                        from.period.phrase(),
                        say_number(expected),
                        say_number(said)
                    ),
                });
            }
        }
        previous = long;
    }
    None
}

/// A product whose stated result is far from the product of its factors, with size and
/// bandwidth units ("16 B", "2.4 PB", "4 Mbps") understood.
fn product_slip(sentence: &str) -> Option<EstimateSlip> {
    let lower = sentence.to_lowercase().replace(['×', '*'], " × ");
    let units_said = lower.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
        matches!(w, "bytes" | "byte") || unit(w).is_some_and(|(_, scale)| scale > 1.0)
    });
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let Some((first, used)) = amount(&words[i..], units_said) else {
            i += 1;
            continue;
        };
        let mut factors = vec![first];
        let mut at = i + used;
        while at + 1 < words.len() && matches!(words[at], "×" | "x" | "times") {
            match amount(&words[at + 1..], units_said) {
                Some((factor, used)) => {
                    factors.push(factor);
                    at += 1 + used;
                }
                None => break,
            }
        }
        if factors.len() >= 2 {
            let result = words[at..]
                .iter()
                .take(4)
                .position(|w| is_result_marker(w))
                .and_then(|offset| {
                    let from = at + offset + 1;
                    (from..(from + 3).min(words.len()))
                        .find_map(|j| amount(&words[j..], units_said))
                });
            if let Some(((said, said_unit), _)) = result {
                let product: f64 = factors.iter().map(|(v, _)| v).product();
                let family = factors
                    .iter()
                    .map(|(_, u)| *u)
                    .find(|u| *u != Unit::Count)
                    .unwrap_or(Unit::Count);
                if family == said_unit && far_apart(said, product) {
                    let shown: Vec<String> = factors.iter().map(|(v, u)| u.say(*v)).collect();
                    return Some(EstimateSlip {
                        quote: sentence.to_string(),
                        said,
                        expected: product,
                        question: format!(
                            "Let's sanity-check that arithmetic: what does {} come to{}?",
                            shown.join(" times "),
                            match family {
                                Unit::Count => String::new(),
                                _ => format!(", in {}", family.what()),
                            }
                        ),
                        correction: format!(
                            "{} is about {}, not {}",
                            shown.join(" × "),
                            family.say(product),
                            family.say(said)
                        ),
                    });
                }
            }
        }
        i = at.max(i + 1);
    }
    None
}

fn is_result_marker(word: &str) -> bool {
    matches!(
        word.trim_matches(|c: char| matches!(c, ',' | ':')),
        "≈" | "="
            | "~"
            | "~="
            | "is"
            | "gives"
            | "equals"
            | "that's"
            | "so"
            | "→"
            | "->"
            | "about"
            | "roughly"
            | "around"
            | "comes"
    )
}

/// Whether the sentence multiplies by a per-person figure the rules do not follow.
fn per_person(lower: &str) -> bool {
    [
        "each",
        "per user",
        "every user",
        "per person",
        "per customer",
        "per device",
    ]
    .iter()
    .any(|w| starts_a_word(lower, w))
}

/// Ratios said in a sentence: "100:1", "100 to 1", "100 times", "100x".
fn ratios(lower: &str) -> Vec<f64> {
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != ':');
        if let Some((left, right)) = word.split_once(':') {
            if let (Some(a), Some(b)) = (number(left), number(right)) {
                if b > 0.0 {
                    out.push(a / b);
                }
            }
        } else if let Some(stem) = word.strip_suffix('x').and_then(number) {
            out.push(stem);
        } else if let Some(value) = number(word) {
            let next = words.get(i + 1).copied().unwrap_or_default();
            if next.starts_with("times") || (next == "to" && words.get(i + 2).is_some()) {
                out.push(value);
            }
        }
    }
    out
}
