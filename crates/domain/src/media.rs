use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// The kind of a stored media file; each has its own folder in a session's directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    /// WAV recordings of the candidate.
    Audio,
    /// The MP4 recording.
    Video,
    /// PNG snapshots of the whiteboard.
    Whiteboard,
    /// PNG screen captures.
    Screen,
}

impl MediaType {
    /// Every media type.
    pub const ALL: [MediaType; 4] = [Self::Audio, Self::Video, Self::Whiteboard, Self::Screen];

    /// The name used in JSON, the database and as the folder name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Whiteboard => "whiteboard",
            Self::Screen => "screen",
        }
    }
}

impl std::fmt::Display for MediaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MediaType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| ValidationError::NotOneOf {
                field: "media type",
                allowed: "audio, video, whiteboard, screen",
                actual: s.to_string(),
            })
    }
}

/// A media file that belongs to a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaFile {
    /// What kind of file it is.
    pub file_type: MediaType,
    /// Path relative to the data directory, e.g. `sessions/{id}/audio/recording_001.wav`.
    pub file_path: String,
    /// When it was saved.
    pub timestamp: DateTime<Utc>,
    /// Size on disk.
    #[serde(default)]
    pub file_size_bytes: Option<u64>,
    /// Extra facts (duration, dimensions, …).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}
