//! Running the real desktop app under a virtual display, driven through WebDriver
//! (Xvfb → tauri-driver → WebKitWebDriver → the app's webview).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process stopped when dropped: asked politely first (SIGTERM, so servers such as
/// Xvfb remove their lock files and sockets), killed if it is still running after 2 s.
#[derive(Debug)]
pub struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let asked = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if asked
            && wait_until(Duration::from_secs(2), || {
                matches!(self.0.try_wait(), Ok(Some(_)))
            })
        {
            return;
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display.
#[derive(Debug)]
pub struct VirtualDisplay {
    /// e.g. ":93".
    pub name: String,
    _process: Guard,
}

impl VirtualDisplay {
    /// Starts Xvfb on a display number it finds free itself (`-displayfd`, which also clears
    /// lock files left by servers that died) and waits until it is listening.
    pub fn start() -> Result<Self, String> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot start Xvfb (install the xvfb package): {error}"))?;
        let stdout = child.stdout.take();
        let process = Guard(child);
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            if let Some(stdout) = stdout {
                let _ =
                    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
            }
            let _ = sender.send(line);
        });
        let line = receiver
            .recv_timeout(Duration::from_secs(20))
            .map_err(|_| "Xvfb did not report a display within 20 s".to_string())?;
        let number: u32 = line
            .trim()
            .parse()
            .map_err(|_| format!("Xvfb exited without a display (it printed {line:?})"))?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let listening = wait_until(Duration::from_secs(10), || {
            std::os::unix::net::UnixStream::connect(&socket).is_ok()
        });
        if !listening {
            return Err(format!("Xvfb on :{number} does not accept connections"));
        }
        Ok(Self {
            name: format!(":{number}"),
            _process: process,
        })
    }
}

/// A listener on a free TCP port of 127.0.0.1 (the port is free again once it is dropped).
fn bind_free() -> Result<TcpListener, String> {
    TcpListener::bind("127.0.0.1:0").map_err(|error| format!("no free port: {error}"))
}

/// tauri-driver listening on a local port.
#[derive(Debug)]
pub struct Driver {
    /// The WebDriver URL.
    pub url: String,
    _process: Guard,
}

impl Driver {
    /// Starts tauri-driver on the display with extra environment for the app, and waits for
    /// its `/status` endpoint.
    pub fn start(display: &VirtualDisplay, env: &[(&str, &Path)]) -> Result<Self, String> {
        // Once more on a fresh pair of ports if it does not come up (a port taken meanwhile).
        Self::start_once(display, env).or_else(|first| {
            Self::start_once(display, env).map_err(|again| format!("{first}; again: {again}"))
        })
    }

    fn start_once(display: &VirtualDisplay, env: &[(&str, &Path)]) -> Result<Self, String> {
        // Both held until both are known, so they differ (the system may hand a port it has
        // just given back out again).
        let (port, native) = {
            let held = [bind_free()?, bind_free()?];
            let port = |listener: &TcpListener| {
                listener
                    .local_addr()
                    .map(|addr| addr.port())
                    .map_err(|error| format!("no free port: {error}"))
            };
            (port(&held[0])?, port(&held[1])?)
        };
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display.name)
            .env("NO_AT_BRIDGE", "1")
            .env_remove("DATABASE_URL")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().map_err(|error| {
            format!("cannot start tauri-driver (cargo install tauri-driver): {error}")
        })?;
        let process = Guard(child);
        let ready = wait_until(Duration::from_secs(30), || http_ok(port, "/status"));
        if !ready {
            return Err("tauri-driver did not become ready within 30 s".into());
        }
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            _process: process,
        })
    }
}

fn http_ok(port: u16, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

/// Polls `check` every 100 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The built desktop binary: `MOCKINT_DESKTOP_BIN`, else `mockint-desktop` beside the test
/// binary's target directory.
pub fn desktop_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MOCKINT_DESKTOP_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot locate the target directory")?;
    let binary = profile_dir.join("mockint-desktop");
    if binary.exists() {
        Ok(binary)
    } else {
        Err(format!(
            "{} is missing: build the UI and the app first (cargo xtask test does both)",
            binary.display()
        ))
    }
}

/// The pid of the desktop app started with `DATA_DIR=data` (found through /proc), if running.
pub fn app_pid(data: &Path) -> Option<u32> {
    let needle = format!("DATA_DIR={}", data.display());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_string_lossy().parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            if !String::from_utf8_lossy(&cmdline).contains("mockint-desktop") {
                return None;
            }
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            environ
                .split(|b| *b == 0)
                .any(|var| var == needle.as_bytes())
                .then_some(pid)
        })
}
