//! The whiteboard of a live session: a canvas with a palette of system-design components,
//! connectors that bind to shapes and follow them, labels inside shapes (double-click),
//! select / multi-select / marquee, move, resize, delete, duplicate, copy and paste, pen,
//! line, arrow, rectangle, ellipse, text and eraser tools, colour and width, undo/redo,
//! clear, grid snapping, full screen and keyboard shortcuts.
//!
//! Every change is an operation ([`Editor`]); the changes are appended to the session's log
//! every second (and when the room closes), so the stored board is the fold of what the
//! candidate did, with the time of each change for the replay.

use std::collections::HashSet;
use std::time::Duration;

use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{AppendBoardOps, AppendOpsRequest};
use mockint_domain::{BoardLog, Component, End, Op, Point, SessionId, Shape, ShapeKind};
use wasm_bindgen::JsCast as _;

use super::editor::{copies, rounded, Editor};
#[cfg(feature = "bench")]
use super::render::record_redraw;
use super::render::{
    context_of, draw_except, draw_selection, draw_shape, performance_now, Brush, HANDLE, HEIGHT,
    WIDTH,
};
use super::tools::{tool_for_key, Tool, SHORTCUTS, TOOLS};
use crate::api;
use crate::app::ctx;

/// How close (canvas pixels) a pointer must be to pick a shape.
const HIT: f64 = 8.0;
/// Grid spacing; moves and new boxes snap to it while the grid is on.
const GRID: f64 = 25.0;
/// Size of a component placed from the palette.
const COMPONENT_SIZE: (f64, f64) = (150.0, 70.0);
/// Offset of a pasted or duplicated copy.
const PASTE_OFFSET: f64 = 25.0;

