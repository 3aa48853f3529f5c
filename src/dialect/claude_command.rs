//! Slash commands (`.claude/commands/**/*.md`, `~/.claude/commands/`, a plugin's
//! `commands/`): a prompt the user runs as `/name` (`/sub:name` for `commands/sub/name.md`),
//! with optional frontmatter. Claude Code reads a command like a skill, so the fields are the
//! skill's extensions less the Agent Skills standard's own.

use serde_json::json;

use super::claude_skill::{BACKGROUND, DISALLOWED_TOOLS, FALLBACK, VERSION, boolean, string};
use super::{Dialect, FieldSpec, Kind, Values};
use crate::vocab;

/// Claude Code's slash commands.
pub const DIALECT: Dialect = Dialect {
    id: "claude-command",
    label: "Claude Code slash command",
    host: "Claude Code",
    family: super::Family::Command,
    fields: FIELDS,
    // An agent's keys, written in a command by mistake: reported with a fix (AS752).
    foreign_keys: AGENT_KEYS,
    required: &[],
    matches: is_command_path,
    example_path: ".claude/commands/example.md",
};

/// Agent keys a command does not read, each with the command key that does what the author
/// meant.
pub const AGENT_KEY_FIXES: &[(&str, &str)] = &[
    ("tools", "allowed-tools"),
    ("args", "argument-hint"),
    ("arguments-hint", "argument-hint"),
    ("allowedTools", "allowed-tools"),
];
const AGENT_KEYS: &[&str] = &["tools", "args", "arguments-hint", "allowedTools"];

/// A Markdown file whose nearest `agents`, `skills` or `commands` folder is a `commands` folder
/// (not in a `.claude/agents/` tree).
fn is_command_path(path: &std::path::Path) -> bool {
    // Most paths name no commands folder: decided without walking them.
    path.as_os_str()
        .as_encoded_bytes()
        .windows(8)
        .any(|w| w == b"commands")
        && !super::in_project_agents(path)
        && super::home(path).is_some_and(|(home, _)| home == super::Home::Commands)
}

/// The fields, in the order the schema and completion list them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec::new(
        "description",
        &[Kind::Str],
        Values::Any,
        "What the command does: shown in the `/` menu, and what the model reads to decide whether to run it. Without it, Claude Code takes the body's first line.",
        string,
    ),
    FieldSpec::new(
        "allowed-tools",
        &[Kind::Str, Kind::List],
        Values::Tools(vocab::TOOL_SUMMARIES),
        "Tools the command may use without asking: tool names, permission rules (`Bash(git status *)`) or MCP tools. A `!` command line needs its `Bash(...)` here.",
        super::claude_skill::tool_list,
    ),
    FieldSpec::new(
        "argument-hint",
        &[Kind::Str],
        Values::Any,
        "The arguments shown after `/name` (`[message]`, `<file> [mode]`); the body reads them as `$ARGUMENTS`, `$1`, `$2`, ...",
        string,
    ),
    FieldSpec::new(
        "model",
        &[Kind::Str],
        Values::Suggested(vocab::MODEL_ALIASES),
        "The model that runs the command.",
        string,
    ),
    FieldSpec::new(
        "disable-model-invocation",
        &[Kind::Bool],
        Values::Boolean,
        "`true` keeps the model from running the command; only the user can, as `/name`.",
        boolean,
    ),
    FieldSpec::new(
        "when_to_use",
        &[Kind::Str],
        Values::Any,
        "More on when the model should run the command, added to its description.",
        string,
    ),
    FieldSpec::new(
        "user-invocable",
        &[Kind::Bool],
        Values::Boolean,
        "`false` hides the command from the `/` menu; the model can still run it.",
        boolean,
    ),
    FieldSpec::new(
        "context",
        &[Kind::Str],
        Values::OneOf(&["fork"]),
        "`fork` runs the command in a subagent of its own.",
        || json!({"enum": ["fork"]}),
    ),
    FieldSpec::new(
        "agent",
        &[Kind::Str],
        Values::Any,
        "The agent type that runs the command with `context: fork`.",
        string,
    ),
    VERSION,
    DISALLOWED_TOOLS,
    BACKGROUND,
    FALLBACK,
    FieldSpec::new(
        "arguments",
        &[Kind::Str, Kind::List],
        Values::Any,
        "Named arguments, usable as `$name` in the text.",
        || json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
    ),
    FieldSpec::new(
        "effort",
        &[Kind::Str, Kind::Int],
        Values::Suggested(vocab::EFFORTS),
        "The reasoning effort while the command runs.",
        || json!({"anyOf": [{"enum": vocab::EFFORTS}, {"type": "integer"}]}),
    ),
    FieldSpec::new(
        "shell",
        &[Kind::Str],
        Values::Any,
        "The shell that runs the command's `!` lines.",
        string,
    ),
    FieldSpec::new(
        "hooks",
        &[Kind::Map],
        Values::Any,
        "Hooks active while the command runs, in the settings files' format.",
        || json!({"type": "object"}),
    ),
];
