//! `tools` / `disallowedTools` entries and permission-rule syntax.

use crate::parse::yaml::{Node, Value};
use crate::source::Span;
use crate::vocab;

/// A `tools` or `disallowedTools` value.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolList {
    pub form: ToolListForm,
    pub entries: Vec<ToolEntry>,
    /// The whole value.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolListForm {
    /// `tools: Read, Bash`.
    String,
    /// A YAML list.
    List,
    /// `""`, `[]` or `false`: no tools at all.
    Empty,
    /// Some other value (a number, a map); Claude Code reads no entries from it.
    Other,
}

/// One entry: a tool name and an optional specifier, e.g. `Bash(git commit *)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolEntry {
    /// The entry as written, trimmed.
    pub raw: String,
    pub span: Span,
    pub name: String,
    pub name_span: Span,
    /// The text between the parentheses.
    pub specifier: Option<(String, Span)>,
    pub kind: ToolKind,
    /// Why the entry is not valid permission-rule syntax.
    pub syntax_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolKind {
    BuiltIn,
    /// An old name; `replacement` is today's tool.
    Legacy {
        replacement: &'static str,
    },
    /// `mcp__server`, `mcp__server__*` or `mcp__server__tool`.
    Mcp {
        server: String,
        tool: Option<String>,
    },
    /// `*`: every tool.
    Wildcard,
    Unknown,
}

impl ToolList {
    /// Reads `tools`, `disallowedTools` or `allowed-tools`. A string splits at commas and at
    /// spaces outside parentheses: Claude Code grants `Read`, `Grep` and `Glob` for
    /// `tools: Read Grep Glob` in an agent (measured, `fixtures/tool-grants/agents/spaces.md`),
    /// as the Agent Skills standard writes `allowed-tools` (`Read Grep Bash(git diff *)`).
    pub fn from_node(node: &Node, text: &str) -> ToolList {
        Self::read(node, text, true)
    }

    fn read(node: &Node, text: &str, spaces: bool) -> ToolList {
        match &node.value {
            Value::Str(s) if s.trim().is_empty() => ToolList {
                form: ToolListForm::Empty,
                entries: Vec::new(),
                span: node.span,
            },
            Value::Str(s) => ToolList {
                form: ToolListForm::String,
                entries: split_entries(s, node.span, text, spaces),
                span: node.span,
            },
            Value::Seq(items) if items.is_empty() => ToolList {
                form: ToolListForm::Empty,
                entries: Vec::new(),
                span: node.span,
            },
            Value::Seq(items) => ToolList {
                form: ToolListForm::List,
                entries: items
                    .iter()
                    .filter_map(|item| match &item.value {
                        Value::Str(s) => {
                            let lead = s.len() - s.trim_start().len();
                            let span = SourceMap::new(s, item.span, text)
                                .span(lead, lead + s.trim().len());
                            Some(ToolEntry::parse(s.trim(), span))
                        }
                        _ => None,
                    })
                    .collect(),
                span: node.span,
            },
            Value::Bool(false) => ToolList {
                form: ToolListForm::Empty,
                entries: Vec::new(),
                span: node.span,
            },
            _ => ToolList {
                form: ToolListForm::Other,
                entries: Vec::new(),
                span: node.span,
            },
        }
    }

    /// Whether the list grants every tool (`*`).
    pub fn is_wildcard(&self) -> bool {
        self.entries.iter().any(|e| e.kind == ToolKind::Wildcard)
    }
}

/// Maps offsets in a decoded scalar back to the file, where the scalar is written verbatim
/// (plain, or quoted without escapes); otherwise every offset maps to the whole value.
struct SourceMap {
    base: Option<usize>,
    whole: Span,
}

impl SourceMap {
    fn new(value: &str, span: Span, text: &str) -> Self {
        let written = text.get(span.start..span.end).unwrap_or("");
        let base = if written == value {
            Some(span.start)
        } else if written.len() == value.len() + 2
            && written.get(1..written.len() - 1) == Some(value)
        {
            Some(span.start + 1)
        } else {
            None
        };
        Self { base, whole: span }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.base
            .map_or(self.whole, |b| Span::new(b + start, b + end))
    }
}

/// Splits a comma-separated string on commas outside parentheses.
fn split_entries(value: &str, span: Span, text: &str, spaces: bool) -> Vec<ToolEntry> {
    let map = SourceMap::new(value, span, text);
    let mut entries = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut push = |from: usize, to: usize| {
        let piece = &value[from..to];
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let lead = piece.len() - piece.trim_start().len();
            let s = from + lead;
            entries.push(ToolEntry::parse(trimmed, map.span(s, s + trimmed.len())));
        }
    };
    for (i, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                push(start, i);
                start = i + 1;
            }
            ' ' | '\t' if spaces && depth == 0 => {
                push(start, i);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(start, value.len());
    entries
}

