//! Requirement changes ("curveballs"): once per interview, when the design is on the table,
//! the interviewer changes a requirement the way real interviewers do and then judges whether
//! the candidate adapted the design or only acknowledged the change.

use crate::decisions::cue_matches;

/// One requirement change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Curveball {
    /// Stable id.
    pub id: &'static str,
    /// Problems it suits, by a phrase of their title; empty: any problem.
    pub problems: &'static [&'static str],
    /// The change, said as the interviewer says it.
    pub change: &'static str,
    /// Cues (decision-library grammar) that show the design was adapted to it.
    pub adapted: &'static [&'static str],
    /// What adapting means, for the report.
    pub expectation: &'static str,
    /// The change in a few words, for follow-up questions ("links expire after 30 days").
    pub short: &'static str,
}

impl Curveball {
    /// Whether an answer adapts the design to the change (any sentence matches a cue).
    pub fn adapted_in(&self, answer: &str) -> bool {
        crate::analysis::sentences(answer)
            .into_iter()
            .any(|sentence| {
                let lower = sentence.to_lowercase();
                self.adapted.iter().any(|cue| cue_matches(&lower, cue))
            })
    }
}

/// The library, problem-specific ones first.
pub const CURVEBALLS: &[Curveball] = &[
    Curveball {
        id: "group_size",
        problems: &["chat"],
        change: "New requirement: group chats of up to 100,000 members, like large community channels.",
        adapted: &["fan-out / fan out / fanout", "pull + model / on read / instead", "large group / big group / channel + differently / separately / pull / read", "per-group / per group + queue / partition / log"],
        expectation: "switching large groups from per-member push to a pull or fan-out-on-read model",
        short: "groups can have 100,000 members",
    },
    Curveball {
        id: "ranking_change",
        problems: &["news feed"],
        change: "Product wants the feed ranked by predicted engagement instead of time, recomputed as new likes come in.",
        adapted: &["rank / ranking + service / model / score / offline / online / features", "feature store", "re-rank / rerank", "score + recomput / update / stream"],
        expectation: "a ranking stage (candidate generation, scoring with precomputed features) and how scores stay fresh",
        short: "the feed is ranked by predicted engagement",
    },
    Curveball {
        id: "burst_allowance",
        problems: &["rate limiter"],
        change: "Customers now pay for burst allowances: a client may exceed its limit for up to 10 seconds once an hour.",
        adapted: &["token bucket", "bucket + size / capacity / burst", "burst + credit / allowance / track / counter / window", "per-client / per client + config / limit"],
        expectation: "a bucket whose capacity models the burst, with the allowance tracked per client",
        short: "clients can buy burst allowances",
    },
    Curveball {
        id: "flash_sale",
        problems: &["ticket", "booking"],
        change: "A stadium tour goes on sale at 10:00 and 2 million people will arrive in the first minute for 50,000 seats.",
        adapted: &["waiting room / virtual queue / queue + users / admission / token", "admission control", "rate limit", "hold / reserve + ttl / expir / timeout", "pre-allocat / inventory + shard / cache / counter"],
        expectation: "admission control (a virtual waiting room) in front of seat holds so the inventory store sees a bounded load",
        short: "two million people arrive in the first minute",
    },
    Curveball {
        id: "refunds",
        problems: &["payment"],
        change: "We now have to support partial refunds and chargebacks that arrive weeks after the payment.",
        adapted: &["ledger + entry / entries / reversal / refund", "refund + state / status / entry / record / idempot", "chargeback + state / entry / record / handle", "reversal / compensat"],
        expectation: "refunds and chargebacks as new ledger entries with their own states, never edits of the original payment",
        short: "refunds and chargebacks arrive weeks later",
    },
    Curveball {
        id: "strong_consistency",
        problems: &["key-value", "message queue", "leaderboard"],
        change: "A new customer needs strongly consistent reads for their keys — they read right after writing and cannot see stale data.",
        adapted: &["quorum", "r + w + > / greater / n", "leader + read / reads", "linearizab", "consensus / raft / paxos", "read-your-writes / read your writes"],
        expectation: "reads that go through a quorum or the leader, and what that costs in latency and availability",
        short: "some reads must be strongly consistent",
    },
    Curveball {
        id: "links_expire",
        problems: &["url shortener", "pastebin"],
        change: "Product just decided that links must expire after 30 days unless the owner renews them.",
        adapted: &["ttl", "expir + column / field / index / time / date / at", "expire + job / sweep / batch / lazily / on read", "cleanup / clean up / sweeper / purge / delete + job / batch / background / periodic / expired", "renew"],
        expectation: "an expiry time stored with each link, a check on read, and a background sweep that frees expired codes",
        short: "links expire after 30 days",
    },
    Curveball {
        id: "multi_region",
        problems: &["chat", "news feed", "payment", "ticket", "rate limiter", "url shortener", "key-value"],
        change: "We're going multi-region: users in Europe and Asia must get the same latency as users in the US, and a whole region can go down.",
        adapted: &["region + replicat / failover / route / latency / local / active / leader / home", "geo + dns / routing / replicat", "cross-region / cross region", "active-active / active-passive / active active", "conflict + resolution / region"],
        expectation: "where each region reads and writes, how data is replicated between regions, and what happens to in-flight work when a region fails",
        short: "we run in several regions",
    },
    Curveball {
        id: "traffic_10x",
        problems: &[],
        change: "Traffic just grew ten times overnight — a partner launch. Same budget of latency.",
        adapted: &["shard / partition + more / add / split / by", "autoscal / scale out / add + servers / nodes / replicas / instances", "read replica / replicas", "cache + hit / more / hot", "bottleneck", "queue + buffer / absorb / backpressure", "rate limit"],
        expectation: "which component breaks first at ten times the load and how it is scaled out (more shards, replicas, caches) with numbers",
        short: "traffic is ten times higher",
    },
];

/// The curveball for a problem (title or statement, lower case): the first specific one that
/// applies, else the general one.
pub fn for_problem(problem: &str) -> &'static Curveball {
    let problem = problem.to_lowercase();
    CURVEBALLS
        .iter()
        .find(|c| !c.problems.is_empty() && c.problems.iter().any(|p| problem.contains(p)))
        .or_else(|| CURVEBALLS.iter().find(|c| c.problems.is_empty()))
        .unwrap_or(&CURVEBALLS[0])
}

/// A curveball by id.
pub fn by_id(id: &str) -> Option<&'static Curveball> {
    CURVEBALLS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_gets_a_fitting_change_and_adaptation_is_read_from_the_answer() {
        assert_eq!(for_problem("design a url shortener").id, "links_expire");
        assert_eq!(for_problem("design a chat system").id, "group_size");
        assert_eq!(
            for_problem("design a video streaming platform").id,
            "traffic_10x"
        );
        assert_eq!(for_problem("design a web crawler").id, "traffic_10x");
        let expiry = for_problem("design a url shortener");
        assert!(expiry.adapted_in(
            "I'd add an expires_at column and a nightly cleanup job that deletes expired links."
        ));
        assert!(!expiry.adapted_in("Okay, that's fine, nothing really changes."));
    }
}
