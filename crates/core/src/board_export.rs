//! The whiteboard outside the app: an SVG picture of a board, and a replay of a whole
//! session as one self-contained HTML file (the board as it changed, the transcript, and the
//! candidate's recordings) that plays in any browser with no network and no app.
//!
//! The replay does not re-implement the board's operations in JavaScript: each state a shape
//! went through is drawn once, as SVG, with the time span it was on the board, and the page
//! only shows the pieces whose span holds the playhead. Hand-written: no crate draws this
//! app's shapes.

use std::collections::HashMap;
use std::fmt::Write as _;

use mockint_domain::board::BoardLog;
use mockint_domain::{
    Board, MarkerKind, ReplayTimeline, Role, Session, Shape, ShapeKind, Whiteboard,
};

use crate::export::html_escape;

/// Canvas size the app draws on (the SVG's view box).
const WIDTH: f64 = 1200.0;
const HEIGHT: f64 = 800.0;

/// A board as a standalone SVG document.
pub fn board_svg(board: &Whiteboard) -> String {
    let mut out = svg_open();
    for shape in &board.shapes {
        shape_svg(&mut out, shape);
    }
    out.push_str("</svg>\n");
    out
}

fn svg_open() -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"system-ui, sans-serif\">\n\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>\n"
    )
}

/// A number for an attribute: finite, at most two decimals.
fn n(value: f64) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn color(shape: &Shape) -> String {
    if shape.color.is_empty() {
        "#1f2933".to_string()
    } else {
        html_escape(&shape.color)
    }
}

/// One shape as SVG elements, drawn the way the app's canvas draws it.
fn shape_svg(out: &mut String, shape: &Shape) {
    let stroke = color(shape);
    let width = n(shape.stroke_width.max(1.0));
    let paint = format!(
        "stroke=\"{stroke}\" stroke-width=\"{width}\" fill=\"none\" \
         stroke-linecap=\"round\" stroke-linejoin=\"round\""
    );
    match shape.kind {
        ShapeKind::Pen => {
            let points: Vec<String> = shape
                .points
                .iter()
                .map(|p| format!("{},{}", n(p.x), n(p.y)))
                .collect();
            let _ = writeln!(out, "<polyline points=\"{}\" {paint}/>", points.join(" "));
        }
        ShapeKind::Line | ShapeKind::Arrow => {
            let (Some(a), Some(b)) = (shape.points.first(), shape.points.last()) else {
                return;
            };
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {paint}/>",
                n(a.x),
                n(a.y),
                n(b.x),
                n(b.y)
            );
            if shape.kind == ShapeKind::Arrow {
                let angle = (b.y - a.y).atan2(b.x - a.x);
                let size = 10.0 + shape.stroke_width * 2.0;
                let (l, r) = (angle - 0.4, angle + 0.4);
                let _ = writeln!(
                    out,
                    "<polygon points=\"{},{} {},{} {},{}\" fill=\"{stroke}\"/>",
                    n(b.x),
                    n(b.y),
                    n(b.x - size * l.cos()),
                    n(b.y - size * l.sin()),
                    n(b.x - size * r.cos()),
                    n(b.y - size * r.sin())
                );
            }
            if let Some(text) = label_of(shape) {
                let (x, y) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                let half = text.chars().count() as f64 * 4.6 + 4.0;
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"24\" fill=\"#ffffff\"/>\
                     <text x=\"{}\" y=\"{}\" font-size=\"18\" text-anchor=\"middle\" \
                     dominant-baseline=\"middle\" fill=\"{stroke}\">{}</text>",
                    n(x - half),
                    n(y - 12.0),
                    n(half * 2.0),
                    n(x),
                    n(y),
                    html_escape(text)
                );
            }
        }
        ShapeKind::Rectangle | ShapeKind::Ellipse => {
            let s = shape.normalized();
            if shape.kind == ShapeKind::Rectangle {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}/>",
                    n(s.x),
                    n(s.y),
                    n(s.width),
                    n(s.height)
                );
            } else {
                let _ = writeln!(
                    out,
                    "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>",
                    n(s.x + s.width / 2.0),
                    n(s.y + s.height / 2.0),
                    n((s.width / 2.0).max(1.0)),
                    n((s.height / 2.0).max(1.0))
                );
            }
            if let Some(kind) = shape.component {
                let text = shape.text.as_deref().unwrap_or_default().to_lowercase();
                if !text.contains(&kind.label().to_lowercase()) {
                    let _ = writeln!(
                        out,
                        "<text x=\"{}\" y=\"{}\" font-size=\"13\" dominant-baseline=\"hanging\" \
                         fill=\"#6b7785\">{}</text>",
                        n(s.x + 6.0),
                        n(s.y + 4.0),
                        kind.category()
                    );
                }
            }
            if let Some(text) = label_of(shape) {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"19\" text-anchor=\"middle\" \
                     dominant-baseline=\"middle\" fill=\"{stroke}\">{}</text>",
                    n(s.x + s.width / 2.0),
                    n(s.y + s.height / 2.0),
                    html_escape(text)
                );
            }
        }
        ShapeKind::Text => {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"24\" dominant-baseline=\"hanging\" \
                 fill=\"{stroke}\">{}</text>",
                n(shape.x),
                n(shape.y),
                html_escape(shape.text.as_deref().unwrap_or_default())
            );
        }
    }
}

