//! Anthropic's Messages API: streamed events (`message_start`, `content_block_delta`,
//! `message_delta`) or a plain JSON answer, with input and output token usage.

use async_trait::async_trait;
use base64::Engine as _;
use mockint_core::ports::TokenSink;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use serde_json::json;

use super::transport::{HttpSettings, Transport, WHOLE_BODY};
use super::{finish, ChatModel, ChatRequest, ChatResponse, ChatRole, Output, ProviderError};

const PROVIDER: &str = "anthropic";
const API_VERSION: &str = "2023-06-01";

/// A Claude model at Anthropic.
pub struct AnthropicChat {
    base_url: String,
    api_key: SecretString,
    transport: Transport,
}

impl AnthropicChat {
    /// A client for `base_url` (e.g. `https://api.anthropic.com`).
    pub fn new(base_url: &str, api_key: SecretString, settings: HttpSettings) -> Self {
        let transport = Transport::new(PROVIDER, settings).with_secret(api_key.expose_secret());
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            transport,
        }
    }

    fn headers(&self) -> Result<HeaderMap, ProviderError> {
        let mut headers = HeaderMap::new();
        let mut key = HeaderValue::from_str(self.api_key.expose_secret()).map_err(|_| {
            ProviderError::new(
                PROVIDER,
                "ANTHROPIC_API_KEY contains characters not allowed in a header",
                false,
            )
        })?;
        key.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-api-key"), key);
        headers.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(API_VERSION),
        );
        Ok(headers)
    }
}

/// The Messages API body for a provider-neutral request.
pub fn wire_request(request: &ChatRequest, stream: bool) -> serde_json::Value {
    let messages: Vec<serde_json::Value> = request
        .messages
        .iter()
        .map(|message| {
            let role = match message.role {
                ChatRole::User => "user",
                ChatRole::Assistant => "assistant",
            };
            let mut content = vec![json!({ "type": "text", "text": message.content })];
            if let Some(png) = &message.image_png {
                content.push(json!({
                    "type": "image",
                    "source": {
                        "type": "base64",
                        "media_type": "image/png",
                        "data": base64::engine::general_purpose::STANDARD.encode(png),
                    }
                }));
            }
            json!({ "role": role, "content": content })
        })
        .collect();
    let mut body = json!({
        "model": request.model,
        "system": request.system,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "stream": stream,
    });
    // Structured output the Messages API's native way: one forced tool whose input schema is
    // the answer's.
    if let (Output::Json { name, schema }, Some(object)) = (&request.output, body.as_object_mut()) {
        object.insert(
            "tools".into(),
            json!([{ "name": name, "description": "Submit the answer.", "input_schema": schema }]),
        );
        object.insert(
            "tool_choice".into(),
            json!({ "type": "tool", "name": name }),
        );
    }
    body
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    input_tokens: u32,
    #[serde(default)]
    output_tokens: u32,
}

#[derive(Deserialize)]
struct Block {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: String,
    /// A tool call's input (structured output).
    #[serde(default)]
    input: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Answer {
    content: Vec<Block>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    MessageStart {
        message: StartMessage,
    },
    ContentBlockDelta {
        delta: Delta,
    },
    MessageDelta {
        usage: Option<Usage>,
    },
    Error {
        error: ErrorBody,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct StartMessage {
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    text: String,
    /// A piece of a tool call's input JSON (structured output).
    #[serde(default)]
    partial_json: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

#[async_trait]
impl ChatModel for AnthropicChat {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    async fn chat(
        &self,
        request: &ChatRequest,
        on_token: Option<TokenSink<'_>>,
    ) -> Result<ChatResponse, ProviderError> {
        let url = format!("{}/v1/messages", self.base_url);
        // Always streamed, so a long answer is timed out on inactivity, not on its length.
        let body = wire_request(request, true);
        let malformed = |error: serde_json::Error| {
            ProviderError::new(PROVIDER, format!("malformed answer: {error}"), false)
        };
        let mut content = String::new();
        let (mut input, mut output, mut reported) = (0u32, 0u32, false);
        let mut on_event = |event: &str, data: &str| -> Result<(), ProviderError> {
            if event == WHOLE_BODY {
                let answer: Answer = serde_json::from_str(data).map_err(malformed)?;
                content = answer
                    .content
                    .into_iter()
                    .map(|b| match (b.kind.as_str(), b.input) {
                        ("tool_use", Some(input)) => input.to_string(),
                        ("text", _) => b.text,
                        _ => String::new(),
                    })
                    .collect();
                if let Some(usage) = answer.usage {
                    (input, output, reported) = (usage.input_tokens, usage.output_tokens, true);
                }
                return Ok(());
            }
            match serde_json::from_str::<Event>(data).map_err(malformed)? {
                Event::MessageStart { message } => {
                    if let Some(usage) = message.usage {
                        input = usage.input_tokens;
                        reported = true;
                    }
                }
                Event::ContentBlockDelta { delta } => {
                    if let Some(sink) = on_token.filter(|_| !delta.text.is_empty()) {
                        sink(&delta.text);
                    }
                    content.push_str(&delta.text);
                    content.push_str(&delta.partial_json);
                }
                Event::MessageDelta { usage } => {
                    if let Some(usage) = usage {
                        output = usage.output_tokens;
                        reported = true;
                    }
                }
                Event::Error { error } => {
                    return Err(ProviderError::new(PROVIDER, error.message, true))
                }
                Event::Other => {}
            }
            Ok(())
        };
        self.transport
            .stream(&url, self.headers()?, &body, &mut on_event)
            .await?;
        finish(
            PROVIDER,
            request,
            content,
            reported.then_some((input, output)),
        )
    }
}
