//! The AI providers configured for this run, by name, with their pricing: the one place a
//! call is made and priced.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use mockint_core::ports::Usage;
use mockint_domain::TokenOperation;

use crate::llm::{ChatModel, ChatRequest, Pricing, ProviderError, COMPATIBLE_PROVIDER};

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
        on_token: Option<mockint_core::ports::TokenSink<'_>>,
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

impl Providers {
    /// Whether a provider's models take images (the whiteboard snapshot is loaded and sent
    /// only to these). A server chosen by URL is assumed not to.
    pub fn sees_images(&self, provider: &str) -> bool {
        provider != COMPATIBLE_PROVIDER && self.has(provider)
    }
}
