//! A virtual microphone: a private PulseAudio daemon with a null sink, whose monitor is the
//! default input for processes sharing its `XDG_RUNTIME_DIR`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::desktop::wait_until;

/// A running PulseAudio daemon, killed when dropped.
#[derive(Debug)]
pub struct Pulse {
    /// Its runtime directory (give it to recorders as `XDG_RUNTIME_DIR`).
    pub runtime: tempfile::TempDir,
}

impl Pulse {
    /// Starts the daemon with a null sink named `vsink`.
    pub fn start() -> Result<Self, String> {
        let runtime = tempfile::tempdir().map_err(|e| e.to_string())?;
        let status = Command::new("pulseaudio")
            .env("XDG_RUNTIME_DIR", runtime.path())
            .args([
                "-n",
                "-D",
                "--exit-idle-time=-1",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=vsink",
            ])
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot start pulseaudio (apt install pulseaudio): {e}"))?;
        if !status.success() {
            return Err(format!("pulseaudio exited with {status}"));
        }
        let socket = runtime.path().join("pulse/native");
        if !wait_until(Duration::from_secs(10), || socket.exists()) {
            return Err("pulseaudio did not open its socket".into());
        }
        Ok(Self { runtime })
    }

    /// Runs `pactl` against this daemon, returning what it printed.
    pub fn pactl(&self, args: &[&str]) -> Result<String, String> {
        let output = Command::new("pactl")
            .env("XDG_RUNTIME_DIR", self.runtime.path())
            .args(args)
            .output()
            .map_err(|e| format!("cannot run pactl: {e}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(format!(
                "pactl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }

    /// Adds speakers the microphone hears, as a laptop's microphone hears its speakers: a
    /// null sink `speakers` whose sound reaches `vsink` 30 ms later at `percent` of its level,
    /// made the default output; the microphone (`vsink.monitor`) is the default input.
    pub fn add_speakers_in_the_room(&self, percent: u32) -> Result<(), String> {
        self.pactl(&["load-module", "module-null-sink", "sink_name=speakers"])?;
        self.pactl(&[
            "load-module",
            "module-loopback",
            "source=speakers.monitor",
            "sink=vsink",
            "latency_msec=30",
            // The room stays the room when the defaults change.
            "source_dont_move=1",
            "sink_dont_move=1",
        ])?;
        let loopback = self
            .pactl(&["list", "short", "sink-inputs"])?
            .lines()
            .find(|line| line.contains("module-loopback"))
            .and_then(|line| line.split_whitespace().next().map(str::to_string))
            .ok_or("the loopback has no stream")?;
        self.pactl(&["set-sink-input-volume", &loopback, &format!("{percent}%")])?;
        self.pactl(&["set-default-sink", "speakers"])?;
        self.pactl(&["set-default-source", "vsink.monitor"])?;
        Ok(())
    }

    /// Starts playing a WAV file into the null sink and returns at once (wait on the child).
    pub fn start_playing(&self, wav: &Path) -> Result<std::process::Child, String> {
        Command::new("paplay")
            .env("XDG_RUNTIME_DIR", self.runtime.path())
            .args(["--latency-msec=20", "-d", "vsink"])
            .arg(wav)
            .spawn()
            .map_err(|e| format!("cannot run paplay: {e}"))
    }

    /// Plays a WAV file into the null sink (the virtual microphone hears it).
    pub fn play(&self, wav: &Path) -> Result<(), String> {
        let status = Command::new("paplay")
            .env("XDG_RUNTIME_DIR", self.runtime.path())
            .args(["--latency-msec=20", "-d", "vsink"])
            .arg(wav)
            .status()
            .map_err(|e| format!("cannot run paplay: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("paplay exited with {status}"))
        }
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = Command::new("pulseaudio")
            .env("XDG_RUNTIME_DIR", self.runtime.path())
            .arg("--kill")
            .status();
        // A speech service the app spawned for this runtime directory goes with it, so no
        // later test meets a daemon talking to a sound server that is gone.
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(format!(
                "speech-dispatcher.*{}",
                self.runtime.path().display()
            ))
            .status();
    }
}
