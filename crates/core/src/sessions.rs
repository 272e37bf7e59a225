//! Session lifecycle: create → active → paused ⇄ active → completed, plus queries and deletion.

use std::sync::Arc;

use mockint_domain::{
    EvaluationReport, Page, Session, SessionConfig, SessionId, SessionStatus, SessionSummary,
};
use uuid::Uuid;

use crate::ports::{Clock, Evaluator, MediaStore, Store};
use crate::CoreError;

/// Creates, moves through its states, evaluates and deletes sessions.
#[derive(Clone)]
pub struct SessionService {
    store: Arc<dyn Store>,
    media: Arc<dyn MediaStore>,
    evaluator: Arc<dyn Evaluator>,
    clock: Arc<dyn Clock>,
}

impl SessionService {
    /// Wires the service to its ports.
    pub fn new(
        store: Arc<dyn Store>,
        media: Arc<dyn MediaStore>,
        evaluator: Arc<dyn Evaluator>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            media,
            evaluator,
            clock,
        }
    }

    /// Creates an active session for `user_id` (the resume's owner when one is attached).
    pub async fn create(&self, user_id: &str, config: SessionConfig) -> Result<Session, CoreError> {
        let config = config.validated()?;
        let user_id = match &config.resume_data {
            Some(resume) => {
                resume.validate()?;
                resume.user_id.clone()
            }
            None => user_id.to_string(),
        };
        mockint_domain::validate_user_id(&user_id)?;
        let session = Session {
            id: SessionId::from_uuid(Uuid::new_v4()),
            user_id,
            created_at: self.clock.now(),
            ended_at: None,
            status: SessionStatus::Active,
            config,
        };
        self.store.create_session(&session).await?;
        tracing::info!(session_id = %session.id, "session created");
        Ok(session)
    }

    /// A session by id, or [`CoreError::SessionNotFound`].
    pub async fn get(&self, id: SessionId) -> Result<Session, CoreError> {
        self.store
            .get_session(id)
            .await?
            .ok_or(CoreError::SessionNotFound(id))
    }

    /// Sessions newest first.
    pub async fn list(&self, page: Page) -> Result<Vec<SessionSummary>, CoreError> {
        Ok(self.store.list_sessions(page).await?)
    }

    /// The newest session that is still open (active or paused).
    pub async fn active(&self) -> Result<Option<Session>, CoreError> {
        Ok(self.store.latest_open_session().await?)
    }

    /// Pauses an active session.
    pub async fn pause(&self, id: SessionId) -> Result<Session, CoreError> {
        self.transition(id, "pause", SessionStatus::Paused).await
    }

    /// Resumes a paused session.
    pub async fn resume(&self, id: SessionId) -> Result<Session, CoreError> {
        self.transition(id, "resume", SessionStatus::Active).await
    }

    /// Ends an open session: evaluates the conversation and stores the report with the
    /// completed status in one transaction.
    pub async fn end(&self, id: SessionId) -> Result<EvaluationReport, CoreError> {
        let session = self.get(id).await?;
        if !session.status.can_become(SessionStatus::Completed) {
            return Err(CoreError::InvalidTransition {
                action: "end",
                from: session.status,
            });
        }
        let history = self.store.conversation(id).await?;
        let media = self.store.media_files(id).await?;
        let evaluation = self.evaluator.evaluate(&session, &history, &media).await;
        crate::accounting::record_usage(&*self.store, id, self.clock.now(), evaluation.usage)
            .await?;
        let mut report = evaluation.report;
        // What was drawn is evidence too: a damaged board log costs the evidence, not the end.
        match crate::whiteboard::read_board_log(&*self.media, id).await {
            Ok(log) => attach_board_evidence(&mut report, &log.drawn_components()),
            Err(error) => {
                tracing::warn!(session_id = %id, %error, "the whiteboard could not be read for the report");
            }
        }
        self.store
            .complete_session(id, self.clock.now(), &report)
            .await?;
        tracing::info!(session_id = %id, score = %report.overall_score, "session completed");
        Ok(report)
    }

    /// The stored evaluation of a completed session.
    pub async fn report(&self, id: SessionId) -> Result<Option<EvaluationReport>, CoreError> {
        self.get(id).await?;
        Ok(self.store.get_evaluation(id).await?)
    }

    /// A session's token totals with the per-operation breakdown.
    pub async fn usage(
        &self,
        id: SessionId,
    ) -> Result<mockint_domain::SessionTokenUsage, CoreError> {
        let records = self.store.token_usage(id).await?;
        Ok(mockint_domain::SessionTokenUsage::from_records(&records))
    }

    /// Scores of the newest evaluated sessions, oldest first (for progress charts).
    pub async fn progress(
        &self,
        limit: u32,
    ) -> Result<Vec<mockint_domain::ipc::ProgressPoint>, CoreError> {
        let page = Page::new(limit.clamp(1, mockint_domain::MAX_PAGE_SIZE), 0)?;
        let mut points = Vec::new();
        for summary in self.store.list_sessions(page).await? {
            if summary.overall_score.is_none() {
                continue;
            }
            if let Some(report) = self.store.get_evaluation(summary.id).await? {
                points.push(mockint_domain::ipc::ProgressPoint {
                    session_id: summary.id,
                    created_at: summary.created_at,
                    overall: report.overall_score.value(),
                    competencies: report
                        .competency_scores
                        .iter()
                        .map(|(&competency, score)| (competency, score.score.value()))
                        .collect(),
                });
            }
        }
        points.reverse();
        Ok(points)
    }

    /// Deletes a session's rows and files together: the files are moved aside first and put
    /// back if the rows cannot be deleted.
    pub async fn delete(&self, id: SessionId) -> Result<(), CoreError> {
        self.get(id).await?;
        let staged = self.media.stage_removal(id).await?;
        match self.store.delete_session(id).await {
            Ok(_) => {
                self.media.finish_removal(staged).await?;
                tracing::info!(session_id = %id, "session deleted");
                Ok(())
            }
            Err(error) => {
                if let Err(undo) = self.media.undo_removal(staged).await {
                    tracing::error!(session_id = %id, %undo, "could not restore session files");
                }
                Err(error.into())
            }
        }
    }

    async fn transition(
        &self,
        id: SessionId,
        action: &'static str,
        next: SessionStatus,
    ) -> Result<Session, CoreError> {
        let mut session = self.get(id).await?;
        if !session.status.can_become(next) {
            return Err(CoreError::InvalidTransition {
                action,
                from: session.status,
            });
        }
        if !self.store.set_session_status(id, next).await? {
            return Err(CoreError::SessionNotFound(id));
        }
        session.status = next;
        Ok(session)
    }
}

/// The competency the whiteboard shows evidence for.
const DESIGN_COMPETENCY: mockint_domain::Competency = mockint_domain::Competency::HighLevelDesign;
/// Most whiteboard items cited.
const MAX_BOARD_EVIDENCE: usize = 6;

/// Cites the components drawn (label, kind, time) as evidence for the design competency.
pub fn attach_board_evidence(
    report: &mut mockint_domain::EvaluationReport,
    drawn: &[mockint_domain::Drawn],
) {
    let Some(score) = report.competency_scores.get_mut(&DESIGN_COMPETENCY) else {
        return;
    };
    for item in drawn.iter().take(MAX_BOARD_EVIDENCE) {
        let what = match item.component {
            Some(kind) if !item.label.to_lowercase().contains(kind.category()) => {
                format!("the {} \"{}\"", kind.category(), item.label)
            }
            _ => format!("\"{}\"", item.label),
        };
        score
            .evidence
            .push(mockint_domain::replay::board_evidence(item.ms, &what));
    }
}
