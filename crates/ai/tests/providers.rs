//! The OpenAI and Anthropic clients against a local server speaking their wire protocols:
//! exact requests, streaming, usage, retries with Retry-After, timeouts, malformed answers and
//! the circuit breaker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::sync::Mutex;
use std::time::Duration;

use mockint_ai::llm::{
    AnthropicChat, ChatMessage, ChatModel, ChatRequest, ChatRole, HttpSettings, OpenAiChat, Output,
};
use mockint_tests::fake_llm::{FakeLlm, Reply};
use secrecy::SecretString;

const KEY: &str = "sk-test-FAKEKEY-123";

fn fast() -> HttpSettings {
    HttpSettings {
        idle_timeout: Duration::from_secs(5),
        retries: 3,
        first_delay: Duration::from_millis(20),
        ..HttpSettings::default()
    }
}

fn request(json: bool) -> ChatRequest {
    ChatRequest {
        model: "gpt-4o".into(),
        system: "You are an interviewer.".into(),
        messages: vec![
            ChatMessage::text(ChatRole::User, "Let's begin."),
            ChatMessage::text(ChatRole::Assistant, "Design a URL shortener."),
            ChatMessage {
                role: ChatRole::User,
                content: "Here is my diagram.".into(),
                image_png: Some(b"\x89PNGfake".to_vec()),
            },
        ],
        max_tokens: 300,
        temperature: 0.2,
        output: if json {
            Output::Json {
                name: "answer",
                schema: serde_json::json!({"type": "object", "properties": {"score": {"type": "number"}}, "required": ["score"], "additionalProperties": false}),
            }
        } else {
            Output::Text
        },
    }
}

fn openai(server: &FakeLlm, settings: HttpSettings) -> OpenAiChat {
    OpenAiChat::new(
        &server.openai_url(),
        Some(SecretString::from(KEY)),
        settings,
    )
}

#[tokio::test]
async fn openai_streams_tokens_and_reports_usage_with_the_exact_request() {
    let server = FakeLlm::start().await;
    server.script([Reply::text("How many users do you expect per day?", 321, 9)]);
    let pieces = Mutex::new(Vec::new());
    let sink = |piece: &str| pieces.lock().expect("lock").push(piece.to_string());
    let answer = openai(&server, fast())
        .chat(&request(false), Some(&sink))
        .await
        .expect("answer");
    assert_eq!(answer.content, "How many users do you expect per day?");
    assert_eq!(
        (
            answer.input_tokens,
            answer.output_tokens,
            answer.reported_usage
        ),
        (321, 9, true)
    );
    let pieces = pieces.into_inner().expect("pieces");
    assert!(pieces.len() > 3, "tokens arrive piece by piece: {pieces:?}");
    assert_eq!(pieces.concat(), answer.content);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = &sent.body;
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["max_completion_tokens"], 300);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][0]["content"], "You are an interviewer.");
    assert_eq!(body["messages"][1]["role"], "user");
    assert_eq!(body["messages"][2]["role"], "assistant");
    let parts = &body["messages"][3]["content"];
    assert_eq!(parts[0]["type"], "text");
    assert_eq!(parts[1]["type"], "image_url");
    assert!(parts[1]["image_url"]["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("data:image/png;base64,iVBOR2Zha2U=")));
}

#[tokio::test]
async fn openai_structured_output_uses_a_strict_json_schema_and_always_streams() {
    let server = FakeLlm::start().await;
    server.script([Reply::text("{\"score\": 7}", 50, 5)]);
    let answer = openai(&server, fast())
        .chat(&request(true), None)
        .await
        .expect("answer");
    assert_eq!(answer.content, "{\"score\": 7}");
    assert_eq!((answer.input_tokens, answer.output_tokens), (50, 5));
    let body = &server.requests()[0].body;
    assert_eq!(
        body["stream"], true,
        "streamed even with nobody watching the tokens"
    );
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["required"][0],
        "score"
    );
    assert_eq!(body["max_completion_tokens"], 300);
}

#[tokio::test]
async fn a_plain_json_answer_to_a_streamed_request_is_still_read() {
    let server = FakeLlm::start().await;
    server.script([Reply::Plain("Not streamed after all.".into())]);
    let answer = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect("answer");
    assert_eq!(answer.content, "Not streamed after all.");
}

