use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ResumeData, Score, ValidationError};

/// A session's identifier: a UUID, so it is always safe to use as a directory name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(Uuid);

impl SessionId {
    /// Wraps a UUID.
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The UUID inside.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }

    /// Parses user input such as a CLI argument, with a clear error when it is not a UUID.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        Uuid::parse_str(text.trim())
            .map(Self)
            .map_err(|_| ValidationError::SessionId(text.chars().take(80).collect()))
    }
}

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl std::str::FromStr for SessionId {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A way the candidate communicates during a session. Text is always available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationMode {
    /// Microphone with live transcription.
    Audio,
    /// Camera or screen recording.
    Video,
    /// The drawing canvas.
    Whiteboard,
    /// Periodic screen captures.
    ScreenShare,
    /// Typed chat.
    Text,
}

impl CommunicationMode {
    /// Every mode, in display order.
    pub const ALL: [CommunicationMode; 5] = [
        Self::Audio,
        Self::Video,
        Self::Whiteboard,
        Self::ScreenShare,
        Self::Text,
    ];

    /// The snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Whiteboard => "whiteboard",
            Self::ScreenShare => "screen_share",
            Self::Text => "text",
        }
    }
}

impl std::str::FromStr for CommunicationMode {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str() == s.trim())
            .ok_or_else(|| ValidationError::NotOneOf {
                field: "communication mode",
                allowed: "audio, video, whiteboard, screen_share, text",
                actual: s.to_string(),
            })
    }
}

/// Where a session is in its life: active ⇄ paused, then completed for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// The interview is running.
    Active,
    /// The interview is paused; its clock is stopped.
    Paused,
    /// The interview has ended and been evaluated.
    Completed,
}

impl SessionStatus {
    /// The snake_case name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Completed => "completed",
        }
    }

    /// Whether moving from `self` to `next` is allowed.
    pub fn can_become(self, next: SessionStatus) -> bool {
        matches!(
            (self, next),
            (Self::Active, Self::Paused)
                | (Self::Paused, Self::Active)
                | (Self::Active, Self::Completed)
                | (Self::Paused, Self::Completed)
        )
    }

    /// Whether the session is still open (active or paused).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Completed)
    }
}

impl std::fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SessionStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "paused" => Ok(Self::Paused),
            "completed" => Ok(Self::Completed),
            other => Err(ValidationError::NotOneOf {
                field: "session status",
                allowed: "active, paused, completed",
                actual: other.to_string(),
            }),
        }
    }
}

/// How a session is set up: modes, AI provider and model, the problem and optional resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionConfig {
    /// The communication modes turned on (text is always included).
    pub enabled_modes: Vec<CommunicationMode>,
    /// The AI provider: `offline`, `openai` or `anthropic`.
    pub ai_provider: String,
    /// The model name at that provider.
    pub ai_model: String,
    /// The candidate's resume, when one was given.
    #[serde(default)]
    pub resume_data: Option<ResumeData>,
    /// Planned length of the interview in minutes.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// The problem statement being discussed.
    #[serde(default)]
    pub problem: Option<String>,
}

impl SessionConfig {
    /// Longest allowed interview, in minutes.
    pub const MAX_DURATION_MINUTES: u32 = 240;

    /// Checks the configuration and normalises the modes (sorted, unique, text always on).
    pub fn validated(mut self) -> Result<Self, ValidationError> {
        if self.ai_provider.trim().is_empty() {
            return Err(ValidationError::Empty {
                field: "ai_provider",
            });
        }
        if self.ai_model.trim().is_empty() {
            return Err(ValidationError::Empty { field: "ai_model" });
        }
        crate::message::check_len("ai_provider", &self.ai_provider, 50)?;
        crate::message::check_len("ai_model", &self.ai_model, 100)?;
        if let Some(minutes) = self.duration_minutes {
            if minutes == 0 || minutes > Self::MAX_DURATION_MINUTES {
                return Err(ValidationError::OutOfRange {
                    field: "duration_minutes",
                    min: 1.0,
                    max: f64::from(Self::MAX_DURATION_MINUTES),
                    actual: f64::from(minutes),
                });
            }
        }
        if let Some(problem) = &self.problem {
            crate::message::check_len("problem", problem, crate::MAX_MESSAGE_BYTES)?;
        }
        self.enabled_modes.push(CommunicationMode::Text);
        self.enabled_modes.sort();
        self.enabled_modes.dedup();
        Ok(self)
    }
}

