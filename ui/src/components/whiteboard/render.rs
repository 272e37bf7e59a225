//! Drawing shapes on a 2D canvas: the grid, each kind of shape, labels, and a brush that
//! changes canvas state only when it must (setting state from WebAssembly is the slow part).

use mockint_domain::{Bounds, Shape, ShapeKind};

use super::guides::Guide;
use super::view::View;
use wasm_bindgen::JsCast as _;
use web_sys::CanvasRenderingContext2d;

/// Canvas resolution (CSS scales it to the panel).
pub const WIDTH: f64 = 1200.0;
/// Canvas resolution (CSS scales it to the panel).
pub const HEIGHT: f64 = 800.0;
const GRID: f64 = 25.0;

pub fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Keeps the last redraw times (ms) in `window[name]` for the whole board and for frames
/// while drawing, where the benchmark reads them (`bench` builds only).
#[cfg(feature = "bench")]
pub fn record_redraw(name: &str, ms: f64) {
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
pub struct Brush<'a> {
    context: &'a CanvasRenderingContext2d,
    color: String,
    width: f64,
    font: &'static str,
    align: &'static str,
    baseline: &'static str,
}

impl<'a> Brush<'a> {
    /// A brush for a context (round caps and joins).
    pub fn new(context: &'a CanvasRenderingContext2d) -> Self {
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

/// Size of a resize handle or a connector end handle, in canvas pixels.
pub const HANDLE: f64 = 10.0;

/// Draws every shape (and the grid) on a 2D context, except those `skip` names (the ones
/// being dragged, drawn on top each frame).
pub fn draw(
    context: &CanvasRenderingContext2d,
    shapes: &[Shape],
    draft: Option<&Shape>,
    grid: bool,
) {
    draw_except(context, &View::default(), shapes, draft, grid, |_| false);
}

/// [`draw`] of the part of the board `view` shows, without the shapes for which `skip` is
/// true. The context is left in the view's coordinates.
pub fn draw_except(
    context: &CanvasRenderingContext2d,
    view: &View,
    shapes: &[Shape],
    draft: Option<&Shape>,
    grid: bool,
    skip: impl Fn(&Shape) -> bool,
) {
    reset_view(context);
    let (width, height) = context.canvas().map_or((WIDTH, HEIGHT), |c| {
        (f64::from(c.width()), f64::from(c.height()))
    });
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, width, height);
    set_view(context, view);
    if grid {
        let seen = view.visible(width, height);
        context.set_stroke_style_str("#e6eaf0");
        context.set_line_width(1.0 / view.zoom);
        context.begin_path();
        let mut x = (seen.left / GRID).floor() * GRID;
        while x < seen.right {
            context.move_to(x, seen.top);
            context.line_to(x, seen.bottom);
            x += GRID;
        }
        let mut y = (seen.top / GRID).floor() * GRID;
        while y < seen.bottom {
            context.move_to(seen.left, y);
            context.line_to(seen.right, y);
            y += GRID;
        }
        context.stroke();
    }
    let mut brush = Brush::new(context);
    for shape in shapes.iter().filter(|s| !skip(s)).chain(draft) {
        draw_shape(&mut brush, shape);
    }
}

/// The box around every shape, if there are any.
pub fn content_bounds(shapes: &[Shape]) -> Option<Bounds> {
    shapes.iter().map(Shape::bounds).reduce(|a, b| Bounds {
        left: a.left.min(b.left),
        top: a.top.min(b.top),
        right: a.right.max(b.right),
        bottom: a.bottom.max(b.bottom),
    })
}

/// The whole board as a PNG data URL (at 100 %, without the grid): the canvas's home area
/// and whatever lies beyond it, up to 4,096 pixels a side.
pub fn picture(shapes: &[Shape]) -> Option<String> {
    const MAX_SIDE: f64 = 4096.0;
    let home = Bounds {
        left: 0.0,
        top: 0.0,
        right: WIDTH,
        bottom: HEIGHT,
    };
    let area = content_bounds(shapes).map_or(home, |c| Bounds {
        left: c.left.min(0.0),
        top: c.top.min(0.0),
        right: c.right.max(WIDTH),
        bottom: c.bottom.max(HEIGHT),
    });
    let document = web_sys::window()?.document()?;
    let canvas = document
        .create_element("canvas")
        .ok()?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    canvas.set_width((area.right - area.left).min(MAX_SIDE).ceil() as u32);
    canvas.set_height((area.bottom - area.top).min(MAX_SIDE).ceil() as u32);
    let context = context_of(&canvas)?;
    let view = View {
        x: area.left,
        y: area.top,
        zoom: 1.0,
    };
    draw_except(&context, &view, shapes, None, false, |_| false);
    canvas.to_data_url().ok()
}

/// Puts the context in board coordinates for `view`.
pub fn set_view(context: &CanvasRenderingContext2d, view: &View) {
    let _ = context.set_transform(
        view.zoom,
        0.0,
        0.0,
        view.zoom,
        -view.x * view.zoom,
        -view.y * view.zoom,
    );
}

/// Puts the context back in canvas pixels.
pub fn reset_view(context: &CanvasRenderingContext2d) {
    let _ = context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
}

/// Dashed alignment guides.
pub fn draw_guides(context: &CanvasRenderingContext2d, guides: &[Guide], zoom: f64) {
    if guides.is_empty() {
        return;
    }
    context.set_stroke_style_str("#e11d74");
    context.set_line_width(1.0 / zoom);
    let dash = js_sys::Array::of2(&(4.0 / zoom).into(), &(3.0 / zoom).into());
    let _ = context.set_line_dash(&dash);
    context.begin_path();
    for guide in guides {
        match *guide {
            Guide::Vertical { x, from, to } => {
                context.move_to(x, from);
                context.line_to(x, to);
            }
            Guide::Horizontal { y, from, to } => {
                context.move_to(from, y);
                context.line_to(to, y);
            }
        }
    }
    context.stroke();
    let _ = context.set_line_dash(&js_sys::Array::new());
}

/// Outlines the selected shapes, with a resize handle on a single box and end handles on
/// a single connector; and the selection marquee being dragged.
pub fn draw_selection(
    context: &CanvasRenderingContext2d,
    selected: &[&Shape],
    marquee: Option<(f64, f64, f64, f64)>,
) {
    context.set_stroke_style_str("#1f6feb");
    context.set_fill_style_str("#1f6feb");
    context.set_line_width(1.5);
    let dash = js_sys::Array::of2(&6.0.into(), &4.0.into());
    let _ = context.set_line_dash(&dash);
    for shape in selected {
        let b = shape.bounds().grown(6.0);
        context.stroke_rect(b.left, b.top, b.right - b.left, b.bottom - b.top);
    }
    if let Some((x0, y0, x1, y1)) = marquee {
        context.stroke_rect(x0.min(x1), y0.min(y1), (x1 - x0).abs(), (y1 - y0).abs());
    }
    let _ = context.set_line_dash(&js_sys::Array::new());
    if let [only] = selected {
        if only.is_connector() {
            for p in only.points.first().into_iter().chain(only.points.last()) {
                context.fill_rect(p.x - HANDLE / 2.0, p.y - HANDLE / 2.0, HANDLE, HANDLE);
            }
        } else if !only.is_stroke() && only.kind != ShapeKind::Text {
            let b = only.bounds();
            context.fill_rect(
                b.right - HANDLE / 2.0,
                b.bottom - HANDLE / 2.0,
                HANDLE,
                HANDLE,
            );
        }
    }
}

/// Draws one shape with the brush.
pub fn draw_shape(brush: &mut Brush<'_>, shape: &Shape) {
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
            if let Some(text) = shape.text.as_deref().filter(|t| !t.is_empty()) {
                // The connector's label, on a white patch at its middle.
                let (x, y) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                brush.text("18px system-ui, sans-serif", "center", "middle");
                let width = context
                    .measure_text(text)
                    .map(|m| m.width())
                    .unwrap_or(text.len() as f64 * 9.0);
                context.set_fill_style_str("#ffffff");
                context.fill_rect(x - width / 2.0 - 4.0, y - 12.0, width + 8.0, 24.0);
                context.set_fill_style_str(color);
                let _ = context.fill_text(text, x, y);
            }
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
    if let Some(kind) = shape.component {
        // What the box is, in small grey letters at its top-left, unless its label says so.
        let text = shape.text.as_deref().unwrap_or_default().to_lowercase();
        if !text.contains(&kind.label().to_lowercase()) {
            brush.text("13px system-ui, sans-serif", "left", "top");
            brush.context.set_fill_style_str("#6b7785");
            let _ = brush
                .context
                .fill_text(kind.category(), shape.x + 6.0, shape.y + 4.0);
            let color = brush.color.clone();
            brush.context.set_fill_style_str(&color);
        }
    }
    if let Some(text) = shape.text.as_deref().filter(|t| !t.is_empty()) {
        brush.text("19px system-ui, sans-serif", "center", "middle");
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