/// What a pointer drag is doing.
#[derive(Debug, Clone, PartialEq)]
enum Drag {
    /// Moving the selection; `total` is the distance so far.
    Move {
        ids: Vec<u64>,
        last: (f64, f64),
        total: (f64, f64),
        /// Connector ends unbound because the connector was dragged away on its own.
        unbind: Vec<Op>,
    },
    /// Resizing a box by its bottom-right handle.
    Resize { id: u64, x: f64, y: f64 },
    /// Dragging one end of a connector.
    End { id: u64, end: End },
    /// Selecting with a rectangle.
    Marquee { from: (f64, f64), to: (f64, f64) },
}

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
    let editor = RwSignal::new(Editor::new(initial.board(), initial.last_seq));
    // Bumped by every committed change (not by a drag's live preview): the cached layer of
    // shapes is redrawn only then.
    let revision = RwSignal::new(0u64);
    let selection: RwSignal<Vec<u64>> = RwSignal::new(Vec::new());
    let draft: RwSignal<Option<Shape>> = RwSignal::new(None);
    let drag: RwSignal<Option<Drag>> = RwSignal::new(None);
    let tool = RwSignal::new(Tool::Select);
    let color = RwSignal::new("#1f2933".to_string());
    let width = RwSignal::new(2.0f64);
    let grid = RwSignal::new(true);
    let clipboard: StoredValue<Vec<Shape>> = StoredValue::new(Vec::new());
    // A label being typed: where, and the shape it names (None: a new text shape).
    let editing: RwSignal<Option<(f64, f64, Option<u64>)>> = RwSignal::new(None);
    let text_value = RwSignal::new(String::new());
    let last_error = StoredValue::new(String::new());
    let container = NodeRef::<leptos::html::Div>::new();
    let text_input = NodeRef::<leptos::html::Input>::new();
    // The label field takes the keyboard as soon as it appears, its text selected.
    Effect::new(move |_| {
        if let Some(input) = text_input.get() {
            let _ = input.focus();
            input.select();
        }
    });

    let now_ms = move || (js_sys::Date::now() - started_ms).max(0.0) as u64;
    let snap = move |v: f64| {
        if grid.get_untracked() {
            (v / GRID).round() * GRID
        } else {
            v
        }
    };
    let commit = move |op: Op| {
        let mut failed = None;
        editor.update(|e| {
            if let Err(error) = e.commit(op, now_ms()) {
                failed = Some(error);
            }
        });
        match failed {
            Some(error) => ctx.error(format!("that change cannot be made: {error}")),
            None => revision.update(|r| *r += 1),
        }
    };
    let finish = move |op: Op| {
        let mut failed = None;
        editor.update(|e| {
            if let Err(error) = e.finish_preview(op, now_ms()) {
                failed = Some(error);
            }
        });
        if let Some(error) = failed {
            ctx.error(format!("that change cannot be made: {error}"));
        }
        revision.update(|r| *r += 1);
    };
    let undo_step = move || {
        if editor.try_update(|e| e.undo(now_ms())).unwrap_or(false) {
            selection.set(Vec::new());
            revision.update(|r| *r += 1);
        }
    };
    let redo_step = move || {
        if editor.try_update(|e| e.redo(now_ms())).unwrap_or(false) {
            selection.set(Vec::new());
            revision.update(|r| *r += 1);
        }
    };
    let next_id = move || editor.with_untracked(|e| e.board().next_id());
    let new_shape = move |kind: ShapeKind, x: f64, y: f64| Shape {
        id: next_id(),
        kind,
        x,
        y,
        points: vec![rounded(Point { x, y })],
        color: color.get_untracked(),
        stroke_width: width.get_untracked(),
        created_ms: now_ms(),
        ..Shape::default()
    };
    let delete_selected = move || {
        let ids = selection.get_untracked();
        if !ids.is_empty() {
            selection.set(Vec::new());
            commit(Op::Delete { ids });
        }
    };
    let paste = move |shapes: Vec<Shape>| {
        if shapes.is_empty() {
            return;
        }
        let added = copies(&shapes, next_id(), PASTE_OFFSET, PASTE_OFFSET);
        let ids = added.iter().map(|s| s.id).collect();
        commit(Op::Add {
            shapes: added,
            at: None,
        });
        selection.set(ids);
    };
    let selected_shapes = move || {
        let ids = selection.get_untracked();
        editor.with_untracked(|e| {
            e.board()
                .shapes()
                .iter()
                .filter(|s| ids.contains(&s.id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    // Rendering. Committed shapes are drawn into an off-screen layer only when they (or the
    // grid) change; while a selection is dragged the layer holds everything else and each
    // frame copies it and draws the moving shapes, their connectors, the shape being drawn
    // and the selection on top, so dragging stays smooth however full the board is.
    let layer: StoredValue<Option<web_sys::HtmlCanvasElement>, LocalStorage> =
        StoredValue::new_local(None);
    // What the layer shows: revision, grid, whether the dragged shapes are left out, shape
    // count and last id (to draw only what was appended).
    let rendered = StoredValue::new((u64::MAX, false, false, 0usize, 0u64));
    Effect::new(move |_| {
        let started = performance_now();
        let show_grid = grid.get();
        let rev = revision.get();
        let dragging = drag.with(|d| {
            matches!(
                d,
                Some(Drag::Move { .. } | Drag::Resize { .. } | Drag::End { .. })
            )
        });
        let Some(element) = canvas.get() else {
            return;
        };
        let Some(context) = context_of(&element) else {
            return;
        };
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
        // The shapes that move with the drag: the selection and connectors bound to it.
        let moving: HashSet<u64> = if dragging {
            let ids: HashSet<u64> = selection.get_untracked().into_iter().collect();
            editor.with_untracked(|e| {
                e.board()
                    .shapes()
                    .iter()
                    .filter(|s| {
                        ids.contains(&s.id)
                            || s.from.is_some_and(|t| ids.contains(&t))
                            || s.to.is_some_and(|t| ids.contains(&t))
                    })
                    .map(|s| s.id)
                    .collect()
            })
        } else {
            HashSet::new()
        };
        let layer_context = layer.with_value(|l| l.as_ref().and_then(context_of));
        if let Some(layer_context) = layer_context {
            let (drawn_rev, drawn_grid, drawn_dragging, count, last_id) = rendered.get_value();
            if (drawn_rev, drawn_grid, drawn_dragging) != (rev, show_grid, dragging) {
                editor.with_untracked(|e| {
                    let list = e.board().shapes();
                    let appended = !dragging
                        && !drawn_dragging
                        && drawn_grid == show_grid
                        && count > 0
                        && list.len() > count
                        && list.get(count - 1).map(|s| s.id) == Some(last_id);
                    if appended {
                        let mut brush = Brush::new(&layer_context);
                        for shape in &list[count..] {
                            draw_shape(&mut brush, shape);
                        }
                    } else {
                        draw_except(&layer_context, list, None, show_grid, |s| {
                            moving.contains(&s.id)
                        });
                    }
                    rendered.set_value((
                        rev,
                        show_grid,
                        dragging,
                        list.len(),
                        list.last().map_or(0, |s| s.id),
                    ));
                });
                #[cfg(feature = "bench")]
                record_redraw("__mockintRedrawMs", performance_now() - started);
            }
        }
        let frame_started = performance_now();
        layer.with_value(|layer| {
            if let Some(layer) = layer {
                let _ = context.draw_image_with_html_canvas_element(layer, 0.0, 0.0);
            }
        });
        let selected = selection.get();
        let marquee = drag.with(|d| match d {
            Some(Drag::Marquee { from, to }) => Some((from.0, from.1, to.0, to.1)),
            _ => None,
        });
        editor.with(|e| {
            let mut brush = Brush::new(&context);
            if dragging {
                for shape in e.board().shapes().iter().filter(|s| moving.contains(&s.id)) {
                    draw_shape(&mut brush, shape);
                }
            }
            draft.with(|pending| {
                if let Some(shape) = pending {
                    draw_shape(&mut brush, shape);
                }
            });
            let chosen: Vec<&Shape> = selected
                .iter()
                .filter_map(|id| e.board().get(*id))
                .collect();
            if !chosen.is_empty() || marquee.is_some() {
                draw_selection(&context, &chosen, marquee);
            }
        });
        #[cfg(feature = "bench")]
        record_redraw("__mockintFrameMs", performance_now() - frame_started);
        #[cfg(not(feature = "bench"))]
        let _ = (started, frame_started);
    });

    // Saving: what changed is appended to the session's log every second.
    let flush = move || {
        let entries = editor.with_untracked(|e| e.pending().to_vec());
        if entries.is_empty() {
            return;
        }
        spawn_local(async move {
            let args = AppendOpsRequest {
                session_id,
                entries,
            };
            match api::call::<AppendBoardOps>(args).await {
                Ok(last) => {
                    editor.update_untracked(|e| e.saved(last));
                    last_error.set_value(String::new());
                }
                Err(error) => {
                    // Kept and sent again next time; said once, not every second.
                    let text = format!("the whiteboard could not be saved: {error}");
                    if last_error.get_value() != text {
                        last_error.set_value(text.clone());
                        ctx.error(text);
                    }
                }
            }
        });
    };
    let autosave = set_interval_with_handle(flush, Duration::from_secs(1));

    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if typing {
            return;
        }
        let key = ev.key();
        let command = ev.ctrl_key() || ev.meta_key();
        let handled = match (command, key.to_lowercase().as_str()) {
            (true, "z") if ev.shift_key() => {
                redo_step();
                true
            }
            (true, "z") => {
                undo_step();
                true
            }
            (true, "y") => {
                redo_step();
                true
            }
            (true, "c") => {
                clipboard.set_value(selected_shapes());
                true
            }
            (true, "v") => {
                paste(clipboard.get_value());
                true
            }
            (true, "d") => {
                paste(selected_shapes());
                true
            }
            (true, "a") => {
                selection.set(
                    editor.with_untracked(|e| e.board().shapes().iter().map(|s| s.id).collect()),
                );
                true
            }
            (false, "delete" | "backspace") => {
                delete_selected();
                true
            }
            (false, "escape") => {
                selection.set(Vec::new());
                true
            }
            (false, other) if !ev.alt_key() => match tool_for_key(other) {
                Some(chosen) => {
                    tool.set(chosen);
                    true
                }
                None => false,
            },
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || {
        if let Ok(handle) = autosave {
            handle.clear();
        }
        keys.remove();
        flush();
    });

    let position = move |ev: &web_sys::MouseEvent| -> (f64, f64) {
        let Some(element) = canvas.get_untracked() else {
            return (0.0, 0.0);
        };
        let rect = element.get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0);
        let y = (f64::from(ev.client_y()) - rect.top()) * HEIGHT / rect.height().max(1.0);
        ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
    };
    let topmost = move |x: f64, y: f64| {
        editor.with_untracked(|e| mockint_domain::topmost_at(e.board().shapes(), x, y, HIT))
    };
    let bindable = move |x: f64, y: f64, except: u64| {
        editor
            .with_untracked(|e| mockint_domain::bindable_at(e.board().shapes(), x, y, HIT, except))
    };
    // A handle of the single selected shape under the pointer.
    let handle_at = move |x: f64, y: f64| -> Option<Drag> {
        let [id] = selection.get_untracked()[..] else {
            return None;
        };
        editor.with_untracked(|e| {
            let shape = e.board().get(id)?;
            let near = |p: &Point| (p.x - x).abs() <= HANDLE && (p.y - y).abs() <= HANDLE;
            if shape.is_connector() {
                if shape.points.first().is_some_and(near) {
                    return Some(Drag::End {
                        id,
                        end: End::Start,
                    });
                }
                if shape.points.last().is_some_and(near) {
                    return Some(Drag::End { id, end: End::End });
                }
                None
            } else if !shape.is_stroke() && shape.kind != ShapeKind::Text {
                let b = shape.bounds();
                near(&Point {
                    x: b.right,
                    y: b.bottom,
                })
                .then_some(Drag::Resize {
                    id,
                    x: b.left,
                    y: b.top,
                })
            } else {
                None
            }
        })
    };

    let place_text = move || {
        let text: String = text_value
            .get_untracked()
            .trim()
            .chars()
            .take(200)
            .collect();
        match editing.get_untracked() {
            Some((_, _, Some(id))) => {
                let current =
                    editor.with_untracked(|e| e.board().get(id).and_then(|s| s.text.clone()));
                let text = (!text.is_empty()).then_some(text);
                if current != text {
                    commit(Op::Relabel { id, text });
                }
            }
            Some((x, y, None)) if !text.is_empty() => {
                let mut shape = new_shape(ShapeKind::Text, x, y);
                shape.points.clear();
                shape.text = Some(text);
                commit(Op::Add {
                    shapes: vec![shape],
                    at: None,
                });
            }
            _ => {}
        }
        editing.set(None);
    };
    let down = move |ev: web_sys::PointerEvent| {
        let (x, y) = position(&ev);
        // Clicking the board while a label is being typed keeps what was typed.
        if editing.get_untracked().is_some() {
            place_text();
        }
        if let Some(element) = canvas.get_untracked() {
            let _ = element.set_pointer_capture(ev.pointer_id());
        }
        match tool.get_untracked() {
            Tool::Select => {
                if let Some(handle) = handle_at(x, y) {
                    drag.set(Some(handle));
                    return;
                }
                match topmost(x, y) {
                    Some(id) => {
                        let mut ids = selection.get_untracked();
                        if ev.shift_key() {
                            if let Some(i) = ids.iter().position(|s| *s == id) {
                                ids.remove(i);
                            } else {
                                ids.push(id);
                            }
                            selection.set(ids.clone());
                        } else if !ids.contains(&id) {
                            ids = vec![id];
                            selection.set(ids.clone());
                        }
                        if ids.contains(&id) {
                            // A connector dragged on its own leaves the shapes it was bound to.
                            let unbind = editor.with_untracked(|e| {
                                let mut unbind = Vec::new();
                                for sid in &ids {
                                    let Some(s) = e.board().get(*sid) else {
                                        continue;
                                    };
                                    for (end, target) in [(End::Start, s.from), (End::End, s.to)] {
                                        if target.is_some_and(|t| !ids.contains(&t)) {
                                            unbind.push(Op::Unbind { id: *sid, end });
                                        }
                                    }
                                }
                                unbind
                            });
                            drag.set(Some(Drag::Move {
                                ids,
                                last: (x, y),
                                total: (0.0, 0.0),
                                unbind,
                            }));
                        }
                    }
                    None => {
                        if !ev.shift_key() {
                            selection.set(Vec::new());
                        }
                        drag.set(Some(Drag::Marquee {
                            from: (x, y),
                            to: (x, y),
                        }));
                    }
                }
            }
            Tool::Eraser => {
                if let Some(id) = topmost(x, y) {
                    commit(Op::Delete { ids: vec![id] });
                }
            }
            Tool::Text => {
                text_value.set(String::new());
                editing.set(Some((x, y, None)));
            }
            Tool::Place(kind) => {
                let (w, h) = COMPONENT_SIZE;
                let shape = Shape {
                    width: w,
                    height: h,
                    points: Vec::new(),
                    text: Some(kind.label().to_string()),
                    component: Some(kind),
                    ..new_shape(kind.shape_kind(), snap(x - w / 2.0), snap(y - h / 2.0))
                };
                let id = shape.id;
                commit(Op::Add {
                    shapes: vec![shape],
                    at: None,
                });
                selection.set(vec![id]);
                tool.set(Tool::Select);
            }
            Tool::Pen => draft.set(Some(new_shape(ShapeKind::Pen, x, y))),
            Tool::Line | Tool::Arrow => {
                let kind = if tool.get_untracked() == Tool::Line {
                    ShapeKind::Line
                } else {
                    ShapeKind::Arrow
                };
                let mut shape = new_shape(kind, x, y);
                shape.from = bindable(x, y, 0);
                draft.set(Some(shape));
            }
            Tool::Rectangle => draft.set(Some(new_shape(ShapeKind::Rectangle, snap(x), snap(y)))),
            Tool::Ellipse => draft.set(Some(new_shape(ShapeKind::Ellipse, snap(x), snap(y)))),
        }
    };
    let move_ = move |ev: web_sys::PointerEvent| {
        let (x, y) = position(&ev);
        match drag.get_untracked() {
            Some(Drag::Move {
                ids,
                last,
                total,
                unbind,
            }) => {
                // Snap the distance so the first shape's corner lands on the grid.
                let wanted = (total.0 + x - last.0, total.1 + y - last.1);
                let origin = editor.with_untracked(|e| {
                    e.board()
                        .get(ids[0])
                        .map(|s| (s.x - total.0, s.y - total.1))
                });
                let target = match origin {
                    Some((ox, oy)) if !is_stroke(editor, ids[0]) => {
                        (snap(ox + wanted.0) - ox, snap(oy + wanted.1) - oy)
                    }
                    _ => wanted,
                };
                let step = (target.0 - total.0, target.1 - total.1);
                if step != (0.0, 0.0) {
                    editor.update(|e| {
                        if !e.previewing() {
                            for op in &unbind {
                                let _ = e.preview(op);
                            }
                        }
                        let _ = e.preview(&Op::Move {
                            ids: ids.clone(),
                            dx: step.0,
                            dy: step.1,
                        });
                    });
                }
                drag.set(Some(Drag::Move {
                    ids,
                    last: (x, y),
                    total: target,
                    unbind,
                }));
            }
            Some(Drag::Resize {
                id,
                x: left,
                y: top,
            }) => {
                editor.update(|e| {
                    let _ = e.preview(&Op::Resize {
                        id,
                        x: left,
                        y: top,
                        width: (snap(x) - left).max(20.0),
                        height: (snap(y) - top).max(20.0),
                    });
                });
            }
            Some(Drag::End { id, end }) => {
                editor.update(|e| {
                    let Some(shape) = e.board().get(id) else {
                        return;
                    };
                    let mut points = shape.points.clone();
                    let p = Point { x, y };
                    match end {
                        End::Start => points[0] = p,
                        End::End => {
                            let last = points.len() - 1;
                            points[last] = p;
                        }
                    }
                    let _ = e.preview(&Op::Unbind { id, end });
                    let _ = e.preview(&Op::Reshape { id, points });
                });
            }
            Some(Drag::Marquee { from, .. }) => {
                drag.set(Some(Drag::Marquee { from, to: (x, y) }));
            }
            None => {
                draft.update(|d| {
                    if let Some(shape) = d.as_mut() {
                        match shape.kind {
                            ShapeKind::Pen => shape.points.push(rounded(Point { x, y })),
                            ShapeKind::Line | ShapeKind::Arrow => {
                                shape.points.truncate(1);
                                shape.points.push(Point { x, y });
                            }
                            _ => {
                                shape.width = snap(x) - shape.x;
                                shape.height = snap(y) - shape.y;
                            }
                        }
                    }
                });
            }
        }
    };
    let up = move |ev: web_sys::PointerEvent| {
        let (x, y) = position(&ev);
        match drag.get_untracked() {
            Some(Drag::Move {
                ids, total, unbind, ..
            }) => {
                drag.set(None);
                if total != (0.0, 0.0) {
                    let mut ops = unbind;
                    ops.push(Op::Move {
                        ids,
                        dx: total.0,
                        dy: total.1,
                    });
                    finish(if ops.len() == 1 {
                        ops.remove(0)
                    } else {
                        Op::Batch { ops }
                    });
                } else {
                    editor.update(Editor::cancel_preview);
                    revision.update(|r| *r += 1);
                }
            }
            Some(Drag::Resize {
                id,
                x: left,
                y: top,
            }) => {
                drag.set(None);
                finish(Op::Resize {
                    id,
                    x: left,
                    y: top,
                    width: (snap(x) - left).max(20.0),
                    height: (snap(y) - top).max(20.0),
                });
            }
            Some(Drag::End { id, end }) => {
                drag.set(None);
                let points = editor.with_untracked(|e| e.board().get(id).map(|s| s.points.clone()));
                let target = bindable(x, y, id);
                let Some(points) = points else {
                    editor.update(Editor::cancel_preview);
                    return;
                };
                let mut ops = vec![Op::Unbind { id, end }, Op::Reshape { id, points }];
                if let Some(target) = target {
                    ops.push(Op::Bind { id, end, target });
                }
                finish(Op::Batch { ops });
            }
            Some(Drag::Marquee { from, to }) => {
                drag.set(None);
                let (left, right) = (from.0.min(to.0), from.0.max(to.0));
                let (top, bottom) = (from.1.min(to.1), from.1.max(to.1));
                if right - left > 3.0 || bottom - top > 3.0 {
                    let inside: Vec<u64> = editor.with_untracked(|e| {
                        e.board()
                            .shapes()
                            .iter()
                            .filter(|s| {
                                let b = s.bounds();
                                b.left >= left
                                    && b.right <= right
                                    && b.top >= top
                                    && b.bottom <= bottom
                            })
                            .map(|s| s.id)
                            .collect()
                    });
                    selection.update(|ids| {
                        for id in inside {
                            if !ids.contains(&id) {
                                ids.push(id);
                            }
                        }
                    });
                }
            }
            None => {
                if let Some(mut shape) = draft.get_untracked() {
                    draft.set(None);
                    if shape.is_connector() {
                        shape.to = bindable(x, y, shape.from.unwrap_or(0))
                            .filter(|t| Some(*t) != shape.from);
                        if let Some(last) = shape.points.last_mut() {
                            *last = rounded(*last);
                        }
                    }
                    // Boxes are stored with a positive size; a click without a drag draws
                    // nothing.
                    let shape = shape.normalized();
                    let bound = shape.from.is_some() && shape.to.is_some();
                    if shape.bounds().extent() >= 3.0 || bound {
                        commit(Op::Add {
                            shapes: vec![shape],
                            at: None,
                        });
                    }
                }
            }
        }
    };
    let double_click = move |ev: web_sys::MouseEvent| {
        let (x, y) = position(&ev);
        let Some(id) = topmost(x, y) else {
            return;
        };
        let named = editor.with_untracked(|e| {
            e.board()
                .get(id)
                .filter(|s| s.kind != ShapeKind::Pen)
                .map(|s| {
                    let at = if s.is_connector() {
                        let (a, b) = (
                            s.points.first().copied().unwrap_or_default(),
                            s.points.last().copied().unwrap_or_default(),
                        );
                        ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0)
                    } else {
                        let c = s.centre();
                        (c.x, c.y)
                    };
                    (at, s.text.clone().unwrap_or_default())
                })
        });
        if let Some(((cx, cy), text)) = named {
            text_value.set(text);
            editing.set(Some((cx, cy, Some(id))));
        }
    };
    let fullscreen = move |_| {
        if let Some(element) = container.get_untracked() {
            let element: &web_sys::Element = element.as_ref();
            if let Err(error) = element.request_fullscreen() {
                ctx.error(format!("full screen is not available: {error:?}"));
            }
        }
    };
    let export = move |format: mockint_domain::BoardFormat| {
        // The PNG is the committed board as drawn (no selection outline, no tool preview).
        let png = match format {
            mockint_domain::BoardFormat::Png => {
                layer.with_value(|l| l.as_ref().and_then(|c| c.to_data_url().ok()))
            }
            mockint_domain::BoardFormat::Svg => None,
        };
        flush();
        spawn_local(async move {
            let args = mockint_domain::ipc::BoardExport {
                session_id,
                format,
                png,
            };
            match api::call::<mockint_domain::ipc::ExportBoard>(args).await {
                Ok(Some(path)) => {
                    ctx.toast(
                        crate::app::ToastKind::Info,
                        format!("Whiteboard saved to {path}"),
                    );
                }
                Ok(None) => {}
                Err(error) => ctx.error(format!("export failed: {error}")),
            }
        });
    };
    let restyle = move || {
        let (c, w) = (color.get_untracked(), width.get_untracked());
        let ops: Vec<Op> = selected_shapes()
            .into_iter()
            .filter(|s| s.color != c || s.stroke_width != w)
            .map(|s| Op::Restyle {
                id: s.id,
                color: c.clone(),
                stroke_width: w,
            })
            .collect();
        if !ops.is_empty() {
            commit(Op::Batch { ops });
        }
    };

    view! {
        <div class="whiteboard" node_ref=container>
            <div class="wb-toolbar" id="wb-toolbar">
                {TOOLS.into_iter().map(|(t, id, title)| view! {
                    <button id=format!("tool-{id}") title=title class="tool" class:active=move || tool.get() == t on:click=move |_| tool.set(t)>{title.split(" (").next().unwrap_or(title)}</button>
                }).collect_view()}
                <input type="color" id="wb-color" title="Colour (applies to the selection)" prop:value=move || color.get() on:input=move |ev| { color.set(event_target_value(&ev)); restyle(); }/>
                <select id="wb-width" title="Stroke width (applies to the selection)" on:change=move |ev| { width.set(event_target_value(&ev).parse().unwrap_or(2.0)); restyle(); }>
                    <option value="1">"thin"</option>
                    <option value="2" selected>"normal"</option>
                    <option value="4">"thick"</option>
                </select>
                <button id="wb-undo" title="Undo (Ctrl+Z)" prop:disabled=move || editor.with(|e| !e.can_undo()) on:click=move |_| undo_step()>"Undo"</button>
                <button id="wb-redo" title="Redo (Ctrl+Y)" prop:disabled=move || editor.with(|e| !e.can_redo()) on:click=move |_| redo_step()>"Redo"</button>
                <button id="wb-delete" title="Delete the selection (Del)" on:click=move |_| delete_selected()>"Delete"</button>
                <button id="wb-clear" title="Clear (undoable)" on:click=move |_| { selection.set(Vec::new()); commit(Op::Clear); }>"Clear"</button>
                <button id="wb-grid" title="Grid and snapping" class:active=move || grid.get() on:click=move |_| grid.update(|g| *g = !*g)>"Grid"</button>
                <button id="wb-fullscreen" on:click=fullscreen>"Full screen"</button>
                <button id="wb-export-png" title="Save the board as a PNG picture" on:click=move |_| export(mockint_domain::BoardFormat::Png)>"PNG"</button>
                <button id="wb-export-svg" title="Save the board as an SVG drawing" on:click=move |_| export(mockint_domain::BoardFormat::Svg)>"SVG"</button>
                <span class="wb-help" id="wb-help" tabindex="0" title=SHORTCUTS>"Shortcuts"</span>
                <span class="muted small" id="wb-count">{move || format!("{} shapes", editor.with(|e| e.board().shapes().len()))}</span>
            </div>
            <div class="wb-palette" id="wb-palette" role="toolbar" aria-label="Components">
                {Component::ALL.into_iter().map(|kind| view! {
                    <button id=format!("palette-{}", kind.id()) class="palette-item" title=format!("Place a {} (click on the board)", kind.category())
                        class:active=move || tool.get() == Tool::Place(kind)
                        on:click=move |_| tool.set(Tool::Place(kind))>{kind.label()}</button>
                }).collect_view()}
            </div>
            <div class="wb-surface">
                <canvas id="whiteboard-canvas" node_ref=canvas width=WIDTH as u32 height=HEIGHT as u32
                    tabindex="0" aria-label="Whiteboard"
                    on:pointerdown=down on:pointermove=move_ on:pointerup=up on:dblclick=double_click
                    on:mousedown=|ev: web_sys::MouseEvent| ev.prevent_default()></canvas>
                {move || editing.get().map(|(x, y, _)| view! {
                    <input id="wb-text-input" class="wb-text" placeholder="Label, then Enter" node_ref=text_input
                        style=format!("left: {:.2}%; top: {:.2}%;", x / WIDTH * 100.0, y / HEIGHT * 100.0)
                        prop:value=move || text_value.get()
                        on:input=move |ev| text_value.set(event_target_value(&ev))
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => place_text(),
                            "Escape" => editing.set(None),
                            _ => {}
                        }
                        on:blur=move |_| place_text()/>
                })}
            </div>
        </div>
    }
}

/// Whether a shape is a stroke (strokes move freely; boxes snap to the grid).
fn is_stroke(editor: RwSignal<Editor>, id: u64) -> bool {
    editor.with_untracked(|e| e.board().get(id).is_some_and(Shape::is_stroke))
}
