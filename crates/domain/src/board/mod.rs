//! The whiteboard as an operation log: every change (add, move, resize, restyle, relabel,
//! bind, unbind, delete, clear) is an [`Op`], the board is the fold of the log, and undo is
//! the inverse operation that [`Board::apply`] returns — no copies of the board.
//!
//! Connectors (lines and arrows) may be bound to shapes: a bound end sits on the outline of
//! its shape, facing the other end, and follows the shape when it moves or is resized.
//! Routing is a pure function of the bound shapes and the free ends, so an operation and its
//! inverse always land on the same picture.
//!
//! The log is stored as JSON lines ([`OpEntry`]), one per change, appended as the candidate
//! draws. [`replay_log`] reads it back and recovers from what a crash or a hostile file can
//! leave: a cut-off last line, an unknown operation, a bind to a missing shape, a log too
//! long to be real. Each is skipped with a notice the UI shows; the board is never silently
//! blank. Hand-written: the fold and its inverses are the app's own model of a diagram, no
//! crate models them.

mod connectors;
mod edit;
mod log;
mod ops;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use log::{board_at, replay_log, BoardLog, Drawn, Replayed};
pub use ops::{BoardError, End, Op, OpEntry};

use crate::{Shape, ValidationError, Whiteboard};

/// Most operations one log may hold (a 45-minute session writes a few thousand).
pub const MAX_LOG_OPS: usize = 250_000;
/// Largest log file read, in bytes.
pub const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;
/// Most operations in one batch (a paste, a multi-select delete).
pub const MAX_BATCH_OPS: usize = 20_000;
/// Most notices kept when reading a damaged log (the rest are counted).
const MAX_NOTICES: usize = 5;

/// A whiteboard that changes only through operations.
#[derive(Debug, Clone, Default)]
pub struct Board {
    shapes: Vec<Shape>,
    /// Where each shape is in `shapes`.
    index: HashMap<u64, usize>,
    /// The connectors bound to each shape (sorted), so moving a box re-routes its arrows
    /// without scanning the board.
    links: HashMap<u64, Vec<u64>>,
}

/// Two boards are equal when they hold the same shapes in the same order (the indexes are
/// derived from the shapes).
impl PartialEq for Board {
    fn eq(&self, other: &Self) -> bool {
        self.shapes == other.shapes
    }
}

impl Board {
    /// A board holding a stored whiteboard. Bindings to shapes that are not on it are dropped
    /// and connectors are routed, so any stored board opens.
    pub fn new(board: Whiteboard) -> Result<Self, BoardError> {
        board.validate()?;
        let mut this = Self {
            shapes: board.shapes,
            ..Self::default()
        };
        this.reindex();
        let ids: Vec<u64> = this.shapes.iter().map(|s| s.id).collect();
        for &id in &ids {
            this.sanitize_bindings(id);
        }
        for &id in &ids {
            this.link_ends(id);
            this.route(id);
        }
        Ok(this)
    }

    /// The shapes in drawing order.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// One shape by id.
    pub fn get(&self, id: u64) -> Option<&Shape> {
        self.index.get(&id).map(|&i| &self.shapes[i])
    }

    /// An id no shape uses.
    pub fn next_id(&self) -> u64 {
        self.shapes.iter().map(|s| s.id).max().unwrap_or(0) + 1
    }

    /// The board as stored data.
    pub fn to_whiteboard(&self) -> Whiteboard {
        Whiteboard {
            shapes: self.shapes.clone(),
        }
    }

