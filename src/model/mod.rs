//! [`ParsedDoc`] to [`AgentSpec`]: typed fields with spans, and the prediction of whether
//! Claude Code loads the file.

pub mod codex;
pub mod continuation;
pub mod frontmatter_schema;
pub mod grants;
pub mod hooks;
pub mod inspect;
pub mod protocol;
pub mod settings;
pub mod skills;
pub mod tools;

use unicode_normalization::UnicodeNormalization;

use crate::dialect::Family;
use crate::parse::ParsedDoc;
use crate::parse::frontmatter::NoFrontmatter;
use crate::parse::yaml::{Node, Outcome, Value};
use crate::release::{Release, Target, Version};
use crate::source::{Span, Spanned};
use tools::ToolList;

/// Where a file sits, which changes how Claude Code treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileRole {
    /// Under a plugin's `agents/` folder (the plugin has `.claude-plugin/plugin.json`).
    pub plugin: bool,
    /// The file name ends in `.md`.
    pub markdown: bool,
    /// A Codex custom agent (`.codex/agents/*.toml`): a TOML table, loaded by Codex's rules.
    pub toml: bool,
    /// What the file defines: an agent, a skill or a slash command.
    pub family: Family,
    /// Where a skill or a command sits, which decides whether Claude Code reads it.
    pub place: Place,
}

/// Where a skill's or a command's file sits (measured with 2.1.328 and 2.1.332).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Place {
    /// Where the host reads it: `skills/<name>/SKILL.md`, a `SKILL.md` outside any `skills`
    /// folder (a skill shipped on its own), a command's `.md` file.
    #[default]
    Read,
    /// A Markdown file of a `skills` folder that is not a skill folder's `SKILL.md`.
    NotSkillFile,
    /// `skills/<group>/<name>/SKILL.md`: only one folder level is read.
    NestedSkill,
    /// A command in a folder that holds a `SKILL.md`: the folder is one command, the skill.
    BesideSkill,
}

/// One top-level frontmatter entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: Spanned<String>,
    pub value: Node,
}

/// An agent definition as agentspec understands it.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSpec {
    /// Every top-level frontmatter entry in order, unknown and duplicate keys included.
    pub fields: Vec<Field>,
    /// The frontmatter's YAML did not parse and `fields` were recovered line by line.
    pub recovered: bool,
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub tools: Option<ToolList>,
    pub disallowed_tools: Option<ToolList>,
    pub model: Option<Spanned<String>>,
    pub permission_mode: Option<Spanned<String>>,
    pub max_turns: Option<Spanned<i128>>,
    /// `skills`: skill names (a list, or one name).
    pub skills: Vec<Spanned<String>>,
    /// The skills the agent uses: preloaded (`skills:`) and named in its body.
    pub skill_refs: Vec<skills::SkillRef>,
    pub memory: Option<Spanned<String>>,
    /// `background` as Claude Code reads it: a boolean or the strings `true` / `false`.
    pub background: Option<Spanned<bool>>,
    /// `effort`: a level name or an integer, as written.
    pub effort: Option<Spanned<String>>,
    pub isolation: Option<Spanned<String>>,
    pub color: Option<Spanned<String>>,
    pub initial_prompt: Option<Spanned<String>>,
    pub omit_claude_md: Option<Spanned<bool>>,
    /// `mcpServers`, `hooks` and `experimental` as written; their structure is checked by rules.
    pub mcp_servers: Option<Node>,
    pub hooks: Option<Node>,
    pub experimental: Option<Node>,
    /// Every protocol found in the body, in document order.
    pub protocols: Vec<protocol::Protocol>,
    /// Every Definition of Done found in the body.
    pub done: Vec<protocol::DefinitionOfDone>,
    /// The prediction for the target releases: skipped if any of them skips the file.
    pub load: Load,
    /// The target releases that skip the file (empty when it loads in all of them).
    pub skipped_in: Vec<Version>,
    pub role: FileRole,
}

