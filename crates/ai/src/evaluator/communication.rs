//! Communication is judged from how the answers were put together — length, signposting,
//! checking in, rambling — never from keywords, so it is never "not addressed": every
//! candidate who spoke communicated somehow.

use mockint_domain::{MediaFile, MediaType, Message, ModeAnalysis, Role, Session};

use crate::analysis::sentences;
use crate::answers::Structure;
use crate::offline::kind;

/// How the candidate delivered their answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delivery {
    /// Answers given.
    pub answers: usize,
    /// Mean words per answer.
    pub mean_words: usize,
    /// Answers with at least one signpost ("first", "then", "to summarize").
    pub signposted: usize,
    /// Answers that checked in with the interviewer.
    pub check_ins: usize,
    /// Answers long and unstructured enough to interrupt.
    pub rambling: usize,
    /// Times the interviewer had to interrupt.
    pub interrupted: usize,
    /// Answers under a dozen words.
    pub terse: usize,
    /// Verbatim sentences that show structure (a signpost or a check-in).
    pub evidence: Vec<String>,
}

impl Delivery {
    /// Reads the candidate's answers and the interviewer's interruptions.
    pub fn read(history: &[Message]) -> Self {
        let answers: Vec<&str> = history
            .iter()
            .filter(|m| m.role == Role::Candidate)
            .map(|m| m.content.as_str())
            .collect();
        let shapes: Vec<Structure> = answers.iter().map(|a| Structure::of(a)).collect();
        let words: usize = shapes.iter().map(|s| s.words).sum();
        let evidence = answers
            .iter()
            .flat_map(|a| sentences(a))
            .filter(|s| {
                let shape = Structure::of(s);
                (shape.signposts > 0 || shape.checks_in) && shape.words >= 6
            })
            .take(2)
            .map(str::to_string)
            .collect();
        Self {
            answers: answers.len(),
            mean_words: words.checked_div(answers.len()).unwrap_or(0),
            signposted: shapes.iter().filter(|s| s.signposts > 0).count(),
            check_ins: shapes.iter().filter(|s| s.checks_in).count(),
            rambling: shapes.iter().filter(|s| s.rambling()).count(),
            interrupted: history
                .iter()
                .filter(|m| {
                    m.metadata.get("kind").and_then(|v| v.as_str()) == Some(kind::INTERRUPT)
                })
                .count(),
            terse: shapes.iter().filter(|s| s.words < 12).count(),
            evidence,
        }
    }

    /// The communication score.
    pub fn score(&self, level: mockint_domain::ExperienceLevel) -> f64 {
        if self.answers == 0 {
            return 5.0;
        }
        let n = self.answers as f64;
        let mut score = 45.0 + 25.0 * self.signposted as f64 / n;
        if self.check_ins > 0 {
            score += 8.0;
        }
        if (25..=200).contains(&self.mean_words) {
            score += 12.0;
        } else if self.mean_words < 12 {
            score -= 15.0;
        }
        score -= 8.0 * self.rambling.max(self.interrupted).min(2) as f64;
        if self.terse * 2 > self.answers {
            score -= 10.0;
        }
        (score + super::calibration(level)).clamp(5.0, 95.0)
    }

    /// What the report says about it.
    pub fn describe(&self) -> String {
        if self.answers == 0 {
            return "You gave no answers, so there was nothing to follow.".into();
        }
        let mut text = format!(
            "Your {} answers averaged {} words; {} of them were signposted (\"first…\", \"then…\", \"to summarise…\")",
            self.answers, self.mean_words, self.signposted
        );
        match self.check_ins {
            0 => text.push_str(", and you never checked in with the interviewer"),
            1 => text.push_str(", and you checked in with the interviewer once"),
            n => text.push_str(&format!(
                ", and you checked in with the interviewer {n} times"
            )),
        }
        text.push('.');
        if self.rambling > 0 {
            text.push_str(&format!(
                " {} answer{} ran long without structure — lead with the decision, then the reasons.",
                self.rambling,
                if self.rambling == 1 { "" } else { "s" }
            ));
        }
        if self.terse * 2 > self.answers {
            text.push_str(" Most answers were a sentence or less: think out loud so the interviewer can follow your reasoning.");
        }
        text
    }
}

/// How the communication modes were used.
pub fn modes(session: &Session, history: &[Message], media: &[MediaFile]) -> ModeAnalysis {
    let answers: Vec<&Message> = history
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .collect();
    let candidate_words = answers
        .iter()
        .map(|m| m.content.split_whitespace().count())
        .sum::<usize>();
    let snapshots = media
        .iter()
        .filter(|m| m.file_type == MediaType::Whiteboard)
        .count();
    let voice_turns = answers
        .iter()
        .filter(|m| m.metadata.get("source").and_then(|v| v.as_str()) == Some("voice"))
        .count();
    let mut notes = Vec::new();
    if answers.is_empty() {
        notes.push("The candidate gave no answers.".to_string());
    } else {
        let average = candidate_words / answers.len();
        notes.push(format!(
            "{} answer(s), {} by voice, averaging {average} words.",
            answers.len(),
            voice_turns
        ));
        if average < 15 {
            notes.push("Answers were very short; think aloud and explain each decision.".into());
        } else if average > 250 {
            notes.push("Answers were long; pause to check in with the interviewer.".into());
        }
    }
    if snapshots == 0 {
        notes.push(
            "No whiteboard snapshot was saved; drawing the design helps the interviewer follow it."
                .into(),
        );
    }
    ModeAnalysis {
        modes_used: session.config.enabled_modes.clone(),
        candidate_turns: u32::try_from(answers.len()).unwrap_or(u32::MAX),
        candidate_words: u32::try_from(candidate_words).unwrap_or(u32::MAX),
        whiteboard_snapshots: u32::try_from(snapshots).unwrap_or(u32::MAX),
        notes,
    }
}
