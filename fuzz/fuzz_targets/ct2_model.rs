//! Any bytes given as a CTranslate2 `model.bin` must parse or fail with an error, and a parsed
//! model must convert (f16 and q8_0) or fail with an error, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(model) = mockint_media::ct2::parse(bytes) {
        for weights in [mockint_media::ggml::WeightType::F16, mockint_media::ggml::WeightType::Q8_0] {
            let _ = mockint_media::ggml::convert_with(&model, "!\n\"\n<|endoftext|>\n", weights);
        }
    }
    let _ = mockint_media::ggml::vocabulary(&String::from_utf8_lossy(bytes));
});
