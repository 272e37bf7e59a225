//! Loading the configuration: built-in defaults, the user's file (checked for shape and
//! secrets first), then environment overrides.

use std::path::Path;

use config::{Config, Environment, File, FileFormat};

use super::{invalid, AppConfig, ConfigError, DEFAULT_CONFIG_YAML};

/// Environment variables of the seed mapped onto config keys.
const ENV_OVERRIDES: &[(&str, &str)] = &[
    ("DATA_DIR", "storage.data_directory"),
    ("LOG_LEVEL", "logging.level"),
    ("MAX_TOKENS_PER_SESSION", "ai.max_tokens_per_session"),
    (
        "TOKEN_BUDGET_WARNING_THRESHOLD",
        "ai.token_budget_warning_threshold",
    ),
    ("OPENAI_BASE_URL", "ai.openai.base_url"),
];

/// Keys under which people commonly put secrets; they are refused with a pointer to the
/// environment variable instead.
const SECRET_KEYS: &[(&str, &str)] = &[
    ("api_key", "OPENAI_API_KEY / ANTHROPIC_API_KEY"),
    ("password", "DATABASE_URL or DB_PASSWORD"),
    ("url", "DATABASE_URL"),
];

impl AppConfig {
    /// Loads the built-in defaults, then `file` (if given), then the environment, and
    /// validates the result.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut builder =
            Config::builder().add_source(File::from_str(DEFAULT_CONFIG_YAML, FileFormat::Yaml));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::FileNotFound(path.display().to_string()));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|error| ConfigError::Parse(format!("{}: {error}", path.display())))?;
            check_shape(path, &text)?;
            refuse_secrets(&text)?;
            builder = builder.add_source(File::from_str(&text, FileFormat::Yaml));
        }
        builder = builder.add_source(
            Environment::with_prefix("MOCKINT")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        for (variable, key) in ENV_OVERRIDES {
            let value = std::env::var(variable)
                .ok()
                .filter(|v| !v.trim().is_empty());
            builder = builder
                .set_override_option(*key, value)
                .map_err(|error| ConfigError::Parse(one_line(&error.to_string())))?;
        }
        let config: AppConfig =
            builder
                .build()
                .and_then(Config::try_deserialize)
                .map_err(|error| {
                    let place = file
                        .map(|p| format!(" (in {})", p.display()))
                        .unwrap_or_default();
                    ConfigError::Parse(format!("{}{place}", one_line(&error.to_string())))
                })?;
        config.validate()?;
        Ok(config)
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rejects files that cannot be a YAML mapping of sections: binary data, or a first
/// statement that is not a `key:` line.
fn check_shape(path: &Path, text: &str) -> Result<(), ConfigError> {
    let shown = path.display();
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ConfigError::Parse(format!(
            "{shown} contains binary data, not YAML"
        )));
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#') && *line != "---");
    match first {
        Some(line) if !line.contains(':') => Err(ConfigError::Parse(format!(
            "{shown} must be a mapping of sections (ai:, storage:, …), found '{}'",
            line.chars().take(40).collect::<String>()
        ))),
        _ => Ok(()),
    }
}

/// Refuses secret-looking keys in a config file, naming the environment variable to use.
fn refuse_secrets(text: &str) -> Result<(), ConfigError> {
    for line in text.lines() {
        let key = line
            .trim_start()
            .split(':')
            .next()
            .unwrap_or_default()
            .trim();
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some((_, variable)) = SECRET_KEYS.iter().find(|(secret, _)| key == *secret) {
            return Err(invalid(key, format!("secrets are not read from config files; set {variable} in the environment or .env")));
        }
    }
    Ok(())
}
