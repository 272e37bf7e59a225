//! Alignment guides: while boxes are dragged, an edge or centre that comes close to another
//! box's edge or centre snaps to it and a guide line shows the alignment (as in draw.io and
//! Excalidraw). Pure, so it is tested natively.

use std::collections::HashSet;

use mockint_domain::{Bounds, Shape};

/// How close (board units) an edge must come to snap.
pub const SNAP_DISTANCE: f64 = 6.0;

/// A guide to draw: a vertical line at `x` from `from` to `to`, or a horizontal one at `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Guide {
    /// A vertical line: x, and its extent in y.
    Vertical { x: f64, from: f64, to: f64 },
    /// A horizontal line: y, and its extent in x.
    Horizontal { y: f64, from: f64, to: f64 },
}

/// Where a dragged box lands: the correction to add to the move and the guides to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    /// Added to the move's x.
    pub dx: f64,
    /// Added to the move's y.
    pub dy: f64,
    /// What lines up, to draw.
    pub guides: Vec<Guide>,
}

/// Left, centre and right (or top, middle and bottom).
fn lines(low: f64, high: f64) -> [f64; 3] {
    [low, (low + high) / 2.0, high]
}

/// The nearest alignment of `moving`'s lines with one of `others`' lines within `distance`:
/// the correction and the other box it lines up with.
fn nearest(
    moving: [f64; 3],
    others: &[Bounds],
    line: impl Fn(&Bounds) -> [f64; 3],
    distance: f64,
) -> Option<(f64, f64)> {
    let mut best: Option<(f64, f64)> = None;
    for other in others {
        for target in line(other) {
            for own in moving {
                let correction = target - own;
                if correction.abs() <= distance
                    && best.is_none_or(|(b, _)| correction.abs() < b.abs())
                {
                    best = Some((correction, target));
                }
            }
        }
    }
    best
}

/// One axis: the correction, the line it aligns on, and the guide's extent across the axis,
/// through the moving box (`own_extent`) and every other box lined up on that line.
fn snap_axis(
    moving: [f64; 3],
    own_extent: (f64, f64),
    others: &[Bounds],
    along: impl Fn(&Bounds) -> [f64; 3],
    across: impl Fn(&Bounds) -> (f64, f64),
    distance: f64,
) -> Option<(f64, f64, f64, f64)> {
    let (correction, at) = nearest(moving, others, &along, distance)?;
    let (mut from, mut to) = own_extent;
    for other in others {
        if along(other).iter().any(|l| (l - at).abs() < 1e-6) {
            let (low, high) = across(other);
            from = from.min(low);
            to = to.max(high);
        }
    }
    Some((correction, at, from, to))
}

/// Snaps `moving` (the dragged boxes' bounds where the pointer puts them) to the nearest
/// aligned edge or centre of `others`, separately in x and y.
pub fn align(moving: Bounds, others: &[Bounds], distance: f64) -> Alignment {
    let mut out = Alignment::default();
    let columns = |b: &Bounds| lines(b.left, b.right);
    let rows = |b: &Bounds| lines(b.top, b.bottom);
    let own = (moving.top, moving.bottom);
    let vertical = |b: &Bounds| (b.top, b.bottom);
    if let Some((dx, x, from, to)) =
        snap_axis(columns(&moving), own, others, columns, vertical, distance)
    {
        out.dx = dx;
        out.guides.push(Guide::Vertical { x, from, to });
    }
    // The horizontal guide spans the boxes where the x snap has put them.
    let own = (moving.left + out.dx, moving.right + out.dx);
    let horizontal = |b: &Bounds| (b.left, b.right);
    if let Some((dy, y, from, to)) =
        snap_axis(rows(&moving), own, others, rows, horizontal, distance)
    {
        out.dy = dy;
        out.guides.push(Guide::Horizontal { y, from, to });
    }
    out
}

