//! Screen share at the 5-s interval on a virtual display whose content changes between
//! captures: the CPU it costs, and the saving of a whiteboard-sized PNG snapshot.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::apps;
use crate::report::Figure;
use crate::stats::Samples;

/// How long screen share runs while its CPU time is measured.
const SHARE_SECONDS: u64 = 60;

/// User + system CPU time of this process, in seconds (Linux clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces) start at "state".
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs screen share on `display` (e.g. ":93") and times snapshot saves.
pub async fn run(display: &str) -> Result<Vec<Figure>, String> {
    let stored: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let sink = Arc::clone(&stored);
    let colours = ["#1e3a5f", "#b42318", "#15803d", "#92400e"];
    let _ = Command::new("xsetroot")
        .env("DISPLAY", display)
        .args(["-solid", colours[0]])
        .status();
    let before = cpu_seconds();
    let started = Instant::now();
    let share = mockint_media::screen::ScreenShare::start(Duration::from_secs(5), move |png| {
        if let Ok(mut list) = sink.lock() {
            list.push(png);
        }
    })
    .map_err(|e| e.to_string())?;
    // Change the screen every 5 s (in another process) so that captures are not skipped.
    for step in 1..=SHARE_SECONDS / 5 {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let _ = Command::new("xsetroot")
            .env("DISPLAY", display)
            .args(["-solid", colours[step as usize % colours.len()]])
            .status();
    }
    tokio::task::spawn_blocking(move || share.stop())
        .await
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - before;
    let captures = stored.lock().map(|l| l.clone()).unwrap_or_default();
    let png = captures
        .last()
        .cloned()
        .ok_or("screen share stored no capture")?;

    // Saving a snapshot of that size with its row, as the Snapshot button does.
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let app = apps::start(data.path(), None).await?;
    let session = apps::url_shortener(&app, "offline").await?;
    let mut saves = Samples::default();
    for _ in 0..20 {
        let started = Instant::now();
        app.whiteboards
            .save_snapshot(session, &png)
            .await
            .map_err(|e| e.to_string())?;
        saves.push(started.elapsed());
    }
    Ok(vec![
        Figure::at_most(
            "Screen share",
            "average CPU at the 5-s interval",
            cpu / wall * 100.0,
            "% of a core",
            5.0,
        )
        .note(format!(
            "{SHARE_SECONDS} s on a 1280×800 virtual screen whose colour changes every 5 s: {} captures stored, {cpu:.2} s of CPU",
            captures.len()
        )),
        Figure::at_most(
            "Whiteboard",
            "snapshot save (PNG stored with its row), p50",
            saves.p50(),
            "ms",
            200.0,
        )
        .note(format!(
            "a {} KB 1280×800 PNG written (fsync) under sessions/<id>/whiteboard/ and recorded in media_files, 20 times",
            png.len() / 1024
        )),
        Figure::at_most(
            "Whiteboard",
            "snapshot save, p99",
            saves.p99(),
            "ms",
            200.0,
        ),
    ])
}
