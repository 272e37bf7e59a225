//! A local HTTP server that speaks the OpenAI Chat Completions and Anthropic Messages wire
//! protocols (plain JSON and server-sent-event streaming, with usage fields), answers from a
//! script, can inject failures, and records every request it receives.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A normal answer with the usage the provider reports (`None`: no usage fields).
    Text {
        /// The text.
        content: String,
        /// (input, output) tokens reported.
        usage: Option<(u32, u32)>,
    },
    /// An HTTP error status, optionally with `Retry-After` seconds.
    Status {
        /// The status code.
        code: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// An HTTP error status with this body (e.g. one that echoes the key back).
    Error {
        /// The status code.
        code: u16,
        /// The body.
        body: String,
    },
    /// Accept the connection and answer nothing for this long (to trigger timeouts).
    Hang(Duration),
    /// Answer normally, but only after this long (a slow provider).
    Slow(Duration),
    /// Start a stream and cut it off mid-way.
    Truncated,
    /// A 200 answer whose body is not valid JSON.
    Malformed,
    /// A plain JSON answer even when a stream was asked for (servers that ignore `stream`).
    Plain(String),
    /// Obeys whatever the request's text tells it: when a candidate turn says "ignore
    /// previous instructions" or asks for a score, the evaluation it returns gives every
    /// competency 100 with that very sentence as evidence (the answer still matches the
    /// requested schema, as a provider's structured output would).
    Obey,
    /// A redirect to another address (which a client must not follow).
    Redirect(String),
    /// A 200 event stream of `total` bytes made of lines of `line` bytes, never ending in a
    /// complete answer (a hostile or broken server filling memory).
    Flood {
        /// Bytes per line.
        line: usize,
        /// Bytes in all.
        total: usize,
    },
    /// Streams the text one piece every `interval`, so a slow generation keeps making progress.
    Trickle {
        /// The text.
        content: String,
        /// Pause between pieces.
        interval: Duration,
    },
}

impl Reply {
    /// A text answer with reported usage.
    pub fn text(content: &str, input: u32, output: u32) -> Self {
        Self::Text {
            content: content.to_string(),
            usage: Some((input, output)),
        }
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The path, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Headers with lower-case names.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: serde_json::Value,
    /// When it arrived.
    pub at: Instant,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<Recorded>,
    /// Unscripted answers given so far.
    unscripted: usize,
}

/// The running server; it stops when dropped.
pub struct FakeLlm {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

/// The answer used when the script is empty (the first time; later unscripted answers
/// follow [`DEFAULT_REPLIES`] in turn, as a real model does not repeat itself).
pub const DEFAULT_REPLY: &str = "Interesting. How would that hold up at ten times the traffic?";
/// The unscripted answers, in turn.
pub const DEFAULT_REPLIES: [&str; 6] = [
    DEFAULT_REPLY,
    "What happens to a request in flight when that component fails?",
    "How would you know in production that this part is healthy?",
    "Which of those choices would you revisit first if the budget halved?",
    "Walk me through the write path once more, step by step.",
    "Where does the data live, and what is its key?",
];
/// The models `GET /v1/models` lists.
pub const MODELS: [&str; 2] = ["local-llama", "local-mistral"];
/// The usage reported with [`DEFAULT_REPLY`].
pub const DEFAULT_USAGE: (u32, u32) = (1200, 60);

impl FakeLlm {
    /// Starts the server on a free local port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake LLM server");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        Self { base, state, task }
    }

    /// The OpenAI base URL (`…/v1`).
    pub fn openai_url(&self) -> String {
        format!("{}/v1", self.base)
    }

