//! An OpenAI-compatible server (Ollama, llama.cpp, vLLM, …) chosen in the app: its URL is
//! checked, its model list read, and the choice remembered in the data directory so that
//! sessions using it can be resumed after a restart.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::AppError;

/// File in the data directory that remembers the server.
const FILE_NAME: &str = "compatible-server.json";
/// Longest URL accepted.
const MAX_URL_CHARS: usize = 2048;
/// Longest model name accepted.
const MAX_MODEL_CHARS: usize = 200;
/// Most model names read from a server.
const MAX_MODELS: usize = 500;
/// Largest model list read, in bytes.
const MAX_LIST_BYTES: usize = 1024 * 1024;
/// Host names of cloud metadata services.
const METADATA_HOSTS: &[&str] = &[
    "metadata.google.internal",
    "metadata",
    "instance-data",
    "metadata.azure.com",
];

/// The remembered server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatibleServer {
    /// Base URL, e.g. `http://localhost:11434/v1`.
    pub url: String,
    /// The model to use there.
    pub model: String,
}

/// Checks a base URL typed by the user: http(s) with a host and no credentials.
pub fn validate_url(raw: &str) -> Result<String, AppError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(AppError::Provider(
            "enter the server's URL, e.g. http://localhost:11434/v1".into(),
        ));
    }
    if trimmed.chars().count() > MAX_URL_CHARS {
        return Err(AppError::Provider(format!(
            "the server URL is longer than {MAX_URL_CHARS} characters"
        )));
    }
    let url = url::Url::parse(trimmed).map_err(|error| {
        AppError::Provider(format!(
            "not a valid URL ({error}); use the form http://localhost:11434/v1"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::Provider(format!(
            "the server URL must start with http:// or https://, not {}:",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(AppError::Provider("the server URL has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::Provider(
            "put no user name or password in the server URL".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(AppError::Provider(
            "the server URL takes no ?query or #fragment".into(),
        ));
    }
    // Cloud metadata services and link-local addresses are never a model server.
    let refused = match url.host() {
        Some(url::Host::Ipv4(ip)) => !mockint_ai::llm::address_allowed(ip.into()),
        Some(url::Host::Ipv6(ip)) => !mockint_ai::llm::address_allowed(ip.into()),
        Some(url::Host::Domain(name)) => {
            METADATA_HOSTS.contains(&name.to_ascii_lowercase().as_str())
        }
        None => true,
    };
    if refused {
        return Err(AppError::Provider(format!(
            "{} is a link-local or cloud-metadata address, not a model server",
            url.host_str().unwrap_or_default()
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Checks a model name typed by the user.
pub fn validate_model(raw: &str) -> Result<String, AppError> {
    let model = raw.trim();
    if model.is_empty()
        || model.chars().count() > MAX_MODEL_CHARS
        || model.chars().any(char::is_control)
    {
        return Err(AppError::Provider(format!(
            "a model name is 1 to {MAX_MODEL_CHARS} printable characters"
        )));
    }
    Ok(model.to_string())
}

#[derive(Deserialize)]
struct ModelList {
    data: Vec<ModelEntry>,
}

#[derive(Deserialize)]
struct ModelEntry {
    id: String,
}

/// Reads the server's model names (`GET {url}/models`), within 5 s, through the guarded
/// client (no redirects, no link-local or metadata addresses, at most 1 MiB).
pub async fn list_models(url: &str) -> Result<Vec<String>, AppError> {
    let settings = mockint_ai::llm::HttpSettings {
        idle_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        ..mockint_ai::llm::HttpSettings::default()
    };
    let shown = mockint_core::redact::redact_url(url);
    let response = mockint_ai::llm::client(settings, true)
        .get(format!("{url}/models"))
        .send()
        .await
        .map_err(|error| {
            AppError::Provider(if error.is_timeout() {
                format!("{shown} did not answer within 5 s")
            } else if std::error::Error::source(&error)
                .is_some_and(|cause| cause.to_string().contains("refused (link-local"))
            {
                format!("{shown} resolves only to link-local or cloud-metadata addresses, which are refused")
            } else {
                format!("cannot connect to {shown}; is the server running?")
            })
        })?;
    let status = response.status();
    if status.is_redirection() {
        return Err(AppError::Provider(format!(
            "{shown}/models answered with a redirect (HTTP {}); redirects are not followed: enter the final address",
            status.as_u16()
        )));
    }
    if !status.is_success() {
        return Err(AppError::Provider(format!(
            "{shown}/models answered HTTP {}; is this the server's OpenAI-compatible base URL (often ending in /v1)?",
            status.as_u16()
        )));
    }
    let body = mockint_ai::llm::read_limited(response, MAX_LIST_BYTES)
        .await
        .map_err(|problem| AppError::Provider(format!("{shown}/models: {problem}")))?;
    let list: ModelList = serde_json::from_str(&body).map_err(|_| {
        AppError::Provider(format!(
            "{shown}/models did not answer with an OpenAI model list"
        ))
    })?;
    Ok(list
        .data
        .into_iter()
        .map(|entry| entry.id)
        .filter(|id| validate_model(id).is_ok())
        .take(MAX_MODELS)
        .collect())
}

fn file(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// The remembered server, if one was chosen and its file is readable.
pub fn load(data_dir: &Path) -> Option<CompatibleServer> {
    let bytes = std::fs::read(file(data_dir)).ok()?;
    match serde_json::from_slice::<CompatibleServer>(&bytes) {
        Ok(server)
            if validate_url(&server.url).is_ok() && validate_model(&server.model).is_ok() =>
        {
            Some(server)
        }
        _ => {
            tracing::warn!(
                file = FILE_NAME,
                "the remembered OpenAI-compatible server is unreadable; choose it again"
            );
            None
        }
    }
}

/// Remembers the server (written atomically, readable only by the user).
pub fn save(data_dir: &Path, server: &CompatibleServer) -> Result<(), AppError> {
    let path = file(data_dir);
    let temp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(server)
        .map_err(|error| AppError::Provider(format!("cannot record the server: {error}")))?;
    let write = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut out = options.open(&temp)?;
        std::io::Write::write_all(&mut out, &bytes)?;
        out.sync_all()?;
        std::fs::rename(&temp, &path)
    };
    write().map_err(|error| {
        let _ = std::fs::remove_file(&temp);
        AppError::Provider(format!(
            "cannot record the server in {}: {error}",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_normalised() {
        assert_eq!(
            validate_url(" http://localhost:11434/v1/ ").ok().as_deref(),
            Some("http://localhost:11434/v1")
        );
        for (bad, why) in [
            ("", "enter the server"),
            ("localhost:11434", "http:// or https://"),
            ("ftp://host/v1", "http:// or https://"),
            ("http://user:secret@host/v1", "no user name or password"),
            ("http://host/v1?key=1", "no ?query"),
            ("not a url", "not a valid URL"),
        ] {
            let error = validate_url(bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains(why), "{bad}: {error}");
            assert!(!error.contains("secret"), "{error}");
        }
        assert!(validate_url(&format!("http://h/{}", "a".repeat(3000))).is_err());
    }

    #[test]
    fn model_names_are_bounded() {
        assert_eq!(
            validate_model(" llama3.1:8b ").ok().as_deref(),
            Some("llama3.1:8b")
        );
        assert!(validate_model("").is_err());
        assert!(validate_model("a\nb").is_err());
        assert!(validate_model(&"m".repeat(201)).is_err());
    }

    #[test]
    fn the_choice_survives_a_restart_and_a_bad_file_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(load(dir.path()), None);
        let server = CompatibleServer {
            url: "http://127.0.0.1:11434/v1".into(),
            model: "llama3".into(),
        };
        save(dir.path(), &server).expect("saved");
        assert_eq!(load(dir.path()), Some(server));
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").expect("write");
        assert_eq!(load(dir.path()), None);
    }
}
