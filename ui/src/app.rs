//! The root component: navigation between pages, app-wide notices and error toasts.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc;
use mockint_domain::SessionId;

use crate::api;
use crate::pages::{
    diagnostics::DiagnosticsPage, history::HistoryPage, interview::InterviewPage,
    report::ReportPage, setup::SetupPage,
};

/// Which page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Resume, provider, modes, start.
    Setup,
    /// The three-panel interview room.
    Interview(SessionId),
    /// A session's report.
    Report(SessionId),
    /// Past sessions; with a session id, that session read-only.
    History(Option<SessionId>),
    /// Health, metrics and alerts.
    Diagnostics,
}

/// What kind of message a toast carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// A failed action.
    Error,
    /// Something to know (budget, provider fallback).
    Notice,
    /// A success.
    Info,
}

/// A message shown in the corner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// App-wide state shared through context.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The current page.
    pub page: RwSignal<Page>,
    toasts: RwSignal<Vec<Toast>>,
    next_toast: StoredValue<u64>,
    /// Interviewer text streaming in for a session.
    pub streaming: RwSignal<(Option<SessionId>, String)>,
    /// The latest turn made by voice (appended by the interview room).
    pub voice_turn: RwSignal<Option<mockint_domain::ipc::TurnView>>,
    /// What the candidate has said so far in an answer not yet complete.
    pub voice_draft: RwSignal<Option<mockint_domain::ipc::TranscriptDraft>>,
    /// The microphone is waiting through a thinking pause.
    pub thinking: RwSignal<bool>,
    /// The evidence item the next replay opened starts at (the turn it quotes or the
    /// moment it cites on the whiteboard): set by the report's "↪ replay" links.
    pub replay_evidence: RwSignal<Option<String>>,
}

impl Ctx {
    /// Shows a toast: information goes after 4 s and notices after 8 s, errors stay until
    /// dismissed; at most three are shown (the oldest goes first) and a page change clears
    /// them, so a toast never follows the candidate to another page.
    pub fn toast(&self, kind: ToastKind, text: impl Into<String>) {
        let text = text.into();
        if self
            .toasts
            .with_untracked(|t| t.iter().any(|x| x.text == text))
        {
            return;
        }
        let id = self.next_toast.get_value();
        self.next_toast.set_value(id + 1);
        self.toasts.update(|t| {
            t.push(Toast { id, kind, text });
            while t.len() > MAX_TOASTS {
                t.remove(0);
            }
        });
        let seconds = match kind {
            ToastKind::Error => return,
            ToastKind::Info => 4,
            ToastKind::Notice => 8,
        };
        let toasts = self.toasts;
        set_timeout(
            move || toasts.update(|t| t.retain(|x| x.id != id)),
            Duration::from_secs(seconds),
        );
    }

    /// Shows an error.
    pub fn error(&self, text: impl Into<String>) {
        self.toast(ToastKind::Error, text);
    }
}

/// The context set up by [`App`].
pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Most toasts shown at once.
const MAX_TOASTS: usize = 3;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx {
        page: RwSignal::new(Page::Setup),
        toasts: RwSignal::new(Vec::new()),
        next_toast: StoredValue::new(1),
        streaming: RwSignal::new((None, String::new())),
        voice_turn: RwSignal::new(None),
        voice_draft: RwSignal::new(None),
        thinking: RwSignal::new(false),
        replay_evidence: RwSignal::new(None),
    };
    provide_context(ctx);
    spawn_local(async move {
        let voice_turn = ctx.voice_turn;
        let voice_draft = ctx.voice_draft;
        let listening = api::listen::<ipc::VoiceTurnEvent>(move |turn| {
            // The draft this turn completes goes; a draft of the next answer (already being
            // spoken when this turn arrived) stays.
            let said = turn.candidate.content.to_lowercase();
            let finished = voice_draft.with_untracked(|draft| {
                draft.as_ref().is_none_or(|d| {
                    let words: Vec<String> = d
                        .text
                        .to_lowercase()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect();
                    words.iter().take(3).all(|w| said.contains(w.as_str()))
                })
            });
            if finished {
                voice_draft.set(None);
            }
            voice_turn.set(Some(turn))
        })
        .await
        .and(
            api::listen::<ipc::TranscriptDraftEvent>(move |draft| voice_draft.set(Some(draft)))
                .await,
        )
        .and(
            api::listen::<ipc::NoticeEvent>(move |notice| {
                ctx.toast(ToastKind::Notice, notice.to_string())
            })
            .await,
        )
        .and(
            api::listen::<ipc::ListeningEvent>(move |status| ctx.thinking.set(status.thinking))
                .await,
        );
        if let Err(error) = listening {
            ctx.error(format!("live updates are unavailable: {error}"));
        }
    });
    // Toasts belong to the page they were raised on.
    Effect::new(move |previous: Option<Page>| {
        let page = ctx.page.get();
        if previous.is_some_and(|p| p != page) {
            ctx.toasts.set(Vec::new());
        }
        page
    });
    let info = LocalResource::new(|| api::call::<ipc::GetAppInfo>(ipc::NoArgs {}));
    let nav = move |page: Page, label: &'static str, id: &'static str| {
        let active = move || {
            matches!(
                (ctx.page.get(), page),
                (Page::Setup, Page::Setup)
                    | (Page::History(_), Page::History(_))
                    | (Page::Diagnostics, Page::Diagnostics)
            )
        };
        view! {
            <button id=id class="nav-link" class:active=active on:click=move |_| ctx.page.set(page)>{label}</button>
        }
    };
    view! {
        <header class="app-header">
            <h1 id="app-title">"Mock Interview"</h1>
            <nav>
                {nav(Page::Setup, "New interview", "nav-setup")}
                {nav(Page::History(None), "History", "nav-history")}
                {nav(Page::Diagnostics, "Diagnostics", "nav-diagnostics")}
            </nav>
            <span class="status" id="status">
                {move || match info.get() {
                    None => view! { <span class="muted">"Starting…"</span> }.into_any(),
                    Some(Err(error)) => view! { <span class="error-text" id="status-error">{error.message}</span> }.into_any(),
                    Some(Ok(info)) => match info.startup_error {
                        Some(error) => view! { <span class="error-text" id="status-error">{error}</span> }.into_any(),
                        None => view! {
                            <span class="muted">
                                "Database: " <strong id="db-backend">{info.database_backend}</strong>
                                " · " <code id="data-dir" title="Data directory">{info.data_dir}</code>
                            </span>
                        }.into_any(),
                    },
                }}
            </span>
        </header>
        <main class="app-main">
            {move || match ctx.page.get() {
                Page::Setup => view! { <SetupPage/> }.into_any(),
                Page::Interview(id) => view! { <InterviewPage session_id=id/> }.into_any(),
                Page::Report(id) => view! { <ReportPage session_id=id/> }.into_any(),
                Page::History(selected) => view! { <HistoryPage selected=selected/> }.into_any(),
                Page::Diagnostics => view! { <DiagnosticsPage/> }.into_any(),
            }}
        </main>
        <div class="toasts" id="toasts" role="status" aria-live="polite">
            <For each=move || ctx.toasts.get() key=|t| t.id let:toast>
                <div class=move || format!("toast toast-{}", match toast.kind { ToastKind::Error => "error", ToastKind::Notice => "notice", ToastKind::Info => "info" })>
                    <span>{toast.text.clone()}</span>
                    <button class="toast-close" aria-label="Dismiss" on:click=move |_| ctx.toasts.update(|t| t.retain(|x| x.id != toast.id))>"×"</button>
                </div>
            </For>
        </div>
    }
}
