//! Metrics of this run and the alerts they raise.
//!
//! Every adapter reports its calls here (`record`: component, operation, duration, outcome):
//! the store each query, the AI transport each provider call, the desktop shell each
//! transcription and capture. Like a logger, the collector is process-wide ([`global`]), so
//! no constructor has to carry it. Crossing a threshold of the alert policy (the seed's
//! `monitoring:` section) raises an [`Alert`]: it is logged as a warning (and so reaches the
//! audit log), kept for the diagnostics page and handed to the listener the desktop shell
//! installs to show it as a notice. The same alert is not repeated within the cooldown.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use mockint_domain::diagnostics::{Alert, AlertKind, ComponentMetrics};

/// Calls per component the error rate and the percentiles look at.
pub const RECENT_CALLS: usize = 20;
/// Latencies per component kept for the percentiles.
const LATENCY_SAMPLES: usize = 256;
/// Alerts kept for the diagnostics page.
const KEPT_ALERTS: usize = 50;

/// When to raise alerts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertPolicy {
    /// Whether calls are recorded at all (`monitoring.metrics_collection_enabled`).
    pub enabled: bool,
    /// Share of the recent calls of a component that may fail (`alert_on_error_rate`).
    pub error_rate: f64,
    /// A call slower than this raises an alert (`alert_on_response_time_ms`).
    pub response_time: Duration,
    /// The same alert (component and kind) is not raised again within this time.
    pub cooldown: Duration,
}

impl Default for AlertPolicy {
    /// The seed's thresholds: 5 % errors, 10 s responses; one alert per five minutes.
    fn default() -> Self {
        Self {
            enabled: true,
            error_rate: 0.05,
            response_time: Duration::from_secs(10),
            cooldown: Duration::from_secs(300),
        }
    }
}

/// Receives each alert as it is raised.
pub type AlertListener = Arc<dyn Fn(&Alert) + Send + Sync>;

#[derive(Debug, Default)]
struct ComponentStats {
    calls: u64,
    failures: u64,
    recent: VecDeque<bool>,
    latencies: VecDeque<f64>,
    max_ms: f64,
    slowest_operation: String,
}

impl ComponentStats {
    fn add(&mut self, operation: &str, elapsed_ms: f64, ok: bool) {
        self.calls += 1;
        if !ok {
            self.failures += 1;
        }
        if self.recent.len() == RECENT_CALLS {
            self.recent.pop_front();
        }
        self.recent.push_back(ok);
        if self.latencies.len() == LATENCY_SAMPLES {
            self.latencies.pop_front();
        }
        self.latencies.push_back(elapsed_ms);
        if elapsed_ms >= self.max_ms {
            self.max_ms = elapsed_ms;
            self.slowest_operation = operation.to_string();
        }
    }

    fn recent_error_rate(&self) -> f64 {
        if self.recent.is_empty() {
            return 0.0;
        }
        let failed = self.recent.iter().filter(|ok| !**ok).count();
        failed as f64 / self.recent.len() as f64
    }

    fn view(&self, component: &str) -> ComponentMetrics {
        let mut sorted: Vec<f64> = self.latencies.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        ComponentMetrics {
            component: component.to_string(),
            calls: self.calls,
            failures: self.failures,
            recent_error_rate: self.recent_error_rate(),
            p50_ms: percentile(&sorted, 0.50),
            p95_ms: percentile(&sorted, 0.95),
            max_ms: self.max_ms,
            slowest_operation: self.slowest_operation.clone(),
        }
    }
}

/// A duration for people: "0.35 s", "12.4 s".
fn seconds(duration: Duration) -> String {
    let value = duration.as_secs_f64();
    if value < 10.0 {
        format!("{value:.2} s")
    } else {
        format!("{value:.1} s")
    }
}

/// The nearest-rank percentile of sorted values (0 for none).
fn percentile(sorted: &[f64], quantile: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The collector: per-component metrics, the alert policy and the alerts raised.
pub struct Telemetry {
    started: Instant,
    policy: RwLock<AlertPolicy>,
    components: Mutex<BTreeMap<String, ComponentStats>>,
    alerts: Mutex<VecDeque<Alert>>,
    last_raised: Mutex<HashMap<(String, AlertKind), Instant>>,
    listener: RwLock<Option<AlertListener>>,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new(AlertPolicy::default())
    }
}

