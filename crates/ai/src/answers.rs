//! How an answer is put together, read the same way by the interviewer and the evaluator:
//! its structure (signposts, length: is it rambling?), the arithmetic of its estimates (a
//! figure per month turned into a figure per second), and which requirements it left out.
//!
//! Hand-written: reading spoken-style numbers ("100 million a month", "40k QPS") in a few
//! rules is smaller and more predictable here than a general natural-language parser.

use crate::analysis::{sentences, starts_a_word};
use crate::decisions::cue_mentions;

/// Words after which an answer counts as long.
pub const LONG_ANSWER_WORDS: usize = 220;
/// Words after which an answer is too long whatever its structure.
pub const RAMBLING_WORDS: usize = 350;
/// How far apart (as a factor) an estimate and its own arithmetic may be before it is
/// challenged: peak factors and rounding stay well inside it, a slip of a unit does not.
pub const ESTIMATE_TOLERANCE: f64 = 50.0;

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

/// A unit of time an estimate can be given per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Per second.
    Second,
    /// Per minute.
    Minute,
    /// Per hour.
    Hour,
    /// Per day.
    Day,
    /// Per month.
    Month,
    /// Per year.
    Year,
}

impl Period {
    fn seconds(self) -> f64 {
        match self {
            Self::Second => 1.0,
            Self::Minute => 60.0,
            Self::Hour => 3_600.0,
            Self::Day => 86_400.0,
            Self::Month => 2_592_000.0,
            Self::Year => 31_536_000.0,
        }
    }

    /// "a month", "a second", … as said in a question.
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Second => "a second",
            Self::Minute => "a minute",
            Self::Hour => "an hour",
            Self::Day => "a day",
            Self::Month => "a month",
            Self::Year => "a year",
        }
    }
}

/// A number said with a rate: "100 million a month".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// The value.
    pub value: f64,
    /// Per what.
    pub period: Period,
}

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

/// What a quantity measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Things (users, rows, requests).
    Count,
    /// Bytes (storage, memory).
    Bytes,
    /// Bits per second (bandwidth).
    Bandwidth,
}

impl Unit {
    /// Says a value of this unit: "2.4 TB", "40 Gbps", "10 million".
    pub fn say(self, value: f64) -> String {
        match self {
            Self::Count => say_number(value),
            Self::Bytes => say_bytes(value),
            Self::Bandwidth => say_bandwidth(value),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Count => "",
            Self::Bytes => "storage",
            Self::Bandwidth => "bandwidth",
        }
    }
}

/// A quantity with an optional size or bandwidth unit, in base units (bytes, bits per
/// second), and how many words it used. Units may be glued on ("16b", "2.4pb") when units are
/// spoken of in the sentence (`units_said`), which also makes a lone "b" mean bytes.
fn amount(words: &[&str], units_said: bool) -> Option<((f64, Unit), usize)> {
    let first = words
        .first()?
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '/');
    if units_said {
        let glued = first
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .filter(|at| *at > 0)
            .and_then(|at| Some((number(&first[..at])?, unit(&first[at..])?)));
        if let Some((value, (kind, scale))) = glued {
            return Some(((value * scale, kind), 1));
        }
    }
    let (value, used) = quantity_in(words, units_said)?;
    let next = words
        .get(used)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/'))
        .unwrap_or_default();
    match unit(next).filter(|_| units_said) {
        Some((kind, scale)) => Some(((value * scale, kind), used + 1)),
        None => Some(((value, Unit::Count), used)),
    }
}

/// A size or bandwidth unit and its scale.
fn unit(word: &str) -> Option<(Unit, f64)> {
    let bytes = |scale| Some((Unit::Bytes, scale));
    let bits = |scale| Some((Unit::Bandwidth, scale));
    match word {
        "b" | "byte" | "bytes" => bytes(1.0),
        "kb" | "kilobytes" | "kb/s" => bytes(1e3),
        "mb" | "megabytes" | "mb/s" => bytes(1e6),
        "gb" | "gigabytes" | "gb/s" => bytes(1e9),
        "tb" | "terabytes" | "tb/s" => bytes(1e12),
        "pb" | "petabytes" => bytes(1e15),
        "bps" => bits(1.0),
        "kbps" | "kbit/s" => bits(1e3),
        "mbps" | "mbit/s" => bits(1e6),
        "gbps" | "gbit/s" => bits(1e9),
        "tbps" | "tbit/s" => bits(1e12),
        _ => None,
    }
}

