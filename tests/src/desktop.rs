//! Running the real desktop app under a virtual display, driven through WebDriver
//! (Xvfb → tauri-driver → WebKitWebDriver → the app's webview).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
#[derive(Debug)]
pub struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
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
    /// Starts Xvfb on the first free display number from 90 and waits for its socket.
    pub fn start() -> Result<Self, String> {
        for number in 90..140 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
            if socket.exists() || lock.exists() {
                continue;
            }
            let name = format!(":{number}");
            let child = Command::new("Xvfb")
                .args([
                    name.as_str(),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|error| {
                    format!("cannot start Xvfb (install the xvfb package): {error}")
                })?;
            let process = Guard(child);
            if wait_until(Duration::from_secs(10), || socket.exists()) {
                return Ok(Self {
                    name,
                    _process: process,
                });
            }
        }
        Err("no free X display number between :90 and :139".into())
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|error| format!("no free port: {error}"))
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
        let port = free_port()?;
        let native = free_port()?;
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
