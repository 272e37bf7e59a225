//! Reusable pieces of the UI.

pub mod radar;
pub mod transcript;
pub mod whiteboard;
