//! The live transcript: speaker labels, timestamps, search with highlighted matches, export.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::{Message, Role, SessionId};

use crate::api;
use crate::app::{ctx, ToastKind};
use mockint_domain::ipc;
use mockint_domain::TranscriptFormat;

/// Splits `text` into (piece, is_match) runs for a case-insensitive `query`.
pub fn highlight(text: &str, query: &str) -> Vec<(String, bool)> {
    let query = query.trim();
    if query.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let lower = text.to_lowercase();
    let needle = query.to_lowercase();
    // Lower-casing can change byte lengths; fall back to no highlighting then.
    if lower.len() != text.len() {
        return vec![(text.to_string(), false)];
    }
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, _) in lower.match_indices(&needle) {
        if i < start {
            continue;
        }
        if i > start {
            runs.push((text[start..i].to_string(), false));
        }
        runs.push((text[i..i + needle.len()].to_string(), true));
        start = i + needle.len();
    }
    if start < text.len() {
        runs.push((text[start..].to_string(), false));
    }
    runs
}

/// The transcript panel.
#[component]
pub fn TranscriptPanel(
    session_id: SessionId,
    messages: Signal<Vec<Message>>,
    /// The search text (the report sets it to jump to a quote).
    query: RwSignal<String>,
) -> impl IntoView {
    let ctx = ctx();
    let export = move |format: TranscriptFormat| {
        spawn_local(async move {
            let args = ipc::TranscriptExport { session_id, format };
            match api::call::<ipc::ExportTranscript>(args).await {
                Ok(Some(path)) => ctx.toast(ToastKind::Info, format!("Transcript saved to {path}")),
                Ok(None) => {}
                Err(error) => ctx.error(format!("export failed: {error}")),
            }
        });
    };
    let matches = move || {
        let q = query.get().to_lowercase();
        if q.trim().is_empty() {
            return None;
        }
        Some(messages.with(|m| {
            m.iter()
                .filter(|m| m.content.to_lowercase().contains(q.trim()))
                .count()
        }))
    };
    view! {
        <div class="transcript">
            <div class="transcript-tools">
                <input id="transcript-search" type="search" placeholder="Search transcript" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                {move || matches().map(|n| view! { <span class="muted small" id="search-count">{format!("{n} match(es)")}</span> })}
            </div>
            <div class="transcript-list" id="transcript-list">
                {move || messages.get().into_iter().map(|message| {
                    let speaker = match message.role { Role::Interviewer => "Interviewer", Role::Candidate => "You" };
                    let runs = highlight(&message.content, &query.get());
                    view! {
                        <div class="segment" class:candidate=message.role == Role::Candidate>
                            <span class="speaker">{speaker}</span>
                            <span class="time">{message.timestamp.format("%H:%M:%S").to_string()}</span>
                            <p>{runs.into_iter().map(|(text, hit)| if hit {
                                view! { <mark>{text}</mark> }.into_any()
                            } else {
                                view! { <span>{text}</span> }.into_any()
                            }).collect_view()}</p>
                        </div>
                    }
                }).collect_view()}
            </div>
            <div class="transcript-export">
                "Export: "
                <button id="export-txt" on:click=move |_| export(TranscriptFormat::Txt)>"TXT"</button>
                <button id="export-md" on:click=move |_| export(TranscriptFormat::Markdown)>"Markdown"</button>
                <button id="export-json" on:click=move |_| export(TranscriptFormat::Json)>"JSON"</button>
            </div>
        </div>
    }
}
