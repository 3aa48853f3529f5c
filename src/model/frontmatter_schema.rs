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
            "tools": with_description(tool_list.clone(), "The tools the agent may use: tool names, permission rules (`Bash(npm test *)`) or MCP tools. Without `tools` the agent gets every tool of the session."),
            "disallowedTools": with_description(tool_list, "Tools taken away from the agent, from `tools` or from every tool of the session."),
            "model": {"type": "string", "description": "An alias or a full `claude-*` model ID.",
                       "examples": vocab::MODEL_ALIASES},
            "permissionMode": {"enum": one_of(vocab::PERMISSION_MODES), "description": "How the agent's tool calls are approved while it runs."},
            "maxTurns": {"type": "integer", "minimum": 1, "description": "The most turns the agent takes before it stops."},
            "skills": {"description": "Skills loaded into the agent's context when it starts: one name or a list.", "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "mcpServers": {"description": "MCP servers for this agent: the name of a configured server, or one inline `{name: config}` entry per item.", "type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object", "minProperties": 1, "maxProperties": 1}]}},
            "hooks": {"description": "Hooks that run while this agent works, by event, in the shape of the settings' `hooks`.", "type": "object", "propertyNames": {"enum": one_of(&crate::release::newest().hook_events().collect::<Vec<_>>())},
                       "additionalProperties": {"type": ["array", "null"], "items": {"type": "object", "required": ["hooks"],
                           "properties": {"matcher": {"type": "string"}, "hooks": {"type": "array", "items": {"type": "object"}}}}}},
            "memory": {"enum": one_of(vocab::MEMORY_SCOPES), "description": "Where the agent keeps persistent memory."},
            "background": {"description": "Run the agent in the background (`true` or `false`).", "anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]},
            "effort": {"description": "Reasoning effort: a level or a positive number.", "anyOf": [{"enum": one_of(vocab::EFFORTS)}, {"type": "integer", "minimum": 1}]},
            "isolation": {"enum": one_of(vocab::ISOLATION_MODES), "description": "Where the agent works: `worktree` is a temporary git worktree of its own."},
            "color": {"enum": one_of(vocab::COLORS), "description": "The colour the agent is shown in."},
            "initialPrompt": {"type": "string", "description": "A prompt submitted first when the agent starts a session."},
            "omitClaudeMd": {"type": "boolean", "description": "Leave the project's CLAUDE.md out of the agent's context."},
            "experimental": {"type": "object", "description": "Experimental settings; agentspec does not check them."},
            "autoCompactWindow": {"type": "integer", "description": "The context size, in tokens, at which the agent's conversation is compacted."},
            "observer": {"description": "Read by Claude Code (its observer feature); agentspec does not check the value."},
            "observerMessage": {"description": "Read by Claude Code (its observer feature); agentspec does not check the value."},
            "observeToolResults": {"description": "Read by Claude Code (its observer feature); agentspec does not check the value."},
            "observeSubagents": {"description": "Read by Claude Code (its observer feature); agentspec does not check the value."},
        },
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
