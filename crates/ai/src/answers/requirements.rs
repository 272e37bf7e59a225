//! Which requirements an answer about requirements left out: non-functional ones, scale, and
//! the features the problem statement names.

use crate::analysis::sentences;
use crate::decisions::cue_mentions;

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
