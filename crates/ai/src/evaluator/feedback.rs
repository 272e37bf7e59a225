//! The words of the report: each entry names what the candidate decided or left out and why
//! it matters, with their own words as evidence. No entry is a template that would read the
//! same for every candidate.

use std::collections::BTreeMap;

use mockint_domain::{ActionItem, Competency, Feedback, ImprovementPlan};

use super::{entry, Findings, NO_REQUIREMENTS_CAP, STAFF_WITHOUT_TRADEOFFS_CAP};
use crate::answers::RequirementGap;
use crate::competencies::guide;
use crate::decisions::Stance;

/// The report's feedback before it is sorted: what went well beyond the competencies, the
/// mistakes (always needs improvement), and one entry per competency with its score.
pub struct Parts {
    /// Observations that went well whatever the scores (adapting to a changed requirement).
    pub well: Vec<Feedback>,
    /// Mistakes: caps that applied, wrong claims, impossible estimates, requirements left
    /// out, a requirement change that was not designed for.
    pub mistakes: Vec<Feedback>,
    /// One description per competency, with its score.
    pub competencies: Vec<(Competency, f64, Feedback)>,
}

impl Parts {
    /// The three columns: competencies by score (70+ well, 40+ okay), mistakes first in
    /// needs improvement.
    pub fn sort(self) -> (Vec<Feedback>, Vec<Feedback>, Vec<Feedback>) {
        let (mut well, mut okay, mut improve) = (self.well, Vec::new(), self.mistakes);
        for (_, score, feedback) in self.competencies {
            match score {
                s if s >= 70.0 => well.push(feedback),
                s if s >= 40.0 => okay.push(feedback),
                _ => improve.push(feedback),
            }
        }
        (well, okay, improve)
    }
}

/// The feedback of a transcript, from its findings and competency scores.
pub fn parts(findings: &Findings, scores: &BTreeMap<Competency, f64>) -> Parts {
    let (mut well, mut improve) = (Vec::new(), Vec::new());
    if !findings.of(Competency::Requirements).addressed() {
        improve.push(entry(
            Competency::Requirements.title(),
            format!("Because no requirements were agreed before designing, the overall score is capped at {NO_REQUIREMENTS_CAP:.0}."),
            Vec::new(),
        ));
    }
    if findings.staff_without_tradeoffs() {
        improve.push(entry(
            Competency::Tradeoffs.title(),
            format!("At staff level trade-offs are expected unprompted; none was weighed, so the overall score is capped at {STAFF_WITHOUT_TRADEOFFS_CAP:.0}."),
            Vec::new(),
        ));
    }
    for (flaw, corrected) in &findings.flaws {
        let said =
            crate::offline::wording::anchor(&flaw.quote, |clause| flaw.pattern.matches(clause))
                .map(|clause| format!(" (\"{clause}\")"))
                .unwrap_or_default();
        let mut text = format!(
            "{}{said}: {}.",
            capitalise(flaw.pattern.label),
            flaw.pattern.why
        );
        if *corrected {
            text.push_str(" You corrected it when challenged — state it right the first time.");
        }
        improve.push(entry(
            flaw.pattern.competency.title(),
            text,
            vec![flaw.quote.clone()],
        ));
    }
    for (pattern, question, quote) in &findings.unanswered {
        let evidence = if quote.is_empty() {
            Vec::new()
        } else {
            vec![quote.clone()]
        };
        improve.push(entry(
            pattern.competency.title(),
            format!(
                "Asked about {} (\"{}\"), you moved on without answering — and it matters: {}.",
                pattern.label,
                question.trim(),
                pattern.why
            ),
            evidence,
        ));
    }
    if let Some(slip) = &findings.estimate {
        improve.push(entry(
            Competency::Estimation.title(),
            format!(
                "{} — everything sized from that figure is off by the same factor.",
                capitalise(&slip.correction)
            ),
            vec![slip.quote.clone()],
        ));
    }
    // When requirements never came up at all, the competency's own entry says so.
    let gaps: &[RequirementGap] = if findings.of(Competency::Requirements).addressed() {
        &findings.gaps
    } else {
        &[]
    };
    for gap in gaps {
        let text = match gap {
            RequirementGap::NonFunctional => "No non-functional requirement was stated (latency, availability, consistency, durability), so the design had no targets to meet.".to_string(),
            RequirementGap::Scale => "No scale was agreed (users, traffic, data) before designing.".to_string(),
            RequirementGap::Feature(label) => format!("The problem asks for {label}, but your requirements never covered it."),
        };
        improve.push(entry(Competency::Requirements.title(), text, Vec::new()));
    }
    match findings.curveball {
        Some((curveball, true)) => well.push(entry(
            Competency::Tradeoffs.title(),
            format!("When the requirement changed (\"{}\"), you adapted the design rather than only acknowledging it.", curveball.change),
            Vec::new(),
        )),
        Some((curveball, false)) => improve.push(entry(
            Competency::Tradeoffs.title(),
            format!("When the requirement changed (\"{}\"), the design did not change with it; expected: {}.", curveball.change, curveball.expectation),
            Vec::new(),
        )),
        None => {}
    }
    let competencies = Competency::ALL
        .into_iter()
        .map(|competency| {
            let score = scores.get(&competency).copied().unwrap_or_default();
            let feedback = entry(
                competency.title(),
                describe(findings, competency, score),
                findings.evidence(competency),
            );
            (competency, score, feedback)
        })
        .collect();
    Parts {
        well,
        mistakes: improve,
        competencies,
    }
}