fn label_of(shape: &Shape) -> Option<&str> {
    shape
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// One state of one shape and when it was on the board: [from, until).
struct Piece {
    order: usize,
    from: u64,
    until: Option<u64>,
    svg: String,
}

/// The shapes of a session's board as pieces with time spans, in drawing order.
fn pieces(log: &BoardLog) -> Vec<Piece> {
    let mut board = Board::new(log.base.clone()).unwrap_or_default();
    let mut spans = Spans::default();
    spans.note(&board, 0);
    for entry in &log.entries {
        if board.apply(&entry.op).is_ok() {
            spans.note(&board, entry.ms);
        }
    }
    let Spans {
        order,
        open,
        mut done,
    } = spans;
    for (id, (start, shape)) in open {
        let rank = order.get(&id).copied().unwrap_or(usize::MAX);
        done.push(piece(rank, start, None, &shape));
    }
    done.sort_by_key(|p| (p.order, p.from));
    done
}

/// Which state of each shape is showing since when, and the states that ended.
#[derive(Default)]
struct Spans {
    /// Each shape's place in the drawing order, by first appearance.
    order: HashMap<u64, usize>,
    open: HashMap<u64, (u64, Shape)>,
    done: Vec<Piece>,
}

impl Spans {
    /// Records the board as it is at `at`: changed shapes end their piece and start a new one,
    /// removed shapes end theirs.
    fn note(&mut self, board: &Board, at: u64) {
        let mut seen = std::collections::HashSet::with_capacity(board.shapes().len());
        for shape in board.shapes() {
            seen.insert(shape.id);
            let next = self.order.len();
            let rank = *self.order.entry(shape.id).or_insert(next);
            if self
                .open
                .get(&shape.id)
                .is_some_and(|(_, current)| current == shape)
            {
                continue;
            }
            if let Some((start, old)) = self.open.remove(&shape.id) {
                self.done.push(piece(rank, start, Some(at), &old));
            }
            self.open.insert(shape.id, (at, shape.clone()));
        }
        let gone: Vec<u64> = self
            .open
            .keys()
            .filter(|id| !seen.contains(id))
            .copied()
            .collect();
        for id in gone {
            if let Some((start, old)) = self.open.remove(&id) {
                let rank = self.order.get(&id).copied().unwrap_or(usize::MAX);
                self.done.push(piece(rank, start, Some(at), &old));
            }
        }
    }
}

fn piece(order: usize, from: u64, until: Option<u64>, shape: &Shape) -> Piece {
    let mut svg = String::new();
    shape_svg(&mut svg, shape);
    Piece {
        order,
        from,
        until,
        svg,
    }
}

/// A whole session as one HTML file that replays it: the board's pieces, the turns, the
/// markers of `timeline`, the recordings given as `embedded` data URLs (one per clip of the
/// timeline, None for those left out), and a small player.
pub fn replay_html(
    session: &Session,
    log: &BoardLog,
    timeline: &ReplayTimeline,
    embedded: &[Option<String>],
) -> String {
    let started = session.created_at;
    let pieces = pieces(log);
    let end = timeline.end_ms;
    let title = session
        .config
        .problem
        .as_deref()
        .and_then(|p| p.lines().next())
        .unwrap_or("Interview");
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src data:\">\
         <title>Replay: {title}</title><style>{STYLE}</style></head><body>\
         <h1>{title}</h1><p class=\"muted\">{date} · {count} messages · {changes} whiteboard changes</p>\
         <div class=\"controls\"><button id=\"play\">Play</button>\
         <select id=\"speed\"><option value=\"1\">1×</option><option value=\"2\">2×</option>\
         <option value=\"4\">4×</option></select><div class=\"track\"><div id=\"marks\">",
        title = html_escape(title),
        date = started.format("%Y-%m-%d %H:%M"),
        count = timeline.turns.len(),
        changes = log.entries.len(),
    );
    let span = end.max(1) as f64;
    for marker in &timeline.markers {
        let kind = match marker.kind {
            MarkerKind::Phase => "phase",
            MarkerKind::Curveball => "curveball",
            MarkerKind::Evidence => "evidence",
        };
        let _ = write!(
            out,
            "<button class=\"mark {kind}\" data-ms=\"{}\" style=\"left:{:.2}%\" title=\"{label}\" aria-label=\"{label}\"></button>",
            marker.ms,
            marker.ms as f64 / span * 100.0,
            label = html_escape(&marker.label),
        );
    }
    let _ = write!(
        out,
        "</div><input id=\"t\" type=\"range\" min=\"0\" max=\"{end}\" value=\"{end}\"></div>\
         <span id=\"clock\"></span></div><div class=\"stage\">"
    );
    out.push_str(&svg_open());
    for p in &pieces {
        let until = p.until.map(|u| u.to_string()).unwrap_or_default();
        let _ = write!(
            out,
            "<g data-a=\"{}\" data-b=\"{until}\">{}</g>",
            p.from, p.svg
        );
    }
    out.push_str("</svg><ol id=\"turns\">");
    for turn in &timeline.turns {
        let who = match turn.role {
            Role::Interviewer => "Interviewer",
            Role::Candidate => "You",
        };
        let _ = write!(
            out,
            "<li data-ms=\"{}\"><span class=\"muted\">{} {who}</span> {}</li>",
            turn.ms,
            clock(turn.ms),
            html_escape(&turn.content)
        );
    }
    out.push_str("</ol></div>");
    for (clip, url) in timeline.clips.iter().zip(embedded) {
        // Only recordings this app encoded are embedded (data:audio/wav;base64,…).
        let Some(url) = url
            .as_deref()
            .filter(|u| u.starts_with("data:audio/wav;base64,"))
        else {
            continue;
        };
        let _ = write!(
            out,
            "<audio data-a=\"{}\" preload=\"auto\" src=\"{url}\"></audio>",
            clip.start_ms
        );
    }
    let _ = writeln!(out, "<script>{SCRIPT}</script></body></html>");
    out
}

