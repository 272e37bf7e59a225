//! The whiteboard: a canvas with pen, line, arrow, rectangle, ellipse, text, eraser and
//! select/move tools, colour and width, undo/redo, clear, grid and full screen. Shapes are
//! kept as structured data (they feed the whiteboard analysis), time-stamped for replay and
//! autosaved every few seconds.

use std::time::Duration;

use domain::{Point, SessionId, Shape, ShapeKind, Whiteboard};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast as _;
use web_sys::CanvasRenderingContext2d;

use crate::api;
use crate::app::ctx;

/// Canvas resolution (CSS scales it to the panel).
pub const WIDTH: f64 = 1200.0;
/// Canvas resolution (CSS scales it to the panel).
pub const HEIGHT: f64 = 800.0;
const GRID: f64 = 25.0;
const HIT: f64 = 8.0;
const UNDO_DEPTH: usize = 200;

/// A drawing tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Pick and drag shapes.
    Select,
    /// Free-hand.
    Pen,
    /// Straight line.
    Line,
    /// Line with a head.
    Arrow,
    /// Box.
    Rectangle,
    /// Ellipse.
    Ellipse,
    /// Text label.
    Text,
    /// Removes the shape clicked.
    Eraser,
}

const TOOLS: [(Tool, &str, &str); 8] = [
    (Tool::Select, "select", "Select / move"),
    (Tool::Pen, "pen", "Pen"),
    (Tool::Line, "line", "Line"),
    (Tool::Arrow, "arrow", "Arrow"),
    (Tool::Rectangle, "rectangle", "Rectangle"),
    (Tool::Ellipse, "ellipse", "Ellipse"),
    (Tool::Text, "text", "Text label"),
    (Tool::Eraser, "eraser", "Eraser"),
];

fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Keeps the last redraw times (ms) in `window[name]` for the whole board and for frames
/// while drawing, where the benchmark reads them (`bench` builds only).
#[cfg(feature = "bench")]
fn record_redraw(name: &str, ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = wasm_bindgen::JsValue::from_str(name);
    let times = js_sys::Reflect::get(&window, &key)
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Array>().ok())
        .unwrap_or_else(|| {
            let fresh = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &fresh);
            fresh
        });
    times.push(&wasm_bindgen::JsValue::from_f64(ms));
    if times.length() > 500 {
        times.shift();
    }
}

/// Canvas state that is expensive to set from WebAssembly (colours, widths, fonts): set
/// only when it changes from one shape to the next.
struct Brush<'a> {
    context: &'a CanvasRenderingContext2d,
    color: String,
    width: f64,
    font: &'static str,
    align: &'static str,
    baseline: &'static str,
}

impl<'a> Brush<'a> {
    fn new(context: &'a CanvasRenderingContext2d) -> Self {
        context.set_line_cap("round");
        context.set_line_join("round");
        Self {
            context,
            color: String::new(),
            width: -1.0,
            font: "",
            align: "",
            baseline: "",
        }
    }

    fn color(&mut self, color: &str) {
        if self.color != color {
            self.context.set_stroke_style_str(color);
            self.context.set_fill_style_str(color);
            self.color.clear();
            self.color.push_str(color);
        }
    }

    fn width(&mut self, width: f64) {
        if self.width != width {
            self.context.set_line_width(width);
            self.width = width;
        }
    }

    fn text(&mut self, font: &'static str, align: &'static str, baseline: &'static str) {
        if self.font != font {
            self.context.set_font(font);
            self.font = font;
        }
        if self.align != align {
            self.context.set_text_align(align);
            self.align = align;
        }
        if self.baseline != baseline {
            self.context.set_text_baseline(baseline);
            self.baseline = baseline;
        }
    }
}

