//! The whiteboard of a session: its operation log (the source of truth, appended as the
//! candidate draws and synced to disk with every batch), an older session's snapshot that
//! the log starts from, and PNG snapshots stored as media files.

use std::sync::Arc;

use mockint_domain::board::{replay_log, BoardLog, MAX_LOG_BYTES};
use mockint_domain::{
    Board, MediaFile, MediaType, Op, OpEntry, SessionId, ValidationError, Whiteboard,
};
use tokio::sync::Mutex;

use crate::ports::{MediaStore, Store};
use crate::{CoreError, MediaService};

/// File name of the board saved by versions before the operation log; the log starts from it.
pub const BOARD_DOCUMENT: &str = "whiteboard.json";
/// File name of the operation log (JSON lines).
pub const LOG_DOCUMENT: &str = "whiteboard.jsonl";
/// Most changes accepted in one append.
pub const MAX_APPEND: usize = 1_000;

/// The board of the session being drawn, kept so that each append checks its changes
/// against the board without reading the log again.
struct Live {
    session: SessionId,
    board: Board,
    last_seq: u64,
    /// The stored log was over its limits: nothing more is added.
    full: bool,
}

/// Saves and loads whiteboards and their snapshots.
#[derive(Clone)]
pub struct WhiteboardService {
    store: Arc<dyn Store>,
    media_store: Arc<dyn MediaStore>,
    media: MediaService,
    live: Arc<Mutex<Option<Live>>>,
}

impl WhiteboardService {
    /// Wires the service to its ports.
    pub fn new(
        store: Arc<dyn Store>,
        media_store: Arc<dyn MediaStore>,
        media: MediaService,
    ) -> Self {
        Self {
            store,
            media_store,
            media,
            live: Arc::new(Mutex::new(None)),
        }
    }

    /// Appends the candidate's changes to the session's log. Each must follow the last
    /// stored one (`seq` = last + 1) and apply to the board; changes already stored (a retry)
    /// are skipped, so sending a batch twice stores it once. Returns the last stored `seq`.
    /// Nothing is stored when any change is refused.
    pub async fn append(&self, session: SessionId, entries: &[OpEntry]) -> Result<u64, CoreError> {
        if entries.len() > MAX_APPEND {
            return Err(CoreError::Invalid(ValidationError::OutOfRange {
                field: "whiteboard changes in one save",
                min: 0.0,
                max: MAX_APPEND as f64,
                actual: entries.len() as f64,
            }));
        }
        // Checked on every append: a session deleted while its board is cached stays deleted.
        if self.store.get_session(session).await?.is_none() {
            return Err(CoreError::SessionNotFound(session));
        }
        let mut live = self.live.lock().await;
        if live.as_ref().map(|l| l.session) != Some(session) {
            let log = self.board_log(session).await?;
            *live = Some(Live {
                session,
                board: log.board(),
                last_seq: log.last_seq,
                full: log.truncated,
            });
        }
        let Some(current) = live.as_mut() else {
            return Err(CoreError::SessionNotFound(session));
        };
        if current.full {
            return Err(CoreError::BoardChange {
                seq: current.last_seq + 1,
                reason: "this board's log is over its limit (it was only partly read), so \
                         nothing more can be added to it"
                    .into(),
            });
        }
        let mut inverses = Vec::new();
        let mut lines = String::new();
        let mut next = current.last_seq;
        let mut failure = None;
        for entry in entries.iter().filter(|e| e.seq > current.last_seq) {
            if entry.seq != next + 1 {
                failure = Some(refused(entry, &format!("change {} is missing", next + 1)));
                break;
            }
            match current.board.apply(&entry.op) {
                Ok(inverse) => {
                    inverses.push(inverse);
                    lines.push_str(&entry.to_line());
                    next = entry.seq;
                }
                Err(error) => {
                    failure = Some(refused(entry, &error.to_string()));
                    break;
                }
            }
        }
        if failure.is_none() && !lines.is_empty() {
            if let Err(error) = self
                .media_store
                .append_document(session, LOG_DOCUMENT, lines.as_bytes(), MAX_LOG_BYTES)
                .await
            {
                failure = Some(error.into());
            }
        }
        if let Some(error) = failure {
            for inverse in inverses.iter().rev() {
                let _ = current.board.apply(inverse);
            }
            return Err(error);
        }
        current.last_seq = next;
        Ok(next)
    }