/// The length of a WAV recording in milliseconds (from its header), if it is one.
pub fn wav_millis(wav: &[u8]) -> Option<u64> {
    if wav.len() < 44 || &wav[..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return None;
    }
    let byte_rate = u32::from_le_bytes([wav[28], wav[29], wav[30], wav[31]]);
    if byte_rate == 0 {
        return None;
    }
    Some((wav.len() as u64 - 44) * 1000 / u64::from(byte_rate))
}

fn clock(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2933}\
.muted{color:#6b7785;font-size:.85rem}.controls{display:flex;gap:.5rem;align-items:center;margin:.5rem 0}\
#t{width:100%}.track{flex:1;position:relative;padding-top:12px}#marks{position:absolute;top:0;left:0;right:0;height:12px}\
.mark{position:absolute;width:8px;height:10px;margin-left:-4px;border:0;padding:0;border-radius:2px;cursor:pointer}\
.mark.phase{background:#64748b}.mark.curveball{background:#f59e0b}.mark.evidence{background:#16a34a}.stage{display:grid;grid-template-columns:2fr 1fr;gap:1rem}svg{width:100%;height:auto;border:1px solid #e4e7eb}\
#turns{max-height:80vh;overflow-y:auto;font-size:.9rem}#turns li{padding:.2rem;border-radius:4px;cursor:pointer;white-space:pre-wrap}\
#turns li.current{background:#dbeafe}";

/// The player: shows the pieces whose span holds the playhead, highlights the turn being
/// spoken, and keeps each recording at the playhead's position (within 250 ms).
const SCRIPT: &str = r#"(function(){
const t=document.getElementById('t'),play=document.getElementById('play'),speed=document.getElementById('speed'),clock=document.getElementById('clock');
const pieces=[...document.querySelectorAll('g[data-a]')].map(g=>[g,+g.dataset.a,g.dataset.b===''?Infinity:+g.dataset.b]);
const turns=[...document.querySelectorAll('#turns li')];const clips=[...document.querySelectorAll('audio')];
const fmt=ms=>{const s=Math.floor(ms/1000);return Math.floor(s/60)+':'+String(s%60).padStart(2,'0')};
let playing=false,last=0;
function show(){const now=+t.value;for(const [g,a,b] of pieces){g.style.display=(a<=now&&now<b)?'':'none'}
let cur=-1;turns.forEach((li,i)=>{if(+li.dataset.ms<=now)cur=i});turns.forEach((li,i)=>li.classList.toggle('current',i===cur));
if(cur>=0&&playing)turns[cur].scrollIntoView({block:'nearest'});clock.textContent=fmt(now)+' / '+fmt(+t.max);
for(const c of clips){const off=(now-(+c.dataset.a))/1000;const inside=playing&&off>=0&&off<(c.duration||0);
if(inside){c.playbackRate=+speed.value;if(Math.abs(c.currentTime-off)>0.25)c.currentTime=off;if(c.paused)c.play().catch(()=>{})}else if(!c.paused)c.pause()}}
function tick(ts){if(!playing)return;const step=(ts-last)*(+speed.value);last=ts;let next=+t.value+step;
for(const c of clips){if(!c.paused&&!c.seeking&&c.readyState>=3)next=(+c.dataset.a)+c.currentTime*1000}
if(next>=+t.max){t.value=t.max;playing=false;play.textContent='Play'}else t.value=next;show();if(playing)requestAnimationFrame(tick)}
play.onclick=()=>{playing=!playing;play.textContent=playing?'Pause':'Play';if(playing){if(+t.value>=+t.max)t.value=0;last=performance.now();requestAnimationFrame(tick)}show()};
t.oninput=show;[...turns,...document.querySelectorAll('.mark')].forEach(el=>el.onclick=()=>{t.value=el.dataset.ms;show()});show();})();"#;

