//! Setup: resume upload and profile, problem, provider, modes, duration, Start.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{SetupInfo, StartRequest};
use mockint_domain::{CommunicationMode, ExperienceLevel, ResumeData};

use crate::api;
use crate::app::{ctx, Page, ToastKind};
use mockint_domain::ipc::{self, Provider};

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Applies one edited form value to the profile.
type ProfileEdit = dyn Fn(&mut ResumeData, String);

/// The setup page.
#[component]
pub fn SetupPage() -> impl IntoView {
    let ctx = ctx();
    let info: RwSignal<Option<SetupInfo>> = RwSignal::new(None);
    let resume: RwSignal<Option<ResumeData>> = RwSignal::new(None);
    let reading = RwSignal::new(false);
    let starting = RwSignal::new(false);
    let problem = RwSignal::new(String::new());
    let provider = RwSignal::new(Provider::Offline);
    let model = RwSignal::new(String::new());
    let duration = RwSignal::new(String::from("45"));
    let whiteboard = RwSignal::new(true);
    let audio = RwSignal::new(false);
    let video = RwSignal::new(false);
    let screen = RwSignal::new(false);
    let server_url = RwSignal::new(String::new());
    let server_models: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let connecting = RwSignal::new(false);

    let unfinished: RwSignal<Option<mockint_domain::Session>> = RwSignal::new(None);
    // The form is shown once both look-ups below have answered (or failed): shown earlier, the
    // banner and the providers arriving late moved everything under them, the Start button
    // included, between a pointer's aim and its click.
    let answered = RwSignal::new(0u8);
    spawn_local(async move {
        match api::call::<ipc::GetActiveSession>(ipc::NoArgs {}).await {
            Ok(session) => unfinished.set(session),
            Err(error) => ctx.error(format!("cannot look for unfinished interviews: {error}")),
        }
        answered.update(|n| *n += 1);
    });
    spawn_local(async move {
        match api::call::<ipc::GetSetupInfo>(ipc::NoArgs {}).await {
            Ok(loaded) => {
                provider.set(loaded.default_provider);
                if let Some(server) = &loaded.compatible {
                    server_url.set(server.url.clone());
                }
                resume.set(loaded.saved_resume.clone());
                info.set(Some(loaded));
            }
            Err(error) => ctx.error(format!("cannot load the setup: {error}")),
        }
        answered.update(|n| *n += 1);
    });

    let upload = move |_| {
        reading.set(true);
        spawn_local(async move {
            match api::call::<ipc::PickResume>(ipc::NoArgs {}).await {
                Ok(Some(parsed)) => {
                    resume.set(Some(parsed));
                    ctx.toast(
                        ToastKind::Info,
                        "Resume read. Check the profile below and edit anything that is off.",
                    );
                }
                Ok(None) => {}
                Err(error) => ctx.error(error.message),
            }
            reading.set(false);
        });
    };

    let edit = move |apply: Box<ProfileEdit>| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            resume.update(|r| {
                if let Some(r) = r.as_mut() {
                    apply(r, value);
                }
            });
        }
    };

    let connect = move |_| {
        connecting.set(true);
        let url = server_url.get_untracked();
        let typed = Some(model.get_untracked()).filter(|m| !m.trim().is_empty());
        spawn_local(async move {
            match api::call::<ipc::ConnectCompatible>(ipc::CompatibleRequest { url, model: typed })
                .await
            {
                Ok(server) => {
                    ctx.toast(
                        ToastKind::Info,
                        format!(
                            "Connected to {}: {} model(s) listed, using {}.",
                            server.url,
                            server.models.len(),
                            server.model
                        ),
                    );
                    model.set(server.model.clone());
                    server_models.set(server.models.clone());
                    match api::call::<ipc::GetSetupInfo>(ipc::NoArgs {}).await {
                        Ok(loaded) => info.set(Some(loaded)),
                        Err(error) => ctx.error(format!("cannot reload the providers: {error}")),
                    }
                    provider.set(Provider::Compatible);
                }
                Err(error) if error.kind == ipc::IpcErrorKind::Cancelled => {
                    ctx.toast(ToastKind::Info, format!("Not connected: {error}"))
                }
                Err(error) => ctx.error(format!("OpenAI-compatible server: {error}")),
            }
            connecting.set(false);
        });
    };

    let start = move |_| {
        starting.set(true);
        let modes = [
            (whiteboard, CommunicationMode::Whiteboard),
            (audio, CommunicationMode::Audio),
            (video, CommunicationMode::Video),
            (screen, CommunicationMode::ScreenShare),
        ]
        .into_iter()
        .filter(|(on, _)| on.get_untracked())
        .map(|(_, mode)| mode)
        .collect::<Vec<_>>();
        let minutes = duration.get_untracked().trim().parse::<u32>().ok();
        let request = StartRequest {
            problem: Some(problem.get_untracked()).filter(|p| !p.trim().is_empty()),
            provider: provider.get_untracked(),
            model: Some(model.get_untracked()).filter(|m| !m.trim().is_empty()),
            modes,
            duration_minutes: minutes,
            resume: resume.get_untracked(),
        };
        spawn_local(async move {
            if let Some(edited) = request.resume.clone() {
                if let Err(error) = api::call::<ipc::SaveResume>(edited).await {
                    ctx.error(format!("the profile is not valid: {error}"));
                    starting.set(false);
                    return;
                }
            }
            match api::call::<ipc::StartInterview>(request).await {
                Ok(view) => {
                    for notice in &view.notices {
                        ctx.toast(ToastKind::Notice, notice.to_string());
                    }
                    ctx.page.set(Page::Interview(view.session.id));
                }
                Err(error) => {
                    ctx.error(format!("cannot start the interview: {error}"));
                    starting.set(false);
                }
            }
        });
    };

    let ready = move || answered.get() >= 2;
    let loading = || view! { <section class="setup"><p class="muted" id="setup-loading">"Loading…"</p></section> };
    view! {
        <Show when=ready fallback=loading>
        <section class="setup">
            {move || unfinished.get().map(|session| {
                let id = session.id;
                let problem = session.config.problem.clone().unwrap_or_default().split('.').next().unwrap_or_default().to_string();
                view! {
                    <div class="card resume-banner" id="resume-banner">
                        <strong>"You have an unfinished interview: "</strong>{problem}
                        <span class="muted">{format!(" (started {})", session.created_at.format("%Y-%m-%d %H:%M"))}</span>
                        <button id="resume-session" class="primary" on:click=move |_| ctx.page.set(Page::Interview(id))>"Resume it"</button>
                        <button class="link" on:click=move |_| unfinished.set(None)>"Not now"</button>
                    </div>
                }
            })}
            <h2>"Set up your interview"</h2>
            <div class="card">
                <h3>"1. Your resume " <span class="muted">"(optional, PDF or text)"</span></h3>
                <button id="upload-resume" class="primary" on:click=upload disabled=move || reading.get()>
                    {move || if reading.get() { "Reading resume…" } else { "Upload resume…" }}
                </button>
                {move || reading.get().then(|| view! { <span class="spinner" aria-label="reading"></span> })}
                {move || resume.get().map(|r| view! {
                    <div class="profile" id="profile">
                        <label>"Name" <input id="profile-name" prop:value=r.name.clone() on:change=edit(Box::new(|r, v| r.name = v))/></label>
                        <label>"Email" <input id="profile-email" prop:value=r.email.clone() on:change=edit(Box::new(|r, v| r.email = v))/></label>
                        <label>"Level"
                            <select id="profile-level" on:change=edit(Box::new(|r, v| if let Ok(level) = v.parse::<ExperienceLevel>() { r.experience_level = level }))>
                                {["junior", "mid", "senior", "staff"].into_iter().map(|level| {
                                    let selected = r.experience_level.as_str() == level;
                                    view! { <option value=level selected=selected>{level}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>"Years" <input id="profile-years" type="number" min="0" max="60" prop:value=r.years_of_experience.to_string() on:change=edit(Box::new(|r, v| if let Ok(y) = v.trim().parse() { r.years_of_experience = y }))/></label>
                        <div class="badges" id="profile-domains">
                            {r.domain_expertise.iter().map(|d| view! { <span class="badge">{d.clone()}</span> }).collect_view()}
                        </div>
                        <label class="wide">"Domains (comma separated)" <input id="profile-domain-input" prop:value=r.domain_expertise.join(", ") on:change=edit(Box::new(|r, v| r.domain_expertise = split_list(&v)))/></label>
                        <label class="wide">"Skills (comma separated)" <input id="profile-skills" prop:value=r.skills.join(", ") on:change=edit(Box::new(|r, v| r.skills = split_list(&v)))/></label>
                        <button class="link" on:click=move |_| resume.set(None)>"Don't use a resume"</button>
                    </div>
                })}
            </div>
            <div class="card">
                <h3>"2. Problem"</h3>
                <input id="problem" list="problem-list" placeholder="Leave empty to get one that fits your resume, or type e.g. Design a chat system"
                    prop:value=move || problem.get() on:input=move |ev| problem.set(event_target_value(&ev))/>
                <datalist id="problem-list">
                    {move || info.get().map(|i| i.problems.into_iter().map(|p| view! { <option value=p.clone()></option> }).collect_view())}
                </datalist>
            </div>
            <div class="card">
                <h3>"3. Interviewer"</h3>
                <div class="providers" id="providers">
                    {move || info.get().map(|i| i.providers.into_iter().map(|p| {
                        let name = p.name;
                        let id = format!("provider-{}", name.as_str());
                        view! {
                            <label class="provider" class:unavailable=!p.available>
                                <input type="radio" name="provider" id=id value=name.as_str() disabled=!p.available
                                    prop:checked=move || provider.get() == name
                                    on:change=move |_| provider.set(name)/>
                                <strong>{name.as_str()}</strong>
                                <span class="muted">{format!(" {} — {}", p.model, p.detail)}</span>
                            </label>
                        }
                    }).collect_view())}
                </div>
                <label>"Model (optional) " <input id="model" list="model-list" placeholder="provider default" prop:value=move || model.get() on:input=move |ev| model.set(event_target_value(&ev))/></label>
                <datalist id="model-list">
                    {move || server_models.get().into_iter().map(|m| view! { <option value=m.clone()></option> }).collect_view()}
                </datalist>
                <div class="compatible" id="compatible">
                    <label>"OpenAI-compatible server URL " <input id="server-url" placeholder="http://localhost:11434/v1"
                        prop:value=move || server_url.get() on:input=move |ev| server_url.set(event_target_value(&ev))/></label>
                    <button id="connect-server" on:click=connect disabled=move || connecting.get()>
                        {move || if connecting.get() { "Checking…" } else { "Connect" }}
                    </button>
                </div>
                <p class="muted small">"Ollama, llama.cpp, vLLM and other local servers work offline; no key is sent to them, and the app asks before it sends an interview to a server it has not used before."</p>
                <p class="muted small" id="local-model-advice">"A local model makes a good interviewer from about 3 billion parameters, instruction-tuned (for example Llama 3.2 3B Instruct or Qwen 2.5 7B Instruct in Ollama or llama.cpp). On a laptop CPU expect 5–20 tokens per second: a reply takes a few seconds and an evaluation a minute or two. Smaller or base models answer poorly; when a reply is unusable (empty, repeated, garbled) the built-in interviewer answers instead and says so."</p>
            </div>
            <div class="card">
                <h3>"4. How you'll communicate"</h3>
                <label><input type="checkbox" checked disabled/> " Text chat (always on)"</label>
                <label><input type="checkbox" id="mode-whiteboard" prop:checked=move || whiteboard.get() on:change=move |ev| whiteboard.set(event_target_checked(&ev))/> " Whiteboard"</label>
                <label title="Answer by voice; turned on when the interview starts"><input type="checkbox" id="mode-audio" prop:checked=move || audio.get() on:change=move |ev| audio.set(event_target_checked(&ev))/> " Audio (microphone, transcribed on this machine)"</label>
                <label title="Record the camera (or the screen) with the interview"><input type="checkbox" id="mode-video" prop:checked=move || video.get() on:change=move |ev| video.set(event_target_checked(&ev))/> " Video recording"</label>
                <label title="A snapshot of your screen every few seconds"><input type="checkbox" id="mode-screen" prop:checked=move || screen.get() on:change=move |ev| screen.set(event_target_checked(&ev))/> " Screen share"</label>
                <label>"Duration (minutes) " <input id="duration" type="number" min="5" max="240" prop:value=move || duration.get() on:input=move |ev| duration.set(event_target_value(&ev))/></label>
            </div>
            <button id="start" class="primary big" on:click=start disabled=move || starting.get()>
                {move || if starting.get() { "Starting…" } else { "Start interview" }}
            </button>
        </section>
        </Show>
    }
}
