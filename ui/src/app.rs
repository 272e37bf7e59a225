//! The root component. This first version shows the app's status and the session history;
//! the interview room, setup and report pages build on it.

use leptos::prelude::*;

use crate::api;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let info = LocalResource::new(api::app_info);
    let sessions = LocalResource::new(|| api::list_sessions(20, 0));
    view! {
        <header class="app-header">
            <h1 id="app-title">"Mock Interview"</h1>
            <span class="tagline">"Practise system design with an AI interviewer — everything stays on your machine."</span>
        </header>
        <main class="app-main">
            <section class="status" id="status">
                {move || match info.get() {
                    None => view! { <p class="muted">"Starting…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="error" id="status-error">{error}</p> }.into_any(),
                    Some(Ok(info)) => match info.startup_error {
                        Some(error) => view! { <p class="error" id="status-error">{error}</p> }.into_any(),
                        None => view! {
                            <p>
                                "Database: " <strong id="db-backend">{info.database_backend}</strong>
                                " · Data: " <code id="data-dir">{info.data_dir}</code>
                                " · v" {info.version}
                            </p>
                        }.into_any(),
                    },
                }}
            </section>
            <section class="history">
                <h2>"Past sessions"</h2>
                {move || match sessions.get() {
                    None => view! { <p class="muted">"Loading sessions…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="error">{error}</p> }.into_any(),
                    Some(Ok(page)) if page.sessions.is_empty() => view! {
                        <p class="muted" id="no-sessions">"No sessions yet. Your interviews will appear here."</p>
                    }.into_any(),
                    Some(Ok(page)) => view! {
                        <table id="sessions">
                            <thead><tr><th>"Date"</th><th>"Problem"</th><th>"Status"</th><th>"Score"</th></tr></thead>
                            <tbody>
                                {page.sessions.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                        <td>{s.problem.unwrap_or_default().split('.').next().unwrap_or_default().to_string()}</td>
                                        <td>{s.status.as_str()}</td>
                                        <td>{s.overall_score.map(|v| format!("{:.0}", v.value())).unwrap_or_else(|| "–".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="muted">{format!("{} session(s) in total", page.total)}</p>
                    }.into_any(),
                }}
            </section>
        </main>
    }
}
