//! The control bar: microphone, video, screen share and voice replies (the media controls),
//! then snapshot, pause and end.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{
    self as ipc, NoArgs, SessionRequest, SpeechProgress, SpeechStatus, TokenEvent, VideoSource,
};
use mockint_domain::{CommunicationMode, SessionStatus};

use super::Room;
use crate::api;
use crate::app::{ctx, Page, ToastKind};

/// A device toggle: on, busy switching, and what failed is shown as `label: error`.
#[derive(Clone, Copy)]
struct Switch {
    on: RwSignal<bool>,
    busy: RwSignal<bool>,
    ctx: crate::app::Ctx,
}

impl Switch {
    fn new() -> Self {
        Self {
            on: RwSignal::new(false),
            busy: RwSignal::new(false),
            ctx: ctx(),
        }
    }

    /// Runs `turn(on?)` and records the new state when it succeeds.
    fn flip<F>(self, label: &'static str, turn: impl FnOnce(bool) -> F + 'static)
    where
        F: std::future::Future<Output = Result<(), ipc::IpcError>> + 'static,
    {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let on = self.on.get_untracked();
        spawn_local(async move {
            match turn(on).await {
                Ok(()) => self.on.set(!on),
                Err(error) => self.ctx.error(format!("{label}: {error}")),
            }
            self.busy.set(false);
        });
    }
}

/// Stops what is still on when the room closes (fire and forget). The signals are read while
/// the room still exists; the calls go out after.
fn stop_on_cleanup(voice: Switch, screen: Switch, video: Switch, speech_on: RwSignal<bool>) {
    on_cleanup(move || {
        let speaking = speech_on.try_get_untracked().unwrap_or(false);
        let recording = video.on.try_get_untracked().unwrap_or(false);
        let sharing = screen.on.try_get_untracked().unwrap_or(false);
        let listening = voice.on.try_get_untracked().unwrap_or(false);
        spawn_local(async move {
            if speaking {
                let _ = api::call::<ipc::StopSpeaking>(NoArgs {}).await;
            }
            if recording {
                let _ = api::call::<ipc::StopVideo>(NoArgs {}).await;
            }
            if sharing {
                let _ = api::call::<ipc::StopScreenShare>(NoArgs {}).await;
            }
            if listening {
                let _ = api::call::<ipc::StopVoice>(NoArgs {}).await;
            }
        });
    });
}

/// The whole control bar.
#[component]
pub fn ControlBar() -> impl IntoView {
    view! {
        <div class="control-bar" id="control-bar">
            <MediaControls/>
            <SessionControls/>
        </div>
    }
}

