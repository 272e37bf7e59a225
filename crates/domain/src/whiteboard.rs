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
    /// What the candidate drew since the interviewer last looked, e.g. "added queue 'Jobs'
    /// between API and Workers".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_changes: Vec<String>,
}

/// The kind of a whiteboard shape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapeKind {
    /// Free-hand stroke.
    Pen,
    /// Straight line.
    Line,
    /// Line with an arrow head at its end.
    Arrow,
    /// Rectangle (a component box).
    #[default]
    Rectangle,
    /// Ellipse (a component, often a database).
    Ellipse,
    /// A text label.
    Text,
}

/// A system-design component from the whiteboard's palette: a box that says what it is, so
/// the analysis reads its kind instead of guessing from its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// A browser, phone or other caller.
    Client,
    /// Spreads requests over servers.
    LoadBalancer,
    /// An application server or API.
    Service,
    /// A database.
    Database,
    /// An in-memory cache.
    Cache,
    /// A message queue or log.
    Queue,
    /// A content delivery network.
    Cdn,
    /// Blob / object storage.
    ObjectStore,
    /// A background worker.
    Worker,
}

impl Component {
    /// Every component, in palette order.
    pub const ALL: [Component; 9] = [
        Component::Client,
        Component::LoadBalancer,
        Component::Service,
        Component::Database,
        Component::Cache,
        Component::Queue,
        Component::Cdn,
        Component::ObjectStore,
        Component::Worker,
    ];

    /// The label a new box of this kind starts with.
    pub fn label(self) -> &'static str {
        match self {
            Component::Client => "Client",
            Component::LoadBalancer => "Load balancer",
            Component::Service => "Service",
            Component::Database => "Database",
            Component::Cache => "Cache",
            Component::Queue => "Queue",
            Component::Cdn => "CDN",
            Component::ObjectStore => "Object store",
            Component::Worker => "Worker",
        }
    }

    /// The category the whiteboard analysis uses for it (lower case, as in "missing: cache").
    pub fn category(self) -> &'static str {
        match self {
            Component::Client => "client",
            Component::LoadBalancer => "load balancer",
            Component::Service => "service",
            Component::Database => "database",
            Component::Cache => "cache",
            Component::Queue => "queue",
            Component::Cdn => "cdn",
            Component::ObjectStore => "object storage",
            Component::Worker => "worker",
        }
    }

    /// The id used in the UI and in stored JSON (`load_balancer`).
    pub fn id(self) -> &'static str {
        match self {
            Component::Client => "client",
            Component::LoadBalancer => "load_balancer",
            Component::Service => "service",
            Component::Database => "database",
            Component::Cache => "cache",
            Component::Queue => "queue",
            Component::Cdn => "cdn",
            Component::ObjectStore => "object_store",
            Component::Worker => "worker",
        }
    }

    /// The shape a new component is drawn as (databases are ellipses, by habit).
    pub fn shape_kind(self) -> ShapeKind {
        match self {
            Component::Database => ShapeKind::Ellipse,
            _ => ShapeKind::Rectangle,
        }
    }
}

/// A point on the canvas, in pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

/// One shape on the whiteboard, kept as structured data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// What system-design component a box is (palette shapes), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Component>,
    /// For a connector (line or arrow): the shape its start is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
    /// For a connector (line or arrow): the shape its end is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
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
        let mut ids = std::collections::HashSet::with_capacity(self.shapes.len());
        for shape in &self.shapes {
            shape.validate()?;
            if !ids.insert(shape.id) {
                return Err(ValidationError::NotOneOf {
                    field: "whiteboard shape id",
                    allowed: "an id used by one shape only",
                    actual: shape.id.to_string(),
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
        }
        Ok(())
    }
}

impl Shape {
    /// A component from the palette: its outline, with its name as the label, at (x, y).
    pub fn component(id: u64, kind: Component, x: f64, y: f64, width: f64, height: f64) -> Self {
        Self {
            id,
            kind: kind.shape_kind(),
            x,
            y,
            width,
            height,
            text: Some(kind.label().into()),
            stroke_width: 2.0,
            component: Some(kind),
            ..Self::default()
        }
    }

    /// An arrow bound from shape `from` to shape `to` (its two points are placeholders until
    /// the board routes it between them).
    pub fn connector(id: u64, from: u64, to: u64) -> Self {
        Self {
            id,
            kind: ShapeKind::Arrow,
            points: vec![Point::default(), Point { x: 1.0, y: 1.0 }],
            stroke_width: 2.0,
            from: Some(from),
            to: Some(to),
            ..Self::default()
        }
    }

    /// Checks one shape: label and colour sizes, point count, finite coordinates.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let shape = self;
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
        Ok(())
    }
}
