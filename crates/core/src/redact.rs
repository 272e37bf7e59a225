//! Secrets of every shape, masked before text reaches a log, the database, an export or an
//! error message: API keys (`sk-…`, `sk-ant-…`, `AIza…`, `gsk_…`), `Bearer` tokens,
//! `x-api-key` headers, key/token/password query values, `user:password@` in any URL,
//! `PGPASSWORD=` and `password=` in connection strings.

use std::sync::LazyLock;

use regex::Regex;

/// What a secret is replaced with.
pub const MASK: &str = "***";

struct Rule {
    pattern: Regex,
    replacement: &'static str,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let rule = |pattern: &str, replacement: &'static str| {
        Regex::new(pattern).ok().map(|pattern| Rule {
            pattern,
            replacement,
        })
    };
    [
        // Keys by their shape: OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Google (AIza),
        // Groq (gsk_).
        rule(r"\bsk-[A-Za-z0-9_\-]{6,}", MASK),
        rule(r"\bAIza[0-9A-Za-z_\-]{20,}", MASK),
        rule(r"\bgsk_[A-Za-z0-9]{10,}", MASK),
        // Authorization headers and their like.
        rule(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/\-]+=*", "${1} ***"),
        rule(r#"(?i)\b(x-api-key|api-key|x-goog-api-key)(["']?\s*[:=]\s*["']?)[^\s"',;]+"#, "${1}${2}***"),
        // Query values and key=value settings.
        rule(r"(?i)([?&;](?:api[_-]?key|key|token|access_token|password|passwd|pwd|secret|sig|signature)=)[^&\s#]+", "${1}***"),
        rule(r#"(?i)\b(PGPASSWORD|DB_PASSWORD|password|passwd)(\s*[=:]\s*["']?)[^\s"'&;]+"#, "${1}${2}***"),
        // Credentials inside any URL.
        rule(r"(://[^:/@\s]+:)([^@\s]+)(@)", "${1}***${3}"),
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// The text with every secret shape masked.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for rule in RULES.iter() {
        if rule.pattern.is_match(&out) {
            out = rule
                .pattern
                .replace_all(&out, rule.replacement)
                .into_owned();
        }
    }
    out
}

/// A URL safe to show: the password masked and the query (which may carry keys) dropped.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() && parsed.set_password(Some(MASK)).is_err() {
                return "<url>".to_string();
            }
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => {
            let without_query = url.split(['?', '#']).next().unwrap_or_default();
            match without_query.rsplit_once('@') {
                Some((_, host)) => format!("<credentials>@{host}"),
                None => redact(without_query),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_shape_is_masked() {
        let secrets = [
            ("key sk-proj-ABCDEFGH123456", "sk-proj-ABCDEFGH123456"),
            (
                "key sk-ant-api03-ABCDEFGH123456",
                "sk-ant-api03-ABCDEFGH123456",
            ),
            (
                "Authorization: Bearer eyJhbGciOi.payload.sig",
                "eyJhbGciOi.payload.sig",
            ),
            ("x-api-key: abcdef0123456789", "abcdef0123456789"),
            ("\"x-api-key\":\"abcdef0123456789\"", "abcdef0123456789"),
            (
                "google AIzaSyA1234567890abcdefghijklmnop",
                "AIzaSyA1234567890abcdefghijklmnop",
            ),
            ("groq gsk_0123456789abcdefghij", "gsk_0123456789abcdefghij"),
            ("GET https://h/v1?key=s3cr3tvalue&x=1", "s3cr3tvalue"),
            (
                "https://h/cb?token=tok123456&password=pw654321",
                "tok123456",
            ),
            ("https://h/cb?token=tok123456&password=pw654321", "pw654321"),
            ("postgres://app:hunter22@db:5432/x", "hunter22"),
            ("https://user:pa55word@proxy.local/", "pa55word"),
            ("PGPASSWORD=supersecret pg_dump", "supersecret"),
            ("host=db user=app password=dsnsecret dbname=x", "dsnsecret"),
        ];
        for (text, secret) in secrets {
            let clean = redact(text);
            assert!(!clean.contains(secret), "{text} -> {clean}");
        }
        assert_eq!(
            redact("nothing secret here: the cache key is the code"),
            "nothing secret here: the cache key is the code"
        );
    }

    #[test]
    fn urls_lose_password_and_query() {
        assert_eq!(
            redact_url("postgres://app:pw@db:5432/mockint?sslmode=require&password=x"),
            "postgres://app:***@db:5432/mockint"
        );
        assert_eq!(
            redact_url("http://localhost:11434/v1?key=abc"),
            "http://localhost:11434/v1"
        );
        assert_eq!(
            redact_url("not a url user:pw@host?key=1"),
            "<credentials>@host"
        );
    }
}