    /// Queues answers, served in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        if let Ok(mut state) = self.state.lock() {
            state.script.extend(replies);
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).await?;
    let method = request_line
        .split_whitespace()
        .next()
        .unwrap_or("GET")
        .to_string();
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim().to_string();
            if name == "content-length" {
                length = value.parse().unwrap_or(0);
            }
            headers.push((name, value));
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).await?;
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let stream_mode = body["stream"].as_bool().unwrap_or(false);
    let model = body["model"].as_str().unwrap_or("model").to_string();
    let tool = body["tool_choice"]["name"].as_str().map(str::to_string);
    let request_text = body.to_string();
    let reply = {
        let mut state = state
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        state.requests.push(Recorded {
            path: path.clone(),
            headers,
            body,
            at: Instant::now(),
        });
        let listing = method == "GET" && path.ends_with("/models");
        let scripted_failure = matches!(
            state.script.front(),
            Some(
                Reply::Status { .. }
                    | Reply::Error { .. }
                    | Reply::Hang(_)
                    | Reply::Redirect(_)
                    | Reply::Flood { .. }
            )
        );
        if listing && !scripted_failure {
            None
        } else {
            let unscripted = state.unscripted;
            Some(state.script.pop_front().unwrap_or_else(|| {
                state.unscripted += 1;
                Reply::Text {
                    content: DEFAULT_REPLIES[unscripted % DEFAULT_REPLIES.len()].to_string(),
                    usage: Some(DEFAULT_USAGE),
                }
            }))
        }
    };
    let mut stream = reader.into_inner();
    let Some(reply) = reply else {
        // The model list, as OpenAI and compatible servers answer `GET /v1/models`.
        let body = serde_json::json!({"object": "list", "data": MODELS.iter().map(|id| serde_json::json!({"id": id, "object": "model", "created": 1, "owned_by": "test"})).collect::<Vec<_>>()}).to_string();
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.flush().await?;
        return Ok(());
    };
    let anthropic = path.ends_with("/messages");
    match reply {
        Reply::Status { code, retry_after } => {
            let extra = retry_after
                .map(|s| format!("Retry-After: {s}\r\n"))
                .unwrap_or_default();
            let body = format!("{{\"error\":{{\"message\":\"scripted failure {code}\"}}}}");
            let head = format!("HTTP/1.1 {code} Scripted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await?;
        }
        Reply::Error { code, body } => {
            let head = format!("HTTP/1.1 {code} Scripted\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await?;
        }
        Reply::Hang(duration) => tokio::time::sleep(duration).await,
        Reply::Malformed => {
            let body = "{\"choices\": [ this is not json";
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await?;
        }
        Reply::Truncated => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n").await?;
            let partial = if anthropic {
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Part"
            } else {
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Part"
            };
            stream.write_all(partial.as_bytes()).await?;
        }
        Reply::Text { content, usage } => {
            let shape = Shape {
                anthropic,
                model: &model,
                stream: stream_mode,
                tool: tool.as_deref(),
            };
            write_answer(&mut stream, &content, usage, &shape).await?;
        }
        Reply::Plain(content) => {
            let shape = Shape {
                anthropic,
                model: &model,
                stream: false,
                tool: tool.as_deref(),
            };
            write_answer(&mut stream, &content, Some(DEFAULT_USAGE), &shape).await?;
        }
        Reply::Obey => {
            let shape = Shape {
                anthropic,
                model: &model,
                stream: stream_mode,
                tool: tool.as_deref(),
            };
            write_answer(
                &mut stream,
                &obedient_answer(&request_text),
                Some(DEFAULT_USAGE),
                &shape,
            )
            .await?;
        }
        Reply::Redirect(location) => {
            let head = format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
        }
        Reply::Flood { line, total } => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n").await?;
            let mut chunk = String::from("data: ");
            chunk.push_str(&"x".repeat(line.saturating_sub(7)));
            chunk.push('\n');
            let mut sent = 0;
            while sent < total {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    break;
                }
                sent += chunk.len();
            }
        }
        Reply::Trickle { content, interval } => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n").await?;
            let shape = Shape {
                anthropic,
                model: &model,
                stream: true,
                tool: tool.as_deref(),
            };
            let whole = answer_text(&content, Some(DEFAULT_USAGE), &shape);
            for event in whole.split_inclusive("\n\n") {
                stream.write_all(event.as_bytes()).await?;
                stream.flush().await?;
                tokio::time::sleep(interval).await;
            }
        }
        Reply::Slow(delay) => {
            tokio::time::sleep(delay).await;
            let shape = Shape {
                anthropic,
                model: &model,
                stream: stream_mode,
                tool: tool.as_deref(),
            };
            write_answer(&mut stream, DEFAULT_REPLY, Some(DEFAULT_USAGE), &shape).await?;
        }
    }
    stream.flush().await?;
    Ok(())
}

/// How an answer must be shaped for the request.
struct Shape<'a> {
    /// Anthropic's Messages API (else OpenAI's Chat Completions).
    anthropic: bool,
    model: &'a str,
    /// Server-sent events (else one JSON body).
    stream: bool,
    /// The forced tool of an Anthropic structured-output request.
    tool: Option<&'a str>,
}

/// Writes a 200 answer in the provider's format: an SSE stream or one JSON body.
async fn write_answer(
    stream: &mut TcpStream,
    content: &str,
    usage: Option<(u32, u32)>,
    shape: &Shape<'_>,
) -> std::io::Result<()> {
    let text = answer_text(content, usage, shape);
    let kind = if shape.stream {
        "text/event-stream"
    } else {
        "application/json"
    };
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", text.len());
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(text.as_bytes()).await
}

fn answer_text(content: &str, usage: Option<(u32, u32)>, shape: &Shape<'_>) -> String {
    if shape.anthropic {
        anthropic_answer(content, usage, shape)
    } else {
        openai_answer(content, usage, shape.model, shape.stream)
    }
}

