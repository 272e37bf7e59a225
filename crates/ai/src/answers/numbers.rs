//! Reading and saying spoken-style numbers: quantities with scale words ("1.5 million",
//! "40k"), size and bandwidth units, rates per period, and numbers said the way people do.
//!
//! Hand-written: a few rules are smaller and more predictable here than a general
//! natural-language parser.

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
    pub(super) fn seconds(self) -> f64 {
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

    pub(super) fn what(self) -> &'static str {
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
pub(super) fn amount(words: &[&str], units_said: bool) -> Option<((f64, Unit), usize)> {
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
pub(super) fn unit(word: &str) -> Option<(Unit, f64)> {
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
pub(super) fn number(text: &str) -> Option<f64> {
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

/// Says a bandwidth: 40 Gbps.
pub fn say_bandwidth(bits: f64) -> String {
    let units = [(1e12, "Tbps"), (1e9, "Gbps"), (1e6, "Mbps"), (1e3, "kbps")];
    match units.iter().find(|(size, _)| bits >= *size) {
        Some((size, unit)) => format!("{} {unit}", say_number(bits / size)),
        None => format!("{} bps", say_number(bits)),
    }
}