/// One interview session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Unique id.
    pub id: SessionId,
    /// The candidate (the owner of the resume, or the local default user).
    pub user_id: String,
    /// When the session was created.
    pub created_at: DateTime<Utc>,
    /// When it was completed.
    pub ended_at: Option<DateTime<Utc>>,
    /// Lifecycle state.
    pub status: SessionStatus,
    /// How it was set up.
    pub config: SessionConfig,
}

/// One row of the sessions list: enough to show history without loading conversations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Unique id.
    pub id: SessionId,
    /// The candidate.
    pub user_id: String,
    /// When the session was created.
    pub created_at: DateTime<Utc>,
    /// When it was completed.
    pub ended_at: Option<DateTime<Utc>>,
    /// Lifecycle state.
    pub status: SessionStatus,
    /// AI provider used.
    pub ai_provider: String,
    /// AI model used.
    pub ai_model: String,
    /// The problem statement, if one was set.
    pub problem: Option<String>,
    /// The overall score, once evaluated.
    pub overall_score: Option<Score>,
    /// Number of messages exchanged.
    pub message_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_lifecycle() {
        use SessionStatus::*;
        assert!(Active.can_become(Paused));
        assert!(Paused.can_become(Active));
        assert!(Active.can_become(Completed));
        assert!(Paused.can_become(Completed));
        assert!(!Active.can_become(Active));
        assert!(!Completed.can_become(Active));
        assert!(!Completed.can_become(Paused));
        assert!(!Paused.can_become(Paused));
    }

    #[test]
    fn session_id_rejects_path_tricks() {
        assert!(SessionId::parse("../../etc/passwd").is_err());
        assert!(SessionId::parse("").is_err());
        let id = SessionId::parse("550e8400-e29b-41d4-a716-446655440000");
        assert_eq!(
            id.map(|id| id.to_string()).ok().as_deref(),
            Some("550e8400-e29b-41d4-a716-446655440000")
        );
    }

    #[test]
    fn config_always_includes_text_and_dedups() {
        let config = SessionConfig {
            enabled_modes: vec![CommunicationMode::Whiteboard, CommunicationMode::Whiteboard],
            ai_provider: "offline".into(),
            ai_model: "rubric".into(),
            resume_data: None,
            duration_minutes: Some(45),
            problem: None,
        }
        .validated();
        assert_eq!(
            config.map(|c| c.enabled_modes).ok(),
            Some(vec![CommunicationMode::Whiteboard, CommunicationMode::Text])
        );
    }

    #[test]
    fn config_rejects_bad_duration_and_empty_provider() {
        let base = SessionConfig {
            enabled_modes: vec![],
            ai_provider: "offline".into(),
            ai_model: "rubric".into(),
            resume_data: None,
            duration_minutes: Some(0),
            problem: None,
        };
        assert!(base.clone().validated().is_err());
        let empty_provider = SessionConfig {
            ai_provider: " ".into(),
            duration_minutes: None,
            ..base
        };
        assert!(empty_provider.validated().is_err());
    }

    #[test]
    fn modes_serialize_snake_case() {
        let json = serde_json::to_string(&CommunicationMode::ScreenShare).ok();
        assert_eq!(json.as_deref(), Some("\"screen_share\""));
        assert!("screen".parse::<CommunicationMode>().is_err());
    }
}
