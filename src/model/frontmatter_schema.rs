//! The JSON Schema of agent frontmatter, built from the vocabulary tables so that it cannot
//! drift from the rules. Editors' YAML support can use it through a `$schema` comment.

use serde_json::{Value, json};

use crate::vocab;

fn one_of(values: &[&str]) -> Value {
    json!(values)
}

pub fn frontmatter_schema() -> Value {
    let tools_entry = json!({
        "type": "string",
        "description": "A tool name (`Read`), a permission rule (`Bash(npm test *)`) or an MCP tool (`mcp__server__tool`).",
        "examples": vocab::TOOLS,
    });
    let tool_list = json!({
        "description": "A comma-separated string (commas inside parentheses do not split) or a list.",
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": tools_entry},
        ],
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Claude Code agent frontmatter",
        "description": format!("Checked against Claude Code {} on {}.", vocab::CHECKED_RELEASES, vocab::CHECKED),
        "type": "object",
        "required": ["name", "description"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": "^[^-:：][^:：]*$",
                      "description": "The agent's identity; no `:` and no leading `-`."},
            "description": {"type": "string", "minLength": 1, "description": "When to delegate to the agent."},
            "tools": tool_list.clone(),
            "disallowedTools": tool_list,
            "model": {"type": "string", "description": "An alias or a full `claude-*` model ID.",
                       "examples": vocab::MODEL_ALIASES},
            "permissionMode": {"enum": one_of(vocab::PERMISSION_MODES)},
            "maxTurns": {"type": "integer", "minimum": 1},
            "skills": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "mcpServers": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object", "minProperties": 1, "maxProperties": 1}]}},
            "hooks": {"type": "object", "propertyNames": {"enum": one_of(&crate::release::newest().hook_events().collect::<Vec<_>>())},
                       "additionalProperties": {"type": ["array", "null"], "items": {"type": "object", "required": ["hooks"],
                           "properties": {"matcher": {"type": "string"}, "hooks": {"type": "array", "items": {"type": "object"}}}}}},
            "memory": {"enum": one_of(vocab::MEMORY_SCOPES)},
            "background": {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]},
            "effort": {"anyOf": [{"enum": one_of(vocab::EFFORTS)}, {"type": "integer", "minimum": 1}]},
            "isolation": {"enum": one_of(vocab::ISOLATION_MODES)},
            "color": {"enum": one_of(vocab::COLORS)},
            "initialPrompt": {"type": "string"},
            "omitClaudeMd": {"type": "boolean"},
            "experimental": {"type": "object"},
            "autoCompactWindow": {"type": "integer"},
        },
        "additionalProperties": false,
    })
}
