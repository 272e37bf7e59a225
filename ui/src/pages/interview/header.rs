//! The room's header: elapsed time, phase, tokens, cost, a paused badge and the problem.

use std::time::Duration;

use leptos::prelude::*;
use mockint_domain::{Message, Role};

use super::Room;

/// The phase the interviewer last named ("requirements" before it names one).
fn phase_of(messages: &[Message]) -> String {
    messages
        .iter()
        .rev()
        .filter(|m| m.role == Role::Interviewer)
        .find_map(|m| m.metadata.get("phase").and_then(|p| p.as_str()))
        .map(|p| p.replace('_', " "))
        .unwrap_or_else(|| "requirements".into())
}

/// Minutes and seconds, e.g. "07:05".
fn clock(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

/// The header.
#[component]
pub fn RoomHeader() -> impl IntoView {
    let room = expect_context::<Room>();
    let now = RwSignal::new(js_sys::Date::now());
    let tick =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    let elapsed = move || {
        let started = room
            .session
            .with(|s| s.created_at.timestamp_millis() as f64);
        clock(((now.get() - started) / 1000.0).max(0.0) as u64)
    };
    let problem = move || {
        room.session
            .with(|s| s.config.problem.clone().unwrap_or_default())
    };
    view! {
        <div class="room-header" id="room-header">
            <span class="timer" id="timer" title="Elapsed">{elapsed}</span>
            <span class="phase" id="phase">"Phase: " {move || room.messages.with(|m| phase_of(m))}</span>
            <span id="tokens">{move || format!("{} tokens", room.usage.get().total_tokens)}</span>
            <span id="cost">{move || format!("${:.4}", room.usage.get().total_cost)}</span>
            {move || room.paused().then(|| view! { <span class="paused-badge" id="paused-badge">"Paused"</span> })}
            <span class="problem muted" title=problem>{move || problem().split('.').next().unwrap_or_default().to_string()}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(role: Role, phase: Option<&str>) -> Message {
        let mut message =
            Message::new(role, "text", chrono::Utc::now()).unwrap_or_else(|_| unreachable!());
        if let Some(phase) = phase {
            message = message.with_metadata("phase", phase);
        }
        message
    }

    #[test]
    fn the_phase_is_the_last_one_the_interviewer_named() {
        assert_eq!(phase_of(&[]), "requirements");
        let messages = [
            said(Role::Interviewer, Some("high_level_design")),
            said(Role::Candidate, Some("deep_dive")),
            said(Role::Interviewer, None),
        ];
        assert_eq!(phase_of(&messages), "high level design");
    }

    #[test]
    fn the_clock_shows_minutes_and_seconds() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(425), "07:05");
        assert_eq!(clock(3_600), "60:00");
    }
}
