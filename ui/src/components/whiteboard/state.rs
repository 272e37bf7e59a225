//! The live whiteboard's state, shared by the panel, the pointer and keyboard handlers and
//! the renderer: a bundle of signals (so it is `Copy` into every closure) and the actions
//! they all use (commit a change, undo, select, pan and zoom, save).

use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mockint_domain::ipc::{AppendBoardOps, AppendOpsRequest};
use mockint_domain::{End, Op, Point, SessionId, Shape, ShapeKind};

use super::editor::{copies, rounded, Editor};
use super::guides::Guide;
use super::render::{content_bounds, picture, HANDLE, HEIGHT, WIDTH};
use super::tools::Tool;
use super::view::View;
use crate::api;
use crate::app::{Ctx, ToastKind};

/// How close (canvas pixels) a pointer must be to pick a shape.
pub const HIT: f64 = 8.0;
/// Grid spacing; moves and new boxes snap to it while the grid is on.
pub const GRID: f64 = 25.0;
/// Offset of a pasted or duplicated copy.
const PASTE_OFFSET: f64 = 25.0;

/// What a pointer drag is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum Drag {
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
    /// Moving the view (space+drag or the middle button); `last` in canvas pixels.
    Pan { last: (f64, f64) },
}

/// Everything the live whiteboard keeps.
#[derive(Clone, Copy)]
pub struct Wb {
    pub ctx: Ctx,
    pub session_id: SessionId,
    /// When the session started (ms since the epoch), for operation timestamps.
    pub started_ms: f64,
    pub canvas: NodeRef<Canvas>,
    pub editor: RwSignal<Editor>,
    /// Bumped by every committed change (not by a drag's live preview): the cached layer of
    /// shapes is redrawn only then.
    pub revision: RwSignal<u64>,
    pub selection: RwSignal<Vec<u64>>,
    /// The shape being drawn.
    pub draft: RwSignal<Option<Shape>>,
    pub drag: RwSignal<Option<Drag>>,
    pub tool: RwSignal<Tool>,
    pub color: RwSignal<String>,
    pub width: RwSignal<f64>,
    pub grid: RwSignal<bool>,
    pub view: RwSignal<View>,
    /// Alignment guides shown while boxes are dragged.
    pub guides: RwSignal<Vec<Guide>>,
    /// Space is held: a drag pans.
    pub space_held: StoredValue<bool>,
    pub clipboard: StoredValue<Vec<Shape>>,
    /// A label being typed: where, and the shape it names (None: a new text shape).
    pub editing: RwSignal<Option<(f64, f64, Option<u64>)>>,
    pub text_value: RwSignal<String>,
    /// The last save error said (said once, not every second).
    pub last_error: StoredValue<String>,
}

impl Wb {
    /// A fresh state for a session's board.
    pub fn new(
        ctx: Ctx,
        session_id: SessionId,
        started_ms: f64,
        canvas: NodeRef<Canvas>,
        editor: Editor,
    ) -> Self {
        Self {
            ctx,
            session_id,
            started_ms,
            canvas,
            editor: RwSignal::new(editor),
            revision: RwSignal::new(0),
            selection: RwSignal::new(Vec::new()),
            draft: RwSignal::new(None),
            drag: RwSignal::new(None),
            tool: RwSignal::new(Tool::Select),
            color: RwSignal::new("#1f2933".to_string()),
            width: RwSignal::new(2.0),
            grid: RwSignal::new(true),
            view: RwSignal::new(View::default()),
            guides: RwSignal::new(Vec::new()),
            space_held: StoredValue::new(false),
            clipboard: StoredValue::new(Vec::new()),
            editing: RwSignal::new(None),
            text_value: RwSignal::new(String::new()),
            last_error: StoredValue::new(String::new()),
        }
    }

    /// Milliseconds since the session started.
    pub fn now_ms(self) -> u64 {
        (js_sys::Date::now() - self.started_ms).max(0.0) as u64
    }

    /// A coordinate on the grid while the grid is on.
    pub fn snap(self, v: f64) -> f64 {
        if self.grid.get_untracked() {
            (v / GRID).round() * GRID
        } else {
            v
        }
    }

    /// Makes a change (undoable), or says why it cannot be made.
    pub fn commit(self, op: Op) {
        let now = self.now_ms();
        let mut failed = None;
        self.editor.update(|e| {
            if let Err(error) = e.commit(op, now) {
                failed = Some(error);
            }
        });
        match failed {
            Some(error) => self
                .ctx
                .error(format!("that change cannot be made: {error}")),
            None => self.revision.update(|r| *r += 1),
        }
    }

