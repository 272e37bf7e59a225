//! The live whiteboard's pointer: picking, dragging (move with grid snapping and alignment
//! guides, resize, connector ends, marquee, pan), drawing, naming by double-click, and the
//! wheel (scroll, Ctrl+wheel zoom).

use leptos::prelude::*;
use mockint_domain::{End, Op, Point, Shape, ShapeKind};

use super::editor::{rounded, Editor};
use super::guides::{alignment, SNAP_DISTANCE};
use super::state::{Drag, Wb};
use super::tools::Tool;
use super::view::ZOOM_STEP;

/// Size of a component placed from the palette.
const COMPONENT_SIZE: (f64, f64) = (150.0, 70.0);

impl Wb {
    /// A press: starts a drag, a selection, a shape or a pan.
    pub fn on_down(self, ev: web_sys::PointerEvent) {
        let (x, y) = self.position(&ev);
        // Clicking the board while a label is being typed keeps what was typed.
        if self.editing.get_untracked().is_some() {
            self.place_text();
        }
        if let Some(element) = self.canvas.get_untracked() {
            let _ = element.set_pointer_capture(ev.pointer_id());
        }
        // Space+drag or the middle button moves the view, whatever the self.tool.
        if ev.button() == 1 || self.space_held.get_value() {
            ev.prevent_default();
            self.drag.set(Some(Drag::Pan {
                last: self.pixel(&ev),
            }));
            return;
        }
        match self.tool.get_untracked() {
            Tool::Select => {
                if let Some(handle) = self.handle_at(x, y) {
                    self.drag.set(Some(handle));
                    return;
                }
                match self.topmost(x, y) {
                    Some(id) => {
                        let mut ids = self.selection.get_untracked();
                        if ev.shift_key() {
                            if let Some(i) = ids.iter().position(|s| *s == id) {
                                ids.remove(i);
                            } else {
                                ids.push(id);
                            }
                            self.selection.set(ids.clone());
                        } else if !ids.contains(&id) {
                            ids = vec![id];
                            self.selection.set(ids.clone());
                        }
                        if ids.contains(&id) {
                            // A connector dragged on its own leaves the shapes it was bound to.
                            let unbind = self.editor.with_untracked(|e| {
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
                            self.drag.set(Some(Drag::Move {
                                ids,
                                last: (x, y),
                                total: (0.0, 0.0),
                                unbind,
                            }));
                        }
                    }
                    None => {
                        if !ev.shift_key() {
                            self.selection.set(Vec::new());
                        }
                        self.drag.set(Some(Drag::Marquee {
                            from: (x, y),
                            to: (x, y),
                        }));
                    }
                }
            }
            Tool::Eraser => {
                if let Some(id) = self.topmost(x, y) {
                    self.commit(Op::Delete { ids: vec![id] });
                }
            }
            Tool::Text => {
                self.text_value.set(String::new());
                self.editing.set(Some((x, y, None)));
            }
            Tool::Place(kind) => {
                let (w, h) = COMPONENT_SIZE;
                let shape = Shape {
                    width: w,
                    height: h,
                    points: Vec::new(),
                    text: Some(kind.label().to_string()),
                    component: Some(kind),
                    ..self.new_shape(
                        kind.shape_kind(),
                        self.snap(x - w / 2.0),
                        self.snap(y - h / 2.0),
                    )
                };
                let id = shape.id;
                self.commit(Op::Add {
                    shapes: vec![shape],
                    at: None,
                });
                self.selection.set(vec![id]);
                self.tool.set(Tool::Select);
            }
            Tool::Pen => self.draft.set(Some(self.new_shape(ShapeKind::Pen, x, y))),
            Tool::Line | Tool::Arrow => {
                let kind = if self.tool.get_untracked() == Tool::Line {
                    ShapeKind::Line
                } else {
                    ShapeKind::Arrow
                };
                let mut shape = self.new_shape(kind, x, y);
                shape.from = self.bindable(x, y, 0);
                self.draft.set(Some(shape));
            }
            Tool::Rectangle => self.draft.set(Some(self.new_shape(
                ShapeKind::Rectangle,
                self.snap(x),
                self.snap(y),
            ))),
            Tool::Ellipse => self.draft.set(Some(self.new_shape(
                ShapeKind::Ellipse,
                self.snap(x),
                self.snap(y),
            ))),
        }
    }

    /// A pointer move: drags, previews and draws.
    pub fn on_move(self, ev: web_sys::PointerEvent) {
        let (x, y) = self.position(&ev);
        match self.drag.get_untracked() {
            Some(Drag::Move {
                ids,
                last,
                total,
                unbind,
            }) => {
                // Snap the distance so the first shape's corner lands on the grid.
                let wanted = (total.0 + x - last.0, total.1 + y - last.1);
                let origin = self.editor.with_untracked(|e| {
                    e.board()
                        .get(ids[0])
                        .map(|s| (s.x - total.0, s.y - total.1))
                });
                let mut target = match origin {
                    Some((ox, oy)) if !self.is_stroke(ids[0]) => {
                        (self.snap(ox + wanted.0) - ox, self.snap(oy + wanted.1) - oy)
                    }
                    _ => wanted,
                };
                // Boxes line up with the others' edges and centres when they come close.
                let lined = self.editor.with_untracked(|e| {
                    let offset = (target.0 - total.0, target.1 - total.1);
                    alignment(
                        e.board().shapes(),
                        &ids,
                        offset,
                        SNAP_DISTANCE / self.view.get_untracked().zoom,
                    )
                });
                if let Some(lined) = lined {
                    target = (target.0 + lined.dx, target.1 + lined.dy);
                    self.guides.set(lined.guides);
                } else if !self.guides.with_untracked(Vec::is_empty) {
                    self.guides.set(Vec::new());
                }
                let step = (target.0 - total.0, target.1 - total.1);
                if step != (0.0, 0.0) {
                    self.editor.update(|e| {
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
                self.drag.set(Some(Drag::Move {
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
                self.editor.update(|e| {
                    let _ = e.preview(&Op::Resize {
                        id,
                        x: left,
                        y: top,
                        width: (self.snap(x) - left).max(20.0),
                        height: (self.snap(y) - top).max(20.0),
                    });
                });
            }
            Some(Drag::End { id, end }) => {
                self.editor.update(|e| {
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
                self.drag.set(Some(Drag::Marquee { from, to: (x, y) }));
            }
            Some(Drag::Pan { last }) => {
                let now = self.pixel(&ev);
                self.view
                    .update(|v| *v = v.panned(now.0 - last.0, now.1 - last.1));
                self.drag.set(Some(Drag::Pan { last: now }));
            }
            None => {
                self.draft.update(|d| {
                    if let Some(shape) = d.as_mut() {
                        match shape.kind {
                            ShapeKind::Pen => shape.points.push(rounded(Point { x, y })),
                            ShapeKind::Line | ShapeKind::Arrow => {
                                shape.points.truncate(1);
                                shape.points.push(Point { x, y });
                            }
                            _ => {
                                shape.width = self.snap(x) - shape.x;
                                shape.height = self.snap(y) - shape.y;
                            }
                        }
                    }
                });
            }
        }
    }

    /// A release: the drag or the drawn shape becomes a change.
    pub fn on_up(self, ev: web_sys::PointerEvent) {
        let (x, y) = self.position(&ev);
        match self.drag.get_untracked() {
            Some(Drag::Move {
                ids, total, unbind, ..
            }) => {
                self.drag.set(None);
                self.guides.set(Vec::new());
                if total != (0.0, 0.0) {
                    let mut ops = unbind;
                    ops.push(Op::Move {
                        ids,
                        dx: total.0,
                        dy: total.1,
                    });
                    self.finish(if ops.len() == 1 {
                        ops.remove(0)
                    } else {
                        Op::Batch { ops }
                    });
                } else {
                    self.editor.update(Editor::cancel_preview);
                    self.revision.update(|r| *r += 1);
                }
            }
            Some(Drag::Resize {
                id,
                x: left,
                y: top,
            }) => {
                self.drag.set(None);
                self.finish(Op::Resize {
                    id,
                    x: left,
                    y: top,
                    width: (self.snap(x) - left).max(20.0),
                    height: (self.snap(y) - top).max(20.0),
                });
            }
            Some(Drag::End { id, end }) => {
                self.drag.set(None);
                let points = self
                    .editor
                    .with_untracked(|e| e.board().get(id).map(|s| s.points.clone()));
                let target = self.bindable(x, y, id);
                let Some(points) = points else {
                    self.editor.update(Editor::cancel_preview);
                    return;
                };
                let mut ops = vec![Op::Unbind { id, end }, Op::Reshape { id, points }];
                if let Some(target) = target {
                    ops.push(Op::Bind { id, end, target });
                }
                self.finish(Op::Batch { ops });
            }
            Some(Drag::Pan { .. }) => self.drag.set(None),
            Some(Drag::Marquee { from, to }) => {
                self.drag.set(None);
                let (left, right) = (from.0.min(to.0), from.0.max(to.0));
                let (top, bottom) = (from.1.min(to.1), from.1.max(to.1));
                if right - left > 3.0 || bottom - top > 3.0 {
                    let inside: Vec<u64> = self.editor.with_untracked(|e| {
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
                    self.selection.update(|ids| {
                        for id in inside {
                            if !ids.contains(&id) {
                                ids.push(id);
                            }
                        }
                    });
                }
            }
            None => {
                if let Some(mut shape) = self.draft.get_untracked() {
                    self.draft.set(None);
                    if shape.is_connector() {
                        shape.to = self
                            .bindable(x, y, shape.from.unwrap_or(0))
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
                        self.commit(Op::Add {
                            shapes: vec![shape],
                            at: None,
                        });
                    }
                }
            }
        }
    }

    /// A double-click names the shape under it.
    pub fn on_double_click(self, ev: web_sys::MouseEvent) {
        let (x, y) = self.position(&ev);
        let Some(id) = self.topmost(x, y) else {
            return;
        };
        let named = self.editor.with_untracked(|e| {
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
            self.text_value.set(text);
            self.editing.set(Some((cx, cy, Some(id))));
        }
    }

    /// Ctrl+wheel zooms at the pointer; the wheel scrolls the board.
    pub fn on_wheel(self, ev: web_sys::WheelEvent) {
        ev.prevent_default();
        if ev.ctrl_key() || ev.meta_key() {
            let factor = if ev.delta_y() < 0.0 {
                ZOOM_STEP
            } else {
                1.0 / ZOOM_STEP
            };
            self.zoom_by(factor, Some(self.pixel(&ev)));
        } else {
            let (dx, dy) = if ev.shift_key() {
                (ev.delta_y(), 0.0)
            } else {
                (ev.delta_x(), ev.delta_y())
            };
            self.view.update(|v| *v = v.panned(-dx, -dy));
        }
    }
}
