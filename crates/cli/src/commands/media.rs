//! Media commands: transcribe a WAV file, capture the screen, record audio or video, and
//! provision or convert the whisper model.

use std::path::{Path, PathBuf};

use mockint_app::Settings;

use super::blocking;
use crate::args::{VideoSource, WeightKind};
use crate::output::{self, outln};
use crate::Failure;

pub(super) async fn transcribe(settings: &Settings, wav: &Path, json: bool) -> Result<(), Failure> {
    let model = mockint_app::health::whisper_model_file(settings);
    let wav = wav.to_path_buf();
    let transcript = blocking(move || {
        let samples = mockint_media::transcribe::read_wav(&wav)?;
        mockint_media::transcribe::Transcriber::load(&model)?.transcribe(&samples)
    })
    .await?;
    if json {
        outln!("{}", output::json(&transcript));
    } else {
        outln!("{}", transcript.text);
    }
    Ok(())
}

/// Runs a recording through the microphone's pipeline and prints each turn.
pub(super) async fn listen(
    settings: &Settings,
    input: &Path,
    json: bool,
    realtime: bool,
) -> Result<(), Failure> {
    let models = mockint_app::speech::SpeechModels::new(settings, None);
    let model = models.path();
    // The answer model reads answers when it has been provisioned (the app downloads it when
    // the microphone is first turned on; here `mockint model provision --name base`).
    let answer_model = models.answer_path();
    let missing = answer_model.clone().filter(|path| !path.is_file());
    let answer_model = answer_model.filter(|path| path.is_file());
    let turns = mockint_app::speech::turn_settings(settings);
    let input = input.to_path_buf();
    let heard = blocking(move || {
        mockint_media::listen::check_recording(&input)?;
        let samples = mockint_media::transcribe::read_wav(&input)?;
        let transcriber = mockint_media::transcribe::Transcriber::load(&model)?;
        let answers = answer_model
            .map(|path| mockint_media::transcribe::Transcriber::load(&path))
            .transpose()?;
        let readers = mockint_media::listen::Readers {
            drafts: &transcriber,
            answers: answers.as_ref(),
        };
        let mut heard = Vec::new();
        mockint_media::listen::listen(&samples, turns, readers, realtime, |turn| heard.push(turn))?;
        Ok::<_, mockint_media::TranscribeError>(heard)
    })
    .await?;
    for turn in &heard {
        if json {
            outln!("{}", output::json_line(turn));
        } else {
            outln!(
                "[{:.1}–{:.1} s, sent {} ms after speech] {}",
                turn.start_ms as f64 / 1000.0,
                turn.end_ms as f64 / 1000.0,
                turn.end_of_turn_ms,
                turn.text
            );
        }
    }
    if heard.is_empty() && !json {
        outln!("No speech was heard.");
    }
    if let Some(missing) = missing {
        eprintln!(
            "mockint: notice: answers were read by the draft model ({} is not provisioned: `mockint model provision --name {}`)",
            missing.display(),
            settings.config.communication.answer_model.trim()
        );
    }
    Ok(())
}

/// Captures the screen to a PNG file.
pub(super) async fn capture_screen(out: PathBuf) -> Result<(), Failure> {
    let target = out.clone();
    let (width, height) = blocking(move || mockint_media::screen::capture(&target)).await?;
    outln!("Captured {width}×{height} to {}.", out.display());
    Ok(())
}

/// Records `seconds` of audio from the default input to a WAV file.
pub(super) async fn record_audio(seconds: f64, out: PathBuf) -> Result<(), Failure> {
    if !(0.1..=7200.0).contains(&seconds) {
        return Err(Failure::user("--seconds must be between 0.1 and 7200"));
    }
    let target = out.clone();
    blocking(move || {
        let samples = mockint_media::audio::record(seconds, None)?;
        mockint_media::audio::write_wav(&samples, &target)
    })
    .await?;
    outln!("Recorded {seconds} s to {}.", out.display());
    Ok(())
}

/// Records `seconds` of video from `input` to a file.
pub(super) async fn record_video(
    seconds: u64,
    out: PathBuf,
    input: VideoSource,
) -> Result<(), Failure> {
    let source = match input {
        VideoSource::Camera => mockint_media::video::VideoInput::Camera,
        VideoSource::Screen => mockint_media::video::VideoInput::Screen,
        VideoSource::Test => mockint_media::video::VideoInput::Test,
    };
    let target = out.clone();
    blocking(move || mockint_media::video::record(source, seconds, &target)).await?;
    outln!("Recorded {seconds} s to {}.", out.display());
    Ok(())
}

/// Provisions the whisper model `name` (default: `communication.whisper_model`).
pub(super) async fn provision_model(
    settings: &Settings,
    name: Option<String>,
    cache: Option<std::ffi::OsString>,
) -> Result<(), Failure> {
    let name = name.unwrap_or_else(|| settings.config.communication.whisper_model.clone());
    mockint_app::prepare_data_dir(&settings.data_dir)?;
    crate::provision::run(name, settings.data_dir.clone(), cache).await
}

/// Converts a CTranslate2 Whisper directory to a ggml file.
pub(super) async fn convert_model(
    source: PathBuf,
    output: PathBuf,
    weights: WeightKind,
) -> Result<(), Failure> {
    let weights = match weights {
        WeightKind::F16 => mockint_media::ggml::WeightType::F16,
        WeightKind::Q8_0 => mockint_media::ggml::WeightType::Q8_0,
    };
    let tensors =
        blocking(move || mockint_media::model::convert_dir_with(&source, &output, weights)).await?;
    outln!("Converted {tensors} tensors.");
    Ok(())
}
