//! What the desktop app's pages show, assembled from the services in one place so that each
//! command is a one-line call (and the queries are tested here, not through a window).

use base64::Engine as _;
use mockint_core::ports::MediaStore as _;
use mockint_domain::ipc::{
    CompatibleServerView, Provider, ProviderStatus, SessionDetail, SessionPage, SessionView,
    SetupInfo,
};
use mockint_domain::replay::StoredClip;
use mockint_domain::{MediaType, Page, ReplayTimeline, SessionId};
use mockint_domain::{ReportFormat, TranscriptFormat};

use crate::{App, AppError, InterviewRequest};

/// A file to save: the suggested name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDocument {
    /// A file name to suggest in the save dialog.
    pub file_name: String,
    /// What to write.
    pub bytes: Vec<u8>,
}

/// Largest PNG of the board accepted from the window.
const MAX_BOARD_PNG: usize = 20 * 1024 * 1024;

/// A document to save: the suggested file name and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// A file name to suggest in the save dialog.
    pub file_name: String,
    /// What to write.
    pub content: String,
}

impl From<mockint_domain::ipc::StartRequest> for InterviewRequest {
    fn from(request: mockint_domain::ipc::StartRequest) -> Self {
        Self {
            resume: request.resume,
            problem: request.problem.filter(|p| !p.trim().is_empty()),
            provider: Some(request.provider.as_str().to_string()),
            model: request.model.filter(|m| !m.trim().is_empty()),
            modes: request.modes,
            duration_minutes: request.duration_minutes,
            prior_usage: Vec::new(),
        }
    }
}

impl App {
    /// Stores the (edited) resume as the local user's.
    pub async fn save_local_resume(
        &self,
        mut resume: mockint_domain::ResumeData,
    ) -> Result<mockint_domain::ResumeData, AppError> {
        resume.user_id = crate::LOCAL_USER.to_string();
        resume
            .validate()
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        self.store
            .save_resume(&resume)
            .await
            .map_err(mockint_core::CoreError::from)?;
        Ok(resume)
    }

    /// Providers, the saved resume and the problem list for the setup page.
    pub async fn setup_info(&self) -> Result<SetupInfo, AppError> {
        let ai = &self.settings.config.ai;
        let server = self.compatible_server();
        let providers = Provider::ALL
            .into_iter()
            .map(|provider| self.provider_status(provider, server.as_ref()))
            .collect();
        let saved_resume = self
            .store
            .get_resume(crate::LOCAL_USER)
            .await
            .map_err(mockint_core::CoreError::from)?
            .filter(|resume| !resume.raw_text.is_empty());
        Ok(SetupInfo {
            providers,
            default_provider: Provider::parse(&ai.default_provider).unwrap_or(Provider::Offline),
            saved_resume,
            problems: mockint_ai::problems::BANK
                .iter()
                .map(|p| p.title.to_string())
                .collect(),
            compatible: server.map(|server| CompatibleServerView {
                url: server.url,
                model: server.model,
                models: Vec::new(),
            }),
        })
    }

    fn provider_status(
        &self,
        provider: Provider,
        server: Option<&crate::compatible::CompatibleServer>,
    ) -> ProviderStatus {
        let ai = &self.settings.config.ai;
        let available = provider == Provider::Offline || self.providers.has(provider.as_str());
        let (model, detail) = match provider {
            Provider::Offline => (
                mockint_ai::OFFLINE_MODEL.to_string(),
                "built in, no key needed".to_string(),
            ),
            Provider::Compatible => match server.filter(|_| available) {
                Some(server) => (server.model.clone(), format!("connected to {}", server.url)),
                None => (
                    String::new(),
                    "Ollama, llama.cpp or any OpenAI-compatible server: enter its URL".into(),
                ),
            },
            Provider::OpenAi => (
                ai.openai.model.clone(),
                if available {
                    "key found in the environment".into()
                } else {
                    "set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)".into()
                },
            ),
            Provider::Anthropic => (
                ai.anthropic.model.clone(),
                if available {
                    "key found in the environment".into()
                } else {
                    "set ANTHROPIC_API_KEY".into()
                },
            ),
        };
        ProviderStatus {
            name: provider,
            available,
            model,
            detail,
        }
    }

