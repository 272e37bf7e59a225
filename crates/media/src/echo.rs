//! Echo cancellation where the platform offers it: while the microphone is on, the sound
//! server's own canceller (PulseAudio's `module-echo-cancel` with the WebRTC method) sits
//! between the microphone and the app, with what goes to the speakers as its reference, so
//! the interviewer's voice coming back from the speakers is taken out of what the app hears
//! and a candidate talking over it is heard without it.
//!
//! The interviewer's voice is played by the speech service (speech-dispatcher), not by the
//! app, so the canceller can only hear the reference if that voice goes through it: while
//! the microphone is on, the canceller's speakers and microphone are the sound server's
//! defaults (the speech service and the app's input follow the defaults), and when it is
//! turned off the user's own defaults are put back and the module is unloaded. A module left
//! behind by a crash is unloaded the next time the app starts ([`release_stale`]).
//!
//! Opt-in (`communication.echo_cancellation`), because it has not been shown to help yet.
//! Measured in a virtual room (PulseAudio 16.1, speakers looped into the microphone at the
//! candidate's own level): it took a reply down by 28–33 dB over its loudest second, but what
//! it left swung as it adapted. With the barge-in rule (1.5× the echo) two replies of six
//! interrupted themselves; at 2× one of six did and the candidate's first word was lost; at
//! the 3× kept behind it ([`crate::turns::BargeDetector::behind_canceller`]) none did, but a
//! candidate as loud as the speakers was not heard over the reply either, as without it.
//!
//! Engaging it moves every stream that follows the defaults, other apps' included (even a
//! recording that named its own input), and moves them back when it is released.
//!
//! The WebRTC canceller's gain control is off (it turned a virtual microphone down to 33 %
//! and left it there) and so is its noise suppression (the app takes the room's noise out
//! itself, measured with whisper: [`crate::denoise`]).
//!
//! Driven through `pactl` (pulseaudio-utils, present wherever a PulseAudio-compatible
//! server is): the `libpulse-binding` crate would bring a main loop and callbacks for a
//! handful of commands run once when the microphone is turned on and once when it is
//! turned off.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::audio::AudioError;

/// The canceller's microphone (the source the app records while it is on).
pub const SOURCE: &str = "mockint_echo_cancelled_mic";
/// The canceller's speakers (where the interviewer's voice goes while it is on).
pub const SINK: &str = "mockint_echo_cancelled_speakers";

/// The canceller's settings: WebRTC, with its gain control and noise suppression off.
const ARGUMENTS: &str =
    "aec_args=\"analog_gain_control=0 digital_gain_control=0 noise_suppression=0\"";

/// A PulseAudio-compatible sound server, reached with `pactl`.
#[derive(Debug, Clone, Default)]
pub struct SoundServer {
    runtime_dir: Option<PathBuf>,
}

impl SoundServer {
    /// The server this process talks to (found as every PulseAudio client finds it).
    pub fn from_env() -> Self {
        Self::default()
    }

    /// The server whose socket is in `runtime_dir` (its `XDG_RUNTIME_DIR`).
    pub fn at(runtime_dir: &Path) -> Self {
        Self {
            runtime_dir: Some(runtime_dir.to_path_buf()),
        }
    }