/// Says a bandwidth: 40 Gbps.
pub fn say_bandwidth(bits: f64) -> String {
    let units = [(1e12, "Tbps"), (1e9, "Gbps"), (1e6, "Mbps"), (1e3, "kbps")];
    match units.iter().find(|(size, _)| bits >= *size) {
        Some((size, unit)) => format!("{} {unit}", say_number(bits / size)),
        None => format!("{} bps", say_number(bits)),
    }
}

/// Says a size: 2.4 TB, 500 bytes.
pub fn say_bytes(bytes: f64) -> String {
    let units = [
        (1e15, "PB"),
        (1e12, "TB"),
        (1e9, "GB"),
        (1e6, "MB"),
        (1e3, "KB"),
    ];
    match units.iter().find(|(size, _)| bytes >= *size) {
        Some((size, unit)) => format!("{} {unit}", say_number(bytes / size)),
        None => format!("{} bytes", say_number(bytes)),
    }
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

/// The rate figures of a lower-case sentence.
pub fn figures(lower: &str) -> Vec<Figure> {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let Some((value, used)) = quantity(&words[i..]) else {
            i += 1;
            continue;
        };
        if let Some(period) = period_after(&words[i + used..]) {
            out.push(Figure { value, period });
        }
        i += used;
    }
    out
}

/// A number at the start of `words` with its scale words ("1.5 million", "40k", "a billion");
/// returns the value and how many words it used.
fn quantity(words: &[&str]) -> Option<(f64, usize)> {
    quantity_in(words, false)
}

/// [`quantity`], reading a lone or trailing "b" as bytes rather than billions when `bytes`.
fn quantity_in(words: &[&str], bytes: bool) -> Option<(f64, usize)> {
    let first = words
        .first()?
        .trim_matches(|c: char| matches!(c, ',' | '~' | '≈' | '$'));
    let (mut value, mut used) = match number_in(first, bytes) {
        Some(v) => (v, 1),
        None if matches!(first, "a" | "one")
            && words.get(1).is_some_and(|w| scale(w, bytes).is_some()) =>
        {
            (1.0, 1)
        }
        None => return None,
    };
    while let Some(factor) = words.get(used).and_then(|w| scale(w, bytes)) {
        value *= factor;
        used += 1;
    }
    Some((value, used))
}

fn scale(word: &str, bytes: bool) -> Option<f64> {
    match word.trim_matches(|c: char| !c.is_alphanumeric()) {
        "hundred" => Some(1e2),
        "thousand" | "k" => Some(1e3),
        "million" | "millions" | "mil" | "m" | "mm" => Some(1e6),
        "billion" | "billions" | "bn" => Some(1e9),
        "b" if !bytes => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

/// A number written with digits (commas, decimals and a k/m/b suffix allowed) or as a word.
fn number(text: &str) -> Option<f64> {
    number_in(text, false)
}

/// [`number`], with a "b" suffix read as bytes (so not a number) when `bytes`.
fn number_in(text: &str, bytes: bool) -> Option<f64> {
    let text = text.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    let text = text.trim_end_matches('.');
    let words = [
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("ten", 10.0),
        ("twenty", 20.0),
        ("fifty", 50.0),
        ("hundred", 100.0),
    ];
    if let Some((_, value)) = words.iter().find(|(w, _)| *w == text) {
        return Some(*value);
    }
    let (digits, factor) = match text.char_indices().last() {
        Some((at, 'k')) => (&text[..at], 1e3),
        Some((at, 'm')) => (&text[..at], 1e6),
        Some((at, 'b')) if !bytes => (&text[..at], 1e9),
        _ => (text, 1.0),
    };
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    digits
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v * factor)
}

/// The period a figure is given per, from the few words after it (skipping nouns such as
/// "writes" or "new links").
fn period_after(words: &[&str]) -> Option<Period> {
    let window: Vec<String> = words
        .iter()
        .take(7)
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':'))
                .to_string()
        })
        .collect();
    for (i, word) in window.iter().enumerate() {
        let compact = match word.as_str() {
            "qps" | "rps" | "tps" | "writes/s" | "reads/s" | "req/s" | "requests/s" | "/s"
            | "/sec" | "qps," => Some(Period::Second),
            "daily" | "/day" => Some(Period::Day),
            "monthly" | "/month" => Some(Period::Month),
            "yearly" | "annually" | "/year" => Some(Period::Year),
            _ if word.ends_with("/s") || word.ends_with("/sec") => Some(Period::Second),
            _ => None,
        };
        if compact.is_some() {
            return compact;
        }
        if matches!(word.as_str(), "per" | "a" | "an" | "each" | "every" | "one") {
            let unit = window.get(i + 1).map(String::as_str).unwrap_or_default();
            let period = match unit.trim_end_matches('s') {
                "second" | "sec" => Some(Period::Second),
                "minute" | "min" => Some(Period::Minute),
                "hour" => Some(Period::Hour),
                "day" => Some(Period::Day),
                "month" => Some(Period::Month),
                "year" => Some(Period::Year),
                _ => None,
            };
            if period.is_some() {
                return period;
            }
        }
        // A number in between starts another figure.
        if number(word).is_some() {
            return None;
        }
    }
    None
}