    /// Starts an interview and returns the room's first state.
    pub async fn open_interview(&self, request: InterviewRequest) -> Result<SessionView, AppError> {
        let (session, opening, notices) = self.start_interview(request).await?;
        let usage = self.sessions.usage(session.id).await?;
        Ok(SessionView {
            session,
            messages: vec![opening],
            notices,
            usage,
        })
    }

    /// Everything stored about a session.
    pub async fn session_detail(&self, id: SessionId) -> Result<SessionDetail, AppError> {
        Ok(SessionDetail {
            session: self.sessions.get(id).await?,
            messages: self.interviews.transcript(id).await?,
            media: self.media.list(id).await?,
            report: self.sessions.report(id).await?,
            usage: self.sessions.usage(id).await?,
            board: self.whiteboards.board_log(id).await?,
        })
    }

    /// One page of sessions, newest first, with the total.
    pub async fn session_page(&self, limit: u32, offset: u32) -> Result<SessionPage, AppError> {
        let page = Page::new(limit, offset).map_err(mockint_core::CoreError::from)?;
        Ok(SessionPage {
            sessions: self.sessions.list(page).await?,
            total: self
                .store
                .count_sessions()
                .await
                .map_err(mockint_core::CoreError::from)?,
        })
    }

    /// The session's whiteboard snapshots as `data:image/png;base64,…` URLs, oldest first.
    pub async fn snapshot_images(&self, id: SessionId) -> Result<Vec<String>, AppError> {
        let mut images = Vec::new();
        for file in self.media.list(id).await? {
            if file.file_type == MediaType::Whiteboard {
                let bytes = self
                    .media_store
                    .read(&file)
                    .await
                    .map_err(mockint_core::CoreError::from)?;
                images.push(format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                ));
            }
        }
        Ok(images)
    }

    /// Stores a whiteboard snapshot sent as a data URL or plain base64.
    pub async fn save_snapshot_base64(
        &self,
        id: SessionId,
        encoded: &str,
    ) -> Result<mockint_domain::MediaFile, AppError> {
        let encoded = encoded.rsplit(',').next().unwrap_or_default();
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|error| {
                AppError::Invalid(format!("the snapshot is not valid base64: {error}"))
            })?;
        Ok(self.whiteboards.save_snapshot(id, &png).await?)
    }

    /// The transcript of a session as a document to save.
    pub async fn transcript_document(
        &self,
        id: SessionId,
        format: TranscriptFormat,
    ) -> Result<Document, AppError> {
        let session = self.sessions.get(id).await?;
        let messages = self.interviews.transcript(id).await?;
        Ok(Document {
            file_name: format!("transcript-{}.{}", short(id), format.extension()),
            content: mockint_core::export::transcript(&session, &messages, format),
        })
    }

    /// The whiteboard as a file: SVG drawn from the stored board, or the PNG the window drew
    /// (checked to be a PNG).
    pub async fn board_document(
        &self,
        id: SessionId,
        format: mockint_domain::BoardFormat,
        png: Option<&str>,
    ) -> Result<FileDocument, AppError> {
        let file_name = format!("whiteboard-{}.{}", short(id), format.extension());
        let bytes = match format {
            mockint_domain::BoardFormat::Svg => {
                let board = self.whiteboards.load_board(id).await?;
                mockint_core::board_export::board_svg(&board).into_bytes()
            }
            mockint_domain::BoardFormat::Png => {
                self.sessions.get(id).await?;
                let encoded = png.unwrap_or_default();
                let encoded = encoded.rsplit(',').next().unwrap_or_default().trim();
                if encoded.len() > MAX_BOARD_PNG / 3 * 4 + 4 {
                    return Err(AppError::Invalid(
                        "the whiteboard picture is too large".into(),
                    ));
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|error| {
                        AppError::Invalid(format!("the picture is not valid base64: {error}"))
                    })?;
                if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                    return Err(AppError::Invalid(
                        "the whiteboard picture is not a PNG".into(),
                    ));
                }
                bytes
            }
        };
        Ok(FileDocument { file_name, bytes })
    }

    /// The whole session as one HTML file that replays it in a browser: the board as it
    /// changed, the transcript and the candidate's recordings.
    pub async fn replay_document(&self, id: SessionId) -> Result<FileDocument, AppError> {
        let session = self.sessions.get(id).await?;
        let log = self.whiteboards.board_log(id).await?;
        if log.truncated {
            return Err(AppError::Invalid(
                "this session's whiteboard log is too long to replay (it is over its limit); \
                 export the board as SVG instead"
                    .into(),
            ));
        }
        // The answers' recordings are embedded, read once with their lengths; videos are too
        // large for one file.
        let mut audio = std::collections::HashMap::new();
        let timeline = self.timeline_of(&session, &log, Some(&mut audio)).await?;
        let embedded: Vec<Option<String>> = timeline
            .clips
            .iter()
            .map(|clip| match clip.kind {
                MediaType::Audio => audio.remove(&clip.path).map(|wav| {
                    format!(
                        "data:audio/wav;base64,{}",
                        base64::engine::general_purpose::STANDARD.encode(wav)
                    )
                }),
                _ => None,
            })
            .collect();
        Ok(FileDocument {
            file_name: format!("replay-{}.html", short(id)),
            bytes: mockint_core::board_export::replay_html(&session, &log, &timeline, &embedded)
                .into_bytes(),
        })
    }

    /// The replay's timeline: turns (a spoken answer starts with its recording), the
    /// recordings and videos, and markers for phases, curveballs and the report's evidence.
    pub async fn replay_timeline(&self, id: SessionId) -> Result<ReplayTimeline, AppError> {
        let session = self.sessions.get(id).await?;
        let log = self.whiteboards.board_log(id).await?;
        self.timeline_of(&session, &log, None).await
    }

    /// The timeline of a session; with `audio`, the recordings read for their lengths are
    /// kept there by path, so that an export does not read them again.
    async fn timeline_of(
        &self,
        session: &mockint_domain::Session,
        log: &mockint_domain::BoardLog,
        mut audio: Option<&mut std::collections::HashMap<String, Vec<u8>>>,
    ) -> Result<ReplayTimeline, AppError> {
        let messages = self.interviews.transcript(session.id).await?;
        let report = self.sessions.report(session.id).await?;
        let mut recordings = Vec::new();
        for file in self.media.list(session.id).await? {
            let length_ms = match file.file_type {
                // An answer's length is in its WAV header; one that is gone or not a WAV
                // leaves its turn without audio.
                MediaType::Audio => match self.media_store.read(&file).await {
                    Ok(wav) => match mockint_core::board_export::wav_millis(&wav) {
                        Some(length) => {
                            if let Some(kept) = audio.as_deref_mut() {
                                kept.insert(file.file_path.clone(), wav);
                            }
                            Some(length)
                        }
                        None => {
                            tracing::warn!(path = %file.file_path, "a recording is not a WAV file; left out of the replay");
                            continue;
                        }
                    },
                    Err(error) => {
                        tracing::warn!(%error, path = %file.file_path, "a recording could not be read for the replay");
                        continue;
                    }
                },
                // A video says when it started in its metadata.
                MediaType::Video => None,
                _ => continue,
            };
            recordings.push(StoredClip { file, length_ms });
        }
        let last_change = log.entries.last().map_or(0, |e| e.ms);
        Ok(ReplayTimeline::build(
            session.created_at,
            &messages,
            recordings,
            report.as_ref(),
            last_change,
        ))
    }

    /// A session's recording or video by its stored path, and where it is on disk: only a
    /// file the session lists (so no other path can be asked for).
    pub async fn media_file(
        &self,
        id: SessionId,
        path: &str,
    ) -> Result<(mockint_domain::MediaFile, std::path::PathBuf), AppError> {
        let file = self
            .media
            .list(id)
            .await?
            .into_iter()
            .find(|f| {
                f.file_path == path && matches!(f.file_type, MediaType::Audio | MediaType::Video)
            })
            .ok_or_else(|| AppError::Invalid(format!("no recording {path} in this session")))?;
        let on_disk = self.media_store.absolute_path(&file);
        Ok((file, on_disk))
    }

    /// The report of an ended session as a document to save.
    pub async fn report_document(
        &self,
        id: SessionId,
        format: ReportFormat,
    ) -> Result<Document, AppError> {
        let report = self.sessions.report(id).await?.ok_or_else(|| {
            AppError::Invalid("this session has no report yet: end the interview first".into())
        })?;
        Ok(Document {
            file_name: format!("report-{}.{}", short(id), format.extension()),
            content: mockint_core::export::report(&report, format),
        })
    }
}

fn short(id: SessionId) -> String {
    id.to_string().chars().take(8).collect()
}
