//! Connectors bound to shapes: the index of what is bound to each shape, binding and
//! unbinding, and routing a bound end onto its shape's outline.

use super::{Board, End, Op};
use crate::{Point, Shape};

impl Board {
    /// Sets one end's binding and routes the connector; returns the op that undoes it.
    pub(super) fn set_binding(&mut self, i: usize, end: End, target: Option<u64>) -> Op {
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
    pub(super) fn sanitize_bindings(&mut self, id: u64) {
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
    pub(super) fn route_around(&mut self, ids: &[u64]) {
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
    pub(super) fn route(&mut self, id: u64) {
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
