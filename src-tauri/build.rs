//! Builds the Tauri context. The frontend is built separately (`cargo xtask ui`); when it has
//! not been built yet a placeholder page is written so that the crate still compiles and the
//! window explains what to do.

/// Every command the app exposes to its UI.
const COMMANDS: [&str; 31] = [
    "app_info",
    "diagnostics",
    "audio_devices",
    "speech_status",
    "speak",
    "stop_speaking",
    "connect_compatible",
    "start_video",
    "stop_video",
    "start_voice",
    "start_screen_share",
    "stop_screen_share",
    "stop_voice",
    "active_session",
    "setup_info",
    "pick_resume",
    "save_resume",
    "start_interview",
    "send_message",
    "pause_session",
    "resume_session",
    "end_session",
    "session_detail",
    "list_sessions",
    "progress",
    "delete_session",
    "save_whiteboard",
    "save_snapshot",
    "snapshot_images",
    "export_transcript",
    "export_report",
];

fn main() {
    let dist = std::path::Path::new("../ui/dist");
    if !dist.join("index.html").exists() {
        let _ = std::fs::create_dir_all(dist);
        let _ = std::fs::write(
            dist.join("index.html"),
            "<!doctype html><meta charset=utf-8><title>Mock Interview</title><h1 id=app-title>Mock Interview</h1><p>The user interface has not been built. Run <code>cargo xtask ui</code> and rebuild.</p>",
        );
    }
    println!("cargo:rerun-if-changed=../ui/dist");
    // Only the commands listed here exist for the webview, and only those the capability
    // file allows may be called.
    let manifest = tauri_build::AppManifest::new().commands(&COMMANDS);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build failed: {error:#}");
    }
}
