//! The whiteboard: the live panel, its tools, rendering, undo history and the replay of a
//! finished board. Geometry (bounds, hits, moves) lives on `mockint_domain::Shape`, shared with the
//! analysis.

mod panel;
mod render;
mod replay;
mod tools;
mod undo;

pub use panel::WhiteboardPanel;
pub use replay::WhiteboardReplay;
