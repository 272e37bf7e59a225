use thiserror::Error;

/// A value that breaks one of the domain's rules.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ValidationError {
    /// A text field is empty where content is required.
    #[error("{field} must not be empty")]
    Empty {
        /// The field that was empty.
        field: &'static str,
    },
    /// A text field is longer than allowed.
    #[error("{field} is too long ({actual} bytes, at most {max})")]
    TooLong {
        /// The field that was too long.
        field: &'static str,
        /// Its length in bytes.
        actual: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// A number outside its allowed range.
    #[error("{field} must be between {min} and {max}, got {actual}")]
    OutOfRange {
        /// The field that was out of range.
        field: &'static str,
        /// The lowest allowed value.
        min: f64,
        /// The highest allowed value.
        max: f64,
        /// The rejected value.
        actual: f64,
    },
    /// A value that is not one of the allowed words.
    #[error("{field} must be one of {allowed}, got '{actual}'")]
    NotOneOf {
        /// The field being parsed.
        field: &'static str,
        /// The allowed values, comma separated.
        allowed: &'static str,
        /// The rejected value.
        actual: String,
    },
    /// Text containing a NUL character, which databases cannot store.
    #[error("{field} contains a NUL character")]
    NulCharacter {
        /// The field with the NUL.
        field: &'static str,
    },
    /// A session id that is not a UUID.
    #[error("'{0}' is not a valid session id (expected a UUID such as 550e8400-e29b-41d4-a716-446655440000)")]
    SessionId(String),
    /// A user id with characters outside `[A-Za-z0-9._@-]`.
    #[error("user id '{0}' may only contain letters, digits, '.', '_', '-' and '@'")]
    UserId(String),
}
