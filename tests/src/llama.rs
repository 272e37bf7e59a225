//! A real OpenAI-compatible LLM server for the tests: llama.cpp's server from the PyPI package
//! `llama-cpp-python[server]` running Gemma 3 270M (a *base* model, so its answers are poor:
//! which is the point), both installed by `scripts/llm/setup_llama_venv.sh` outside the clone.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The model the server is started with (also the name it lists).
pub const MODEL_ALIAS: &str = "gemma3-270m";

/// The venv's Python and the GGUF model (`MOCKINT_LLAMA_VENV`, default
/// `~/.cache/mockint/llama-venv`).
pub fn installation() -> Result<(PathBuf, PathBuf), String> {
    let venv = std::env::var_os("MOCKINT_LLAMA_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|home| PathBuf::from(home).join(".cache/mockint/llama-venv"))
        })
        .ok_or("HOME is not set")?;
    let python = venv.join("bin/python");
    let model = venv.join("models/gemma-3-270m-q4_k_m.gguf");
    if python.exists() && model.exists() {
        Ok((python, model))
    } else {
        Err(format!(
            "{} has no llama.cpp server and model: run scripts/llm/setup_llama_venv.sh (scripts/dev.sh test does)",
            venv.display()
        ))
    }
}

/// The running server; stopped (SIGTERM, then killed) when dropped.
pub struct LlamaServer {
    /// `http://127.0.0.1:PORT/v1`.
    pub url: String,
    child: Child,
    /// Where the server's log goes.
    pub log: PathBuf,
}

impl LlamaServer {
    /// Starts the server on a free port with the settings measured on 2 cores
    /// (docs/quality.md): one generation thread, two for the prompt, passive OpenMP waits,
    /// Gemma's chat format, requests queued rather than interrupted. Waits until it lists its
    /// model.
    pub fn start() -> Result<Self, String> {
        let (python, model) = installation()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let log = std::env::temp_dir().join(format!("mockint-llama-{port}.log"));
        let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(python)
            .env("OMP_WAIT_POLICY", "PASSIVE")
            .args(["-m", "llama_cpp.server", "--model"])
            .arg(&model)
            .args([
                "--model_alias",
                MODEL_ALIAS,
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--n_ctx",
                "4096",
                "--n_threads",
                "1",
                "--n_threads_batch",
                "2",
                "--chat_format",
                "gemma",
                "--interrupt_requests",
                "false",
                "--verbose",
                "false",
            ])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start the llama.cpp server: {e}"))?;
        let server = Self {
            url: format!("http://127.0.0.1:{port}/v1"),
            child,
            log,
        };
        let started = Instant::now();
        loop {
            let listed = lists_models(port);
            if listed {
                return Ok(server);
            }
            if started.elapsed() > Duration::from_secs(90) {
                return Err(format!(
                    "the llama.cpp server did not come up in 90 s: {}",
                    std::fs::read_to_string(&server.log).unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

/// Whether `GET /v1/models` answers 200 (the server has no health endpoint).
fn lists_models(port: u16) -> bool {
    use std::io::{Read as _, Write as _};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    stream
        .read(&mut head)
        .is_ok_and(|n| head[..n].starts_with(b"HTTP/1.1 200"))
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
