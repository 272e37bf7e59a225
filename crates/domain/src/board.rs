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

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{Point, Shape, ValidationError, Whiteboard, MAX_SHAPES};

/// Most operations one log may hold (a 45-minute session writes a few thousand).
pub const MAX_LOG_OPS: usize = 250_000;
/// Largest log file read, in bytes.
pub const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;
/// Most operations in one batch (a paste, a multi-select delete).
pub const MAX_BATCH_OPS: usize = 20_000;
/// Most notices kept when reading a damaged log (the rest are counted).
const MAX_NOTICES: usize = 5;

/// Which end of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// The first point (an arrow's tail).
    Start,
    /// The last point (an arrow's head).
    End,
}

/// One change to the whiteboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Puts shapes on the board: on top, or from z-position `at` (undoing a delete).
    Add {
        /// The new shapes (their ids must be unused).
        shapes: Vec<Shape>,
        /// Where in the drawing order they go; on top when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<usize>,
    },
    /// Moves shapes by (dx, dy); connectors bound to them follow.
    Move {
        /// The shapes moved.
        ids: Vec<u64>,
        /// Horizontal distance.
        dx: f64,
        /// Vertical distance.
        dy: f64,
    },
    /// Gives a box, ellipse or label a new position and size.
    Resize {
        /// The shape.
        id: u64,
        /// New left.
        x: f64,
        /// New top.
        y: f64,
        /// New width.
        width: f64,
        /// New height.
        height: f64,
    },
    /// Replaces the points of a stroke (dragging a connector's free end).
    Reshape {
        /// The stroke.
        id: u64,
        /// Its new points.
        points: Vec<Point>,
    },
    /// Changes colour and stroke width.
    Restyle {
        /// The shape.
        id: u64,
        /// New CSS colour.
        color: String,
        /// New stroke width.
        stroke_width: f64,
    },
    /// Changes (or removes) a shape's label.
    Relabel {
        /// The shape.
        id: u64,
        /// New label.
        text: Option<String>,
    },
    /// Attaches one end of a connector to a shape.
    Bind {
        /// The connector.
        id: u64,
        /// Which end.
        end: End,
        /// The shape it attaches to.
        target: u64,
    },
    /// Detaches one end of a connector (it stays where it is).
    Unbind {
        /// The connector.
        id: u64,
        /// Which end.
        end: End,
    },
    /// Removes shapes; connectors bound to them stay, unbound.
    Delete {
        /// The shapes removed.
        ids: Vec<u64>,
    },
    /// Removes everything.
    Clear,
    /// Several changes applied together and undone together.
    Batch {
        /// The changes, in order.
        ops: Vec<Op>,
    },
}

/// One line of the stored log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpEntry {
    /// Position in the session's log, from 1, without gaps.
    pub seq: u64,
    /// Milliseconds since the session started.
    pub ms: u64,
    /// The change.
    pub op: Op,
}

impl OpEntry {
    /// The entry as one line of the log, with its newline.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// Why an operation cannot be applied. The board is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardError {
    /// The operation names a shape the board does not have.
    #[error("shape {id} is not on the board")]
    UnknownShape {
        /// The missing id.
        id: u64,
    },
    /// An added shape reuses an id.
    #[error("shape {id} is already on the board")]
    DuplicateId {
        /// The id used twice.
        id: u64,
    },
    /// A connector is bound to a shape that is not on the board.
    #[error("connector {id} is bound to shape {target}, which is not on the board")]
    BindToMissing {
        /// The connector.
        id: u64,
        /// The missing shape.
        target: u64,
    },
    /// A bind names something that is not a line or an arrow.
    #[error("shape {id} is not a line or an arrow, so it cannot be bound")]
    NotAConnector {
        /// The shape.
        id: u64,
    },
    /// A connector is bound to a stroke, or both of its ends to one shape.
    #[error("connector {id} cannot attach to shape {target}")]
    BadTarget {
        /// The connector.
        id: u64,
        /// The shape refused.
        target: u64,
    },
    /// The board or a batch would grow past its limit.
    #[error("{what} would exceed {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A shape or value breaks the whiteboard's rules.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

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

