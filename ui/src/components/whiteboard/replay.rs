//! A finished session replayed on one timeline: the whiteboard redrawn from its operation
//! log as it was at each moment, and the transcript with the turn being spoken at that
//! moment highlighted. Play, pause, 1×/2×/4×, scrub, or click a turn to jump to it.

use std::time::Duration;

use leptos::html::Canvas;
use leptos::prelude::*;
use mockint_domain::board::board_at;
use mockint_domain::{Board, BoardLog, Message, Role};

use super::render::{context_of, draw, HEIGHT, WIDTH};

/// How often the playhead moves while playing.
const TICK_MS: u64 = 100;

/// The replay of a session's board and transcript.
#[component]
pub fn WhiteboardReplay(
    log: BoardLog,
    /// The session's messages (their times place them on the timeline).
    messages: Vec<Message>,
    /// When the session started (ms since the epoch).
    started_ms: i64,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let base = Board::new(log.base.clone()).unwrap_or_default();
    let turns: Vec<(u64, Message)> = messages
        .into_iter()
        .map(|m| {
            let at = (m.timestamp.timestamp_millis() - started_ms).max(0) as u64;
            (at, m)
        })
        .collect();
    let end = log
        .entries
        .last()
        .map_or(0, |e| e.ms)
        .max(turns.last().map_or(0, |(at, _)| *at));
    // A report's whiteboard evidence opens the replay at its moment (once).
    let ctx = crate::app::ctx();
    let start = ctx.replay_at.get_untracked().map_or(end, |ms| ms.min(end));
    ctx.replay_at.set(None);
    let at = RwSignal::new(start);
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(1u64);
    let entries = StoredValue::new(log.entries);
    let base = StoredValue::new(base);
    let turn_times: Vec<u64> = turns.iter().map(|(t, _)| *t).collect();
    let current_turn = Memo::new(move |_| {
        let now = at.get();
        turn_times.iter().rposition(|t| *t <= now)
    });
    Effect::new(move |_| {
        let limit = at.get();
        if let Some(element) = canvas.get() {
            if let Some(context) = context_of(&element) {
                let board = base.with_value(|b| entries.with_value(|e| board_at(b, e, limit)));
                draw(&context, board.shapes(), None, false);
            }
        }
    });
    let ticker = set_interval_with_handle(
        move || {
            if playing.get_untracked() {
                let next = at.get_untracked() + TICK_MS * speed.get_untracked();
                if next >= end {
                    at.set(end);
                    playing.set(false);
                } else {
                    at.set(next);
                }
            }
        },
        Duration::from_millis(TICK_MS),
    );
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });
    let toggle = move |_| {
        if !playing.get_untracked() && at.get_untracked() >= end {
            at.set(0);
        }
        playing.update(|p| *p = !*p);
    };
    view! {
        <div class="replay" id="replay">
            <canvas id="replay-canvas" node_ref=canvas width=WIDTH as u32 height=HEIGHT as u32></canvas>
            <div class="replay-controls">
                <button id="replay-play" on:click=toggle>{move || if playing.get() { "Pause" } else { "Play" }}</button>
                <select id="replay-speed" title="Speed" on:change=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(1))>
                    <option value="1" selected>"1×"</option>
                    <option value="2">"2×"</option>
                    <option value="4">"4×"</option>
                </select>
                <input id="replay-slider" type="range" min="0" max=end.to_string() aria-label="Replay position"
                    prop:value=move || at.get().to_string()
                    on:input=move |ev| at.set(event_target_value(&ev).parse().unwrap_or(end))/>
                <span class="muted" id="replay-time">{move || clock(at.get())}" / "{clock(end)}</span>
            </div>
            <ol class="replay-turns" id="replay-turns">
                {turns.into_iter().enumerate().map(|(i, (time, message))| {
                    let who = match message.role {
                        Role::Candidate => "You",
                        Role::Interviewer => "AI",
                    };
                    view! {
                        <li class="replay-turn" class:current=move || current_turn.get() == Some(i)
                            data-ms=time.to_string()
                            on:click=move |_| { playing.set(false); at.set(time); }>
                            <span class="muted small">{clock(time)}" "{who}</span>
                            " "{message.content.chars().take(160).collect::<String>()}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}

/// "12:05" from milliseconds.
fn clock(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
