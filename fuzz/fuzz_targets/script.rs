//! Any bytes given as an interview script must split into turns or fail with an error,
//! without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(turns) = mockint_core::script::parse_script(bytes) {
        assert!(turns.iter().all(|t| !t.trim().is_empty()), "empty turn");
    }
});
