//! Skills (`.claude/skills/<name>/SKILL.md`, `~/.claude/skills/`, a plugin's `skills/`): the
//! Agent Skills standard's fields (`name`, `description`, `license`, `compatibility`,
//! `metadata`, `allowed-tools`) and Claude Code's extensions. A skill is a folder: `SKILL.md`
//! holds frontmatter and instructions, the other files of the folder are what it refers to.

use serde_json::{Value, json};

use super::{Dialect, FieldSpec, Kind, Values};
use crate::vocab;

/// Claude Code's skills.
pub const DIALECT: Dialect = Dialect {
    id: "claude-skill",
    label: "Claude Code skill",
    host: "Claude Code",
    family: super::Family::Skill,
    fields: FIELDS,
    foreign_keys: &[],
    required: &["description"],
    matches: is_skill_path,
    example_path: ".claude/skills/example/SKILL.md",
};

/// The longest `name` the Agent Skills standard allows.
pub const MAX_NAME_LEN: usize = 64;
/// The longest `description` the Agent Skills standard allows.
pub const MAX_DESCRIPTION_LEN: usize = 1024;
/// The file that makes a folder a skill.
pub const SKILL_FILE: &str = "SKILL.md";

/// A `SKILL.md` anywhere but in a commands folder, or a Markdown file whose nearest `agents`,
/// `skills` or `commands` folder is a `skills` folder (which, not being a `SKILL.md`, never loads as a skill and is
/// reported so). A `.claude/agents/` tree holds agents only; a skill's `agents/` folder holds
/// prompt files, read as agents when named.
fn is_skill_path(path: &std::path::Path) -> bool {
    // Most paths name no skills folder and no `SKILL.md`: decided without walking them.
    let named = path.file_name().is_some_and(|n| n == SKILL_FILE);
    if !named
        && !path
            .as_os_str()
            .as_encoded_bytes()
            .windows(6)
            .any(|w| w == b"skills")
    {
        return false;
    }
    if super::in_project_agents(path) {
        return false;
    }
    match super::home(path) {
        Some((super::Home::Skills, _)) => true,
        // In a commands folder a `SKILL.md` makes its folder one command (measured).
        Some((super::Home::Commands, _)) => false,
        _ => path.file_name().is_some_and(|n| n == SKILL_FILE),
    }
}

/// Whether `name` is a valid skill name by the Agent Skills standard: 1 to 64 of `a-z`, `0-9`
/// and `-`, not starting or ending with `-`, no `--`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

const STR: &[Kind] = &[Kind::Str];
const BOOL: &[Kind] = &[Kind::Bool];

pub(super) fn tool_list() -> Value {
    json!({
        "description": "Tools the skill may use without asking: a list, or one string of names separated by spaces or commas (commas inside parentheses do not split).",
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string", "examples": vocab::TOOLS}},
        ],
    })
}

pub(super) fn string() -> Value {
    json!({"type": "string"})
}

pub(super) fn boolean() -> Value {
    json!({"type": "boolean"})
}

/// Keys Claude Code reads the same way in a skill and in a slash command.
pub(super) const VERSION: FieldSpec = FieldSpec::new(
    "version",
    &[Kind::Str, Kind::Int],
    Values::Any,
    "A version of the file, read by Claude Code and shown nowhere.",
    || json!({"type": ["string", "number"]}),
);
pub(super) const DISALLOWED_TOOLS: FieldSpec = FieldSpec::new(
    "disallowed-tools",
    &[Kind::Str, Kind::List],
    Values::Tools(vocab::TOOL_SUMMARIES),
    "Tools taken away while it runs.",
    tool_list,
);
pub(super) const BACKGROUND: FieldSpec = FieldSpec {
    since: Some("2.1.332"),
    ..FieldSpec::new(
        "background",
        &[Kind::Bool],
        Values::Boolean,
        "Runs it in the background (Claude Code 2.1.332 and later).",
        boolean,
    )
};
pub(super) const FALLBACK: FieldSpec = FieldSpec {
    since: Some("2.1.332"),
    ..FieldSpec::new(
        "fallback",
        &[],
        Values::Any,
        "Read by Claude Code 2.1.332 and later; agentspec does not check the value.",
        || json!({}),
    )
};

