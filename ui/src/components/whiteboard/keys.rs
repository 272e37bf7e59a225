//! The live whiteboard's keyboard: tools, undo/redo, clipboard, selection, pan and zoom.

use leptos::prelude::*;
use wasm_bindgen::JsCast as _;

use super::state::Wb;
use super::tools::tool_for_key;
use super::view::{View, ZOOM_STEP};

impl Wb {
    /// A key pressed anywhere in the window (not while typing in a field).
    pub fn on_key(self, ev: web_sys::KeyboardEvent) {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if typing {
            return;
        }
        let key = ev.key();
        let command = ev.ctrl_key() || ev.meta_key();
        let handled = match (command, key.to_lowercase().as_str()) {
            // Space held: dragging pans (unless a button has the focus: Space presses it).
            (false, " ") => {
                let on_button = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|e| e.tag_name() == "BUTTON");
                if !on_button {
                    self.space_held.set_value(true);
                }
                !on_button
            }
            (true, "=" | "+") => {
                self.zoom_by(ZOOM_STEP, None);
                true
            }
            (true, "-") => {
                self.zoom_by(1.0 / ZOOM_STEP, None);
                true
            }
            (true, "0") => {
                self.view.set(View::default());
                true
            }
            (false, "!") => {
                self.fit();
                true
            }
            (true, "z") if ev.shift_key() => {
                self.redo();
                true
            }
            (true, "z") => {
                self.undo();
                true
            }
            (true, "y") => {
                self.redo();
                true
            }
            (true, "c") => {
                self.clipboard.set_value(self.selected_shapes());
                true
            }
            (true, "v") => {
                self.paste(self.clipboard.get_value());
                true
            }
            (true, "d") => {
                self.paste(self.selected_shapes());
                true
            }
            (true, "a") => {
                self.selection.set(
                    self.editor
                        .with_untracked(|e| e.board().shapes().iter().map(|s| s.id).collect()),
                );
                true
            }
            (false, "delete" | "backspace") => {
                self.delete_selected();
                true
            }
            (false, "escape") => {
                self.selection.set(Vec::new());
                true
            }
            (false, other) if !ev.alt_key() => match tool_for_key(other) {
                Some(chosen) => {
                    self.tool.set(chosen);
                    true
                }
                None => false,
            },
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    }

    /// A key released: Space no longer pans.
    pub fn on_key_up(self, ev: web_sys::KeyboardEvent) {
        if ev.key() == " " {
            self.space_held.set_value(false);
        }
    }
}
