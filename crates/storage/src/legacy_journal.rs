//! Upgrading from the per-session JSON-lines journal of earlier versions (`journal/*.jsonl`):
//! messages it holds that never reached the store are stored once (a message already in the
//! conversation — same role, text and time — is not stored again), then the file is removed.
//! Nothing writes these files any more.

use std::path::Path;

use mockint_core::ports::Store;
use mockint_core::StoreError;
use mockint_domain::{Message, SessionId};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Message { seq: u64, message: Message },
    Stored { stored: u64 },
}

/// Imports and removes the old journal of a data directory. Returns how many messages were
/// stored; files that cannot be imported now (the database is away) are kept for next time.
pub async fn import(data_dir: &Path, store: &dyn Store) -> Result<u32, StoreError> {
    let dir = data_dir.join("journal");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(0);
    };
    let mut imported = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".jsonl"))
            .and_then(|id| SessionId::parse(id).ok())
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut messages = std::collections::BTreeMap::new();
        let mut stored = Vec::new();
        for line in text.lines() {
            match serde_json::from_str::<Line>(line) {
                Ok(Line::Message { seq, message }) => {
                    messages.insert(seq, message);
                }
                Ok(Line::Stored { stored: seq }) => stored.push(seq),
                // A line cut short by a crash.
                Err(_) => {}
            }
        }
        let pending: Vec<Message> = messages
            .into_iter()
            .filter(|(seq, _)| !stored.contains(seq))
            .map(|(_, m)| m)
            .collect();
        if !pending.is_empty() {
            if store.get_session(id).await?.is_none() {
                // The session was deleted since: nothing to keep.
                let _ = std::fs::remove_file(&path);
                continue;
            }
            let existing = store.conversation(id).await?;
            for message in pending {
                let present = existing.iter().any(|m| {
                    m.role == message.role
                        && m.content == message.content
                        && m.timestamp == message.timestamp
                });
                if !present {
                    store.append_message(id, &message).await?;
                    imported += 1;
                }
            }
        }
        let _ = std::fs::remove_file(&path);
    }
    let _ = std::fs::remove_dir(&dir);
    Ok(imported)
}
