//! The formats a transcript or a report can be exported in (also the IPC's export
//! arguments).

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Formats a transcript can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptFormat {
    /// Plain text, one turn per paragraph.
    Txt,
    /// Markdown.
    #[serde(rename = "md")]
    Markdown,
    /// JSON with the session id and every message.
    Json,
}

impl TranscriptFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Txt => "txt",
            Self::Markdown => "md",
            Self::Json => "json",
        }
    }
}

impl std::str::FromStr for TranscriptFormat {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "txt" => Ok(Self::Txt),
            "md" => Ok(Self::Markdown),
            "json" => Ok(Self::Json),
            other => Err(ValidationError::NotOneOf {
                field: "transcript format",
                allowed: "txt, md, json",
                actual: other.to_string(),
            }),
        }
    }
}

/// Formats a report can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// Markdown.
    #[serde(rename = "md")]
    Markdown,
    /// JSON (the evaluation report as is).
    Json,
    /// A standalone HTML page.
    Html,
}

impl ReportFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Json => "json",
            Self::Html => "html",
        }
    }
}

impl std::str::FromStr for ReportFormat {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "md" => Ok(Self::Markdown),
            "json" => Ok(Self::Json),
            "html" => Ok(Self::Html),
            other => Err(ValidationError::NotOneOf {
                field: "report format",
                allowed: "md, json, html",
                actual: other.to_string(),
            }),
        }
    }
}

/// Formats the whiteboard can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardFormat {
    /// A picture as the window drew it.
    Png,
    /// A vector drawing.
    Svg,
}

impl BoardFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }
}
