//! Any bytes given as a resume (named .pdf or .txt by their first byte) must be read or
//! refused with an error, and any text read must yield a profile, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let extension = if bytes.first().is_some_and(|b| b % 2 == 0) { "pdf" } else { "txt" };
    let path = std::env::temp_dir().join(format!("mockint-fuzz-{}.{extension}", std::process::id()));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    if let Ok(read) = mockint_resume::read_resume_text(&path, 1024 * 1024) {
        let _ = mockint_resume::extract_profile(&read.text, "fuzz");
    }
});
