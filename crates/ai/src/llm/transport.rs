//! HTTP for providers: POST a JSON body and read the answer as a server-sent-event stream.
//!
//! - Time out on *inactivity* (no byte for [`HttpSettings::idle_timeout`]), not on the length of
//!   a generation: a slow local model that keeps streaming is never cut off; a hard ceiling
//!   ([`HttpSettings::total_timeout`]) still bounds a call.
//! - Retry 429, 5xx, timeouts and connection errors (honouring `Retry-After`), but never a
//!   generation that was already making progress.
//! - A circuit breaker per provider fails fast after repeated failures.
//! - Follow no redirects, and cap every body ([`MAX_BODY_BYTES`]) and every SSE line
//!   ([`MAX_LINE_BYTES`]) so a hostile or broken server cannot fill memory.
//! - Optionally resolve host names through a guard that refuses link-local and cloud-metadata
//!   addresses at connect time (the OpenAI-compatible server the user types in).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use eventsource_stream::Eventsource as _;
use failsafe::backoff::Constant;
use failsafe::failure_policy::ConsecutiveFailures;
use failsafe::StateMachine;
use futures::{Stream, StreamExt as _};
use reqwest::header::HeaderMap;

use super::ProviderError;

/// The pseudo event name under which a non-streamed (plain JSON) answer is delivered.
pub const WHOLE_BODY: &str = "mockint:whole-body";
/// Largest answer body read from any provider.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Longest line of a server-sent-event stream.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Receives each server-sent event as `(event name, data)`.
pub type EventSink<'a> = &'a mut (dyn FnMut(&str, &str) -> Result<(), ProviderError> + Send);

/// Timeouts, retries and breaker settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Longest wait for the next byte (or for the answer to start).
    pub idle_timeout: Duration,
    /// Longest a whole call may take, streaming included.
    pub total_timeout: Duration,
    /// Longest wait for a TCP connection.
    pub connect_timeout: Duration,
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
            idle_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(600),
            connect_timeout: Duration::from_secs(10),
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
        Self::build(provider, settings, false)
    }

    /// A transport whose host names must not resolve to link-local or cloud-metadata
    /// addresses (checked at connect time, so a DNS answer cannot change it later).
    pub fn guarded(provider: &'static str, settings: HttpSettings) -> Self {
        Self::build(provider, settings, true)
    }

    fn build(provider: &'static str, settings: HttpSettings, guarded: bool) -> Self {
        let client = client(settings, guarded);
        Self::with_client(provider, settings, client)
    }

    fn with_client(
        provider: &'static str,
        settings: HttpSettings,
        client: reqwest::Client,
    ) -> Self {
        let breaker = failsafe::Config::new()
            .failure_policy(failsafe::failure_policy::consecutive_failures(
                settings.breaker_failures,
                failsafe::backoff::constant(settings.breaker_cooldown),
            ))
            .build();
        Self {
            client,
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
        mockint_core::redact::redact(&out)
    }

    /// POSTs `body` and feeds each server-sent event `(event name, data)` to `on_event` (a
    /// plain JSON answer comes as one [`WHOLE_BODY`] event). Attempts that fail before any
    /// event arrived are retried; the breaker counts the call.
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
            mockint_core::telemetry::record(&component, operation, started.elapsed(), false);
            return Err(ProviderError::new(
                self.provider,
                "circuit breaker open after repeated failures; try again shortly",
                false,
            ));
        }
        let result = self.attempts(url, headers, body, on_event).await;
        mockint_core::telemetry::record(&component, operation, started.elapsed(), result.is_ok());
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
            // A generation that was making progress is never started again.
            if !error.retryable || delivered || attempt >= self.settings.retries {
                let tries = attempt + 1;
                return Err(ProviderError::new(
                    self.provider,
                    format!(
                        "{} (after {tries} attempt{})",
                        error.message,
                        if tries == 1 { "" } else { "s" }
                    ),
                    error.retryable && !delivered,
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
            .send()
            .await
            .map_err(|error| fail(describe(&error), true))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(fail(
                format!("the server answered with a redirect (HTTP {status}); redirects are not followed"),
                false,
            ));
        }
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let text = read_capped(response.bytes_stream(), 16 * 1024)
                .await
                .unwrap_or_default();
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
            let text = read_capped(response.bytes_stream(), MAX_BODY_BYTES)
                .await
                .map_err(|error| fail(error, true))?;
            *delivered = true;
            return on_event(WHOLE_BODY, &text).map_err(|error| (error, None));
        }
        let mut events = capped(response.bytes_stream()).eventsource();
        while let Some(event) = events.next().await {
            let event = event.map_err(|error| match error {
                // An answer past its limits is refused, not asked for again.
                eventsource_stream::EventStreamError::Transport(CapError::TooLarge(what)) => {
                    fail(what.to_string(), false)
                }
                other => fail(format!("stream interrupted: {other}"), true),
            })?;
            on_event(&event.event, &event.data).map_err(|error| (error, None))?;
            *delivered = true;
        }
        Ok(())
    }
}

