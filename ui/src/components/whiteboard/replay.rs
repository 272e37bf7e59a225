//! A finished session replayed on one timeline: the whiteboard redrawn from its operation
//! log as it was at each moment, the transcript with the turn being spoken highlighted, the
//! candidate's recordings playing in sync, and markers for phases, curveballs and the
//! report's evidence. Play, pause, 1×/2×/4×, scrub, or click a turn or a marker to jump.
//!
//! While a recording plays, the playhead follows the audio clock (so the board and the
//! transcript stay with the voice); between recordings it follows the wall clock.

use std::time::Duration;

use leptos::html::{Audio, Canvas, Video};
use leptos::prelude::*;
use mockint_domain::board::board_at;
use mockint_domain::replay::evidence_moment;
use mockint_domain::{Board, BoardLog, MarkerKind, MediaType, ReplayTimeline, Role};

use super::render::{context_of, draw, HEIGHT, WIDTH};

/// How often the playhead moves while playing.
const TICK_MS: u64 = 50;
/// How far a recording may drift from the playhead before it is moved back to it.
const MAX_DRIFT_MS: f64 = 250.0;

/// A recording's element.
#[derive(Clone, Copy)]
enum Element {
    Audio(NodeRef<Audio>),
    Video(NodeRef<Video>),
}

/// A recording's element and its place on the timeline.
#[derive(Clone, Copy)]
struct Clip {
    element: Element,
    start: u64,
    length: u64,
}

impl Clip {
    fn media(&self) -> Option<web_sys::HtmlMediaElement> {
        match self.element {
            Element::Audio(node) => node.get_untracked().map(Into::into),
            Element::Video(node) => node.get_untracked().map(Into::into),
        }
    }

    /// Where the playhead is if this is an answer's recording playing (and it has started).
    fn position(&self) -> Option<u64> {
        let Element::Audio(_) = self.element else {
            return None;
        };
        let audio = self.media()?;
        // HAVE_FUTURE_DATA: it is really playing, not waiting for data.
        if audio.paused() || audio.seeking() || audio.ready_state() < 3 {
            return None;
        }
        let at = self.start as f64 + audio.current_time() * 1000.0;
        (at < (self.start + self.length) as f64).then_some(at.max(0.0) as u64)
    }

    /// Plays this recording from the playhead when the playhead is inside it, else pauses it.
    fn follow(&self, at: u64, playing: bool, speed: u64) {
        let Some(audio) = self.media() else {
            return;
        };
        let offset = at as f64 - self.start as f64;
        let inside = playing && offset >= 0.0 && offset < self.length as f64;
        if !inside {
            if !audio.paused() {
                let _ = audio.pause();
            }
            return;
        }
        if audio.playback_rate() != speed as f64 {
            audio.set_playback_rate(speed as f64);
        }
        if audio.paused() || (audio.current_time() * 1000.0 - offset).abs() > MAX_DRIFT_MS {
            audio.set_current_time(offset / 1000.0);
        }
        if audio.paused() {
            // A recording that cannot play (no audio output) leaves the wall clock in charge.
            let _ = audio.play();
        }
    }
}