/// Where dragged boxes line up with the other boxes once moved by `offset`: None when only
/// strokes are dragged or nothing lines up.
pub fn alignment(
    shapes: &[Shape],
    ids: &[u64],
    offset: (f64, f64),
    distance: f64,
) -> Option<Alignment> {
    let dragged: HashSet<u64> = ids.iter().copied().collect();
    let mut moving: Option<Bounds> = None;
    let mut others = Vec::new();
    for shape in shapes.iter().filter(|s| !s.is_stroke()) {
        let b = shape.bounds();
        if dragged.contains(&shape.id) {
            let b = Bounds {
                left: b.left + offset.0,
                top: b.top + offset.1,
                right: b.right + offset.0,
                bottom: b.bottom + offset.1,
            };
            moving = Some(moving.map_or(b, |m| Bounds {
                left: m.left.min(b.left),
                top: m.top.min(b.top),
                right: m.right.max(b.right),
                bottom: m.bottom.max(b.bottom),
            }));
        } else {
            others.push(b);
        }
    }
    let found = align(moving?, &others, distance);
    (!found.guides.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(left: f64, top: f64, w: f64, h: f64) -> Bounds {
        Bounds {
            left,
            top,
            right: left + w,
            bottom: top + h,
        }
    }

    #[test]
    fn a_box_dropped_near_another_lines_up_with_it() {
        let others = [at(100.0, 100.0, 150.0, 70.0), at(600.0, 400.0, 100.0, 50.0)];
        // 4 px right of the first box's left edge, far below it: x snaps, y does not.
        let moving = at(104.0, 300.0, 150.0, 70.0);
        let found = align(moving, &others, SNAP_DISTANCE);
        assert_eq!(found.dx, -4.0);
        assert_eq!(found.dy, 0.0);
        assert_eq!(
            found.guides,
            [Guide::Vertical {
                x: 100.0,
                from: 100.0,
                to: 370.0
            }]
        );
    }

    #[test]
    fn centres_align_and_the_nearest_line_wins() {
        let others = [at(0.0, 0.0, 100.0, 100.0)];
        // Its middle (y 52) is 2 px from the other's middle (50); its top is 3 px from it.
        let moving = at(300.0, 47.0, 80.0, 10.0);
        let found = align(moving, &others, SNAP_DISTANCE);
        assert_eq!(found.dy, -2.0);
        assert!(matches!(found.guides[..], [Guide::Horizontal { y, .. }] if y == 50.0));
    }

    #[test]
    fn dragged_boxes_align_with_other_boxes_but_not_with_strokes() {
        let boxed = |id: u64, x: f64, y: f64| Shape {
            id,
            kind: mockint_domain::ShapeKind::Rectangle,
            x,
            y,
            width: 100.0,
            height: 50.0,
            ..Shape::default()
        };
        let pen = Shape {
            id: 9,
            kind: mockint_domain::ShapeKind::Pen,
            points: vec![
                mockint_domain::Point { x: 303.0, y: 0.0 },
                mockint_domain::Point { x: 303.0, y: 500.0 },
            ],
            ..Shape::default()
        };
        let shapes = [boxed(1, 0.0, 0.0), boxed(2, 300.0, 200.0), pen];
        // Box 2 moved 3 px left: its left edge (297) is near only the pen (303), which
        // does not count.
        assert_eq!(alignment(&shapes, &[2], (-3.0, 0.0), SNAP_DISTANCE), None);
        // Dragged up to 4 px below box 1's top: it lines up with it.
        let found = alignment(&shapes, &[2], (0.0, -196.0), SNAP_DISTANCE);
        assert_eq!(found.map(|a| (a.dx, a.dy)), Some((0.0, -4.0)));
        // Only strokes dragged: no guides.
        assert_eq!(alignment(&shapes, &[9], (0.0, 0.0), SNAP_DISTANCE), None);
    }

    #[test]
    fn nothing_close_means_no_snap() {
        let others = [at(0.0, 0.0, 100.0, 100.0)];
        let found = align(at(400.0, 300.0, 50.0, 50.0), &others, SNAP_DISTANCE);
        assert_eq!(found, Alignment::default());
        assert_eq!(
            align(at(0.0, 0.0, 1.0, 1.0), &[], SNAP_DISTANCE),
            Alignment::default()
        );
    }
}