    fn position(&self, id: u64) -> Result<usize, BoardError> {
        self.index
            .get(&id)
            .copied()
            .ok_or(BoardError::UnknownShape { id })
    }

    fn reindex(&mut self) {
        self.index.clear();
        self.reindex_from(0);
    }

    /// Updates the positions of the shapes from `start` on (the ones a removal or an
    /// insertion there shifted). An undo removes or restores the newest shapes, so this is
    /// usually a short tail, not the whole board.
    fn reindex_from(&mut self, start: usize) {
        for (i, shape) in self.shapes.iter().enumerate().skip(start) {
            self.index.insert(shape.id, i);
        }
    }

    /// Records the shapes a connector's ends are bound to.
    fn link_ends(&mut self, id: u64) {
        let Some(&i) = self.index.get(&id) else {
            return;
        };
        let ends = [self.shapes[i].from, self.shapes[i].to];
        for target in ends.into_iter().flatten() {
            self.link(id, target);
        }
    }

    fn link(&mut self, connector: u64, target: u64) {
        let bound = self.links.entry(target).or_default();
        if let Err(at) = bound.binary_search(&connector) {
            bound.insert(at, connector);
        }
    }

    fn unlink(&mut self, connector: u64, target: u64) {
        if let Some(bound) = self.links.get_mut(&target) {
            bound.retain(|c| *c != connector);
            if bound.is_empty() {
                self.links.remove(&target);
            }
        }
    }

    fn add(&mut self, shapes: &[Shape], at: Option<usize>) -> Result<Op, BoardError> {
        if self.shapes.len() + shapes.len() > MAX_SHAPES {
            return Err(BoardError::TooMany {
                what: "shapes on the board",
                limit: MAX_SHAPES,
            });
        }
        let mut new_ids = std::collections::HashSet::with_capacity(shapes.len());
        for shape in shapes {
            shape.validate()?;
            if self.index.contains_key(&shape.id) || !new_ids.insert(shape.id) {
                return Err(BoardError::DuplicateId { id: shape.id });
            }
        }
        for shape in shapes {
            for target in [shape.from, shape.to].into_iter().flatten() {
                if !shape.is_connector() {
                    return Err(BoardError::NotAConnector { id: shape.id });
                }
                let bindable = match self.get(target) {
                    Some(found) => found.is_bindable(),
                    None => shapes
                        .iter()
                        .find(|s| s.id == target)
                        .map(Shape::is_bindable)
                        .ok_or(BoardError::BindToMissing {
                            id: shape.id,
                            target,
                        })?,
                };
                if !bindable || shape.from == shape.to {
                    return Err(BoardError::BadTarget {
                        id: shape.id,
                        target,
                    });
                }
            }
        }
        match at {
            Some(at) if at < self.shapes.len() => {
                self.shapes.splice(at..at, shapes.iter().cloned());
                self.reindex_from(at);
            }
            _ => {
                for shape in shapes {
                    self.index.insert(shape.id, self.shapes.len());
                    self.shapes.push(shape.clone());
                }
            }
        }
        for shape in shapes.iter().filter(|s| s.from.is_some() || s.to.is_some()) {
            self.link_ends(shape.id);
            self.route(shape.id);
        }
        Ok(Op::Delete {
            ids: shapes.iter().map(|s| s.id).collect(),
        })
    }

