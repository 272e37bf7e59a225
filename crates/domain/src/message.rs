use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Largest message content accepted, in bytes (1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// Who said something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The AI interviewer.
    Interviewer,
    /// The person practising.
    Candidate,
}

impl Role {
    /// The snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interviewer => "interviewer",
            Self::Candidate => "candidate",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "interviewer" => Ok(Self::Interviewer),
            "candidate" => Ok(Self::Candidate),
            other => Err(ValidationError::NotOneOf {
                field: "role",
                allowed: "interviewer, candidate",
                actual: other.to_string(),
            }),
        }
    }
}

/// How the candidate gave an answer (kept as the message's `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnSource {
    /// Typed in the app or the terminal.
    Text,
    /// Spoken and transcribed.
    Voice,
    /// Read from a script file.
    Script,
}

impl TurnSource {
    /// The name stored in the message's metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Voice => "voice",
            Self::Script => "script",
        }
    }
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who said it.
    pub role: Role,
    /// What was said, exactly as said.
    pub content: String,
    /// When it was said.
    pub timestamp: DateTime<Utc>,
    /// Extra facts (source: text or voice, phase, …).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl Message {
    /// Builds a message, rejecting blank or oversized content. Content is kept byte for byte.
    pub fn new(
        role: Role,
        content: impl Into<String>,
        timestamp: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        let content = content.into();
        if content.trim().is_empty() {
            return Err(ValidationError::Empty { field: "message" });
        }
        check_len("message", &content, MAX_MESSAGE_BYTES)?;
        if content.contains('\0') {
            return Err(ValidationError::NulCharacter { field: "message" });
        }
        Ok(Self {
            role,
            content,
            timestamp,
            metadata: serde_json::Map::new(),
        })
    }

    /// Adds one metadata entry.
    pub fn with_metadata(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.metadata.insert(key.to_string(), value.into());
        self
    }
}

/// Rejects `text` longer than `max` bytes.
pub(crate) fn check_len(
    field: &'static str,
    text: &str,
    max: usize,
) -> Result<(), ValidationError> {
    if text.len() > max {
        Err(ValidationError::TooLong {
            field,
            actual: text.len(),
            max,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_blank_and_oversized() {
        let now = Utc::now();
        assert!(Message::new(Role::Candidate, "  \n", now).is_err());
        assert!(Message::new(Role::Candidate, "x".repeat(MAX_MESSAGE_BYTES + 1), now).is_err());
        let kept = Message::new(Role::Candidate, " keep  spaces ", now).map(|m| m.content);
        assert_eq!(kept.ok().as_deref(), Some(" keep  spaces "));
    }
}