/// Locks a mutex even if a panicking thread poisoned it (the data stays usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Telemetry {
    /// A collector with `policy`.
    pub fn new(policy: AlertPolicy) -> Self {
        Self {
            started: Instant::now(),
            policy: RwLock::new(policy),
            components: Mutex::default(),
            alerts: Mutex::default(),
            last_raised: Mutex::default(),
            listener: RwLock::new(None),
        }
    }

    /// Replaces the alert policy (from configuration, at start-up).
    pub fn configure(&self, policy: AlertPolicy) {
        *self
            .policy
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = policy;
    }

    /// The alert policy in force.
    pub fn policy(&self) -> AlertPolicy {
        *self
            .policy
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Installs the function that shows alerts to the user (replacing any earlier one).
    pub fn set_listener(&self, listener: AlertListener) {
        *self
            .listener
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(listener);
    }

    /// Time since the collector was created (the app's uptime).
    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// Records one call of `component` (after its retries) and raises the alerts it causes.
    pub fn record(&self, component: &str, operation: &str, elapsed: Duration, ok: bool) {
        let policy = self.policy();
        if !policy.enabled {
            return;
        }
        let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
        let (error_rate, window) = {
            let mut components = lock(&self.components);
            let stats = components.entry(component.to_string()).or_default();
            stats.add(operation, elapsed_ms, ok);
            (stats.recent_error_rate(), stats.recent.len())
        };
        if !ok && error_rate > policy.error_rate {
            let failed = (error_rate * window as f64).round();
            self.raise(
                component,
                AlertKind::ErrorRate,
                format!(
                    "{failed} of the last {window} calls failed ({:.0} %, alert above {:.0} %); last failure in {operation}",
                    error_rate * 100.0,
                    policy.error_rate * 100.0
                ),
            );
        }
        if elapsed > policy.response_time {
            self.raise(
                component,
                AlertKind::SlowResponse,
                format!(
                    "{operation} took {} (alert above {})",
                    seconds(elapsed),
                    seconds(policy.response_time)
                ),
            );
        }
    }

    /// Raises an alert unless the same one was raised within the cooldown; returns whether
    /// it was raised.
    pub fn raise(&self, component: &str, kind: AlertKind, message: String) -> bool {
        let cooldown = self.policy().cooldown;
        {
            let mut last = lock(&self.last_raised);
            let key = (component.to_string(), kind);
            if last
                .get(&key)
                .is_some_and(|at| at.elapsed() < cooldown && !cooldown.is_zero())
            {
                return false;
            }
            last.insert(key, Instant::now());
        }
        let alert = Alert {
            at: chrono::Utc::now(),
            component: component.to_string(),
            kind,
            message,
        };
        tracing::warn!(
            component = %alert.component,
            operation = "alert",
            kind = ?alert.kind,
            "alert: {}",
            alert.message
        );
        {
            let mut alerts = lock(&self.alerts);
            if alerts.len() == KEPT_ALERTS {
                alerts.pop_back();
            }
            alerts.push_front(alert.clone());
        }
        let listener = self
            .listener
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(listener) = listener {
            listener(&alert);
        }
        true
    }

    /// Metrics of every component that reported a call, by name.
    pub fn components(&self) -> Vec<ComponentMetrics> {
        lock(&self.components)
            .iter()
            .map(|(name, stats)| stats.view(name))
            .collect()
    }

    /// The metrics of one component, if it reported a call.
    pub fn component(&self, name: &str) -> Option<ComponentMetrics> {
        lock(&self.components).get(name).map(|s| s.view(name))
    }

    /// Alerts raised, newest first.
    pub fn alerts(&self) -> Vec<Alert> {
        lock(&self.alerts).iter().cloned().collect()
    }
}

static GLOBAL: LazyLock<Telemetry> = LazyLock::new(Telemetry::default);

/// The process-wide collector.
pub fn global() -> &'static Telemetry {
    &GLOBAL
}

