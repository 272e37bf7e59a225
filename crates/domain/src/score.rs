use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// A score from 0 to 100 (inclusive), always finite.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(f64);

impl Score {
    /// The lowest score.
    pub const MIN: f64 = 0.0;
    /// The highest score.
    pub const MAX: f64 = 100.0;

    /// Builds a score, rejecting values outside 0–100 and non-finite values.
    pub fn new(value: f64) -> Result<Self, ValidationError> {
        if value.is_finite() && (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ValidationError::OutOfRange {
                field: "score",
                min: Self::MIN,
                max: Self::MAX,
                actual: value,
            })
        }
    }

    /// Builds a score by clamping any finite value into 0–100 (NaN becomes 0).
    pub fn clamped(value: f64) -> Self {
        if value.is_nan() {
            Self(0.0)
        } else {
            Self(value.clamp(Self::MIN, Self::MAX))
        }
    }

    /// The score as a number.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = ValidationError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Score> for f64 {
    fn from(score: Score) -> f64 {
        score.0
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bounds_and_rejects_outside() {
        assert_eq!(Score::new(0.0).map(Score::value), Ok(0.0));
        assert_eq!(Score::new(100.0).map(Score::value), Ok(100.0));
        assert!(Score::new(-0.1).is_err());
        assert!(Score::new(100.01).is_err());
        assert!(Score::new(f64::NAN).is_err());
        assert!(Score::new(f64::INFINITY).is_err());
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<Score>("101").is_err());
        assert_eq!(
            serde_json::from_str::<Score>("42.5").ok(),
            Score::new(42.5).ok()
        );
    }

    #[test]
    fn clamped_keeps_range() {
        assert_eq!(Score::clamped(250.0).value(), 100.0);
        assert_eq!(Score::clamped(-3.0).value(), 0.0);
        assert_eq!(Score::clamped(f64::NAN).value(), 0.0);
    }
}
