//! The drawing tools, their toolbar entries and keyboard shortcuts.

use mockint_domain::Component;

/// A drawing tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Pick, move, resize and select shapes.
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
    /// Places a system-design component from the palette.
    Place(Component),
}

/// Toolbar entries: tool, element id suffix, title (with its shortcut).
pub const TOOLS: [(Tool, &str, &str); 8] = [
    (Tool::Select, "select", "Select / move (V)"),
    (Tool::Pen, "pen", "Pen (P)"),
    (Tool::Line, "line", "Line (L)"),
    (Tool::Arrow, "arrow", "Arrow (A)"),
    (Tool::Rectangle, "rectangle", "Rectangle (R)"),
    (Tool::Ellipse, "ellipse", "Ellipse (O)"),
    (Tool::Text, "text", "Text label (T)"),
    (Tool::Eraser, "eraser", "Eraser (E)"),
];

/// Every shortcut, as shown in the help tooltip.
pub const SHORTCUTS: &str = "V select · R rectangle · O ellipse · A arrow · L line · T text · \
     P pen · E eraser · Del delete · Ctrl+Z undo · Ctrl+Y redo · Ctrl+C copy · Ctrl+V paste · \
     Ctrl+D duplicate · Ctrl+A select all · Esc deselect · Shift+click add to selection · \
     double-click to name a box or an arrow · Space+drag or middle button pan · wheel scroll · \
     Ctrl+wheel or Ctrl+= / Ctrl+- zoom · Ctrl+0 100% · Shift+1 fit the diagram";

/// The tool a key selects (without modifiers).
pub fn tool_for_key(key: &str) -> Option<Tool> {
    Some(match key.to_ascii_lowercase().as_str() {
        "v" => Tool::Select,
        "p" => Tool::Pen,
        "l" => Tool::Line,
        "a" => Tool::Arrow,
        "r" => Tool::Rectangle,
        "o" => Tool::Ellipse,
        "t" => Tool::Text,
        "e" => Tool::Eraser,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_toolbar_tool_has_its_shortcut_listed() {
        for (tool, _, title) in TOOLS {
            let key = title
                .rsplit('(')
                .next()
                .and_then(|k| k.strip_suffix(')'))
                .unwrap_or_default();
            assert_eq!(tool_for_key(key), Some(tool), "{title}");
            assert!(SHORTCUTS.contains(&format!("{key} ")), "{key} in the help");
        }
    }
}
