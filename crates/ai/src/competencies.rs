//! The competencies a system-design interview is scored on, with the words that show them.

/// One scored competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Competency {
    /// Key used in reports, e.g. "requirements".
    pub key: &'static str,
    /// Human name.
    pub title: &'static str,
    /// Words and phrases whose presence in an answer is evidence for it.
    pub signals: &'static [&'static str],
    /// What to practise when it is weak.
    pub practice: &'static str,
    /// Where to learn it.
    pub resources: &'static [&'static str],
}

/// Every competency, in interview order.
pub const COMPETENCIES: &[Competency] = &[
    Competency {
        key: "requirements",
        title: "Requirements & scoping",
        signals: &["requirement", "functional", "non-functional", "use case", "users", "scope", "assume", "assumption", "out of scope", "clarify", "latency", "availability", "consistency"],
        practice: "Open every design by listing functional and non-functional requirements and agreeing the scope before drawing anything.",
        resources: &["System Design Interview (Alex Xu), ch. 3: a framework for system design interviews"],
    },
    Competency {
        key: "estimation",
        title: "Capacity estimation",
        signals: &["per second", "qps", "rps", "requests", "million", "billion", "gb", "tb", "pb", "bandwidth", "storage", "daily active", "dau", "peak", "throughput", "bytes"],
        practice: "Drill back-of-the-envelope estimates: users → requests per second → storage per year → bandwidth, out loud, in under three minutes.",
        resources: &["Jeff Dean's 'Latency numbers every programmer should know'", "System Design Interview (Alex Xu), ch. 2: back-of-the-envelope estimation"],
    },
    Competency {
        key: "api_design",
        title: "API design",
        signals: &["api", "endpoint", "rest", "grpc", "get ", "post ", "put ", "delete ", "request", "response", "pagination", "idempotent", "status code", "graphql"],
        practice: "Write the three to five core endpoints with their parameters, responses and error cases before the high-level design.",
        resources: &["Google API Design Guide", "Stripe's API reference as a model of idempotent, paginated APIs"],
    },
    Competency {
        key: "data_model",
        title: "Data model & storage",
        signals: &["schema", "table", "primary key", "index", "sql", "nosql", "postgres", "mysql", "cassandra", "dynamo", "document", "column", "partition key", "foreign key", "entity"],
        practice: "For each entity, name its key, its access patterns and the store that fits them; justify SQL vs NoSQL with those patterns.",
        resources: &["Designing Data-Intensive Applications (Kleppmann), ch. 2–3"],
    },
    Competency {
        key: "high_level_design",
        title: "High-level design",
        signals: &["load balancer", "service", "server", "client", "database", "cache", "queue", "cdn", "gateway", "worker", "microservice", "component", "flow"],
        practice: "Sketch the request path end to end (client → edge → services → storage) and walk one read and one write through it.",
        resources: &["System Design Primer (donnemartin) – the 'how to approach' section"],
    },
    Competency {
        key: "deep_dive",
        title: "Deep dives",
        signals: &["because", "specifically", "algorithm", "hash", "consistent hashing", "bloom filter", "lock", "transaction", "race", "ordering", "exactly once", "at least once", "idempot", "edge case"],
        practice: "Pick the hardest component and explain its internals: data structures, failure cases and how it behaves under concurrency.",
        resources: &["Designing Data-Intensive Applications (Kleppmann), ch. 5–9"],
    },
    Competency {
        key: "scalability_reliability",
        title: "Scalability & reliability",
        signals: &["shard", "partition", "replica", "replication", "horizontal", "scale", "failover", "redundan", "backup", "rate limit", "circuit breaker", "retry", "autoscal", "multi-region", "availability zone"],
        practice: "For each component, say how it scales out and what happens when one instance, one zone and one region fail.",
        resources: &["Google SRE Book, ch. 22: addressing cascading failures", "AWS Well-Architected reliability pillar"],
    },
    Competency {
        key: "tradeoffs",
        title: "Trade-offs",
        signals: &["trade-off", "tradeoff", "trade off", "instead", "versus", " vs ", "alternatively", "downside", "cost", "on the other hand", "eventual consistency", "strong consistency", "cap theorem", "pros", "cons"],
        practice: "State at least two options for every major decision and say why you chose one, in terms of latency, cost, consistency or effort.",
        resources: &["Designing Data-Intensive Applications (Kleppmann), ch. 9: consistency and consensus"],
    },
    Competency {
        key: "operations",
        title: "Operations & monitoring",
        signals: &["monitor", "metric", "alert", "logging", "log ", "tracing", "dashboard", "slo", "sla", "on-call", "deploy", "rollout", "canary", "observability"],
        practice: "End designs with what you would measure (SLOs, key metrics, alerts) and how you would roll out changes safely.",
        resources: &["Google SRE Book, ch. 4 (SLOs) and ch. 6 (monitoring distributed systems)"],
    },
    Competency {
        key: "communication",
        title: "Communication",
        signals: &["first", "then", "next", "finally", "let me", "to summarize", "in summary", "does that", "should i", "makes sense"],
        practice: "Signpost your answers (first…, then…, to summarise…) and check in with the interviewer before each deep dive.",
        resources: &["Hello Interview: 'Delivery framework' guide"],
    },
];
