//! `media://localhost/<path>`: the window plays a session's answer recordings and videos
//! straight from the data directory (no copy through IPC, no data URLs). Only a file the
//! session lists is served (the path must be one of its stored recordings), it is opened
//! without following a symlink, and byte ranges are answered with 206 so the player can seek
//! in a long video. Anything else is a plain 404 with no detail about the disk.

use std::sync::Arc;

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager as _, Runtime, UriSchemeContext, UriSchemeResponder};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

use crate::state::AppState;

/// The scheme's name (`media://localhost/…`, `http://media.localhost/…` on Windows).
pub const SCHEME: &str = "media";
/// The origins the app's own pages are served from (Linux and macOS, Windows and Android).
const APP_ORIGINS: [&str; 3] = [
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];
/// Most bytes sent for one request: a player asking for "the rest" of a long video gets it
/// in pieces.
const MAX_CHUNK: u64 = 8 * 1024 * 1024;

/// Answers one request of the window (registered on the builder).
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let state = Arc::clone(ctx.app_handle().state::<Arc<AppState>>().inner());
    tauri::async_runtime::spawn(async move {
        let response = match serve(&state, &request).await {
            Ok(response) => response,
            Err(status) => plain(status),
        };
        responder.respond(response);
    });
}

fn plain(status: StatusCode) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(
            status
                .canonical_reason()
                .unwrap_or("error")
                .as_bytes()
                .to_vec(),
        )
        .unwrap_or_default()
}

async fn serve(
    state: &AppState,
    request: &Request<Vec<u8>>,
) -> Result<Response<Vec<u8>>, StatusCode> {
    let path = percent_encoding::percent_decode_str(request.uri().path().trim_start_matches('/'))
        .decode_utf8()
        .map_err(|_| StatusCode::BAD_REQUEST)?
        .into_owned();
    // `sessions/<id>/<kind>/<file>`: the session is the second part.
    let session = path
        .split('/')
        .nth(1)
        .and_then(|id| mockint_domain::SessionId::parse(id).ok())
        .ok_or(StatusCode::NOT_FOUND)?;
    let app = state.app().map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let (file, on_disk) = app
        .media_file(session, &path)
        .await
        .map_err(|_| StatusCode::NOT_FOUND)?;
    let mut opened = open_no_follow(&on_disk)
        .await
        .map_err(|_| StatusCode::NOT_FOUND)?;
    let size = opened
        .metadata()
        .await
        .map_err(|_| StatusCode::NOT_FOUND)?
        .len();
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok());
    let (start, end) = match span(range, size) {
        Ok(span) => span,
        Err(()) => {
            return Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Vec::new())
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR);
        }
    };
    let length = if size == 0 { 0 } else { end - start + 1 };
    let mut body =
        vec![0u8; usize::try_from(length).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?];
    opened
        .seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    opened
        .read_exact(&mut body)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let kind = match file.file_type {
        mockint_domain::MediaType::Video => "video/mp4",
        _ => "audio/wav",
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, kind)
        .header(header::VARY, "Origin")
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_LENGTH, length.to_string());
    // The window's own pages (another origin than this scheme) may read it; nothing else.
    if let Some(origin) = request.headers().get(header::ORIGIN).filter(|o| {
        APP_ORIGINS
            .iter()
            .any(|allowed| o.as_bytes() == allowed.as_bytes())
    }) {
        response = response.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    response = if range.is_some() && size > 0 {
        response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"))
    } else {
        response.status(StatusCode::OK)
    };
    response
        .body(body)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

/// Opens a file for reading, refusing a symlink in its place.
async fn open_no_follow(path: &std::path::Path) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    options.custom_flags(libc::O_NOFOLLOW);
    options.open(path).await
}

/// The bytes to send, first and last (inclusive), for a `Range` header (None: all of it, up
/// to the chunk limit only when asked for a range). Err: the range cannot be satisfied.
fn span(range: Option<&str>, size: u64) -> Result<(u64, u64), ()> {
    let last = size.saturating_sub(1);
    let Some(range) = range else {
        return Ok((0, last));
    };
    if size == 0 {
        return Ok((0, 0));
    }
    let ranges = http_range_header::parse_range_header(range)
        .and_then(|parsed| parsed.validate(size))
        .map_err(|_| ())?;
    // One range at a time (a player asks for one); the first of several is answered.
    let first = ranges.first().ok_or(())?;
    let (start, end) = (*first.start(), (*first.end()).min(last));
    Ok((start, end.min(start.saturating_add(MAX_CHUNK - 1))))
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn ranges_are_answered_in_pieces_a_player_can_seek_with() {
        assert_eq!(span(None, 1000), Ok((0, 999)));
        assert_eq!(span(Some("bytes=0-"), 1000), Ok((0, 999)));
        assert_eq!(span(Some("bytes=100-199"), 1000), Ok((100, 199)));
        assert_eq!(span(Some("bytes=-100"), 1000), Ok((900, 999)));
        // "The rest" of a long video comes in 8 MiB pieces.
        assert_eq!(span(Some("bytes=0-"), 100 << 20), Ok((0, (8 << 20) - 1)));
        assert_eq!(span(Some("bytes=2000-"), 1000), Err(()));
        assert_eq!(span(Some("bytes=abc"), 1000), Err(()));
        assert_eq!(span(Some("bytes=0-"), 0), Ok((0, 0)));
    }
}