    fn delete(&mut self, ids: &[u64]) -> Result<Op, BoardError> {
        let mut positions = Vec::with_capacity(ids.len());
        for id in ids {
            positions.push(self.position(*id)?);
        }
        positions.sort_unstable();
        positions.dedup();
        let gone: std::collections::HashSet<u64> = ids.iter().copied().collect();
        // Connectors that stay but lose a shape they were bound to come back bound on undo.
        let mut rebinds = Vec::new();
        let mut bound: Vec<u64> = ids
            .iter()
            .filter_map(|id| self.links.get(id))
            .flatten()
            .copied()
            .filter(|c| !gone.contains(c))
            .collect();
        bound.sort_unstable();
        bound.dedup();
        for connector in bound {
            let Some(&i) = self.index.get(&connector) else {
                continue;
            };
            let shape = &mut self.shapes[i];
            for (end, slot) in [(End::Start, &mut shape.from), (End::End, &mut shape.to)] {
                if let Some(target) = slot.filter(|t| gone.contains(t)) {
                    *slot = None;
                    rebinds.push(Op::Bind {
                        id: connector,
                        end,
                        target,
                    });
                }
            }
        }
        for id in ids {
            self.links.remove(id);
            if let Some(&i) = self.index.get(id) {
                let ends = [self.shapes[i].from, self.shapes[i].to];
                for target in ends.into_iter().flatten() {
                    self.unlink(*id, target);
                }
            }
        }
        let mut restores = Vec::with_capacity(positions.len() + rebinds.len());
        for &i in positions.iter().rev() {
            let shape = self.shapes.remove(i);
            self.index.remove(&shape.id);
            restores.push((i, shape));
        }
        if let Some(&first) = positions.first() {
            self.reindex_from(first);
        }
        // Put back in ascending position so each lands where it was.
        let mut inverse: Vec<Op> = restores
            .into_iter()
            .rev()
            .map(|(i, shape)| Op::Add {
                shapes: vec![shape],
                at: Some(i),
            })
            .collect();
        inverse.extend(rebinds);
        Ok(if inverse.len() == 1 {
            inverse.remove(0)
        } else {
            Op::Batch { ops: inverse }
        })
    }

    /// Sets one end's binding and routes the connector; returns the op that undoes it.
    fn set_binding(&mut self, i: usize, end: End, target: Option<u64>) -> Op {
        let id = self.shapes[i].id;
        let before_points = self.shapes[i].points.clone();
        let slot = match end {
            End::Start => &mut self.shapes[i].from,
            End::End => &mut self.shapes[i].to,
        };
        let before = std::mem::replace(slot, target);
        if let Some(old) = before {
            // (Unless the other end is bound to it too.)
            let other = match end {
                End::Start => self.shapes[i].to,
                End::End => self.shapes[i].from,
            };
            if other != Some(old) {
                self.unlink(id, old);
            }
        }
        if let Some(new) = target {
            self.link(id, new);
        }
        self.route(id);
        let restore_binding = match before {
            Some(target) => Op::Bind { id, end, target },
            None => Op::Unbind { id, end },
        };
        Op::Batch {
            ops: vec![
                restore_binding,
                Op::Reshape {
                    id,
                    points: before_points,
                },
            ],
        }
    }

    /// Drops bindings of a shape that point at nothing bindable (a stored board from an
    /// older or hand-edited file).
    fn sanitize_bindings(&mut self, id: u64) {
        let Some(&i) = self.index.get(&id) else {
            return;
        };
        let connector = self.shapes[i].is_connector();
        let ok = |target: Option<u64>| {
            target.filter(|t| connector && *t != id && self.get(*t).is_some_and(Shape::is_bindable))
        };
        let (from, to) = (ok(self.shapes[i].from), ok(self.shapes[i].to));
        let to = if from.is_some() && from == to {
            None
        } else {
            to
        };
        (self.shapes[i].from, self.shapes[i].to) = (from, to);
    }

    /// Re-routes the connectors bound to any of `ids` (and those among `ids`).
    fn route_around(&mut self, ids: &[u64]) {
        let mut touched: Vec<u64> = ids.to_vec();
        for id in ids {
            if let Some(bound) = self.links.get(id) {
                touched.extend_from_slice(bound);
            }
        }
        if ids.len() > 1 {
            touched.sort_unstable();
            touched.dedup();
        }
        for id in touched {
            self.route(id);
        }
    }

