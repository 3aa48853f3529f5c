//! What agentspec understood of one agent file, for `agentspec inspect`.

use schemars::JsonSchema;
use serde::Serialize;

use super::protocol::{DefinitionOfDone, Protocol};
use super::tools::{ToolKind, ToolList};
use super::{AgentSpec, Load};
use crate::parse::yaml::{Node, Value};
use crate::source::Span;
use crate::vocab;

/// The inspection of one file (format version 1).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Inspection {
    pub version: u32,
    pub path: String,
    /// The name Claude Code registers, if it loads the agent.
    pub agent: Option<String>,
    pub loads: bool,
    /// Why Claude Code skips the file, when it does.
    pub skipped_because: Option<String>,
    /// Every top-level frontmatter entry, in order.
    pub frontmatter: Vec<FrontmatterField>,
    pub tools: EffectiveTools,
    /// The tools Claude Code grants, seat by seat (absent for another host's agent).
    pub granted: Option<super::grants::Grants>,
    pub protocols: Vec<Protocol>,
    pub definitions_of_done: Vec<DefinitionOfDone>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FrontmatterField {
    pub key: String,
    pub value: serde_json::Value,
    pub span: Span,
    /// A key Claude Code reads.
    pub known: bool,
}

/// The tools the agent gets, resolved as Claude Code resolves them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EffectiveTools {
    /// No `tools` key (or `*`): every tool of the session, minus `removed`.
    pub inherits_all: bool,
    /// Allowed entries as written, legacy aliases mapped (`Task` → `Agent`); unknown and
    /// removed legacy names are left out.
    pub allowed: Vec<String>,
    /// Tools `disallowedTools` removes (a specifier there removes the whole tool).
    pub removed: Vec<String>,
    /// Entries that grant nothing: unknown names, removed legacy names, malformed rules.
    pub unresolved: Vec<String>,
}

/// What agentspec understood of `spec`, with its grants in `release`.
pub fn inspect(path: &str, spec: &AgentSpec, release: &crate::release::Release) -> Inspection {
    let (agent, skipped_because) = match &spec.load {
        Load::Loads => (spec.name.as_ref().map(|n| n.value.clone()), None),
        Load::LoadsUnderFileName => (
            std::path::Path::new(path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned()),
            None,
        ),
        Load::Skipped(skip) => (None, Some(skip.reason().to_owned())),
    };
    Inspection {
        version: 1,
        path: path.to_owned(),
        agent,
        loads: spec.load.loads(),
        skipped_because,
        frontmatter: spec
            .fields
            .iter()
            .map(|f| FrontmatterField {
                key: f.key.value.clone(),
                value: to_json(&f.value),
                span: f.value.span,
                known: if spec.role.toml {
                    crate::dialect::codex_agent::DIALECT.is_key(&f.key.value)
                } else {
                    crate::dialect::claude_agent::is_key(&f.key.value)
                },
            })
            .collect(),
        tools: effective_tools(spec),
        granted: (!spec.role.toml).then(|| super::grants::grants(spec, release)),
        protocols: spec.protocols.clone(),
        definitions_of_done: spec.done.clone(),
    }
}

fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => i64::try_from(*i).map_or_else(|_| J::String(i.to_string()), J::from),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|e| (super::key_text(&e.key), to_json(&e.value)))
                .collect(),
        ),
    }
}

/// Resolves `tools` and `disallowedTools` (disallowed first; a specifier there removes the
/// whole tool; legacy aliases mapped; `memory` adds Read, Write and Edit).
pub fn effective_tools(spec: &AgentSpec) -> EffectiveTools {
    let removed: Vec<String> = spec
        .disallowed_tools
        .iter()
        .flat_map(|l| &l.entries)
        .filter(|e| e.syntax_error.is_none())
        .map(|e| vocab::current_name(&e.name).to_owned())
        .collect();
    let mut allowed = Vec::new();
    let mut unresolved = Vec::new();
    let inherits_all = match &spec.tools {
        None => true,
        Some(list) => {
            collect_allowed(list, &removed, &mut allowed, &mut unresolved);
            list.is_wildcard()
        }
    };
    if spec.memory.is_some() && !inherits_all {
        for tool in ["Read", "Write", "Edit"] {
            if !allowed.iter().any(|a| a == tool) && !removed.iter().any(|r| r == tool) {
                allowed.push(tool.to_owned());
            }
        }
    }
    EffectiveTools {
        inherits_all,
        allowed,
        removed,
        unresolved,
    }
}

fn collect_allowed(
    list: &ToolList,
    removed: &[String],
    allowed: &mut Vec<String>,
    unresolved: &mut Vec<String>,
) {
    for entry in &list.entries {
        let resolves = entry.syntax_error.is_none()
            && match &entry.kind {
                ToolKind::BuiltIn | ToolKind::Mcp { .. } => true,
                ToolKind::Legacy { .. } => vocab::LEGACY_ALIASES.contains(&entry.name.as_str()),
                ToolKind::Wildcard => false,
                ToolKind::Unknown => false,
            };
        if entry.kind == ToolKind::Wildcard {
            continue;
        }
        if !resolves {
            unresolved.push(entry.raw.clone());
            continue;
        }
        let name = vocab::current_name(&entry.name);
        if removed.iter().any(|r| r == name) {
            continue;
        }
        let rule = match &entry.specifier {
            Some((spec, _)) => format!("{name}({spec})"),
            None => name.to_owned(),
        };
        if !allowed.contains(&rule) {
            allowed.push(rule);
        }
    }
}
