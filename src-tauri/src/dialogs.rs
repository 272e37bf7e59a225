//! Native file dialogs (tauri-plugin-dialog), run off the async runtime.
//!
//! For end-to-end tests, where WebDriver cannot reach a native GTK dialog, environment
//! variables stand in for the person choosing — compiled only with the `e2e` feature, which
//! release builds never enable.

use std::path::PathBuf;

use mockint_domain::ipc::{IpcError, IpcErrorKind};
use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt as _, MessageDialogButtons, MessageDialogKind};

/// What an end-to-end test chose in place of a person (`e2e` builds only).
#[cfg(feature = "e2e")]
fn stand_in(dialog: &str) -> Option<PathBuf> {
    let variable = match dialog {
        "resume" => "MOCKINT_E2E_RESUME",
        "confirm" => "MOCKINT_E2E_CONFIRM",
        _ => "MOCKINT_E2E_SAVE_DIR",
    };
    std::env::var_os(variable).map(PathBuf::from)
}

/// In a shipped build, only a person answers a dialog.
#[cfg(not(feature = "e2e"))]
fn stand_in(_dialog: &str) -> Option<PathBuf> {
    None
}

/// Asks for a PDF or TXT resume.
pub async fn pick_resume(handle: &AppHandle) -> Option<PathBuf> {
    if let Some(path) = stand_in("resume") {
        return Some(path);
    }
    let handle = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        handle
            .dialog()
            .file()
            .add_filter("Resume (PDF or text)", &["pdf", "txt"])
            .blocking_pick_file()
            .and_then(|path| path.into_path().ok())
    })
    .await
    .ok()
    .flatten()
}

/// Asks the person to confirm sending their interview to a server they have not used before
/// (a URL in the setup page could have been pasted from anywhere). An end-to-end test answers
/// through the file named by `MOCKINT_E2E_CONFIRM` ("yes" or anything else).
pub async fn confirm_new_server(handle: &AppHandle, url: &str, previous: Option<&str>) -> bool {
    if let Some(answer) = stand_in("confirm") {
        return std::fs::read_to_string(answer).is_ok_and(|text| text.trim() == "yes");
    }
    let message = match previous {
        Some(previous) => format!(
            "Send your interviews to {url} instead of {previous}?\n\nEverything you say and draw, and your resume, will go to that server."
        ),
        None => format!(
            "Send your interviews to {url}?\n\nEverything you say and draw, and your resume, will go to that server. Only continue if you run it or trust it."
        ),
    };
    let handle = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        handle
            .dialog()
            .message(message)
            .title("Use this AI server?")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Use this server".into(),
                "Cancel".into(),
            ))
            .blocking_show()
    })
    .await
    .unwrap_or(false)
}

/// Asks where to save `content` and writes it; returns the path (None if cancelled).
pub async fn save_text(
    handle: &AppHandle,
    suggested: &str,
    content: &str,
) -> Result<Option<String>, IpcError> {
    save_bytes(handle, suggested, content.as_bytes()).await
}

/// Asks where to save a file (suggesting `suggested`) and writes `content` there atomically.
/// None if the person cancelled.
pub async fn save_bytes(
    handle: &AppHandle,
    suggested: &str,
    content: &[u8],
) -> Result<Option<String>, IpcError> {
    let target = match stand_in("save") {
        Some(dir) => Some(dir.join(suggested)),
        None => {
            let handle = handle.clone();
            let suggested = suggested.to_string();
            tauri::async_runtime::spawn_blocking(move || {
                handle
                    .dialog()
                    .file()
                    .set_file_name(&suggested)
                    .blocking_save_file()
                    .and_then(|path| path.into_path().ok())
            })
            .await
            .map_err(crate::ipc::internal)?
        }
    };
    let Some(path) = target else { return Ok(None) };
    let temp = path.with_extension("part");
    let refused = |error: std::io::Error| {
        IpcError::new(
            IpcErrorKind::Unavailable,
            format!("cannot write {}: {error}", path.display()),
        )
    };
    tokio::fs::write(&temp, content).await.map_err(refused)?;
    tokio::fs::rename(&temp, &path).await.map_err(refused)?;
    Ok(Some(path.display().to_string()))
}
