//! Claude Code's agent files (`.claude/agents/*.md`): the frontmatter fields the host reads,
//! with the kinds and values it accepts. Every field here predates the oldest release
//! agentspec models (2.1.328); a field that arrives later names its first release in `since`.

use serde_json::{Value, json};

use super::{Dialect, FieldSpec, Kind, Values};
use crate::vocab;

/// Claude Code's agent definitions.
pub const DIALECT: Dialect = Dialect {
    id: "claude-agent",
    label: "Claude Code agent",
    host: "Claude Code",
    family: super::Family::Agent,
    fields: FIELDS,
    foreign_keys: vocab::SKILL_TOOL_KEYS,
    required: &["name", "description"],
    // Discovery finds agent files only (as Claude Code does): every file it hands over is one.
    matches: |_| true,
    example_path: ".claude/agents/example.md",
};

const STR: &[Kind] = &[Kind::Str];
const INT: &[Kind] = &[Kind::Int];
/// Not checked by kind: the field has rules of its own, or agentspec does not check it.
const OWN: &[Kind] = &[];

fn tool_list() -> Value {
    json!({
        "description": "A comma-separated string (commas inside parentheses do not split) or a list.",
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {
                "type": "string",
                "description": "A tool name (`Read`), a permission rule (`Bash(npm test *)`) or an MCP tool (`mcp__server__tool`).",
                "examples": vocab::TOOLS,
            }},
        ],
    })
}

fn unchecked() -> Value {
    json!({})
}

const OBSERVER_DOC: &str =
    "Read by Claude Code (its observer feature); agentspec does not check the value.";

/// The fields, in the order the schema and completion list them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        key: "name",
        kinds: OWN,
        values: Values::Any,
        doc: "The agent's identity; no `:` and no leading `-`.",
        schema: || json!({"type": "string", "minLength": 1, "maxLength": 256, "pattern": "^[^-:：][^:：]*$"}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "description",
        kinds: OWN,
        values: Values::Any,
        doc: "When to delegate to the agent.",
        schema: || json!({"type": "string", "minLength": 1}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "tools",
        kinds: &[Kind::Str, Kind::List],
        values: Values::Tools(vocab::TOOL_SUMMARIES),
        doc: "The tools the agent may use: tool names, permission rules (`Bash(npm test *)`) or MCP tools. Without `tools` the agent gets every tool of the session.",
        schema: tool_list,
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "disallowedTools",
        kinds: &[Kind::Str, Kind::List],
        values: Values::Tools(vocab::TOOL_SUMMARIES),
        doc: "Tools taken away from the agent, from `tools` or from every tool of the session.",
        schema: tool_list,
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "model",
        kinds: STR,
        values: Values::Suggested(vocab::MODEL_ALIASES),
        doc: "An alias or a full `claude-*` model ID.",
        schema: || json!({"type": "string", "examples": vocab::MODEL_ALIASES}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "permissionMode",
        kinds: STR,
        values: Values::OneOf(vocab::PERMISSION_MODES),
        doc: "How the agent's tool calls are approved while it runs.",
        schema: || json!({"enum": vocab::PERMISSION_MODES}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "maxTurns",
        kinds: INT,
        values: Values::Any,
        doc: "The most turns the agent takes before it stops.",
        schema: || json!({"type": "integer", "minimum": 1}),
        positive: true,
        since: None,
    },
    FieldSpec {
        key: "skills",
        kinds: &[Kind::List, Kind::Str],
        values: Values::Any,
        doc: "Skills loaded into the agent's context when it starts: one name or a list.",
        schema: || json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "mcpServers",
        kinds: &[Kind::List],
        values: Values::Any,
        doc: "MCP servers for this agent: the name of a configured server, or one inline `{name: config}` entry per item.",
        schema: || json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object", "minProperties": 1, "maxProperties": 1}]}}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "hooks",
        kinds: OWN,
        values: Values::Any,
        doc: "Hooks that run while this agent works, by event, in the shape of the settings' `hooks`.",
        schema: || {
            json!({"type": "object",
                "propertyNames": {"enum": crate::release::newest().hook_events().collect::<Vec<_>>()},
                "additionalProperties": {"type": ["array", "null"], "items": {"type": "object", "required": ["hooks"],
                    "properties": {"matcher": {"type": "string"}, "hooks": {"type": "array", "items": {"type": "object"}}}}}})
        },
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "memory",
        kinds: STR,
        values: Values::OneOf(vocab::MEMORY_SCOPES),
        doc: "Where the agent keeps persistent memory.",
        schema: || json!({"enum": vocab::MEMORY_SCOPES}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "background",
        kinds: &[Kind::Bool, Kind::Str],
        values: Values::Boolean,
        doc: "Run the agent in the background (`true` or `false`).",
        schema: || json!({"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "effort",
        kinds: &[Kind::Str, Kind::Int],
        values: Values::OneOf(vocab::EFFORTS),
        doc: "Reasoning effort: a level or a positive number.",
        schema: || json!({"anyOf": [{"enum": vocab::EFFORTS}, {"type": "integer", "minimum": 1}]}),
        positive: true,
        since: None,
    },
    FieldSpec {
        key: "isolation",
        kinds: STR,
        values: Values::OneOf(vocab::ISOLATION_MODES),
        doc: "Where the agent works: `worktree` is a temporary git worktree of its own.",
        schema: || json!({"enum": vocab::ISOLATION_MODES}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "color",
        kinds: STR,
        values: Values::OneOf(vocab::COLORS),
        doc: "The colour the agent is shown in.",
        schema: || json!({"enum": vocab::COLORS}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "initialPrompt",
        kinds: STR,
        values: Values::Any,
        doc: "A prompt submitted first when the agent starts a session.",
        schema: || json!({"type": "string"}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "omitClaudeMd",
        kinds: &[Kind::Bool],
        values: Values::Boolean,
        doc: "Leave the project's CLAUDE.md out of the agent's context.",
        schema: || json!({"type": "boolean"}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "experimental",
        kinds: &[Kind::Map],
        values: Values::Any,
        doc: "Experimental settings; agentspec does not check them.",
        schema: || json!({"type": "object"}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "autoCompactWindow",
        kinds: INT,
        values: Values::Any,
        doc: "The context size, in tokens, at which the agent's conversation is compacted.",
        schema: || json!({"type": "integer"}),
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "observer",
        kinds: OWN,
        values: Values::Any,
        doc: OBSERVER_DOC,
        schema: unchecked,
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "observerMessage",
        kinds: OWN,
        values: Values::Any,
        doc: OBSERVER_DOC,
        schema: unchecked,
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "observeToolResults",
        kinds: OWN,
        values: Values::Any,
        doc: OBSERVER_DOC,
        schema: unchecked,
        positive: false,
        since: None,
    },
    FieldSpec {
        key: "observeSubagents",
        kinds: OWN,
        values: Values::Any,
        doc: OBSERVER_DOC,
        schema: unchecked,
        positive: false,
        since: None,
    },
];

/// Whether `key` is a field of an agent file.
pub fn is_key(key: &str) -> bool {
    DIALECT.is_key(key)
}