/// The fields, in the order the schema and completion list them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec::new(
        "name",
        STR,
        Values::Any,
        "The skill's name (Agent Skills standard): 1 to 64 lowercase letters, digits and hyphens, the same as its folder's name. Claude Code names the skill after its folder and shows `name` as an alias; other hosts use `name`.",
        || json!({"type": "string", "minLength": 1, "maxLength": MAX_NAME_LEN, "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}),
    ),
    FieldSpec::new(
        "description",
        STR,
        Values::Any,
        "What the skill does and when to use it (Agent Skills standard, at most 1024 characters): the model decides from it whether to invoke the skill.",
        || json!({"type": "string", "minLength": 1, "maxLength": MAX_DESCRIPTION_LEN}),
    ),
    FieldSpec::new(
        "license",
        STR,
        Values::Any,
        "The skill's license: a name or a file of the skill folder (Agent Skills standard).",
        string,
    ),
    FieldSpec::new(
        "compatibility",
        STR,
        Values::Any,
        "What the skill needs of its environment (Agent Skills standard, at most 500 characters).",
        || json!({"type": "string", "maxLength": 500}),
    ),
    FieldSpec::new(
        "metadata",
        &[Kind::Map],
        Values::Any,
        "Free key-value pairs for tools that read skills (Agent Skills standard).",
        || json!({"type": "object"}),
    ),
    FieldSpec::new(
        "allowed-tools",
        &[Kind::Str, Kind::List],
        Values::Tools(vocab::TOOL_SUMMARIES),
        "Tools the skill may use without asking while it is active: tool names, permission rules (`Bash(git diff *)`) or MCP tools.",
        tool_list,
    ),
    FieldSpec::new(
        "when_to_use",
        STR,
        Values::Any,
        "Claude Code: more on when the model should invoke the skill, added to its description.",
        string,
    ),
    FieldSpec::new(
        "argument-hint",
        STR,
        Values::Any,
        "Claude Code: the arguments shown after `/name` when the user runs the skill.",
        string,
    ),
    FieldSpec::new(
        "arguments",
        &[Kind::Str, Kind::List],
        Values::Any,
        "Claude Code: named arguments, usable as `$name` in the instructions.",
        || json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
    ),
    FieldSpec::new(
        "disable-model-invocation",
        BOOL,
        Values::Boolean,
        "Claude Code: `true` keeps the model from invoking the skill; only the user can, as `/name`.",
        boolean,
    ),
    FieldSpec::new(
        "user-invocable",
        BOOL,
        Values::Boolean,
        "Claude Code: `false` hides the skill from the `/` menu; the model can still invoke it.",
        boolean,
    ),
    FieldSpec::new(
        "model",
        STR,
        Values::Suggested(vocab::MODEL_ALIASES),
        "Claude Code: the model that runs while the skill is active.",
        string,
    ),
    FieldSpec::new(
        "effort",
        &[Kind::Str, Kind::Int],
        Values::Suggested(vocab::EFFORTS),
        "Claude Code: the reasoning effort while the skill is active.",
        || json!({"anyOf": [{"enum": vocab::EFFORTS}, {"type": "integer"}]}),
    ),
    FieldSpec::new(
        "context",
        STR,
        Values::OneOf(&["fork"]),
        "Claude Code: `fork` runs the skill in a subagent of its own instead of the conversation.",
        || json!({"enum": ["fork"]}),
    ),
    FieldSpec::new(
        "agent",
        STR,
        Values::Any,
        "Claude Code: the agent type that runs the skill with `context: fork`.",
        string,
    ),
    FieldSpec::new(
        "hooks",
        &[Kind::Map],
        Values::Any,
        "Claude Code: hooks active while the skill is, in the settings files' format.",
        || json!({"type": "object"}),
    ),
    FieldSpec::new(
        "paths",
        &[Kind::Str, Kind::List],
        Values::Any,
        "Claude Code: glob patterns; the skill is offered only when the session works on matching files.",
        || json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
    ),
    VERSION,
    DISALLOWED_TOOLS,
    BACKGROUND,
    FALLBACK,
    FieldSpec::new(
        "shell",
        STR,
        Values::Any,
        "Claude Code: the shell that runs the skill's `!` command lines.",
        string,
    ),
];
