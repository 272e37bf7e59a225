//! Adding and deleting shapes, and the position index they keep up to date.

use super::{Board, BoardError, End, Op};
use crate::{Shape, MAX_SHAPES};

impl Board {
    pub(super) fn position(&self, id: u64) -> Result<usize, BoardError> {
        self.index
            .get(&id)
            .copied()
            .ok_or(BoardError::UnknownShape { id })
    }

    pub(super) fn reindex(&mut self) {
        self.index.clear();
        self.reindex_from(0);
    }

    /// Updates the positions of the shapes from `start` on (the ones a removal or an
    /// insertion there shifted). An undo removes or restores the newest shapes, so this is
    /// usually a short tail, not the whole board.
    pub(super) fn reindex_from(&mut self, start: usize) {
        for (i, shape) in self.shapes.iter().enumerate().skip(start) {
            self.index.insert(shape.id, i);
        }
    }

    /// Records the shapes a connector's ends are bound to.
    pub(super) fn link_ends(&mut self, id: u64) {
        let Some(&i) = self.index.get(&id) else {
            return;
        };
        let ends = [self.shapes[i].from, self.shapes[i].to];
        for target in ends.into_iter().flatten() {
            self.link(id, target);
        }
    }

    pub(super) fn link(&mut self, connector: u64, target: u64) {
        let bound = self.links.entry(target).or_default();
        if let Err(at) = bound.binary_search(&connector) {
            bound.insert(at, connector);
        }
    }

    pub(super) fn unlink(&mut self, connector: u64, target: u64) {
        if let Some(bound) = self.links.get_mut(&target) {
            bound.retain(|c| *c != connector);
            if bound.is_empty() {
                self.links.remove(&target);
            }
        }
    }

    pub(super) fn add(&mut self, shapes: &[Shape], at: Option<usize>) -> Result<Op, BoardError> {
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

    pub(super) fn delete(&mut self, ids: &[u64]) -> Result<Op, BoardError> {
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
}
