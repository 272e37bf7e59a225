//! The timeline of a finished session's replay, built in one place for the in-app replay and
//! the exported HTML: when each turn was spoken, where each recording sits, and markers for
//! phase changes, curveballs and the report's evidence.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{EvaluationReport, MediaFile, MediaType, Message, Role};

/// How a whiteboard evidence item starts, so the report can link it to the replay at that
/// moment: `Whiteboard at 12:05 — drew the cache "Redis"`.
pub const BOARD_EVIDENCE_PREFIX: &str = "Whiteboard at ";

/// The metadata key of when a long recording (a video) started, RFC 3339.
pub const STARTED_AT: &str = "started_at";

/// A spoken answer's recording is stored just before its turn: one stored longer before its
/// turn than this is not that turn's.
const RECORDING_TURN_GAP_MS: i64 = 3_000;

/// One turn of the conversation on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayTurn {
    /// When it starts (ms into the session): a spoken answer starts with its recording.
    pub ms: u64,
    /// Who said it.
    pub role: Role,
    /// What was said.
    pub content: String,
    /// The recording of this turn, as an index into [`ReplayTimeline::clips`].
    pub clip: Option<usize>,
}

/// A recording on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayClip {
    /// Audio (a spoken answer) or video (camera or screen).
    pub kind: MediaType,
    /// When it starts (ms into the session).
    pub start_ms: u64,
    /// Its length.
    pub length_ms: u64,
    /// The stored file, relative to the data directory (as in [`MediaFile::file_path`]); the
    /// app serves it to its window as `media://localhost/<path>`.
    pub path: String,
}

/// What a marker marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    /// The interviewer moved to another phase.
    Phase,
    /// The interviewer changed the requirements.
    Curveball,
    /// A moment the report cites.
    Evidence,
}

/// A labelled moment on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// When (ms into the session).
    pub ms: u64,
    /// What it marks.
    pub kind: MarkerKind,
    /// What to show, e.g. "Phase: deep dive" or "Evidence (Scalability & reliability): …".
    pub label: String,
}

/// Everything the replay plays besides the board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayTimeline {
    /// The conversation, in order.
    pub turns: Vec<ReplayTurn>,
    /// The recordings, in order of their start.
    pub clips: Vec<ReplayClip>,
    /// Phases, curveballs and evidence, in time order.
    pub markers: Vec<Marker>,
    /// Where the timeline ends (the last turn, change or recording).
    pub end_ms: u64,
}

/// A stored recording and its length: an answer's audio (its length from its header) or a
/// video (its length from when it started, kept in its metadata, to when it was stored).
#[derive(Debug, Clone)]
pub struct StoredClip {
    /// The stored file.
    pub file: MediaFile,
    /// Its length, when known from the file itself (audio).
    pub length_ms: Option<u64>,
}

impl StoredClip {
    /// Where it sits: (start, length) in ms into the session, if that can be told.
    fn placed(&self, started: DateTime<Utc>) -> Option<(u64, u64)> {
        let end = since(started, self.file.timestamp);
        if let Some(length) = self.length_ms {
            return Some((end.saturating_sub(length), length));
        }
        let began = self
            .file
            .metadata
            .get(STARTED_AT)
            .and_then(|v| v.as_str())
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())?
            .with_timezone(&Utc);
        let start = since(started, began);
        Some((start, end.saturating_sub(start)))
    }
}

/// Milliseconds from `start` to `at` (0 before it).
fn since(start: DateTime<Utc>, at: DateTime<Utc>) -> u64 {
    u64::try_from((at - start).num_milliseconds()).unwrap_or(0)
}

impl ReplayTimeline {
    /// Places the session's turns, recordings and markers on one timeline. `last_change_ms` is
    /// the time of the whiteboard's last change.
    pub fn build(
        started: DateTime<Utc>,
        messages: &[Message],
        recordings: Vec<StoredClip>,
        report: Option<&EvaluationReport>,
        last_change_ms: u64,
    ) -> Self {
        let mut clips: Vec<(DateTime<Utc>, ReplayClip)> = recordings
            .into_iter()
            .filter_map(|r| {
                let (start_ms, length_ms) = r.placed(started)?;
                let clip = ReplayClip {
                    kind: r.file.file_type,
                    start_ms,
                    length_ms,
                    path: r.file.file_path,
                };
                Some((r.file.timestamp, clip))
            })
            .collect();
        clips.sort_by_key(|(_, c)| c.start_ms);
        let mut taken = vec![false; clips.len()];
        let turns: Vec<ReplayTurn> = messages
            .iter()
            .map(|m| {
                let mut turn = ReplayTurn {
                    ms: since(started, m.timestamp),
                    role: m.role,
                    content: m.content.clone(),
                    clip: None,
                };
                if m.role == Role::Candidate {
                    // The recording stored last before this answer, if it was stored just now.
                    let found = clips
                        .iter()
                        .enumerate()
                        .filter(|(i, (stored, clip))| {
                            let gap = (m.timestamp - *stored).num_milliseconds();
                            clip.kind == MediaType::Audio
                                && !taken[*i]
                                && (0..=RECORDING_TURN_GAP_MS).contains(&gap)
                        })
                        .max_by_key(|(_, (stored, _))| *stored)
                        .map(|(i, _)| i);
                    if let Some(i) = found {
                        taken[i] = true;
                        turn.ms = clips[i].1.start_ms;
                        turn.clip = Some(i);
                    }
                }
                turn
            })
            .collect();
        let clips: Vec<ReplayClip> = clips.into_iter().map(|(_, c)| c).collect();
        let markers = markers(messages, &turns, report);
        let end_ms = turns
            .iter()
            .map(|t| t.ms)
            .chain(clips.iter().map(|c| c.start_ms + c.length_ms))
            .chain(std::iter::once(last_change_ms))
            .max()
            .unwrap_or(0);
        Self {
            turns,
            clips,
            markers,
            end_ms,
        }
    }

