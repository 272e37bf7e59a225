use serde::{Deserialize, Serialize};

/// What the interviewer read from the whiteboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhiteboardAnalysis {
    /// Components drawn, e.g. "load balancer".
    pub components_identified: Vec<String>,
    /// Connections, e.g. "api -> cache".
    pub relationships: Vec<String>,
    /// Components a design like this usually needs but the drawing lacks.
    pub missing_elements: Vec<String>,
    /// Patterns recognised, e.g. "cache-aside".
    pub design_patterns: Vec<String>,
}