    /// Replaces the session's board with `board` (a board the candidate brought to a
    /// scripted interview): one logged change that clears the board and adds its shapes.
    pub async fn save_board(
        &self,
        session: SessionId,
        board: &Whiteboard,
    ) -> Result<(), CoreError> {
        board.validate()?;
        let last = self.board_log(session).await?.last_seq;
        let entry = OpEntry {
            seq: last + 1,
            ms: 0,
            op: Op::Batch {
                ops: vec![
                    Op::Clear,
                    Op::Add {
                        shapes: board.shapes.clone(),
                        at: None,
                    },
                ],
            },
        };
        self.append(session, &[entry]).await.map(|_| ())
    }

    /// The session's board as stored: the snapshot it started from and its log, read with
    /// recovery (what cannot be read or applied is skipped and named in `notices`).
    pub async fn board_log(&self, session: SessionId) -> Result<BoardLog, CoreError> {
        read_board_log(&*self.media_store, session).await
    }

    /// The session's board now.
    pub async fn load_board(&self, session: SessionId) -> Result<Whiteboard, CoreError> {
        {
            let live = self.live.lock().await;
            if let Some(live) = live.as_ref().filter(|l| l.session == session) {
                return Ok(live.board.to_whiteboard());
            }
        }
        Ok(self.board_log(session).await?.board().to_whiteboard())
    }

    /// Stores a PNG snapshot as the session's next `snapshot_NNN.png`.
    pub async fn save_snapshot(
        &self,
        session: SessionId,
        png: &[u8],
    ) -> Result<MediaFile, CoreError> {
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(CoreError::Invalid(ValidationError::NotOneOf {
                field: "snapshot",
                allowed: "a PNG image",
                actual: format!("{} bytes of other data", png.len()),
            }));
        }
        self.media.save(session, MediaType::Whiteboard, png).await
    }

    /// The newest picture of the candidate's work, for vision-capable models: a whiteboard
    /// snapshot or a screen-share capture, whichever was taken last.
    pub async fn latest_picture(&self, session: SessionId) -> Result<Option<Vec<u8>>, CoreError> {
        let files = self.media.list(session).await?;
        match files
            .iter()
            .filter(|f| matches!(f.file_type, MediaType::Whiteboard | MediaType::Screen))
            .max_by_key(|f| f.timestamp)
        {
            Some(file) => Ok(Some(self.media_store.read(file).await?)),
            None => Ok(None),
        }
    }
}

/// The session's board as stored: the snapshot it started from and its log, read with
/// recovery (what cannot be read or applied is skipped and named in `notices`).
pub async fn read_board_log(
    media_store: &dyn MediaStore,
    session: SessionId,
) -> Result<BoardLog, CoreError> {
    let mut notices = Vec::new();
    let base = match media_store.read_document(session, BOARD_DOCUMENT).await? {
        None => Whiteboard::default(),
        Some(bytes) => match serde_json::from_slice::<Whiteboard>(&bytes) {
            Ok(board) => board,
            Err(error) => {
                tracing::warn!(session_id = %session, %error, "saved whiteboard is unreadable");
                notices.push(format!(
                    "the whiteboard saved by an older version cannot be read ({error}); it \
                     is not shown"
                ));
                Whiteboard::default()
            }
        },
    };
    let base_board = match Board::new(base.clone()) {
        Ok(board) => board,
        Err(error) => {
            notices.push(format!(
                "the whiteboard saved by an older version is not valid ({error}); it is \
                 not shown"
            ));
            Board::default()
        }
    };
    let base = base_board.to_whiteboard();
    let Some((bytes, size)) = media_store
        .read_document_head(session, LOG_DOCUMENT, MAX_LOG_BYTES)
        .await?
    else {
        return Ok(BoardLog {
            base,
            notices,
            ..BoardLog::default()
        });
    };
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    let too_large = size > MAX_LOG_BYTES;
    if too_large {
        // Read up to the last whole line of what fits.
        text.truncate(text.rfind('\n').map_or(0, |i| i + 1));
        notices.push(format!(
            "the whiteboard log is {} MB, more than any interview writes ({} MB); the \
             board is shown as of the changes that fit",
            size / (1024 * 1024),
            MAX_LOG_BYTES / (1024 * 1024)
        ));
    }
    let replayed = replay_log(base_board, &text);
    for notice in &replayed.notices {
        tracing::warn!(session_id = %session, %notice, "whiteboard log");
    }
    notices.extend(replayed.notices);
    Ok(BoardLog {
        base,
        entries: replayed.entries,
        notices,
        last_seq: replayed.last_seq,
        truncated: too_large || replayed.truncated,
    })
}

/// The error for a refused change: which one, and why.
fn refused(entry: &OpEntry, why: &str) -> CoreError {
    CoreError::BoardChange {
        seq: entry.seq,
        reason: why.to_string(),
    }
}
