//! Which AI provider and model an interview uses, and the OpenAI-compatible server chosen
//! in the app.

use std::sync::Arc;

use mockint_ai::llm::OpenAiChat;
use mockint_ai::{OFFLINE_MODEL, OFFLINE_PROVIDER};

use crate::{compatible, App, AppError};

impl App {
    /// The OpenAI-compatible server chosen in the app, if any.
    pub fn compatible_server(&self) -> Option<compatible::CompatibleServer> {
        self.compatible
            .read()
            .ok()
            .and_then(|server| server.clone())
    }

    /// Connects to an OpenAI-compatible server: checks the URL, reads its model list, picks
    /// `model` (or the first listed), makes it available as provider `compatible` and
    /// remembers it. Returns the server and the models it lists.
    pub async fn connect_compatible(
        &self,
        url: &str,
        model: Option<&str>,
    ) -> Result<(compatible::CompatibleServer, Vec<String>), AppError> {
        let url = compatible::validate_url(url)?;
        let models = compatible::list_models(&url).await?;
        let model = match model.filter(|m| !m.trim().is_empty()) {
            Some(typed) => compatible::validate_model(typed)?,
            None => models.first().cloned().ok_or_else(|| {
                AppError::Provider(
                    "the server lists no models; type the name of the model to use".into(),
                )
            })?,
        };
        let server = compatible::CompatibleServer { url, model };
        compatible::save(&self.settings.data_dir, &server)?;
        self.providers.register(Arc::new(OpenAiChat::compatible(
            &server.url,
            self.settings.http_settings(),
        )));
        if let Ok(mut slot) = self.compatible.write() {
            *slot = Some(server.clone());
        }
        tracing::info!(url = %server.url, model = %server.model, "OpenAI-compatible server connected");
        Ok((server, models))
    }

    /// The model to use with a provider, checking that the provider can be used.
    pub fn model_for(&self, provider: &str) -> Result<String, AppError> {
        let ai = &self.settings.config.ai;
        let (model, hint) = match provider {
            OFFLINE_PROVIDER => return Ok(OFFLINE_MODEL.to_string()),
            mockint_ai::llm::COMPATIBLE_PROVIDER => {
                return self
                    .compatible_server()
                    .filter(|_| self.providers.has(provider))
                    .map(|server| server.model)
                    .ok_or_else(|| {
                        AppError::Provider(
                        "connect to an OpenAI-compatible server first (its URL on the setup page)"
                            .into(),
                    )
                    })
            }
            "openai" => (
                &ai.openai.model,
                "OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)",
            ),
            "anthropic" => (&ai.anthropic.model, "ANTHROPIC_API_KEY"),
            other => {
                return Err(AppError::Provider(format!(
                    "unknown provider '{other}': use offline, openai, anthropic or compatible"
                )))
            }
        };
        if self.providers.has(provider) {
            Ok(model.clone())
        } else {
            Err(AppError::Provider(format!(
                "provider '{provider}' needs {hint} in the environment or .env"
            )))
        }
    }
}
