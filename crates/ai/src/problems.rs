//! The problem bank: 26 system-design problems, each tagged by level and domain and carrying a
//! rubric (the concepts a strong answer covers per competency, deep-dive questions, common
//! pitfalls), and how a problem is chosen for a candidate.

use mockint_domain::Competency::{
    self, ApiDesign, DataModel, DeepDive, HighLevelDesign, Operations, ScalabilityReliability,
};
use mockint_domain::{ExperienceLevel, ResumeData};

use ExperienceLevel::{Junior, Mid, Senior, Staff};

/// A system-design problem from the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    /// Short title, e.g. "Design a URL shortener".
    pub title: &'static str,
    /// What the interviewer presents.
    pub statement: &'static str,
    /// Levels it suits.
    pub levels: &'static [ExperienceLevel],
    /// Domains it relates to.
    pub domains: &'static [&'static str],
    /// Words that name it in a request ("url shortener", "tinyurl").
    pub keywords: &'static [&'static str],
    /// Problem-specific concepts: (competency, "concept|synonym|synonym").
    pub concepts: &'static [(Competency, &'static str)],
    /// Questions for the deep-dive phase.
    pub deep_dives: &'static [&'static str],
    /// Mistakes candidates commonly make on it.
    pub pitfalls: &'static [&'static str],
    /// Features the statement asks for: (label, cues in the decision-library grammar, several
    /// separated by ` | `). A requirements answer that names none of a feature's cues left it
    /// out.
    pub features: &'static [(&'static str, &'static str)],
}

