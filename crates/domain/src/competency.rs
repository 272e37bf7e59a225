//! The competencies a system-design interview is scored on.
//!
//! One enum names them everywhere: the rubric, the decision library, the model's structured
//! answer, the stored report and the UI. The serde names are the snake_case keys that reports
//! have always been stored with, so stored JSON reads back unchanged.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// One scored competency, in interview order (the derived order is the order of the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Competency {
    /// Requirements & scoping.
    Requirements,
    /// Capacity estimation.
    Estimation,
    /// API design.
    ApiDesign,
    /// Data model & storage.
    DataModel,
    /// High-level design.
    HighLevelDesign,
    /// Deep dives.
    DeepDive,
    /// Scalability & reliability.
    ScalabilityReliability,
    /// Trade-offs.
    Tradeoffs,
    /// Operations & monitoring.
    Operations,
    /// Communication.
    Communication,
}

impl Competency {
    /// Every competency, in interview order.
    pub const ALL: [Self; 10] = [
        Self::Requirements,
        Self::Estimation,
        Self::ApiDesign,
        Self::DataModel,
        Self::HighLevelDesign,
        Self::DeepDive,
        Self::ScalabilityReliability,
        Self::Tradeoffs,
        Self::Operations,
        Self::Communication,
    ];

    /// The stored key, e.g. "api_design".
    pub const fn key(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Estimation => "estimation",
            Self::ApiDesign => "api_design",
            Self::DataModel => "data_model",
            Self::HighLevelDesign => "high_level_design",
            Self::DeepDive => "deep_dive",
            Self::ScalabilityReliability => "scalability_reliability",
            Self::Tradeoffs => "tradeoffs",
            Self::Operations => "operations",
            Self::Communication => "communication",
        }
    }

    /// The name a person reads, e.g. "API design".
    pub const fn title(self) -> &'static str {
        match self {
            Self::Requirements => "Requirements & scoping",
            Self::Estimation => "Capacity estimation",
            Self::ApiDesign => "API design",
            Self::DataModel => "Data model & storage",
            Self::HighLevelDesign => "High-level design",
            Self::DeepDive => "Deep dives",
            Self::ScalabilityReliability => "Scalability & reliability",
            Self::Tradeoffs => "Trade-offs",
            Self::Operations => "Operations & monitoring",
            Self::Communication => "Communication",
        }
    }
}

impl fmt::Display for Competency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// A key that names no competency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a competency (expected one of: requirements, estimation, api_design, data_model, high_level_design, deep_dive, scalability_reliability, tradeoffs, operations, communication)")]
pub struct UnknownCompetency(pub String);

impl FromStr for Competency {
    type Err = UnknownCompetency;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .ok_or_else(|| UnknownCompetency(key.to_string()))
    }
}

/// Reads a map keyed by competency, dropping keys that name none, so that a report stored by
/// another version (or edited by hand) still opens instead of failing as a whole.
pub fn known_competencies<'de, D, V>(deserializer: D) -> Result<BTreeMap<Competency, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    let raw = BTreeMap::<String, V>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .filter_map(|(key, value)| Some((key.parse().ok()?, value)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_serde_names_and_parse_back() {
        for c in Competency::ALL {
            let json = serde_json::to_string(&c).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(json, format!("\"{}\"", c.key()));
            assert_eq!(c.key().parse::<Competency>(), Ok(c));
        }
        assert!(matches!(
            "scalability".parse::<Competency>(),
            Err(UnknownCompetency(k)) if k == "scalability"
        ));
    }

    #[test]
    fn the_order_is_the_interview_order() {
        let mut sorted = Competency::ALL;
        sorted.sort();
        assert_eq!(sorted, Competency::ALL);
    }

    #[test]
    fn a_map_keeps_its_json_shape_and_drops_unknown_keys() {
        #[derive(Deserialize)]
        struct Wrapper {
            #[serde(deserialize_with = "known_competencies")]
            scores: BTreeMap<Competency, f64>,
        }
        let stored = r#"{"scores":{"api_design":60.0,"tradeoffs":40.5,"vibes":99.0}}"#;
        let read: Wrapper = serde_json::from_str(stored).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read.scores.into_iter().collect::<Vec<_>>(),
            vec![(Competency::ApiDesign, 60.0), (Competency::Tradeoffs, 40.5)]
        );
        let map = BTreeMap::from([(Competency::DeepDive, 1.0)]);
        assert_eq!(
            serde_json::to_string(&map).unwrap_or_else(|e| panic!("{e}")),
            r#"{"deep_dive":1.0}"#
        );
    }
}
