//! A local HTTP server for download tests: serves files with `Range` support (or ignoring
//! it), can cut the first response off half-way, trickle bytes slowly or hang after the
//! headers, and records each request's path and `Range` header.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mockint_media::model::{Control, Progress, Stage};

/// How the server misbehaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Behaviour {
    /// Cut the first response off after this many body bytes (promising them all).
    pub cut_first_after: Option<usize>,
    /// Answer every request with the whole file (200), as servers without Range do.
    pub ignore_range: bool,
    /// Send the body in 16 KiB pieces, pausing this long between them.
    pub trickle: Option<Duration>,
    /// Send the headers, then nothing.
    pub hang: bool,
}

/// One request received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The path asked for.
    pub path: String,
    /// Its `Range` header, if any.
    pub range: Option<String>,
}

/// A running server (it lives as long as the test process).
pub struct WheelServer {
    address: String,
    /// Every request, in order.
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl WheelServer {
    /// Serves `files` (name, content) at `/files/<name>`.
    pub fn start(files: Vec<(String, Vec<u8>)>, behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let files = Arc::new(files);
        let count = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (files, seen, count) =
                    (Arc::clone(&files), Arc::clone(&seen), Arc::clone(&count));
                std::thread::spawn(move || {
                    let _ = serve(stream, &files, &seen, &count, behaviour);
                });
            }
        });
        WheelServer { address, requests }
    }

    /// The address of a served file.
    pub fn url(&self, name: &str) -> String {
        format!("{}/files/{name}", self.address)
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests").clone()
    }
}

fn serve(
    stream: TcpStream,
    files: &[(String, Vec<u8>)],
    seen: &Mutex<Vec<Request>>,
    count: &AtomicUsize,
    behaviour: Behaviour,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut range = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    let first = count.fetch_add(1, Ordering::SeqCst) == 0;
    seen.lock().expect("requests").push(Request {
        path: path.clone(),
        range: range.clone(),
    });
    let mut out = stream;
    let Some((_, body)) = files
        .iter()
        .find(|(name, _)| path == format!("/files/{name}"))
    else {
        return out.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    let from = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| !behaviour.ignore_range);
    let head = match from {
        Some(from) if from >= body.len() => {
            return out.write_all(
                b"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
        }
        Some(from) => format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {from}-{}/{}\r\nContent-Length: {}\r\n",
            body.len() - 1,
            body.len(),
            body.len() - from
        ),
        None => format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n", body.len()),
    };
    out.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes())?;
    out.flush()?;
    if behaviour.hang {
        std::thread::sleep(Duration::from_secs(120));
        return Ok(());
    }
    let mut body = &body[from.unwrap_or(0)..];
    if first {
        if let Some(cut) = behaviour.cut_first_after {
            body = &body[..cut.min(body.len())];
        }
    }
    match behaviour.trickle {
        Some(pause) => {
            for piece in body.chunks(16 << 10) {
                out.write_all(piece)?;
                out.flush()?;
                std::thread::sleep(pause);
            }
        }
        None => out.write_all(body)?,
    }
    out.flush()?;
    out.shutdown(std::net::Shutdown::Both)
}

/// `n` bytes that do not compress (xorshift).
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A zip archive of `entries` (name, content), stored or deflated.
pub fn zip_of(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, content) in entries {
        writer.start_file(*name, options).expect("entry");
        writer.write_all(content).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

/// The sha256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `work` with a control that records every report and sets the flag it returns
/// once `stop_at` bytes have been downloaded.
pub fn recorded<T>(
    stop_at: Option<u64>,
    work: impl FnOnce(Control<'_>) -> T,
) -> (T, Vec<Progress>) {
    let cancel = AtomicBool::new(false);
    let reports = Mutex::new(Vec::new());
    let progress = |report: Progress| {
        if matches!(report.stage, Stage::Downloading { .. })
            && stop_at.is_some_and(|at| report.bytes >= at)
        {
            cancel.store(true, Ordering::SeqCst);
        }
        reports.lock().expect("reports").push(report);
    };
    let result = work(Control {
        cancel: &cancel,
        progress: &progress,
    });
    (result, reports.into_inner().expect("reports"))
}

/// The names in `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
