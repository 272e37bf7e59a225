//! Starting and running interviews through the [`App`]: the [`InterviewRequest`], a
//! candidate turn, deleting a session, and reading a resume (optionally with a model).

use std::path::Path;

use mockint_ai::{Providers, OFFLINE_PROVIDER};
use mockint_domain::ipc::Notice;
use mockint_domain::{CommunicationMode, Message, ResumeData, Session, SessionConfig};

use crate::{App, AppError, Settings, LOCAL_USER};

/// What a new interview should be.
#[derive(Debug, Clone, Default)]
pub struct InterviewRequest {
    /// The candidate's resume, if given.
    pub resume: Option<ResumeData>,
    /// A problem to practise (matched against the bank), if given.
    pub problem: Option<String>,
    /// offline, openai or anthropic; the configured default if not given.
    pub provider: Option<String>,
    /// The model at that provider; the provider's configured model if not given.
    pub model: Option<String>,
    /// Extra communication modes (text is always on).
    pub modes: Vec<CommunicationMode>,
    /// Planned length.
    pub duration_minutes: Option<u32>,
    /// AI usage spent before the session existed (e.g. reading the resume with a model).
    pub prior_usage: Vec<mockint_core::ports::Usage>,
}

impl App {
    /// Starts an interview: chooses (or, with a provider and a resume, writes) the problem,
    /// creates the session and stores the opening.
    pub async fn start_interview(
        &self,
        request: InterviewRequest,
    ) -> Result<(Session, Message, Vec<Notice>), AppError> {
        let provider = request
            .provider
            .unwrap_or_else(|| self.settings.config.ai.default_provider.clone());
        let model = match (self.model_for(&provider)?, request.model) {
            (_, Some(model)) if provider != OFFLINE_PROVIDER && !model.trim().is_empty() => model,
            (configured, _) => configured,
        };
        let mut earlier_usage = request.prior_usage;
        let mut notices = Vec::new();
        let problem = match (&request.problem, &request.resume) {
            (None, Some(resume)) if provider != OFFLINE_PROVIDER => {
                match mockint_ai::generate_problem(&self.providers, &provider, &model, resume).await
                {
                    Ok((statement, usage)) => {
                        earlier_usage.push(usage);
                        statement
                    }
                    Err(error) => {
                        notices.push(Notice::ProviderFallback {
                            provider: provider.clone(),
                            reason: error.message.clone(),
                        });
                        mockint_ai::problems::choose(None, Some(resume)).statement
                    }
                }
            }
            _ => {
                mockint_ai::problems::choose(request.problem.as_deref(), request.resume.as_ref())
                    .statement
            }
        };
        let config = SessionConfig {
            enabled_modes: request.modes,
            ai_provider: provider,
            ai_model: model,
            resume_data: request.resume,
            duration_minutes: request.duration_minutes,
            problem: Some(problem),
        };
        let (session, opening, more) = self
            .interviews
            .start(LOCAL_USER, config, earlier_usage)
            .await?;
        notices.extend(more);
        Ok((session, opening, notices))
    }

    /// One candidate turn, whichever way it was given (typed, spoken, scripted): the
    /// interviewer sees the autosaved whiteboard and, when its provider takes images, the
    /// newest snapshot; the reply streams to `on_token`.
    pub async fn take_turn(
        &self,
        id: mockint_domain::SessionId,
        text: &str,
        source: mockint_domain::TurnSource,
        on_token: Option<mockint_core::ports::TokenSink<'_>>,
    ) -> Result<mockint_domain::ipc::TurnView, AppError> {
        let board = self.whiteboards.board_log(id).await?;
        let provider = self.interviews.provider_of(id).await?;
        let picture = if self.providers.sees_images(&provider) {
            self.whiteboards.latest_picture(id).await?
        } else {
            None
        };
        let input = mockint_core::TurnInput {
            text,
            source: source.as_str(),
            board: Some(&board),
            whiteboard_png: picture.as_deref(),
        };
        let outcome = self.interviews.take_turn(id, input, on_token).await?;
        Ok(mockint_domain::ipc::TurnView {
            candidate: outcome.candidate,
            interviewer: outcome.interviewer,
            notices: outcome.notices,
            usage: outcome.usage,
        })
    }

    /// Deletes a session for good: its rows, its files and anything held for it, with the
    /// database's freed pages zeroed so none of its words stay on disk.
    pub async fn delete_session(&self, id: mockint_domain::SessionId) -> Result<(), AppError> {
        self.sessions.delete(id).await?;
        self.interviews.forget(id).await?;
        Ok(())
    }
}

/// Reads a resume; with a configured provider other than `offline`, a model extracts the
/// profile (the deterministic profile is the fallback). Returns the AI usage spent.
pub async fn read_resume_with(
    settings: &Settings,
    providers: &Providers,
    path: &Path,
    provider: &str,
) -> Result<(ResumeData, Vec<mockint_core::ports::Usage>), AppError> {
    let base = read_resume(path, settings.resume_limit()).await?;
    let model = match provider {
        "openai" => &settings.config.ai.openai.model,
        "anthropic" => &settings.config.ai.anthropic.model,
        _ => return Ok((base, Vec::new())),
    };
    if !providers.has(provider) {
        return Ok((base, Vec::new()));
    }
    Ok(mockint_ai::extract_resume(providers, provider, model, &base).await)
}

/// Reads a resume file off the async runtime (PDF parsing is CPU-bound) for the local user.
pub async fn read_resume(path: &Path, max_bytes: u64) -> Result<ResumeData, AppError> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let text = mockint_resume::read_resume_text(&path, max_bytes)?;
        Ok::<_, mockint_resume::ResumeError>(mockint_resume::extract_profile(
            &text.text, LOCAL_USER,
        ))
    })
    .await
    .map_err(|error| AppError::Internal(error.to_string()))?
    .map_err(AppError::from)
}
