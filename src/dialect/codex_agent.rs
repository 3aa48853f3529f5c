//! OpenAI Codex CLI's custom agents (`.codex/agents/*.toml`, measured with 0.169.0; see
//! `fixtures/codex-agents/`): a TOML table whose `developer_instructions` is the agent's
//! Markdown instructions, where a protocol and a Definition of Done are written. agentspec
//! reads the instructions exactly as an agent file's body.

use serde_json::{Value, json};

use super::{Dialect, FieldSpec, Kind, Values};

/// Codex's custom agent files.
pub const DIALECT: Dialect = Dialect {
    id: "codex-agent",
    label: "Codex custom agent",
    host: "Codex",
    family: super::Family::Agent,
    fields: FIELDS,
    foreign_keys: &[],
    required: &["name", "description", "developer_instructions"],
    matches: is_codex_agent,
    example_path: ".codex/agents/example.toml",
};

/// A `.toml` file (the extension in lower case, as Codex reads it) under a `.codex/agents`
/// folder, at any depth (Codex reads its sub-folders too, measured).
pub fn is_codex_agent(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && path.ancestors().skip(1).any(|agents| {
            agents.file_name().is_some_and(|n| n == "agents")
                && agents
                    .parent()
                    .and_then(std::path::Path::file_name)
                    .is_some_and(|n| n == ".codex")
        })
}

const STR: &[Kind] = &[Kind::Str];

fn string() -> Value {
    json!({"type": "string", "minLength": 1})
}

/// The fields, in the order the schema and completion list them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec::new(
        "name",
        STR,
        Values::Any,
        "The agent's name: what `spawn_agent` is given as `agent_type`, and what hook events inside the agent carry as `agent_type`.",
        string,
    ),
    FieldSpec::new(
        "description",
        STR,
        Values::Any,
        "When to use the agent; shown to the model that spawns agents.",
        string,
    ),
    FieldSpec::new(
        "developer_instructions",
        STR,
        Values::Any,
        "The agent's instructions (Markdown), sent to its model as developer instructions: where its protocol and Definition of Done are written.",
        string,
    ),
    FieldSpec::new(
        "nickname_candidates",
        &[Kind::List],
        Values::Any,
        "Names Codex shows for the agent's instances.",
        || json!({"type": "array", "items": {"type": "string"}}),
    ),
    FieldSpec::new(
        "model",
        STR,
        Values::Any,
        "The model the agent runs on (default: the session's).",
        string,
    ),
    FieldSpec::new(
        "model_reasoning_effort",
        STR,
        Values::OneOf(&["minimal", "low", "medium", "high", "xhigh"]),
        "How much the model reasons.",
        || json!({"enum": ["minimal", "low", "medium", "high", "xhigh"]}),
    ),
    FieldSpec::new(
        "sandbox_mode",
        STR,
        Values::OneOf(&["read-only", "workspace-write", "danger-full-access"]),
        "The sandbox of the agent's commands. `danger-full-access` lets them write `.git`: agentspec's runner refuses such a turn.",
        || json!({"enum": ["read-only", "workspace-write", "danger-full-access"]}),
    ),
    FieldSpec::new(
        "mcp_servers",
        &[Kind::Map],
        Values::Any,
        "MCP servers for the agent (as in `config.toml`).",
        || json!({"type": "object"}),
    ),
    FieldSpec::new(
        "skills",
        &[Kind::Map],
        Values::Any,
        "Skill settings for the agent (as in `config.toml`).",
        || json!({"type": "object"}),
    ),
];
