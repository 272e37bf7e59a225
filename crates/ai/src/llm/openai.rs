//! OpenAI's Chat Completions API (also Ollama, llama.cpp and other compatible servers), with
//! the request and response shapes from `async-openai`.

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestMessage, ChatCompletionRequestMessageContentPartImage,
    ChatCompletionRequestMessageContentPartText, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, ChatCompletionRequestUserMessageContentPart,
    ChatCompletionStreamOptions, CreateChatCompletionRequest, CreateChatCompletionResponse,
    CreateChatCompletionStreamResponse, ImageUrl, ResponseFormat,
};
use async_trait::async_trait;
use base64::Engine as _;
use interview_core::ports::TokenSink;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret as _, SecretString};

use super::transport::{HttpSettings, Transport, WHOLE_BODY};
use super::{finish, ChatModel, ChatRequest, ChatResponse, ChatRole, ProviderError};

const PROVIDER: &str = "openai";
/// The provider name of an OpenAI-compatible server chosen in the app (Ollama, llama.cpp, …).
pub const COMPATIBLE_PROVIDER: &str = "compatible";

/// A chat model served by OpenAI or an OpenAI-compatible server.
pub struct OpenAiChat {
    name: &'static str,
    base_url: String,
    api_key: Option<SecretString>,
    transport: Transport,
}

impl OpenAiChat {
    /// A client for `base_url` (e.g. `https://api.openai.com/v1`); local servers may need no key.
    pub fn new(base_url: &str, api_key: Option<SecretString>, settings: HttpSettings) -> Self {
        let mut transport = Transport::new(PROVIDER, settings);
        if let Some(key) = &api_key {
            transport = transport.with_secret(key.expose_secret());
        }
        Self {
            name: PROVIDER,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            transport,
        }
    }

    /// A keyless client for an OpenAI-compatible server the user chose, registered under
    /// [`COMPATIBLE_PROVIDER`] (the OpenAI key is never sent to it).
    pub fn compatible(base_url: &str, settings: HttpSettings) -> Self {
        Self {
            name: COMPATIBLE_PROVIDER,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key: None,
            transport: Transport::new(COMPATIBLE_PROVIDER, settings),
        }
    }

    fn headers(&self) -> Result<HeaderMap, ProviderError> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &self.api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose_secret()))
                .map_err(|_| {
                    ProviderError::new(
                        PROVIDER,
                        "OPENAI_API_KEY contains characters not allowed in a header",
                        false,
                    )
                })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Ok(headers)
    }
}

/// The wire request for a provider-neutral request.
pub fn wire_request(request: &ChatRequest, stream: bool) -> CreateChatCompletionRequest {
    let mut messages = vec![ChatCompletionRequestMessage::System(
        ChatCompletionRequestSystemMessage {
            content: ChatCompletionRequestSystemMessageContent::Text(request.system.clone()),
            name: None,
        },
    )];
    for message in &request.messages {
        messages.push(match message.role {
            ChatRole::Assistant => {
                ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
                    content: Some(ChatCompletionRequestAssistantMessageContent::Text(
                        message.content.clone(),
                    )),
                    ..Default::default()
                })
            }
            ChatRole::User => {
                let content = match &message.image_png {
                    None => ChatCompletionRequestUserMessageContent::Text(message.content.clone()),
                    Some(png) => ChatCompletionRequestUserMessageContent::Array(vec![
                        ChatCompletionRequestUserMessageContentPart::Text(
                            ChatCompletionRequestMessageContentPartText {
                                text: message.content.clone(),
                                ..Default::default()
                            },
                        ),
                        ChatCompletionRequestUserMessageContentPart::ImageUrl(
                            ChatCompletionRequestMessageContentPartImage {
                                image_url: ImageUrl {
                                    url: format!(
                                        "data:image/png;base64,{}",
                                        base64::engine::general_purpose::STANDARD.encode(png)
                                    ),
                                    detail: None,
                                },
                                ..Default::default()
                            },
                        ),
                    ]),
                };
                ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
                    content,
                    name: None,
                })
            }
        });
    }
    CreateChatCompletionRequest {
        model: request.model.clone(),
        messages,
        max_completion_tokens: Some(request.max_tokens),
        temperature: Some(request.temperature),
        response_format: request.json.then_some(ResponseFormat::JsonObject),
        stream: Some(stream),
        stream_options: stream.then_some(ChatCompletionStreamOptions {
            include_usage: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[async_trait]
impl ChatModel for OpenAiChat {
    fn provider(&self) -> &'static str {
        self.name
    }

    async fn chat(
        &self,
        request: &ChatRequest,
        on_token: Option<TokenSink<'_>>,
    ) -> Result<ChatResponse, ProviderError> {
        let name = self.name;
        let url = format!("{}/chat/completions", self.base_url);
        let stream = on_token.is_some();
        let body = serde_json::to_value(wire_request(request, stream)).map_err(|error| {
            ProviderError::new(name, format!("cannot encode the request: {error}"), false)
        })?;
        let mut content = String::new();
        let mut usage = None;
        let mut on_event = |event: &str, data: &str| -> Result<(), ProviderError> {
            if event == WHOLE_BODY {
                let answer: CreateChatCompletionResponse =
                    serde_json::from_str(data).map_err(|error| {
                        ProviderError::new(name, format!("malformed answer: {error}"), false)
                    })?;
                content = answer
                    .choices
                    .into_iter()
                    .next()
                    .and_then(|choice| choice.message.content)
                    .unwrap_or_default();
                usage = answer.usage.map(|u| (u.prompt_tokens, u.completion_tokens));
                return Ok(());
            }
            if data.trim() == "[DONE]" {
                return Ok(());
            }
            let chunk: CreateChatCompletionStreamResponse =
                serde_json::from_str(data).map_err(|error| {
                    ProviderError::new(name, format!("malformed stream chunk: {error}"), false)
                })?;
            if let Some(u) = chunk.usage {
                usage = Some((u.prompt_tokens, u.completion_tokens));
            }
            for choice in chunk.choices {
                if let Some(piece) = choice.delta.content {
                    if let Some(sink) = on_token {
                        sink(&piece);
                    }
                    content.push_str(&piece);
                }
            }
            Ok(())
        };
        self.transport
            .stream(&url, self.headers()?, &body, &mut on_event)
            .await?;
        finish(name, request, content, usage)
    }
}
