//! API keys, read only from the environment and never printed.

use secrecy::SecretString;

/// The secrets the app may use. `Debug` shows only whether each is set.
#[derive(Default)]
pub struct Secrets {
    /// `OPENAI_API_KEY`.
    pub openai_api_key: Option<SecretString>,
    /// `ANTHROPIC_API_KEY`.
    pub anthropic_api_key: Option<SecretString>,
}

impl Secrets {
    /// Reads the keys from the environment (after `.env` has been loaded).
    pub fn from_env() -> Self {
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
                .map(SecretString::from)
        };
        Self {
            openai_api_key: read("OPENAI_API_KEY"),
            anthropic_api_key: read("ANTHROPIC_API_KEY"),
        }
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field(
                "openai_api_key",
                &self.openai_api_key.as_ref().map(|_| "<set>"),
            )
            .field(
                "anthropic_api_key",
                &self.anthropic_api_key.as_ref().map(|_| "<set>"),
            )
            .finish()
    }
}
