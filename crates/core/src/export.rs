//! Rendering transcripts and reports as text, Markdown or JSON.

use std::fmt::Write as _;

use mockint_domain::{EvaluationReport, Feedback, Message, Session};
use serde::Serialize;

pub use mockint_domain::{ReportFormat, TranscriptFormat};

#[derive(Serialize)]
struct TranscriptJson<'a> {
    session_id: String,
    problem: Option<&'a str>,
    status: &'a str,
    messages: &'a [Message],
}

/// Renders a session's conversation.
pub fn transcript(session: &Session, messages: &[Message], format: TranscriptFormat) -> String {
    match format {
        TranscriptFormat::Txt => {
            let mut out = String::new();
            for message in messages {
                let _ = writeln!(
                    out,
                    "[{}] {}:\n{}\n",
                    message.timestamp.format("%Y-%m-%d %H:%M:%S"),
                    label(message),
                    message.content
                );
            }
            out
        }
        TranscriptFormat::Markdown => {
            let mut out = format!("# Interview transcript\n\n- Session: `{}`\n", session.id);
            if let Some(problem) = &session.config.problem {
                let _ = writeln!(out, "- Problem: {}", first_line(problem));
            }
            out.push('\n');
            for message in messages {
                let _ = writeln!(
                    out,
                    "**{}** · {}\n\n{}\n",
                    label(message),
                    message.timestamp.format("%H:%M:%S"),
                    message.content
                );
            }
            out
        }
        TranscriptFormat::Json => to_json(&TranscriptJson {
            session_id: session.id.to_string(),
            problem: session.config.problem.as_deref(),
            status: session.status.as_str(),
            messages,
        }),
    }
}

/// Renders an evaluation report.
pub fn report(report: &EvaluationReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => to_json(report),
        ReportFormat::Markdown => report_markdown(report),
        ReportFormat::Html => report_html(report),
    }
}

/// Escapes text for HTML.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn report_html(report: &EvaluationReport) -> String {
    let mut body = format!(
        "<h1>Interview report</h1><p>Session <code>{}</code></p><p class=\"overall\">Overall score: <strong>{}/100</strong></p><h2>Competencies</h2><table><tr><th>Competency</th><th>Score</th><th>Confidence</th><th>Evidence</th></tr>",
        report.session_id, report.overall_score
    );
    for (name, score) in &report.competency_scores {
        let evidence: Vec<String> = score
            .evidence
            .iter()
            .map(|quote| format!("<blockquote>{}</blockquote>", html_escape(quote)))
            .collect();
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{:?}</td><td>{}</td></tr>",
            html_escape(name.title()),
            score.score,
            score.confidence_level,
            evidence.join("")
        );
    }
    body.push_str("</table>");
    for (title, items) in [
        ("What went well", &report.went_well),
        ("What went okay", &report.went_okay),
        ("What needs improvement", &report.needs_improvement),
    ] {
        let _ = write!(body, "<h2>{title}</h2><ul>");
        for item in items {
            let _ = write!(
                body,
                "<li><strong>{}</strong>: {}</li>",
                html_escape(&item.category),
                html_escape(&item.description)
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("<h2>Improvement plan</h2><ol>");
    for step in &report.improvement_plan.concrete_steps {
        let resources: Vec<String> = step.resources.iter().map(|r| html_escape(r)).collect();
        let _ = write!(
            body,
            "<li><label><input type=\"checkbox\"> {}</label><br><small>{}</small></li>",
            html_escape(&step.description),
            resources.join("; ")
        );
    }
    body.push_str("</ol>");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interview report</title><style>body{{font-family:system-ui,sans-serif;max-width:900px;margin:2rem auto;color:#1f2933}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #e4e7eb;padding:.4rem;text-align:left;vertical-align:top}}blockquote{{margin:.2rem 0;color:#52606d}}</style></head><body>{body}</body></html>"
    )
}

fn report_markdown(report: &EvaluationReport) -> String {
    let mut out = format!(
        "# Interview report\n\n- Session: `{}`\n- Overall score: **{}/100**\n\n## Competencies\n\n| Competency | Score | Confidence | Evidence |\n|---|---|---|---|\n",
        report.session_id, report.overall_score
    );
    for (name, score) in &report.competency_scores {
        let evidence = score
            .evidence
            .iter()
            .map(|quote| format!("“{}”", quote.replace('|', "\\|").replace('\n', " ")))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            out,
            "| {} | {} | {:?} | {} |",
            name, score.score, score.confidence_level, evidence
        );
    }
    feedback_section(&mut out, "What went well", &report.went_well);
    feedback_section(&mut out, "What went okay", &report.went_okay);
    feedback_section(
        &mut out,
        "What needs improvement",
        &report.needs_improvement,
    );
    out.push_str("\n## Improvement plan\n\n");
    if !report.improvement_plan.priority_areas.is_empty() {
        let _ = writeln!(
            out,
            "Priority areas: {}\n",
            report.improvement_plan.priority_areas.join(", ")
        );
    }
    for step in &report.improvement_plan.concrete_steps {
        let _ = writeln!(out, "{}. [ ] {}", step.step_number, step.description);
        for resource in &step.resources {
            let _ = writeln!(out, "   - {resource}");
        }
    }
    let modes = &report.communication_mode_analysis;
    let _ = writeln!(
        out,
        "\n## Communication\n\n- Candidate turns: {}\n- Words: {}",
        modes.candidate_turns, modes.candidate_words
    );
    for note in &modes.notes {
        let _ = writeln!(out, "- {note}");
    }
    out
}

fn feedback_section(out: &mut String, title: &str, items: &[Feedback]) {
    let _ = writeln!(out, "\n## {title}\n");
    if items.is_empty() {
        out.push_str("- (nothing noted)\n");
    }
    for item in items {
        let _ = writeln!(out, "- **{}**: {}", item.category, item.description);
        for quote in &item.evidence {
            let _ = writeln!(out, "  > {}", quote.replace('\n', " "));
        }
    }
}

fn label(message: &Message) -> &'static str {
    match message.role {
        mockint_domain::Role::Interviewer => "Interviewer",
        mockint_domain::Role::Candidate => "Candidate",
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Serializing these plain data types cannot fail; fall back to an error object just in case.
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}