    /// Puts a connector's bound ends on the outlines of their shapes.
    fn route(&mut self, id: u64) {
        let Some(&i) = self.index.get(&id) else {
            return;
        };
        let shape = &self.shapes[i];
        if !shape.is_connector() || (shape.from.is_none() && shape.to.is_none()) {
            return;
        }
        let first = shape.points.first().copied().unwrap_or(Point {
            x: shape.x,
            y: shape.y,
        });
        let last = shape.points.last().copied().unwrap_or(first);
        let from = shape.from.and_then(|t| self.get(t));
        let to = shape.to.and_then(|t| self.get(t));
        let aim_start = to.map_or(last, Shape::centre);
        let aim_end = from.map_or(first, Shape::centre);
        let start = from.map_or(first, |s| s.anchor(aim_start));
        let end = to.map_or(last, |s| s.anchor(aim_end));
        let shape = &mut self.shapes[i];
        shape.points = vec![start, end];
        (shape.x, shape.y) = (start.x, start.y);
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

/// A session's whiteboard as stored: the board it started from (an older session's
/// snapshot, or empty) and every change since, for the live board and the replay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoardLog {
    /// The board before the first logged change.
    pub base: Whiteboard,
    /// The changes that apply, in order.
    pub entries: Vec<OpEntry>,
    /// What could not be read or applied, for the user.
    pub notices: Vec<String>,
    /// The highest sequence number stored: the next change is this + 1.
    pub last_seq: u64,
    /// The log was over its limits and only its beginning was read: nothing more can be
    /// added to this board.
    #[serde(default)]
    pub truncated: bool,
}

impl BoardLog {
    /// The board after every change.
    pub fn board(&self) -> Board {
        let mut board = Board::new(self.base.clone()).unwrap_or_default();
        for entry in &self.entries {
            let _ = board.apply(&entry.op);
        }
        board
    }
}

/// A component the candidate drew, for evidence: its label, what it is, and when it first
/// appeared on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The shape.
    pub id: u64,
    /// Its label at the end (or its kind's name).
    pub label: String,
    /// Its palette kind, if it came from the palette.
    pub component: Option<crate::Component>,
    /// Milliseconds into the session when it was drawn.
    pub ms: u64,
}

impl BoardLog {
    /// The named boxes on the final board, in the order they were drawn, each with the time
    /// it first appeared.
    pub fn drawn_components(&self) -> Vec<Drawn> {
        let mut board = Board::new(self.base.clone()).unwrap_or_default();
        let mut first: HashMap<u64, u64> = board
            .shapes()
            .iter()
            .map(|s| (s.id, s.created_ms))
            .collect();
        for entry in &self.entries {
            if board.apply(&entry.op).is_ok() {
                for shape in board.shapes() {
                    first.entry(shape.id).or_insert(entry.ms);
                }
            }
        }
        let mut drawn: Vec<Drawn> = board
            .shapes()
            .iter()
            .filter(|s| !s.is_stroke() && s.kind != crate::ShapeKind::Text)
            .filter_map(|s| {
                let label = s
                    .text
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .or_else(|| s.component.map(|c| c.label().to_string()))?;
                Some(Drawn {
                    id: s.id,
                    label,
                    component: s.component,
                    ms: first.get(&s.id).copied().unwrap_or(0),
                })
            })
            .collect();
        drawn.sort_by_key(|d| (d.ms, d.id));
        drawn
    }
}

/// A board read back from its log.
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    /// The board after every readable operation.
    pub board: Board,
    /// The operations applied, in order (for a replay).
    pub entries: Vec<OpEntry>,
    /// What was skipped and why, for the user.
    pub notices: Vec<String>,
    /// The highest sequence number read, applied or not: the next change is this + 1.
    pub last_seq: u64,
    /// The log held more changes than are read.
    pub truncated: bool,
}

/// Folds a stored log (JSON lines) over a starting board, skipping what cannot be read or
/// applied with a notice for each, so a damaged log opens with everything that survived.
pub fn replay_log(base: Board, log: &str) -> Replayed {
    replay_limited(base, log, MAX_LOG_OPS)
}

