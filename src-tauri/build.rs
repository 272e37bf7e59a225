//! Builds the Tauri context. The frontend is built separately (`cargo xtask ui`); when it has
//! not been built yet a placeholder page is written so that the crate still compiles and the
//! window explains what to do.

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
    tauri_build::build();
}
