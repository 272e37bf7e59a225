//! The drawing tools and their toolbar entries.

/// A drawing tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Pick and drag shapes.
    Select,
    /// Free-hand.
    Pen,
    /// Straight line.
    Line,
    /// Line with a head.
    Arrow,
    /// Box.
    Rectangle,
    /// Ellipse.
    Ellipse,
    /// Text label.
    Text,
    /// Removes the shape clicked.
    Eraser,
}

pub const TOOLS: [(Tool, &str, &str); 8] = [
    (Tool::Select, "select", "Select / move"),
    (Tool::Pen, "pen", "Pen"),
    (Tool::Line, "line", "Line"),
    (Tool::Arrow, "arrow", "Arrow"),
    (Tool::Rectangle, "rectangle", "Rectangle"),
    (Tool::Ellipse, "ellipse", "Ellipse"),
    (Tool::Text, "text", "Text label"),
    (Tool::Eraser, "eraser", "Eraser"),
];