/// Draws every shape (and the grid) on a 2D context.
pub fn draw(
    context: &CanvasRenderingContext2d,
    shapes: &[Shape],
    draft: Option<&Shape>,
    grid: bool,
) {
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, WIDTH, HEIGHT);
    if grid {
        context.set_stroke_style_str("#e6eaf0");
        context.set_line_width(1.0);
        context.begin_path();
        let mut x = GRID;
        while x < WIDTH {
            context.move_to(x, 0.0);
            context.line_to(x, HEIGHT);
            x += GRID;
        }
        let mut y = GRID;
        while y < HEIGHT {
            context.move_to(0.0, y);
            context.line_to(WIDTH, y);
            y += GRID;
        }
        context.stroke();
    }
    let mut brush = Brush::new(context);
    for shape in shapes.iter().chain(draft) {
        draw_shape(&mut brush, shape);
    }
}

fn draw_shape(brush: &mut Brush<'_>, shape: &Shape) {
    let color = if shape.color.is_empty() {
        "#1f2933"
    } else {
        shape.color.as_str()
    };
    brush.color(color);
    brush.width(shape.stroke_width.max(1.0));
    let context = brush.context;
    match shape.kind {
        ShapeKind::Pen => {
            context.begin_path();
            for (i, p) in shape.points.iter().enumerate() {
                if i == 0 {
                    context.move_to(p.x, p.y);
                } else {
                    context.line_to(p.x, p.y);
                }
            }
            context.stroke();
        }
        ShapeKind::Line | ShapeKind::Arrow => {
            let (Some(a), Some(b)) = (shape.points.first(), shape.points.last()) else {
                return;
            };
            context.begin_path();
            context.move_to(a.x, a.y);
            context.line_to(b.x, b.y);
            context.stroke();
            if shape.kind == ShapeKind::Arrow {
                let angle = (b.y - a.y).atan2(b.x - a.x);
                let size = 10.0 + shape.stroke_width * 2.0;
                context.begin_path();
                context.move_to(b.x, b.y);
                context.line_to(
                    b.x - size * (angle - 0.4).cos(),
                    b.y - size * (angle - 0.4).sin(),
                );
                context.line_to(
                    b.x - size * (angle + 0.4).cos(),
                    b.y - size * (angle + 0.4).sin(),
                );
                context.close_path();
                context.fill();
            }
        }
        ShapeKind::Rectangle => {
            context.stroke_rect(shape.x, shape.y, shape.width, shape.height);
            label(brush, shape);
        }
        ShapeKind::Ellipse => {
            context.begin_path();
            let _ = context.ellipse(
                shape.x + shape.width / 2.0,
                shape.y + shape.height / 2.0,
                (shape.width / 2.0).abs().max(1.0),
                (shape.height / 2.0).abs().max(1.0),
                0.0,
                0.0,
                std::f64::consts::TAU,
            );
            context.stroke();
            label(brush, shape);
        }
        ShapeKind::Text => {
            brush.text("24px system-ui, sans-serif", "left", "top");
            let _ = context.fill_text(shape.text.as_deref().unwrap_or_default(), shape.x, shape.y);
        }
    }
}

fn label(brush: &mut Brush<'_>, shape: &Shape) {
    if let Some(text) = shape.text.as_deref().filter(|t| !t.is_empty()) {
        brush.text("22px system-ui, sans-serif", "center", "middle");
        let _ = brush.context.fill_text(
            text,
            shape.x + shape.width / 2.0,
            shape.y + shape.height / 2.0,
        );
    }
}

/// The 2D context of a canvas.
pub fn context_of(canvas: &web_sys::HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()
}

fn bounds(shape: &Shape) -> (f64, f64, f64, f64) {
    match shape.kind {
        ShapeKind::Pen | ShapeKind::Line | ShapeKind::Arrow => {
            let xs = shape.points.iter().map(|p| p.x);
            let ys = shape.points.iter().map(|p| p.y);
            (
                xs.clone().fold(f64::MAX, f64::min),
                ys.clone().fold(f64::MAX, f64::min),
                xs.fold(f64::MIN, f64::max),
                ys.fold(f64::MIN, f64::max),
            )
        }
        ShapeKind::Text => {
            let len = shape
                .text
                .as_deref()
                .map(|t| t.chars().count())
                .unwrap_or(1) as f64;
            (shape.x, shape.y, shape.x + len * 12.0, shape.y + 26.0)
        }
        _ => (
            shape.x.min(shape.x + shape.width),
            shape.y.min(shape.y + shape.height),
            shape.x.max(shape.x + shape.width),
            shape.y.max(shape.y + shape.height),
        ),
    }
}

