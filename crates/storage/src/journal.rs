//! The message journal: one JSON-lines file per session under `journal/`, each line flushed
//! to disk before the message goes anywhere else. Lines are `{"seq":n,"message":…}` for a
//! message and `{"stored":n}` once it reached the database. A line cut short by a crash is
//! ignored.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use domain::{Message, SessionId};
use interview_core::ports::Journal;
use interview_core::MediaError;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Message { seq: u64, message: Message },
    Stored { stored: u64 },
}

/// The journal on the local disk.
#[derive(Clone)]
pub struct FileJournal {
    dir: PathBuf,
    lock: Arc<Mutex<()>>,
}

impl FileJournal {
    /// A journal in `data_dir/journal`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("journal"),
            lock: Arc::new(Mutex::new(())),
        }
    }

    fn path(&self, session: SessionId) -> PathBuf {
        self.dir.join(format!("{session}.jsonl"))
    }

    fn error(
        &self,
        operation: &'static str,
        path: &Path,
        error: impl std::fmt::Display,
    ) -> MediaError {
        MediaError::Io {
            operation,
            path: path.display().to_string(),
            cause: error.to_string(),
        }
    }

    fn read(&self, session: SessionId) -> Result<(BTreeMap<u64, Message>, Vec<u64>), MediaError> {
        let path = self.path(session);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(self.error("read journal", &path, error)),
        };
        let mut messages = BTreeMap::new();
        let mut stored = Vec::new();
        for line in text.lines() {
            match serde_json::from_str::<Line>(line) {
                Ok(Line::Message { seq, message }) => {
                    messages.insert(seq, message);
                }
                Ok(Line::Stored { stored: seq }) => stored.push(seq),
                // A crash can cut the last line short; everything before it is intact.
                Err(_) => continue,
            }
        }
        Ok((messages, stored))
    }

    fn append(&self, session: SessionId, line: &Line) -> Result<(), MediaError> {
        let path = self.path(session);
        crate::files::create_private_dir_all(&self.dir)
            .map_err(|e| self.error("create journal directory", &self.dir, e))?;
        let mut text =
            serde_json::to_string(line).map_err(|e| self.error("encode journal line", &path, e))?;
        text.push('\n');
        // A line torn by a crash must not swallow the next one.
        let torn = std::fs::read(&path)
            .map(|bytes| bytes.last().is_some_and(|b| *b != b'\n'))
            .unwrap_or(false);
        if torn {
            text.insert(0, '\n');
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| self.error("open journal", &path, e))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| self.error("write journal", &path, e))
    }
}

#[async_trait]
impl Journal for FileJournal {
    async fn record(&self, session: SessionId, message: &Message) -> Result<u64, MediaError> {
        let _guard = self.lock.lock().await;
        let (messages, _) = self.read(session)?;
        let seq = messages.keys().next_back().map_or(1, |last| last + 1);
        self.append(
            session,
            &Line::Message {
                seq,
                message: message.clone(),
            },
        )?;
        Ok(seq)
    }

    async fn mark_stored(&self, session: SessionId, seq: u64) -> Result<(), MediaError> {
        let _guard = self.lock.lock().await;
        self.append(session, &Line::Stored { stored: seq })
    }

    async fn pending(&self, session: SessionId) -> Result<Vec<(u64, Message)>, MediaError> {
        let _guard = self.lock.lock().await;
        let (messages, stored) = self.read(session)?;
        Ok(messages
            .into_iter()
            .filter(|(seq, _)| !stored.contains(seq))
            .collect())
    }

    async fn messages(&self, session: SessionId) -> Result<Vec<Message>, MediaError> {
        let _guard = self.lock.lock().await;
        Ok(self.read(session)?.0.into_values().collect())
    }

    async fn sessions_with_pending(&self) -> Result<Vec<SessionId>, MediaError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(_) => return Ok(Vec::new()),
        };
        let mut sessions = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let Some(id) = name
                .strip_suffix(".jsonl")
                .and_then(|id| SessionId::parse(id).ok())
            else {
                continue;
            };
            if !self.pending(id).await?.is_empty() {
                sessions.push(id);
            }
        }
        Ok(sessions)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use domain::Role;

    use super::*;

    #[tokio::test]
    async fn records_in_order_tracks_storage_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let journal = FileJournal::new(dir.path());
        let id = SessionId::from_uuid(uuid::Uuid::new_v4());
        let message =
            |text: &str| Message::new(Role::Candidate, text, Utc::now()).expect("message");
        assert_eq!(
            journal.record(id, &message("one")).await.expect("record"),
            1
        );
        assert_eq!(
            journal.record(id, &message("two")).await.expect("record"),
            2
        );
        journal.mark_stored(id, 1).await.expect("mark");
        let pending = journal.pending(id).await.expect("pending");
        assert_eq!(
            pending
                .iter()
                .map(|(seq, m)| (*seq, m.content.as_str()))
                .collect::<Vec<_>>(),
            [(2, "two")]
        );
        // A crash mid-write leaves half a line.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(journal.path(id))
            .expect("open");
        file.write_all(b"{\"seq\":3,\"message\":{\"role\":\"cand")
            .expect("write");
        assert_eq!(journal.messages(id).await.expect("messages").len(), 2);
        assert_eq!(
            journal.record(id, &message("three")).await.expect("record"),
            3
        );
        let all = journal.messages(id).await.expect("messages");
        assert_eq!(
            all.iter().map(|m| m.content.as_str()).collect::<Vec<_>>(),
            ["one", "two", "three"]
        );
        assert_eq!(
            journal.sessions_with_pending().await.expect("sessions"),
            vec![id]
        );
    }
}
