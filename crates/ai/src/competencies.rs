//! What the rubric knows about each [`Competency`]: the words that show it, what to practise
//! when it is weak and where to learn it.

use mockint_domain::Competency;

/// The rubric's guide to one competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompetencyGuide {
    /// The competency.
    pub competency: Competency,
    /// Words and phrases whose presence in an answer is evidence for it.
    pub signals: &'static [&'static str],
    /// What to practise when it is weak.
    pub practice: &'static str,
    /// Where to learn it.
    pub resources: &'static [&'static str],
}

/// Every competency's guide, in interview order (the order of [`Competency::ALL`]; a test
/// checks it).
pub const COMPETENCIES: &[CompetencyGuide; Competency::ALL.len()] = &[
    CompetencyGuide {
        competency: Competency::Requirements,
        signals: &["requirement", "functional", "non-functional", "use case", "users", "scope", "assume", "assumption", "out of scope", "clarify", "latency", "availability", "consistency"],
        practice: "Open every design by listing functional and non-functional requirements and agreeing the scope before drawing anything.",
        resources: &["System Design Interview (Alex Xu), ch. 3: a framework for system design interviews"],
    },
    CompetencyGuide {
        competency: Competency::Estimation,
        signals: &["per second", "qps", "rps", "requests", "million", "billion", "gb", "tb", "pb", "bandwidth", "storage", "daily active", "dau", "peak", "throughput", "bytes"],
        practice: "Drill back-of-the-envelope estimates: users → requests per second → storage per year → bandwidth, out loud, in under three minutes.",
        resources: &["Jeff Dean's 'Latency numbers every programmer should know'", "System Design Interview (Alex Xu), ch. 2: back-of-the-envelope estimation"],
    },
    CompetencyGuide {
        competency: Competency::ApiDesign,
        signals: &["api", "endpoint", "rest", "grpc", "get ", "post ", "put ", "delete ", "request", "response", "pagination", "idempotent", "status code", "graphql"],
        practice: "Write the three to five core endpoints with their parameters, responses and error cases before the high-level design.",
        resources: &["Google API Design Guide", "Stripe's API reference as a model of idempotent, paginated APIs"],
    },
    CompetencyGuide {
        competency: Competency::DataModel,
        signals: &["schema", "table", "primary key", "index", "sql", "nosql", "postgres", "mysql", "cassandra", "dynamo", "document", "column", "partition key", "foreign key", "entity"],
        practice: "For each entity, name its key, its access patterns and the store that fits them; justify SQL vs NoSQL with those patterns.",
        resources: &["Designing Data-Intensive Applications (Kleppmann), ch. 2–3"],
    },
    CompetencyGuide {
        competency: Competency::HighLevelDesign,
        signals: &["load balancer", "service", "server", "client", "database", "cache", "queue", "cdn", "gateway", "worker", "microservice", "component", "flow"],
        practice: "Sketch the request path end to end (client → edge → services → storage) and walk one read and one write through it.",
        resources: &["System Design Primer (donnemartin) – the 'how to approach' section"],
    },
    CompetencyGuide {
        competency: Competency::DeepDive,
        signals: &["because", "specifically", "algorithm", "hash", "consistent hashing", "bloom filter", "lock", "transaction", "race", "ordering", "exactly once", "at least once", "idempot", "edge case"],
        practice: "Pick the hardest component and explain its internals: data structures, failure cases and how it behaves under concurrency.",
        resources: &["Designing Data-Intensive Applications (Kleppmann), ch. 5–9"],
    },
    CompetencyGuide {
        competency: Competency::ScalabilityReliability,
        signals: &["shard", "partition", "replica", "replication", "horizontal", "scale", "failover", "redundan", "backup", "rate limit", "circuit breaker", "retry", "autoscal", "multi-region", "availability zone"],
        practice: "For each component, say how it scales out and what happens when one instance, one zone and one region fail.",
        resources: &["Google SRE Book, ch. 22: addressing cascading failures", "AWS Well-Architected reliability pillar"],
    },
    CompetencyGuide {
        competency: Competency::Tradeoffs,
        signals: &["trade-off", "tradeoff", "trade off", "instead", "versus", " vs ", "alternatively", "downside", "cost", "on the other hand", "eventual consistency", "strong consistency", "cap theorem", "pros", "cons"],
        practice: "State at least two options for every major decision and say why you chose one, in terms of latency, cost, consistency or effort.",
        resources: &["Designing Data-Intensive Applications (Kleppmann), ch. 9: consistency and consensus"],
    },
    CompetencyGuide {
        competency: Competency::Operations,
        signals: &["monitor", "metric", "alert", "logging", "log ", "tracing", "dashboard", "slo", "sla", "on-call", "deploy", "rollout", "canary", "observability"],
        practice: "End designs with what you would measure (SLOs, key metrics, alerts) and how you would roll out changes safely.",
        resources: &["Google SRE Book, ch. 4 (SLOs) and ch. 6 (monitoring distributed systems)"],
    },
    CompetencyGuide {
        competency: Competency::Communication,
        signals: &["first", "then", "next", "finally", "let me", "to summarize", "in summary", "does that", "should i", "makes sense"],
        practice: "Signpost your answers (first…, then…, to summarise…) and check in with the interviewer before each deep dive.",
        resources: &["Hello Interview: 'Delivery framework' guide"],
    },
];

/// The guide to one competency.
pub fn guide(competency: Competency) -> &'static CompetencyGuide {
    // One guide per variant, in declaration order (tested), so the index is always in range.
    &COMPETENCIES[competency as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_one_guide_per_competency_in_order() {
        let order: Vec<Competency> = COMPETENCIES.iter().map(|g| g.competency).collect();
        assert_eq!(order, Competency::ALL);
        for c in Competency::ALL {
            assert_eq!(guide(c).competency, c);
        }
    }
}
