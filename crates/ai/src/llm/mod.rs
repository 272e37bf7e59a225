//! Large-language-model providers behind one port, [`ChatModel`]: OpenAI (and any
//! OpenAI-compatible server) and Anthropic, streamed, with retries, a circuit breaker per
//! provider, token accounting and pricing.

mod anthropic;
mod openai;
mod pricing;
mod schema;
mod transport;

use async_trait::async_trait;
use mockint_core::ports::TokenSink;
use thiserror::Error;

pub use anthropic::AnthropicChat;
pub use openai::{Dialect, OpenAiChat, COMPATIBLE_PROVIDER};
pub use pricing::{count_tokens, Pricing};
pub use schema::{strict_schema, Output};
pub use transport::{
    address_allowed, client, read_limited, HttpSettings, Transport, MAX_BODY_BYTES, MAX_LINE_BYTES,
};

/// Who said a message in a chat request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRole {
    /// The candidate (or an instruction from the app).
    User,
    /// The model (the interviewer).
    Assistant,
}

/// One message of a chat request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who said it.
    pub role: ChatRole,
    /// The text.
    pub content: String,
    /// A PNG image (the whiteboard) for vision-capable models.
    pub image_png: Option<Vec<u8>>,
}

impl ChatMessage {
    /// A text message.
    pub fn text(role: ChatRole, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
            image_png: None,
        }
    }
}

/// A chat completion request, provider-neutral.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The model name at the provider.
    pub model: String,
    /// The system prompt.
    pub system: String,
    /// The conversation, oldest first.
    pub messages: Vec<ChatMessage>,
    /// Most tokens to generate.
    pub max_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
    /// Free text, or a JSON object matching a schema.
    pub output: Output,
}

/// A finished completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatResponse {
    /// The whole text.
    pub content: String,
    /// Prompt tokens.
    pub input_tokens: u32,
    /// Completion tokens.
    pub output_tokens: u32,
    /// Whether the provider reported the usage (otherwise it was counted locally).
    pub reported_usage: bool,
}

/// Why a provider call failed (after retries).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{provider}: {message}")]
pub struct ProviderError {
    /// The provider.
    pub provider: &'static str,
    /// What went wrong, safe to show (never contains keys).
    pub message: String,
    /// Whether trying again could help.
    pub retryable: bool,
}

impl ProviderError {
    pub(crate) fn new(provider: &'static str, message: impl Into<String>, retryable: bool) -> Self {
        Self {
            provider,
            message: message.into(),
            retryable,
        }
    }
}

impl From<ProviderError> for mockint_core::InterviewerError {
    fn from(error: ProviderError) -> Self {
        Self::new(error.provider, error.message)
    }
}

/// A chat model at some provider.
#[async_trait]
pub trait ChatModel: Send + Sync {
    /// The provider's name: "openai" or "anthropic".
    fn provider(&self) -> &'static str;
    /// Runs a completion, streaming text to `on_token` as it arrives.
    async fn chat(
        &self,
        request: &ChatRequest,
        on_token: Option<TokenSink<'_>>,
    ) -> Result<ChatResponse, ProviderError>;
}

/// Completes a response: rejects an empty answer and fills in token counts the provider did
/// not report.
pub(crate) fn finish(
    provider: &'static str,
    request: &ChatRequest,
    content: String,
    usage: Option<(u32, u32)>,
) -> Result<ChatResponse, ProviderError> {
    if content.trim().is_empty() {
        return Err(ProviderError::new(
            provider,
            "the model returned an empty answer",
            true,
        ));
    }
    Ok(match usage {
        Some((input_tokens, output_tokens)) => ChatResponse {
            content,
            input_tokens,
            output_tokens,
            reported_usage: true,
        },
        None => {
            let prompt: String = std::iter::once(request.system.as_str())
                .chain(request.messages.iter().map(|m| m.content.as_str()))
                .collect::<Vec<_>>()
                .join("\n");
            ChatResponse {
                input_tokens: count_tokens(&prompt),
                output_tokens: count_tokens(&content),
                content,
                reported_usage: false,
            }
        }
    })
}