#[tokio::test]
async fn compatible_servers_get_max_tokens_a_json_object_with_its_schema_and_no_system_role() {
    let server = FakeLlm::start().await;
    server.script([Reply::text("{\"score\": 7}", 50, 5)]);
    let client = OpenAiChat::compatible(&server.openai_url(), fast());
    client.chat(&request(true), None).await.expect("answer");
    let body = &server.requests()[0].body;
    assert_eq!(
        body["max_tokens"], 300,
        "llama.cpp ignores max_completion_tokens"
    );
    assert!(body
        .get("max_completion_tokens")
        .is_none_or(serde_json::Value::is_null));
    assert_eq!(body["response_format"]["type"], "json_object");
    assert_eq!(body["response_format"]["schema"]["type"], "object");
    assert_eq!(
        body["messages"][0]["role"], "user",
        "no system message: Gemma's template drops it"
    );
    assert!(body["messages"][0]["content"]
        .as_str()
        .is_some_and(|c| c.starts_with("You are an interviewer.")));
    assert!(
        server.requests()[0].header("authorization").is_none(),
        "no key is sent"
    );
}

#[tokio::test]
async fn missing_usage_is_counted_locally() {
    let server = FakeLlm::start().await;
    server.script([Reply::Text {
        content: "Walk me through the write path.".into(),
        usage: None,
    }]);
    let answer = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect("answer");
    assert!(!answer.reported_usage);
    assert!(
        answer.output_tokens >= 5 && answer.input_tokens >= 10,
        "{answer:?}"
    );
}

#[tokio::test]
async fn anthropic_streams_and_plain_answers_carry_usage_and_headers() {
    let server = FakeLlm::start().await;
    server.script([
        Reply::text("What is the read to write ratio?", 400, 12),
        Reply::text("{\"score\": 7}", 40, 3),
    ]);
    let client = AnthropicChat::new(&server.base, SecretString::from(KEY), fast());
    let pieces = Mutex::new(String::new());
    let sink = |piece: &str| pieces.lock().expect("lock").push_str(piece);
    let streamed = client
        .chat(&request(false), Some(&sink))
        .await
        .expect("streamed");
    assert_eq!(streamed.content, "What is the read to write ratio?");
    assert_eq!(pieces.into_inner().expect("pieces"), streamed.content);
    assert_eq!(
        (
            streamed.input_tokens,
            streamed.output_tokens,
            streamed.reported_usage
        ),
        (400, 12, true)
    );
    let structured = client
        .chat(&request(true), None)
        .await
        .expect("tool answer");
    assert_eq!(
        (
            structured.content.as_str(),
            structured.input_tokens,
            structured.output_tokens
        ),
        ("{\"score\": 7}", 40, 3),
        "the forced tool's streamed input is the answer"
    );

    let requests = server.requests();
    let sent = &requests[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some(KEY));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.body["system"], "You are an interviewer.");
    assert_eq!(sent.body["stream"], true);
    assert_eq!(sent.body["messages"][0]["role"], "user");
    assert_eq!(sent.body["messages"][2]["content"][1]["type"], "image");
    assert_eq!(
        sent.body["messages"][2]["content"][1]["source"]["media_type"],
        "image/png"
    );
    let tool = &requests[1].body;
    assert_eq!(tool["tool_choice"]["type"], "tool");
    assert_eq!(tool["tool_choice"]["name"], "answer");
    assert_eq!(tool["tools"][0]["name"], "answer");
    assert_eq!(tool["tools"][0]["input_schema"]["required"][0], "score");
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let server = FakeLlm::start().await;
    server.script([
        Reply::Status {
            code: 429,
            retry_after: Some(1),
        },
        Reply::text("Fine.", 10, 2),
    ]);
    let answer = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect("answer after retry");
    assert_eq!(answer.content, "Fine.");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let gap = requests[1].at - requests[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "Retry-After: 1 was honoured ({gap:?})"
    );
}

#[tokio::test]
async fn server_errors_are_retried_three_times_then_reported_with_provider_and_cause() {
    let server = FakeLlm::start().await;
    server.script([500, 502, 503, 500].map(|code| Reply::Status {
        code,
        retry_after: None,
    }));
    let error = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect_err("fails");
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "first attempt plus three retries");
    let gaps: Vec<Duration> = requests.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(
        gaps[1] >= gaps[0] && gaps[2] >= gaps[1],
        "backoff grows: {gaps:?}"
    );
    let message = error.to_string();
    assert!(message.starts_with("openai:"), "{message}");
    assert!(
        message.contains("HTTP 500") && message.contains("4 attempts"),
        "{message}"
    );
    assert!(!message.contains(KEY), "the key never appears in errors");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = FakeLlm::start().await;
    server.script([Reply::Status {
        code: 401,
        retry_after: None,
    }]);
    let error = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect_err("fails");
    assert_eq!(server.requests().len(), 1);
    assert!(error.to_string().contains("401"));
}

