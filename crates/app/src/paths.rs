//! Where the app keeps its data.

use std::path::{Path, PathBuf};

use crate::AppError;

/// The platform data directory, e.g. `~/.local/share/mockint` on Linux.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("dev", "mockint", "mockint")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("mockint-data"))
}

/// Creates the data directory (private to the user) and proves it is writable.
pub fn prepare_data_dir(dir: &Path) -> Result<(), AppError> {
    let fail = |cause: String| AppError::DataDir {
        path: dir.display().to_string(),
        cause,
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|error| fail(error.to_string()))?;
    if !dir.is_dir() {
        return Err(fail("not a directory".into()));
    }
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(|error| fail(format!("not writable ({error})")))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