    /// The turn being spoken at `ms`: the last one started by then.
    pub fn turn_at(&self, ms: u64) -> Option<usize> {
        self.turns.iter().rposition(|t| t.ms <= ms)
    }
}

/// Phase changes and curveballs from the interviewer's turns; evidence from the report, at
/// the turn it quotes or the moment it cites on the whiteboard.
fn markers(
    messages: &[Message],
    turns: &[ReplayTurn],
    report: Option<&EvaluationReport>,
) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut phase: Option<&str> = None;
    for (message, turn) in messages.iter().zip(turns) {
        if message.role != Role::Interviewer {
            continue;
        }
        let text = |key: &str| message.metadata.get(key).and_then(|v| v.as_str());
        if let Some(now) = text("phase") {
            if phase.is_some_and(|before| before != now) {
                out.push(Marker {
                    ms: turn.ms,
                    kind: MarkerKind::Phase,
                    label: format!("Phase: {}", now.replace('_', " ")),
                });
            }
            phase = Some(now);
        }
        if text("kind") == Some("curveball") {
            out.push(Marker {
                ms: turn.ms,
                kind: MarkerKind::Curveball,
                label: format!("Curveball: {}", first_words(&message.content, 12)),
            });
        }
    }
    for (competency, score) in report.map(|r| &r.competency_scores).into_iter().flatten() {
        for evidence in &score.evidence {
            if let Some(ms) = evidence_moment(evidence, turns) {
                out.push(Marker {
                    ms,
                    kind: MarkerKind::Evidence,
                    label: format!(
                        "Evidence ({}): {}",
                        competency.title(),
                        first_words(evidence, 16)
                    ),
                });
            }
        }
    }
    out.sort_by_key(|m| m.ms);
    out
}

/// The first `n` words of `text`, with "…" when there were more.
fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{} …", words[..n].join(" "))
    }
}

/// A whiteboard evidence item: `Whiteboard at 12:05 — drew …`.
pub fn board_evidence(ms: u64, what: &str) -> String {
    let seconds = ms / 1000;
    format!(
        "{BOARD_EVIDENCE_PREFIX}{}:{:02} — drew {what}",
        seconds / 60,
        seconds % 60
    )
}

/// The moment a whiteboard evidence item cites, in ms.
pub fn board_moment(evidence: &str) -> Option<u64> {
    let rest = evidence.strip_prefix(BOARD_EVIDENCE_PREFIX)?;
    let clock = rest.split_whitespace().next()?;
    let (minutes, seconds) = clock.split_once(':')?;
    Some((minutes.parse::<u64>().ok()? * 60 + seconds.parse::<u64>().ok()?) * 1000)
}

/// Where an evidence item sits: the moment it cites on the whiteboard, or the start of the
/// candidate's turn that it quotes (quotes may carry quotation marks or "…" at their ends).
pub fn evidence_moment(evidence: &str, turns: &[ReplayTurn]) -> Option<u64> {
    if let Some(ms) = board_moment(evidence) {
        return Some(ms);
    }
    let quote = normalise(evidence.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '“' | '”' | '…' | '.')
    }));
    if quote.len() < 4 {
        return None;
    }
    turns
        .iter()
        .filter(|t| t.role == Role::Candidate)
        .find(|t| normalise(&t.content).contains(&quote))
        .map(|t| t.ms)
}