/// The built-in problems.
pub const BANK: &[Problem] = &[
    Problem {
        title: "Design a URL shortener",
        statement: "Design a URL shortening service like bit.ly: users submit a long URL and get a short link that redirects to it. Expect about 100 million new links a month and far more redirects than creations.",
        levels: &[Junior, Mid, Senior],
        domains: &["backend", "web"],
        keywords: &["url shortener", "shorten", "tinyurl", "bit.ly", "short link"],
        concepts: &[
            (DataModel, "short code as key|code as primary key|keyed by code"),
            (DeepDive, "base62|base 62|base-62"),
            (DeepDive, "collision|unique code|key generation service|counter"),
            (HighLevelDesign, "redirect service|redirect"),
            (ScalabilityReliability, "cache popular links|read-heavy|read heavy|cache"),
            (ApiDesign, "301|302|redirect status"),
        ],
        deep_dives: &["How exactly do you generate short codes so that two servers never hand out the same one?", "A celebrity tweets one link and it gets 1 million redirects a minute. What happens in your design?"],
        pitfalls: &["Hashing the long URL and truncating without handling collisions", "Ignoring the read/write ratio when choosing storage and caching"],
        features: &[("creating a short link", "shorten | short + link / url / code"), ("the redirect to the long URL", "redirect")],
    },
    Problem {
        title: "Design a chat system",
        statement: "Design a chat application like WhatsApp or Slack supporting one-to-one and group conversations, online presence and message history across devices, for 50 million daily active users.",
        levels: &[Mid, Senior, Staff],
        domains: &["backend", "distributed-systems", "mobile", "real-time"],
        keywords: &["chat", "messaging", "whatsapp", "slack", "messenger"],
        concepts: &[
            (HighLevelDesign, "websocket|web socket|long polling|persistent connection"),
            (DeepDive, "message ordering|sequence number|ordering"),
            (DeepDive, "delivery receipt|acknowledg|at least once"),
            (HighLevelDesign, "presence|online status|heartbeat"),
            (DataModel, "partition by conversation|conversation id|channel id"),
            (ScalabilityReliability, "fan-out|fan out|group messages"),
        ],
        deep_dives: &["How do you guarantee messages in a conversation are shown in the same order on every device?", "How does a message reach a user who is connected to a different chat server?"],
        pitfalls: &["Using plain HTTP polling for real-time delivery at this scale", "Forgetting offline users and multi-device sync"],
        features: &[("group conversations", "group / channel"), ("online presence", "presence / online / last seen / status"), ("message history across devices", "history / sync / devices / device / offline")],
    },
    Problem {
        title: "Design a news feed",
        statement: "Design the home news feed of a social network: users follow others and see a ranked feed of their posts. 300 million daily users, each loading the feed several times a day.",
        levels: &[Mid, Senior, Staff],
        domains: &["backend", "distributed-systems", "ml"],
        keywords: &["news feed", "feed", "timeline", "twitter", "instagram"],
        concepts: &[
            (DeepDive, "fan-out on write|fan out on write|push model|precompute"),
            (DeepDive, "fan-out on read|fan out on read|pull model"),
            (DeepDive, "celebrity|hot user|hybrid"),
            (HighLevelDesign, "ranking|ranked"),
            (ScalabilityReliability, "feed cache|timeline cache|cache"),
            (DataModel, "follow graph|followers table|social graph"),
        ],
        deep_dives: &["A user with 50 million followers posts. Walk me through what your system does.", "How would you change the design to rank posts instead of showing them by time?"],
        pitfalls: &["Fan-out on write for every user, including celebrities", "No pagination or cursor for the feed"],
        features: &[("following other users", "follow"), ("ranking the feed", "rank / ranked / ranking / relevan | order + feed / posts")],
    },
    Problem {
        title: "Design a rate limiter",
        statement: "Design a distributed rate limiter that API gateways consult on every request to enforce per-user and per-endpoint limits, adding at most a few milliseconds of latency.",
        levels: &[Junior, Mid, Senior],
        domains: &["backend", "infrastructure", "distributed-systems"],
        keywords: &["rate limiter", "rate limiting", "throttl"],
        concepts: &[
            (DeepDive, "token bucket|leaky bucket|sliding window|fixed window"),
            (DataModel, "counter per user|counters in redis|redis"),
            (DeepDive, "atomic|lua script|race condition|incr"),
            (ApiDesign, "429|too many requests|retry-after"),
            (ScalabilityReliability, "fail open|fail closed"),
        ],
        deep_dives: &["Two gateway nodes check the same user's counter at the same instant. How do you avoid letting both through?", "Your Redis cluster goes down. Do requests fail open or closed, and why?"],
        pitfalls: &["Counting in each gateway's local memory so limits multiply with the node count", "Not saying which algorithm and what it costs in memory"],
        features: &[("per-user limits", "user / client / api key / tenant / customer"), ("per-endpoint limits", "endpoint / route / path")],
    },
    Problem {
        title: "Design a distributed key-value store",
        statement: "Design a distributed key-value store like DynamoDB or Cassandra with tunable consistency, horizontal scaling to petabytes and no single point of failure.",
        levels: &[Senior, Staff],
        domains: &["storage", "distributed-systems", "infrastructure", "databases"],
        keywords: &["key-value", "key value", "kv store", "dynamo", "cassandra"],
        concepts: &[
            (DeepDive, "consistent hashing|hash ring|virtual nodes"),
            (DeepDive, "quorum|r + w|read repair|hinted handoff"),
            (DeepDive, "vector clock|last write wins|conflict resolution"),
            (ScalabilityReliability, "replication factor|replicas|replicate"),
            (DeepDive, "gossip|failure detection|membership"),
            (DataModel, "lsm|sstable|memtable|write-ahead log|wal"),
        ],
        deep_dives: &["Walk me through a write with N=3, W=2 when one replica is down.", "How do you detect and repair replicas that diverged?"],
        pitfalls: &["Modulo hashing that reshuffles every key when a node joins", "Claiming strong consistency and full availability during partitions"],
        features: &[("tunable consistency", "consisten / quorum"), ("no single point of failure", "replica / replicat / single point / failover")],
    },
    Problem {
        title: "Design a video streaming platform",
        statement: "Design a video platform like YouTube: creators upload videos that are transcoded and streamed to viewers worldwide with adaptive bitrate.",
        levels: &[Senior, Staff],
        domains: &["media", "backend", "infrastructure", "cdn"],
        keywords: &["video", "youtube", "netflix", "streaming"],
        concepts: &[
            (HighLevelDesign, "transcod|encode|encoding pipeline"),
            (DeepDive, "adaptive bitrate|hls|dash|segments|chunks"),
            (ScalabilityReliability, "cdn|edge"),
            (DataModel, "object storage|blob storage|s3"),
            (HighLevelDesign, "upload|resumable upload|presigned"),
            (HighLevelDesign, "metadata service|metadata database"),
        ],
        deep_dives: &["How does the player switch quality when the viewer's bandwidth drops?", "How do you make uploads of 10 GB files reliable?"],
        pitfalls: &["Serving video bytes from application servers", "Ignoring transcoding cost and queueing"],
        features: &[("uploads", "upload"), ("transcoding", "transcod / encod"), ("adaptive bitrate streaming", "adaptive / bitrate / quality / resolution")],
    },
    Problem {
        title: "Design an autocomplete service",
        statement: "Design search-as-you-type suggestions for a search box: as the user types, show the top 10 completions within 100 ms, updated as popular queries change.",
        levels: &[Junior, Mid, Senior],
        domains: &["frontend", "search", "backend"],
        keywords: &["autocomplete", "typeahead", "search suggestions", "type ahead"],
        concepts: &[
            (DataModel, "trie|prefix tree|prefix index"),
            (DeepDive, "top k|top-k|precomputed suggestions"),
            (HighLevelDesign, "debounce|throttle keystrokes|client cache"),
            (ScalabilityReliability, "cache|shard by prefix"),
            (DeepDive, "popularity|frequency|query logs"),
        ],
        deep_dives: &["How do you keep the suggestions fresh as new queries become popular?", "How does the browser avoid sending a request on every keystroke?"],
        pitfalls: &["Querying the main database with LIKE 'prefix%' on every keystroke", "Ignoring the 100 ms budget end to end"],
        features: &[("the top 10 completions", "top + 10 / k / ten | suggestion / completion"), ("keeping suggestions fresh as popular queries change", "popular / trending / fresh / update / frequen")],
    },
    Problem {
        title: "Design a payment system",
        statement: "Design the payment backend of an e-commerce company: charge customers through external payment providers, never charge twice, and keep a ledger that reconciles with the providers daily.",
        levels: &[Senior, Staff],
        domains: &["fintech", "backend", "distributed-systems"],
        keywords: &["payment", "checkout", "ledger", "stripe", "billing"],
        concepts: &[
            (DeepDive, "idempotency key|idempotent|idempotency"),
            (DataModel, "double-entry|double entry|ledger"),
            (DeepDive, "reconciliation|reconcile"),
            (DeepDive, "state machine|payment status|pending"),
            (ScalabilityReliability, "retry|exactly once|outbox"),
            (Operations, "audit|compliance|pci"),
        ],
        deep_dives: &["The provider times out after charging the card. What does your system do?", "How do you find and fix a mismatch between your ledger and the provider's report?"],
        pitfalls: &["Retrying charges without an idempotency key", "Storing balances as mutable fields without a ledger"],
        features: &[("never charging twice", "twice / double / duplicate / idempot / exactly once"), ("the ledger", "ledger / accounting"), ("daily reconciliation with the providers", "reconcil")],
    },
    Problem {
        title: "Design a web crawler",
        statement: "Design a web crawler that downloads a billion pages a month for a search engine, politely, without fetching the same page twice.",
        levels: &[Mid, Senior],
        domains: &["backend", "data", "search"],
        keywords: &["crawler", "crawl", "spider"],
        concepts: &[
            (HighLevelDesign, "url frontier|frontier|queue of urls"),
            (DeepDive, "politeness|robots.txt|per-host"),
            (DeepDive, "dedup|deduplicat|seen urls|bloom filter|content hash"),
            (HighLevelDesign, "dns|fetcher|parser"),
            (ScalabilityReliability, "distributed workers|partition by host"),
        ],
        deep_dives: &["How do you avoid hammering one website while keeping all workers busy?", "How do you detect that two URLs serve the same content?"],
        pitfalls: &["No politeness per host", "Keeping the seen-set in a single machine's memory"],
        features: &[("politeness", "polite / robots / per-host / per host / crawl delay"), ("not fetching a page twice", "twice / duplicate / dedup / seen / already")],
    },
    Problem {
        title: "Design a notification service",
        statement: "Design a service that sends push, SMS and email notifications for many product teams: 10 million notifications a day, user preferences respected, nothing sent twice.",
        levels: &[Junior, Mid, Senior],
        domains: &["backend", "mobile"],
        keywords: &["notification", "push notification", "alerts service"],
        concepts: &[
            (HighLevelDesign, "message queue|queue|kafka"),
            (DeepDive, "retry|dead letter|dlq"),
            (DataModel, "user preferences|opt out|settings"),
            (DeepDive, "dedup|idempoten"),
            (HighLevelDesign, "apns|fcm|third-party provider|twilio|sendgrid"),
            (ScalabilityReliability, "rate limit"),
        ],
        deep_dives: &["The SMS provider is down for 20 minutes. What happens to queued messages?", "How do you make sure a user never receives the same notification twice?"],
        pitfalls: &["Sending synchronously from the caller's request", "No handling of provider failures"],
        features: &[("push, SMS and email", "sms / email / channel"), ("user preferences", "preference / opt / settings / unsubscribe"), ("never sending twice", "twice / duplicate / dedup / idempot / exactly once")],
    },
    Problem {
        title: "Design a ride-sharing service",
        statement: "Design the core of a ride-sharing app like Uber: riders request trips, nearby drivers are matched, and both see live locations.",
        levels: &[Senior, Staff],
        domains: &["backend", "mobile", "geo", "real-time"],
        keywords: &["uber", "lyft", "ride sharing", "ride-sharing", "taxi"],
        concepts: &[
            (DeepDive, "geohash|quadtree|s2|geospatial index"),
            (DeepDive, "matching|dispatch"),
            (HighLevelDesign, "location updates|gps|websocket"),
            (DataModel, "trip state|trip table"),
            (ScalabilityReliability, "partition by region|city|shard by geography"),
        ],
        deep_dives: &["How do you find the five nearest available drivers in under 100 ms?", "Two riders are offered the same driver at once. How do you resolve it?"],
        pitfalls: &["Storing driver locations in a relational table scanned on every request", "Ignoring the write rate of location updates"],
        features: &[("matching nearby drivers", "match / nearby / nearest / closest / dispatch"), ("live locations", "location / gps / track")],
    },
    Problem {
        title: "Design a cloud file storage service",
        statement: "Design a file storage and sync service like Dropbox: users store files, sync them across devices, and share folders.",
        levels: &[Senior, Staff],
        domains: &["storage", "cloud", "distributed-systems"],
        keywords: &["dropbox", "google drive", "file storage", "file sync"],
        concepts: &[
            (DeepDive, "chunk|block|chunking"),
            (DeepDive, "dedup|content hash|content-addressed"),
            (DataModel, "metadata database|file metadata"),
            (DeepDive, "sync|conflict|versioning"),
            (DataModel, "object storage|s3|blob"),
            (HighLevelDesign, "notification|long polling"),
        ],
        deep_dives: &["A user edits the same file offline on two laptops. What happens when both come online?", "How do you upload only the changed part of a 2 GB file?"],
        pitfalls: &["Re-uploading whole files on every change", "Keeping file bytes in the metadata database"],
        features: &[("sync across devices", "sync / devices"), ("sharing folders", "share / sharing / permission")],
    },
    Problem {
        title: "Design a pastebin",
        statement: "Design a service like Pastebin where users paste text and share a link to it; pastes can expire.",
        levels: &[Junior, Mid],
        domains: &["backend", "web"],
        keywords: &["pastebin", "paste bin", "paste"],
        concepts: &[
            (DataModel, "object storage|blob|s3"),
            (DataModel, "metadata|paste id"),
            (DeepDive, "expiration|ttl|expire"),
            (DeepDive, "unique id|key generation"),
            (ScalabilityReliability, "cache|cdn"),
        ],
        deep_dives: &["How do expired pastes get removed without slowing down reads?", "Where do you store a 10 MB paste?"],
        pitfalls: &["Putting large paste bodies in the relational database", "No plan for expiry"],
        features: &[("sharing a link to a paste", "link / url / share"), ("expiry", "expir / ttl")],
    },
    Problem {
        title: "Design a ticket booking system",
        statement: "Design a ticketing system like Ticketmaster: users pick seats for popular events and pay; when sales open, a million people arrive at once.",
        levels: &[Mid, Senior],
        domains: &["backend", "distributed-systems"],
        keywords: &["ticketmaster", "ticket booking", "booking", "seat reservation"],
        concepts: &[
            (DeepDive, "seat hold|reservation timeout|temporary hold|lock"),
            (DeepDive, "double booking|overbooking|concurrency"),
            (HighLevelDesign, "virtual queue|waiting room"),
            (DataModel, "seat table|seats|inventory"),
            (DeepDive, "transaction|optimistic locking|select for update"),
        ],
        deep_dives: &["Two users click the same seat in the same millisecond. Who gets it and how?", "How do you protect the system when a million users arrive at 10:00?"],
        pitfalls: &["Holding seats forever when payment is abandoned", "No admission control at sale start"],
        features: &[("never selling the same seat twice", "twice / double / oversell / overbook / same seat / one buyer / two people / two users | seat + lock / hold / reserv"), ("the rush when sales open", "rush / spike / burst / surge / million / waiting room / flash")],
    },
    Problem {
        title: "Design a metrics monitoring system",
        statement: "Design a metrics and alerting system like Prometheus or Datadog that ingests 10 million data points per second from services and evaluates alert rules.",
        levels: &[Senior, Staff],
        domains: &["infrastructure", "data", "observability"],
        keywords: &["metrics", "monitoring", "prometheus", "datadog", "alerting"],
        concepts: &[
            (DataModel, "time series|time-series database|tsdb"),
            (DeepDive, "downsampling|rollup|retention"),
            (HighLevelDesign, "push|pull|scrape|agent"),
            (DeepDive, "alert rule|alerting|threshold"),
            (DeepDive, "cardinality|labels|tags"),
        ],
        deep_dives: &["How do you store a year of data cheaply while keeping recent data fast?", "What happens when a team adds a label with a user id in it?"],
        pitfalls: &["Using a general-purpose relational table per data point", "Ignoring high-cardinality labels"],
        features: &[("ingesting data points", "ingest / collect / scrape / agent"), ("alert rules", "alert")],
    },
    Problem {
        title: "Design a distributed message queue",
        statement: "Design a distributed log-based message queue like Kafka: producers append messages to topics, consumer groups read them in order, and nothing acknowledged is lost.",
        levels: &[Senior, Staff],
        domains: &["distributed-systems", "infrastructure", "data", "storage"],
        keywords: &["kafka", "message queue", "pub/sub", "pubsub", "event log"],
        concepts: &[
            (DataModel, "partition|append-only log|segment"),
            (DeepDive, "offset|consumer group"),
            (DeepDive, "replication|in-sync replicas|isr|leader"),
            (DeepDive, "ordering per partition|ordering"),
            (DeepDive, "exactly once|at least once|at most once"),
            (ScalabilityReliability, "retention|compaction"),
        ],
        deep_dives: &["The leader of a partition crashes right after acknowledging a write. Is the message lost?", "How does a consumer group rebalance when a consumer dies?"],
        pitfalls: &["Promising global ordering across partitions", "Acknowledging before replication"],
        features: &[("consumer groups reading in order", "order / consumer group / offset"), ("never losing an acknowledged message", "durab / replicat / lost / lose / ack")],
    },
    Problem {
        title: "Design product search for an online store",
        statement: "Design the product search of a large online store: keyword search with filters and facets over 100 million products, results in under 200 ms.",
        levels: &[Mid, Senior],
        domains: &["search", "backend", "ml"],
        keywords: &["product search", "search engine", "elasticsearch", "search service"],
        concepts: &[
            (DataModel, "inverted index|elasticsearch|lucene"),
            (DeepDive, "relevance|ranking|bm25|tf-idf"),
            (DeepDive, "facet|filter|aggregation"),
            (HighLevelDesign, "indexing pipeline|change data capture|cdc"),
            (ScalabilityReliability, "shard|replica"),
        ],
        deep_dives: &["A product's price changes. How long until search shows it, and how does it get there?", "How do you rank results for the query 'red shoes'?"],
        pitfalls: &["Running search queries against the transactional database", "No plan for keeping the index in sync"],
        features: &[("filters and facets", "filter / facet"), ("relevance", "relevan / rank / keyword")],
    },
    Problem {
        title: "Design a collaborative document editor",
        statement: "Design a collaborative editor like Google Docs: several people edit the same document at once and see each other's changes and cursors in real time.",
        levels: &[Senior, Staff],
        domains: &["frontend", "real-time", "distributed-systems"],
        keywords: &["google docs", "collaborative", "document editor", "co-editing"],
        concepts: &[
            (DeepDive, "operational transform|operational transformation|ot|crdt"),
            (HighLevelDesign, "websocket|real-time channel"),
            (DataModel, "operation log|snapshot|version history"),
            (DeepDive, "conflict|concurrent edits"),
            (HighLevelDesign, "cursor|presence"),
        ],
        deep_dives: &["Two users type at the same position at the same time. What does each see?", "How do you load a document with 100,000 edits quickly?"],
        pitfalls: &["Last-write-wins on the whole document", "Sending the full document on every keystroke"],
        features: &[("concurrent edits", "concurren / simultaneous / same time / conflict / at once"), ("seeing each other's cursors", "cursor / presence")],
    },
    Problem {
        title: "Design a photo sharing app",
        statement: "Design a photo sharing app like Instagram: users upload photos, follow each other and scroll a feed of images on web and mobile, fast even on slow networks.",
        levels: &[Junior, Mid, Senior],
        domains: &["frontend", "mobile", "media", "backend"],
        keywords: &["instagram", "photo sharing", "photo app", "image sharing"],
        concepts: &[
            (DataModel, "object storage|s3|blob"),
            (HighLevelDesign, "thumbnails|resize|image processing"),
            (ScalabilityReliability, "cdn|edge cache"),
            (HighLevelDesign, "lazy loading|infinite scroll|pagination"),
            (HighLevelDesign, "presigned url|direct upload"),
        ],
        deep_dives: &["How does the app stay fast on a 3G connection?", "Walk me through an upload from the phone to the first viewer."],
        pitfalls: &["Serving original-size images to every device", "Uploading through application servers"],
        features: &[("uploads", "upload"), ("the feed", "feed / timeline"), ("slow networks", "slow / 3g / bandwidth / compress / thumbnail")],
    },
    Problem {
        title: "Design a gaming leaderboard",
        statement: "Design a real-time leaderboard for an online game with 10 million players: show the global top 100 and any player's rank, updated as scores change.",
        levels: &[Junior, Mid],
        domains: &["backend", "gaming"],
        keywords: &["leaderboard", "ranking", "high score"],
        concepts: &[
            (DataModel, "sorted set|zset|redis"),
            (DeepDive, "rank query|zrank|percentile"),
            (ScalabilityReliability, "shard|partition"),
            (DataModel, "persistent store|database of record"),
        ],
        deep_dives: &["How do you find the rank of a player in 10 million in a few milliseconds?", "What if the leaderboard no longer fits on one Redis node?"],
        pitfalls: &["Sorting the whole table on every read", "Losing scores when the cache restarts"],
        features: &[("the global top 100", "top + 100 / n / k | top-100"), ("any player's rank", "rank")],
    },
    Problem {
        title: "Design a distributed job scheduler",
        statement: "Design a job scheduler that runs millions of scheduled and recurring jobs (cron-like) across a fleet of workers, each job exactly when due and once.",
        levels: &[Senior, Staff],
        domains: &["infrastructure", "distributed-systems", "backend"],
        keywords: &["job scheduler", "cron", "scheduler", "task queue"],
        concepts: &[
            (DataModel, "due time index|next run time|time index"),
            (DeepDive, "lease|lock|visibility timeout"),
            (DeepDive, "exactly once|at least once|idempoten"),
            (HighLevelDesign, "worker pool|workers|queue"),
            (ScalabilityReliability, "leader election|partition"),
        ],
        deep_dives: &["A worker dies halfway through a job. Who notices and what happens?", "How do you avoid every scheduler node picking up the same due job?"],
        pitfalls: &["Polling the whole jobs table every second", "No handling of worker crashes"],
        features: &[("recurring jobs", "recurr / cron / periodic"), ("running each job exactly once", "once / twice / duplicate / exactly")],
    },
    Problem {
        title: "Design a food delivery platform",
        statement: "Design a food delivery app like DoorDash: customers order from nearby restaurants, couriers are assigned, and everyone tracks the order live.",
        levels: &[Mid, Senior],
        domains: &["backend", "mobile", "geo"],
        keywords: &["doordash", "food delivery", "uber eats", "delivery app"],
        concepts: &[
            (DataModel, "order state|order status"),
            (DeepDive, "courier assignment|dispatch|matching"),
            (DeepDive, "geohash|geospatial|nearby"),
            (HighLevelDesign, "live tracking|location updates"),
            (HighLevelDesign, "payment"),
        ],
        deep_dives: &["How do you pick which courier gets an order?", "How does the order move through its states, and who can change it?"],
        pitfalls: &["Ignoring the order state machine", "Scanning all couriers for every order"],
        features: &[("courier assignment", "assign / dispatch | courier / driver + match"), ("live tracking", "track / live / location")],
    },
    Problem {
        title: "Design a content delivery network",
        statement: "Design a CDN that serves static content for thousands of customer websites from edge locations worldwide, with cache invalidation within a minute.",
        levels: &[Staff],
        domains: &["infrastructure", "cdn", "networking"],
        keywords: &["cdn", "content delivery", "edge network"],
        concepts: &[
            (HighLevelDesign, "edge|point of presence|pop"),
            (DeepDive, "anycast|dns-based routing|geo dns"),
            (DeepDive, "cache invalidation|purge|ttl"),
            (DeepDive, "origin shield|tiered cache"),
            (ScalabilityReliability, "ddos|failover"),
        ],
        deep_dives: &["A customer purges one file. How does every edge know within a minute?", "How does a user get routed to the nearest healthy edge?"],
        pitfalls: &["Invalidating by walking every edge synchronously", "No origin protection"],
        features: &[("edge locations", "edge / pop / point of presence"), ("invalidation within a minute", "invalidat / purge")],
    },
    Problem {
        title: "Design an ad click aggregation pipeline",
        statement: "Design a system that aggregates a billion ad click events a day into per-ad counts per minute for billing and dashboards, accurately.",
        levels: &[Senior, Staff],
        domains: &["data", "ml", "distributed-systems"],
        keywords: &["ad click", "click aggregation", "analytics pipeline", "event aggregation"],
        concepts: &[
            (HighLevelDesign, "stream processing|flink|spark streaming|kafka streams"),
            (DeepDive, "windowing|tumbling window|watermark"),
            (DeepDive, "late events|out of order"),
            (DeepDive, "exactly once|dedup"),
            (DataModel, "olap|column store|time-partitioned"),
            (DeepDive, "reconciliation|batch backfill|lambda|kappa"),
        ],
        deep_dives: &["Click events arrive up to ten minutes late. How are they counted?", "How do you make sure a click is billed exactly once?"],
        pitfalls: &["Counting in a relational table with UPDATE per click", "Ignoring late and duplicate events"],
        features: &[("per-minute counts", "minute / window / aggregat"), ("accuracy for billing", "accura / exact / dedup / billing / once")],
    },
    Problem {
        title: "Design a real-time dashboard frontend",
        statement: "Design the frontend of an operations dashboard that shows 50 live charts and tables updating every second in the browser without freezing.",
        levels: &[Junior, Mid],
        domains: &["frontend"],
        keywords: &["dashboard", "frontend", "real-time charts"],
        concepts: &[
            (HighLevelDesign, "websocket|server-sent events|sse"),
            (DeepDive, "virtualization|virtualized list|windowing"),
            (DeepDive, "batching updates|requestanimationframe|throttle"),
            (HighLevelDesign, "state management|store"),
            (DeepDive, "web worker|canvas"),
        ],
        deep_dives: &["The tab freezes when 50 charts update at once. What do you change?", "How do you recover when the connection drops for 30 seconds?"],
        pitfalls: &["Re-rendering the whole page on every message", "Polling the backend from every widget"],
        features: &[("50 live charts updating every second", "chart / live / real-time / real time / update"), ("not freezing the browser", "freez / jank / smooth / responsive / main thread / fps")],
    },
    Problem {
        title: "Design a unique ID generator",
        statement: "Design a service that hands out unique, roughly time-ordered 64-bit IDs to thousands of services at 1 million IDs per second.",
        levels: &[Junior, Mid],
        domains: &["backend", "distributed-systems"],
        keywords: &["unique id", "id generator", "snowflake"],
        concepts: &[
            (DeepDive, "snowflake|timestamp bits|machine id|sequence"),
            (DeepDive, "clock skew|clock drift|ntp"),
            (DeepDive, "uuid"),
            (ScalabilityReliability, "no coordination|independent nodes"),
        ],
        deep_dives: &["What happens to your IDs if a machine's clock jumps backwards?", "How many bits do you give the timestamp, and how long does that last?"],
        pitfalls: &["A single auto-increment database as the generator", "Ignoring clock skew"],
        features: &[("rough time ordering", "time / order / sortable / monoton"), ("64-bit IDs", "64")],
    },
];

