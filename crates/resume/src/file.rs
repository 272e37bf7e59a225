//! Reading a resume file: size check, type detection by magic bytes, text extraction.

use std::path::Path;

use crate::ResumeError;

/// Largest resume accepted (10 MiB).
pub const MAX_RESUME_BYTES: u64 = 10 * 1024 * 1024;

/// What a file's content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A PDF document.
    Pdf,
    /// UTF-8 text.
    Text,
}

/// The text of a resume and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeText {
    /// The detected kind.
    pub kind: DocumentKind,
    /// The extracted text.
    pub text: String,
}

/// Reads a resume and extracts its text, rejecting empty, oversized, binary, mislabelled,
/// damaged and text-less files with a reason.
pub fn read_resume_text(path: &Path, max_bytes: u64) -> Result<ResumeText, ResumeError> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => ResumeError::NotFound(shown.clone()),
        _ => ResumeError::Unreadable {
            path: shown.clone(),
            cause: error.to_string(),
        },
    })?;
    if metadata.is_dir() {
        return Err(ResumeError::Unreadable {
            path: shown,
            cause: "it is a directory".into(),
        });
    }
    // A FIFO, a device or a socket is not a document (reading one could block forever or
    // never end).
    if !metadata.is_file() {
        return Err(ResumeError::Unreadable {
            path: shown,
            cause: "it is not a regular file (a pipe, device or socket)".into(),
        });
    }
    if metadata.len() > max_bytes {
        return Err(ResumeError::TooLarge {
            path: shown,
            size: metadata.len(),
            limit: max_bytes,
        });
    }
    let bytes = read_at_most(path, max_bytes).map_err(|error| ResumeError::Unreadable {
        path: shown.clone(),
        cause: error.to_string(),
    })?;
    // The file may have grown since it was measured: the limit holds on what was read.
    if bytes.len() as u64 > max_bytes {
        return Err(ResumeError::TooLarge {
            path: shown,
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ResumeError::Empty(shown));
    }
    let kind = detect(&bytes).map_err(|detected| ResumeError::UnsupportedType {
        path: shown.clone(),
        detected: detected.to_string(),
    })?;
    check_extension(path, kind)?;
    let text = match kind {
        DocumentKind::Pdf => pdf_text(&bytes, &shown)?,
        DocumentKind::Text => String::from_utf8_lossy(&bytes).into_owned(),
    };
    Ok(ResumeText { kind, text })
}

/// Reads at most `limit + 1` bytes, so a file that grows while it is read cannot exhaust
/// memory (one byte more than the limit tells that it is too large).
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Detects the kind from the content; on failure, names what the content looks like.
fn detect(bytes: &[u8]) -> Result<DocumentKind, &'static str> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &bytes[start..];
    if head.starts_with(b"%PDF-") {
        return Ok(DocumentKind::Pdf);
    }
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a ZIP archive or Word document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x7FELF", "an executable"),
        (b"\xD0\xCF\x11\xE0", "a legacy Office document"),
        (b"{\\rtf", "an RTF document"),
    ];
    if let Some((_, name)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Err(name);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "binary data")?;
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if control * 100 > text.chars().count().max(1) {
        return Err("binary data");
    }
    Ok(DocumentKind::Text)
}

fn check_extension(path: &Path, kind: DocumentKind) -> Result<(), ResumeError> {
    let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
        return Ok(());
    };
    let lower = extension.to_ascii_lowercase();
    let mismatch = match kind {
        DocumentKind::Pdf => !matches!(lower.as_str(), "pdf"),
        DocumentKind::Text => matches!(
            lower.as_str(),
            "pdf" | "docx" | "doc" | "png" | "jpg" | "jpeg"
        ),
    };
    if mismatch {
        return Err(ResumeError::ExtensionMismatch {
            path: path.display().to_string(),
            extension: extension.to_string(),
            detected: match kind {
                DocumentKind::Pdf => "a PDF".into(),
                DocumentKind::Text => "plain text".into(),
            },
        });
    }
    Ok(())
}

fn pdf_text(bytes: &[u8], shown: &str) -> Result<String, ResumeError> {
    if !bytes.windows(5).rev().take(2048).any(|w| w == b"%%EOF") {
        return Err(ResumeError::BadPdf {
            path: shown.to_string(),
            cause: "no end-of-file marker (the file is truncated)".into(),
        });
    }
    // The PDF parser can panic on hostile input; contain it and report a damaged file.
    let outcome = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    let text = match outcome {
        Ok(Ok(text)) => text,
        Ok(Err(error)) => {
            return Err(ResumeError::BadPdf {
                path: shown.to_string(),
                cause: error.to_string(),
            })
        }
        Err(_) => {
            return Err(ResumeError::BadPdf {
                path: shown.to_string(),
                cause: "the PDF structure could not be parsed".into(),
            })
        }
    };
    if text.trim().is_empty() {
        return Err(ResumeError::NoText(shown.to_string()));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(detect(b"%PDF-1.7 ..."), Ok(DocumentKind::Pdf));
        assert_eq!(
            detect("Jane Doe\nEngineer 💻".as_bytes()),
            Ok(DocumentKind::Text)
        );
        assert_eq!(
            detect(b"PK\x03\x04rest"),
            Err("a ZIP archive or Word document")
        );
        assert_eq!(detect(b"\x00\x01\x02\x03\xff\xfe"), Err("binary data"));
    }
}