/// Lower case with single spaces, so a quote matches across line breaks and capitals.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use serde_json::json;

    fn at(start: DateTime<Utc>, ms: i64) -> DateTime<Utc> {
        start + Duration::milliseconds(ms)
    }

    fn message(role: Role, text: &str, when: DateTime<Utc>) -> Message {
        Message::new(role, text, when).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn whiteboard_evidence_names_its_moment() {
        let text = board_evidence(725_400, "the cache \"Redis\"");
        assert_eq!(text, "Whiteboard at 12:05 — drew the cache \"Redis\"");
        assert_eq!(board_moment(&text), Some(725_000));
        assert_eq!(board_moment("we shard by user id"), None);
        assert_eq!(board_moment("Whiteboard at noon"), None);
    }

    #[test]
    fn a_spoken_answer_starts_with_its_recording_and_markers_fall_on_their_turns() {
        let start = Utc::now();
        let mut question = message(
            Role::Interviewer,
            "What are the requirements?",
            at(start, 0),
        );
        question
            .metadata
            .insert("phase".into(), json!("requirements"));
        let answer = message(
            Role::Candidate,
            "We shard the  keys\nby user id and cache hot ones.",
            at(start, 20_000),
        );
        let mut deep = message(Role::Interviewer, "Let us go deeper.", at(start, 25_000));
        deep.metadata.insert("phase".into(), json!("deep_dive"));
        let mut curve = message(
            Role::Interviewer,
            "Traffic just went up tenfold.",
            at(start, 40_000),
        );
        curve.metadata.insert("phase".into(), json!("deep_dive"));
        curve.metadata.insert("kind".into(), json!("curveball"));
        let typed = message(Role::Candidate, "Add a queue.", at(start, 50_000));
        // The answer's recording is 6 s long and was stored 400 ms before its turn; an old
        // recording from long before belongs to no turn.
        let file = |kind: MediaType, path: &str, stored: DateTime<Utc>| MediaFile {
            file_type: kind,
            file_path: path.into(),
            timestamp: stored,
            file_size_bytes: None,
            metadata: serde_json::Map::new(),
        };
        let mut video = file(MediaType::Video, "v.mp4", at(start, 30_000));
        video
            .metadata
            .insert(STARTED_AT.into(), json!(at(start, 21_000).to_rfc3339()));
        let recordings = vec![
            StoredClip {
                file: file(MediaType::Audio, "a.wav", at(start, 19_600)),
                length_ms: Some(6_000),
            },
            StoredClip {
                file: file(MediaType::Audio, "b.wav", at(start, 5_000)),
                length_ms: Some(1_000),
            },
            StoredClip {
                file: video,
                length_ms: None,
            },
            // A video that does not say when it started is left out.
            StoredClip {
                file: file(MediaType::Video, "old.mp4", at(start, 31_000)),
                length_ms: None,
            },
        ];
        let mut report = EvaluationReport {
            session_id: crate::SessionId::from_uuid(uuid::Uuid::nil()),
            overall_score: crate::Score::new(70.0).unwrap_or_else(|e| panic!("{e}")),
            competency_scores: Default::default(),
            went_well: vec![],
            went_okay: vec![],
            needs_improvement: vec![],
            improvement_plan: Default::default(),
            communication_mode_analysis: Default::default(),
            provenance: vec![],
        };
        report.competency_scores.insert(
            crate::Competency::ScalabilityReliability,
            crate::CompetencyScore {
                score: crate::Score::new(70.0).unwrap_or_else(|e| panic!("{e}")),
                confidence_level: crate::ConfidenceLevel::Medium,
                evidence: vec![
                    "\"we shard the keys by user id…\"".into(),
                    board_evidence(44_000, "the queue \"jobs\""),
                    "something nobody said".into(),
                ],
            },
        );
        let messages = [question, answer, deep, curve, typed];
        let timeline = ReplayTimeline::build(start, &messages, recordings, Some(&report), 47_000);
        assert_eq!(timeline.clips.len(), 3);
        assert_eq!(timeline.clips[1].start_ms, 13_600);
        assert_eq!(
            (
                timeline.clips[2].kind,
                timeline.clips[2].start_ms,
                timeline.clips[2].length_ms
            ),
            (MediaType::Video, 21_000, 9_000)
        );
        assert_eq!(timeline.turns[1].ms, 13_600);
        assert_eq!(timeline.turns[1].clip, Some(1));
        assert_eq!(timeline.turns[4].clip, None);
        assert_eq!(timeline.turn_at(14_000), Some(1));
        assert_eq!(timeline.end_ms, 50_000);
        let marks: Vec<(u64, MarkerKind)> =
            timeline.markers.iter().map(|m| (m.ms, m.kind)).collect();
        assert_eq!(
            marks,
            [
                (13_600, MarkerKind::Evidence),
                (25_000, MarkerKind::Phase),
                (40_000, MarkerKind::Curveball),
                (44_000, MarkerKind::Evidence),
            ]
        );
        assert_eq!(timeline.markers[1].label, "Phase: deep dive");
    }
}
