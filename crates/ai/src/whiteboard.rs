//! Reading the whiteboard without any model: labelled boxes become components, arrows and
//! lines between them become relationships, the problem's rubric says what is missing, and
//! simple structural rules recognise common patterns.

use mockint_domain::{Shape, ShapeKind, Whiteboard, WhiteboardAnalysis};

use crate::problems::Problem;

/// How far (in pixels) an arrow end may be from a box and still connect to it.
const SNAP_DISTANCE: f64 = 40.0;

/// Component categories and the words that name them.
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "client",
        &["client", "browser", "mobile", "app", "user", "web"],
    ),
    (
        "load balancer",
        &["load balancer", "lb", "nginx", "haproxy", "elb", "alb"],
    ),
    ("api gateway", &["gateway", "api gateway"]),
    ("cdn", &["cdn", "edge", "cloudfront"]),
    ("cache", &["cache", "redis", "memcache"]),
    (
        "database",
        &[
            "db",
            "database",
            "postgres",
            "mysql",
            "sql",
            "cassandra",
            "dynamo",
            "mongo",
            "table",
            "store",
        ],
    ),
    (
        "queue",
        &[
            "queue", "kafka", "rabbitmq", "sqs", "pubsub", "pub/sub", "stream", "bus",
        ],
    ),
    (
        "object storage",
        &["s3", "blob", "object storage", "bucket"],
    ),
    (
        "search index",
        &["elasticsearch", "search", "index", "solr"],
    ),
    ("worker", &["worker", "consumer", "processor", "job"]),
    (
        "service",
        &["service", "server", "api", "backend", "app server"],
    ),
];

/// A labelled box on the board.
struct Component<'a> {
    label: String,
    category: Option<&'static str>,
    shape: &'a Shape,
}

/// Analyses the board against the problem's rubric.
pub fn analyze_whiteboard(board: &Whiteboard, problem: Option<&Problem>) -> WhiteboardAnalysis {
    let components = components(board);
    let mut relationships = Vec::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for shape in board
        .shapes
        .iter()
        .filter(|s| matches!(s.kind, ShapeKind::Arrow | ShapeKind::Line))
    {
        let (Some(start), Some(end)) = (shape.points.first(), shape.points.last()) else {
            continue;
        };
        let (Some(from), Some(to)) = (
            nearest(&components, start.x, start.y),
            nearest(&components, end.x, end.y),
        ) else {
            continue;
        };
        if from == to {
            continue;
        }
        let arrow = if shape.kind == ShapeKind::Arrow {
            "->"
        } else {
            "--"
        };
        let text = format!(
            "{} {arrow} {}",
            components[from].label, components[to].label
        );
        if !relationships.contains(&text) {
            relationships.push(text);
            edges.push((from, to));
        }
    }
    let present: Vec<&str> = components.iter().filter_map(|c| c.category).collect();
    let missing_elements = expected(problem)
        .into_iter()
        .filter(|category| !present.contains(category))
        .map(str::to_string)
        .collect();
    WhiteboardAnalysis {
        components_identified: components.iter().map(|c| c.label.clone()).collect(),
        relationships,
        missing_elements,
        design_patterns: patterns(&components, &edges),
    }
}

/// Boxes and ellipses with their labels (a text inside a box labels it; free text that names
/// a known component counts as one).
fn components(board: &Whiteboard) -> Vec<Component<'_>> {
    let texts: Vec<&Shape> = board
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Text)
        .collect();
    let mut used_texts = Vec::new();
    let mut out = Vec::new();
    for shape in board
        .shapes
        .iter()
        .filter(|s| matches!(s.kind, ShapeKind::Rectangle | ShapeKind::Ellipse))
    {
        let own = shape
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let inside = texts.iter().find(|t| {
            contains(shape, t.x, t.y) && t.text.as_deref().is_some_and(|s| !s.trim().is_empty())
        });
        let label = match (own, inside) {
            (Some(label), _) => label,
            (None, Some(text)) => {
                used_texts.push(text.id);
                text.text.as_deref().unwrap_or_default().trim().to_string()
            }
            (None, None) => continue,
        };
        out.push(Component {
            category: category(&label),
            label,
            shape,
        });
    }
    for text in texts.into_iter().filter(|t| !used_texts.contains(&t.id)) {
        let label = text.text.as_deref().unwrap_or_default().trim().to_string();
        if let Some(found) = category(&label) {
            out.push(Component {
                label,
                category: Some(found),
                shape: text,
            });
        }
    }
    out
}

fn category(label: &str) -> Option<&'static str> {
    let lower = label.to_lowercase();
    CATEGORIES
        .iter()
        .find(|(_, words)| {
            words
                .iter()
                .any(|w| crate::analysis::starts_a_word(&lower, w))
        })
        .map(|(name, _)| *name)
}

fn contains(shape: &Shape, x: f64, y: f64) -> bool {
    shape.bounds().contains(x, y)
}

/// The component whose box is closest to a point (within [`SNAP_DISTANCE`]).
fn nearest(components: &[Component<'_>], x: f64, y: f64) -> Option<usize> {
    components
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.shape.bounds().distance_to(x, y)))
        .filter(|(_, distance)| *distance <= SNAP_DISTANCE)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Components a design for this problem is expected to show.