/// One competency, in terms of this transcript.
fn describe(findings: &Findings, key: Competency, score: f64) -> String {
    if key == Competency::Communication {
        return findings.communication.describe();
    }
    let coverage = findings.of(key);
    let missing = if coverage.missing_concepts.is_empty() {
        String::new()
    } else {
        format!(
            " For this problem, {} never came up.",
            list(&coverage.missing_concepts)
        )
    };
    if !coverage.addressed() {
        return format!("{}{missing}", absent(key));
    }
    let decided: Vec<&str> = findings
        .log
        .decisions
        .iter()
        .filter(|d| d.pattern.competency == key && findings.log.stance(d) != Stance::Flawed)
        .map(|d| d.pattern.label)
        .collect();
    let decisions = if decided.is_empty() {
        String::new()
    } else {
        format!("You decided on {}. ", list(&decided))
    };
    let shown: Vec<&str> = coverage.concepts.iter().map(|s| s.trim()).take(3).collect();
    // Quoted only from sentences that hold no flawed decision: a mistake is named as a
    // mistake (in its own feedback), never held up as having touched on something.
    let quote = findings
        .evidence(key)
        .first()
        .map(|q| format!(" (\"{}\")", short_quote(q)))
        .unwrap_or_default();
    if score >= 70.0 {
        let with = if shown.is_empty() {
            String::new()
        } else {
            format!(" ({})", list(&shown))
        };
        format!("{decisions}You backed your choices with reasons{with}.{missing}")
    } else if !coverage.reasoning {
        format!(
            "{decisions}You touched on it{quote} but never {}.{missing}",
            next_step(key)
        )
    } else if missing.is_empty() {
        format!(
            "{decisions}You gave reasons{quote}, but stopped short of the next step: you never {}.",
            next_step(key)
        )
    } else {
        format!("{decisions}You gave reasons{quote}.{missing}")
    }
}

