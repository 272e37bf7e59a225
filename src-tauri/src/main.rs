//! The desktop app: a Tauri window showing the Leptos UI. The shell only wires: the app's
//! services (`app`), one manager per device concern (`managers`), and the command dispatcher
//! generated from the one command list in `mockint_domain::ipc` (`ipc`, `handlers`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod dialogs;
mod handlers;
mod ipc;
mod managers;
mod media_protocol;
mod state;

use std::sync::Arc;

use tauri::Manager as _;

use managers::{ScreenManager, SpeakerManager, VideoManager, VoiceManager};

/// The speech model shipped in the package's resources.
const BUNDLED_MODEL: &str = "resources/ggml-tiny.en-q8_0.bin";

fn main() {
    // Logs go to the console and to rotating JSON files in the data directory; when the
    // settings are invalid the window shows the reason instead.
    let _logs = mockint_app::Settings::resolve(&mockint_app::StartOptions::default())
        .ok()
        .and_then(|settings| {
            mockint_app::logging::init(&settings, mockint_app::logging::Console::On, &[]).ok()
        });
    let context = tauri::generate_context!();
    let bundled =
        tauri::utils::platform::resource_dir(context.package_info(), &tauri::Env::default())
            .ok()
            .map(|dir| dir.join(BUNDLED_MODEL));
    let options = mockint_app::StartOptions {
        bundled_speech_model: bundled,
        ..mockint_app::StartOptions::default()
    };
    // One process changes a data directory at a time: the CLI's write commands refuse while
    // this lock is held (a second window is stopped earlier by the single-instance plugin).
    let lock = mockint_app::Settings::resolve(&options)
        .ok()
        .map(|settings| {
            mockint_app::lock::DataDirLock::acquire(&settings.data_dir, "mockint-desktop")
        });
    let state = Arc::new(match &lock {
        Some(Err(error)) => state::AppState::failed(error.to_string()),
        _ => tauri::async_runtime::block_on(state::AppState::start(&options)),
    });
    let result = tauri::Builder::default()
        // First, so that a second launch only brings this window forward.
        .plugin(tauri_plugin_single_instance::init(|handle, _argv, _cwd| {
            if let Some(window) = handle.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::clone(&state))
        .manage(Arc::new(VoiceManager::default()))
        .manage(Arc::new(ScreenManager::default()))
        .manage(Arc::new(VideoManager::default()))
        .manage(Arc::new(SpeakerManager::default()))
        .setup(move |tauri_app| {
            managers::monitor::start(tauri_app.handle(), state.app().ok());
            // (Only where it is turned on: asking for the sound server may start one.)
            if state.app().is_ok_and(|app| app.echo_cancellation()) {
                managers::voice::release_stale_echo_cancellers();
            }
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol(media_protocol::SCHEME, media_protocol::handle)
        .invoke_handler(ipc::handler)
        .build(context);
    match result {
        Ok(tauri_app) => tauri_app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // The microphone is turned off, which gives the user's sound devices back.
                tauri::async_runtime::block_on(handle.state::<Arc<VoiceManager>>().stop());
                // A video being recorded is finished and stored so that it plays.
                let video = handle.state::<Arc<VideoManager>>();
                let app = handle.state::<Arc<state::AppState>>().app().ok();
                if let Err(error) = tauri::async_runtime::block_on(video.finish(app)) {
                    tracing::warn!(%error, operation = "finish_video", "the video could not be finished on exit");
                }
            }
        }),
        Err(error) => {
            eprintln!("mockint-desktop: cannot start the window: {error}");
            std::process::exit(1);
        }
    }
}
