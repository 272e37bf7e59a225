//! Summaries of timing samples.

use std::time::Duration;

/// Timings in milliseconds.
#[derive(Debug, Default, Clone)]
pub struct Samples(Vec<f64>);

impl Samples {
    /// Adds one timing.
    pub fn push(&mut self, elapsed: Duration) {
        self.0.push(elapsed.as_secs_f64() * 1000.0);
    }

    /// Adds one timing given in milliseconds.
    pub fn push_ms(&mut self, ms: f64) {
        self.0.push(ms);
    }

    /// How many timings there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `p`th percentile (0–100, nearest rank), or 0 without samples.
    pub fn percentile(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    /// The median.
    pub fn p50(&self) -> f64 {
        self.percentile(50.0)
    }

    /// The 99th percentile.
    pub fn p99(&self) -> f64 {
        self.percentile(99.0)
    }

    /// The mean, or 0 without samples.
    pub fn mean(&self) -> f64 {
        if self.0.is_empty() {
            0.0
        } else {
            self.0.iter().sum::<f64>() / self.0.len() as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut samples = Samples::default();
        for ms in 1..=100 {
            samples.push_ms(f64::from(ms));
        }
        assert_eq!(samples.p50(), 50.0);
        assert_eq!(samples.p99(), 99.0);
        assert_eq!(samples.percentile(100.0), 100.0);
        assert_eq!(samples.mean(), 50.5);
        assert_eq!(Samples::default().p99(), 0.0);
    }
}