/// An HTTP client for providers: no redirects, the settings' timeouts, and (when `guarded`)
/// host names resolved through [`GuardedResolver`] with no proxy in between.
pub fn client(settings: HttpSettings, guarded: bool) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .read_timeout(settings.idle_timeout)
        .timeout(settings.total_timeout);
    if guarded {
        builder = builder.no_proxy().dns_resolver(Arc::new(GuardedResolver));
    }
    builder.build().unwrap_or_else(|error| {
        tracing::warn!(%error, "HTTP client settings refused; using the defaults");
        reqwest::Client::new()
    })
}

/// Reads a body of at most `limit` bytes as text (longer: an error naming the limit).
pub async fn read_limited(response: reqwest::Response, limit: usize) -> Result<String, String> {
    read_capped(response.bytes_stream(), limit).await
}

/// Why a capped stream stopped.
#[derive(Debug)]
enum CapError {
    Http(reqwest::Error),
    TooLarge(&'static str),
}

impl std::fmt::Display for CapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Http(error) => f.write_str(&describe(error)),
            Self::TooLarge(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for CapError {}

/// The byte stream of an event-stream answer, failing once the whole answer passes
/// [`MAX_BODY_BYTES`] or one line passes [`MAX_LINE_BYTES`] (before the parser buffers it).
fn capped(
    stream: impl Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
) -> impl Stream<Item = Result<bytes::Bytes, CapError>> + Unpin {
    let mut total = 0usize;
    let mut line = 0usize;
    stream.map(move |chunk| {
        let chunk = chunk.map_err(CapError::Http)?;
        total += chunk.len();
        if total > MAX_BODY_BYTES {
            return Err(CapError::TooLarge("the answer is larger than 4 MiB"));
        }
        for byte in chunk.iter() {
            if *byte == b'\n' || *byte == b'\r' {
                line = 0;
            } else {
                line += 1;
                if line > MAX_LINE_BYTES {
                    return Err(CapError::TooLarge(
                        "a line of the answer stream is longer than 64 KiB",
                    ));
                }
            }
        }
        Ok(chunk)
    })
}

/// Reads a whole (non-streamed) body of at most `limit` bytes as text.
async fn read_capped(
    mut stream: impl Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
    limit: usize,
) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|error| format!("reading the answer failed: {}", describe(&error)))?;
        if body.len() + chunk.len() > limit {
            return Err(format!("the answer is larger than {} KiB", limit / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the server stopped answering (timed out)".to_string()
    } else if error.is_connect() {
        "cannot connect to the server".to_string()
    } else {
        // reqwest's messages include the URL but never headers; the URL's query and password
        // are dropped.
        let mut text = error.to_string();
        if let Some(url) = error.url() {
            text = text.replace(
                url.as_str(),
                &mockint_core::redact::redact_url(url.as_str()),
            );
        }
        mockint_core::redact::redact(&text)
    }
}

/// Whether an address may be contacted: not link-local, not a cloud metadata service, not
/// unspecified, multicast or broadcast. Loopback and private networks are allowed (a local
/// Ollama or a server on the LAN).
pub fn address_allowed(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                // 100.100.100.200: Alibaba Cloud metadata (in the CGNAT range).
                || (a == 100 && b == 100))
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            !(v6.is_unspecified()
                || v6.is_multicast()
                || (segments[0] & 0xffc0) == 0xfe80
                // fd00:ec2::254: AWS metadata over IPv6.
                || (segments[0] == 0xfd00 && segments[1] == 0x0ec2))
        }
    }
}

/// Resolves host names and drops every address [`address_allowed`] refuses.
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| address_allowed(address.ip()))
                .collect();
            if addresses.is_empty() {
                return Err(format!("{host} resolves only to addresses that are refused (link-local or cloud metadata)").into());
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_and_link_local_addresses_are_refused() {
        for refused in [
            "169.254.169.254",
            "169.254.1.1",
            "0.0.0.0",
            "fe80::1",
            "fd00:ec2::254",
            "100.100.100.200",
            "::ffff:169.254.169.254",
        ] {
            assert!(!address_allowed(refused.parse().expect("ip")), "{refused}");
        }
        for allowed in ["127.0.0.1", "::1", "192.168.1.20", "10.0.0.5", "8.8.8.8"] {
            assert!(address_allowed(allowed.parse().expect("ip")), "{allowed}");
        }
    }
}