/// The rubric used when the requested problem is not in the bank: general concepts only.
pub const GENERAL_DEEP_DIVES: &[&str] = &[
    "Which component is most likely to fail first under load, and how would you protect it?",
    "Walk me through exactly what happens, step by step, when the most common request arrives.",
];

/// The problem chosen for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenProblem {
    /// The bank problem it is, if any.
    pub problem: Option<&'static Problem>,
    /// The statement to present.
    pub statement: String,
}

impl ChosenProblem {
    /// The bank title, if any.
    pub fn title(&self) -> Option<&'static str> {
        self.problem.map(|p| p.title)
    }
}

/// Chooses the problem: the bank problem a request names (by title or keyword), the request
/// itself when it names none, or the best fit for the resume (level, then domains).
pub fn choose(requested: Option<&str>, resume: Option<&ResumeData>) -> ChosenProblem {
    if let Some(request) = requested.map(str::trim).filter(|r| !r.is_empty()) {
        return match find(request) {
            Some(problem) => from_bank(problem),
            None => ChosenProblem {
                problem: None,
                statement: request.to_string(),
            },
        };
    }
    let best = resume.and_then(|resume| {
        BANK.iter()
            .enumerate()
            .filter(|(_, p)| p.levels.contains(&resume.experience_level))
            .max_by_key(|(index, p)| {
                let overlap = p
                    .domains
                    .iter()
                    .filter(|d| {
                        resume
                            .domain_expertise
                            .iter()
                            .any(|e| e.eq_ignore_ascii_case(d))
                    })
                    .count();
                // Prefer overlap; among equals keep the earlier problem.
                (overlap, std::cmp::Reverse(*index))
            })
            .map(|(_, p)| p)
    });
    from_bank(best.unwrap_or(&BANK[0]))
}

