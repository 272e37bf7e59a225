use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::SessionId;

/// Why an AI call was made; the token report is broken down by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenOperation {
    /// Choosing or writing the problem.
    ProblemGeneration,
    /// Asking the next question.
    QuestionGeneration,
    /// Reading a candidate's answer.
    ResponseAnalysis,
    /// Reading the whiteboard.
    WhiteboardAnalysis,
    /// Reading a resume.
    ResumeParsing,
    /// Writing the report.
    Evaluation,
    /// Speech to text.
    Transcription,
}

impl TokenOperation {
    /// The snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProblemGeneration => "problem_generation",
            Self::QuestionGeneration => "question_generation",
            Self::ResponseAnalysis => "response_analysis",
            Self::WhiteboardAnalysis => "whiteboard_analysis",
            Self::ResumeParsing => "resume_parsing",
            Self::Evaluation => "evaluation",
            Self::Transcription => "transcription",
        }
    }
}

impl std::str::FromStr for TokenOperation {
    type Err = crate::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
            crate::ValidationError::NotOneOf {
                field: "token operation",
                allowed: "problem_generation, question_generation, response_analysis, whiteboard_analysis, resume_parsing, evaluation, transcription",
                actual: s.to_string(),
            }
        })
    }
}

/// Tokens used by one AI call (or a sum of calls) and what they cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Prompt tokens.
    pub input_tokens: u32,
    /// Completion tokens.
    pub output_tokens: u32,
    /// input + output.
    pub total_tokens: u32,
    /// Estimated cost in USD.
    pub estimated_cost: f64,
    /// The provider that served the call.
    pub provider: String,
    /// The model that served the call.
    pub model: String,
}

impl TokenUsage {
    /// Builds a usage record, computing the total.
    pub fn new(provider: &str, model: &str, input: u32, output: u32, cost: f64) -> Self {
        Self {
            input_tokens: input,
            output_tokens: output,
            total_tokens: input.saturating_add(output),
            estimated_cost: cost,
            provider: provider.to_string(),
            model: model.to_string(),
        }
    }

    /// Adds another usage into this one (provider and model keep the first seen).
    pub fn add(&mut self, other: &TokenUsage) {
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.total_tokens = self.total_tokens.saturating_add(other.total_tokens);
        self.estimated_cost += other.estimated_cost;
        if self.provider.is_empty() {
            self.provider.clone_from(&other.provider);
            self.model.clone_from(&other.model);
        }
    }
}

/// One stored `token_usage` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenUsageRecord {
    /// The session the call belonged to.
    pub session_id: SessionId,
    /// When the call finished.
    pub timestamp: DateTime<Utc>,
    /// Why it was made.
    pub operation: TokenOperation,
    /// What it used.
    pub usage: TokenUsage,
}

/// A session's token totals with a per-operation breakdown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionTokenUsage {
    /// Sum of prompt tokens.
    pub total_input_tokens: u32,
    /// Sum of completion tokens.
    pub total_output_tokens: u32,
    /// Sum of all tokens.
    pub total_tokens: u32,
    /// Sum of estimated costs in USD.
    pub total_cost: f64,
    /// Totals per operation.
    pub breakdown_by_operation: BTreeMap<TokenOperation, TokenUsage>,
}

impl SessionTokenUsage {
    /// Sums a session's usage records.
    pub fn from_records(records: &[TokenUsageRecord]) -> Self {
        let mut totals = Self::default();
        for record in records {
            totals.total_input_tokens = totals
                .total_input_tokens
                .saturating_add(record.usage.input_tokens);
            totals.total_output_tokens = totals
                .total_output_tokens
                .saturating_add(record.usage.output_tokens);
            totals.total_tokens = totals
                .total_tokens
                .saturating_add(record.usage.total_tokens);
            totals.total_cost += record.usage.estimated_cost;
            totals
                .breakdown_by_operation
                .entry(record.operation)
                .or_default()
                .add(&record.usage);
        }
        totals
    }
}
