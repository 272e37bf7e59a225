//! Screen snapshots and video recording with virtual devices: Xvfb showing known content,
//! ffmpeg's test source and x11grab, checked with ffprobe and by reading the pixels.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use std::path::Path;
use std::process::Command;

use mockint_media::video::{record, VideoError, VideoInput};
use mockint_tests::desktop::VirtualDisplay;

/// (codec, duration in seconds) of a video file, from ffprobe.
fn probe(path: &Path) -> (String, f64) {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name:format=duration",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("ffprobe");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("ffprobe JSON");
    let codec = json["streams"][0]["codec_name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let duration = json["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0.0);
    (codec, duration)
}

#[test]
fn the_test_source_records_an_h264_mp4_of_the_right_length() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("interview.mp4");
    record(VideoInput::Test, 3, &out).expect("record");
    let (codec, duration) = probe(&out);
    assert_eq!(codec, "h264");
    assert!((duration - 3.0).abs() < 0.25, "{duration} s");
    assert!(
        !dir.path().join("interview.part.mp4").exists(),
        "no temporary file is left"
    );
}

#[test]
fn a_missing_camera_is_a_clear_error() {
    if Path::new("/dev/video0").exists() {
        return; // a machine with a camera records it instead
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let error = record(VideoInput::Camera, 1, &dir.path().join("x.mp4")).expect_err("no camera");
    assert!(
        matches!(error, VideoError::NoSource(ref m) if m.contains("no camera")),
        "{error}"
    );
}

#[test]
fn the_screen_is_captured_and_recorded_from_a_virtual_display() {
    let display = VirtualDisplay::start().expect("Xvfb");
    let painted = Command::new("xsetroot")
        .args(["-display", &display.name, "-solid", "red"])
        .status()
        .expect("xsetroot");
    assert!(painted.success());
    std::env::set_var("DISPLAY", &display.name);
    let dir = tempfile::tempdir().expect("temp dir");

    let png = dir.path().join("capture_001.png");
    let (width, height) = mockint_media::screen::capture(&png).expect("capture");
    assert_eq!((width, height), (1280, 800));
    let image = xcap::image::open(&png).expect("PNG").to_rgba8();
    let centre = image.get_pixel(width / 2, height / 2).0;
    assert_eq!(
        &centre[..3],
        &[255, 0, 0],
        "the captured pixels are the red root window"
    );

    let video = dir.path().join("screen.mp4");
    record(VideoInput::Screen, 2, &video).expect("record the screen");
    let (codec, duration) = probe(&video);
    assert_eq!(codec, "h264");
    assert!((duration - 2.0).abs() < 0.5, "{duration} s");
}
