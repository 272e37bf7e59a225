//! Whiteboard geometry, shared by the UI (picking, moving, erasing) and the analysis in `ai`
//! (which label sits in which box, where an arrow starts and ends), so both agree on what a
//! shape covers.

use crate::{Point, Shape, ShapeKind};

/// An axis-aligned box: `left <= right`, `top <= bottom`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Smallest x.
    pub left: f64,
    /// Smallest y.
    pub top: f64,
    /// Largest x.
    pub right: f64,
    /// Largest y.
    pub bottom: f64,
}

impl Bounds {
    /// Whether a point lies inside (edges included).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.left && x <= self.right && y >= self.top && y <= self.bottom
    }

    /// Distance from a point to the box (0 inside).
    pub fn distance_to(&self, x: f64, y: f64) -> f64 {
        let dx = (self.left - x).max(x - self.right).max(0.0);
        let dy = (self.top - y).max(y - self.bottom).max(0.0);
        (dx * dx + dy * dy).sqrt()
    }

    /// The larger of width and height.
    pub fn extent(&self) -> f64 {
        (self.right - self.left).max(self.bottom - self.top)
    }

    /// The box grown by `margin` on every side.
    pub fn grown(&self, margin: f64) -> Self {
        Self {
            left: self.left - margin,
            top: self.top - margin,
            right: self.right + margin,
            bottom: self.bottom + margin,
        }
    }
}

/// Approximate width of one character of a text label, in canvas pixels.
const CHAR_WIDTH: f64 = 12.0;
/// Approximate height of a text label.
const LINE_HEIGHT: f64 = 26.0;

impl Shape {
    /// Whether the shape is drawn as a path through its points (pen, line, arrow).
    pub fn is_stroke(&self) -> bool {
        matches!(
            self.kind,
            ShapeKind::Pen | ShapeKind::Line | ShapeKind::Arrow
        )
    }

    /// The box the shape covers. A stroke without points covers its origin.
    pub fn bounds(&self) -> Bounds {
        match self.kind {
            _ if self.is_stroke() && !self.points.is_empty() => {
                let mut bounds = Bounds {
                    left: f64::MAX,
                    top: f64::MAX,
                    right: f64::MIN,
                    bottom: f64::MIN,
                };
                for p in &self.points {
                    bounds.left = bounds.left.min(p.x);
                    bounds.top = bounds.top.min(p.y);
                    bounds.right = bounds.right.max(p.x);
                    bounds.bottom = bounds.bottom.max(p.y);
                }
                bounds
            }
            ShapeKind::Text => {
                let chars = self.text.as_deref().map_or(1, |t| t.chars().count().max(1)) as f64;
                Bounds {
                    left: self.x,
                    top: self.y,
                    right: self.x + chars * CHAR_WIDTH,
                    bottom: self.y + LINE_HEIGHT,
                }
            }
            _ => Bounds {
                left: self.x.min(self.x + self.width),
                top: self.y.min(self.y + self.height),
                right: self.x.max(self.x + self.width),
                bottom: self.y.max(self.y + self.height),
            },
        }
    }

    /// Whether a point is on the shape, within `tolerance` pixels: near a stroke's path, or
    /// inside a box, ellipse or label's bounds.
    pub fn hit(&self, x: f64, y: f64, tolerance: f64) -> bool {
        if self.is_stroke() {
            match self.points.as_slice() {
                [] => false,
                [only] => distance((x, y), only, only) <= tolerance,
                points => points
                    .windows(2)
                    .any(|w| distance((x, y), &w[0], &w[1]) <= tolerance),
            }
        } else {
            self.bounds().grown(tolerance).contains(x, y)
        }
    }

    /// The shape moved by (dx, dy).
    pub fn moved(&self, dx: f64, dy: f64) -> Shape {
        let mut shape = self.clone();
        shape.x += dx;
        shape.y += dy;
        for p in &mut shape.points {
            p.x += dx;
            p.y += dy;
        }
        shape
    }

    /// The middle of the shape's bounds.
    pub fn centre(&self) -> Point {
        let b = self.bounds();
        Point {
            x: (b.left + b.right) / 2.0,
            y: (b.top + b.bottom) / 2.0,
        }
    }

    /// Where a connector aimed from the shape's centre toward `toward` leaves its outline:
    /// the edge of a box or label, the curve of an ellipse. A point at the centre itself
    /// gives the centre.
    pub fn anchor(&self, toward: Point) -> Point {
        let b = self.bounds();
        let centre = self.centre();
        let (dx, dy) = (toward.x - centre.x, toward.y - centre.y);
        let (half_w, half_h) = ((b.right - b.left) / 2.0, (b.bottom - b.top) / 2.0);
        if (dx == 0.0 && dy == 0.0) || half_w <= 0.0 || half_h <= 0.0 {
            return centre;
        }
        let scale = if self.kind == ShapeKind::Ellipse {
            1.0 / ((dx / half_w).powi(2) + (dy / half_h).powi(2)).sqrt()
        } else {
            1.0 / (dx.abs() / half_w).max(dy.abs() / half_h)
        };
        Point {
            x: centre.x + dx * scale,
            y: centre.y + dy * scale,
        }
    }

    /// Whether the shape is a connector (a line or an arrow), which may be bound to shapes.
    pub fn is_connector(&self) -> bool {
        matches!(self.kind, ShapeKind::Line | ShapeKind::Arrow)
    }

    /// Whether a connector may attach to the shape (boxes, ellipses and labels).
    pub fn is_bindable(&self) -> bool {
        !self.is_stroke()
    }

