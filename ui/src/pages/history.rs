//! History: sessions with pagination, a progress chart, and a read-only view of one session
//! (transcript, snapshots, whiteboard replay, report) with delete.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{SessionDetail, SessionPage};
use mockint_domain::{MediaType, SessionId};

use crate::api;
use crate::app::{ctx, Page, ToastKind};
use crate::components::radar::ProgressChart;
use crate::components::transcript::TranscriptPanel;
use crate::components::whiteboard::WhiteboardReplay;
use mockint_domain::ipc;

const PAGE_SIZE: u32 = 10;

/// The history page; `selected` opens one session.
#[component]
pub fn HistoryPage(selected: Option<SessionId>) -> impl IntoView {
    let ctx = ctx();
    let offset = RwSignal::new(0u32);
    let page: RwSignal<Option<SessionPage>> = RwSignal::new(None);
    let chart = LocalResource::new(|| api::call::<ipc::GetProgress>(ipc::NoArgs {}));
    let load = move || {
        let from = offset.get_untracked();
        spawn_local(async move {
            match api::call::<ipc::ListSessions>(ipc::ListSessionsRequest {
                limit: PAGE_SIZE,
                offset: from,
            })
            .await
            {
                Ok(loaded) => page.set(Some(loaded)),
                Err(error) => ctx.error(format!("cannot list sessions: {error}")),
            }
        });
    };
    load();
    let go = move |delta: i64| {
        let next = (i64::from(offset.get_untracked()) + delta).max(0) as u32;
        offset.set(next);
        load();
    };
    view! {
        <section class="history">
            {move || match selected {
                Some(id) => view! { <SessionView session_id=id/> }.into_any(),
                None => view! {
                    <h2>"Your progress"</h2>
                    <div class="card">
                        {move || match chart.get() {
                            Some(Ok(points)) if !points.is_empty() => {
                                let data = points.into_iter().map(|p| (p.created_at.format("%b %d").to_string(), p.overall, p.competencies)).collect();
                                view! { <ProgressChart points=data/> }.into_any()
                            }
                            Some(Err(error)) => view! { <p class="error-text">{error.message}</p> }.into_any(),
                            _ => view! { <p class="muted">"Finish an interview to see your scores over time."</p> }.into_any(),
                        }}
                    </div>
                    <h2>"Past sessions"</h2>
                    {move || match page.get() {
                        None => view! { <p class="muted">"Loading sessions…"</p> }.into_any(),
                        Some(p) if p.sessions.is_empty() => view! { <p class="muted" id="no-sessions">"No sessions yet. Your interviews will appear here."</p> }.into_any(),
                        Some(p) => {
                            let total = p.total;
                            view! {
                                <table id="sessions">
                                    <thead><tr><th>"Date"</th><th>"Problem"</th><th>"Status"</th><th>"Score"</th><th></th></tr></thead>
                                    <tbody>
                                        {p.sessions.into_iter().map(|s| {
                                            let id = s.id;
                                            view! {
                                                <tr class="session-row">
                                                    <td>{s.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                                    <td>{s.problem.unwrap_or_default().split('.').next().unwrap_or_default().to_string()}</td>
                                                    <td>{s.status.as_str()}</td>
                                                    <td>{s.overall_score.map(|v| format!("{:.0}", v.value())).unwrap_or_else(|| "–".into())}</td>
                                                    <td><button class="link open-session" on:click=move |_| ctx.page.set(Page::History(Some(id)))>"Open"</button></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <div class="pager">
                                    <button id="prev-page" disabled=move || offset.get() == 0 on:click=move |_| go(-i64::from(PAGE_SIZE))>"← Newer"</button>
                                    <span class="muted">{move || format!("{}–{} of {}", offset.get() + 1, (u64::from(offset.get()) + u64::from(PAGE_SIZE)).min(total), total)}</span>
                                    <button id="next-page" disabled=move || { u64::from(offset.get() + PAGE_SIZE) >= total } on:click=move |_| go(i64::from(PAGE_SIZE))>"Older →"</button>
                                </div>
                            }.into_any()
                        }
                    }}
                }.into_any(),
            }}
        </section>
    }
}

/// One past session, read-only.
#[component]
fn SessionView(session_id: SessionId) -> impl IntoView {
    let ctx = ctx();
    let detail: RwSignal<Option<SessionDetail>> = RwSignal::new(None);
    let confirm = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    spawn_local(async move {
        match api::call::<ipc::GetSessionDetail>(ipc::SessionRequest { session_id }).await {
            Ok(loaded) => detail.set(Some(loaded)),
            Err(error) => ctx.error(format!("cannot open the session: {error}")),
        }
    });
    let delete = move |_| {
        spawn_local(async move {
            match api::call::<ipc::DeleteSession>(ipc::SessionRequest { session_id }).await {
                Ok(()) => {
                    ctx.toast(ToastKind::Info, "Session deleted with its files.");
                    ctx.page.set(Page::History(None));
                }
                Err(error) => ctx.error(format!("cannot delete: {error}")),
            }
        });
    };
    let export_replay = move || {
        spawn_local(async move {
            match api::call::<ipc::ExportReplay>(ipc::SessionRequest { session_id }).await {
                Ok(Some(path)) => ctx.toast(ToastKind::Info, format!("Replay saved to {path}")),
                Ok(None) => {}
                Err(error) => ctx.error(format!("export failed: {error}")),
            }
        });
    };
    let replay =
        LocalResource::new(move || api::call::<ipc::GetReplay>(ipc::SessionRequest { session_id }));
    let images = LocalResource::new(move || {
        api::call::<ipc::GetSnapshotImages>(ipc::SessionRequest { session_id })
    });
    let messages = Signal::derive(move || {
        detail.with(|d| d.as_ref().map(|d| d.messages.clone()).unwrap_or_default())
    });
    view! {
        <button class="link" on:click=move |_| ctx.page.set(Page::History(None))>"← All sessions"</button>
        {move || detail.get().map(|d| {
            let open = d.session.status.is_open();
            let snapshots: Vec<String> = d.media.iter().filter(|m| m.file_type == MediaType::Whiteboard).map(|m| m.file_path.rsplit('/').next().unwrap_or_default().to_string()).collect();
            view! {
                <div class="session-head" id="session-view">
                    <h2>{d.session.config.problem.clone().unwrap_or_default().split('.').next().unwrap_or_default().to_string()}</h2>
                    <span class="muted">{format!("{} · {} · {} tokens, ${:.4}", d.session.created_at.format("%Y-%m-%d %H:%M"), d.session.status, d.usage.total_tokens, d.usage.total_cost)}</span>
                    <div class="exports">
                        {if open {
                            view! { <button class="primary" on:click=move |_| ctx.page.set(Page::Interview(session_id))>"Continue interview"</button> }.into_any()
                        } else {
                            view! { <button class="primary" id="open-report" on:click=move |_| ctx.page.set(Page::Report(session_id))>"Open report"</button> }.into_any()
                        }}
                        <button id="export-replay" title="One HTML file that replays the board, the transcript and your recordings in any browser" on:click=move |_| export_replay()>"Export replay"</button>
                        <button id="delete-session" class="danger" on:click=move |_| confirm.set(true)>"Delete"</button>
                    </div>
                </div>
                <div class="report-grid">
                    <div class="card">
                        <h3>"Whiteboard"</h3>
                        {let board = d.board.clone(); move || match replay.get() {
                            Some(Ok(timeline)) => view! { <WhiteboardReplay log=board.clone() timeline=timeline/> }.into_any(),
                            Some(Err(error)) => view! { <p class="error-text">{format!("The replay could not be loaded: {}", error.message)}</p> }.into_any(),
                            None => view! { <p class="muted">"Loading the replay…"</p> }.into_any(),
                        }}
                        <p class="muted small" id="snapshots">{if snapshots.is_empty() { "No snapshots.".to_string() } else { format!("Snapshots: {}", snapshots.join(", ")) }}</p>
                        <div class="thumbnails" id="thumbnails">
                            {move || match images.get() {
                                Some(Ok(urls)) => urls.into_iter().map(|url| view! { <img class="thumbnail" src=url alt="Whiteboard snapshot"/> }).collect_view().into_any(),
                                Some(Err(error)) => view! { <p class="error-text">{error.message}</p> }.into_any(),
                                None => ().into_any(),
                            }}
                        </div>
                    </div>
                    <div class="card">
                        <h3>"Transcript"</h3>
                        <TranscriptPanel session_id=session_id messages=messages query=search/>
                    </div>
                </div>
            }
        })}
        {move || confirm.get().then(|| view! {
            <div class="modal-backdrop">
                <div class="modal" id="confirm-delete">
                    <p>"Delete this session, its transcript, report and files? This cannot be undone."</p>
                    <button id="confirm-delete-yes" class="danger" on:click=delete>"Delete"</button>
                    <button on:click=move |_| confirm.set(false)>"Cancel"</button>
                </div>
            </div>
        })}
    }
}
