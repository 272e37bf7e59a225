//! Drawing the live whiteboard. Committed shapes are drawn into an off-screen layer only
//! when they (or the grid, or the view) change; while a selection is dragged the layer holds
//! everything else and each frame copies it and draws the moving shapes, their connectors,
//! the shape being drawn, the selection and the alignment guides on top, so dragging stays
//! smooth however full the board is.

use std::collections::HashSet;

use leptos::prelude::*;
use mockint_domain::Shape;
use wasm_bindgen::JsCast as _;

#[cfg(feature = "bench")]
use super::render::record_redraw;
use super::render::{
    context_of, draw_except, draw_guides, draw_selection, draw_shape, performance_now, reset_view,
    set_view, Brush, HEIGHT, WIDTH,
};
use super::state::{Drag, Wb};
use super::view::View;

/// Redraws the live canvas whenever what it shows changes.
pub fn render_live(wb: Wb) {
    let layer: StoredValue<Option<web_sys::HtmlCanvasElement>, LocalStorage> =
        StoredValue::new_local(None);
    // What the layer shows: revision, grid, whether the dragged shapes are left out, shape
    // count and last id (to draw only what was appended).
    let rendered = StoredValue::new((u64::MAX, false, false, 0usize, 0u64, View::default()));
    Effect::new(move |_| {
        let started = performance_now();
        let show_grid = wb.grid.get();
        let shown = wb.view.get();
        let rev = wb.revision.get();
        let dragging = wb.drag.with(|d| {
            matches!(
                d,
                Some(Drag::Move { .. } | Drag::Resize { .. } | Drag::End { .. })
            )
        });
        let Some(element) = wb.canvas.get() else {
            return;
        };
        let Some(context) = context_of(&element) else {
            return;
        };
        if layer.with_value(Option::is_none) {
            let created = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
            if let Some(created) = created {
                created.set_width(WIDTH as u32);
                created.set_height(HEIGHT as u32);
                layer.set_value(Some(created));
            }
        }
        // The shapes that move with the drag: the selection and connectors bound to it.
        let moving: HashSet<u64> = if dragging {
            let ids: HashSet<u64> = wb.selection.get_untracked().into_iter().collect();
            wb.editor.with_untracked(|e| {
                e.board()
                    .shapes()
                    .iter()
                    .filter(|s| {
                        ids.contains(&s.id)
                            || s.from.is_some_and(|t| ids.contains(&t))
                            || s.to.is_some_and(|t| ids.contains(&t))
                    })
                    .map(|s| s.id)
                    .collect()
            })
        } else {
            HashSet::new()
        };
        let layer_context = layer.with_value(|l| l.as_ref().and_then(context_of));
        if let Some(layer_context) = layer_context {
            let (drawn_rev, drawn_grid, drawn_dragging, count, last_id, drawn_view) =
                rendered.get_value();
            if (drawn_rev, drawn_grid, drawn_dragging, drawn_view)
                != (rev, show_grid, dragging, shown)
            {
                wb.editor.with_untracked(|e| {
                    let list = e.board().shapes();
                    let appended = !dragging
                        && !drawn_dragging
                        && drawn_grid == show_grid
                        && drawn_view == shown
                        && count > 0
                        && list.len() > count
                        && list.get(count - 1).map(|s| s.id) == Some(last_id);
                    if appended {
                        let mut brush = Brush::new(&layer_context);
                        for shape in &list[count..] {
                            draw_shape(&mut brush, shape);
                        }
                    } else {
                        draw_except(&layer_context, &shown, list, None, show_grid, |s| {
                            moving.contains(&s.id)
                        });
                    }
                    rendered.set_value((
                        rev,
                        show_grid,
                        dragging,
                        list.len(),
                        list.last().map_or(0, |s| s.id),
                        shown,
                    ));
                });
                #[cfg(feature = "bench")]
                record_redraw("__mockintRedrawMs", performance_now() - started);
            }
        }
        let frame_started = performance_now();
        reset_view(&context);
        layer.with_value(|layer| {
            if let Some(layer) = layer {
                let _ = context.draw_image_with_html_canvas_element(layer, 0.0, 0.0);
            }
        });
        set_view(&context, &shown);
        let selected = wb.selection.get();
        let marquee = wb.drag.with(|d| match d {
            Some(Drag::Marquee { from, to }) => Some((from.0, from.1, to.0, to.1)),
            _ => None,
        });
        wb.editor.with(|e| {
            let mut brush = Brush::new(&context);
            if dragging {
                for shape in e.board().shapes().iter().filter(|s| moving.contains(&s.id)) {
                    draw_shape(&mut brush, shape);
                }
            }
            wb.draft.with(|pending| {
                if let Some(shape) = pending {
                    draw_shape(&mut brush, shape);
                }
            });
            let chosen: Vec<&Shape> = selected
                .iter()
                .filter_map(|id| e.board().get(*id))
                .collect();
            if !chosen.is_empty() || marquee.is_some() {
                draw_selection(&context, &chosen, marquee);
            }
        });
        wb.guides.with(|g| draw_guides(&context, g, shown.zoom));
        reset_view(&context);
        #[cfg(feature = "bench")]
        record_redraw("__mockintFrameMs", performance_now() - frame_started);
        #[cfg(not(feature = "bench"))]
        let _ = (started, frame_started);
    });
}