    /// Applies an operation and returns the one that undoes it. On error nothing changed.
    pub fn apply(&mut self, op: &Op) -> Result<Op, BoardError> {
        match op {
            Op::Add { shapes, at } => self.add(shapes, *at),
            Op::Move { ids, dx, dy } => {
                finite(&[*dx, *dy])?;
                for id in ids {
                    self.position(*id)?;
                }
                for id in ids {
                    let i = self.position(*id)?;
                    let moved = self.shapes[i].moved(*dx, *dy);
                    self.shapes[i] = moved;
                }
                self.route_around(ids);
                Ok(Op::Move {
                    ids: ids.clone(),
                    dx: -dx,
                    dy: -dy,
                })
            }
            Op::Resize {
                id,
                x,
                y,
                width,
                height,
            } => {
                finite(&[*x, *y, *width, *height])?;
                let i = self.position(*id)?;
                let shape = &mut self.shapes[i];
                if shape.is_stroke() {
                    return Err(BoardError::BadTarget {
                        id: *id,
                        target: *id,
                    });
                }
                let inverse = Op::Resize {
                    id: *id,
                    x: shape.x,
                    y: shape.y,
                    width: shape.width,
                    height: shape.height,
                };
                (shape.x, shape.y, shape.width, shape.height) = (*x, *y, *width, *height);
                *shape = shape.normalized();
                self.route_around(&[*id]);
                Ok(inverse)
            }
            Op::Reshape { id, points } => {
                let i = self.position(*id)?;
                let mut changed = self.shapes[i].clone();
                if !changed.is_stroke() || points.is_empty() {
                    return Err(BoardError::NotAConnector { id: *id });
                }
                let before = std::mem::replace(&mut changed.points, points.clone());
                if let Some(first) = points.first() {
                    (changed.x, changed.y) = (first.x, first.y);
                }
                changed.validate()?;
                self.shapes[i] = changed;
                self.route(*id);
                Ok(Op::Reshape {
                    id: *id,
                    points: before,
                })
            }
            Op::Restyle {
                id,
                color,
                stroke_width,
            } => {
                let i = self.position(*id)?;
                let mut changed = self.shapes[i].clone();
                let inverse = Op::Restyle {
                    id: *id,
                    color: std::mem::replace(&mut changed.color, color.clone()),
                    stroke_width: std::mem::replace(&mut changed.stroke_width, *stroke_width),
                };
                changed.validate()?;
                self.shapes[i] = changed;
                Ok(inverse)
            }
            Op::Relabel { id, text } => {
                let i = self.position(*id)?;
                let mut changed = self.shapes[i].clone();
                let inverse = Op::Relabel {
                    id: *id,
                    text: std::mem::replace(&mut changed.text, text.clone()),
                };
                changed.validate()?;
                self.shapes[i] = changed;
                Ok(inverse)
            }
            Op::Bind { id, end, target } => {
                let i = self.position(*id)?;
                if !self.shapes[i].is_connector() {
                    return Err(BoardError::NotAConnector { id: *id });
                }
                let Some(&t) = self.index.get(target) else {
                    return Err(BoardError::BindToMissing {
                        id: *id,
                        target: *target,
                    });
                };
                let other = match end {
                    End::Start => self.shapes[i].to,
                    End::End => self.shapes[i].from,
                };
                if !self.shapes[t].is_bindable() || other == Some(*target) {
                    return Err(BoardError::BadTarget {
                        id: *id,
                        target: *target,
                    });
                }
                Ok(self.set_binding(i, *end, Some(*target)))
            }
            Op::Unbind { id, end } => {
                let i = self.position(*id)?;
                if !self.shapes[i].is_connector() {
                    return Err(BoardError::NotAConnector { id: *id });
                }
                Ok(self.set_binding(i, *end, None))
            }
            Op::Delete { ids } => self.delete(ids),
            Op::Clear => {
                let shapes = std::mem::take(&mut self.shapes);
                self.index.clear();
                self.links.clear();
                Ok(Op::Add {
                    shapes,
                    at: Some(0),
                })
            }
            Op::Batch { ops } => {
                if ops.len() > MAX_BATCH_OPS {
                    return Err(BoardError::TooMany {
                        what: "operations in one batch",
                        limit: MAX_BATCH_OPS,
                    });
                }
                let mut inverses = Vec::with_capacity(ops.len());
                for op in ops {
                    match self.apply(op) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(error) => {
                            for inverse in inverses.iter().rev() {
                                let _ = self.apply(inverse);
                            }
                            return Err(error);
                        }
                    }
                }
                inverses.reverse();
                Ok(Op::Batch { ops: inverses })
            }
        }
    }
}

fn finite(numbers: &[f64]) -> Result<(), BoardError> {
    if numbers.iter().all(|n| n.is_finite()) {
        Ok(())
    } else {
        Err(BoardError::Invalid(ValidationError::OutOfRange {
            field: "whiteboard coordinate",
            min: f64::MIN,
            max: f64::MAX,
            actual: f64::NAN,
        }))
    }
}
