//! The whiteboard of a live session: a canvas with pen, line, arrow, rectangle, ellipse,
//! text, eraser and select/move tools, colour and width, undo/redo, clear, grid and full
//! screen. Shapes are kept as structured data (they feed the whiteboard analysis),
//! time-stamped for replay and autosaved every few seconds.

use std::time::Duration;

use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::{Point, SessionId, Shape, ShapeKind, Whiteboard};
use wasm_bindgen::JsCast as _;

#[cfg(feature = "bench")]
use super::render::record_redraw;
use super::render::{context_of, draw, draw_shape, performance_now, Brush, HEIGHT, WIDTH};
use super::tools::{Tool, TOOLS};
use super::undo::History;
use crate::api;
use crate::app::ctx;

/// How close (canvas pixels) a pointer must be to pick a shape.
const HIT: f64 = 8.0;

/// The whiteboard of a live session.
#[component]
pub fn WhiteboardPanel(
    session_id: SessionId,
    initial: Whiteboard,
    canvas: NodeRef<Canvas>,
    /// When the session started (ms since the epoch), for operation timestamps.
    started_ms: f64,
) -> impl IntoView {
    let ctx = ctx();
    let next_id = initial.shapes.iter().map(|s| s.id).max().unwrap_or(0) + 1;
    let shapes = RwSignal::new(initial.shapes);
    let draft: RwSignal<Option<Shape>> = RwSignal::new(None);
    let tool = RwSignal::new(Tool::Rectangle);
    let color = RwSignal::new("#1f2933".to_string());
    let width = RwSignal::new(2.0f64);
    let grid = RwSignal::new(true);
    let history = StoredValue::new(History::default());
    let counter = StoredValue::new(next_id);
    let dirty = StoredValue::new(false);
    let drag: StoredValue<Option<(u64, f64, f64)>> = StoredValue::new(None);
    let text_at: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let text_value = RwSignal::new(String::new());
    let container = NodeRef::<leptos::html::Div>::new();

    let now_ms = move || (js_sys::Date::now() - started_ms).max(0.0) as u64;
    let commit = move |change: &dyn Fn(&mut Vec<Shape>)| {
        let before = shapes.get_untracked();
        history.update_value(|h| h.record(before));
        shapes.update(|s| change(s));
        dirty.set_value(true);
    };
    let undo_step = move || {
        let current = shapes.get_untracked();
        if let Some(previous) = history.try_update_value(|h| h.undo(current)).flatten() {
            shapes.set(previous);
            dirty.set_value(true);
        }
    };
    let redo_step = move || {
        let current = shapes.get_untracked();
        if let Some(next) = history.try_update_value(|h| h.redo(current)).flatten() {
            shapes.set(next);
            dirty.set_value(true);
        }
    };
    let new_shape = move |kind: ShapeKind, x: f64, y: f64| {
        let id = counter.get_value();
        counter.set_value(id + 1);
        Shape {
            id,
            kind,
            x,
            y,
            width: 0.0,
            height: 0.0,
            points: vec![Point { x, y }],
            text: None,
            color: color.get_untracked(),
            stroke_width: width.get_untracked(),
            created_ms: now_ms(),
        }
    };

    // The committed shapes are drawn into an off-screen layer only when they (or the grid)
    // change; a frame while drawing copies that layer and adds the shape being drawn, so
    // drawing stays smooth however full the board is.
    let layer: StoredValue<Option<web_sys::HtmlCanvasElement>, LocalStorage> =
        StoredValue::new_local(None);
    // What the layer shows: shape count, id of the last shape, grid.
    let rendered = StoredValue::new((0usize, 0u64, false));
    let compose = move |pending: Option<&Shape>| {
        let Some(element) = canvas.get_untracked() else {
            return;
        };
        let Some(context) = context_of(&element) else {
            return;
        };
        layer.with_value(|layer| {
            if let Some(layer) = layer {
                let _ = context.draw_image_with_html_canvas_element(layer, 0.0, 0.0);
            }
        });
        if let Some(shape) = pending {
            let mut brush = Brush::new(&context);
            draw_shape(&mut brush, shape);
        }
    };
    Effect::new(move |_| {
        let started = performance_now();
        let show_grid = grid.get();
        if canvas.get().is_none() {
            return;
        }
        if layer.with_value(Option::is_none) {
            let created = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
            if let Some(created) = created {
                created.set_width(WIDTH as u32);
                created.set_height(HEIGHT as u32);
                layer.set_value(Some(created));
            }
        }
        let layer_context = layer.with_value(|l| l.as_ref().and_then(context_of));
        if let Some(layer_context) = layer_context {
            shapes.with(|list| {
                let (count, last_id, drawn_grid) = rendered.get_value();
                let appended = count > 0
                    && drawn_grid == show_grid
                    && list.len() > count
                    && list.get(count - 1).map(|s| s.id) == Some(last_id);
                if appended {
                    // A new shape on top of the others: draw just that.
                    let mut brush = Brush::new(&layer_context);
                    for shape in &list[count..] {
                        draw_shape(&mut brush, shape);
                    }
                } else {
                    draw(&layer_context, list, None, show_grid);
                }
                rendered.set_value((list.len(), list.last().map_or(0, |s| s.id), show_grid));
            });
        }
        draft.with_untracked(|pending| compose(pending.as_ref()));
        #[cfg(feature = "bench")]
        record_redraw("__mockintRedrawMs", performance_now() - started);
        #[cfg(not(feature = "bench"))]
        let _ = started;
    });
    Effect::new(move |_| {
        let started = performance_now();
        draft.with(|pending| compose(pending.as_ref()));
        #[cfg(feature = "bench")]
        record_redraw("__mockintFrameMs", performance_now() - started);
        #[cfg(not(feature = "bench"))]
        let _ = started;
    });

    let autosave = set_interval_with_handle(
        move || {
            if dirty.get_value() {
                dirty.set_value(false);
                let board = Whiteboard {
                    shapes: shapes.get_untracked(),
                };
                spawn_local(async move {
                    let args = mockint_domain::ipc::SaveBoardRequest { session_id, board };
                    if let Err(error) = api::call::<mockint_domain::ipc::SaveWhiteboard>(args).await
                    {
                        dirty.set_value(true);
                        ctx.error(format!("whiteboard autosave failed: {error}"));
                    }
                });
            }
        },
        Duration::from_secs(3),
    );
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if typing || !(ev.ctrl_key() || ev.meta_key()) || ev.key().to_lowercase() != "z" {
            return;
        }
        ev.prevent_default();
        if ev.shift_key() {
            redo_step();
        } else {
            undo_step();
        }
    });
    on_cleanup(move || {
        if let Ok(handle) = autosave {
            handle.clear();
        }
        keys.remove();
        if dirty.get_value() {
            let board = Whiteboard {
                shapes: shapes.get_untracked(),
            };
            spawn_local(async move {
                let args = mockint_domain::ipc::SaveBoardRequest { session_id, board };
                let _ = api::call::<mockint_domain::ipc::SaveWhiteboard>(args).await;
            });
        }
    });

    let position = move |ev: &web_sys::PointerEvent| -> (f64, f64) {
        let Some(element) = canvas.get_untracked() else {
            return (0.0, 0.0);
        };
        let rect = element.get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0);
        let y = (f64::from(ev.client_y()) - rect.top()) * HEIGHT / rect.height().max(1.0);
        (x, y)
    };

    let down = move |ev: web_sys::PointerEvent| {
        let (x, y) = position(&ev);
        match tool.get_untracked() {
            Tool::Select => {
                if let Some(id) =
                    shapes.with_untracked(|s| mockint_domain::topmost_at(s, x, y, HIT))
                {
                    let before = shapes.get_untracked();
                    history.update_value(|h| h.record(before));
                    drag.set_value(Some((id, x, y)));
                }
            }
            Tool::Eraser => {
                if let Some(id) =
                    shapes.with_untracked(|s| mockint_domain::topmost_at(s, x, y, HIT))
                {
                    commit(&|s: &mut Vec<Shape>| s.retain(|shape| shape.id != id));
                }
            }
            Tool::Text => {
                text_value.set(String::new());
                text_at.set(Some((x, y)));
            }
            Tool::Pen => draft.set(Some(new_shape(ShapeKind::Pen, x, y))),
            Tool::Line => draft.set(Some(new_shape(ShapeKind::Line, x, y))),
            Tool::Arrow => draft.set(Some(new_shape(ShapeKind::Arrow, x, y))),
            Tool::Rectangle => draft.set(Some(new_shape(ShapeKind::Rectangle, x, y))),
            Tool::Ellipse => draft.set(Some(new_shape(ShapeKind::Ellipse, x, y))),
        }
    };
    let move_ = move |ev: web_sys::PointerEvent| {
        let (x, y) = position(&ev);
        if let Some((id, last_x, last_y)) = drag.get_value() {
            shapes.update(|s| {
                if let Some(shape) = s.iter_mut().find(|shape| shape.id == id) {
                    *shape = shape.moved(x - last_x, y - last_y);
                }
            });
            drag.set_value(Some((id, x, y)));
            dirty.set_value(true);
            return;
        }
        draft.update(|d| {
            if let Some(shape) = d.as_mut() {
                match shape.kind {
                    ShapeKind::Pen => shape.points.push(Point { x, y }),
                    ShapeKind::Line | ShapeKind::Arrow => {
                        shape.points.truncate(1);
                        shape.points.push(Point { x, y });
                    }
                    _ => {
                        shape.width = x - shape.x;
                        shape.height = y - shape.y;
                    }
                }
            }
        });
    };
    let up = move |_ev: web_sys::PointerEvent| {
        drag.set_value(None);
        if let Some(drawn) = draft.get_untracked() {
            draft.set(None);
            // Boxes are stored with a positive size; a click without a drag draws nothing.
            let shape = drawn.normalized();
            if shape.bounds().extent() >= 3.0 {
                commit(&|s: &mut Vec<Shape>| s.push(shape.clone()));
            }
        }
    };
    let place_text = move || {
        let text = text_value.get_untracked();
        if let Some((x, y)) = text_at.get_untracked() {
            if !text.trim().is_empty() {
                let mut shape = new_shape(ShapeKind::Text, x, y);
                shape.points.clear();
                shape.text = Some(text.trim().chars().take(200).collect());
                commit(&|s: &mut Vec<Shape>| s.push(shape.clone()));
            }
        }
        text_at.set(None);
    };
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
                    <button id=format!("tool-{id}") title=title class="tool" class:active=move || tool.get() == t on:click=move |_| tool.set(t)>{title}</button>
                }).collect_view()}
                <input type="color" id="wb-color" title="Colour" prop:value=move || color.get() on:input=move |ev| color.set(event_target_value(&ev))/>
                <select id="wb-width" title="Stroke width" on:change=move |ev| width.set(event_target_value(&ev).parse().unwrap_or(2.0))>
                    <option value="1">"thin"</option>
                    <option value="2" selected>"normal"</option>
                    <option value="4">"thick"</option>
                </select>
                <button id="wb-undo" title="Undo (Ctrl+Z)" on:click=move |_| undo_step()>"Undo"</button>
                <button id="wb-redo" title="Redo (Ctrl+Shift+Z)" on:click=move |_| redo_step()>"Redo"</button>
                <button id="wb-clear" title="Clear (undoable)" on:click=move |_| commit(&|s: &mut Vec<Shape>| s.clear())>"Clear"</button>
                <button id="wb-grid" class:active=move || grid.get() on:click=move |_| grid.update(|g| *g = !*g)>"Grid"</button>
                <button id="wb-fullscreen" on:click=fullscreen>"Full screen"</button>
                <span class="muted small" id="wb-count">{move || format!("{} shapes", shapes.get().len())}</span>
            </div>
            <div class="wb-surface">
                <canvas id="whiteboard-canvas" node_ref=canvas width=WIDTH as u32 height=HEIGHT as u32
                    on:pointerdown=down on:pointermove=move_ on:pointerup=up on:pointerleave=up></canvas>
                {move || text_at.get().map(|(x, y)| view! {
                    <input id="wb-text-input" class="wb-text" placeholder="Label, then Enter"
                        style=format!("left: {:.2}%; top: {:.2}%;", x / WIDTH * 100.0, y / HEIGHT * 100.0)
                        prop:value=move || text_value.get()
                        on:input=move |ev| text_value.set(event_target_value(&ev))
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => place_text(),
                            "Escape" => text_at.set(None),
                            _ => {}
                        }
                        autofocus/>
                })}
            </div>
        </div>
    }
}