impl ToolEntry {
    /// Parses one trimmed entry whose text sits at `span` (or inside it, when the span is
    /// only approximate).
    pub fn parse(raw: &str, span: Span) -> ToolEntry {
        let exact = span.len() == raw.len();
        let sub = |from: usize, to: usize| {
            if exact {
                Span::new(span.start + from, span.start + to)
            } else {
                span
            }
        };
        let (name, specifier, syntax_error) = match raw.find('(') {
            None => {
                let error = raw.contains(')').then(|| "unbalanced `)`".to_owned());
                (raw.trim_end(), None, error)
            }
            Some(open) => {
                let name = raw[..open].trim_end();
                let error;
                let specifier;
                if let Some(close) = raw.rfind(')').filter(|&c| c > open) {
                    let inner = &raw[open + 1..close];
                    specifier = Some((inner.to_owned(), sub(open + 1, close)));
                    error = if !raw[close + 1..].trim().is_empty() {
                        Some(format!(
                            "unexpected `{}` after `)`",
                            raw[close + 1..].trim()
                        ))
                    } else if inner.trim().is_empty() {
                        Some("empty specifier `()`".to_owned())
                    } else if name.is_empty() {
                        Some("missing tool name before `(`".to_owned())
                    } else {
                        None
                    };
                } else {
                    specifier = Some((raw[open + 1..].to_owned(), sub(open + 1, raw.len())));
                    error = Some("missing closing `)`".to_owned());
                }
                (name, specifier, error)
            }
        };
        let syntax_error = syntax_error.or_else(|| {
            name.chars()
                .any(|c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '*' || c == '.'))
                .then(|| format!("`{name}` is not a tool name"))
        });
        ToolEntry {
            raw: raw.to_owned(),
            span,
            name: name.to_owned(),
            name_span: sub(0, name.len()),
            specifier,
            kind: classify(name),
            syntax_error,
        }
    }

    /// `Bash(git commit:*)`: the deprecated `:*` suffix form.
    pub fn deprecated_colon_star(&self) -> Option<Span> {
        let (spec, span) = self.specifier.as_ref()?;
        let stripped = spec.strip_suffix(":*")?;
        let exact = span.len() == spec.len();
        (exact && !stripped.is_empty()).then(|| Span::new(span.start + stripped.len(), span.end))
    }
}

/// Tells what a tool name refers to.
pub fn classify(name: &str) -> ToolKind {
    if name == "*" {
        return ToolKind::Wildcard;
    }
    if vocab::is_tool(name) {
        return ToolKind::BuiltIn;
    }
    if let Some(replacement) = vocab::legacy_replacement(name) {
        return ToolKind::Legacy { replacement };
    }
    if let Some(rest) = name.strip_prefix("mcp__") {
        let (server, tool) = match rest.split_once("__") {
            Some((server, tool)) => (server, Some(tool)),
            None => (rest, None),
        };
        return ToolKind::Mcp {
            server: server.to_owned(),
            tool: tool.map(str::to_owned),
        };
    }
    ToolKind::Unknown
}

/// Why an `mcp__` name is malformed, if it is.
pub fn mcp_name_problem(name: &str) -> Option<&'static str> {
    if let Some(rest) = name.strip_prefix("mcp__") {
        let (server, tool) = match rest.split_once("__") {
            Some((server, tool)) => (server, Some(tool)),
            None => (rest, None),
        };
        if server.is_empty() {
            return Some("the server name is missing");
        }
        if server.contains('*') && server != "*" {
            return Some("the server name cannot hold a wildcard");
        }
        if tool == Some("") {
            return Some("the tool name after the second `__` is missing");
        }
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("mcp_") || lower.starts_with("mcp-") || lower.starts_with("mcp__") {
        return Some("MCP tools are named `mcp__<server>__<tool>`, with two underscores");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(value: &str) -> Vec<(String, Option<String>)> {
        let text = format!("tools: {value}");
        let span = Span::new(7, text.len());
        split_entries(value, span, &text, false)
            .into_iter()
            .map(|e| (e.name, e.specifier.map(|s| s.0)))
            .collect()
    }

    #[test]
    fn splits_outside_parentheses() {
        assert_eq!(
            entries("Read, Agent(a, b), Bash(git commit *)"),
            vec![
                ("Read".into(), None),
                ("Agent".into(), Some("a, b".into())),
                ("Bash".into(), Some("git commit *".into())),
            ]
        );
    }

    #[test]
    fn spans_point_into_the_file() {
        let text = "tools: Read,  Bash(ls *)";
        let list = split_entries("Read,  Bash(ls *)", Span::new(7, text.len()), text, false);
        assert_eq!(&text[list[1].span.start..list[1].span.end], "Bash(ls *)");
        let spec = list[1].specifier.as_ref().map(|s| s.1);
        assert_eq!(spec.map(|s| &text[s.start..s.end]), Some("ls *"));
    }

    #[test]
    fn syntax_errors() {
        let e = |s: &str| ToolEntry::parse(s, Span::new(0, s.len())).syntax_error;
        assert_eq!(e("Bash(ls"), Some("missing closing `)`".into()));
        assert_eq!(e("Bash()"), Some("empty specifier `()`".into()));
        assert_eq!(e("Bash(ls) x"), Some("unexpected `x` after `)`".into()));
        assert_eq!(e("Bash(ls *)"), None);
        assert_eq!(e("mcp__github__create_issue"), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(
            classify("Task"),
            ToolKind::Legacy {
                replacement: "Agent"
            }
        );
        assert_eq!(
            classify("mcp__github__*"),
            ToolKind::Mcp {
                server: "github".into(),
                tool: Some("*".into())
            }
        );
        assert_eq!(mcp_name_problem("mcp__github"), None);
        assert!(mcp_name_problem("mcp_github_x").is_some());
        assert!(mcp_name_problem("mcp____x").is_some());
    }

    #[test]
    fn colon_star() {
        let s = "Bash(git commit:*)";
        let e = ToolEntry::parse(s, Span::new(0, s.len()));
        assert_eq!(e.deprecated_colon_star(), Some(Span::new(15, 17)));
    }
}
