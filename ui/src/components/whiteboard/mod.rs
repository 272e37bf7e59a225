//! The whiteboard: the live panel, its tools, rendering, the editor (operations, undo, the
//! log being saved) and the replay of a finished session. Geometry (bounds, hits, moves,
//! anchors) lives on `mockint_domain::Shape` and the operations on `mockint_domain::Board`,
//! shared with the analysis and tested natively.

mod editor;
mod guides;
mod keys;
mod layer;
mod panel;
mod pointer;
mod render;
mod replay;
mod state;
mod tools;
mod view;

pub use panel::WhiteboardPanel;
pub use replay::WhiteboardReplay;
