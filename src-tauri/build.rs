//! Builds the Tauri context from the one command list (`mockint_domain::ipc::COMMANDS`): only those
//! commands exist for the webview, and the build fails when the capability file grants a
//! command that does not exist or misses one that does. The frontend is built separately
//! (`cargo xtask ui`); when it has not been built yet a placeholder page is written so that
//! the crate still compiles and the window explains what to do.

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
    println!("cargo:rerun-if-changed=capabilities/default.json");
    check_capabilities();
    let manifest = tauri_build::AppManifest::new().commands(mockint_domain::ipc::COMMANDS);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build failed: {error:#}");
    }
}

/// The main window's capability grants exactly the app's commands.
fn check_capabilities() {
    let text = std::fs::read_to_string("capabilities/default.json")
        .unwrap_or_else(|error| panic!("capabilities/default.json: {error}"));
    if let Some(mismatch) = mockint_domain::ipc::capability_mismatch(&text) {
        panic!(
            "capabilities/default.json does not match mockint_domain::ipc::COMMANDS: {mismatch}"
        );
    }
}
