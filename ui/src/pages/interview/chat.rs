//! The chat panel: the conversation, what the candidate is saying (voice draft), the answer
//! being sent, the reply streaming in, and the composer.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{self as ipc, TokenEvent};
use mockint_domain::{Message, Role};

use super::Room;
use crate::api;
use crate::app::ctx;

/// The chat panel.
#[component]
pub fn ChatPanel() -> impl IntoView {
    let room = expect_context::<Room>();
    let ctx = ctx();
    let session_id = room.session_id;
    let draft = RwSignal::new(String::new());
    let pending: RwSignal<Option<String>> = RwSignal::new(None);
    let sending = RwSignal::new(false);
    let list = NodeRef::<Div>::new();

    // Keep the chat scrolled to the newest message, and to what the microphone is hearing
    // (with "still listening" under it) while the candidate speaks or thinks.
    Effect::new(move |_| {
        room.messages.track();
        pending.track();
        ctx.streaming.track();
        ctx.voice_draft.track();
        ctx.thinking.track();
        if let Some(list) = list.get() {
            list.set_scroll_top(list.scroll_height());
        }
    });

    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        pending.set(Some(text.clone()));
        ctx.streaming.set((Some(session_id), String::new()));
        draft.set(String::new());
        spawn_local(async move {
            // The reply streams into this window only, while the call runs.
            let channel = api::Channel::open(move |token: TokenEvent| {
                ctx.streaming
                    .update(|(_, streamed)| streamed.push_str(&token.text));
            });
            let request = ipc::SendRequest {
                session_id,
                text: text.clone(),
                tokens: Some(channel.reference()),
            };
            let answer = api::call::<ipc::SendMessage>(request).await;
            drop(channel);
            match answer {
                Ok(turn) => room.apply_turn(turn),
                Err(error) => {
                    // Nothing is lost: the text goes back into the box.
                    draft.set(text);
                    ctx.streaming.set((None, String::new()));
                    ctx.error(format!("message not sent: {error}"));
                }
            }
            pending.set(None);
            sending.set(false);
        });
    };
    let paused = move || room.paused();

    view! {
        <div class="panel chat">
            <div class="chat-list" id="chat-list" node_ref=list>
                <For each=move || room.messages.get().into_iter().enumerate() key=|(i, m)| (*i, m.timestamp) let:item>
                    <ChatBubble message=item.1/>
                </For>
                {move || ctx.voice_draft.get().filter(|d| d.session_id == session_id && pending.get().is_none()).map(|draft| view! {
                    <div class="bubble candidate pending draft" id="voice-draft"><span class="avatar">"You"</span><div class="body"><p>{draft.text}</p><span class="time" id="listening-status">{move || if ctx.thinking.get() { "still listening — take your time" } else { "listening…" }}</span></div></div>
                })}
                {move || pending.get().map(|text| view! {
                    <div class="bubble candidate pending"><span class="avatar">"You"</span><div class="body"><p>{text}</p></div></div>
                })}
                {move || {
                    let (sid, text) = ctx.streaming.get();
                    (sid == Some(session_id) && (sending.get() || !text.is_empty())).then(|| view! {
                        <div class="bubble interviewer streaming" id="streaming"><span class="avatar">"AI"</span><div class="body"><p>{if text.is_empty() { "…".to_string() } else { text }}</p></div></div>
                    })
                }}
            </div>
            <div class="composer">
                <textarea id="chat-input" placeholder="Type your answer — Enter sends, Shift+Enter for a new line"
                    prop:value=move || draft.get()
                    disabled=paused
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && !ev.shift_key() {
                            ev.prevent_default();
                            send();
                        }
                    }></textarea>
                <button id="send" class="primary" on:click=move |_| send() disabled=move || sending.get() || paused()>
                    {move || if sending.get() { "…" } else { "Send" }}
                </button>
            </div>
        </div>
    }
}

/// One chat message.
#[component]
fn ChatBubble(message: Message) -> impl IntoView {
    let candidate = message.role == Role::Candidate;
    view! {
        <div class="bubble" class:candidate=candidate class:interviewer=!candidate>
            <span class="avatar">{if candidate { "You" } else { "AI" }}</span>
            <div class="body">
                <p>{message.content.clone()}</p>
                <span class="time">{message.timestamp.format("%H:%M").to_string()}</span>
            </div>
        </div>
    }
}
