//! Prices per model (from config.yaml) and local token counting when a provider reports none.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use mockint_domain::TokenUsage;

/// USD per 1K tokens, by provider and model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pricing {
    prices: BTreeMap<String, BTreeMap<String, (f64, f64)>>,
}

impl Pricing {
    /// Builds the table from `(provider, model, input per 1K, output per 1K)` rows.
    pub fn new<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str, f64, f64)>) -> Self {
        let mut prices: BTreeMap<String, BTreeMap<String, (f64, f64)>> = BTreeMap::new();
        for (provider, model, input, output) in rows {
            prices
                .entry(provider.to_string())
                .or_default()
                .insert(model.to_string(), (input, output));
        }
        Self { prices }
    }

    /// The usage of one call with its estimated cost (0 for models without a price; a model
    /// such as `gpt-4o-2024-08-06` is priced as its longest priced prefix, `gpt-4o`).
    pub fn usage(&self, provider: &str, model: &str, input: u32, output: u32) -> TokenUsage {
        let price = self.prices.get(provider).and_then(|models| {
            models.get(model).or_else(|| {
                models
                    .iter()
                    .filter(|(name, _)| model.starts_with(name.as_str()))
                    .max_by_key(|(name, _)| name.len())
                    .map(|(_, price)| price)
            })
        });
        let cost = price
            .map(|(input_price, output_price)| {
                f64::from(input) / 1000.0 * input_price + f64::from(output) / 1000.0 * output_price
            })
            .unwrap_or(0.0);
        TokenUsage::new(provider, model, input, output, round_micro(cost))
    }
}

/// Rounds a cost to millionths of a dollar (what the database keeps).
fn round_micro(cost: f64) -> f64 {
    (cost * 1_000_000.0).round() / 1_000_000.0
}

static BPE: LazyLock<Option<tiktoken_rs::CoreBPE>> =
    LazyLock::new(|| tiktoken_rs::o200k_base().ok());

/// Counts tokens locally (o200k_base), for providers that report no usage.
pub fn count_tokens(text: &str) -> u32 {
    match BPE.as_ref() {
        Some(bpe) => u32::try_from(bpe.encode_ordinary(text).len()).unwrap_or(u32::MAX),
        // Roughly four characters per token if the tokenizer cannot load.
        None => u32::try_from(text.chars().count().div_ceil(4)).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_the_table_and_prefixes() {
        let pricing = Pricing::new([("openai", "gpt-4o", 0.0025, 0.01)]);
        let usage = pricing.usage("openai", "gpt-4o", 2000, 500);
        assert!((usage.estimated_cost - 0.01).abs() < 1e-12);
        assert_eq!(usage.total_tokens, 2500);
        let dated = pricing.usage("openai", "gpt-4o-2024-08-06", 1000, 0);
        assert!((dated.estimated_cost - 0.0025).abs() < 1e-12);
        assert_eq!(
            pricing
                .usage("openai", "unknown", 1000, 1000)
                .estimated_cost,
            0.0
        );
    }

    #[test]
    fn counts_tokens_locally() {
        assert_eq!(count_tokens(""), 0);
        let n = count_tokens("Design a URL shortener with a cache in front of the database.");
        assert!((8..=20).contains(&n), "{n}");
    }
}