/// agentspec's prediction of what Claude Code does with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    Loads,
    /// A plugin agent without usable frontmatter: loads under its file name.
    LoadsUnderFileName,
    Skipped(Skip),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    NotMarkdown,
    /// A Codex agent file that is not valid TOML.
    InvalidToml,
    /// A Codex agent file without `developer_instructions` (a string).
    MissingInstructions,
    /// A key Codex does not accept in an agent file (it drops the file).
    CodexUnknownKey,
    /// A value Codex does not accept in an agent file (it drops the file).
    CodexInvalidValue,
    NoFrontmatter,
    NotOnFirstLine,
    Unclosed,
    InvalidYaml,
    /// The frontmatter parsed to something other than a map, or to nothing.
    NoFields,
    MissingName,
    EmptyName,
    NameNotString,
    NameStartsWithDash,
    NameTooLong,
    NameHasColon,
    MissingDescription,
    EmptyDescription,
    DescriptionNotString,
    /// A Markdown file in a `skills` folder that is not a skill folder's `SKILL.md`.
    NotSkillFile,
    /// A `SKILL.md` more than one folder below `skills/`.
    NestedSkill,
    /// A command beside a `SKILL.md`, which makes its folder one command.
    BesideSkill,
    HooksNotMap,
    /// A guard event's hook entry is malformed.
    InvalidGuardHook,
    /// A guard hook is written outside `hooks`.
    StrayGuardHook,
}

impl Load {
    pub fn loads(&self) -> bool {
        !matches!(self, Load::Skipped(_))
    }
}

/// The longest `name` Claude Code accepts.
pub const MAX_NAME_LEN: usize = 256;

impl AgentSpec {
    /// Reads the frontmatter and the body's protocols and Definition of Done.
    pub fn build_with(
        doc: &ParsedDoc,
        text: &str,
        role: FileRole,
        vocab: &protocol::Vocabulary,
    ) -> AgentSpec {
        let mut spec = AgentSpec::build(doc, text, role);
        let body = doc.body(text);
        spec.protocols = protocol::protocols(body, text, vocab);
        spec.done = protocol::definitions_of_done(body, text, vocab);
        if role.family == Family::Agent {
            spec.skill_refs = spec
                .skills
                .iter()
                .map(|s| skills::SkillRef {
                    name: s.value.clone(),
                    span: s.span,
                    preload: true,
                })
                .chain(skills::named_in_body(body, text))
                .collect();
        }
        spec
    }

