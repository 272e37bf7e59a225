//! Interview scripts: a text file whose paragraphs (separated by blank lines) are the
//! candidate's turns, answered in order.

use thiserror::Error;

/// Largest script accepted (4 MiB).
pub const MAX_SCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// Why a script cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ScriptError {
    /// The script holds no turn.
    #[error("the script has no candidate turns (turns are paragraphs separated by blank lines)")]
    Empty,
    /// The script is too large.
    #[error("the script is too large ({0} bytes, at most {MAX_SCRIPT_BYTES})")]
    TooLarge(usize),
    /// The script is not UTF-8 text.
    #[error("the script is not UTF-8 text")]
    NotText,
}

/// Splits a script into turns: paragraphs separated by one or more blank lines, each with
/// its lines joined by newlines and surrounding whitespace trimmed.
pub fn parse_script(bytes: &[u8]) -> Result<Vec<String>, ScriptError> {
    if bytes.len() > MAX_SCRIPT_BYTES {
        return Err(ScriptError::TooLarge(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ScriptError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err(ScriptError::NotText);
    }
    let mut turns = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                turns.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        turns.push(current.join("\n"));
    }
    let turns: Vec<String> = turns.into_iter().map(|t| t.trim().to_string()).collect();
    if turns.is_empty() {
        Err(ScriptError::Empty)
    } else {
        Ok(turns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_blank_lines() {
        let script = "First turn\nstill first\n\n\n  Second turn  \r\n\r\nThird\n";
        assert_eq!(
            parse_script(script.as_bytes()),
            Ok(vec![
                "First turn\nstill first".to_string(),
                "Second turn".to_string(),
                "Third".to_string()
            ])
        );
    }

    #[test]
    fn rejects_empty_binary_and_huge() {
        assert_eq!(parse_script(b"  \n\n \t\n"), Err(ScriptError::Empty));
        assert_eq!(parse_script(b"\xff\xfe\x00"), Err(ScriptError::NotText));
        assert_eq!(parse_script(b"a\0b"), Err(ScriptError::NotText));
        let huge = vec![b'a'; MAX_SCRIPT_BYTES + 1];
        assert_eq!(
            parse_script(&huge),
            Err(ScriptError::TooLarge(MAX_SCRIPT_BYTES + 1))
        );
    }
}