/// Microphone, video, screen share and voice replies.
#[component]
fn MediaControls() -> impl IntoView {
    let room = expect_context::<Room>();
    let ctx = ctx();
    let session_id = room.session_id;
    let (voice, screen, video) = (Switch::new(), Switch::new(), Switch::new());
    let video_source = RwSignal::new(VideoSource::Camera);
    let microphones: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let microphone = RwSignal::new(String::new());
    let speech: RwSignal<Option<SpeechStatus>> = RwSignal::new(None);
    // The speech model being downloaded on first use (a bar and a cancel button).
    let download: RwSignal<Option<SpeechProgress>> = RwSignal::new(None);
    // The stream of spoken answers' replies, open while the microphone is on.
    let voice_channel: StoredValue<Option<api::Channel>, LocalStorage> =
        StoredValue::new_local(None);

    spawn_local(async move {
        if let Ok(found) = api::call::<ipc::ListAudioDevices>(NoArgs {}).await {
            microphones.set(found);
        }
    });
    spawn_local(async move {
        let status = api::call::<ipc::GetSpeechStatus>(NoArgs {}).await;
        speech.set(Some(status.unwrap_or_else(|error| SpeechStatus {
            available: false,
            detail: error.message,
        })));
    });
    stop_on_cleanup(voice, screen, video, room.speech_on);

    let toggle_voice = move || {
        voice.flip("microphone", move |on| async move {
            if on {
                voice_channel.set_value(None);
                return api::call::<ipc::StopVoice>(NoArgs {}).await;
            }
            // The speech models first (the draft model, then the answer model): instant when
            // shipped or cached, else downloaded with a progress bar that can be cancelled
            // (what was fetched is kept for next time). Without the answer model the answers
            // are read by the draft model, and a notice says why.
            let progress = api::Channel::open(move |step: SpeechProgress| download.set(Some(step)));
            let request = ipc::PrepareSpeechRequest {
                progress: Some(progress.reference()),
            };
            let prepared = api::call::<ipc::PrepareSpeech>(request).await;
            download.set(None);
            drop(progress);
            if let Some(why) = prepared?.answer_model_unavailable {
                ctx.toast(ToastKind::Notice, why);
            }
            let channel = api::Channel::open(move |token: TokenEvent| {
                ctx.streaming.update(|(sid, text)| {
                    if *sid != Some(token.session_id) {
                        *sid = Some(token.session_id);
                        text.clear();
                    }
                    text.push_str(&token.text);
                });
            });
            let request = ipc::VoiceRequest {
                session_id,
                device: microphone.try_get_untracked().filter(|d| !d.is_empty()),
                tokens: Some(channel.reference()),
            };
            voice_channel.set_value(Some(channel));
            api::call::<ipc::StartVoice>(request).await
        })
    };
    let toggle_screen = move || {
        screen.flip("screen share", move |on| async move {
            if on {
                api::call::<ipc::StopScreenShare>(NoArgs {}).await
            } else {
                api::call::<ipc::StartScreenShare>(SessionRequest { session_id }).await
            }
        })
    };
    let toggle_video = move || {
        let source = video_source.get_untracked();
        video.flip("video", move |on| async move {
            if on {
                api::call::<ipc::StopVideo>(NoArgs {}).await
            } else {
                api::call::<ipc::StartVideo>(ipc::VideoRequest { session_id, source }).await
            }
        })
    };
    let toggle_speech = move |_| {
        let on = !room.speech_on.get_untracked();
        room.speech_on.set(on);
        if !on {
            spawn_local(async move {
                let _ = api::call::<ipc::StopSpeaking>(NoArgs {}).await;
            });
        }
    };

    // A brand-new interview turns on the modes chosen in setup (once).
    let fresh = room.messages.with_untracked(|m| m.len() <= 1)
        && room
            .session
            .with_untracked(|s| s.status == SessionStatus::Active);
    if fresh {
        for mode in room
            .session
            .with_untracked(|s| s.config.enabled_modes.clone())
        {
            match mode {
                CommunicationMode::Audio => toggle_voice(),
                CommunicationMode::ScreenShare => toggle_screen(),
                CommunicationMode::Video => toggle_video(),
                _ => {}
            }
        }
    }

    view! {
        <button class="media-toggle" id="toggle-audio" class:live=move || voice.on.get() disabled=move || voice.busy.get() on:click=move |_| toggle_voice()
            title="Answer by voice: a pause ends an answer, \"let me think\" keeps the microphone waiting">
            <span class="dot audio"></span>{move || if voice.on.get() { "Audio on" } else { "Audio" }}
        </button>
        {move || download.get().map(|step| view! {
            <span class="speech-download" id="speech-download" title="The speech model is downloaded once">
                <span class="muted small">{step.stage.clone()}</span>
                {(step.total > 0).then(|| view! { <progress max=step.total.to_string() value=step.bytes.to_string()></progress> })}
                <button id="cancel-speech-download" on:click=move |_| spawn_local(async move {
                    let _ = api::call::<ipc::CancelSpeechDownload>(NoArgs {}).await;
                })>"Cancel"</button>
            </span>
        })}
        <select id="microphone" title="Microphone" disabled=move || voice.on.get() || voice.busy.get()
            on:change=move |ev| microphone.set(event_target_value(&ev))>
            <option value="" selected=true>"Default microphone"</option>
            {move || microphones.get().into_iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
        </select>
        <span class="video-control">
            <button class="media-toggle" id="toggle-video" class:recording=move || video.on.get() disabled=move || video.busy.get() on:click=move |_| toggle_video()
                title="Record video of the interview (stored with the session)">
                <span class="icon video">"●"</span>{move || if video.on.get() { "Recording" } else { "Video" }}
            </button>
            <select id="video-source" title="What to record" disabled=move || video.on.get() || video.busy.get()
                on:change=move |ev| video_source.set(if event_target_value(&ev) == "screen" { VideoSource::Screen } else { VideoSource::Camera })>
                <option value="camera" selected=true>"Camera"</option>
                <option value="screen">"Screen"</option>
            </select>
        </span>
        <button class="media-toggle" id="toggle-screen" class:sharing=move || screen.on.get() disabled=move || screen.busy.get() on:click=move |_| toggle_screen()
            title="Share your screen: a snapshot every few seconds">
            <span class="dot screen"></span>{move || if screen.on.get() { "Sharing" } else { "Screen" }}
        </button>
        {move || {
            let status = speech.get();
            let available = status.as_ref().is_some_and(|s| s.available);
            let title = status.as_ref().map(|s| s.detail.clone()).unwrap_or_else(|| "checking the speech service…".into());
            view! {
                <button class="media-toggle" id="toggle-speech" class:speaking=move || room.speech_on.get()
                    disabled=!available title=title on:click=toggle_speech>
                    <span class="icon speech">"♪"</span>
                    {move || match (available, room.speech_on.get()) {
                        (false, _) => if status.is_some() { "Voice replies unavailable" } else { "Voice replies…" },
                        (true, true) => "Voice replies on",
                        (true, false) => "Voice replies",
                    }}
                </button>
            }
        }}
    }
}

/// Snapshot, pause or resume, and end (with a confirmation).
#[component]
fn SessionControls() -> impl IntoView {
    let room = expect_context::<Room>();
    let ctx = ctx();
    let session_id = room.session_id;
    let flash = RwSignal::new(false);
    let confirm_end = RwSignal::new(false);
    let ending = RwSignal::new(false);

    let snapshot = move |_| {
        let Some(element) = room.canvas.get_untracked() else {
            return;
        };
        let data = match element.to_data_url_with_type("image/png") {
            Ok(data) => data,
            Err(error) => return ctx.error(format!("cannot read the whiteboard: {error:?}")),
        };
        spawn_local(async move {
            let request = ipc::SnapshotRequest {
                session_id,
                png_base64: data,
            };
            match api::call::<ipc::SaveSnapshot>(request).await {
                Ok(file) => {
                    flash.set(true);
                    set_timeout(move || flash.set(false), Duration::from_millis(800));
                    let name = file
                        .file_path
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    ctx.toast(ToastKind::Info, format!("Snapshot saved: {name}"));
                }
                Err(error) => ctx.error(format!("snapshot failed: {error}")),
            }
        });
    };
    let toggle_pause = move |_| {
        let paused = room
            .session
            .with_untracked(|s| s.status == SessionStatus::Paused);
        spawn_local(async move {
            let request = SessionRequest { session_id };
            let result = if paused {
                api::call::<ipc::ResumeSession>(request).await
            } else {
                api::call::<ipc::PauseSession>(request).await
            };
            match result {
                Ok(updated) => room.session.set(updated),
                Err(error) => ctx.error(error.message),
            }
        });
    };
    let end = move |_| {
        ending.set(true);
        spawn_local(async move {
            match api::call::<ipc::EndSession>(SessionRequest { session_id }).await {
                Ok(_) => ctx.page.set(Page::Report(session_id)),
                Err(error) => {
                    ctx.error(format!("cannot end the interview: {error}"));
                    ending.set(false);
                    confirm_end.set(false);
                }
            }
        });
    };

    view! {
        <button id="snapshot" class:flash=move || flash.get() on:click=snapshot>"Snapshot"</button>
        <button id="pause" on:click=toggle_pause>{move || if room.paused() { "Resume" } else { "Pause" }}</button>
        <button id="end" class="danger" on:click=move |_| confirm_end.set(true)>"End interview"</button>
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
    }
}
