//! Video recording to H.264 MP4 with the system ffmpeg (through ffmpeg-sidecar, which never
//! downloads here): the camera, the screen, or ffmpeg's test pattern.

use std::path::Path;

use ffmpeg_sidecar::child::FfmpegChild;
use ffmpeg_sidecar::command::FfmpegCommand;
use ffmpeg_sidecar::event::{FfmpegEvent, LogLevel};

/// What to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoInput {
    /// The webcam (`/dev/video0`).
    Camera,
    /// The X11 screen (`$DISPLAY`).
    Screen,
    /// ffmpeg's `testsrc` pattern (no hardware needed).
    Test,
}

/// Longest recording (2 h).
pub const MAX_SECONDS: u64 = 2 * 60 * 60;
/// Largest recording (500 MB).
pub const MAX_BYTES: u64 = 500 * 1024 * 1024;

/// Why a recording failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VideoError {
    /// The chosen source does not exist here.
    #[error("{0}")]
    NoSource(String),
    /// ffmpeg is missing or failed.
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(String),
}

fn input_args(input: VideoInput) -> Result<Vec<String>, VideoError> {
    Ok(match input {
        VideoInput::Test => vec![
            "-f".into(),
            "lavfi".into(),
            "-i".into(),
            "testsrc=size=640x360:rate=30".into(),
        ],
        VideoInput::Camera => {
            if !Path::new("/dev/video0").exists() {
                return Err(VideoError::NoSource(
                    "no camera found (looked for /dev/video0); record the screen instead".into(),
                ));
            }
            vec![
                "-f".into(),
                "v4l2".into(),
                "-i".into(),
                "/dev/video0".into(),
            ]
        }
        VideoInput::Screen => {
            let display = std::env::var("DISPLAY")
                .ok()
                .filter(|d| !d.is_empty())
                .ok_or_else(|| {
                    VideoError::NoSource("no X display to record (DISPLAY is not set)".into())
                })?;
            vec![
                "-f".into(),
                "x11grab".into(),
                "-framerate".into(),
                "15".into(),
                "-i".into(),
                display,
            ]
        }
    })
}

/// The encoder and container arguments shared by every recording: H.264 in MP4, capped at
/// `seconds` and [`MAX_BYTES`].
fn output_command(
    input: VideoInput,
    seconds: u64,
    out: &Path,
) -> Result<FfmpegCommand, VideoError> {
    let mut command = FfmpegCommand::new();
    command
        .hide_banner()
        .args(input_args(input)?)
        .args(["-t", &seconds.clamp(1, MAX_SECONDS).to_string()])
        .args([
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-an",
        ])
        .args([
            "-fs",
            &MAX_BYTES.to_string(),
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
        ])
        .overwrite()
        .output(out.display().to_string());
    Ok(command)
}

/// Drains ffmpeg's log on a thread (a full pipe would stall it) and keeps the last real error.
fn watch_errors(child: &mut FfmpegChild) -> std::thread::JoinHandle<String> {
    let events = child.iter().ok();
    std::thread::spawn(move || {
        let mut last_error = String::new();
        for event in events.into_iter().flatten() {
            if let FfmpegEvent::Log(LogLevel::Error | LogLevel::Fatal, line) = event {
                // Writing to a file always logs a harmless "No streams found"; keep the rest.
                if !line.contains("No streams found") {
                    last_error = line;
                }
            }
        }
        last_error
    })
}

fn finish(
    mut child: FfmpegChild,
    errors: std::thread::JoinHandle<String>,
    part: &Path,
    out: &Path,
) -> Result<(), VideoError> {
    let status = child
        .wait()
        .map_err(|error| VideoError::Ffmpeg(error.to_string()))?;
    let last_error = errors.join().unwrap_or_default();
    let written = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    if !status.success() || written == 0 {
        let _ = std::fs::remove_file(part);
        return Err(VideoError::Ffmpeg(if last_error.is_empty() {
            format!("exited with {status} and wrote no video")
        } else {
            last_error
        }));
    }
    if part != out {
        std::fs::rename(part, out).map_err(|error| {
            VideoError::Ffmpeg(format!("cannot write {}: {error}", out.display()))
        })?;
    }
    Ok(())
}

fn spawn(command: &mut FfmpegCommand) -> Result<FfmpegChild, VideoError> {
    command
        .spawn()
        .map_err(|error| VideoError::Ffmpeg(format!("cannot start ffmpeg (install it): {error}")))
}

/// Records `seconds` (at most [`MAX_SECONDS`], at most [`MAX_BYTES`]) to an MP4 file,
/// written under a temporary name and moved into place only when ffmpeg finished cleanly.
pub fn record(input: VideoInput, seconds: u64, out: &Path) -> Result<(), VideoError> {
    let part = out.with_extension("part.mp4");
    let mut child = spawn(&mut output_command(input, seconds, &part)?)?;
    let errors = watch_errors(&mut child);
    finish(child, errors, &part, out)
}

/// A recording that runs until [`VideoRecording::stop`] (or its 2 h / 500 MB cap), for a
/// session whose length is not known in advance.
pub struct VideoRecording {
    child: FfmpegChild,
    errors: std::thread::JoinHandle<String>,
    out: std::path::PathBuf,
}

impl std::fmt::Debug for VideoRecording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoRecording")
            .field("out", &self.out)
            .finish_non_exhaustive()
    }
}

impl VideoRecording {
    /// Starts recording `input` into `out` (an MP4 file).
    pub fn start(input: VideoInput, out: &Path) -> Result<Self, VideoError> {
        let mut child = spawn(&mut output_command(input, MAX_SECONDS, out)?)?;
        let errors = watch_errors(&mut child);
        // An input that cannot be opened makes ffmpeg exit at once: report it now.
        std::thread::sleep(std::time::Duration::from_millis(300));
        if let Ok(Some(status)) = child.as_inner_mut().try_wait() {
            let last_error = errors.join().unwrap_or_default();
            let _ = std::fs::remove_file(out);
            return Err(VideoError::Ffmpeg(if last_error.is_empty() {
                format!("exited at once with {status}")
            } else {
                last_error
            }));
        }
        Ok(Self {
            child,
            errors,
            out: out.to_path_buf(),
        })
    }

    /// Where the video is being written.
    pub fn path(&self) -> &Path {
        &self.out
    }

    /// Asks ffmpeg to stop (it writes the MP4 index so the file plays), waits for it and
    /// checks that a video was written.
    pub fn stop(mut self) -> Result<(), VideoError> {
        if self.child.quit().is_err() {
            let _ = self.child.kill();
        }
        let out = self.out.clone();
        finish(self.child, self.errors, &out, &out)
    }
}
