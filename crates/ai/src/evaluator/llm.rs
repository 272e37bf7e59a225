//! The LLM evaluator, anchored to the rubric so that it cannot be talked into a score.
//!
//! The model reads the transcript as data (a JSON array of turns whose roles the app sets)
//! and answers through the provider's native structured output (a JSON schema derived from
//! [`ModelEvaluation`]). Its numbers are then anchored: each competency is clamped to the
//! rubric's score ± [`ANCHOR_BAND`], a raise above the rubric needs at least one verbatim,
//! non-instruction-like quote, the rubric's caps apply again, the overall score is recomputed
//! from the competencies (the model is never asked for it), and unknown competency keys are
//! rejected. The mistakes the decision library found (wrong claims, impossible estimates,
//! requirements left out) stay in the report whatever the model says.

use std::collections::BTreeMap;

use async_trait::async_trait;
use mockint_core::ports::{Evaluation, Evaluator};
use mockint_domain::{
    Competency, ConfidenceLevel, EvaluationReport, Feedback, MediaFile, Message, Role, Score,
    Session, TokenOperation,
};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{feedback, Findings, RubricEvaluator, KEYWORD_LIST_CAP};
use crate::guard::{instruction_like, transcript_as_data, DATA_NOTICE};
use crate::llm::{ChatMessage, ChatRequest, ChatRole, Output};
use crate::providers::Providers;

/// How far a model may move a competency away from the rubric's score.
pub const ANCHOR_BAND: f64 = 15.0;
/// Longest feedback text kept from a model.
const MAX_TEXT: usize = 600;
/// Most tokens the evaluation may take.
const MAX_TOKENS: u32 = 2_000;
/// An attempt slower than this is not repeated when its answer is unusable.
const SLOW_ATTEMPT: std::time::Duration = std::time::Duration::from_secs(30);

/// How sure the model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Plenty of evidence.
    High,
    /// Some evidence.
    Medium,
    /// Little evidence.
    Low,
}

/// One competency as the model judges it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelCompetency {
    /// Which competency.
    pub key: Competency,
    /// 0–100.
    pub score: f64,
    /// How sure the model is.
    pub confidence: Confidence,
    /// Exact quotes copied from the candidate's turns.
    pub evidence: Vec<String>,
    /// Two sentences: what the candidate decided and why that scores as it does.
    pub rationale: String,
}

/// One extra observation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelFeedback {
    /// The competency it is about.
    pub key: Competency,
    /// The observation: the decision and why it matters.
    pub description: String,
    /// Exact quotes copied from the candidate's turns.
    pub evidence: Vec<String>,
}

/// The model's evaluation (no overall score: it is computed from the competencies).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelEvaluation {
    /// One entry per competency.
    pub competencies: Vec<ModelCompetency>,
    /// Mistakes and gaps the rubric analysis may have missed.
    pub needs_improvement: Vec<ModelFeedback>,
}

/// Evaluates with an LLM anchored to the rubric; falls back to the offline report when the
/// provider fails or its answer stays unusable.
pub struct LlmEvaluator {
    providers: Providers,
}

impl LlmEvaluator {
    /// An evaluator over the configured providers.
    pub fn new(providers: Providers) -> Self {
        Self { providers }
    }
}

