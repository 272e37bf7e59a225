//! Fetching a pinned file over HTTP(S): resumable, cancellable, with byte progress, checked
//! against its pinned size and sha256 before anything reads it.
//!
//! Hand-written because no crate combines what provisioning needs: a resume from the
//! `.part` file with an HTTP `Range` request (falling back to a fresh start when the server
//! ignores it), a cancel flag that stops even a stalled transfer within a tenth of a second,
//! a size cap while the bytes arrive and a checksum before use. reqwest does the HTTP; the
//! transfer runs on a small single-threaded runtime of the calling (blocking) thread.

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

use crate::progress::{Control, Reporter, Stage};
use crate::ModelError;

/// Where a file comes from and what it must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source<'a> {
    /// Its address; the last path segment names the file in the cache.
    pub url: &'a str,
    /// Its sha256, lowercase hex.
    pub sha256: &'a str,
    /// Its size in bytes.
    pub size: u64,
}

/// How long a transfer may receive nothing before it is abandoned (its `.part` kept).
const STALL: Duration = Duration::from_secs(60);
/// How often a waiting transfer looks at the cancel flag.
const POLL: Duration = Duration::from_millis(100);

/// The file name a source is cached under: the URL's last path segment.
pub fn file_name(source: &Source<'_>) -> Result<String, ModelError> {
    let parsed = reqwest::Url::parse(source.url)
        .map_err(|e| ModelError::Provision(format!("bad download address {}: {e}", source.url)))?;
    let name = parsed
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or_default();
    let safe = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !safe || !matches!(parsed.scheme(), "https" | "http") {
        return Err(ModelError::Provision(format!(
            "the download address {} does not name a file",
            source.url
        )));
    }
    Ok(name.to_string())
}

/// Makes sure `dir` holds the source's file, verified: an existing file is checked, else
/// it is downloaded (resuming `<file>.part`) and checked before it gets its name. Call from
/// a blocking context (a thread or `spawn_blocking`), not from an async task.
pub fn fetch(
    source: &Source<'_>,
    package: &str,
    dir: &Path,
    control: Control<'_>,
) -> Result<PathBuf, ModelError> {
    let name = file_name(source)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| ModelError::Io(format!("cannot create {}: {e}", dir.display())))?;
    let done = dir.join(&name);
    if done.is_file() {
        match verify(&done, source, package, control) {
            Ok(()) => return Ok(done),
            Err(ModelError::Cancelled(what)) => return Err(ModelError::Cancelled(what)),
            Err(error) => tracing::warn!("downloading {package} again: {error}"),
        }
    }
    let part = dir.join(format!("{name}.part"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ModelError::Provision(format!("cannot start the download: {e}")))?;
    runtime.block_on(download(source, package, &part, control))?;
    verify(&part, source, package, control)?;
    std::fs::rename(&part, &done)
        .map_err(|e| ModelError::Io(format!("cannot rename {}: {e}", part.display())))?;
    Ok(done)
}

