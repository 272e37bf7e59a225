use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Most shapes a whiteboard may hold.
pub const MAX_SHAPES: usize = 20_000;
/// Longest text label, in bytes.
pub const MAX_LABEL_BYTES: usize = 500;
/// Most points in one shape (a long pen stroke).
pub const MAX_POINTS: usize = 10_000;
/// Most points on a whole board.
pub const MAX_BOARD_POINTS: usize = 500_000;
/// Longest colour string (`#rrggbbaa`, `rgba(255, 255, 255, 0.5)`), in bytes.
pub const MAX_COLOR_BYTES: usize = 32;

/// What the interviewer read from the whiteboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhiteboardAnalysis {
    /// Components drawn, e.g. "load balancer".
    pub components_identified: Vec<String>,
    /// Connections, e.g. "api -> cache".
    pub relationships: Vec<String>,
    /// Components a design like this usually needs but the drawing lacks.
    pub missing_elements: Vec<String>,
    /// Patterns recognised, e.g. "cache-aside".
    pub design_patterns: Vec<String>,
}

/// The kind of a whiteboard shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapeKind {
    /// Free-hand stroke.
    Pen,
    /// Straight line.
    Line,
    /// Line with an arrow head at its end.
    Arrow,
    /// Rectangle (a component box).
    Rectangle,
    /// Ellipse (a component, often a database).
    Ellipse,
    /// A text label.
    Text,
}

/// A point on the canvas, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

/// One shape on the whiteboard, kept as structured data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    /// Unique within the board.
    pub id: u64,
    /// What it is.
    pub kind: ShapeKind,
    /// Top-left corner for boxes, ellipses and text; start point for lines and arrows.
    pub x: f64,
    /// See `x`.
    pub y: f64,
    /// Width of the bounding box.
    #[serde(default)]
    pub width: f64,
    /// Height of the bounding box.
    #[serde(default)]
    pub height: f64,
    /// Points of pen strokes, lines and arrows (first = start, last = end).
    #[serde(default)]
    pub points: Vec<Point>,
    /// Label text (text shapes, or a label written inside a box).
    #[serde(default)]
    pub text: Option<String>,
    /// CSS colour.
    #[serde(default)]
    pub color: String,
    /// Stroke width in pixels.
    #[serde(default)]
    pub stroke_width: f64,
    /// Milliseconds since the session started when it was drawn.
    #[serde(default)]
    pub created_ms: u64,
}

/// The whole whiteboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Whiteboard {
    /// Shapes in drawing order.
    pub shapes: Vec<Shape>,
}

impl Whiteboard {
    /// Checks bounds: shape count, label sizes, finite coordinates.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.shapes.len() > MAX_SHAPES {
            return Err(ValidationError::OutOfRange {
                field: "whiteboard shapes",
                min: 0.0,
                max: MAX_SHAPES as f64,
                actual: self.shapes.len() as f64,
            });
        }
        let mut points = 0usize;
        for shape in &self.shapes {
            if let Some(text) = &shape.text {
                crate::message::check_len("whiteboard label", text, MAX_LABEL_BYTES)?;
            }
            if shape.points.len() > MAX_POINTS {
                return Err(ValidationError::OutOfRange {
                    field: "points in one whiteboard shape",
                    min: 0.0,
                    max: MAX_POINTS as f64,
                    actual: shape.points.len() as f64,
                });
            }
            points += shape.points.len();
            if points > MAX_BOARD_POINTS {
                return Err(ValidationError::OutOfRange {
                    field: "points on the whiteboard",
                    min: 0.0,
                    max: MAX_BOARD_POINTS as f64,
                    actual: points as f64,
                });
            }
            crate::message::check_len("whiteboard colour", &shape.color, MAX_COLOR_BYTES)?;
            if shape
                .color
                .chars()
                .any(|c| !(c.is_ascii_alphanumeric() || " #(),.%".contains(c)))
            {
                return Err(ValidationError::NotOneOf {
                    field: "whiteboard colour",
                    allowed: "a CSS colour such as #1f6feb or rgb(31, 111, 235)",
                    actual: shape.color.chars().take(40).collect(),
                });
            }
            let numbers = [
                shape.x,
                shape.y,
                shape.width,
                shape.height,
                shape.stroke_width,
            ];
            let points = shape.points.iter().flat_map(|p| [p.x, p.y]);
            if !numbers.into_iter().chain(points).all(f64::is_finite) {
                return Err(ValidationError::OutOfRange {
                    field: "whiteboard coordinate",
                    min: f64::MIN,
                    max: f64::MAX,
                    actual: f64::NAN,
                });
            }
        }
        Ok(())
    }
}
