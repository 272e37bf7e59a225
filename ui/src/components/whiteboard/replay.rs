//! A finished session's board with a replay slider.

use leptos::html::Canvas;
use leptos::prelude::*;
use mockint_domain::{Shape, Whiteboard};

use super::render::{context_of, draw, HEIGHT, WIDTH};

/// A read-only board with a replay slider (shapes appear in the order they were drawn).
#[component]
pub fn WhiteboardReplay(board: Whiteboard) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let total = board.shapes.iter().map(|s| s.created_ms).max().unwrap_or(0);
    let at = RwSignal::new(total);
    let shapes = StoredValue::new(board.shapes);
    Effect::new(move |_| {
        let limit = at.get();
        if let Some(element) = canvas.get() {
            if let Some(context) = context_of(&element) {
                let visible: Vec<Shape> = shapes.with_value(|s| {
                    s.iter()
                        .filter(|x| x.created_ms <= limit)
                        .cloned()
                        .collect()
                });
                draw(&context, &visible, None, false);
            }
        }
    });
    view! {
        <div class="replay">
            <canvas id="replay-canvas" node_ref=canvas width=WIDTH as u32 height=HEIGHT as u32></canvas>
            <label class="muted">"Replay "
                <input id="replay-slider" type="range" min="0" max=total.to_string() prop:value=move || at.get().to_string()
                    on:input=move |ev| at.set(event_target_value(&ev).parse().unwrap_or(total))/>
                {move || format!(" {:.0} s", at.get() as f64 / 1000.0)}
            </label>
        </div>
    }
}
