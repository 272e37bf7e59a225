//! Printing: logging set-up, session tables and JSON.

use mockint_domain::SessionSummary;

/// JSON for machines (pretty-printed; these types always serialize).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

/// One value as one line of JSON (for streams of records).
pub fn json_line<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

/// A table of sessions for people.
pub fn sessions_table(sessions: &[SessionSummary], total: u64, offset: u32) -> String {
    if sessions.is_empty() {
        return format!("No sessions (total {total}).\n");
    }
    let mut out = format!(
        "{:<36}  {:<16}  {:<9}  {:>5}  {:>4}  PROBLEM\n",
        "ID", "CREATED", "STATUS", "SCORE", "MSGS"
    );
    for s in sessions {
        let score = s
            .overall_score
            .map(|s| format!("{:.0}", s.value()))
            .unwrap_or_else(|| "-".into());
        let problem: String = s
            .problem
            .as_deref()
            .unwrap_or("-")
            .split(['.', '\n'])
            .next()
            .unwrap_or("-")
            .chars()
            .take(50)
            .collect();
        out.push_str(&format!(
            "{:<36}  {:<16}  {:<9}  {:>5}  {:>4}  {}\n",
            s.id,
            s.created_at.format("%Y-%m-%d %H:%M"),
            s.status,
            score,
            s.message_count,
            problem
        ));
    }
    let last = u64::from(offset) + sessions.len() as u64;
    out.push_str(&format!(
        "Showing {}–{last} of {total}.\n",
        u64::from(offset) + 1
    ));
    out
}

/// Writes to stdout; when the reader has gone away (e.g. `| head`) exits quietly instead of
/// panicking like `println!` would.
pub fn write_stdout(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` through [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(&format!($($arg)*))
    };
}

pub(crate) use {out, outln};