    /// Ends a drag's live preview with the change it made.
    pub fn finish(self, op: Op) {
        let now = self.now_ms();
        let mut failed = None;
        self.editor.update(|e| {
            if let Err(error) = e.finish_preview(op, now) {
                failed = Some(error);
            }
        });
        if let Some(error) = failed {
            self.ctx
                .error(format!("that change cannot be made: {error}"));
        }
        self.revision.update(|r| *r += 1);
    }

    pub fn undo(self) {
        let now = self.now_ms();
        if self.editor.try_update(|e| e.undo(now)).unwrap_or(false) {
            self.selection.set(Vec::new());
            self.revision.update(|r| *r += 1);
        }
    }

    pub fn redo(self) {
        let now = self.now_ms();
        if self.editor.try_update(|e| e.redo(now)).unwrap_or(false) {
            self.selection.set(Vec::new());
            self.revision.update(|r| *r += 1);
        }
    }

    /// An id no shape uses.
    pub fn next_id(self) -> u64 {
        self.editor.with_untracked(|e| e.board().next_id())
    }

    /// A new shape of `kind` at a point, in the chosen colour and width.
    pub fn new_shape(self, kind: ShapeKind, x: f64, y: f64) -> Shape {
        Shape {
            id: self.next_id(),
            kind,
            x,
            y,
            points: vec![rounded(Point { x, y })],
            color: self.color.get_untracked(),
            stroke_width: self.width.get_untracked(),
            created_ms: self.now_ms(),
            ..Shape::default()
        }
    }

    pub fn delete_selected(self) {
        let ids = self.selection.get_untracked();
        if !ids.is_empty() {
            self.selection.set(Vec::new());
            self.commit(Op::Delete { ids });
        }
    }

    /// Adds copies of `shapes` a little below and to the right, and selects them.
    pub fn paste(self, shapes: Vec<Shape>) {
        if shapes.is_empty() {
            return;
        }
        let added = copies(&shapes, self.next_id(), PASTE_OFFSET, PASTE_OFFSET);
        let ids = added.iter().map(|s| s.id).collect();
        self.commit(Op::Add {
            shapes: added,
            at: None,
        });
        self.selection.set(ids);
    }

    pub fn selected_shapes(self) -> Vec<Shape> {
        let ids = self.selection.get_untracked();
        self.editor.with_untracked(|e| {
            e.board()
                .shapes()
                .iter()
                .filter(|s| ids.contains(&s.id))
                .cloned()
                .collect()
        })
    }

    /// Applies the chosen colour and width to the selection.
    pub fn restyle(self) {
        let (c, w) = (self.color.get_untracked(), self.width.get_untracked());
        let ops: Vec<Op> = self
            .selected_shapes()
            .into_iter()
            .filter(|s| s.color != c || s.stroke_width != w)
            .map(|s| Op::Restyle {
                id: s.id,
                color: c.clone(),
                stroke_width: w,
            })
            .collect();
        if !ops.is_empty() {
            self.commit(Op::Batch { ops });
        }
    }

    /// Stores the label being typed (a new text shape, or a shape's new name).
    pub fn place_text(self) {
        let text: String = self
            .text_value
            .get_untracked()
            .trim()
            .chars()
            .take(200)
            .collect();
        match self.editing.get_untracked() {
            Some((_, _, Some(id))) => {
                let current = self
                    .editor
                    .with_untracked(|e| e.board().get(id).and_then(|s| s.text.clone()));
                let text = (!text.is_empty()).then_some(text);
                if current != text {
                    self.commit(Op::Relabel { id, text });
                }
            }
            Some((x, y, None)) if !text.is_empty() => {
                let mut shape = self.new_shape(ShapeKind::Text, x, y);
                shape.points.clear();
                shape.text = Some(text);
                self.commit(Op::Add {
                    shapes: vec![shape],
                    at: None,
                });
            }
            _ => {}
        }
        self.editing.set(None);
    }

    /// Zooms by `factor` keeping the board point under canvas pixel `at` (default: the
    /// centre) in place.
    pub fn zoom_by(self, factor: f64, at: Option<(f64, f64)>) {
        let (px, py) = at.unwrap_or((WIDTH / 2.0, HEIGHT / 2.0));
        self.view.update(|v| *v = v.zoomed_at(factor, px, py));
    }

