//! The interview room: header (timer, phase, tokens, cost), chat 30%, whiteboard 45%,
//! transcript 25%, and the control bar. The session is loaded with a `LocalResource` under
//! `Suspense`; the panels share one [`Room`] through context.

mod chat;
mod controls;
mod header;

use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{self as ipc, SessionDetail, SessionRequest, TurnView};
use mockint_domain::{Message, Session, SessionId, SessionStatus, SessionTokenUsage};

use crate::api;
use crate::app::{ctx, Ctx, ToastKind};
use crate::components::transcript::TranscriptPanel;
use crate::components::whiteboard::WhiteboardPanel;

/// What the room's panels share.
#[derive(Clone, Copy)]
pub struct Room {
    /// The session shown.
    pub session_id: SessionId,
    /// Its state (status, timing, problem).
    pub session: RwSignal<Session>,
    /// The conversation.
    pub messages: RwSignal<Vec<Message>>,
    /// Tokens and cost so far.
    pub usage: RwSignal<SessionTokenUsage>,
    /// Replies are read aloud.
    pub speech_on: RwSignal<bool>,
    /// The whiteboard canvas (for snapshots).
    pub canvas: NodeRef<Canvas>,
    /// The app's context, captured while building (async tasks run outside the component
    /// tree, where `use_context` finds nothing).
    pub ctx: Ctx,
}

impl Room {
    fn new(detail: &SessionDetail) -> Self {
        Self {
            session_id: detail.session.id,
            session: RwSignal::new(detail.session.clone()),
            messages: RwSignal::new(detail.messages.clone()),
            usage: RwSignal::new(detail.usage.clone()),
            speech_on: RwSignal::new(false),
            canvas: NodeRef::new(),
            ctx: ctx(),
        }
    }

    /// Whether the session is paused.
    pub fn paused(&self) -> bool {
        self.session.with(|s| s.status == SessionStatus::Paused)
    }

    /// Shows a finished turn, typed or spoken, once: both messages, the usage, the notices;
    /// the reply is read aloud when voice replies are on.
    pub fn apply_turn(&self, turn: TurnView) {
        let ctx = self.ctx;
        // The room may have closed while the turn was on its way (its signals are gone).
        let Some(already) = self.messages.try_with_untracked(|m| {
            m.iter().any(|x| {
                x.timestamp == turn.candidate.timestamp && x.content == turn.candidate.content
            })
        }) else {
            return;
        };
        ctx.streaming.set((None, String::new()));
        if already {
            return;
        }
        self.say(turn.interviewer.content.clone());
        self.messages.update(|m| {
            m.push(turn.candidate);
            m.push(turn.interviewer);
        });
        self.usage.set(turn.usage);
        for notice in turn.notices {
            ctx.toast(ToastKind::Notice, notice.to_string());
        }
    }

    /// Reads a reply aloud when voice replies are on.
    pub fn say(&self, text: String) {
        if self.speech_on.try_get_untracked().unwrap_or(false) {
            let ctx = self.ctx;
            spawn_local(async move {
                if let Err(error) = api::call::<ipc::Speak>(ipc::SpeakRequest { text }).await {
                    ctx.error(format!("voice replies: {error}"));
                }
            });
        }
    }
}

/// The interview room for a session.
#[component]
pub fn InterviewPage(session_id: SessionId) -> impl IntoView {
    let detail = LocalResource::new(move || {
        api::call::<ipc::GetSessionDetail>(SessionRequest { session_id })
    });
    view! {
        <Suspense fallback=|| view! { <section class="room"><p class="muted">"Opening the interview…"</p></section> }>
            {move || detail.get().map(|loaded| match loaded {
                Ok(detail) => view! { <RoomView detail=detail/> }.into_any(),
                Err(error) => view! {
                    <section class="room"><p class="error-text" id="room-error">{format!("cannot open the session: {error}")}</p></section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The room once its session is loaded.
#[component]
fn RoomView(detail: SessionDetail) -> impl IntoView {
    let room = Room::new(&detail);
    provide_context(room);
    let ctx = ctx();
    // Turns spoken with the microphone arrive as events.
    Effect::new(move |_| {
        // (The microphone is turned off when the room closes, so a spoken turn is this room's.)
        if let Some(turn) = ctx.voice_turn.get() {
            room.apply_turn(turn);
        }
    });
    let search = RwSignal::new(String::new());
    let messages = Signal::derive(move || room.messages.get());
    let started = detail.session.created_at.timestamp_millis() as f64;
    let board = detail.board;
    view! {
        <section class="room">
            <header::RoomHeader/>
            <div class="room-panels">
                <chat::ChatPanel/>
                <div class="panel board">
                    <WhiteboardPanel session_id=room.session_id initial=board canvas=room.canvas started_ms=started/>
                </div>
                <div class="panel side">
                    <h3>"Transcript"</h3>
                    <TranscriptPanel session_id=room.session_id messages=messages query=search/>
                </div>
            </div>
            <controls::ControlBar/>
        </section>
    }
}