fn expected(problem: Option<&Problem>) -> Vec<&'static str> {
    let mut expected = vec!["client", "service", "database"];
    if let Some(problem) = problem {
        let rubric: String = problem
            .concepts
            .iter()
            .map(|(_, c)| *c)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        for (name, words) in CATEGORIES {
            if !expected.contains(name) && words.iter().any(|w| w.len() > 3 && rubric.contains(w)) {
                expected.push(name);
            }
        }
    }
    expected
}

fn patterns(components: &[Component<'_>], edges: &[(usize, usize)]) -> Vec<String> {
    let category_of = |i: usize| components[i].category.unwrap_or_default();
    let connected = |a: &str, b: &str| {
        edges.iter().any(|(x, y)| {
            (category_of(*x) == a && category_of(*y) == b)
                || (category_of(*x) == b && category_of(*y) == a)
        })
    };
    let count = |name: &str| {
        components
            .iter()
            .filter(|c| c.category == Some(name))
            .count()
    };
    let mut found = Vec::new();
    if connected("service", "cache") && connected("service", "database") {
        found.push("cache-aside".to_string());
    }
    if count("load balancer") > 0
        && (connected("load balancer", "service") || count("service") >= 2)
    {
        found.push("load balancing".to_string());
    }
    if count("queue") > 0 && (connected("queue", "worker") || connected("queue", "service")) {
        found.push("asynchronous processing through a queue".to_string());
    }
    if count("cdn") > 0 {
        found.push("edge caching (CDN)".to_string());
    }
    if count("database") >= 2
        || components
            .iter()
            .any(|c| c.label.to_lowercase().contains("replica"))
    {
        found.push("replication".to_string());
    }
    if components
        .iter()
        .any(|c| c.label.to_lowercase().contains("shard"))
    {
        found.push("sharding".to_string());
    }
    found
}

#[cfg(test)]
mod tests {
    use mockint_domain::Point;

    use super::*;

    fn boxed(id: u64, x: f64, label: &str) -> Shape {
        Shape {
            id,
            kind: ShapeKind::Rectangle,
            x,
            y: 100.0,
            width: 120.0,
            height: 60.0,
            points: vec![],
            text: Some(label.into()),
            color: "#000".into(),
            stroke_width: 2.0,
            created_ms: id,
        }
    }

    fn arrow(id: u64, from: f64, to: f64) -> Shape {
        Shape {
            id,
            kind: ShapeKind::Arrow,
            x: from,
            y: 130.0,
            width: 0.0,
            height: 0.0,
            points: vec![Point { x: from, y: 130.0 }, Point { x: to, y: 130.0 }],
            text: None,
            color: "#000".into(),
            stroke_width: 2.0,
            created_ms: id,
        }
    }

    #[test]
    fn boxes_and_arrows_become_components_relationships_and_patterns() {
        let board = Whiteboard {
            shapes: vec![
                boxed(1, 0.0, "Browser"),
                boxed(2, 200.0, "Load Balancer"),
                boxed(3, 400.0, "API service"),
                boxed(4, 600.0, "Redis cache"),
                Shape {
                    kind: ShapeKind::Ellipse,
                    text: None,
                    ..boxed(5, 400.0, "")
                },
                Shape {
                    kind: ShapeKind::Text,
                    x: 430.0,
                    y: 120.0,
                    width: 0.0,
                    height: 0.0,
                    text: Some("Postgres".into()),
                    ..boxed(6, 0.0, "")
                },
                arrow(7, 125.0, 195.0),
                arrow(8, 325.0, 395.0),
                arrow(9, 525.0, 595.0),
                Shape {
                    kind: ShapeKind::Line,
                    points: vec![Point { x: 460.0, y: 165.0 }, Point { x: 460.0, y: 100.0 }],
                    ..arrow(10, 0.0, 0.0)
                },
            ],
        };
        // Move the ellipse below the service so the line connects them.
        let mut board = board;
        board.shapes[4].y = 300.0;
        board.shapes[5].y = 320.0;
        board.shapes[9].points = vec![Point { x: 460.0, y: 165.0 }, Point { x: 460.0, y: 300.0 }];
        let problem = crate::problems::find("Design a URL shortener");
        let analysis = analyze_whiteboard(&board, problem);
        assert_eq!(
            analysis.components_identified,
            [
                "Browser",
                "Load Balancer",
                "API service",
                "Redis cache",
                "Postgres"
            ]
        );
        assert_eq!(
            analysis.relationships,
            [
                "Browser -> Load Balancer",
                "Load Balancer -> API service",
                "API service -> Redis cache",
                "API service -- Postgres"
            ]
        );
        assert!(
            analysis
                .design_patterns
                .contains(&"cache-aside".to_string()),
            "{:?}",
            analysis.design_patterns
        );
        assert!(analysis
            .design_patterns
            .contains(&"load balancing".to_string()));
        assert!(
            analysis.missing_elements.is_empty()
                || !analysis.missing_elements.contains(&"cache".to_string())
        );
    }

    #[test]
    fn missing_elements_follow_the_rubric() {
        let board = Whiteboard {
            shapes: vec![boxed(1, 0.0, "Server")],
        };
        let analysis = analyze_whiteboard(&board, crate::problems::find("Design a URL shortener"));
        assert!(analysis.missing_elements.contains(&"database".to_string()));
        assert!(
            analysis.missing_elements.contains(&"cache".to_string()),
            "{:?}",
            analysis.missing_elements
        );
        assert!(analyze_whiteboard(&Whiteboard::default(), None)
            .components_identified
            .is_empty());
    }
}