    /// Shows the whole diagram.
    pub fn fit(self) {
        let content = self
            .editor
            .with_untracked(|e| content_bounds(e.board().shapes()));
        self.view
            .set(content.map_or_else(View::default, |b| View::fit(b, WIDTH, HEIGHT)));
    }

    /// Appends what changed since the last save to the session's log.
    pub fn flush(self) {
        let entries = self.editor.with_untracked(|e| e.pending().to_vec());
        if entries.is_empty() {
            return;
        }
        spawn_local(async move {
            let args = AppendOpsRequest {
                session_id: self.session_id,
                entries,
            };
            match api::call::<AppendBoardOps>(args).await {
                Ok(last) => {
                    self.editor.update_untracked(|e| e.saved(last));
                    self.last_error.set_value(String::new());
                }
                Err(error) => {
                    // Kept and sent again next time; said once, not every second.
                    let text = format!("the whiteboard could not be saved: {error}");
                    if self.last_error.get_value() != text {
                        self.last_error.set_value(text.clone());
                        self.ctx.error(text);
                    }
                }
            }
        });
    }

    /// Saves the board as a PNG (the whole committed board at 100 %, no selection, preview
    /// or grid) or an SVG through the save dialog.
    pub fn export(self, format: mockint_domain::BoardFormat) {
        let png = match format {
            mockint_domain::BoardFormat::Png => {
                self.editor.with_untracked(|e| picture(e.board().shapes()))
            }
            mockint_domain::BoardFormat::Svg => None,
        };
        self.flush();
        spawn_local(async move {
            let args = mockint_domain::ipc::BoardExport {
                session_id: self.session_id,
                format,
                png,
            };
            match api::call::<mockint_domain::ipc::ExportBoard>(args).await {
                Ok(Some(path)) => {
                    self.ctx
                        .toast(ToastKind::Info, format!("Whiteboard saved to {path}"));
                }
                Ok(None) => {}
                Err(error) => self.ctx.error(format!("export failed: {error}")),
            }
        });
    }

    /// Whether a shape is a stroke (strokes move freely; boxes snap to the grid).
    pub fn is_stroke(self, id: u64) -> bool {
        self.editor
            .with_untracked(|e| e.board().get(id).is_some_and(Shape::is_stroke))
    }

    /// The pointer in canvas pixels.
    pub fn pixel(self, ev: &web_sys::MouseEvent) -> (f64, f64) {
        let Some(element) = self.canvas.get_untracked() else {
            return (0.0, 0.0);
        };
        let rect = element.get_bounding_client_rect();
        let x = (f64::from(ev.client_x()) - rect.left()) * WIDTH / rect.width().max(1.0);
        let y = (f64::from(ev.client_y()) - rect.top()) * HEIGHT / rect.height().max(1.0);
        (x, y)
    }

    /// The board point under the pointer (to 0.1 px, as stored).
    pub fn position(self, ev: &web_sys::MouseEvent) -> (f64, f64) {
        let (px, py) = self.pixel(ev);
        let (x, y) = self.view.get_untracked().to_board(px, py);
        ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
    }

    /// How close the pointer must be to pick a shape, in board units (the same on screen
    /// whatever the zoom).
    pub fn hit(self) -> f64 {
        HIT / self.view.get_untracked().zoom
    }

    /// The shape on top under a board point.
    pub fn topmost(self, x: f64, y: f64) -> Option<u64> {
        self.editor
            .with_untracked(|e| mockint_domain::topmost_at(e.board().shapes(), x, y, self.hit()))
    }

    /// A shape a connector end can bind to at a board point.
    pub fn bindable(self, x: f64, y: f64, except: u64) -> Option<u64> {
        self.editor.with_untracked(|e| {
            mockint_domain::bindable_at(e.board().shapes(), x, y, self.hit(), except)
        })
    }

    /// A handle of the single selected shape under the pointer.
    pub fn handle_at(self, x: f64, y: f64) -> Option<Drag> {
        let [id] = self.selection.get_untracked()[..] else {
            return None;
        };
        self.editor.with_untracked(|e| {
            let shape = e.board().get(id)?;
            let reach = HANDLE / self.view.get_untracked().zoom;
            let near = |p: &Point| (p.x - x).abs() <= reach && (p.y - y).abs() <= reach;
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
    }
}
