//! SVG charts: a competency radar and score lines over time.

use std::collections::BTreeMap;

use leptos::prelude::*;
use mockint_domain::Competency;

/// A radar chart of scores 0–100.
#[component]
pub fn Radar(scores: Vec<(String, f64)>) -> impl IntoView {
    let n = scores.len().max(3) as f64;
    let (cx, cy, r) = (200.0, 190.0, 140.0);
    let point = move |i: usize, value: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n;
        (
            cx + r * value / 100.0 * angle.cos(),
            cy + r * value / 100.0 * angle.sin(),
        )
    };
    let ring = |level: f64| {
        (0..scores.len().max(3))
            .map(|i| {
                let (x, y) = point(i, level);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let polygon = scores
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = point(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <svg class="radar" id="radar" viewBox="-70 0 540 380" role="img" aria-label="Competency scores">
            {[25.0, 50.0, 75.0, 100.0].into_iter().map(|level| view! { <polygon class="ring" points=ring(level)></polygon> }).collect_view()}
            <polygon class="area" points=polygon></polygon>
            {scores.iter().enumerate().map(|(i, (name, value))| {
                let (x, y) = point(i, 118.0);
                view! { <text x=format!("{x:.1}") y=format!("{y:.1}") text-anchor="middle">{format!("{name} {value:.0}")}</text> }
            }).collect_view()}
        </svg>
    }
}

/// Score lines over sessions (overall plus each competency).
#[component]
pub fn ProgressChart(points: Vec<(String, f64, BTreeMap<Competency, f64>)>) -> impl IntoView {
    let (w, h, pad) = (640.0, 240.0, 30.0);
    let count = points.len();
    let x = move |i: usize| {
        if count <= 1 {
            w / 2.0
        } else {
            pad + (w - 2.0 * pad) * i as f64 / (count - 1) as f64
        }
    };
    let y = move |v: f64| h - pad - (h - 2.0 * pad) * v / 100.0;
    let line = |values: Vec<f64>| {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let overall = line(points.iter().map(|p| p.1).collect());
    let names: Vec<Competency> = points
        .first()
        .map(|p| p.2.keys().copied().collect())
        .unwrap_or_default();
    let series: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            (
                name.title().to_string(),
                line(
                    points
                        .iter()
                        .map(|p| p.2.get(name).copied().unwrap_or(0.0))
                        .collect(),
                ),
            )
        })
        .collect();
    view! {
        <svg class="progress" id="progress-chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label="Scores over time">
            <line x1=pad y1=y(0.0) x2=w - pad y2=y(0.0) class="axis"></line>
            <line x1=pad y1=y(100.0) x2=w - pad y2=y(100.0) class="axis faint"></line>
            {series.into_iter().map(|(name, pts)| view! { <polyline class="series" points=pts><title>{name}</title></polyline> }).collect_view()}
            <polyline class="overall" points=overall><title>"overall"</title></polyline>
            {points.iter().enumerate().map(|(i, p)| view! {
                <circle cx=x(i) cy=y(p.1) r="4" class="dot"><title>{format!("{}: {:.0}", p.0, p.1)}</title></circle>
            }).collect_view()}
        </svg>
    }
}
