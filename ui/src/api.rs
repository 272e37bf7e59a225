//! Typed wrappers over the backend's commands (`window.__TAURI__.core.invoke`).

use domain::ipc::{AppInfo, ListSessionsRequest, SessionPage};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Calls a backend command and decodes its answer; failures become readable messages.
async fn call<A: Serialize, T: DeserializeOwned>(command: &str, args: &A) -> Result<T, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|error| format!("cannot encode arguments of {command}: {error}"))?;
    let value = tauri_invoke(command, args)
        .await
        .map_err(|error| describe(&error))?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| format!("unexpected answer from {command}: {error}"))
}

fn describe(error: &JsValue) -> String {
    if let Some(text) = error.as_string() {
        return text;
    }
    js_sys::JSON::stringify(error)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "the backend could not be reached".to_string())
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct Request<T> {
    request: T,
}

/// Version, database and data directory of the running app.
pub async fn app_info() -> Result<AppInfo, String> {
    call("app_info", &NoArgs {}).await
}

/// One page of sessions, newest first.
pub async fn list_sessions(limit: u32, offset: u32) -> Result<SessionPage, String> {
    call(
        "list_sessions",
        &Request {
            request: ListSessionsRequest { limit, offset },
        },
    )
    .await
}
