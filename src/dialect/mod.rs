//! File kinds ("dialects"): what a kind of file is, which fields its frontmatter has and what
//! each takes. One declarative table per kind; the model's key recognition, the rules that
//! check keys, types and values (AS101, AS103, AS105), the JSON Schema and the language
//! server's hover and completion all read it, so they cannot disagree.
//!
//! A new kind (skills, slash commands, another tool's agents) is a new module with its own
//! table and a line in [`REGISTRY`].

pub mod claude_agent;
pub mod claude_command;
pub mod claude_config;
pub mod claude_skill;
pub mod codex_agent;

use serde_json::Value;

/// The YAML kinds a field's value may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Bool,
    List,
    Map,
}

/// The values a field accepts, for checking and completion.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// Anything of the right kind.
    Any,
    /// One of these words (checked: AS105).
    OneOf(&'static [&'static str]),
    /// Suggested only (a model alias or a full model ID both work): not checked here.
    Suggested(&'static [&'static str]),
    /// `true` or `false`, as a boolean or a string.
    Boolean,
    /// Tool names, with a summary of each.
    Tools(&'static [(&'static str, &'static str)]),
}

/// One frontmatter field of a dialect.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    /// The kinds the host accepts (empty: not checked).
    pub kinds: &'static [Kind],
    pub values: Values,
    /// What the field does, for hover, completion and the JSON Schema.
    pub doc: &'static str,
    /// The field's JSON Schema, without the description `doc` gives it.
    pub schema: fn() -> Value,
    /// An integer value must be positive (1 or more).
    pub positive: bool,
    /// The first Claude Code release that reads the field (`None`: every release agentspec
    /// models).
    pub since: Option<&'static str>,
}

impl FieldSpec {
    /// A field read by every release agentspec models, with no integer bound.
    pub const fn new(
        key: &'static str,
        kinds: &'static [Kind],
        values: Values,
        doc: &'static str,
        schema: fn() -> Value,
    ) -> FieldSpec {
        FieldSpec {
            key,
            kinds,
            values,
            doc,
            schema,
            positive: false,
            since: None,
        }
    }
}

/// What a kind of file defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// An agent: frontmatter and a system prompt.
    #[default]
    Agent,
    /// A skill: a folder with a `SKILL.md` (frontmatter and instructions) and the files it
    /// refers to, loaded when the model or the user invokes it.
    Skill,
    /// A slash command: a prompt the user runs as `/name`, with optional frontmatter.
    Command,
    /// A configuration file: settings, MCP servers (JSON, no frontmatter).
    Config,
}

/// A kind of file agentspec reads.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    /// The id rules name in `dialects:`.
    pub id: &'static str,
    /// What the file kind is, in a few words.
    pub label: &'static str,
    /// The program that reads these files, as messages name it ("Claude Code ignores ...").
    pub host: &'static str,
    pub family: Family,
    /// Its frontmatter fields, in the order the schema and completion list them.
    pub fields: &'static [FieldSpec],
    /// Keys that are never fields of this kind but are written by mistake (a skill's keys in
    /// an agent): reported by their own rule, not as unknown.
    pub foreign_keys: &'static [&'static str],
    /// The fields a file must have.
    pub required: &'static [&'static str],
    /// Whether a file discovery found is of this kind.
    pub matches: fn(&std::path::Path) -> bool,
    /// Where an example file of this kind lives, for documentation examples.
    pub example_path: &'static str,
}

impl Dialect {
    /// The field named `key`.
    pub fn field(&self, key: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Whether `key` is a field of this kind.
    pub fn is_key(&self, key: &str) -> bool {
        self.field(key).is_some()
    }

    /// Every key, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> {
        self.fields.iter().map(|f| f.key)
    }
}

