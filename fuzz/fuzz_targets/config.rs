//! Any bytes given as a config file must load or fail with a one-line error, without
//! panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = std::env::temp_dir().join(format!("mockint-fuzz-{}.yaml", std::process::id()));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    if let Err(error) = mockint_app::AppConfig::load(Some(&path)) {
        assert!(!error.to_string().contains('\n'), "multi-line error: {error}");
    }
});
