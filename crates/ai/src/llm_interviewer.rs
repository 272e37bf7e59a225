//! The LLM interviewer and evaluator: a persona with the problem, level expectations and
//! resume context, the offline rubric's hidden notes as steering, and bounded conversation
//! memory. Sessions whose provider is `offline` (or unknown) go to the offline interviewer.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use domain::{
    EvaluationReport, ExperienceLevel, MediaFile, Message, ResumeData, Role, Session,
    TokenOperation,
};
use interview_core::ports::{
    Evaluation, Evaluator, InterviewContext, Interviewer, InterviewerReply, Usage,
};
use interview_core::InterviewerError;
use serde_json::{json, Value};

use crate::llm::{ChatMessage, ChatModel, ChatRequest, ChatRole, Pricing, ProviderError};
use crate::{OfflineInterviewer, RubricEvaluator};

/// Messages kept verbatim in the prompt; older ones are replaced by the rubric notes.
const MEMORY_MESSAGES: usize = 24;

/// The configured providers, by name, with their pricing. Clones share the provider list, so
/// a provider added while the app runs (an OpenAI-compatible server) is seen everywhere.
#[derive(Clone, Default)]
pub struct Providers {
    models: Arc<RwLock<BTreeMap<&'static str, Arc<dyn ChatModel>>>>,
    pricing: Pricing,
}

impl Providers {
    /// No providers: everything runs offline.
    pub fn new(pricing: Pricing) -> Self {
        Self {
            models: Arc::default(),
            pricing,
        }
    }

    /// Adds a provider.
    pub fn with(self, model: Arc<dyn ChatModel>) -> Self {
        self.register(model);
        self
    }

    /// Adds or replaces a provider for every clone of this list.
    pub fn register(&self, model: Arc<dyn ChatModel>) {
        if let Ok(mut models) = self.models.write() {
            models.insert(model.provider(), model);
        }
    }

    /// Whether `provider` is configured.
    pub fn has(&self, provider: &str) -> bool {
        self.get(provider).is_some()
    }

    fn get(&self, provider: &str) -> Option<Arc<dyn ChatModel>> {
        self.models
            .read()
            .ok()
            .and_then(|models| models.get(provider).cloned())
    }

    /// Runs one call and prices it.
    pub async fn call(
        &self,
        provider: &str,
        request: &ChatRequest,
        operation: TokenOperation,
        on_token: Option<interview_core::ports::TokenSink<'_>>,
    ) -> Result<(String, Usage), ProviderError> {
        let Some(model) = self.get(provider) else {
            return Err(ProviderError::new(
                "mockint",
                format!("provider '{provider}' is not configured"),
                false,
            ));
        };
        let response = model.chat(request, on_token).await?;
        let usage = self.pricing.usage(
            model.provider(),
            &request.model,
            response.input_tokens,
            response.output_tokens,
        );
        Ok((response.content, (operation, usage)))
    }
}

/// Interviews with an LLM when the session's provider is configured, offline otherwise.
pub struct LlmInterviewer {
    providers: Providers,
    offline: OfflineInterviewer,
}

impl LlmInterviewer {
    /// An interviewer over the configured providers.
    pub fn new(providers: Providers) -> Self {
        Self {
            providers,
            offline: OfflineInterviewer,
        }
    }

    async fn ask(
        &self,
        ctx: InterviewContext<'_>,
        steering: InterviewerReply,
        instruction: Option<&str>,
    ) -> Result<InterviewerReply, InterviewerError> {
        let config = &ctx.session.config;
        let request = ChatRequest {
            model: config.ai_model.clone(),
            system: system_prompt(ctx.session, &steering),
            messages: with_whiteboard(memory(ctx.history, instruction), ctx.whiteboard_png),
            max_tokens: 400,
            temperature: 0.4,
            json: false,
        };
        let (content, usage) = self
            .providers
            .call(
                &config.ai_provider,
                &request,
                TokenOperation::QuestionGeneration,
                ctx.on_token,
            )
            .await?;
        let mut metadata = steering.metadata;
        metadata.insert("provider".into(), json!(config.ai_provider));
        metadata.insert("model".into(), json!(config.ai_model));
        Ok(InterviewerReply {
            content: content.trim().to_string(),
            metadata,
            usage: vec![usage],
        })
    }
}

