//! Reading the whiteboard without any model. Structure first: palette shapes say what
//! component they are, and connectors bound to shapes say exactly what links to what (and
//! in which direction). Older boards without that structure are read as before: labelled
//! boxes become components by their words, and arrow ends within a snap distance of a box
//! connect to it. The problem's rubric says what is missing, simple structural rules
//! recognise common patterns, and a comparison with the board the interviewer saw last says
//! what the candidate just drew.

use mockint_domain::{Component as Kind, Shape, ShapeKind, Whiteboard, WhiteboardAnalysis};

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
#[derive(Clone)]
struct Component<'a> {
    label: String,
    category: Option<&'static str>,
    shape: &'a Shape,
}

/// Analyses the board against the problem's rubric.
pub fn analyze_whiteboard(board: &Whiteboard, problem: Option<&Problem>) -> WhiteboardAnalysis {
    let components = components(board);
    let (relationships, edges) = links(board, &components);
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
        recent_changes: Vec::new(),
    }
}

/// The relationships drawn (`"a -> b"`, `"a -- b"` for a plain line, with the connector's
/// label in brackets) and the component pairs they join.
fn links(board: &Whiteboard, components: &[Component<'_>]) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut relationships = Vec::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let by_id = |id: u64| components.iter().position(|c| c.shape.id == id);
    for shape in board.shapes.iter().filter(|s| s.is_connector()) {
        let (Some(start), Some(end)) = (shape.points.first(), shape.points.last()) else {
            continue;
        };
        // A bound end is exact; a loose end connects to the nearest box within the snap.
        let from = match shape.from {
            Some(id) => by_id(id),
            None => nearest(components, start.x, start.y),
        };
        let to = match shape.to {
            Some(id) => by_id(id),
            None => nearest(components, end.x, end.y),
        };
        let (Some(from), Some(to)) = (from, to) else {
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
        let mut text = format!(
            "{} {arrow} {}",
            components[from].label, components[to].label
        );
        if let Some(label) = shape
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            text.push_str(&format!(" ({label})"));
        }
        if !relationships.contains(&text) {
            relationships.push(text);
            edges.push((from, to));
        }
    }
    (relationships, edges)
}

/// A component the candidate drew since the interviewer last looked, with what it is wired
/// to: enough to ask about it by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedComponent {
    /// Its label as drawn.
    pub label: String,
    /// Its category ("queue", "cache", …), when known.
    pub category: Option<&'static str>,
    /// Labels of the components with a connector into it.
    pub inputs: Vec<String>,
    /// Labels of the components it has a connector to.
    pub outputs: Vec<String>,
}

impl AddedComponent {
    /// "a queue (Jobs) between API and Workers".
    pub fn spoken(&self) -> String {
        let label = self.label.trim();
        let mut what = match self.category {
            Some(category) if label.to_lowercase().contains(category) => {
                format!("{} {label}", article(label))
            }
            Some(category) => format!("{} {category} ({label})", article(category)),
            None => format!("'{label}'"),
        };
        match (self.inputs.first(), self.outputs.first()) {
            (Some(a), Some(b)) => what.push_str(&format!(" between {a} and {b}")),
            (Some(a), None) => what.push_str(&format!(" after {a}")),
            (None, Some(b)) => what.push_str(&format!(" in front of {b}")),
            (None, None) => {}
        }
        what
    }

    /// "added a queue (Jobs) between API and Workers", for the interviewer's notes.
    pub fn describe(&self) -> String {
        format!("added {}", self.spoken())
    }
}

fn article(word: &str) -> &'static str {
    if word.to_lowercase().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// What the candidate drew since the board `before` (the one the interviewer saw last):
/// components added, with their connections.
pub fn added_components(before: &Whiteboard, after: &Whiteboard) -> Vec<AddedComponent> {
    let old = components(before);
    let new = components(after);
    let (_, edges) = links(after, &new);
    new.iter()
        .enumerate()
        .filter(|(_, c)| !old.iter().any(|o| o.shape.id == c.shape.id))
        .map(|(i, c)| AddedComponent {
            label: c.label.clone(),
            category: c.category,
            inputs: edges
                .iter()
                .filter(|(_, to)| *to == i)
                .map(|(from, _)| new[*from].label.clone())
                .collect(),
            outputs: edges
                .iter()
                .filter(|(from, _)| *from == i)
                .map(|(_, to)| new[*to].label.clone())
                .collect(),
        })
        .collect()
}