fn replay_limited(base: Board, log: &str, limit: usize) -> Replayed {
    let mut out = Replayed {
        board: base,
        ..Replayed::default()
    };
    let mut skipped = 0usize;
    let mut notice = |out: &mut Replayed, text: String| {
        if out.notices.len() < MAX_NOTICES {
            out.notices.push(text);
        } else {
            skipped += 1;
        }
    };
    let ends_cleanly = log.is_empty() || log.ends_with('\n');
    let lines: Vec<&str> = log.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        if out.entries.len() >= limit {
            notice(
                &mut out,
                format!(
                    "the whiteboard log holds more than {limit} changes, more than any \
                     interview writes; the board is shown as of change {limit} and the rest \
                     is ignored"
                ),
            );
            out.truncated = true;
            break;
        }
        let entry: OpEntry = match serde_json::from_str(line) {
            Ok(entry) => entry,
            Err(_) if line_no == lines.len() && !ends_cleanly => {
                notice(
                    &mut out,
                    format!(
                        "the last whiteboard change (line {line_no}) was cut off while it was \
                         being saved; the board is shown without it"
                    ),
                );
                continue;
            }
            Err(error) => {
                let why = error.to_string();
                let why: String = why.chars().take(160).collect();
                notice(
                    &mut out,
                    format!("line {line_no} of the whiteboard log cannot be read ({why}); skipped"),
                );
                continue;
            }
        };
        if entry.seq <= out.last_seq {
            // A batch written twice (a retry after a crash): already applied.
            continue;
        }
        out.last_seq = entry.seq;
        match out.board.apply(&entry.op) {
            Ok(_) => out.entries.push(entry),
            Err(error) => notice(
                &mut out,
                format!(
                    "whiteboard change {} (at {:.1} s) cannot be applied: {error}; skipped",
                    entry.seq,
                    entry.ms as f64 / 1000.0
                ),
            ),
        }
    }
    if skipped > 0 {
        out.notices
            .push(format!("{skipped} more whiteboard changes were skipped"));
    }
    out
}

