//! Pan and zoom: which part of the board the canvas shows. Board coordinates are what the
//! log stores; the canvas shows the board from `(x, y)` at `zoom` canvas pixels per board
//! unit. Pure, so it is tested natively.

use mockint_domain::Bounds;

/// Smallest and largest zoom.
pub const ZOOM_RANGE: (f64, f64) = (0.25, 4.0);
/// How much one zoom step (a wheel notch, a button, Ctrl+=) changes the zoom.
pub const ZOOM_STEP: f64 = 1.2;
/// Room left around the content when fitting it.
const FIT_MARGIN: f64 = 40.0;

/// The part of the board on the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Board coordinates of the canvas's top-left corner.
    pub x: f64,
    /// Board coordinates of the canvas's top-left corner.
    pub y: f64,
    /// Canvas pixels per board unit.
    pub zoom: f64,
}

impl Default for View {
    fn default() -> Self {
        Self {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

impl View {
    /// The board point under a canvas pixel.
    pub fn to_board(self, px: f64, py: f64) -> (f64, f64) {
        (self.x + px / self.zoom, self.y + py / self.zoom)
    }

    /// The canvas pixel showing a board point.
    pub fn to_canvas(self, bx: f64, by: f64) -> (f64, f64) {
        ((bx - self.x) * self.zoom, (by - self.y) * self.zoom)
    }

    /// Moved by a drag of `(dx, dy)` canvas pixels (the board follows the pointer).
    pub fn panned(self, dx: f64, dy: f64) -> Self {
        Self {
            x: self.x - dx / self.zoom,
            y: self.y - dy / self.zoom,
            ..self
        }
    }

    /// Zoomed by `factor`, keeping the board point under canvas pixel `(px, py)` in place.
    pub fn zoomed_at(self, factor: f64, px: f64, py: f64) -> Self {
        let zoom = (self.zoom * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        let (bx, by) = self.to_board(px, py);
        Self {
            x: bx - px / zoom,
            y: by - py / zoom,
            zoom,
        }
    }

    /// Shows all of `content` on a `width` × `height` canvas, centred, never zoomed in past
    /// 100 % (a small diagram is not blown up).
    pub fn fit(content: Bounds, width: f64, height: f64) -> Self {
        let w = (content.right - content.left).max(1.0) + 2.0 * FIT_MARGIN;
        let h = (content.bottom - content.top).max(1.0) + 2.0 * FIT_MARGIN;
        let zoom = (width / w).min(height / h).clamp(ZOOM_RANGE.0, 1.0);
        let cx = (content.left + content.right) / 2.0;
        let cy = (content.top + content.bottom) / 2.0;
        Self {
            x: cx - width / 2.0 / zoom,
            y: cy - height / 2.0 / zoom,
            zoom,
        }
    }

    /// The board area the canvas shows.
    pub fn visible(self, width: f64, height: f64) -> Bounds {
        Bounds {
            left: self.x,
            top: self.y,
            right: self.x + width / self.zoom,
            bottom: self.y + height / self.zoom,
        }
    }

    /// The zoom as a percentage, e.g. "125%".
    pub fn percent(self) -> String {
        format!("{:.0}%", self.zoom * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let view = View::default().panned(-30.0, 12.0);
        let before = view.to_board(400.0, 250.0);
        let zoomed = view.zoomed_at(ZOOM_STEP, 400.0, 250.0);
        assert!(close(zoomed.to_board(400.0, 250.0), before));
        assert!(close(zoomed.to_canvas(before.0, before.1), (400.0, 250.0)));
        assert!((zoomed.zoom - 1.2).abs() < 1e-9);
    }

    #[test]
    fn zoom_stays_in_its_range() {
        let mut view = View::default();
        for _ in 0..50 {
            view = view.zoomed_at(ZOOM_STEP, 0.0, 0.0);
        }
        assert_eq!(view.zoom, ZOOM_RANGE.1);
        for _ in 0..50 {
            view = view.zoomed_at(1.0 / ZOOM_STEP, 0.0, 0.0);
        }
        assert_eq!(view.zoom, ZOOM_RANGE.0);
    }

    #[test]
    fn panning_moves_the_board_with_the_pointer() {
        let view = View {
            zoom: 2.0,
            ..View::default()
        };
        let point = view.to_board(100.0, 100.0);
        let panned = view.panned(50.0, -20.0);
        assert!(close(panned.to_canvas(point.0, point.1), (150.0, 80.0)));
    }

    #[test]
    fn fitting_shows_all_of_a_large_diagram_and_does_not_blow_up_a_small_one() {
        let large = Bounds {
            left: -500.0,
            top: 0.0,
            right: 2500.0,
            bottom: 900.0,
        };
        let view = View::fit(large, 1200.0, 700.0);
        let seen = view.visible(1200.0, 700.0);
        assert!(seen.left <= large.left && seen.right >= large.right);
        assert!(seen.top <= large.top && seen.bottom >= large.bottom);
        let small = Bounds {
            left: 100.0,
            top: 100.0,
            right: 200.0,
            bottom: 150.0,
        };
        let view = View::fit(small, 1200.0, 700.0);
        assert_eq!(view.zoom, 1.0);
        assert!(close(view.to_canvas(150.0, 125.0), (600.0, 350.0)));
        assert_eq!(view.percent(), "100%");
    }
}
