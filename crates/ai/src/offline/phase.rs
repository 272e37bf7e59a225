//! The phases of a 45-minute system-design interview and what the interviewer says in each.

use mockint_domain::Competency;

/// The phases of the interview, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Functional and non-functional requirements.
    Requirements,
    /// Back-of-the-envelope numbers.
    Estimation,
    /// The external API.
    Api,
    /// Entities and storage.
    DataModel,
    /// Components and flows.
    HighLevelDesign,
    /// The hardest parts in detail.
    DeepDive,
    /// Bottlenecks and trade-offs.
    Tradeoffs,
    /// Closing.
    WrapUp,
}

impl Phase {
    const ORDER: [Phase; 8] = [
        Self::Requirements,
        Self::Estimation,
        Self::Api,
        Self::DataModel,
        Self::HighLevelDesign,
        Self::DeepDive,
        Self::Tradeoffs,
        Self::WrapUp,
    ];

    /// The snake_case name stored in message metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Estimation => "estimation",
            Self::Api => "api",
            Self::DataModel => "data_model",
            Self::HighLevelDesign => "high_level_design",
            Self::DeepDive => "deep_dive",
            Self::Tradeoffs => "tradeoffs",
            Self::WrapUp => "wrap_up",
        }
    }

    /// The phase a metadata name stands for.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ORDER.into_iter().find(|phase| phase.as_str() == text)
    }

    /// The competency this phase mostly probes.
    pub fn competency(self) -> Competency {
        match self {
            Self::Requirements => Competency::Requirements,
            Self::Estimation => Competency::Estimation,
            Self::Api => Competency::ApiDesign,
            Self::DataModel => Competency::DataModel,
            Self::HighLevelDesign => Competency::HighLevelDesign,
            Self::DeepDive => Competency::DeepDive,
            Self::Tradeoffs => Competency::Tradeoffs,
            Self::WrapUp => Competency::Operations,
        }
    }

    /// The phase after this one.
    pub fn next(self) -> Self {
        let index = Self::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Self::ORDER.get(index + 1).copied().unwrap_or(Self::WrapUp)
    }

    /// How many interviewer turns the phase gets before moving on (challenges of mistakes
    /// are asked whatever the budget).
    pub fn budget(self) -> usize {
        match self {
            Self::DeepDive => 4,
            Self::HighLevelDesign | Self::Tradeoffs => 3,
            Self::WrapUp => 2,
            _ => 2,
        }
    }

    /// Whether the whiteboard matters in this phase.
    pub fn draws(self) -> bool {
        matches!(
            self,
            Self::DataModel | Self::HighLevelDesign | Self::DeepDive | Self::Tradeoffs
        )
    }

    /// The phase's main question.
    pub fn question(self) -> &'static str {
        match self {
            Self::Requirements => "What are the core features, who uses the system, and which non-functional requirements matter most?",
            Self::Estimation => "Roughly how many requests per second at peak, and how much data per year?",
            Self::Api => "What are the main endpoints — their parameters, responses and error cases?",
            Self::DataModel => "What are the core entities, which store would you put them in, and what are the keys?",
            Self::HighLevelDesign => "Sketch the components and walk me through one request end to end — the whiteboard is yours.",
            Self::DeepDive => "Which part of your design is hardest to get right, and how does it behave under failure?",
            Self::Tradeoffs => "Where does this break first at ten times the load, and which trade-off would you revisit?",
            Self::WrapUp => "How would you know in production that it's healthy — which metrics and alerts?",
        }
    }

    /// Why we move to this phase, said before its question.
    pub fn transition(self) -> &'static str {
        match self {
            Self::Requirements => "Let's start with scope.",
            Self::Estimation => "Before any boxes, let's size it.",
            Self::Api => "With the numbers in hand, let's pin down the interface.",
            Self::DataModel => "Now the data.",
            Self::HighLevelDesign => "Let's put the pieces together.",
            Self::DeepDive => "Let's go deeper on one part.",
            Self::Tradeoffs => "Let's step back and look at the trade-offs.",
            Self::WrapUp => "Let's wrap up.",
        }
    }

    /// A scaffold for junior candidates (or anyone struggling), said after the question: it
    /// shows how to start without giving the answer.
    pub fn guide(self) -> &'static str {
        match self {
            Self::Requirements => "Start with the two or three things a user must be able to do.",
            Self::Estimation => "Start from daily users and work down to per second.",
            Self::Api => "One endpoint per user action is a fine start.",
            Self::DataModel => "List what you store, then how you look it up.",
            Self::HighLevelDesign => "Follow one request from the client inward.",
            Self::DeepDive => "Pick one component and one way it can fail.",
            Self::Tradeoffs => "Think about which component sees the most load.",
            Self::WrapUp => "Think about what users would notice first.",
        }
    }

    /// A clarifying question when an answer in this phase is vague.
    pub fn clarification(self) -> &'static str {
        match self {
            Self::Requirements => "Could you be more specific — which operations must be fast, how available must it be, and what's out of scope?",
            Self::Estimation => "Can you put numbers on that, starting from daily active users?",
            Self::Api => "Could you name the actual endpoints — method, path, request and response for the main operation?",
            Self::DataModel => "Could you be concrete about the tables, their primary keys and the main queries?",
            Self::HighLevelDesign => "Could you walk one request end to end, naming each component it passes?",
            Self::DeepDive => "Can you go one level deeper — the data structure involved, and one failure case?",
            Self::Tradeoffs => "What's one alternative you considered and why did you reject it?",
            Self::WrapUp => "Which two or three metrics would you watch first?",
        }
    }
}