#[cfg(test)]
mod tests {
    use super::*;
    use mockint_domain::{Component, Op, OpEntry, Point};

    fn boxed(id: u64, label: &str) -> Shape {
        Shape {
            id,
            kind: ShapeKind::Rectangle,
            x: 10.0 + id as f64 * 200.0,
            y: 10.0,
            width: 150.0,
            height: 70.0,
            text: Some(label.into()),
            stroke_width: 2.0,
            component: Some(Component::Service),
            ..Shape::default()
        }
    }

    #[test]
    fn labels_are_escaped_and_every_kind_is_drawn() {
        let board = Whiteboard {
            shapes: vec![
                boxed(1, "<script>alert(1)</script> & co"),
                Shape {
                    id: 2,
                    kind: ShapeKind::Arrow,
                    points: vec![Point { x: 0.0, y: 0.0 }, Point { x: 90.0, y: 0.0 }],
                    text: Some("\"HTTP\"".into()),
                    stroke_width: 2.0,
                    ..Shape::default()
                },
                Shape {
                    id: 3,
                    kind: ShapeKind::Pen,
                    points: vec![Point { x: 1.0, y: 1.0 }, Point { x: 2.5, y: 3.25 }],
                    ..Shape::default()
                },
            ],
        };
        let svg = board_svg(&board);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(svg.contains("&quot;HTTP&quot;"));
        assert!(svg.contains("<polygon"), "the arrow head");
        assert!(svg.contains("points=\"1,1 2.5,3.25\""), "{svg}");
    }

    #[test]
    fn the_replay_holds_each_state_of_each_shape_with_its_time_span() {
        let log = BoardLog {
            entries: vec![
                OpEntry {
                    seq: 1,
                    ms: 1000,
                    op: Op::Add {
                        shapes: vec![boxed(1, "api")],
                        at: None,
                    },
                },
                OpEntry {
                    seq: 2,
                    ms: 5000,
                    op: Op::Relabel {
                        id: 1,
                        text: Some("gateway".into()),
                    },
                },
                OpEntry {
                    seq: 3,
                    ms: 9000,
                    op: Op::Delete { ids: vec![1] },
                },
            ],
            ..BoardLog::default()
        };
        let session: Session = serde_json::from_value(serde_json::json!({
            "id": "6d1f2b0e-8c3a-4b7e-9f10-0123456789ab",
            "user_id": "local",
            "created_at": "2026-12-01T10:00:00Z",
            "ended_at": null,
            "status": "completed",
            "config": {"enabled_modes": ["text"], "ai_provider": "offline", "ai_model": "rubric",
                       "problem": "Design <a> URL shortener"}
        }))
        .expect("session");
        let html = replay_html(&session, &log, &ReplayTimeline::default(), &[]);
        assert!(
            html.contains("<g data-a=\"1000\" data-b=\"5000\">"),
            "{html}"
        );
        assert!(html.contains("<g data-a=\"5000\" data-b=\"9000\">"));
        assert!(
            html.contains("default-src 'none'"),
            "nothing is loaded from anywhere"
        );
        assert!(html.contains("Design &lt;a&gt; URL shortener"));
        assert!(!html.contains("<a>"));
    }
}