#[async_trait]
impl Evaluator for LlmEvaluator {
    async fn evaluate(
        &self,
        session: &Session,
        history: &[Message],
        media: &[MediaFile],
    ) -> Evaluation {
        let grounding = RubricEvaluator.report(session, history, media);
        let provider = session.config.ai_provider.as_str();
        if !self.providers.has(provider) {
            return Evaluation {
                report: grounding,
                usage: Vec::new(),
            };
        }
        let findings = Findings::read(session, history);
        let mut usage = Vec::new();
        let mut feedback: Option<String> = None;
        let model = format!("{provider} {}", session.config.ai_model);
        for _attempt in 0..2 {
            let request = request(session, history, &grounding, feedback.as_deref());
            let started = std::time::Instant::now();
            match self
                .providers
                .call(provider, &request, TokenOperation::Evaluation, None)
                .await
            {
                Ok((text, used)) => {
                    usage.push(used);
                    match parse(&text)
                        .and_then(|answer| anchor(answer, &findings, &grounding, history))
                    {
                        Ok(mut report) => {
                            report.provenance = vec![format!("Scored by {model}, each competency held within {ANCHOR_BAND:.0} points of the offline rubric; the overall score is computed from the competencies.")];
                            return Evaluation { report, usage };
                        }
                        Err(problem) => {
                            tracing::warn!(%problem, "LLM evaluation unusable");
                            // A slow model is not made to write a second long evaluation.
                            let slow = started.elapsed() > SLOW_ATTEMPT;
                            feedback = Some(problem);
                            if slow {
                                break;
                            }
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "LLM evaluation failed; using the offline report");
                    feedback = Some(error.message);
                    break;
                }
            }
        }
        let mut report = grounding;
        report.provenance.push(format!(
            "The evaluation by {model} could not be used ({}), so these are the offline rubric's scores.",
            feedback.unwrap_or_else(|| "no answer".into())
        ));
        Evaluation { report, usage }
    }
}

fn request(
    session: &Session,
    history: &[Message],
    grounding: &EvaluationReport,
    feedback: Option<&str>,
) -> ChatRequest {
    let rubric: BTreeMap<Competency, f64> = grounding
        .competency_scores
        .iter()
        .map(|(&key, score)| (key, score.score.value()))
        .collect();
    let mistakes: Vec<&str> = grounding
        .needs_improvement
        .iter()
        .filter(|f| !f.evidence.is_empty())
        .map(|f| f.description.as_str())
        .collect();
    let mut prompt = format!(
        "Evaluate this system-design interview.\nProblem: {problem}\n\n\
         Rubric scores (the anchor: move a score by at most {band} points, and only with an exact quote): {rubric}\n\
         Mistakes the rubric found (keep them in mind; do not excuse them): {mistakes}\n\n\
         Transcript (JSON array of turns; the roles are set by the app):\n{transcript}\n\n\
         For every competency ({keys}) give a score 0-100, your confidence, exact quotes copied from candidate turns as evidence, \
         and a two-sentence rationale naming the decisions the candidate made and why they score that way. \
         Judge decisions, not words: a wrong or unsupported claim is negative evidence. \
         Add needs_improvement entries only for mistakes the rubric missed, each with an exact quote.",
        problem = session.config.problem.as_deref().unwrap_or("general"),
        band = ANCHOR_BAND,
        rubric = serde_json::to_string(&rubric).unwrap_or_default(),
        mistakes = serde_json::to_string(&mistakes).unwrap_or_default(),
        transcript = transcript_as_data(history),
        keys = Competency::ALL.map(Competency::key).join(", "),
    );
    if let Some(problem) = feedback {
        prompt.push_str(&format!(
            "\n\nYour previous answer was unusable: {problem}. Answer again."
        ));
    }
    ChatRequest {
        model: session.config.ai_model.clone(),
        system: format!("You are a rigorous, fair system-design interview evaluator. You only cite exact quotes. {DATA_NOTICE}"),
        messages: vec![ChatMessage::text(ChatRole::User, prompt)],
        max_tokens: MAX_TOKENS,
        temperature: 0.0,
        output: Output::schema::<ModelEvaluation>("evaluation"),
    }
}

/// Reads the model's answer (the provider's structured output: a JSON object).
pub fn parse(text: &str) -> Result<ModelEvaluation, String> {
    serde_json::from_str(text.trim())
        .map_err(|error| format!("does not match the schema ({error})"))
}

/// Anchors the model's evaluation to the rubric (see the module documentation).
pub fn anchor(
    model: ModelEvaluation,
    findings: &Findings,
    grounding: &EvaluationReport,
    history: &[Message],
) -> Result<EvaluationReport, String> {
    let candidate: Vec<&str> = history
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .map(|m| m.content.as_str())
        .collect();
    let usable = |quote: &String| {
        let quote = quote.trim();
        quote.split_whitespace().count() >= 4
            && candidate.iter().any(|turn| turn.contains(quote))
            && !instruction_like(quote)
    };
    let rubric = findings.scores();
    let mut seen = Vec::new();
    let mut scores: BTreeMap<Competency, f64> = rubric.clone();
    let mut judged: BTreeMap<Competency, (Vec<String>, ConfidenceLevel, String)> = BTreeMap::new();
    for entry in model.competencies {
        let key = entry.key;
        if seen.contains(&key) {
            return Err(format!("competency '{}' appears twice", key.key()));
        }
        seen.push(key);
        if !entry.score.is_finite() || !(0.0..=100.0).contains(&entry.score) {
            return Err(format!("score of '{}' is not between 0 and 100", key.key()));
        }
        let anchor = rubric.get(&key).copied().unwrap_or_default();
        let evidence: Vec<String> = entry
            .evidence
            .iter()
            .filter(|q| usable(q))
            .filter(|q| {
                !findings
                    .flaws
                    .iter()
                    .any(|(d, _)| d.quote.contains(q.trim()))
            })
            .map(|q| q.trim().to_string())
            .collect();
        let mut score = entry
            .score
            .clamp(anchor - ANCHOR_BAND, anchor + ANCHOR_BAND);
        if score > anchor && evidence.is_empty() {
            score = anchor;
        }
        let coverage = findings.of(key);
        if key != Competency::Communication && !(coverage.reasoning || coverage.words >= 60) {
            score = score.min(KEYWORD_LIST_CAP.max(anchor));
        }
        scores.insert(key, score.clamp(0.0, 100.0));
        let confidence = match entry.confidence {
            Confidence::High => ConfidenceLevel::High,
            Confidence::Medium => ConfidenceLevel::Medium,
            Confidence::Low => ConfidenceLevel::Low,
        };
        judged.insert(key, (evidence, confidence, clean(&entry.rationale)));
    }
    let overall = findings.overall(&scores);
    let mut report = grounding.clone();
    report.overall_score = Score::clamped(overall);
    for (key, score) in &scores {
        if let Some(slot) = report.competency_scores.get_mut(key) {
            slot.score = Score::clamped(*score);
            if let Some((evidence, confidence, _)) = judged.get(key).filter(|j| !j.0.is_empty()) {
                slot.evidence = evidence.clone();
                slot.confidence_level = *confidence;
            }
        }
    }
    // The rubric's mistakes always stay; each competency is placed by its anchored score and
    // described by the model when its rationale is usable.
    let mut parts = feedback::parts(findings, &scores);
    for (key, _, entry) in &mut parts.competencies {
        if let Some((evidence, _, rationale)) = judged.get(key) {
            if !rationale.is_empty() {
                entry.description = rationale.clone();
            }
            if !evidence.is_empty() {
                entry.evidence = evidence.clone();
            }
        }
    }
    for extra in model.needs_improvement {
        let evidence: Vec<String> = extra
            .evidence
            .iter()
            .filter(|q| usable(q))
            .cloned()
            .collect();
        let description = clean(&extra.description);
        if evidence.is_empty() || description.is_empty() {
            continue;
        }
        parts.mistakes.push(Feedback {
            category: extra.key.title().to_string(),
            description,
            evidence,
        });
    }
    (report.went_well, report.went_okay, report.needs_improvement) = parts.sort();
    report.improvement_plan = feedback::plan(findings, &scores);
    Ok(report)
}

/// A model's text made safe to show: control characters removed, length bounded, and
/// nothing that reads like an instruction or a claim about the score.
fn clean(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(MAX_TEXT)
        .collect();
    let text = text.trim().to_string();
    if instruction_like(&text) {
        String::new()
    } else {
        text
    }
}
