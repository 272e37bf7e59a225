//! Screen snapshots with xcap: the first monitor as a PNG.

use std::path::Path;

/// Why a capture failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScreenError {
    /// No monitor could be found (no display).
    #[error("no screen to capture: {0}")]
    NoScreen(String),
    /// Capturing or saving failed.
    #[error("screen capture failed: {0}")]
    Capture(String),
}

/// Captures the first monitor (xcap does not flag a primary one under Xvfb) to `out` as PNG;
/// returns its width and height.
pub fn capture(out: &Path) -> Result<(u32, u32), ScreenError> {
    let monitors =
        xcap::Monitor::all().map_err(|error| ScreenError::NoScreen(error.to_string()))?;
    let monitor = monitors
        .first()
        .ok_or_else(|| ScreenError::NoScreen("no monitor found".into()))?;
    let image = monitor
        .capture_image()
        .map_err(|error| ScreenError::Capture(error.to_string()))?;
    let size = (image.width(), image.height());
    image
        .save_with_format(out, xcap::image::ImageFormat::Png)
        .map_err(|error| {
            ScreenError::Capture(format!("cannot write {}: {error}", out.display()))
        })?;
    Ok(size)
}
