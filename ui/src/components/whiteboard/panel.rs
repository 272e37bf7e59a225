//! The whiteboard of a live session: a canvas with a palette of system-design components,
//! connectors that bind to shapes and follow them, labels inside shapes (double-click),
//! select / multi-select / marquee, move (with grid snapping and alignment guides), resize,
//! delete, duplicate, copy and paste, pen, line, arrow, rectangle, ellipse, text and eraser
//! tools, colour and width, undo/redo, clear, pan and zoom, full screen and keyboard
//! shortcuts. The state and its actions are in `state.rs`, the pointer in `pointer.rs`, the
//! keyboard in `keys.rs` and the drawing in `layer.rs`.
//!
//! Every change is an operation ([`Editor`]); the changes are appended to the session's log
//! every second (and when the room closes), so the stored board is the fold of what the
//! candidate did, with the time of each change for the replay.

use std::time::Duration;

use leptos::html::Canvas;
use leptos::prelude::*;
use mockint_domain::{BoardLog, Component, Op, SessionId};

use super::editor::Editor;
use super::layer::render_live;
use super::render::{HEIGHT, WIDTH};
use super::state::Wb;
use super::tools::{Tool, SHORTCUTS, TOOLS};
use super::view::{View, ZOOM_STEP};
use crate::app::ctx;

