//! The JSON Schemas agentspec publishes (committed in `schemas/`).

/// The text of a JSON Schema, as committed in `schemas/`.
pub fn schema_json(name: &str) -> Option<String> {
    let value = match name {
        "bundle" => crate::policy::bundle_schema(),
        "config" => serde_json::to_value(schemars::schema_for!(crate::config::Options)).ok()?,
        "frontmatter" => crate::model::frontmatter_schema::frontmatter_schema(),
        "skill" => {
            crate::model::frontmatter_schema::schema_of(&crate::dialect::claude_skill::DIALECT)
        }
        "command" => {
            crate::model::frontmatter_schema::schema_of(&crate::dialect::claude_command::DIALECT)
        }
        "inspect" => {
            serde_json::to_value(schemars::schema_for!(crate::model::inspect::Inspection)).ok()?
        }
        "event" => {
            serde_json::to_value(schemars::schema_for!(crate::host::events::StreamEvent)).ok()?
        }
        "decision" => {
            serde_json::to_value(schemars::schema_for!(crate::policy::decide::Decision)).ok()?
        }
        _ => return None,
    };
    Some(serde_json::to_string_pretty(&value).ok()? + "\n")
}
