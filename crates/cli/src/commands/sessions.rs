//! Commands about stored sessions: list, delete, report, transcript and token usage.

use std::path::Path;

use mockint_app::{Settings, StartOptions};
use mockint_core::export::{self, ReportFormat, TranscriptFormat};
use mockint_domain::Page;

use super::{lock, open, session_id};
use crate::args::{ReportFormatArg, TranscriptFormatArg};
use crate::output::{self, out, outln};
use crate::Failure;

pub(super) async fn delete_session(
    options: &StartOptions,
    session_id: &str,
) -> Result<(), Failure> {
    let id = mockint_domain::SessionId::parse(session_id)
        .map_err(|error| Failure::user(error.to_string()))?;
    let settings = Settings::resolve(options)?;
    let _lock = lock(&settings, "sessions delete", "deleting a session")?;
    let app = open(options).await?;
    app.delete_session(id).await?;
    outln!("deleted session {id}");
    Ok(())
}

pub(super) async fn sessions(
    options: &StartOptions,
    limit: u32,
    offset: u32,
    json: bool,
) -> Result<(), Failure> {
    let page =
        Page::new(limit, offset).map_err(|error| Failure::user(format!("--limit: {error}")))?;
    let app = open(options).await?;
    let list = app.sessions.list(page).await?;
    let total = app
        .store
        .count_sessions()
        .await
        .map_err(mockint_core::CoreError::from)?;
    if json {
        let value = serde_json::json!({ "total": total, "limit": limit, "offset": offset, "sessions": list });
        outln!("{}", output::json(&value));
    } else {
        out!("{}", output::sessions_table(&list, total, offset));
    }
    Ok(())
}

pub(super) async fn report(
    options: &StartOptions,
    id: &str,
    format: ReportFormatArg,
) -> Result<(), Failure> {
    let id = session_id(id)?;
    let app = open(options).await?;
    let session = app.sessions.get(id).await?;
    let Some(report) = app.sessions.report(id).await? else {
        return Err(Failure::user(format!(
            "session {id} has no report yet (it is {}); end the interview first",
            session.status
        )));
    };
    let format = match format {
        ReportFormatArg::Md => ReportFormat::Markdown,
        ReportFormatArg::Json => ReportFormat::Json,
        ReportFormatArg::Html => ReportFormat::Html,
    };
    outln!("{}", export::report(&report, format));
    Ok(())
}

pub(super) async fn transcript(
    options: &StartOptions,
    id: &str,
    format: TranscriptFormatArg,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let id = session_id(id)?;
    let app = open(options).await?;
    let session = app.sessions.get(id).await?;
    let messages = app.interviews.transcript(id).await?;
    let format = match format {
        TranscriptFormatArg::Txt => TranscriptFormat::Txt,
        TranscriptFormatArg::Md => TranscriptFormat::Markdown,
        TranscriptFormatArg::Json => TranscriptFormat::Json,
    };
    let text = export::transcript(&session, &messages, format);
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|error| {
                Failure::user(format!("cannot write {}: {error}", path.display()))
            })?;
            eprintln!(
                "Transcript of {} message(s) written to {}.",
                messages.len(),
                path.display()
            );
        }
        None => out!("{text}"),
    }
    Ok(())
}

pub(super) async fn usage(options: &StartOptions, id: &str, json: bool) -> Result<(), Failure> {
    let id = session_id(id)?;
    let app = open(options).await?;
    app.sessions.get(id).await?;
    let records = app
        .store
        .token_usage(id)
        .await
        .map_err(mockint_core::CoreError::from)?;
    let totals = mockint_domain::SessionTokenUsage::from_records(&records);
    if json {
        outln!("{}", output::json(&totals));
    } else {
        outln!(
            "{} tokens ({} in, {} out), estimated cost ${:.4}",
            totals.total_tokens,
            totals.total_input_tokens,
            totals.total_output_tokens,
            totals.total_cost
        );
        for (operation, usage) in &totals.breakdown_by_operation {
            outln!(
                "  {:<22} {:>8} tokens  ${:.4}",
                operation.as_str(),
                usage.total_tokens,
                usage.estimated_cost
            );
        }
    }
    Ok(())
}
