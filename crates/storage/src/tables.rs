//! The tables a backup carries, with their columns fixed in code, and the row counts a backup
//! records so that a restore can prove it loaded everything.
//!
//! The column lists repeat the migrations on purpose: a backup is data only, and the restore
//! decides which columns it fills. Both the backup and the restore compare these lists with
//! the migrated schema, so a migration that adds a column fails loudly here instead of
//! silently leaving that column out of backups.

use serde::{Deserialize, Serialize};

/// One table a backup carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: &'static str,
    /// Its columns, in the order a backup writes them.
    pub columns: &'static [&'static str],
    /// Whether `id` comes from a sequence that a restore must move past the restored ids.
    pub serial_id: bool,
}

/// Every table of the schema, parents before children (the order a restore loads them in).
pub const TABLES: &[Table] = &[
    Table {
        name: "resumes",
        columns: &[
            "id",
            "user_id",
            "name",
            "email",
            "experience_level",
            "years_of_experience",
            "domain_expertise",
            "work_experience",
            "education",
            "skills",
            "raw_text",
            "created_at",
            "updated_at",
        ],
        serial_id: true,
    },
    Table {
        name: "sessions",
        columns: &[
            "id",
            "user_id",
            "created_at",
            "ended_at",
            "status",
            "enabled_modes",
            "ai_provider",
            "ai_model",
            "metadata",
        ],
        serial_id: false,
    },
    Table {
        name: "conversations",
        columns: &[
            "id",
            "session_id",
            "timestamp",
            "role",
            "content",
            "metadata",
            "seq",
        ],
        serial_id: true,
    },
    Table {
        name: "evaluations",
        columns: &[
            "id",
            "session_id",
            "overall_score",
            "competency_scores",
            "feedback",
            "improvement_plan",
            "communication_analysis",
            "created_at",
        ],
        serial_id: true,
    },
    Table {
        name: "media_files",
        columns: &[
            "id",
            "session_id",
            "file_type",
            "file_path",
            "file_size_bytes",
            "timestamp",
            "metadata",
        ],
        serial_id: true,
    },
    Table {
        name: "token_usage",
        columns: &[
            "id",
            "session_id",
            "timestamp",
            "operation",
            "provider",
            "model",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "estimated_cost",
        ],
        serial_id: true,
    },
    Table {
        name: "audit_logs",
        columns: &[
            "id",
            "timestamp",
            "level",
            "component",
            "operation",
            "session_id",
            "user_id",
            "message",
            "stack_trace",
            "metadata",
        ],
        serial_id: true,
    },
];

/// Rows per table, recorded by a backup and checked by a restore. Unknown or missing tables
/// make the manifest unreadable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowCounts {
    /// Resumes.
    pub resumes: u64,
    /// Sessions.
    pub sessions: u64,
    /// Messages.
    pub conversations: u64,
    /// Evaluation reports.
    pub evaluations: u64,
    /// Media file rows.
    pub media_files: u64,
    /// AI usage records.
    pub token_usage: u64,
    /// Audit log entries.
    pub audit_logs: u64,
}

impl RowCounts {
    /// The count of `table` (0 for a table this version does not know).
    pub fn get(&self, table: &str) -> u64 {
        match table {
            "resumes" => self.resumes,
            "sessions" => self.sessions,
            "conversations" => self.conversations,
            "evaluations" => self.evaluations,
            "media_files" => self.media_files,
            "token_usage" => self.token_usage,
            "audit_logs" => self.audit_logs,
            _ => 0,
        }
    }

    pub(crate) fn set(&mut self, table: &str, rows: u64) {
        let slot = match table {
            "resumes" => &mut self.resumes,
            "sessions" => &mut self.sessions,
            "conversations" => &mut self.conversations,
            "evaluations" => &mut self.evaluations,
            "media_files" => &mut self.media_files,
            "token_usage" => &mut self.token_usage,
            "audit_logs" => &mut self.audit_logs,
            _ => return,
        };
        *slot = rows;
    }

    /// The first table whose count differs from `expected`, with both counts.
    pub fn first_difference(&self, expected: &Self) -> Option<(&'static str, u64, u64)> {
        TABLES
            .iter()
            .map(|table| (table.name, self.get(table.name), expected.get(table.name)))
            .find(|(_, found, wanted)| found != wanted)
    }
}

/// A media row of a staged database: where the row says its file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRow {
    /// The session, as 32 lower-case hex digits.
    pub session_hex: String,
    /// `audio`, `video`, `whiteboard` or `screen` (as stored).
    pub file_type: String,
    /// The stored relative path.
    pub file_path: String,
}

/// Double-quotes an SQL identifier.
pub(crate) fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// The CSV header a backup writes for `table`.
pub(crate) fn csv_header(table: &Table) -> String {
    table.columns.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_trip_by_name() {
        let mut counts = RowCounts::default();
        for (n, table) in TABLES.iter().enumerate() {
            counts.set(table.name, n as u64 + 1);
        }
        for (n, table) in TABLES.iter().enumerate() {
            assert_eq!(counts.get(table.name), n as u64 + 1);
        }
        assert_eq!(counts.first_difference(&counts), None);
        let mut other = counts;
        other.conversations += 1;
        assert_eq!(
            counts.first_difference(&other),
            Some(("conversations", 3, 4))
        );
    }
}
