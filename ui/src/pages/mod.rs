//! The app's pages.

pub mod diagnostics;
pub mod history;
pub mod interview;
pub mod report;
pub mod setup;
