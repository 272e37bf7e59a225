//! OpenAI's Chat Completions API (also Ollama, llama.cpp and other compatible servers), with
//! the request and response shapes from `async-openai`.

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestMessage, ChatCompletionRequestMessageContentPartImage,
    ChatCompletionRequestMessageContentPartText, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, ChatCompletionRequestUserMessageContentPart,
    ChatCompletionStreamOptions, CreateChatCompletionRequest, CreateChatCompletionResponse,
    CreateChatCompletionStreamResponse, ImageUrl, ResponseFormat, ResponseFormatJsonSchema,
};
use async_trait::async_trait;
use base64::Engine as _;
use mockint_core::ports::TokenSink;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret as _, SecretString};

use super::transport::{HttpSettings, Transport, WHOLE_BODY};
use super::{
    finish, ChatMessage, ChatModel, ChatRequest, ChatResponse, ChatRole, Output, ProviderError,
};

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
            // The user typed this address: it may not lead to link-local or cloud-metadata
            // addresses, whatever its DNS says later.
            transport: Transport::guarded(COMPATIBLE_PROVIDER, settings),
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

/// Which flavour of the Chat Completions API a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAI itself: `max_completion_tokens`, strict `json_schema` structured output.
    OpenAi,
    /// A local or third-party server (llama.cpp, Ollama, vLLM): `max_tokens` (llama-cpp-python
    /// ignores `max_completion_tokens` and would generate until its context is full),
    /// `json_object` with the schema beside it (its `json_schema` answers HTTP 500), and the
    /// system prompt folded into the first user message (chat templates such as Gemma's drop
    /// system messages).
    Compatible,
}

/// The wire request for a provider-neutral request.
pub fn wire_request(
    request: &ChatRequest,
    stream: bool,
    dialect: Dialect,
) -> CreateChatCompletionRequest {
    let mut messages = Vec::new();
    let mut fold_system = None;
    match dialect {
        Dialect::OpenAi => messages.push(ChatCompletionRequestMessage::System(
            ChatCompletionRequestSystemMessage {
                content: ChatCompletionRequestSystemMessageContent::Text(request.system.clone()),
                name: None,
            },
        )),
        Dialect::Compatible => fold_system = Some(request.system.as_str()),
    }
    for message in &request.messages {
        let folded;
        let message = match (fold_system.take(), message.role) {
            (Some(system), ChatRole::User) => {
                folded = ChatMessage {
                    content: format!("{system}\n\n{}", message.content),
                    ..message.clone()
                };
                &folded
            }
            (system, _) => {
                fold_system = system;
                message
            }
        };
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
    #[allow(deprecated)]
    let (max_tokens, max_completion_tokens) = match dialect {
        Dialect::OpenAi => (None, Some(request.max_tokens)),
        Dialect::Compatible => (Some(request.max_tokens), None),
    };
    #[allow(deprecated)]
    CreateChatCompletionRequest {
        model: request.model.clone(),
        messages,
        max_tokens,
        max_completion_tokens,
        temperature: Some(request.temperature),
        response_format: match (&request.output, dialect) {
            (Output::Text, _) => None,
            (Output::Json { name, schema }, Dialect::OpenAi) => Some(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: (*name).to_string(),
                    schema: schema.clone(),
                    strict: Some(true),
                },
            }),
            // Added to the body after encoding: async-openai's JsonObject carries no schema.
            (Output::Json { .. }, Dialect::Compatible) => Some(ResponseFormat::JsonObject),
        },
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
        // Always streamed: a long generation (an evaluation on a slow local model) shows
        // progress, so it is timed out on inactivity rather than on its length.
        let dialect = if name == COMPATIBLE_PROVIDER {
            Dialect::Compatible
        } else {
            Dialect::OpenAi
        };
        let mut body =
            serde_json::to_value(wire_request(request, true, dialect)).map_err(|error| {
                ProviderError::new(name, format!("cannot encode the request: {error}"), false)
            })?;
        if let (Output::Json { schema, .. }, Dialect::Compatible) = (&request.output, dialect) {
            body["response_format"]["schema"] = schema.clone();
        }
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