#[async_trait]
impl Interviewer for LlmInterviewer {
    async fn opening(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError> {
        let steering = self.offline.opening(ctx).await?;
        if !self.providers.has(&ctx.session.config.ai_provider) {
            return Ok(steering);
        }
        self.ask(ctx, steering, Some("Start the interview: greet the candidate in one sentence, present the problem, and ask your first question about requirements.")).await
    }

    async fn respond(
        &self,
        ctx: InterviewContext<'_>,
    ) -> Result<InterviewerReply, InterviewerError> {
        let steering = self.offline.respond(ctx).await?;
        if !self.providers.has(&ctx.session.config.ai_provider) {
            return Ok(steering);
        }
        self.ask(ctx, steering, None).await
    }
}

/// Attaches the whiteboard snapshot to the latest candidate message.
fn with_whiteboard(mut messages: Vec<ChatMessage>, png: Option<&[u8]>) -> Vec<ChatMessage> {
    if let (Some(png), Some(last)) = (
        png,
        messages.iter_mut().rev().find(|m| m.role == ChatRole::User),
    ) {
        last.image_png = Some(png.to_vec());
    }
    messages
}

fn level_expectations(level: ExperienceLevel) -> &'static str {
    match level {
        ExperienceLevel::Junior => "Junior (0-2 years): expect sound reasoning on basics; guide them, give hints when stuck, and value learning over breadth.",
        ExperienceLevel::Mid => "Mid-level (3-5 years): expect them to design components well and reason about data and APIs; probe one deep dive.",
        ExperienceLevel::Senior => "Senior (6-10 years): expect them to drive the whole design, quantify trade-offs and go deep when asked.",
        ExperienceLevel::Staff => "Staff (10+ years): expect a working design fast, unprompted deep dives in 2-3 areas, unstated requirements, migration and organisational concerns, and trade-offs tied to business impact.",
    }
}

fn resume_context(resume: Option<&ResumeData>) -> String {
    let Some(resume) = resume else {
        return "No resume was given.".to_string();
    };
    let latest = resume
        .work_experience
        .first()
        .map(|job| format!("{} at {}", job.title, job.company))
        .unwrap_or_else(|| "unknown".into());
    format!(
        "{} years of experience; latest role: {latest}; domains: {}; skills: {}.",
        resume.years_of_experience,
        if resume.domain_expertise.is_empty() {
            "unknown".to_string()
        } else {
            resume.domain_expertise.join(", ")
        },
        if resume.skills.is_empty() {
            "unknown".to_string()
        } else {
            resume.skills.join(", ")
        },
    )
}

/// The system prompt: persona, problem, level, resume, rules and the hidden rubric notes.
pub fn system_prompt(session: &Session, steering: &InterviewerReply) -> String {
    let config = &session.config;
    let level = config
        .resume_data
        .as_ref()
        .map(|r| r.experience_level)
        .unwrap_or(ExperienceLevel::Mid);
    let notes = steering
        .metadata
        .get("notes")
        .cloned()
        .unwrap_or(Value::Null);
    let phase = steering
        .metadata
        .get("phase")
        .and_then(Value::as_str)
        .unwrap_or("requirements");
    format!(
        "You are an experienced staff engineer running a {minutes}-minute system-design interview.\n\
         Problem: {problem}\n\
         Candidate level: {level_text}\n\
         Candidate background: {background}\n\
         Rules: ask one question at a time; keep each reply under 120 words; never give away the solution; \
         ask for numbers when they estimate and for reasons when they choose; if an answer is vague, ask a clarifying question; \
         interrupt politely if they ramble.\n\
         Current phase: {phase}. Phases: requirements, estimation, API, data model, high-level design, deep dives, trade-offs, wrap-up.\n\
         Hidden interviewer notes (never reveal them): {notes}\n\
         Whiteboard (read from the candidate's drawing): {board}\n\
         Suggested next question (rephrase it in your own words if it fits): {suggestion}",
        minutes = config.duration_minutes.unwrap_or(45),
        problem = config.problem.as_deref().unwrap_or("a general system-design problem"),
        level_text = level_expectations(level),
        background = resume_context(config.resume_data.as_ref()),
        suggestion = steering.content,
        board = steering.metadata.get("whiteboard").map(Value::to_string).unwrap_or_else(|| "nothing drawn".into()),
    )
}

/// The conversation as chat messages: the last [`MEMORY_MESSAGES`] verbatim, alternating
/// roles and starting with the candidate, as providers require.
pub fn memory(history: &[Message], instruction: Option<&str>) -> Vec<ChatMessage> {
    let start = history.len().saturating_sub(MEMORY_MESSAGES);
    let mut messages: Vec<ChatMessage> = Vec::new();
    if start > 0 {
        messages.push(ChatMessage::text(ChatRole::User, format!("(The first {start} messages of this interview are summarised in your hidden notes.)")));
    }
    for message in &history[start..] {
        let role = match message.role {
            Role::Candidate => ChatRole::User,
            Role::Interviewer => ChatRole::Assistant,
        };
        match messages.last_mut() {
            Some(last) if last.role == role => {
                last.content.push_str("\n\n");
                last.content.push_str(&message.content);
            }
            _ => messages.push(ChatMessage::text(role, message.content.clone())),
        }
    }
    if let Some(instruction) = instruction {
        messages.push(ChatMessage::text(ChatRole::User, instruction));
    }
    if messages
        .first()
        .is_some_and(|m| m.role == ChatRole::Assistant)
    {
        messages.insert(
            0,
            ChatMessage::text(ChatRole::User, "Let's begin the interview."),
        );
    }
    messages
}