    /// The same box with a positive width and height (a box drawn up or left).
    pub fn normalized(&self) -> Shape {
        let mut shape = self.clone();
        if shape.width < 0.0 {
            shape.x += shape.width;
            shape.width = -shape.width;
        }
        if shape.height < 0.0 {
            shape.y += shape.height;
            shape.height = -shape.height;
        }
        shape
    }
}

/// The topmost shape a connector could attach to under a point (within `tolerance`), other
/// than `except`.
pub fn bindable_at(shapes: &[Shape], x: f64, y: f64, tolerance: f64, except: u64) -> Option<u64> {
    shapes
        .iter()
        .rev()
        .find(|shape| shape.id != except && shape.is_bindable() && shape.hit(x, y, tolerance))
        .map(|shape| shape.id)
}

/// The topmost shape (drawn last) under a point, within `tolerance` pixels.
pub fn topmost_at(shapes: &[Shape], x: f64, y: f64, tolerance: f64) -> Option<u64> {
    shapes
        .iter()
        .rev()
        .find(|shape| shape.hit(x, y, tolerance))
        .map(|shape| shape.id)
}

/// Distance from a point to the segment a–b.
fn distance(p: (f64, f64), a: &Point, b: &Point) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(kind: ShapeKind, x: f64, y: f64, width: f64, height: f64) -> Shape {
        Shape {
            id: 1,
            kind,
            x,
            y,
            width,
            height,
            points: Vec::new(),
            text: None,
            color: String::new(),
            stroke_width: 2.0,
            ..Shape::default()
        }
    }

    fn arrow(from: (f64, f64), to: (f64, f64)) -> Shape {
        let mut arrow = shape(ShapeKind::Arrow, from.0, from.1, 0.0, 0.0);
        arrow.points = vec![
            Point {
                x: from.0,
                y: from.1,
            },
            Point { x: to.0, y: to.1 },
        ];
        arrow
    }

    #[test]
    fn a_box_drawn_up_and_left_covers_the_same_area() {
        let drawn = shape(ShapeKind::Rectangle, 100.0, 100.0, -50.0, -20.0);
        let bounds = drawn.bounds();
        assert_eq!(
            (bounds.left, bounds.top, bounds.right, bounds.bottom),
            (50.0, 80.0, 100.0, 100.0)
        );
        let normal = drawn.normalized();
        assert_eq!(
            (normal.x, normal.y, normal.width, normal.height),
            (50.0, 80.0, 50.0, 20.0)
        );
        assert_eq!(normal.bounds(), bounds);
    }

    #[test]
    fn strokes_are_hit_near_their_path_not_inside_their_box() {
        let diagonal = arrow((0.0, 0.0), (100.0, 100.0));
        assert!(diagonal.hit(50.0, 52.0, 8.0));
        assert!(
            !diagonal.hit(90.0, 10.0, 8.0),
            "inside the box but far from the line"
        );
        let dot = arrow((10.0, 10.0), (10.0, 10.0));
        assert!(dot.hit(12.0, 12.0, 8.0));
    }

    #[test]
    fn the_topmost_shape_wins_and_moving_moves_every_point() {
        let mut under = shape(ShapeKind::Rectangle, 0.0, 0.0, 200.0, 200.0);
        under.id = 1;
        let mut over = shape(ShapeKind::Ellipse, 50.0, 50.0, 20.0, 20.0);
        over.id = 2;
        let shapes = vec![under, over];
        assert_eq!(topmost_at(&shapes, 60.0, 60.0, 0.0), Some(2));
        assert_eq!(topmost_at(&shapes, 150.0, 150.0, 0.0), Some(1));
        assert_eq!(topmost_at(&shapes, 500.0, 500.0, 8.0), None);
        let moved = arrow((0.0, 0.0), (10.0, 0.0)).moved(5.0, -5.0);
        assert_eq!((moved.x, moved.y), (5.0, -5.0));
        assert_eq!(moved.points[1], Point { x: 15.0, y: -5.0 });
    }

    #[test]
    fn anchors_sit_on_the_outline_toward_the_other_end() {
        let square = shape(ShapeKind::Rectangle, 0.0, 0.0, 100.0, 50.0);
        assert_eq!(
            square.anchor(Point { x: 300.0, y: 25.0 }),
            Point { x: 100.0, y: 25.0 }
        );
        assert_eq!(
            square.anchor(Point { x: 50.0, y: -100.0 }),
            Point { x: 50.0, y: 0.0 }
        );
        assert_eq!(
            square.anchor(Point { x: 50.0, y: 25.0 }),
            Point { x: 50.0, y: 25.0 }
        );
        let round = shape(ShapeKind::Ellipse, 0.0, 0.0, 100.0, 100.0);
        let p = round.anchor(Point { x: 200.0, y: 200.0 });
        let r = ((p.x - 50.0).powi(2) + (p.y - 50.0).powi(2)).sqrt();
        assert!((r - 50.0).abs() < 1e-9, "on the circle: {r}");
    }

    #[test]
    fn distance_to_a_box_is_zero_inside_and_euclidean_outside() {
        let bounds = shape(ShapeKind::Rectangle, 0.0, 0.0, 10.0, 10.0).bounds();
        assert_eq!(bounds.distance_to(5.0, 5.0), 0.0);
        assert_eq!(bounds.distance_to(13.0, 14.0), 5.0);
        let label = Shape {
            text: Some("cache".into()),
            ..shape(ShapeKind::Text, 0.0, 0.0, 0.0, 0.0)
        };
        assert!(label.bounds().extent() >= 5.0 * CHAR_WIDTH);
    }
}
