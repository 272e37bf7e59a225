//! The desktop app's user interface: a Leptos client-side app compiled to WebAssembly and
//! rendered in the Tauri webview. It talks to the backend only through [`api`].

pub mod api;
mod app;
mod components;
mod pages;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point called by the generated JavaScript once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
