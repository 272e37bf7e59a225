//! HTTP for providers: POST a JSON body, read a server-sent-event stream. Retries 429, 5xx,
//! timeouts and connection errors (honouring `Retry-After`), and a circuit breaker per
//! provider fails fast after repeated failures.

use std::time::Duration;

use eventsource_stream::Eventsource as _;
use failsafe::backoff::Constant;
use failsafe::failure_policy::ConsecutiveFailures;
use failsafe::StateMachine;
use futures::StreamExt as _;
use reqwest::header::HeaderMap;

use super::ProviderError;

/// The pseudo event name under which a non-streamed (plain JSON) answer is delivered.
pub const WHOLE_BODY: &str = "mockint:whole-body";

/// Receives each server-sent event as `(event name, data)`.
pub type EventSink<'a> = &'a mut (dyn FnMut(&str, &str) -> Result<(), ProviderError> + Send);

/// Timeouts, retries and breaker settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Whole-request timeout (connect to last streamed byte).
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: usize,
    /// First retry delay; doubles each time (1, 2, 4 s by default).
    pub first_delay: Duration,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Consecutive failed calls that open the breaker.
    pub breaker_failures: u32,
    /// How long the breaker stays open.
    pub breaker_cooldown: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            retries: 3,
            first_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            breaker_failures: 5,
            breaker_cooldown: Duration::from_secs(30),
        }
    }
}

/// One provider's HTTP client, retry policy and circuit breaker.
pub struct Transport {
    client: reqwest::Client,
    provider: &'static str,
    settings: HttpSettings,
    secrets: Vec<String>,
    breaker: StateMachine<ConsecutiveFailures<Constant>, ()>,
}

impl Transport {
    /// A transport for `provider`.
    pub fn new(provider: &'static str, settings: HttpSettings) -> Self {
        let breaker = failsafe::Config::new()
            .failure_policy(failsafe::failure_policy::consecutive_failures(
                settings.breaker_failures,
                failsafe::backoff::constant(settings.breaker_cooldown),
            ))
            .build();
        Self {
            client: reqwest::Client::new(),
            provider,
            settings,
            secrets: Vec::new(),
            breaker,
        }
    }

    /// Remembers a secret (the API key) that must never appear in error messages, even when
    /// a server echoes it back ("Incorrect API key provided: sk-…").
    pub fn with_secret(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            self.secrets.push(secret.to_string());
        }
        self
    }

    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "***");
        }
        out.split_whitespace()
            .map(|word| {
                if word.starts_with("sk-") && word.len() > 10 {
                    "***"
                } else {
                    word
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// POSTs `body` and returns the JSON answer (non-streaming), with the same retries and
    /// breaker as [`Transport::stream`].
    pub async fn json(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &serde_json::Value,
    ) -> Result<String, ProviderError> {
        let mut text = String::new();
        self.stream(url, headers, body, &mut |event, data| {
            if event == WHOLE_BODY {
                text = data.to_string();
            }
            Ok(())
        })
        .await?;
        Ok(text)
    }

    /// POSTs `body` and feeds each server-sent event `(event name, data)` to `on_event`.
    /// Attempts that fail before any event arrived are retried; the breaker counts the call.
    pub async fn stream(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &serde_json::Value,
        on_event: EventSink<'_>,
    ) -> Result<(), ProviderError> {
        let started = std::time::Instant::now();
        let operation = url.rsplit('/').next().unwrap_or("call");
        let component = format!("ai:{}", self.provider);
        if !self.breaker.is_call_permitted() {
            interview_core::telemetry::record(&component, operation, started.elapsed(), false);
            return Err(ProviderError::new(
                self.provider,
                "circuit breaker open after repeated failures; try again shortly",
                false,
            ));
        }
        let result = self.attempts(url, headers, body, on_event).await;
        interview_core::telemetry::record(&component, operation, started.elapsed(), result.is_ok());
        match &result {
            Ok(()) => self.breaker.on_success(),
            Err(_) => self.breaker.on_error(),
        }
        result
    }

    async fn attempts(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &serde_json::Value,
        on_event: EventSink<'_>,
    ) -> Result<(), ProviderError> {
        let mut delay = self.settings.first_delay;
        let mut attempt = 0;
        loop {
            let mut delivered = false;
            let outcome = self
                .attempt(url, headers.clone(), body, &mut delivered, on_event)
                .await;
            let (error, retry_after) = match outcome {
                Ok(()) => return Ok(()),
                Err(failure) => failure,
            };
            if !error.retryable || delivered || attempt >= self.settings.retries {
                let tries = attempt + 1;
                return Err(ProviderError::new(
                    self.provider,
                    format!(
                        "{} (after {tries} attempt{})",
                        error.message,
                        if tries == 1 { "" } else { "s" }
                    ),
                    error.retryable,
                ));
            }
            let wait = retry_after
                .map(|d| d.min(self.settings.max_retry_after))
                .unwrap_or(delay);
            tracing::warn!(provider = self.provider, error = %error.message, ?wait, "provider call failed, retrying");
            tokio::time::sleep(wait).await;
            delay *= 2;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &serde_json::Value,
        delivered: &mut bool,
        on_event: EventSink<'_>,
    ) -> Result<(), (ProviderError, Option<Duration>)> {
        let provider = self.provider;
        let fail = |message: String, retryable: bool| {
            (ProviderError::new(provider, message, retryable), None)
        };
        let response = self
            .client
            .post(url)
            .headers(headers)
            .json(body)
            .timeout(self.settings.timeout)
            .send()
            .await
            .map_err(|error| fail(describe(&error), true))?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let text = response.text().await.unwrap_or_default();
            let retryable = status.as_u16() == 429 || status.is_server_error();
            let detail: String = self.scrub(&text).chars().take(200).collect();
            return Err((
                ProviderError::new(provider, format!("HTTP {status}: {detail}"), retryable),
                retry_after,
            ));
        }
        let is_sse = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_sse {
            let text = response.text().await.map_err(|error| {
                fail(
                    format!("reading the answer failed: {}", describe(&error)),
                    true,
                )
            })?;
            *delivered = true;
            return on_event(WHOLE_BODY, &text).map_err(|error| (error, None));
        }
        let mut events = response.bytes_stream().eventsource();
        while let Some(event) = events.next().await {
            let event =
                event.map_err(|error| fail(format!("stream interrupted: {error}"), true))?;
            on_event(&event.event, &event.data).map_err(|error| (error, None))?;
            *delivered = true;
        }
        Ok(())
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "request timed out".to_string()
    } else if error.is_connect() {
        "cannot connect to the server".to_string()
    } else {
        // reqwest's messages include the URL but never headers, so no key can leak here.
        error.to_string()
    }
}
