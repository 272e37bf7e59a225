//! Structured output: the JSON schema of a Rust type, in the strict form providers accept
//! (every property required, no additional properties, no formats or defaults), derived with
//! `schemars` so that the schema and the type that parses the answer cannot drift apart.

use schemars::generate::SchemaSettings;
use schemars::transform::{transform_subschemas, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// What shape a model's answer must have.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Free text (interviewer replies).
    Text,
    /// A JSON object matching a schema, asked for the provider's native way (OpenAI
    /// `response_format: json_schema`, Anthropic forced tool use).
    Json {
        /// The schema's name (letters, digits, `_` and `-`).
        name: &'static str,
        /// The strict JSON schema.
        schema: Value,
    },
}

impl Output {
    /// Structured output for type `T`.
    pub fn schema<T: JsonSchema>(name: &'static str) -> Self {
        Self::Json {
            name,
            schema: strict_schema::<T>(),
        }
    }

    /// Whether the answer is JSON.
    pub fn is_json(&self) -> bool {
        matches!(self, Self::Json { .. })
    }
}

/// Makes a schema strict: all properties required, no others allowed, `oneOf` as `anyOf`,
/// and no `format`/`default`/`$schema` keywords, which strict validators reject.
#[derive(Debug, Clone, Copy)]
struct Strict;

impl Transform for Strict {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            object.remove("format");
            object.remove("default");
            object.remove("$schema");
            if let Some(one_of) = object.remove("oneOf") {
                object.insert("anyOf".into(), one_of);
            }
            if let Some(Value::Object(properties)) = object.get("properties") {
                let required: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
                object.insert("required".into(), Value::Array(required));
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
        transform_subschemas(self, schema);
    }
}

/// The strict schema of `T`, with every sub-schema inlined.
pub fn strict_schema<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.inline_subschemas = true;
            settings.meta_schema = None;
        })
        .with_transform(Strict)
        .into_generator()
        .into_root_schema_for::<T>();
    schema.to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(JsonSchema, serde::Deserialize)]
    #[allow(dead_code)]
    struct Answer {
        score: f64,
        kind: Kind,
        notes: Vec<String>,
    }

    #[derive(JsonSchema, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Kind {
        Good,
        Bad,
    }

    #[test]
    fn schemas_are_strict_and_inline() {
        let schema = strict_schema::<Answer>();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(
            schema["required"],
            serde_json::json!(["kind", "notes", "score"])
        );
        assert_eq!(
            schema["properties"]["kind"]["enum"],
            serde_json::json!(["good", "bad"])
        );
        assert!(schema.get("$defs").is_none() && schema.get("format").is_none());
        assert!(schema["properties"]["score"].get("format").is_none());
    }
}
