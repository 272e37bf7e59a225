//! The desktop app: a Tauri window showing the Leptos UI, with commands that delegate to the
//! same services the CLI uses.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialogs;
mod monitor;
mod screen;
mod speech;
mod state;
mod video;
mod voice;

fn main() {
    // Logs go to the console and to rotating JSON files in the data directory; when the
    // settings are invalid the window shows the reason instead.
    let _logs = app::Settings::resolve(&app::StartOptions::default())
        .ok()
        .and_then(|settings| app::logging::init(&settings, app::logging::Console::On, &[]).ok());
    let state = tauri::async_runtime::block_on(state::DesktopState::start());
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            monitor::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::setup_info,
            commands::connect_compatible,
            commands::active_session,
            commands::pick_resume,
            commands::save_resume,
            commands::start_interview,
            commands::send_message,
            commands::pause_session,
            commands::resume_session,
            commands::end_session,
            commands::session_detail,
            commands::list_sessions,
            commands::progress,
            commands::delete_session,
            commands::save_whiteboard,
            commands::save_snapshot,
            commands::snapshot_images,
            commands::export_transcript,
            commands::export_report,
            voice::start_voice,
            voice::audio_devices,
            voice::stop_voice,
            screen::start_screen_share,
            screen::stop_screen_share,
            video::start_video,
            video::stop_video,
            speech::speech_status,
            speech::speak,
            speech::stop_speaking,
            monitor::diagnostics,
        ])
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // A video being recorded is finished and stored so that it plays.
                let state = tauri::Manager::state::<state::DesktopState>(handle);
                if let Err(error) = tauri::async_runtime::block_on(video::finish_video(&state)) {
                    tracing::warn!(%error, operation = "stop_video", "the video could not be finished on exit");
                }
            }
        }),
        Err(error) => {
            eprintln!("mockint-desktop: cannot start the window: {error}");
            std::process::exit(1);
        }
    }
}
