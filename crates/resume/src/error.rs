use thiserror::Error;

/// Why a resume could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ResumeError {
    /// The file does not exist.
    #[error("resume file not found: {0}")]
    NotFound(String),
    /// The file exists but cannot be read.
    #[error("cannot read resume file {path}: {cause}")]
    Unreadable {
        /// The file.
        path: String,
        /// The OS error.
        cause: String,
    },
    /// The file is empty.
    #[error("resume file {0} is empty")]
    Empty(String),
    /// The file is larger than allowed.
    #[error("resume file {path} is too large ({size} bytes, at most {limit})")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The content is neither a PDF nor text.
    #[error("resume file {path} is not a PDF or text file (looks like {detected})")]
    UnsupportedType {
        /// The file.
        path: String,
        /// What the content looks like.
        detected: String,
    },
    /// The extension says one type, the content another.
    #[error("resume file {path} has extension .{extension} but its content is {detected}")]
    ExtensionMismatch {
        /// The file.
        path: String,
        /// Its extension.
        extension: String,
        /// What the content is.
        detected: String,
    },
    /// The PDF cannot be parsed (truncated or damaged).
    #[error("resume PDF {path} is damaged or truncated: {cause}")]
    BadPdf {
        /// The file.
        path: String,
        /// The parser's message.
        cause: String,
    },
    /// The PDF has no text layer (e.g. a scan).
    #[error("resume PDF {0} has no extractable text (is it a scanned image?); export it with text or upload a .txt")]
    NoText(String),
}
