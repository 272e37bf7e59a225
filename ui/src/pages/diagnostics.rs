//! Diagnostics: health of every component, metrics of this run (calls, error rates,
//! latencies), figures from the store (sessions, completion, tokens and cost, media, logged
//! problems), disk use and the alerts raised. Refreshes every few seconds while open.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::diagnostics::{Diagnostics, HealthStatus, StoreStatistics};

use crate::api;
use crate::app::ctx;
use mockint_domain::ipc;

const REFRESH: Duration = Duration::from_secs(15);

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn minutes(seconds: f64) -> String {
    format!("{:.1} min", seconds / 60.0)
}

fn status_label(status: HealthStatus) -> (&'static str, &'static str) {
    match status {
        HealthStatus::Ok => ("ok", "health-ok"),
        HealthStatus::Warning => ("warning", "health-warning"),
        HealthStatus::Error => ("error", "health-error"),
    }
}

/// The diagnostics page.
#[component]
pub fn DiagnosticsPage() -> impl IntoView {
    let ctx = ctx();
    let data: RwSignal<Option<Diagnostics>> = RwSignal::new(None);
    let load = move || {
        spawn_local(async move {
            match api::call::<ipc::GetDiagnostics>(ipc::NoArgs {}).await {
                Ok(loaded) => data.set(Some(loaded)),
                Err(error) => ctx.error(format!("cannot read diagnostics: {error}")),
            }
        });
    };
    load();
    let handle = set_interval_with_handle(load, REFRESH);
    on_cleanup(move || {
        if let Ok(handle) = handle {
            handle.clear();
        }
    });
    view! {
        <section class="diagnostics" id="diagnostics">
            <h2>"Diagnostics" " " <button id="refresh-diagnostics" class="small" on:click=move |_| load()>"Refresh"</button></h2>
            {move || match data.get() {
                None => view! { <p class="muted">"Checking…"</p> }.into_any(),
                Some(d) => view! { <DiagnosticsView data=d/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DiagnosticsView(data: Diagnostics) -> impl IntoView {
    let verdict = if data.health.healthy {
        "Healthy"
    } else {
        "Unhealthy"
    };
    let thresholds = format!(
        "Alerts above {:.0} % failed calls or {:.1} s per call; disk below 10 % free.",
        data.alert_error_rate * 100.0,
        data.alert_response_time_ms as f64 / 1000.0
    );
    view! {
        <p>
            <strong id="health-verdict">{verdict}</strong>
            <span class="muted">{format!(" · up {} min · {}", data.uptime_seconds / 60, data.generated_at.format("%H:%M:%S"))}</span>
        </p>
        <div class="card">
            <h3>"Health"</h3>
            <table id="health-checks">
                <thead><tr><th>"Component"</th><th>"Status"</th><th>"Detail"</th><th>"Check"</th></tr></thead>
                <tbody>
                    {data.health.checks.into_iter().map(|check| {
                        let (label, class) = status_label(check.status);
                        let name = check.component.clone();
                        view! {
                            <tr class="health-row" data-component=name>
                                <td>{check.component}</td>
                                <td><span class=format!("badge {class}")>{label}</span></td>
                                <td>{check.detail}</td>
                                <td>{format!("{} ms", check.latency_ms)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="card">
            <h3>"This run"</h3>
            {if data.components.is_empty() {
                view! { <p class="muted">"No calls yet."</p> }.into_any()
            } else {
                view! {
                    <table id="component-metrics">
                        <thead><tr><th>"Component"</th><th>"Calls"</th><th>"Failed"</th><th>"Recent error rate"</th><th>"p50"</th><th>"p95"</th><th>"Slowest"</th></tr></thead>
                        <tbody>
                            {data.components.into_iter().map(|m| {
                                let name = m.component.clone();
                                view! {
                                <tr class="metric-row" data-component=name>
                                    <td>{m.component}</td>
                                    <td class="metric-calls">{m.calls}</td>
                                    <td>{m.failures}</td>
                                    <td>{format!("{:.0} %", m.recent_error_rate * 100.0)}</td>
                                    <td>{format!("{:.1} ms", m.p50_ms)}</td>
                                    <td>{format!("{:.1} ms", m.p95_ms)}</td>
                                    <td>{format!("{:.1} ms ({})", m.max_ms, m.slowest_operation)}</td>
                                </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
        {match data.store {
            Ok(stats) => view! { <StoreFigures stats=stats/> }.into_any(),
            Err(error) => view! { <div class="card"><h3>"Sessions"</h3><p class="error-text" id="store-error">{error}</p></div> }.into_any(),
        }}
        <div class="card">
            <h3>"Storage"</h3>
            <table id="storage-use">
                <tbody>
                    <tr><td>"Data directory"</td><td><code>{data.storage.data_dir}</code></td></tr>
                    <tr><td>"Session media"</td><td id="media-bytes">{megabytes(data.storage.session_media_bytes)}</td></tr>
                    <tr><td>"Database"</td><td>{data.storage.database_bytes.map(megabytes).unwrap_or_else(|| "PostgreSQL server".into())}</td></tr>
                    <tr><td>"Connections"</td><td id="pool-status">{format!("{} open ({} idle) of {}", data.pool.open, data.pool.idle, data.pool.max)}</td></tr>
                    <tr><td>"Logs"</td><td>{megabytes(data.storage.log_bytes)}</td></tr>
                    <tr><td>"Free disk"</td><td>{format!("{} of {}", megabytes(data.storage.free_bytes), megabytes(data.storage.total_bytes))}</td></tr>
                </tbody>
            </table>
        </div>
        <div class="card">
            <h3>"Alerts"</h3>
            <p class="muted">{thresholds}</p>
            {if data.alerts.is_empty() {
                view! { <p class="muted" id="no-alerts">"No alerts in this run."</p> }.into_any()
            } else {
                view! {
                    <ul id="alerts">
                        {data.alerts.into_iter().map(|a| view! {
                            <li class="alert-item">{format!("{} · {}: {}", a.at.format("%H:%M:%S"), a.component, a.message)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn StoreFigures(stats: StoreStatistics) -> impl IntoView {
    let sessions = stats.sessions();
    let completion = format!("{:.0} %", stats.completion_rate() * 100.0);
    let duration = stats
        .average_duration_seconds
        .map(minutes)
        .unwrap_or_else(|| "–".into());
    let tokens = stats.total_tokens();
    let cost = format!("${:.4}", stats.total_cost());
    view! {
        <div class="card">
            <h3>"Sessions"</h3>
            <table id="session-figures">
                <tbody>
                    <tr><td>"Sessions"</td><td id="sessions-total">{sessions}</td></tr>
                    <tr><td>"Active / paused / completed"</td><td>{format!("{} / {} / {}", stats.active, stats.paused, stats.completed)}</td></tr>
                    <tr><td>"Completion rate"</td><td id="completion-rate">{completion}</td></tr>
                    <tr><td>"Average length (completed)"</td><td>{duration}</td></tr>
                    <tr><td>"AI tokens"</td><td id="tokens-total">{tokens}</td></tr>
                    <tr><td>"AI cost"</td><td>{cost}</td></tr>
                </tbody>
            </table>
            {(!stats.usage.is_empty()).then(|| view! {
                <table id="usage-by-operation">
                    <thead><tr><th>"Operation"</th><th>"Calls"</th><th>"Tokens"</th><th>"Cost"</th></tr></thead>
                    <tbody>
                        {stats.usage.into_iter().map(|u| view! {
                            <tr><td>{u.operation}</td><td>{u.calls}</td><td>{u.tokens}</td><td>{format!("${:.4}", u.cost)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!stats.media.is_empty()).then(|| view! {
                <table id="media-by-type">
                    <thead><tr><th>"Media"</th><th>"Files"</th><th>"Size"</th></tr></thead>
                    <tbody>
                        {stats.media.into_iter().map(|m| view! {
                            <tr><td>{m.file_type}</td><td>{m.files}</td><td>{megabytes(m.bytes)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <h3>"Logged problems (last 24 h)"</h3>
            {if stats.problems.is_empty() {
                view! { <p class="muted" id="no-problems">"None."</p> }.into_any()
            } else {
                view! {
                    <table id="logged-problems">
                        <thead><tr><th>"Component"</th><th>"Warnings"</th><th>"Errors"</th></tr></thead>
                        <tbody>
                            {stats.problems.into_iter().map(|p| view! {
                                <tr><td>{p.component}</td><td>{p.warnings}</td><td>{p.errors}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}