    /// Reads the frontmatter only; [`AgentSpec::build_with`] reads the body too.
    pub fn build(doc: &ParsedDoc, text: &str, role: FileRole) -> AgentSpec {
        let (fields, recovered) = match &doc.yaml {
            Some(yaml) => {
                let fields = match &yaml.root {
                    Some(Node {
                        value: Value::Map(entries),
                        ..
                    }) => entries
                        .iter()
                        .map(|e| Field {
                            key: Spanned::new(key_text(&e.key), e.key.span),
                            value: e.value.clone(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                (fields, matches!(yaml.outcome, Outcome::Failed { .. }))
            }
            None => (Vec::new(), false),
        };
        let mut spec = AgentSpec {
            name: None,
            description: None,
            tools: None,
            disallowed_tools: None,
            model: None,
            permission_mode: None,
            max_turns: None,
            skills: Vec::new(),
            skill_refs: Vec::new(),
            memory: None,
            background: None,
            effort: None,
            isolation: None,
            color: None,
            initial_prompt: None,
            omit_claude_md: None,
            mcp_servers: None,
            hooks: None,
            experimental: None,
            protocols: Vec::new(),
            done: Vec::new(),
            load: Load::Loads,
            skipped_in: Vec::new(),
            role,
            recovered,
            fields,
        };
        spec.name = spec.string_field("name");
        if role.toml {
            // Codex trims the name it registers (measured).
            if let Some(n) = spec.name.as_mut() {
                n.value = n.value.trim().to_owned();
            }
        }
        spec.description = spec.string_field("description");
        spec.model = spec.string_field("model");
        spec.permission_mode = spec.string_field("permissionMode");
        spec.memory = spec.string_field("memory");
        spec.isolation = spec.string_field("isolation");
        spec.color = spec.string_field("color");
        spec.initial_prompt = spec.string_field("initialPrompt");
        spec.max_turns = spec.typed_field("maxTurns", |v| match v {
            Value::Int(n) => Some(*n),
            _ => None,
        });
        spec.effort = spec.typed_field("effort", |v| match v {
            Value::Str(s) => Some(s.clone()),
            Value::Int(n) => Some(n.to_string()),
            _ => None,
        });
        spec.background = spec.typed_field("background", |v| match v {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s == "true" => Some(true),
            Value::Str(s) if s == "false" => Some(false),
            _ => None,
        });
        spec.omit_claude_md = spec.typed_field("omitClaudeMd", |v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        });
        spec.skills = match spec.field("skills").map(|f| &f.value) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items
                .iter()
                .filter_map(|i| i.value.as_str().map(|s| Spanned::new(s.to_owned(), i.span)))
                .collect(),
            // One string is split at commas, as Claude Code splits a tool list.
            Some(node) => node
                .value
                .as_str()
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(|n| Spanned::new(n.to_owned(), node.span))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        spec.mcp_servers = spec.field("mcpServers").map(|f| f.value.clone());
        spec.hooks = spec.field("hooks").map(|f| f.value.clone());
        spec.experimental = spec.field("experimental").map(|f| f.value.clone());
        // A skill's or a command's tools are its `allowed-tools`; an agent's, its `tools`.
        let tools_key = match role.family {
            // A Codex agent has no tool list: it gets the session's tools.
            Family::Agent if role.toml => "",
            Family::Agent | Family::Config => "tools",
            Family::Skill | Family::Command => "allowed-tools",
        };
        spec.tools = spec
            .field(tools_key)
            .filter(|f| f.value.value != Value::Null)
            .map(|f| ToolList::from_node(&f.value, text));
        spec.disallowed_tools = spec
            .field("disallowedTools")
            .filter(|f| role.family == Family::Agent && f.value.value != Value::Null)
            .map(|f| ToolList::from_node(&f.value, text));
        spec.predict(doc, &Target::default());
        spec
    }

    /// Predicts what each release of `target` does with the file.
    pub fn predict(&mut self, doc: &ParsedDoc, target: &Target) {
        let mut load = None;
        self.skipped_in.clear();
        for release in target.releases() {
            let verdict = predict_load(doc, self, release);
            if !verdict.loads() {
                self.skipped_in.push(release.version);
            }
            if load.as_ref().is_none_or(|l: &Load| l.loads()) {
                load = Some(verdict);
            }
        }
        self.load = load.unwrap_or(Load::Loads);
    }

    /// The entry Claude Code reads for `key` (the last one, when a key is repeated).
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().rev().find(|f| f.key.value == key)
    }

    fn typed_field<T>(&self, key: &str, read: impl Fn(&Value) -> Option<T>) -> Option<Spanned<T>> {
        let field = self.field(key)?;
        read(&field.value.value).map(|v| Spanned::new(v, field.value.span))
    }

    fn string_field(&self, key: &str) -> Option<Spanned<String>> {
        let field = self.field(key)?;
        field
            .value
            .value
            .as_str()
            .map(|s| Spanned::new(s.to_owned(), field.value.span))
    }
}

pub(crate) fn key_text(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Seq(_) | Value::Map(_) => String::new(),
    }
}

fn predict_load(doc: &ParsedDoc, spec: &AgentSpec, release: &Release) -> Load {
    if spec.role.toml {
        return codex_skip(doc, spec).map_or(Load::Loads, Load::Skipped);
    }
    if !spec.role.markdown {
        return Load::Skipped(Skip::NotMarkdown);
    }
    match spec.role.family {
        Family::Agent | Family::Config => {}
        Family::Skill | Family::Command => return place_load(spec),
    }
    match agent_skip(doc, spec, release) {
        None => Load::Loads,
        // Plugin agents load even without usable frontmatter, under their file name.
        Some(skip) if spec.role.plugin && skip_allows_plugin_fallback(&skip) => {
            Load::LoadsUnderFileName
        }
        Some(skip) => Load::Skipped(skip),
    }
}

/// What Claude Code does with a skill or a command: it reads the file, frontmatter or not
/// (broken frontmatter is discarded, measured), where it sits in its folder.
fn place_load(spec: &AgentSpec) -> Load {
    match spec.role.place {
        Place::Read => Load::Loads,
        Place::NotSkillFile => Load::Skipped(Skip::NotSkillFile),
        Place::NestedSkill => Load::Skipped(Skip::NestedSkill),
        Place::BesideSkill => Load::Skipped(Skip::BesideSkill),
    }
}

fn skip_allows_plugin_fallback(skip: &Skip) -> bool {
    matches!(
        skip,
        Skip::NoFrontmatter
            | Skip::NotOnFirstLine
            | Skip::Unclosed
            | Skip::InvalidYaml
            | Skip::NoFields
            | Skip::MissingName
            | Skip::EmptyName
            | Skip::NameNotString
    )
}

/// Why Claude Code skips the file as a project agent, if it does.
pub fn agent_skip(doc: &ParsedDoc, spec: &AgentSpec, release: &Release) -> Option<Skip> {
    match &doc.frontmatter {
        Err(NoFrontmatter::Absent) => return Some(Skip::NoFrontmatter),
        Err(NoFrontmatter::NotOnFirstLine { .. }) => return Some(Skip::NotOnFirstLine),
        Err(NoFrontmatter::Unclosed { .. }) => return Some(Skip::Unclosed),
        Ok(_) => {}
    }
    if spec.recovered {
        return Some(Skip::InvalidYaml);
    }
    if spec.fields.is_empty() {
        return Some(Skip::NoFields);
    }
    agent_skip_name(spec)
        .or_else(|| description_skip(spec))
        .or_else(|| hooks_skip(spec, release))
}

/// Why Codex skips a custom agent file, if it does (measured with 0.169.0,
/// `fixtures/codex-agents/`).
fn codex_skip(doc: &ParsedDoc, spec: &AgentSpec) -> Option<Skip> {
    codex::problems(doc, spec)
        .into_iter()
        .find(|p| p.rejects)
        .and_then(|p| p.skip)
}

pub fn agent_skip_name(spec: &AgentSpec) -> Option<Skip> {
    let Some(field) = spec.field("name") else {
        return Some(Skip::MissingName);
    };
    match &field.value.value {
        Value::Null => Some(Skip::MissingName),
        Value::Str(s) if s.is_empty() => Some(Skip::EmptyName),
        Value::Str(s) if s.starts_with('-') => Some(Skip::NameStartsWithDash),
        Value::Str(s) if s.chars().count() > MAX_NAME_LEN => Some(Skip::NameTooLong),
        Value::Str(s) if s.nfkc().any(|c| c == ':') => Some(Skip::NameHasColon),
        Value::Str(_) => None,
        _ => Some(Skip::NameNotString),
    }
}

fn description_skip(spec: &AgentSpec) -> Option<Skip> {
    let Some(field) = spec.field("description") else {
        return Some(Skip::MissingDescription);
    };
    match &field.value.value {
        Value::Null => Some(Skip::MissingDescription),
        Value::Str(s) if s.is_empty() => Some(Skip::EmptyDescription),
        Value::Str(_) => None,
        _ => Some(Skip::DescriptionNotString),
    }
}

fn hooks_skip(spec: &AgentSpec, release: &Release) -> Option<Skip> {
    if let Some(field) = spec.field("hooks") {
        let problems = hooks::hooks_section(&field.value, release);
        if let Some(p) = problems.iter().find(|p| p.effect == hooks::Effect::Refused) {
            return Some(if p.kind == hooks::Kind::NotAMap {
                Skip::HooksNotMap
            } else {
                Skip::InvalidGuardHook
            });
        }
    }
    hooks::stray_guard(&spec.fields, release).map(|_| Skip::StrayGuardHook)
}

impl Skip {
    /// Why Claude Code skips the file, in a user's words.
    pub fn reason(&self) -> &'static str {
        match self {
            Skip::NotMarkdown => "only `.md` files are agents",
            Skip::InvalidToml => "the file is not TOML that Codex can parse",
            Skip::MissingInstructions => {
                "`developer_instructions` is missing, blank or not a string"
            }
            Skip::CodexUnknownKey => "it has a key Codex does not accept",
            Skip::CodexInvalidValue => "it has a value Codex does not accept",
            Skip::NoFrontmatter => "the file has no frontmatter",
            Skip::NotOnFirstLine => "the frontmatter does not start on line 1",
            Skip::Unclosed => "the frontmatter is never closed",
            Skip::InvalidYaml => "the frontmatter is not YAML that Claude Code can parse",
            Skip::NoFields => "the frontmatter holds no fields",
            Skip::MissingName => "`name` is missing",
            Skip::EmptyName => "`name` is empty",
            Skip::NameNotString => "`name` is not a string",
            Skip::NameStartsWithDash => "`name` starts with `-`",
            Skip::NameTooLong => "`name` is longer than 256 characters",
            Skip::NameHasColon => "`name` contains `:`",
            Skip::MissingDescription => "`description` is missing",
            Skip::EmptyDescription => "`description` is empty",
            Skip::DescriptionNotString => "`description` is not a string",
            Skip::NotSkillFile => {
                "only a folder's `SKILL.md` loads as a skill (`skills/<name>/SKILL.md`)"
            }
            Skip::NestedSkill => "Claude Code reads one folder level under `skills/`",
            Skip::BesideSkill => {
                "a `SKILL.md` in the folder makes the folder one command, and its other files are dropped"
            }
            Skip::HooksNotMap => "`hooks` is not a map of events",
            Skip::InvalidGuardHook => {
                "a guard hook (`PreToolUse`, `PermissionRequest`, ...) is malformed"
            }
            Skip::StrayGuardHook => "a guard hook is written outside `hooks`",
        }
    }
}

