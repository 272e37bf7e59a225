//! The interview room: header (timer, phase, tokens, cost), chat 30%, whiteboard 45%,
//! transcript 25%, and the control bar.

use std::time::Duration;

use domain::{
    CommunicationMode, Message, Role, Session, SessionId, SessionStatus, SessionTokenUsage,
    Whiteboard,
};
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use leptos::task::spawn_local;

use domain::ipc::SpeechStatus;

use crate::api;
use crate::app::{ctx, Page, ToastKind};
use crate::components::transcript::TranscriptPanel;
use crate::components::whiteboard::WhiteboardPanel;

fn phase_of(messages: &[Message]) -> String {
    messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Interviewer)
        .and_then(|m| {
            m.metadata
                .get("phase")
                .and_then(|p| p.as_str())
                .map(|p| p.replace('_', " "))
        })
        .unwrap_or_else(|| "requirements".into())
}

/// The interview room for a session.
#[component]
pub fn InterviewPage(session_id: SessionId) -> impl IntoView {
    let ctx = ctx();
    let session: RwSignal<Option<Session>> = RwSignal::new(None);
    let messages: RwSignal<Vec<Message>> = RwSignal::new(Vec::new());
    let usage: RwSignal<SessionTokenUsage> = RwSignal::new(SessionTokenUsage::default());
    let board: RwSignal<Option<Whiteboard>> = RwSignal::new(None);
    let draft = RwSignal::new(String::new());
    let pending: RwSignal<Option<String>> = RwSignal::new(None);
    let sending = RwSignal::new(false);
    let confirm_end = RwSignal::new(false);
    let ending = RwSignal::new(false);
    let flash = RwSignal::new(false);
    let now = RwSignal::new(js_sys::Date::now());
    let voice_on = RwSignal::new(false);
    let screen_on = RwSignal::new(false);
    let voice_busy = RwSignal::new(false);
    let video_on = RwSignal::new(false);
    let video_busy = RwSignal::new(false);
    let video_source = RwSignal::new("camera".to_string());
    let speech: RwSignal<Option<SpeechStatus>> = RwSignal::new(None);
    let microphones: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let microphone = RwSignal::new(String::new());
    let speech_on = RwSignal::new(false);
    let canvas = NodeRef::<Canvas>::new();
    let chat_list = NodeRef::<Div>::new();

    spawn_local(async move {
        match api::session_detail(session_id).await {
            Ok(detail) => {
                messages.set(detail.messages);
                usage.set(detail.usage);
                board.set(Some(detail.whiteboard));
                session.set(Some(detail.session));
            }
            Err(error) => ctx.error(format!("cannot open the session: {error}")),
        }
    });
    let tick =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });

    // The microphones to choose from (empty choice: the system default).
    spawn_local(async move {
        if let Ok(found) = api::audio_devices().await {
            microphones.set(found);
        }
    });
    // Whether the interviewer can speak here (the toggle says why not).
    spawn_local(async move {
        match api::speech_status().await {
            Ok(status) => speech.set(Some(status)),
            Err(error) => speech.set(Some(SpeechStatus {
                available: false,
                detail: error,
            })),
        }
    });
    let say = move |text: String| {
        if speech_on.get_untracked() {
            spawn_local(async move {
                if let Err(error) = api::speak(text).await {
                    ctx.error(format!("voice replies: {error}"));
                }
            });
        }
    };
    let toggle_speech = move |_| {
        let on = !speech_on.get_untracked();
        speech_on.set(on);
        if !on {
            spawn_local(async move {
                let _ = api::stop_speaking().await;
            });
        }
    };

    // Turns spoken with the microphone arrive as events.
    Effect::new(move |_| {
        if let Some(turn) = ctx.voice_turn.get() {
            if turn
                .candidate
                .metadata
                .get("source")
                .and_then(|s| s.as_str())
                == Some("voice")
            {
                let already = messages.with_untracked(|m| {
                    m.iter().any(|x| {
                        x.timestamp == turn.candidate.timestamp
                            && x.content == turn.candidate.content
                    })
                });
                if !already
                    && session.with_untracked(|s| s.as_ref().map(|s| s.id)) == Some(session_id)
                {
                    messages.update(|m| {
                        m.push(turn.candidate.clone());
                        m.push(turn.interviewer.clone());
                    });
                    say(turn.interviewer.content.clone());
                    usage.set(turn.usage.clone());
                    for notice in &turn.notices {
                        ctx.toast(ToastKind::Notice, notice.to_string());
                    }
                }
            }
        }
    });
    let toggle_screen = move || {
        let on = screen_on.get_untracked();
        spawn_local(async move {
            let result = if on {
                api::stop_screen_share().await
            } else {
                api::start_screen_share(session_id).await
            };
            match result {
                Ok(()) => screen_on.set(!on),
                Err(error) => ctx.error(format!("screen share: {error}")),
            }
        });
    };
    let toggle_video = move || {
        video_busy.set(true);
        let on = video_on.get_untracked();
        let source = video_source.get_untracked();
        spawn_local(async move {
            let result = if on {
                api::stop_video().await
            } else {
                api::start_video(session_id, &source).await
            };
            match result {
                Ok(()) => video_on.set(!on),
                Err(error) => ctx.error(format!("video: {error}")),
            }
            video_busy.set(false);
        });
    };
    on_cleanup(move || {
        if speech_on.get_untracked() {
            spawn_local(async move {
                let _ = api::stop_speaking().await;
            });
        }
        if video_on.get_untracked() {
            spawn_local(async move {
                let _ = api::stop_video().await;
            });
        }
        if screen_on.get_untracked() {
            spawn_local(async move {
                let _ = api::stop_screen_share().await;
            });
        }
        if voice_on.get_untracked() {
            spawn_local(async move {
                let _ = api::stop_voice().await;
            });
        }
    });
    let toggle_voice = move || {
        voice_busy.set(true);
        let on = voice_on.get_untracked();
        spawn_local(async move {
            let result = if on {
                api::stop_voice().await
            } else {
                api::start_voice(
                    session_id,
                    Some(microphone.get_untracked()).filter(|d| !d.is_empty()),
                )
                .await
            };
            match result {
                Ok(()) => voice_on.set(!on),
                Err(error) => ctx.error(format!("microphone: {error}")),
            }
            voice_busy.set(false);
        });
    };

    // A brand-new interview turns on the modes chosen in setup (once).
    let autostarted = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(current) = session.get() else {
            return;
        };
        let fresh = messages.with_untracked(|m| m.len() <= 1);
        if autostarted.get_value() || current.status != SessionStatus::Active || !fresh {
            return;
        }
        autostarted.set_value(true);
        for mode in &current.config.enabled_modes {
            match mode {
                CommunicationMode::Audio => toggle_voice(),
                CommunicationMode::ScreenShare => toggle_screen(),
                CommunicationMode::Video => toggle_video(),
                _ => {}
            }
        }
    });

    // Keep the chat scrolled to the newest message.
    Effect::new(move |_| {
        messages.track();
        pending.track();
        ctx.streaming.track();
        if let Some(list) = chat_list.get() {
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
            match api::send_message(session_id, text.clone()).await {
                Ok(turn) => {
                    say(turn.interviewer.content.clone());
                    messages.update(|m| {
                        m.push(turn.candidate);
                        m.push(turn.interviewer);
                    });
                    usage.set(turn.usage);
                    for notice in turn.notices {
                        ctx.toast(ToastKind::Notice, notice.to_string());
                    }
                }
                Err(error) => {
                    // Nothing is lost: the text goes back into the box.
                    draft.set(text);
                    ctx.error(format!("message not sent: {error}"));
                }
            }
            pending.set(None);
            ctx.streaming.set((None, String::new()));
            sending.set(false);
        });
    };

    let snapshot = move |_| {
        let Some(element) = canvas.get_untracked() else {
            return;
        };
        let data = match element.to_data_url_with_type("image/png") {
            Ok(data) => data,
            Err(error) => {
                ctx.error(format!("cannot read the whiteboard: {error:?}"));
                return;
            }
        };
        spawn_local(async move {
            match api::save_snapshot(session_id, data).await {
                Ok(file) => {
                    flash.set(true);
                    set_timeout(move || flash.set(false), Duration::from_millis(800));
                    ctx.toast(
                        ToastKind::Info,
                        format!(
                            "Snapshot saved: {}",
                            file.file_path.rsplit('/').next().unwrap_or_default()
                        ),
                    );
                }
                Err(error) => ctx.error(format!("snapshot failed: {error}")),
            }
        });
    };

    let toggle_pause = move |_| {
        let paused = session
            .with_untracked(|s| s.as_ref().map(|s| s.status == SessionStatus::Paused))
            .unwrap_or(false);
        spawn_local(async move {
            let result = if paused {
                api::resume_session(session_id).await
            } else {
                api::pause_session(session_id).await
            };
            match result {
                Ok(updated) => session.set(Some(updated)),
                Err(error) => ctx.error(error),
            }
        });
    };

    let end = move |_| {
        ending.set(true);
        spawn_local(async move {
            match api::end_session(session_id).await {
                Ok(_) => ctx.page.set(Page::Report(session_id)),
                Err(error) => {
                    ctx.error(format!("cannot end the interview: {error}"));
                    ending.set(false);
                    confirm_end.set(false);
                }
            }
        });
    };

    let elapsed = move || {
        let started = session
            .with(|s| s.as_ref().map(|s| s.created_at.timestamp_millis() as f64))
            .unwrap_or_else(|| now.get());
        let seconds = ((now.get() - started) / 1000.0).max(0.0) as u64;
        format!("{:02}:{:02}", seconds / 60, seconds % 60)
    };
    let paused = move || {
        session
            .with(|s| s.as_ref().map(|s| s.status == SessionStatus::Paused))
            .unwrap_or(false)
    };
    let problem = move || {
        session.with(|s| {
            s.as_ref()
                .and_then(|s| s.config.problem.clone())
                .unwrap_or_default()
        })
    };
    let messages_signal = Signal::derive(move || messages.get());
    let search = RwSignal::new(String::new());

    view! {
        <section class="room">
            <div class="room-header" id="room-header">
                <span class="timer" id="timer" title="Elapsed">{elapsed}</span>
                <span class="phase" id="phase">"Phase: " {move || phase_of(&messages.get())}</span>
                <span id="tokens">{move || format!("{} tokens", usage.get().total_tokens)}</span>
                <span id="cost">{move || format!("${:.4}", usage.get().total_cost)}</span>
                {move || paused().then(|| view! { <span class="paused-badge" id="paused-badge">"Paused"</span> })}
                <span class="problem muted" title=problem>{move || problem().split('.').next().unwrap_or_default().to_string()}</span>
            </div>
            <div class="room-panels">
                <div class="panel chat">
                    <div class="chat-list" id="chat-list" node_ref=chat_list>
                        <For each=move || messages.get().into_iter().enumerate() key=|(i, m)| (*i, m.timestamp) let:item>
                            <ChatBubble message=item.1/>
                        </For>
                        {move || ctx.voice_draft.get().filter(|d| d.session_id == session_id && pending.get().is_none()).map(|draft| view! {
                            <div class="bubble candidate pending draft" id="voice-draft"><span class="avatar">"You"</span><div class="body"><p>{draft.text}</p><span class="time">"listening…"</span></div></div>
                        })}
                        {move || pending.get().map(|text| view! {
                            <div class="bubble candidate pending"><span class="avatar">"You"</span><div class="body"><p>{text}</p></div></div>
                        })}
                        {move || {
                            let (sid, text) = ctx.streaming.get();
                            (sending.get() && sid == Some(session_id)).then(|| view! {
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
                <div class="panel board">
                    {move || board.get().map(|initial| {
                        let started = session.with_untracked(|s| s.as_ref().map(|s| s.created_at.timestamp_millis() as f64)).unwrap_or_else(js_sys::Date::now);
                        view! { <WhiteboardPanel session_id=session_id initial=initial canvas=canvas started_ms=started/> }
                    })}
                </div>
                <div class="panel side">
                    <h3>"Transcript"</h3>
                    <TranscriptPanel session_id=session_id messages=messages_signal query=search/>
                </div>
            </div>
            <div class="control-bar" id="control-bar">
                <button class="media-toggle" id="toggle-audio" class:live=move || voice_on.get() disabled=move || voice_busy.get() on:click=move |_| toggle_voice()
                    title="Answer by voice: each pause ends an answer">
                    <span class="dot audio"></span>{move || if voice_on.get() { "Audio on" } else { "Audio" }}
                </button>
                <select id="microphone" title="Microphone" disabled=move || voice_on.get() || voice_busy.get()
                    on:change=move |ev| microphone.set(event_target_value(&ev))>
                    <option value="" selected=true>"Default microphone"</option>
                    {move || microphones.get().into_iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
                </select>
                <span class="video-control">
                    <button class="media-toggle" id="toggle-video" class:recording=move || video_on.get() disabled=move || video_busy.get() on:click=move |_| toggle_video()
                        title="Record video of the interview (stored with the session)">
                        <span class="icon video">"●"</span>{move || if video_on.get() { "Recording" } else { "Video" }}
                    </button>
                    <select id="video-source" title="What to record" disabled=move || video_on.get() || video_busy.get()
                        on:change=move |ev| video_source.set(event_target_value(&ev))>
                        <option value="camera" selected=true>"Camera"</option>
                        <option value="screen">"Screen"</option>
                    </select>
                </span>
                <button class="media-toggle" id="toggle-screen" class:sharing=move || screen_on.get() on:click=move |_| toggle_screen()
                    title="Share your screen: a snapshot every few seconds">
                    <span class="dot screen"></span>{move || if screen_on.get() { "Sharing" } else { "Screen" }}
                </button>
                {move || {
                    let status = speech.get();
                    let available = status.as_ref().is_some_and(|s| s.available);
                    let title = status
                        .as_ref()
                        .map(|s| s.detail.clone())
                        .unwrap_or_else(|| "checking the speech service…".into());
                    view! {
                        <button class="media-toggle" id="toggle-speech" class:speaking=move || speech_on.get()
                            disabled=!available title=title on:click=toggle_speech>
                            <span class="icon speech">"♪"</span>
                            {move || match (available, speech_on.get()) {
                                (false, _) => if status.is_some() { "Voice replies unavailable" } else { "Voice replies…" },
                                (true, true) => "Voice replies on",
                                (true, false) => "Voice replies",
                            }}
                        </button>
                    }
                }}
                <button id="snapshot" class:flash=move || flash.get() on:click=snapshot>"Snapshot"</button>
                <button id="pause" on:click=toggle_pause>{move || if paused() { "Resume" } else { "Pause" }}</button>
                <button id="end" class="danger" on:click=move |_| confirm_end.set(true)>"End interview"</button>
            </div>
            {move || confirm_end.get().then(|| view! {
                <div class="modal-backdrop">
                    <div class="modal" id="confirm-end">
                        <p>"End the interview now and get your evaluation?"</p>
                        <button id="confirm-end-yes" class="danger" on:click=end disabled=move || ending.get()>
                            {move || if ending.get() { "Evaluating…" } else { "End and evaluate" }}
                        </button>
                        <button id="confirm-end-no" on:click=move |_| confirm_end.set(false)>"Keep going"</button>
                    </div>
                </div>
            })}
        </section>
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