/// The analysis of `after` with what changed since `before` in `recent_changes`.
pub fn analyze_with_changes(
    before: &Whiteboard,
    after: &Whiteboard,
    problem: Option<&Problem>,
) -> WhiteboardAnalysis {
    let mut analysis = analyze_whiteboard(after, problem);
    analysis.recent_changes = added_components(before, after)
        .iter()
        .map(AddedComponent::describe)
        .collect();
    let old = analyze_whiteboard(before, problem).relationships;
    analysis.recent_changes.extend(
        analysis
            .relationships
            .iter()
            .filter(|r| !old.contains(r))
            .map(|r| format!("connected {r}")),
    );
    analysis
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
        let label = match (own, inside, shape.component) {
            (Some(label), _, _) => label,
            (None, Some(text), _) => {
                used_texts.push(text.id);
                text.text.as_deref().unwrap_or_default().trim().to_string()
            }
            (None, None, Some(kind)) => kind.label().to_string(),
            (None, None, None) => continue,
        };
        out.push(Component {
            // A palette shape says what it is; a hand-drawn box is read from its words.
            category: shape
                .component
                .map(Kind::category)
                .or_else(|| category(&label)),
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
            ..Shape::default()
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
            ..Shape::default()
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

    fn palette(id: u64, x: f64, kind: mockint_domain::Component, label: &str) -> Shape {
        Shape {
            component: Some(kind),
            text: (!label.is_empty()).then(|| label.to_string()),
            ..boxed(id, x, "")
        }
    }

    fn bound(id: u64, from: u64, to: u64) -> Shape {
        Shape {
            from: Some(from),
            to: Some(to),
            // Drawn far from both boxes: only the binding says what it joins.
            points: vec![Point { x: 0.0, y: 900.0 }, Point { x: 10.0, y: 900.0 }],
            ..arrow(id, 0.0, 0.0)
        }
    }

    #[test]
    fn palette_shapes_and_bound_arrows_are_read_exactly() {
        use mockint_domain::Component as K;
        let board = Whiteboard {
            shapes: vec![
                palette(1, 0.0, K::Client, ""),
                palette(2, 200.0, K::LoadBalancer, "edge"),
                palette(3, 400.0, K::Service, "shortener"),
                palette(4, 600.0, K::Database, "links"),
                bound(5, 1, 2),
                bound(6, 2, 3),
                Shape {
                    text: Some("SQL".into()),
                    ..bound(7, 3, 4)
                },
            ],
        };
        let analysis = analyze_whiteboard(&board, None);
        assert_eq!(
            analysis.components_identified,
            ["Client", "edge", "shortener", "links"]
        );
        assert_eq!(
            analysis.relationships,
            [
                "Client -> edge",
                "edge -> shortener",
                "shortener -> links (SQL)"
            ]
        );
        assert!(
            analysis.missing_elements.is_empty(),
            "{:?}",
            analysis.missing_elements
        );
        assert!(analysis
            .design_patterns
            .contains(&"load balancing".to_string()));

        let mut later = board.clone();
        later.shapes.push(palette(8, 800.0, K::Queue, "jobs"));
        later.shapes.push(palette(9, 1000.0, K::Worker, ""));
        later.shapes.push(bound(10, 3, 8));
        later.shapes.push(bound(11, 8, 9));
        let added = added_components(&board, &later);
        assert_eq!(added.len(), 2);
        assert_eq!(
            added[0].spoken(),
            "a queue (jobs) between shortener and Worker"
        );
        assert_eq!(added[1].spoken(), "a Worker after jobs");
        let changes = analyze_with_changes(&board, &later, None).recent_changes;
        assert!(
            changes.contains(&"connected shortener -> jobs".to_string()),
            "{changes:?}"
        );
    }
}
