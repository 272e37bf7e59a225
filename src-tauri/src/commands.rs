//! Tauri commands: thin adapters from IPC to the app's services. Errors are returned as
//! readable messages for the UI to show.

use domain::ipc::{AppInfo, ListSessionsRequest, SessionPage};
use domain::Page;
use tauri::State;

use crate::state::DesktopState;

/// Version, database backend and data directory, or the start-up error.
#[tauri::command]
pub fn app_info(state: State<'_, DesktopState>) -> AppInfo {
    let app = state.app.as_ref();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_backend: app
            .map(|a| a.store.backend().to_string())
            .unwrap_or_default(),
        data_dir: app
            .map(|a| a.settings.data_dir.display().to_string())
            .unwrap_or_default(),
        startup_error: state.startup_error.clone(),
    }
}

/// One page of sessions, newest first.
#[tauri::command]
pub async fn list_sessions(
    state: State<'_, DesktopState>,
    request: ListSessionsRequest,
) -> Result<SessionPage, String> {
    let app = state.app()?;
    let page = Page::new(request.limit, request.offset).map_err(|e| e.to_string())?;
    let sessions = app.sessions.list(page).await.map_err(|e| e.to_string())?;
    let total = app
        .store
        .count_sessions()
        .await
        .map_err(|e| e.to_string())?;
    Ok(SessionPage { sessions, total })
}
