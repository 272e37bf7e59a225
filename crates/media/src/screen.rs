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

/// Periodic screen snapshots on their own thread: every `interval` the first monitor is
/// captured and, when it changed since the last capture, handed over as PNG bytes.
pub struct ScreenShare {
    _worker: crate::worker::Worker,
}

impl ScreenShare {
    /// Starts sharing; fails at once if no screen can be captured.
    pub fn start(
        interval: std::time::Duration,
        mut on_capture: impl FnMut(Vec<u8>) + Send + 'static,
    ) -> Result<Self, ScreenError> {
        // Probe once so that "no screen" is reported to the caller, not lost in a thread.
        let monitors =
            xcap::Monitor::all().map_err(|error| ScreenError::NoScreen(error.to_string()))?;
        if monitors.is_empty() {
            return Err(ScreenError::NoScreen("no monitor found".into()));
        }
        let worker = crate::worker::Worker::spawn(move |flag| {
            let mut last: Option<u64> = None;
            while !flag.raised() {
                if let Some((hash, png)) = capture_png() {
                    if last != Some(hash) {
                        last = Some(hash);
                        on_capture(png);
                    }
                }
                let started = std::time::Instant::now();
                while started.elapsed() < interval && !flag.raised() {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }
        });
        Ok(Self { _worker: worker })
    }

    /// Stops sharing (also on drop).
    pub fn stop(self) {
        drop(self._worker);
    }
}

/// Captures the first monitor: a hash of its pixels and the PNG bytes.
fn capture_png() -> Option<(u64, Vec<u8>)> {
    use std::hash::{Hash as _, Hasher as _};
    let monitor = xcap::Monitor::all().ok()?.into_iter().next()?;
    let image = monitor.capture_image().ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    image.as_raw().hash(&mut hasher);
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, xcap::image::ImageFormat::Png)
        .ok()?;
    Some((hasher.finish(), png.into_inner()))
}