/// Checks a file's size and sha256 against its pins; a mismatch removes the file.
fn verify(
    path: &Path,
    source: &Source<'_>,
    package: &str,
    control: Control<'_>,
) -> Result<(), ModelError> {
    let mismatch = |what: String| {
        let _ = std::fs::remove_file(path);
        Err(ModelError::Provision(format!(
            "the download of {package} from {} {what}; it was removed, run again to download it afresh",
            source.url
        )))
    };
    let size = std::fs::metadata(path)
        .map_err(|e| ModelError::Io(format!("cannot read {}: {e}", path.display())))?
        .len();
    if size != source.size {
        return mismatch(format!("has {size} bytes, not the pinned {}", source.size));
    }
    let mut file = std::fs::File::open(path)
        .map_err(|e| ModelError::Io(format!("cannot read {}: {e}", path.display())))?;
    let mut reporter = Reporter::new(
        control,
        Stage::Verifying {
            package: package.to_string(),
        },
        size,
    );
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut hashed = 0u64;
    reporter.report(0);
    loop {
        control.check(&format!("verifying {package}"))?;
        let n = file
            .read(&mut buffer)
            .map_err(|e| ModelError::Io(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        hashed += n as u64;
        reporter.report(hashed);
    }
    let actual: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if !actual.eq_ignore_ascii_case(source.sha256) {
        return mismatch(format!(
            "has sha256 {actual}, not the pinned {}",
            source.sha256
        ));
    }
    Ok(())
}

/// Why a wait ended without its result.
enum Interrupted {
    Cancelled,
    Stalled,
}

/// Awaits `work`, giving up when the cancel flag is set or nothing happens for [`STALL`].
async fn watched<F: Future>(work: F, control: Control<'_>) -> Result<F::Output, Interrupted> {
    tokio::pin!(work);
    let deadline = Instant::now() + STALL;
    loop {
        if control.cancelled() {
            return Err(Interrupted::Cancelled);
        }
        if let Ok(output) = tokio::time::timeout(POLL, &mut work).await {
            return Ok(output);
        }
        if Instant::now() >= deadline {
            return Err(Interrupted::Stalled);
        }
    }
}

/// Downloads into `part`, resuming from its length; fails keeping `part` when interrupted.
async fn download(
    source: &Source<'_>,
    package: &str,
    part: &Path,
    control: Control<'_>,
) -> Result<(), ModelError> {
    let shown = part.display();
    let kept = |have: u64, why: String| {
        ModelError::Provision(format!(
            "the download of {package} {why} after {have} of {} bytes; run again to resume it",
            source.size
        ))
    };
    let stop = |have: u64, reason: Interrupted| match reason {
        Interrupted::Cancelled => ModelError::Cancelled(format!(
            "downloading {package} ({have} of {} bytes kept in {shown} for the next run)",
            source.size
        )),
        Interrupted::Stalled => kept(have, format!("stalled ({}s without data)", STALL.as_secs())),
    };
    let io = |e: std::io::Error| ModelError::Io(format!("cannot write {shown}: {e}"));
    let mut have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    if have > source.size {
        have = 0;
    }
    if have == source.size {
        return Ok(());
    }
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .user_agent(concat!("mockint/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ModelError::Provision(format!("cannot start the download: {e}")))?;
    let mut request = client.get(source.url);
    if have > 0 {
        request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let mut response = watched(request.send(), control)
        .await
        .map_err(|reason| stop(have, reason))?
        .map_err(|e| kept(have, format!("could not start ({e})")))?;
    let status = response.status();
    let resumed = have > 0 && status == reqwest::StatusCode::PARTIAL_CONTENT && {
        let expected = format!("bytes {have}-{}/{}", source.size - 1, source.size);
        let range = response
            .headers()
            .get(reqwest::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok());
        range == Some(expected.as_str())
    };
    if status == reqwest::StatusCode::RANGE_NOT_SATISFIABLE
        || (status == reqwest::StatusCode::PARTIAL_CONTENT && !resumed)
    {
        let _ = std::fs::remove_file(part);
        return Err(ModelError::Provision(format!(
            "the server refused to resume {package} from {have} bytes; the partial file was removed, run again to download it afresh"
        )));
    }
    if !status.is_success() {
        return Err(ModelError::Provision(format!(
            "{} answered HTTP {status} for {package}",
            source.url
        )));
    }
    if !resumed {
        // A server that ignores Range sends the whole file: start over.
        have = 0;
    }
    let remaining = source.size - have;
    if let Some(offered) = response.content_length().filter(|&n| n != remaining) {
        return Err(ModelError::Provision(format!(
            "{} offers {offered} bytes of {package} where {remaining} were expected (pinned size {})",
            source.url, source.size
        )));
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(part)
        .map_err(io)?;
    let mut reporter = Reporter::new(
        control,
        Stage::Downloading {
            package: package.to_string(),
        },
        source.size,
    );
    reporter.report(have);
    loop {
        let next = watched(response.chunk(), control).await;
        let chunk = match next {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => break,
            Ok(Err(e)) => {
                file.flush().map_err(io)?;
                return Err(kept(have, format!("was interrupted ({e})")));
            }
            Err(reason) => {
                file.flush().map_err(io)?;
                return Err(stop(have, reason));
            }
        };
        if have + chunk.len() as u64 > source.size {
            drop(file);
            let _ = std::fs::remove_file(part);
            return Err(ModelError::Provision(format!(
                "{} sent more than the pinned {} bytes of {package}; the partial file was removed",
                source.url, source.size
            )));
        }
        file.write_all(&chunk).map_err(io)?;
        have += chunk.len() as u64;
        reporter.report(have);
    }
    file.sync_all().map_err(io)?;
    if have != source.size {
        return Err(kept(have, "ended early".into()));
    }
    Ok(())
}