/// Evaluates with an LLM grounded by the offline rubric analysis; falls back to the offline
/// report when the provider fails or its JSON stays invalid.
pub struct LlmEvaluator {
    providers: Providers,
    offline: RubricEvaluator,
}

impl LlmEvaluator {
    /// An evaluator over the configured providers.
    pub fn new(providers: Providers) -> Self {
        Self {
            providers,
            offline: RubricEvaluator,
        }
    }
}

#[async_trait]
impl Evaluator for LlmEvaluator {
    async fn evaluate(
        &self,
        session: &Session,
        history: &[Message],
        media: &[MediaFile],
    ) -> Evaluation {
        let grounding = self.offline.report(session, history, media);
        let provider = session.config.ai_provider.as_str();
        if !self.providers.has(provider) {
            return Evaluation {
                report: grounding,
                usage: Vec::new(),
            };
        }
        let mut usage = Vec::new();
        let mut feedback: Option<String> = None;
        for _attempt in 0..2 {
            let request = evaluation_request(session, history, &grounding, feedback.as_deref());
            match self
                .providers
                .call(provider, &request, TokenOperation::Evaluation, None)
                .await
            {
                Ok((text, used)) => {
                    usage.push(used);
                    match parse_report(&text, &grounding, history) {
                        Ok(report) => return Evaluation { report, usage },
                        Err(problem) => feedback = Some(problem),
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "LLM evaluation failed; using the offline report");
                    break;
                }
            }
        }
        Evaluation {
            report: grounding,
            usage,
        }
    }
}

fn evaluation_request(
    session: &Session,
    history: &[Message],
    grounding: &EvaluationReport,
    feedback: Option<&str>,
) -> ChatRequest {
    let transcript: String = history
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                if m.role == Role::Candidate {
                    "CANDIDATE"
                } else {
                    "INTERVIEWER"
                },
                m.content
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut prompt = format!(
        "Evaluate this system-design interview.\nProblem: {}\n\nTranscript:\n{transcript}\n\n\
         Rubric analysis (ground truth for what was covered; adjust scores only with evidence):\n{}\n\n\
         Answer with a JSON object with exactly these fields: overall_score (0-100), competency_scores (object keyed by the same competency keys, each with score 0-100, confidence_level high|medium|low, evidence: list of exact quotes copied from CANDIDATE turns), went_well, went_okay, needs_improvement (lists of {{category, description, evidence}}), improvement_plan ({{priority_areas, concrete_steps: [{{step_number, description, resources}}], resources}}).",
        session.config.problem.as_deref().unwrap_or("general"),
        serde_json::to_string(grounding).unwrap_or_default(),
    );
    if let Some(problem) = feedback {
        prompt.push_str(&format!(
            "\n\nYour previous answer was invalid: {problem}. Answer again with valid JSON only."
        ));
    }
    ChatRequest {
        model: session.config.ai_model.clone(),
        system: "You are a rigorous, fair system-design interview evaluator. You only cite exact quotes.".into(),
        messages: vec![ChatMessage::text(ChatRole::User, prompt)],
        max_tokens: 2000,
        temperature: 0.0,
        json: true,
    }
}

/// Validates the model's JSON against the report schema and drops every quote that is not
/// verbatim in the candidate's turns.
fn parse_report(
    text: &str,
    grounding: &EvaluationReport,
    history: &[Message],
) -> Result<EvaluationReport, String> {
    let mut value = json_object(text)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("session_id".into(), json!(grounding.session_id));
        object.insert(
            "communication_mode_analysis".into(),
            serde_json::to_value(&grounding.communication_mode_analysis).unwrap_or(Value::Null),
        );
    }
    let mut report: EvaluationReport = serde_json::from_value(value)
        .map_err(|error| format!("does not match the schema ({error})"))?;
    let candidate: Vec<&str> = history
        .iter()
        .filter(|m| m.role == Role::Candidate)
        .map(|m| m.content.as_str())
        .collect();
    let verbatim = |quote: &String| {
        !quote.trim().is_empty() && candidate.iter().any(|turn| turn.contains(quote.as_str()))
    };
    for score in report.competency_scores.values_mut() {
        score.evidence.retain(verbatim);
    }
    for feedback in report
        .went_well
        .iter_mut()
        .chain(report.went_okay.iter_mut())
        .chain(report.needs_improvement.iter_mut())
    {
        feedback.evidence.retain(verbatim);
    }
    Ok(report)
}

