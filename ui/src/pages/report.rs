//! The report: overall score, competency radar, confidence and evidence (each jumps to the
//! transcript), feedback columns, the improvement plan as a checklist, mode analysis, tokens
//! and cost, and export.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::SessionDetail;
use mockint_domain::{ConfidenceLevel, Feedback, SessionId};

use crate::api;
use crate::app::{ctx, Page, ToastKind};
use crate::components::radar::Radar;
use crate::components::transcript::TranscriptPanel;
use mockint_domain::ipc;
use mockint_domain::ReportFormat;

fn confidence(level: ConfidenceLevel) -> &'static str {
    match level {
        ConfidenceLevel::High => "high confidence",
        ConfidenceLevel::Medium => "medium confidence",
        ConfidenceLevel::Low => "low confidence",
    }
}

fn feedback_column(title: &'static str, id: &'static str, items: Vec<Feedback>) -> impl IntoView {
    view! {
        <div class="feedback-column" id=id>
            <h3>{title}</h3>
            {if items.is_empty() { Some(view! { <p class="muted">"Nothing noted."</p> }) } else { None }}
            {items.into_iter().map(|item| view! {
                <div class="feedback-item"><strong>{item.category}</strong><p>{item.description}</p></div>
            }).collect_view()}
        </div>
    }
}

/// The report of a session.
#[component]
pub fn ReportPage(session_id: SessionId) -> impl IntoView {
    let ctx = ctx();
    let detail: RwSignal<Option<SessionDetail>> = RwSignal::new(None);
    let search = RwSignal::new(String::new());
    spawn_local(async move {
        match api::call::<ipc::GetSessionDetail>(ipc::SessionRequest { session_id }).await {
            Ok(loaded) => detail.set(Some(loaded)),
            Err(error) => ctx.error(format!("cannot load the report: {error}")),
        }
    });
    let export = move |format: ReportFormat| {
        spawn_local(async move {
            match api::call::<ipc::ExportReport>(ipc::ReportExport { session_id, format }).await {
                Ok(Some(path)) => ctx.toast(ToastKind::Info, format!("Report saved to {path}")),
                Ok(None) => {}
                Err(error) => ctx.error(format!("export failed: {error}")),
            }
        });
    };
    let messages = Signal::derive(move || {
        detail.with(|d| d.as_ref().map(|d| d.messages.clone()).unwrap_or_default())
    });
    view! {
        <section class="report">
            {move || match detail.get() {
                None => view! { <p class="muted">"Loading the report…"</p> }.into_any(),
                Some(SessionDetail { report: None, .. }) => view! {
                    <div class="card"><p id="no-report">"This session has no report yet: end the interview to get one."</p>
                    <button on:click=move |_| ctx.page.set(Page::Interview(session_id))>"Back to the interview"</button></div>
                }.into_any(),
                Some(SessionDetail { report: Some(report), usage, session, .. }) => {
                    let scores: Vec<(String, f64)> = report.competency_scores.iter().map(|(k, v)| (k.title().to_string(), v.score.value())).collect();
                    let plan = report.improvement_plan.clone();
                    let modes = report.communication_mode_analysis.clone();
                    view! {
                        <div class="report-head">
                            <div class="overall" id="overall-score">
                                <span class="big-number">{format!("{:.0}", report.overall_score.value())}</span>
                                <span class="muted">"/100 overall"</span>
                            </div>
                            <div class="muted">{session.config.problem.clone().unwrap_or_default()}</div>
                            <div class="exports">
                                <button id="export-report-md" on:click=move |_| export(ReportFormat::Markdown)>"Export Markdown"</button>
                                <button id="export-report-html" on:click=move |_| export(ReportFormat::Html)>"Export HTML"</button>
                                <button on:click=move |_| ctx.page.set(Page::History(Some(session_id)))>"Open in history"</button>
                            </div>
                        </div>
                        <div class="report-grid">
                            <div class="card"><Radar scores=scores/></div>
                            <div class="card competencies" id="competencies">
                                <h3>"Competencies"</h3>
                                {report.competency_scores.iter().map(|(name, score)| {
                                    let evidence = score.evidence.clone();
                                    view! {
                                        <div class="competency">
                                            <div class="competency-head">
                                                <strong>{name.title()}</strong>
                                                <span class="score">{format!("{:.0}", score.score.value())}</span>
                                                <span class="muted small">{confidence(score.confidence_level)}</span>
                                            </div>
                                            <div class="bar"><div class="fill" style=format!("width: {:.0}%", score.score.value())></div></div>
                                            {evidence.into_iter().map(|quote| {
                                                let target = quote.clone();
                                                let cited = quote.clone();
                                                let drawn = mockint_domain::replay::board_moment(&quote).is_some();
                                                // Open the replay at the turn it quotes or the moment it was drawn.
                                                let replay = move |_| {
                                                    ctx.replay_evidence.set(Some(cited.clone()));
                                                    ctx.page.set(Page::History(Some(session_id)));
                                                };
                                                view! {
                                                    <blockquote class="evidence" class:board-evidence=drawn>
                                                        {quote}
                                                        <button class="link jump" title="Replay the interview from this moment" on:click=replay>"↪ replay"</button>
                                                        {(!drawn).then(|| view! {
                                                            <button class="link jump" title="Show in the transcript" on:click=move |_| search.set(target.clone())>"↪ transcript"</button>
                                                        })}
                                                    </blockquote>
                                                }
                                            }).collect_view()}
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </div>
                        <div class="feedback">
                            {feedback_column("What went well", "went-well", report.went_well.clone())}
                            {feedback_column("What went okay", "went-okay", report.went_okay.clone())}
                            {feedback_column("Needs improvement", "needs-improvement", report.needs_improvement.clone())}
                        </div>
                        <div class="card" id="plan">
                            <h3>"Improvement plan"</h3>
                            <p class="muted">{format!("Priority areas: {}", plan.priority_areas.join(", "))}</p>
                            <ul class="checklist">
                                {plan.concrete_steps.into_iter().map(|step| view! {
                                    <li>
                                        <label><input type="checkbox"/> {format!(" {}. {}", step.step_number, step.description)}</label>
                                        <ul class="resources">{step.resources.into_iter().map(|r| view! { <li class="muted small">{r}</li> }).collect_view()}</ul>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                        <div class="card" id="modes">
                            <h3>"How you communicated"</h3>
                            <p>{format!("{} answers, {} words, {} whiteboard snapshot(s)", modes.candidate_turns, modes.candidate_words, modes.whiteboard_snapshots)}</p>
                            <ul>{modes.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                            <p class="muted" id="report-usage">{format!("AI usage: {} tokens, ${:.4}", usage.total_tokens, usage.total_cost)}</p>
                        </div>
                        <div class="card" id="report-transcript">
                            <h3>"Transcript"</h3>
                            <TranscriptPanel session_id=session_id messages=messages query=search/>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}