/// Says a number the way people do: 40, 4,000, 2.5 million.
pub fn say_number(value: f64) -> String {
    let (scaled, word) = if value >= 1e9 {
        (value / 1e9, " billion")
    } else if value >= 1e6 {
        (value / 1e6, " million")
    } else {
        (value, "")
    };
    let rounded = if scaled >= 10.0 {
        scaled.round()
    } else {
        (scaled * 10.0).round() / 10.0
    };
    let digits = if rounded.fract() == 0.0 {
        let whole = format!("{rounded:.0}");
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        grouped
    } else {
        format!("{rounded}")
    };
    format!("{digits}{word}")
}

/// A requirement an answer about requirements did not state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequirementGap {
    /// No non-functional requirement (latency, availability, consistency, durability).
    NonFunctional,
    /// No scale (users, traffic, data).
    Scale,
    /// A feature the problem statement names, with its label.
    Feature(&'static str),
}

const NON_FUNCTIONAL: &[&str] = &[
    "latency",
    "availab",
    "consisten",
    "durab",
    "reliab",
    "fault toleran",
    "uptime",
    "nines",
    "99.9",
    "p99",
    "p95",
    "milliseconds",
    "ms",
    "slo",
    "real-time / real time / realtime",
    "fast / quick + redirect / read / response / load / delivery / enough",
    "never lose / never be lost / must not lose / no data loss / not lose",
    "highly available / high availability",
];
const SCALE: &[&str] = &[
    "million",
    "billion",
    "thousand",
    "users + 1 / 2 / 3 / 4 / 5 / 6 / 7 / 8 / 9 / 10 / 50 / 100",
    "dau",
    "qps / rps / per second / a second",
    "per day / a day / per month / a month",
    "scale + to / of / for",
];