/// Every dialect agentspec knows.
/// A file is claimed by the first entry whose `matches` says so: the agent dialect, which
/// takes every file, comes last.
pub const REGISTRY: &[&Dialect] = &[
    &claude_config::SETTINGS,
    &claude_config::MCP,
    &claude_skill::DIALECT,
    &claude_command::DIALECT,
    &codex_agent::DIALECT,
    &claude_agent::DIALECT,
];

/// The kind of folder that decides what a Markdown file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    Agents,
    Skills,
    Commands,
}

/// The nearest `agents`, `skills` or `commands` folder the file is in, with its kind.
///
/// Inside a `.claude/skills` or `.claude/commands` folder that folder decides, whatever the
/// names of the folders below it (`.claude/commands/agents/new.md` is a command). Folders
/// above the working directory do not count: a clone at `~/src/skills/project` holds no
/// skills for being there.
pub fn home(path: &std::path::Path) -> Option<(Home, &std::path::Path)> {
    let kind = |a: &std::path::Path| match a.file_name()?.to_str()? {
        "agents" => Some(Home::Agents),
        "skills" => Some(Home::Skills),
        "commands" => Some(Home::Commands),
        _ => None,
    };
    // One walk up: the nearest such folder, unless one further up sits in `.claude`.
    let mut nearest = None;
    let mut folders = path.parent()?.ancestors().peekable();
    while let Some(a) = folders.next() {
        if !within_run(a) {
            break;
        }
        if let Some(k) = kind(a) {
            let in_claude = folders
                .peek()
                .and_then(|p| p.file_name())
                .is_some_and(|n| n == ".claude");
            if in_claude {
                return Some((k, a));
            }
            nearest = nearest.or(Some((k, a)));
        }
    }
    nearest
}

/// Whether a folder is one a run looks into: not the working directory or a folder above it
/// (for absolute paths, as the language server gives them).
pub fn within_run(folder: &std::path::Path) -> bool {
    static CWD: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    if !folder.is_absolute() {
        return true;
    }
    match CWD.get_or_init(|| std::env::current_dir().ok()) {
        Some(cwd) => !cwd.starts_with(folder),
        None => true,
    }
}

/// The `skills` folders Claude Code reads for an agent at `agent`: its project's
/// `.claude/skills/`, and its plugin's `skills/` for a plugin agent.
pub fn skill_roots(agent: &std::path::Path) -> Vec<std::path::PathBuf> {
    agent
        .ancestors()
        .skip(1)
        .filter(|a| {
            a.file_name().is_some_and(|n| n == ".claude")
                || a.join(".claude-plugin").join("plugin.json").is_file()
        })
        .map(|a| a.join("skills"))
        .collect()
}

/// The folder named `name` the file is in, at any depth (its nearest ancestor of that name).
pub fn folder_named<'p>(path: &'p std::path::Path, name: &str) -> Option<&'p std::path::Path> {
    path.parent()?
        .ancestors()
        .take_while(|a| within_run(a))
        .find(|a| a.file_name().is_some_and(|n| n == name))
}

/// Under a `.claude/agents` folder, where Claude Code reads every `.md` file as an agent
/// whatever folders it sits in.
pub fn in_project_agents(path: &std::path::Path) -> bool {
    path.ancestors().skip(1).any(|a| {
        a.file_name().is_some_and(|n| n == "agents")
            && a.parent()
                .and_then(std::path::Path::file_name)
                .is_some_and(|n| n == ".claude")
    })
}

/// The dialect of a file discovery found: the first in the registry that claims it.
pub fn of_path(path: &std::path::Path) -> &'static Dialect {
    REGISTRY
        .iter()
        .copied()
        .find(|d| (d.matches)(path))
        .unwrap_or(&claude_agent::DIALECT)
}

/// The dialects of a family.
pub fn of_family(family: Family) -> impl Iterator<Item = &'static Dialect> {
    REGISTRY.iter().copied().filter(move |d| d.family == family)
}

/// The dialect with this id.
pub fn by_id(id: &str) -> Option<&'static Dialect> {
    REGISTRY.iter().copied().find(|d| d.id == id)
}
