//! The JSON Schemas of frontmatter (agents, skills, slash commands), built from each file
//! kind's field table ([`crate::dialect`]) so that they cannot drift from the rules. Editors' YAML support can use it through a `$schema` comment.

use serde_json::{Value, json};

use crate::vocab;

/// The schema of an agent's frontmatter: one property per field of the field table.
pub fn frontmatter_schema() -> Value {
    schema_of(&crate::dialect::claude_agent::DIALECT)
}

/// The schema of a file kind's frontmatter, from its field table.
pub fn schema_of(dialect: &crate::dialect::Dialect) -> Value {
    let properties: serde_json::Map<String, Value> = dialect
        .fields
        .iter()
        .map(|f| (f.key.to_owned(), with_description((f.schema)(), f.doc)))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{} frontmatter", dialect.label),
        "description": format!("Checked against Claude Code {} on {}.", vocab::CHECKED_RELEASES, vocab::CHECKED),
        "type": "object",
        "required": dialect.required,
        "properties": properties,
        "additionalProperties": false,
    })
}

/// `schema` with `description` put before the description it has.
fn with_description(mut schema: Value, description: &str) -> Value {
    if let Some(map) = schema.as_object_mut() {
        let text = match map.get("description").and_then(Value::as_str) {
            Some(more) => format!("{description} {more}"),
            None => description.to_owned(),
        };
        map.insert("description".to_owned(), Value::String(text));
    }
    schema
}