/// The board as it was `ms` milliseconds into the session: the base with every logged
/// change made by then.
pub fn board_at(base: &Board, entries: &[OpEntry], ms: u64) -> Board {
    let mut board = base.clone();
    for entry in entries.iter().take_while(|e| e.ms <= ms) {
        let _ = board.apply(&entry.op);
    }
    board
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Component, ShapeKind};

    fn boxed(id: u64, x: f64, label: &str) -> Shape {
        Shape {
            id,
            kind: ShapeKind::Rectangle,
            x,
            y: 100.0,
            width: 100.0,
            height: 60.0,
            text: Some(label.into()),
            stroke_width: 2.0,
            component: Some(Component::Service),
            ..Shape::default()
        }
    }

    fn arrow(id: u64, from: u64, to: u64) -> Shape {
        Shape {
            id,
            kind: ShapeKind::Arrow,
            points: vec![Point::default(), Point { x: 1.0, y: 1.0 }],
            stroke_width: 2.0,
            from: Some(from),
            to: Some(to),
            ..Shape::default()
        }
    }

    fn add(shapes: Vec<Shape>) -> Op {
        Op::Add { shapes, at: None }
    }

    fn diagram() -> Board {
        let mut board = Board::default();
        for op in [
            add(vec![boxed(1, 0.0, "client"), boxed(2, 300.0, "api")]),
            add(vec![arrow(3, 1, 2)]),
        ] {
            board.apply(&op).unwrap_or_else(|e| panic!("{e}"));
        }
        board
    }

    #[test]
    fn a_bound_arrow_runs_edge_to_edge_and_follows_its_box() {
        let mut board = diagram();
        let arrow = board.get(3).cloned().unwrap_or_default();
        assert_eq!(
            arrow.points,
            [Point { x: 100.0, y: 130.0 }, Point { x: 300.0, y: 130.0 }]
        );
        board
            .apply(&Op::Move {
                ids: vec![2],
                dx: 100.0,
                dy: 0.0,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let arrow = board.get(3).cloned().unwrap_or_default();
        assert_eq!(arrow.points[1], Point { x: 400.0, y: 130.0 });
    }

    /// The connectors bound to each shape, worked out from the shapes.
    fn links_of(board: &Board) -> HashMap<u64, Vec<u64>> {
        let mut links: HashMap<u64, Vec<u64>> = HashMap::new();
        for shape in board.shapes() {
            let mut ends: Vec<u64> = [shape.from, shape.to].into_iter().flatten().collect();
            ends.dedup();
            for target in ends {
                links.entry(target).or_default().push(shape.id);
            }
        }
        links.values_mut().for_each(|v| v.sort_unstable());
        links
    }

    #[test]
    fn the_index_of_bound_connectors_stays_true_through_any_changes_and_undos() {
        let mut board = Board::default();
        let mut undo: Vec<Op> = Vec::new();
        let mut state = 0x9e37_79b9_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n.max(1)
        };
        for step in 0..3_000 {
            let ids: Vec<u64> = board.shapes().iter().map(|s| s.id).collect();
            let boxes: Vec<u64> = board
                .shapes()
                .iter()
                .filter(|s| s.is_bindable())
                .map(|s| s.id)
                .collect();
            let pick = |list: &[u64], k: u64| list.get(k as usize % list.len().max(1)).copied();
            let id = board.next_id();
            let roll = next(10);
            let clear = roll == 8 && step % 50 == 0;
            let undoing = roll >= 8 && !clear;
            let op = match roll {
                0 | 1 => add(vec![boxed(id, next(900) as f64, "box")]),
                2 | 3 => match (pick(&boxes, next(97)), pick(&boxes, next(89))) {
                    (Some(a), Some(b)) if a != b => add(vec![arrow(id, a, b)]),
                    _ => continue,
                },
                4 => match pick(&ids, next(101)) {
                    Some(target) => Op::Delete { ids: vec![target] },
                    None => continue,
                },
                5 => match pick(&boxes, next(103)) {
                    Some(target) => Op::Move {
                        ids: vec![target],
                        dx: 3.0,
                        dy: -2.0,
                    },
                    None => continue,
                },
                6 => match (pick(&ids, next(107)), pick(&boxes, next(109))) {
                    (Some(c), Some(t)) => Op::Bind {
                        id: c,
                        end: if next(2) == 0 { End::Start } else { End::End },
                        target: t,
                    },
                    _ => continue,
                },
                7 => match pick(&ids, next(113)) {
                    Some(c) => Op::Unbind {
                        id: c,
                        end: End::End,
                    },
                    None => continue,
                },
                8 if clear => Op::Clear,
                _ => match undo.pop() {
                    Some(inverse) => inverse,
                    None => continue,
                },
            };
            match board.apply(&op) {
                // (An undo's own inverse would be a redo: not kept.)
                Ok(_) if undoing => {}
                Ok(inverse) => undo.push(inverse),
                Err(error) => assert!(!undoing, "an undo failed: {error}"),
            }
            assert_eq!(board.links, links_of(&board), "after step {step}: {op:?}");
        }
        while let Some(inverse) = undo.pop() {
            board.apply(&inverse).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(board.links, links_of(&board), "undoing {inverse:?}");
        }
        assert!(board.shapes().is_empty(), "every change undone");
    }

    #[test]
    fn every_operation_is_undone_by_its_inverse() {
        let start = diagram();
        let ops = [
            Op::Move {
                ids: vec![1, 3],
                dx: 5.0,
                dy: -7.0,
            },
            Op::Resize {
                id: 2,
                x: 320.0,
                y: 90.0,
                width: 150.0,
                height: 80.0,
            },
            Op::Relabel {
                id: 2,
                text: Some("gateway".into()),
            },
            Op::Restyle {
                id: 1,
                color: "#ff0000".into(),
                stroke_width: 4.0,
            },
            Op::Unbind {
                id: 3,
                end: End::End,
            },
            Op::Bind {
                id: 3,
                end: End::End,
                target: 1,
            },
            Op::Delete { ids: vec![1] },
            Op::Delete { ids: vec![2, 3] },
            Op::Clear,
            Op::Batch {
                ops: vec![
                    Op::Unbind {
                        id: 3,
                        end: End::Start,
                    },
                    Op::Reshape {
                        id: 3,
                        points: vec![Point { x: 10.0, y: 10.0 }, Point { x: 20.0, y: 20.0 }],
                    },
                ],
            },
        ];
        for op in ops {
            let mut board = start.clone();
            match board.apply(&op) {
                Ok(inverse) => {
                    assert_ne!(board, start, "{op:?} changed nothing");
                    board
                        .apply(&inverse)
                        .unwrap_or_else(|e| panic!("{op:?}: {e}"));
                    assert_eq!(board, start, "{op:?} then {inverse:?}");
                }
                // Binding the end to the shape the start is on is refused.
                Err(error) => assert!(
                    matches!(error, BoardError::BadTarget { .. }),
                    "{op:?}: {error}"
                ),
            }
        }
    }

    #[test]
    fn deleting_a_box_unbinds_its_arrows_and_undo_rebinds_them() {
        let mut board = diagram();
        let inverse = board
            .apply(&Op::Delete { ids: vec![2] })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(board.get(3).and_then(|a| a.to), None);
        board.apply(&inverse).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(board.get(3).and_then(|a| a.to), Some(2));
        assert_eq!(board, diagram());
    }

    #[test]
    fn a_failing_batch_changes_nothing() {
        let mut board = diagram();
        let error = board.apply(&Op::Batch {
            ops: vec![
                Op::Move {
                    ids: vec![1],
                    dx: 10.0,
                    dy: 0.0,
                },
                Op::Bind {
                    id: 3,
                    end: End::End,
                    target: 99,
                },
            ],
        });
        assert_eq!(error, Err(BoardError::BindToMissing { id: 3, target: 99 }));
        assert_eq!(board, diagram());
    }

    #[test]
    fn bad_operations_are_refused() {
        let mut board = diagram();
        let cases = [
            (add(vec![boxed(1, 0.0, "again")]), "already on the board"),
            (add(vec![arrow(9, 1, 42)]), "42, which is not on the board"),
            (add(vec![arrow(9, 1, 1)]), "cannot attach"),
            (
                Op::Move {
                    ids: vec![77],
                    dx: 1.0,
                    dy: 1.0,
                },
                "77 is not on the board",
            ),
            (
                Op::Move {
                    ids: vec![1],
                    dx: f64::NAN,
                    dy: 1.0,
                },
                "coordinate",
            ),
            (
                Op::Bind {
                    id: 1,
                    end: End::End,
                    target: 2,
                },
                "not a line or an arrow",
            ),
            (
                Op::Relabel {
                    id: 1,
                    text: Some("x".repeat(10_000)),
                },
                "too long",
            ),
        ];
        for (op, expected) in cases {
            let error = board.apply(&op).map(|_| ()).unwrap_err_or_panic();
            assert!(error.to_string().contains(expected), "{op:?}: {error}");
            assert_eq!(board, diagram(), "{op:?} left the board unchanged");
        }
    }

    trait UnwrapErr {
        fn unwrap_err_or_panic(self) -> BoardError;
    }
    impl UnwrapErr for Result<(), BoardError> {
        fn unwrap_err_or_panic(self) -> BoardError {
            match self {
                Ok(()) => panic!("accepted"),
                Err(error) => error,
            }
        }
    }

    fn log(entries: &[(u64, Op)]) -> String {
        entries
            .iter()
            .map(|(seq, op)| {
                OpEntry {
                    seq: *seq,
                    ms: seq * 1000,
                    op: op.clone(),
                }
                .to_line()
            })
            .collect()
    }

    #[test]
    fn a_log_folds_into_the_board_and_damage_is_skipped_with_a_notice() {
        let clean = log(&[
            (
                1,
                add(vec![boxed(1, 0.0, "client"), boxed(2, 300.0, "api")]),
            ),
            (2, add(vec![arrow(3, 1, 2)])),
            (
                3,
                Op::Move {
                    ids: vec![2],
                    dx: 10.0,
                    dy: 10.0,
                },
            ),
        ]);
        let replayed = replay_log(Board::default(), &clean);
        assert!(replayed.notices.is_empty(), "{:?}", replayed.notices);
        assert_eq!(replayed.entries.len(), 3);
        let mut expected = diagram();
        let _ = expected.apply(&Op::Move {
            ids: vec![2],
            dx: 10.0,
            dy: 10.0,
        });
        assert_eq!(replayed.board, expected);
        // A retried batch (seq already applied) is applied once.
        let twice = format!("{clean}{}", log(&[(3, Op::Clear)]));
        assert_eq!(replay_log(Board::default(), &twice).board, expected);

        let unknown = clean.replace("{\"move\":", "{\"rotate\":");
        let replayed = replay_log(Board::default(), &unknown);
        assert_eq!(replayed.board, diagram());
        assert!(
            replayed.notices[0].contains("line 3"),
            "{:?}",
            replayed.notices
        );
        assert!(
            replayed.notices[0].contains("rotate"),
            "{:?}",
            replayed.notices
        );

        let missing = format!(
            "{clean}{}",
            log(&[(
                4,
                Op::Bind {
                    id: 3,
                    end: End::End,
                    target: 404
                }
            )])
        );
        let replayed = replay_log(Board::default(), &missing);
        assert_eq!(replayed.board, expected);
        assert!(
            replayed.notices[0].contains("404"),
            "{:?}",
            replayed.notices
        );

        let cut = &clean[..clean.len() - 9];
        let replayed = replay_log(Board::default(), cut);
        assert_eq!(replayed.board, diagram());
        assert!(
            replayed.notices[0].contains("cut off"),
            "{:?}",
            replayed.notices
        );
    }

    #[test]
    fn a_huge_log_stops_at_the_limit_with_a_notice() {
        let mut text = log(&[(1, add(vec![boxed(1, 0.0, "a")]))]);
        let step = |seq: u64| {
            OpEntry {
                seq,
                ms: seq,
                op: Op::Move {
                    ids: vec![1],
                    dx: 1.0,
                    dy: 0.0,
                },
            }
            .to_line()
        };
        for seq in 2..=1010 {
            text.push_str(&step(seq));
        }
        let replayed = replay_limited(Board::default(), &text, 1000);
        assert_eq!(replayed.entries.len(), 1000);
        assert!(
            replayed.notices[0].contains("more than"),
            "{:?}",
            replayed.notices
        );
        assert_eq!(replayed.board.get(1).map(|s| s.x), Some(999.0));
    }

    #[test]
    fn the_board_at_a_moment_has_only_what_was_done_by_then() {
        let text = log(&[
            (1, add(vec![boxed(1, 0.0, "client")])),
            (2, add(vec![boxed(2, 300.0, "api")])),
            (3, Op::Delete { ids: vec![1] }),
        ]);
        let replayed = replay_log(Board::default(), &text);
        let at = |ms| {
            board_at(&Board::default(), &replayed.entries, ms)
                .shapes()
                .len()
        };
        assert_eq!((at(500), at(1000), at(2000), at(3000)), (0, 1, 2, 1));
    }

    #[test]
    fn drawn_components_are_the_named_boxes_left_with_when_they_appeared() {
        let text = log(&[
            (1, add(vec![boxed(1, 0.0, "client")])),
            (2, add(vec![boxed(2, 300.0, "api"), arrow(3, 1, 2)])),
            (3, add(vec![boxed(4, 600.0, "gone")])),
            (4, Op::Delete { ids: vec![4] }),
            (
                5,
                Op::Relabel {
                    id: 2,
                    text: Some("gateway".into()),
                },
            ),
        ]);
        let log = BoardLog {
            entries: replay_log(Board::default(), &text).entries,
            ..BoardLog::default()
        };
        let drawn: Vec<(String, u64)> = log
            .drawn_components()
            .into_iter()
            .map(|d| (d.label, d.ms))
            .collect();
        assert_eq!(drawn, [("client".into(), 1000), ("gateway".into(), 2000)]);
    }

    #[test]
    fn stored_boards_with_dangling_bindings_still_open() {
        let mut dangling = arrow(3, 1, 9);
        dangling.points = vec![Point { x: 0.0, y: 0.0 }, Point { x: 50.0, y: 50.0 }];
        let board = Board::new(Whiteboard {
            shapes: vec![boxed(1, 0.0, "a"), dangling],
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let arrow = board.get(3).cloned().unwrap_or_default();
        assert_eq!((arrow.from, arrow.to), (Some(1), None));
        assert_eq!(arrow.points[1], Point { x: 50.0, y: 50.0 });
        // An old snapshot without bindings reads as it was.
        let old = r#"{"shapes":[{"id":1,"kind":"rectangle","x":1,"y":2,"width":3,"height":4}]}"#;
        let board: Whiteboard = serde_json::from_str(old).unwrap_or_default();
        assert_eq!(Board::new(board).map(|b| b.shapes().len()), Ok(1));
    }
}