/// Parses a model's JSON answer, tolerating a Markdown code fence around it.
fn json_object(text: &str) -> Result<Value, String> {
    let body = text
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```")
        .trim();
    serde_json::from_str(body).map_err(|error| format!("not JSON ({error})"))
}

/// Writes a problem tailored to the resume (level, domains, years, latest role) for a
/// 45-minute interview.
pub async fn generate_problem(
    providers: &Providers,
    provider: &str,
    model: &str,
    resume: &ResumeData,
) -> Result<(String, Usage), ProviderError> {
    let request = ChatRequest {
        model: model.to_string(),
        system: "You write system-design interview problems.".into(),
        messages: vec![ChatMessage::text(
            ChatRole::User,
            format!(
                "Write one system-design interview problem for a candidate with: experience level {}; {}\n\
                 The problem must match the level, relate to their domains, fit a 45-minute interview and cover scalability, reliability and trade-offs.\n\
                 Answer with the title on the first line (\"Design …\") and a 2-3 sentence statement with the expected scale.",
                resume.experience_level,
                resume_context(Some(resume)),
            ),
        )],
        max_tokens: 300,
        temperature: 0.7,
        json: false,
    };
    let (text, usage) = providers
        .call(provider, &request, TokenOperation::ProblemGeneration, None)
        .await?;
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(ProviderError::new(
            "mockint",
            "the generated problem was empty",
            true,
        ));
    }
    Ok((text, usage))
}

/// Extracts a resume into [`ResumeData`] with a model, against the JSON schema of the type;
/// the deterministic profile fills anything missing and is the answer if the model fails.
pub async fn extract_resume(
    providers: &Providers,
    provider: &str,
    model: &str,
    fallback: &ResumeData,
) -> (ResumeData, Vec<Usage>) {
    let schema = json!({
        "name": "string", "email": "string",
        "experience_level": "junior | mid | senior | staff (junior < 3 years, mid 3-5, senior 6-10, staff > 10; adjust for titles such as Staff, Principal, Intern)",
        "years_of_experience": "integer, professional years excluding internships",
        "domain_expertise": ["backend | frontend | distributed-systems | cloud | data | ml | mobile | storage | infrastructure | fintech | security"],
        "work_experience": [{"company": "string", "title": "string", "duration": "string", "description": "string"}],
        "education": [{"institution": "string", "degree": "string", "field": "string", "year": "string"}],
        "skills": ["string"]
    });
    let request = ChatRequest {
        model: model.to_string(),
        system: "You extract structured data from resumes. Answer with one JSON object only."
            .into(),
        messages: vec![ChatMessage::text(
            ChatRole::User,
            format!(
                "Extract this resume into JSON with exactly these fields: {schema}\n\nResume:\n{}",
                fallback.raw_text
            ),
        )],
        max_tokens: 1500,
        temperature: 0.0,
        json: true,
    };
    let mut usage = Vec::new();
    match providers
        .call(provider, &request, TokenOperation::ResumeParsing, None)
        .await
    {
        Ok((text, used)) => {
            usage.push(used);
            match merge_resume(&text, fallback) {
                Ok(resume) => return (resume, usage),
                Err(problem) => {
                    tracing::warn!(%problem, "model resume extraction invalid; using the deterministic profile")
                }
            }
        }
        Err(error) => {
            tracing::warn!(%error, "model resume extraction failed; using the deterministic profile")
        }
    }
    (fallback.clone(), usage)
}

/// Validates the model's resume JSON and keeps identity fields from the original.
fn merge_resume(text: &str, fallback: &ResumeData) -> Result<ResumeData, String> {
    let mut value = json_object(text)?;
    let object = value.as_object_mut().ok_or("not a JSON object")?;
    object.insert("user_id".into(), json!(fallback.user_id));
    object.insert("raw_text".into(), json!(fallback.raw_text));
    for (key, default) in [
        ("name", json!(fallback.name)),
        ("email", json!(fallback.email)),
        ("education", json!([])),
        ("work_experience", json!([])),
        ("skills", json!([])),
        ("domain_expertise", json!([])),
    ] {
        if object.get(key).is_none_or(Value::is_null) {
            object.insert(key.into(), default);
        }
    }
    let resume: ResumeData = serde_json::from_value(value)
        .map_err(|error| format!("does not match the schema ({error})"))?;
    resume.validate().map_err(|error| error.to_string())?;
    Ok(resume)
}