/// What a competency asks for beyond naming things.
fn next_step(key: Competency) -> &'static str {
    match key {
        Competency::Requirements => {
            "turned it into targets the design must meet (latency, availability, scale)"
        }
        Competency::Estimation => "worked it down to requests per second and storage per year",
        Competency::ApiDesign => "wrote the endpoints with their parameters, responses and errors",
        Competency::DataModel => "named the keys and the queries each store must answer",
        Competency::HighLevelDesign => "walked one request through the components",
        Competency::DeepDive => "took one component through its failure cases",
        Competency::ScalabilityReliability => {
            "said how it scales out and what happens when a part fails"
        }
        Competency::Tradeoffs => "said what a choice costs and what it gives up",
        Competency::Operations | Competency::Communication => {
            "named the metrics, alerts and SLOs you would run it with"
        }
    }
}

/// A quote cut to about twelve words for a sentence of feedback.
fn short_quote(quote: &str) -> String {
    let words: Vec<&str> = quote.split_whitespace().collect();
    if words.len() <= 12 {
        quote.trim_end_matches(['.', '!', '?']).to_string()
    } else {
        format!(
            "{}…",
            words[..12].join(" ").trim_end_matches([',', ';', ':', '.'])
        )
    }
}

/// What it means that a competency never came up.
fn absent(key: Competency) -> &'static str {
    match key {
        Competency::Requirements => "You never said what the system must do or how well — no features, users, or targets such as latency and availability.",
        Competency::Estimation => "No traffic or storage numbers were given, so nothing in the design was sized.",
        Competency::ApiDesign => "The API was never written down: no endpoints, parameters, responses or error cases.",
        Competency::DataModel => "No entities, keys or store were named, so it is unclear how anything is looked up.",
        Competency::HighLevelDesign => "No components or request path were described.",
        Competency::DeepDive => "No part of the design was taken below the surface: no algorithm, failure case or race was worked through.",
        Competency::ScalabilityReliability => "Nothing was said about how the design scales out or survives a failed machine, zone or region.",
        Competency::Tradeoffs => "No alternatives were weighed: each choice was stated without what it costs or what it gives up.",
        Competency::Operations | Competency::Communication => "Nothing was said about running it: no metrics, alerts, SLOs or rollout plan.",
    }
}

/// The plan: first the mistakes (the most concrete things to fix), then the weakest areas.
pub fn plan(findings: &Findings, scores: &BTreeMap<Competency, f64>) -> ImprovementPlan {
    // The three weakest areas, even for a strong candidate: there is always a next step.
    let score = |c: &Competency| scores.get(c).copied().unwrap_or_default();
    let mut weakest: Vec<Competency> = Competency::ALL.to_vec();
    weakest.sort_by(|a, b| score(a).total_cmp(&score(b)));
    weakest.truncate(3);
    let mut steps: Vec<(String, Vec<String>)> = findings
        .flaws
        .iter()
        .filter(|(_, corrected)| !corrected)
        .take(2)
        .map(|(flaw, _)| {
            (
                format!("Revisit {}: {}. Practise saying, for every component you add, what happens when it fails or restarts and what that costs the user.", flaw.pattern.label, flaw.pattern.why),
                resources(flaw.pattern.competency),
            )
        })
        .collect();
    for &competency in &weakest {
        let coverage = findings.of(competency);
        let mut description = guide(competency).practice.to_string();
        if !coverage.missing_concepts.is_empty() {
            description.push_str(&format!(
                " For this problem, study: {}.",
                coverage.missing_concepts.join(", ")
            ));
        }
        steps.push((description, resources(competency)));
    }
    ImprovementPlan {
        priority_areas: weakest.iter().map(|c| c.title().to_string()).collect(),
        concrete_steps: steps
            .into_iter()
            .zip(1..)
            .map(|((description, resources), step_number)| ActionItem {
                step_number,
                description,
                resources,
            })
            .collect(),
        resources: vec![
            "Designing Data-Intensive Applications (Martin Kleppmann)".into(),
            "System Design Interview vol. 1–2 (Alex Xu)".into(),
        ],
    }
}

fn resources(competency: Competency) -> Vec<String> {
    guide(competency)
        .resources
        .iter()
        .map(|r| r.to_string())
        .collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a, b and c".
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