/// The bank problem a text names, by title or keyword (also used to find the rubric of a
/// session from its stored problem statement).
pub fn find(request: &str) -> Option<&'static Problem> {
    let request = request.to_lowercase();
    BANK.iter()
        .find(|problem| request.contains(&problem.title.to_lowercase()))
        .or_else(|| {
            BANK.iter().find(|problem| {
                problem
                    .keywords
                    .iter()
                    .any(|keyword| request.contains(keyword))
            })
        })
}

fn from_bank(problem: &'static Problem) -> ChosenProblem {
    ChosenProblem {
        problem: Some(problem),
        statement: format!("{}. {}", problem.title, problem.statement),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_is_large_and_complete() {
        assert!(BANK.len() >= 25);
        for problem in BANK {
            assert!(
                !problem.levels.is_empty() && !problem.domains.is_empty(),
                "{}",
                problem.title
            );
            assert!(
                problem.concepts.len() >= 4,
                "{} needs a rubric",
                problem.title
            );
            assert!(
                !problem.deep_dives.is_empty() && !problem.pitfalls.is_empty(),
                "{}",
                problem.title
            );
        }
        for level in [Junior, Mid, Senior, Staff] {
            assert!(
                BANK.iter().filter(|p| p.levels.contains(&level)).count() >= 5,
                "{level}"
            );
        }
    }

    #[test]
    fn requests_pick_bank_problems_by_title_or_keyword() {
        assert_eq!(
            choose(Some("Design a URL shortener"), None).title(),
            Some("Design a URL shortener")
        );
        assert_eq!(
            choose(Some("design a chat system"), None).title(),
            Some("Design a chat system")
        );
        assert_eq!(
            choose(Some("something like TinyURL"), None).title(),
            Some("Design a URL shortener")
        );
        assert_eq!(
            choose(Some("Design Kafka"), None).title(),
            Some("Design a distributed message queue")
        );
    }

    #[test]
    fn unknown_requests_are_kept_verbatim() {
        let chosen = choose(Some("Design a parking garage"), None);
        assert_eq!(chosen.title(), None);
        assert_eq!(chosen.statement, "Design a parking garage");
    }

    #[test]
    fn resumes_steer_the_choice() {
        let mut resume = ResumeData::anonymous("u");
        resume.experience_level = ExperienceLevel::Staff;
        resume.domain_expertise = vec!["storage".into(), "databases".into()];
        let staff_storage = choose(None, Some(&resume)).title();
        assert_eq!(staff_storage, Some("Design a distributed key-value store"));
        resume.experience_level = ExperienceLevel::Junior;
        resume.domain_expertise = vec!["frontend".into()];
        let junior_frontend = choose(None, Some(&resume)).title();
        assert_eq!(junior_frontend, Some("Design an autocomplete service"));
        assert_ne!(staff_storage, junior_frontend);
        assert_eq!(choose(None, None).title(), Some("Design a URL shortener"));
    }
}