    /// Runs `pactl` with `args`, returning what it printed.
    pub fn pactl(&self, args: &[&str]) -> Result<String, AudioError> {
        let mut command = Command::new("pactl");
        if let Some(dir) = &self.runtime_dir {
            // Named outright, so no server is started in its place.
            let socket = dir.join("pulse").join("native");
            command.arg(format!("--server=unix:{}", socket.display()));
        }
        let output = command
            // Untranslated, so what it prints can be read.
            .env("LC_ALL", "C")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|error| {
                AudioError::EchoCancel(format!(
                    "cannot run pactl (install pulseaudio-utils): {error}"
                ))
            })?;
        if !output.status.success() {
            let why = String::from_utf8_lossy(&output.stderr);
            let why = why.lines().next().unwrap_or("no reason given").trim();
            return Err(AudioError::EchoCancel(format!(
                "pactl {} failed: {why}",
                args.first().unwrap_or(&"")
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// The default source or sink (`what` is `source` or `sink`).
    fn default_of(&self, what: &str) -> Result<String, AudioError> {
        let name = self.pactl(&[&format!("get-default-{what}")])?;
        let name = name.trim();
        // Names go into module arguments: anything that could end one is refused.
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || "\"'=".contains(c)) {
            return Err(AudioError::EchoCancel(format!(
                "the sound server has no usable default {what} ({name:?})"
            )));
        }
        Ok(name.to_string())
    }

    /// The echo cancellers of ours that are loaded (module indexes).
    fn our_modules(&self) -> Result<Vec<String>, AudioError> {
        Ok(self
            .pactl(&["list", "short", "modules"])?
            .lines()
            .filter(|line| line.contains("module-echo-cancel") && line.contains(SOURCE))
            .filter_map(|line| line.split_whitespace().next().map(str::to_string))
            .collect())
    }

    /// The driver of the named source (the third column of `pactl list short sources`).
    fn source_driver(&self, name: &str) -> Result<Option<String>, AudioError> {
        Ok(self
            .pactl(&["list", "short", "sources"])?
            .lines()
            .map(|line| line.split('\t').collect::<Vec<_>>())
            .find(|columns| columns.get(1) == Some(&name))
            .and_then(|columns| columns.get(2).map(|driver| driver.to_string())))
    }
}

/// The sound server, as `pactl info` names it ("pulseaudio 16.1"), or why there is none.
pub fn describe(server: &SoundServer) -> Result<String, AudioError> {
    let info = server.pactl(&["info"])?;
    let field = |key: &str| {
        info.lines()
            .find_map(|line| line.trim().strip_prefix(key))
            .map(|value| value.trim().to_string())
    };
    match (field("Server Name:"), field("Server Version:")) {
        (Some(name), Some(version)) => Ok(format!("{name} {version}")),
        _ => Err(AudioError::EchoCancel(
            "pactl info did not name the sound server".into(),
        )),
    }
}

/// Unloads cancellers of ours left loaded by an app that did not stop its microphone (a
/// crash): their devices go with them and the server falls back to others for its defaults.
/// Returns how many there were.
pub fn release_stale(server: &SoundServer) -> Result<usize, AudioError> {
    let stale = server.our_modules()?;
    for module in &stale {
        server.pactl(&["unload-module", module])?;
    }
    Ok(stale.len())
}

/// The platform's echo canceller, engaged: the defaults are the canceller's until this is
/// dropped, when the user's own are put back and the canceller is unloaded.
#[derive(Debug)]
pub struct EchoCanceller {
    server: SoundServer,
    module: String,
    previous_source: String,
    previous_sink: String,
}

impl EchoCanceller {
    /// Loads the canceller over the current default microphone and speakers and makes it the
    /// default for both. Fails (changing nothing) where the server has no canceller, where the
    /// default input already cancels echo, or where there is no PulseAudio-compatible server.
    pub fn engage(server: SoundServer) -> Result<Self, AudioError> {
        release_stale(&server)?;
        let source = server.default_of("source")?;
        let sink = server.default_of("sink")?;
        if source == format!("{sink}.monitor") {
            return Err(AudioError::EchoCancel(format!(
                "the default input {source} records the default output itself"
            )));
        }
        if server
            .source_driver(&source)?
            .is_some_and(|driver| driver.contains("echo-cancel"))
        {
            return Err(AudioError::EchoCancel(format!(
                "the default input {source} already cancels echo"
            )));
        }
        let module = server
            .pactl(&[
                "load-module",
                "module-echo-cancel",
                "aec_method=webrtc",
                &format!("source_master={source}"),
                &format!("sink_master={sink}"),
                &format!("source_name={SOURCE}"),
                &format!("sink_name={SINK}"),
                "use_master_format=1",
                ARGUMENTS,
            ])?
            .trim()
            .to_string();
        let engaged = Self {
            server,
            module,
            previous_source: source,
            previous_sink: sink,
        };
        // From here on, dropping `engaged` undoes whatever was done.
        engaged.server.pactl(&["set-default-source", SOURCE])?;
        engaged.server.pactl(&["set-default-sink", SINK])?;
        Ok(engaged)
    }

    /// The microphone the canceller listens to.
    pub fn microphone(&self) -> &str {
        &self.previous_source
    }

    /// The speakers the canceller plays to.
    pub fn speakers(&self) -> &str {
        &self.previous_sink
    }
}

impl Drop for EchoCanceller {
    fn drop(&mut self) {
        // The user's devices may have gone meanwhile (a headset unplugged): then the server
        // picks others once the canceller's are unloaded.
        let _ = self
            .server
            .pactl(&["set-default-source", &self.previous_source]);
        let _ = self
            .server
            .pactl(&["set-default-sink", &self.previous_sink]);
        if let Err(error) = self.server.pactl(&["unload-module", &self.module]) {
            tracing::warn!(%error, "the echo canceller could not be unloaded");
        }
    }
}