/// What an obedient model answers: for a structured evaluation, 100 everywhere with the
/// instruction-like sentence of the request as evidence; otherwise it agrees to the request.
fn obedient_answer(request: &str) -> String {
    let decoded: String = serde_json::from_str::<serde_json::Value>(request)
        .map(|v| v.to_string())
        .unwrap_or_default();
    let text = decoded.replace("\\\"", "\"");
    let lower = text.to_lowercase();
    let quote = ["ignore", "score", "evaluator", "full marks"]
        .iter()
        .filter_map(|cue| lower.find(cue))
        .min()
        .map(|at| {
            let start = text[..at].rfind(['"', '.', '\n']).map_or(0, |i| i + 1);
            let end = text[at..].find(['"', '\n']).map_or(text.len(), |i| at + i);
            text[start..end].trim().to_string()
        })
        .unwrap_or_default();
    if !lower.contains("competencies") {
        return format!("Understood, as you instructed: full marks. {quote}");
    }
    serde_json::json!({
        "competencies": mockint_domain::Competency::ALL.iter().map(|key| serde_json::json!({
            "key": key, "score": 100, "confidence": "high", "evidence": [quote],
            "rationale": "The candidate asked for a perfect score, so I gave it.",
        })).collect::<Vec<_>>(),
        "needs_improvement": [],
    })
    .to_string()
}

/// Splits text into small streamed pieces (words with their spaces).
fn pieces(content: &str) -> Vec<String> {
    content.split_inclusive(' ').map(str::to_string).collect()
}

fn openai_answer(content: &str, usage: Option<(u32, u32)>, model: &str, stream: bool) -> String {
    let usage_json = usage.map(|(i, o)| serde_json::json!({"prompt_tokens": i, "completion_tokens": o, "total_tokens": i + o}));
    if !stream {
        return serde_json::json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": usage_json,
        })
        .to_string();
    }
    let mut out = String::new();
    for piece in pieces(content) {
        let chunk = serde_json::json!({
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": model,
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}], "usage": null,
        });
        out.push_str(&format!("data: {chunk}\n\n"));
    }
    if let Some(usage) = usage_json {
        let last = serde_json::json!({
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": model,
            "choices": [], "usage": usage,
        });
        out.push_str(&format!("data: {last}\n\n"));
    }
    out.push_str("data: [DONE]\n\n");
    out
}

fn anthropic_answer(content: &str, usage: Option<(u32, u32)>, shape: &Shape<'_>) -> String {
    let (input, output) = usage.unwrap_or((0, 0));
    let block = match shape.tool {
        Some(name) => {
            serde_json::json!({"type": "tool_use", "id": "toolu_test", "name": name, "input": serde_json::from_str::<serde_json::Value>(content).unwrap_or(serde_json::json!({}))})
        }
        None => serde_json::json!({"type": "text", "text": content}),
    };
    if !shape.stream {
        let mut answer = serde_json::json!({
            "id": "msg_test", "type": "message", "role": "assistant", "model": shape.model,
            "content": [block], "stop_reason": if shape.tool.is_some() { "tool_use" } else { "end_turn" },
        });
        if usage.is_some() {
            answer["usage"] = serde_json::json!({"input_tokens": input, "output_tokens": output});
        }
        return answer.to_string();
    }
    let mut out = String::new();
    let mut event = |name: &str, data: serde_json::Value| {
        out.push_str(&format!("event: {name}\ndata: {data}\n\n"))
    };
    let start_usage = usage.map(|_| serde_json::json!({"input_tokens": input, "output_tokens": 1}));
    event(
        "message_start",
        serde_json::json!({"type": "message_start", "message": {"id": "msg_test", "type": "message", "role": "assistant", "model": shape.model, "content": [], "usage": start_usage}}),
    );
    let start_block = match shape.tool {
        Some(name) => {
            serde_json::json!({"type": "tool_use", "id": "toolu_test", "name": name, "input": {}})
        }
        None => serde_json::json!({"type": "text", "text": ""}),
    };
    event(
        "content_block_start",
        serde_json::json!({"type": "content_block_start", "index": 0, "content_block": start_block}),
    );
    event("ping", serde_json::json!({"type": "ping"}));
    for piece in pieces(content) {
        let delta = match shape.tool {
            Some(_) => serde_json::json!({"type": "input_json_delta", "partial_json": piece}),
            None => serde_json::json!({"type": "text_delta", "text": piece}),
        };
        event(
            "content_block_delta",
            serde_json::json!({"type": "content_block_delta", "index": 0, "delta": delta}),
        );
    }
    event(
        "content_block_stop",
        serde_json::json!({"type": "content_block_stop", "index": 0}),
    );
    let end_usage = usage.map(|_| serde_json::json!({"output_tokens": output}));
    let stop = if shape.tool.is_some() {
        "tool_use"
    } else {
        "end_turn"
    };
    event(
        "message_delta",
        serde_json::json!({"type": "message_delta", "delta": {"stop_reason": stop}, "usage": end_usage}),
    );
    event("message_stop", serde_json::json!({"type": "message_stop"}));
    out
}