/// Records one call in the process-wide collector.
pub fn record(component: &str, operation: &str, elapsed: Duration, ok: bool) {
    GLOBAL.record(component, operation, elapsed, ok);
}

/// Times `work` and records it under `component`/`operation` as failed when it returns
/// an error.
pub async fn timed<T, E, F>(component: &str, operation: &str, work: F) -> Result<T, E>
where
    F: std::future::Future<Output = Result<T, E>>,
{
    let started = Instant::now();
    let result = work.await;
    record(component, operation, started.elapsed(), result.is_ok());
    result
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn quick(cooldown: Duration) -> Telemetry {
        Telemetry::new(AlertPolicy {
            enabled: true,
            error_rate: 0.05,
            response_time: Duration::from_millis(100),
            cooldown,
        })
    }

    #[test]
    fn percentiles_and_counts_follow_the_calls() {
        let telemetry = quick(Duration::ZERO);
        for ms in 1..=100 {
            telemetry.record("database", "get_session", Duration::from_millis(ms), true);
        }
        let metrics = telemetry.component("database").expect("recorded");
        assert_eq!((metrics.calls, metrics.failures), (100, 0));
        assert!((metrics.p50_ms - 50.0).abs() < 0.5, "{metrics:?}");
        assert!((metrics.p95_ms - 95.0).abs() < 0.5, "{metrics:?}");
        assert!((metrics.max_ms - 100.0).abs() < 0.5, "{metrics:?}");
        assert_eq!(metrics.recent_error_rate, 0.0);
        assert!(telemetry.alerts().is_empty());
    }

    #[test]
    fn a_failure_rate_above_the_threshold_raises_one_alert_per_cooldown() {
        let telemetry = quick(Duration::from_secs(60));
        let shown = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&shown);
        telemetry.set_listener(Arc::new(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        }));
        for _ in 0..19 {
            telemetry.record("ai:openai", "chat", Duration::from_millis(5), true);
        }
        // 1 failure in the last 20 calls is exactly 5 %: not above the threshold.
        telemetry.record("ai:openai", "chat", Duration::from_millis(5), false);
        assert!(telemetry.alerts().is_empty());
        telemetry.record("ai:openai", "chat", Duration::from_millis(5), false);
        telemetry.record("ai:openai", "chat", Duration::from_millis(5), false);
        let alerts = telemetry.alerts();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].kind, AlertKind::ErrorRate);
        assert_eq!(alerts[0].component, "ai:openai");
        assert!(
            alerts[0]
                .message
                .contains("2 of the last 20 calls failed (10 %"),
            "{}",
            alerts[0].message
        );
        assert_eq!(shown.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_slow_call_raises_an_alert_naming_the_operation() {
        let telemetry = quick(Duration::ZERO);
        telemetry.record("ai:anthropic", "messages", Duration::from_millis(99), true);
        assert!(telemetry.alerts().is_empty());
        telemetry.record("ai:anthropic", "messages", Duration::from_millis(300), true);
        let alerts = telemetry.alerts();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::SlowResponse);
        assert_eq!(
            alerts[0].message,
            "messages took 0.30 s (alert above 0.10 s)"
        );
    }

    #[test]
    fn disabled_collection_records_nothing() {
        let telemetry = quick(Duration::ZERO);
        telemetry.configure(AlertPolicy {
            enabled: false,
            ..AlertPolicy::default()
        });
        telemetry.record("database", "ping", Duration::from_secs(60), false);
        assert!(telemetry.components().is_empty());
        assert!(telemetry.alerts().is_empty());
    }

    #[tokio::test]
    async fn timed_records_the_outcome_of_the_work() {
        let ok: Result<u8, String> = timed("test:timed", "work", async { Ok(1) }).await;
        let failed: Result<u8, String> =
            timed("test:timed", "work", async { Err("no".to_string()) }).await;
        assert_eq!((ok, failed), (Ok(1), Err("no".to_string())));
        let metrics = global().component("test:timed").expect("recorded");
        assert_eq!((metrics.calls, metrics.failures), (2, 1));
    }
}