/// The replay of a session's board, transcript and recordings.
#[component]
pub fn WhiteboardReplay(log: BoardLog, timeline: ReplayTimeline) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let base = Board::new(log.base.clone()).unwrap_or_default();
    let end = timeline.end_ms;
    // A report's evidence opens the replay at its moment (once).
    let ctx = crate::app::ctx();
    let start = ctx
        .replay_evidence
        .get_untracked()
        .and_then(|evidence| evidence_moment(&evidence, &timeline.turns))
        .map_or(end, |ms| ms.min(end));
    ctx.replay_evidence.set(None);
    let at = RwSignal::new(start);
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(1u64);
    let entries = StoredValue::new(log.entries);
    let base = StoredValue::new(base);
    let clips: Vec<Clip> = timeline
        .clips
        .iter()
        .map(|c| Clip {
            element: match c.kind {
                MediaType::Video => Element::Video(NodeRef::new()),
                _ => Element::Audio(NodeRef::new()),
            },
            start: c.start_ms,
            length: c.length_ms,
        })
        .collect();
    let clips = StoredValue::new(clips);
    // Each recording is loaded into the page and its player pointed at it; a recording that
    // cannot be loaded is said once and the replay goes on without it.
    let loaded: StoredValue<Vec<String>> = StoredValue::new(Vec::new());
    let paths: Vec<String> = timeline.clips.iter().map(|c| c.path.clone()).collect();
    leptos::task::spawn_local(async move {
        let mut missing = 0usize;
        for (i, path) in paths.iter().enumerate() {
            match crate::api::media_blob_url(path).await {
                Ok(url) => {
                    if let Some(media) = clips
                        .try_with_value(|all| all.get(i).and_then(Clip::media))
                        .flatten()
                    {
                        media.set_src(&url);
                    }
                    // The replay was closed while it loaded: the copy is not kept.
                    if loaded
                        .try_update_value(|urls| urls.push(url.clone()))
                        .is_none()
                    {
                        let _ = web_sys::Url::revoke_object_url(&url);
                        return;
                    }
                }
                Err(_) => missing += 1,
            }
        }
        if missing > 0 {
            ctx.toast(crate::app::ToastKind::Notice, format!("{missing} recording(s) of this session could not be loaded; the replay goes on without them"));
        }
    });
    on_cleanup(move || {
        let _ = loaded.try_with_value(|urls| {
            for url in urls {
                let _ = web_sys::Url::revoke_object_url(url);
            }
        });
    });
    let turn_times: Vec<u64> = timeline.turns.iter().map(|t| t.ms).collect();
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
    // Pausing, scrubbing or a new speed moves the recordings with the playhead.
    Effect::new(move |_| {
        let (now, on, rate) = (at.get(), playing.get(), speed.get());
        clips.with_value(|all| all.iter().for_each(|c| c.follow(now, on, rate)));
    });
    let last_tick = StoredValue::new(now_ms());
    let ticker = set_interval_with_handle(
        move || {
            let wall = now_ms();
            let elapsed = wall - last_tick.get_value();
            last_tick.set_value(wall);
            if !playing.get_untracked() {
                return;
            }
            let rate = speed.get_untracked();
            let heard = clips.with_value(|all| all.iter().find_map(Clip::position));
            let next = heard.unwrap_or_else(|| {
                at.get_untracked() + (elapsed.max(0.0) as u64).saturating_mul(rate)
            });
            if next >= end {
                at.set(end);
                playing.set(false);
            } else {
                at.set(next);
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
        last_tick.set_value(now_ms());
        playing.update(|p| *p = !*p);
    };
    let jump = move |ms: u64| {
        at.set(ms.min(end));
    };
    let span = end.max(1) as f64;
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
                <div class="replay-track">
                    <div class="replay-markers" id="replay-markers">
                        {timeline.markers.iter().map(|m| {
                            let ms = m.ms;
                            let kind = match m.kind {
                                MarkerKind::Phase => "phase",
                                MarkerKind::Curveball => "curveball",
                                MarkerKind::Evidence => "evidence",
                            };
                            view! {
                                <button class=format!("marker marker-{kind}") data-ms=ms.to_string()
                                    style=format!("left: {:.2}%", ms as f64 / span * 100.0)
                                    title=m.label.clone() aria-label=m.label.clone()
                                    on:click=move |_| jump(ms)></button>
                            }
                        }).collect_view()}
                    </div>
                    <input id="replay-slider" type="range" min="0" max=end.to_string() aria-label="Replay position"
                        prop:value=move || at.get().to_string()
                        on:input=move |ev| at.set(event_target_value(&ev).parse().unwrap_or(end))/>
                </div>
                <span class="muted" id="replay-time">{move || clock(at.get())}" / "{clock(end)}</span>
            </div>
            <ol class="replay-turns" id="replay-turns">
                {timeline.turns.into_iter().enumerate().map(|(i, turn)| {
                    let who = match turn.role {
                        Role::Candidate => "You",
                        Role::Interviewer => "AI",
                    };
                    let time = turn.ms;
                    let spoken = turn.clip.is_some();
                    view! {
                        <li class="replay-turn" class:current=move || current_turn.get() == Some(i)
                            data-ms=time.to_string()
                            on:click=move |_| jump(time)>
                            <span class="muted small">{clock(time)}" "{who}</span>
                            {spoken.then(|| view! { <span class="spoken-tag" title="Your recorded answer plays with it">"voice"</span> })}
                            " "{turn.content.chars().take(160).collect::<String>()}
                        </li>
                    }
                }).collect_view()}
            </ol>
            // The answers' recordings play unseen; a video shows while the playhead is in it.
            {clips.with_value(|all| all.iter().map(|clip| {
                let (start, length) = (clip.start, clip.length);
                match clip.element {
                    Element::Audio(node) => view! {
                        <audio class="replay-clip" node_ref=node preload="auto"
                            data-start=start.to_string() data-length=length.to_string()></audio>
                    }.into_any(),
                    Element::Video(node) => view! {
                        <video class="replay-video" node_ref=node preload="auto" muted=true
                            class:shown=move || { let now = at.get(); now >= start && now < start + length }
                            data-start=start.to_string() data-length=length.to_string()></video>
                    }.into_any(),
                }
            }).collect_view())}
        </div>
    }
}

/// Milliseconds on the page's monotonic clock.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// "12:05" from milliseconds.
fn clock(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