/// What a requirements answer left out: non-functional requirements, scale, and the features
/// the problem statement names (`features`: label and cues).
pub fn requirement_gaps(
    text: &str,
    features: &[(&'static str, &'static str)],
) -> Vec<RequirementGap> {
    // Requirements are often said as negations ("we can't charge twice"), so they are
    // matched without the negation window.
    let said = |cues: &[&str]| {
        sentences(text).into_iter().any(|s| {
            let lower = s.to_lowercase();
            cues.iter().any(|cue| cue_mentions(&lower, cue))
        })
    };
    let mut gaps = Vec::new();
    if !said(NON_FUNCTIONAL) {
        gaps.push(RequirementGap::NonFunctional);
    }
    for (label, cues) in features {
        let cues: Vec<&str> = cues.split(" | ").collect();
        if !said(&cues) {
            gaps.push(RequirementGap::Feature(label));
        }
    }
    if !said(SCALE) {
        gaps.push(RequirementGap::Scale);
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spoken_and_written_figures() {
        let f = figures("100 million new urls a month is about 40 writes per second");
        assert_eq!(
            f,
            [
                Figure {
                    value: 1e8,
                    period: Period::Month
                },
                Figure {
                    value: 40.0,
                    period: Period::Second
                }
            ]
        );
        assert_eq!(figures("peak 10k qps")[0].value, 10_000.0);
        assert_eq!(figures("a billion requests per day")[0].value, 1e9);
        assert_eq!(
            figures("if a million people want tickets in an hour")[0],
            Figure {
                value: 1e6,
                period: Period::Hour
            }
        );
        assert_eq!(figures("about 4,000 redirects/s")[0].value, 4_000.0);
        assert!(figures("we have 3 servers").is_empty());
    }

    #[test]
    fn an_estimate_off_by_a_hundred_times_is_caught_and_sound_ones_are_not() {
        let slip = estimate_slip(
            "100 million new links a month, so that's roughly 40,000 writes per second.",
        )
        .expect("caught");
        assert!(slip.factor() > 500.0, "{}", slip.factor());
        assert_eq!(say_number(slip.expected), "39");
        assert_eq!(
            slip.correction,
            "100 million a month is about 39 per second, not 40,000"
        );
        for sound in [
            "100 million new URLs a month is about 40 writes per second, with a 100:1 read ratio so 4000 redirects per second.",
            "About a billion requests per day. That's roughly 12k QPS on average and maybe 50k at peak.",
            "50 million daily users each sending 40 messages a day gives 23,000 messages per second.",
            "We have 3 servers and 2 databases.",
            "300 million users × 500 posts × 16 bytes ≈ 2.4 TB of feed ids.",
        ] {
            assert_eq!(estimate_slip(sound), None, "{sound}");
        }
    }

    #[test]
    fn a_product_whose_result_is_off_by_a_thousand_is_caught() {
        let slip =
            estimate_slip("Feeds hold 300M × 500 × 16 B ≈ 2.4 PB in total.").expect("caught");
        assert_eq!(
            slip.correction,
            "300 million × 500 × 16 bytes is about 2.4 TB, not 2.4 PB"
        );
        assert!(slip.question.ends_with('?'));
        let slip = estimate_slip("Keys: 10 million x 100 bytes = 1 TB.").expect("caught");
        assert!((slip.factor() - 1000.0).abs() < 1.0, "{}", slip.factor());
        assert_eq!(estimate_slip("10 million x 100 bytes = 1 GB."), None);
    }

    #[test]
    fn a_total_that_no_product_of_its_counts_explains_is_caught() {
        let slip = estimate_slip(
            "At about 100 bytes per key, 10 million keys comes to roughly 1 TB of state.",
        )
        .expect("caught");
        assert_eq!(
            slip.correction,
            "10 million × 100 bytes is about 1 GB, not 1 TB"
        );
        assert!(estimate_slip("Keeping 500 entries for each of 300 million users at 16 bytes per entry is about 2.4 PB.").is_some());
        for sound in [
            "At roughly 200 bytes per message with metadata, that's 400 GB a day.",
            "2 billion messages a day at 200 bytes per message is about 400 GB a day.",
            "Keeping 500 entries for each of 300 million users at 16 bytes per entry is about 2.4 TB.",
        ] {
            assert_eq!(estimate_slip(sound), None, "{sound}");
        }
    }

    #[test]
    fn missing_requirements_are_named() {
        let features = [
            ("group conversations", "group"),
            ("presence", "presence | online"),
        ];
        let gaps = requirement_gaps(
            "Users send one-to-one messages and see who is online.",
            &features,
        );
        assert_eq!(
            gaps,
            [
                RequirementGap::NonFunctional,
                RequirementGap::Feature("group conversations"),
                RequirementGap::Scale
            ]
        );
        assert!(requirement_gaps(
            "Group chats and presence for 50 million daily users; delivery must be real-time and messages never lost.",
            &features
        )
        .is_empty());
    }

    #[test]
    fn long_unstructured_answers_ramble_and_signposted_ones_do_not() {
        let words = "the system has a component that talks to another component ".repeat(25);
        assert!(Structure::of(&words).rambling());
        let signposted = format!("First, {words}. Then, finally, we are done.");
        assert!(!Structure::of(&signposted).rambling());
        assert!(Structure::of("Does that make sense so far?").checks_in);
    }
}