/// The whiteboard of a live session.
#[component]
pub fn WhiteboardPanel(
    session_id: SessionId,
    /// The stored board: where it started and its log.
    initial: BoardLog,
    canvas: NodeRef<Canvas>,
    /// When the session started (ms since the epoch), for operation timestamps.
    started_ms: f64,
) -> impl IntoView {
    let ctx = ctx();
    for notice in &initial.notices {
        ctx.toast(crate::app::ToastKind::Notice, notice.clone());
    }
    let editor = Editor::new(initial.board(), initial.last_seq);
    let wb = Wb::new(ctx, session_id, started_ms, canvas, editor);
    let container = NodeRef::<leptos::html::Div>::new();
    let text_input = NodeRef::<leptos::html::Input>::new();
    // The label field takes the keyboard as soon as it appears, its text selected.
    Effect::new(move |_| {
        if let Some(input) = text_input.get() {
            let _ = input.focus();
            input.select();
        }
    });
    render_live(wb);

    // Saving: what changed is appended to the session's log every second.
    let autosave = set_interval_with_handle(move || wb.flush(), Duration::from_secs(1));
    let keys = window_event_listener(leptos::ev::keydown, move |ev| wb.on_key(ev));
    let keys_up = window_event_listener(leptos::ev::keyup, move |ev| wb.on_key_up(ev));
    on_cleanup(move || {
        if let Ok(handle) = autosave {
            handle.clear();
        }
        keys.remove();
        keys_up.remove();
        wb.flush();
    });
    let fullscreen = move |_| {
        if let Some(element) = container.get_untracked() {
            let element: &web_sys::Element = element.as_ref();
            if let Err(error) = element.request_fullscreen() {
                ctx.error(format!("full screen is not available: {error:?}"));
            }
        }
    };

    view! {
        <div class="whiteboard" node_ref=container>
            <div class="wb-toolbar" id="wb-toolbar">
                {TOOLS.into_iter().map(|(t, id, title)| view! {
                    <button id=format!("tool-{id}") title=title class="tool" class:active=move || wb.tool.get() == t on:click=move |_| wb.tool.set(t)>{title.split(" (").next().unwrap_or(title)}</button>
                }).collect_view()}
                <input type="color" id="wb-color" title="Colour (applies to the selection)" prop:value=move || wb.color.get() on:input=move |ev| { wb.color.set(event_target_value(&ev)); wb.restyle(); }/>
                <select id="wb-width" title="Stroke width (applies to the selection)" on:change=move |ev| { wb.width.set(event_target_value(&ev).parse().unwrap_or(2.0)); wb.restyle(); }>
                    <option value="1">"thin"</option>
                    <option value="2" selected>"normal"</option>
                    <option value="4">"thick"</option>
                </select>
                <button id="wb-undo" title="Undo (Ctrl+Z)" prop:disabled=move || wb.editor.with(|e| !e.can_undo()) on:click=move |_| wb.undo()>"Undo"</button>
                <button id="wb-redo" title="Redo (Ctrl+Y)" prop:disabled=move || wb.editor.with(|e| !e.can_redo()) on:click=move |_| wb.redo()>"Redo"</button>
                <button id="wb-delete" title="Delete the selection (Del)" on:click=move |_| wb.delete_selected()>"Delete"</button>
                <button id="wb-clear" title="Clear (undoable)" on:click=move |_| { wb.selection.set(Vec::new()); wb.commit(Op::Clear); }>"Clear"</button>
                <button id="wb-grid" title="Grid and snapping" class:active=move || wb.grid.get() on:click=move |_| wb.grid.update(|g| *g = !*g)>"Grid"</button>
                <span class="wb-zoom" role="group" aria-label="Zoom">
                    <button id="wb-zoom-out" title="Zoom out (Ctrl+-)" aria-label="Zoom out" on:click=move |_| wb.zoom_by(1.0 / ZOOM_STEP, None)>"−"</button>
                    <button id="wb-zoom-reset" title="Back to 100% (Ctrl+0)" on:click=move |_| wb.view.set(View::default())>{move || wb.view.get().percent()}</button>
                    <button id="wb-zoom-in" title="Zoom in (Ctrl+=)" aria-label="Zoom in" on:click=move |_| wb.zoom_by(ZOOM_STEP, None)>"+"</button>
                    <button id="wb-fit" title="Fit the diagram (Shift+1)" on:click=move |_| wb.fit()>"Fit"</button>
                </span>
                <button id="wb-fullscreen" on:click=fullscreen>"Full screen"</button>
                <button id="wb-export-png" title="Save the board as a PNG picture" on:click=move |_| wb.export(mockint_domain::BoardFormat::Png)>"PNG"</button>
                <button id="wb-export-svg" title="Save the board as an SVG drawing" on:click=move |_| wb.export(mockint_domain::BoardFormat::Svg)>"SVG"</button>
                <span class="wb-help" id="wb-help" tabindex="0" title=SHORTCUTS>"Shortcuts"</span>
                <span class="muted small" id="wb-count">{move || format!("{} shapes", wb.editor.with(|e| e.board().shapes().len()))}</span>
            </div>
            <div class="wb-palette" id="wb-palette" role="toolbar" aria-label="Components">
                {Component::ALL.into_iter().map(|kind| view! {
                    <button id=format!("palette-{}", kind.id()) class="palette-item" title=format!("Place a {} (click on the board)", kind.category())
                        class:active=move || wb.tool.get() == Tool::Place(kind)
                        on:click=move |_| wb.tool.set(Tool::Place(kind))>{kind.label()}</button>
                }).collect_view()}
            </div>
            <div class="wb-surface">
                <canvas id="whiteboard-canvas" node_ref=canvas width=WIDTH as u32 height=HEIGHT as u32
                    tabindex="0" aria-label="Whiteboard"
                    on:pointerdown=move |ev| wb.on_down(ev) on:pointermove=move |ev| wb.on_move(ev)
                    on:pointerup=move |ev| wb.on_up(ev) on:dblclick=move |ev| wb.on_double_click(ev)
                    on:wheel=move |ev| wb.on_wheel(ev)
                    on:mousedown=|ev: web_sys::MouseEvent| ev.prevent_default()></canvas>
                {move || wb.editing.get().map(|(x, y, _)| view! {
                    <input id="wb-text-input" class="wb-text" placeholder="Label, then Enter" node_ref=text_input
                        style=move || { let (px, py) = wb.view.get().to_canvas(x, y); format!("left: {:.2}%; top: {:.2}%;", px / WIDTH * 100.0, py / HEIGHT * 100.0) }
                        prop:value=move || wb.text_value.get()
                        on:input=move |ev| wb.text_value.set(event_target_value(&ev))
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => wb.place_text(),
                            "Escape" => wb.editing.set(None),
                            _ => {}
                        }
                        on:blur=move |_| wb.place_text()/>
                })}
            </div>
        </div>
    }
}
