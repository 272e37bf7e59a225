//! Video recording to H.264 MP4 with the system ffmpeg (through ffmpeg-sidecar, which never
//! downloads here): the camera, the screen, or ffmpeg's test pattern.

use std::path::Path;

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

/// Records `seconds` (at most [`MAX_SECONDS`], at most [`MAX_BYTES`]) to an MP4 file,
/// written under a temporary name and moved into place only when ffmpeg finished cleanly.
pub fn record(input: VideoInput, seconds: u64, out: &Path) -> Result<(), VideoError> {
    let seconds = seconds.clamp(1, MAX_SECONDS);
    let part = out.with_extension("part.mp4");
    let mut command = FfmpegCommand::new();
    command
        .hide_banner()
        .args(input_args(input)?)
        .args(["-t", &seconds.to_string()])
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
        .output(part.display().to_string());
    let mut child = command.spawn().map_err(|error| {
        VideoError::Ffmpeg(format!("cannot start ffmpeg (install it): {error}"))
    })?;
    let mut last_error = String::new();
    if let Ok(events) = child.iter() {
        for event in events {
            if let FfmpegEvent::Log(LogLevel::Error | LogLevel::Fatal, line) = event {
                // Writing to a file always logs a harmless "No streams found"; keep the rest.
                if !line.contains("No streams found") {
                    last_error = line;
                }
            }
        }
    }
    let status = child
        .wait()
        .map_err(|error| VideoError::Ffmpeg(error.to_string()))?;
    if !status.success() {
        let _ = std::fs::remove_file(&part);
        return Err(VideoError::Ffmpeg(if last_error.is_empty() {
            format!("exited with {status}")
        } else {
            last_error
        }));
    }
    std::fs::rename(&part, out)
        .map_err(|error| VideoError::Ffmpeg(format!("cannot write {}: {error}", out.display())))
}