fn segment_distance(p: (f64, f64), a: &Point, b: &Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 {
        0.0
    } else {
        (((p.0 - a.x) * dx + (p.1 - a.y) * dy) / length).clamp(0.0, 1.0)
    };
    let (x, y) = (a.x + t * dx, a.y + t * dy);
    ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt()
}

/// The topmost shape under a point.
fn hit(shapes: &[Shape], x: f64, y: f64) -> Option<u64> {
    shapes
        .iter()
        .rev()
        .find(|shape| match shape.kind {
            ShapeKind::Pen | ShapeKind::Line | ShapeKind::Arrow => shape
                .points
                .windows(2)
                .any(|w| segment_distance((x, y), &w[0], &w[1]) <= HIT),
            _ => {
                let (left, top, right, bottom) = bounds(shape);
                x >= left - HIT && x <= right + HIT && y >= top - HIT && y <= bottom + HIT
            }
        })
        .map(|shape| shape.id)
}

fn moved(shape: &Shape, dx: f64, dy: f64) -> Shape {
    let mut shape = shape.clone();
    shape.x += dx;
    shape.y += dy;
    for p in &mut shape.points {
        p.x += dx;
        p.y += dy;
    }
    shape
}

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
    let undo: StoredValue<Vec<Vec<Shape>>> = StoredValue::new(Vec::new());
    let redo: StoredValue<Vec<Vec<Shape>>> = StoredValue::new(Vec::new());
    let counter = StoredValue::new(next_id);
    let dirty = StoredValue::new(false);
    let drag: StoredValue<Option<(u64, f64, f64)>> = StoredValue::new(None);
    let text_at: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let text_value = RwSignal::new(String::new());
    let container = NodeRef::<leptos::html::Div>::new();

    let now_ms = move || (js_sys::Date::now() - started_ms).max(0.0) as u64;
    let commit = move |change: &dyn Fn(&mut Vec<Shape>)| {
        let before = shapes.get_untracked();
        undo.update_value(|u| {
            u.push(before);
            if u.len() > UNDO_DEPTH {
                u.remove(0);
            }
        });
        redo.set_value(Vec::new());
        shapes.update(|s| change(s));
        dirty.set_value(true);
    };
    let undo_step = move || {
        if let Some(previous) = undo.try_update_value(|u| u.pop()).flatten() {
            redo.update_value(|r| r.push(shapes.get_untracked()));
            shapes.set(previous);
            dirty.set_value(true);
        }
    };
    let redo_step = move || {
        if let Some(next) = redo.try_update_value(|r| r.pop()).flatten() {
            undo.update_value(|u| u.push(shapes.get_untracked()));
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
                    if let Err(error) = api::save_whiteboard(session_id, board).await {
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
                let _ = api::save_whiteboard(session_id, board).await;
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
                if let Some(id) = hit(&shapes.get_untracked(), x, y) {
                    undo.update_value(|u| u.push(shapes.get_untracked()));
                    redo.set_value(Vec::new());
                    drag.set_value(Some((id, x, y)));
                }
            }
            Tool::Eraser => {
                if let Some(id) = hit(&shapes.get_untracked(), x, y) {
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
                    *shape = moved(shape, x - last_x, y - last_y);
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
        if let Some(mut shape) = draft.get_untracked() {
            draft.set(None);
            // Boxes are stored with a positive size.
            if shape.width < 0.0 {
                shape.x += shape.width;
                shape.width = -shape.width;
            }
            if shape.height < 0.0 {
                shape.y += shape.height;
                shape.height = -shape.height;
            }
            let (left, top, right, bottom) = bounds(&shape);
            if (right - left).max(bottom - top) >= 3.0 {
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