#[tokio::test]
async fn timeouts_are_retried_and_reported() {
    let server = FakeLlm::start().await;
    server.script([
        Reply::Hang(Duration::from_secs(3)),
        Reply::text("Back.", 5, 1),
    ]);
    let settings = HttpSettings {
        idle_timeout: Duration::from_millis(300),
        ..fast()
    };
    let answer = openai(&server, settings)
        .chat(&request(false), None)
        .await
        .expect("second attempt");
    assert_eq!(answer.content, "Back.");
    assert_eq!(server.requests().len(), 2);

    let server = FakeLlm::start().await;
    server.script((0..4).map(|_| Reply::Hang(Duration::from_secs(3))));
    let error = openai(&server, settings)
        .chat(&request(false), None)
        .await
        .expect_err("all time out");
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn malformed_and_truncated_answers_are_errors_not_panics() {
    let server = FakeLlm::start().await;
    server.script([Reply::Malformed]);
    let error = openai(&server, fast())
        .chat(&request(true), None)
        .await
        .expect_err("malformed");
    assert!(error.to_string().contains("malformed"), "{error}");
    assert_eq!(
        server.requests().len(),
        1,
        "a malformed answer is not retried"
    );

    server.script([Reply::Truncated]);
    let sink = |_: &str| {};
    let error = openai(&server, fast())
        .chat(&request(false), Some(&sink))
        .await
        .expect_err("truncated");
    assert!(error.to_string().starts_with("openai:"), "{error}");

    server.script([Reply::Truncated]);
    let client = AnthropicChat::new(&server.base, SecretString::from(KEY), fast());
    assert!(client.chat(&request(false), Some(&sink)).await.is_err());
}

#[tokio::test]
async fn the_circuit_breaker_opens_after_repeated_failures() {
    let server = FakeLlm::start().await;
    server.script((0..2).map(|_| Reply::Status {
        code: 500,
        retry_after: None,
    }));
    let settings = HttpSettings {
        retries: 0,
        breaker_failures: 2,
        breaker_cooldown: Duration::from_secs(60),
        ..fast()
    };
    let client = openai(&server, settings);
    for _ in 0..2 {
        assert!(client.chat(&request(false), None).await.is_err());
    }
    let error = client.chat(&request(false), None).await.expect_err("open");
    assert!(
        error.to_string().contains("circuit breaker open"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 2, "an open breaker sends nothing");
}

#[tokio::test]
async fn redirects_are_refused_and_not_followed() {
    let server = FakeLlm::start().await;
    let elsewhere = FakeLlm::start().await;
    server.script([Reply::Redirect(format!(
        "{}/v1/chat/completions",
        elsewhere.base
    ))]);
    let error = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect_err("redirect");
    assert!(error.to_string().contains("redirect"), "{error}");
    assert!(
        elsewhere.requests().is_empty(),
        "the redirect is not followed"
    );
    assert_eq!(server.requests().len(), 1, "nor retried");
}

#[tokio::test]
async fn oversized_lines_and_bodies_are_cut_off() {
    let server = FakeLlm::start().await;
    server.script([Reply::Flood {
        line: 200 * 1024,
        total: 400 * 1024,
    }]);
    let error = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect_err("huge line");
    assert!(error.to_string().contains("64 KiB"), "{error}");

    let server = FakeLlm::start().await;
    server.script([Reply::Flood {
        line: 1024,
        total: 6 * 1024 * 1024,
    }]);
    let error = openai(&server, fast())
        .chat(&request(false), None)
        .await
        .expect_err("huge body");
    assert!(error.to_string().contains("4 MiB"), "{error}");
}

#[tokio::test]
async fn a_slow_generation_that_keeps_streaming_is_not_cut_off_or_retried() {
    let server = FakeLlm::start().await;
    let text = "one two three four five six seven eight nine ten";
    server.script([Reply::Trickle {
        content: text.into(),
        interval: Duration::from_millis(120),
    }]);
    let settings = HttpSettings {
        idle_timeout: Duration::from_millis(400),
        ..fast()
    };
    let started = std::time::Instant::now();
    let answer = openai(&server, settings)
        .chat(&request(false), None)
        .await
        .expect("a slow but steady answer");
    assert_eq!(answer.content, text);
    assert!(
        started.elapsed() > Duration::from_millis(400),
        "longer than the idle timeout in all"
    );
    assert_eq!(server.requests().len(), 1);
}