/// The span to point at for the whole frontmatter, or the file start.
pub fn frontmatter_span(doc: &ParsedDoc) -> Span {
    match &doc.frontmatter {
        Ok(fm) => fm.open.cover(fm.close),
        Err(NoFrontmatter::NotOnFirstLine { fence }) => *fence,
        Err(NoFrontmatter::Unclosed { open }) => *open,
        Err(NoFrontmatter::Absent) => Span::empty(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> AgentSpec {
        let doc = crate::parse::parse(text);
        AgentSpec::build(
            &doc,
            text,
            FileRole {
                plugin: false,
                markdown: true,
                ..Default::default()
            },
        )
    }

    #[test]
    fn typed_fields_with_spans() {
        let text = "---\nname: a\ndescription: d\nmaxTurns: 5\nbackground: \"true\"\nskills: [x, y]\neffort: 3\ncolor: blue\ntools: Read, Bash(git commit *)\n---\n";
        let s = spec(text);
        assert_eq!(s.max_turns.as_ref().map(|m| m.value), Some(5));
        assert_eq!(s.background.as_ref().map(|b| b.value), Some(true));
        assert_eq!(
            s.skills
                .iter()
                .map(|x| x.value.as_str())
                .collect::<Vec<_>>(),
            vec!["x", "y"]
        );
        assert_eq!(s.effort.as_ref().map(|e| e.value.as_str()), Some("3"));
        let color = s.color.as_ref().map(|c| &text[c.span.start..c.span.end]);
        assert_eq!(color, Some("blue"));
        let tools = s.tools.as_ref().map(|t| t.entries.len());
        assert_eq!(tools, Some(2));
        assert_eq!(s.load, Load::Loads);
    }

    #[test]
    fn the_last_of_a_repeated_key_is_read() {
        let s = spec("---\nname: first\nname: second\ndescription: d\n---\n");
        assert_eq!(s.name.map(|n| n.value).as_deref(), Some("second"));
    }
}
