//! Hover, completion, document symbols and code actions, computed from a document's text and
//! its last report.

use crate::dialect::Dialect;
use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    DocumentSymbol, Documentation, Hover, HoverContents, MarkupContent, MarkupKind, Position,
    Range, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{Encoding, Lines, diagnostic};
use crate::config::Config;
use crate::diagnostics::Applicability;
use crate::lint::FileReport;
use crate::parse::frontmatter::{self, Split};
use crate::rules;
use crate::source::Span;
use crate::vocab;

/// Where an offset is in the frontmatter: the top-level key that governs its line, and whether
/// the offset is on that key itself.
struct KeyContext<'a> {
    key: &'a str,
    on_key: bool,
}

fn frontmatter_content(text: &str) -> Option<Span> {
    match frontmatter::split(text) {
        Split::Found(fm) => Some(fm.content),
        Split::Missing(_) => None,
    }
}

fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| offset + i);
    (start, end)
}

/// A top-level `key:` line's key.
fn top_level_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '-', '#']) {
        return None;
    }
    let colon = line.find(':')?;
    let key = line[..colon].trim();
    (!key.is_empty()).then_some(key)
}

fn key_context(text: &str, offset: usize) -> Option<KeyContext<'_>> {
    let content = frontmatter_content(text)?;
    if offset < content.start || offset > content.end {
        return None;
    }
    let (start, end) = line_bounds(text, offset);
    let line = text.get(start..end)?.trim_end_matches('\r');
    if let Some(key) = top_level_key(line) {
        let on_key = offset <= start + line.find(':').unwrap_or(0);
        return Some(KeyContext { key, on_key });
    }
    // A continuation or list item: the nearest top-level key above.
    let above = text.get(content.start..start)?;
    above
        .lines()
        .rev()
        .find_map(top_level_key)
        .map(|key| KeyContext { key, on_key: false })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The word around `offset` and its span.
fn word_at(text: &str, offset: usize) -> Option<(&str, Span)> {
    let offset = crate::source::clamp_to_char_boundary(text, offset);
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| (&text[start..end], Span::new(start, end)))
}

/// A key's description in the file kind's table.
fn schema_description(key: &str, dialect: &Dialect) -> Option<String> {
    dialect.field(key).map(|f| f.doc.to_owned())
}

fn tool_doc(word: &str) -> Option<String> {
    if let Some(summary) = vocab::tool_summary(word) {
        return Some(format!("**{word}** (built-in tool)\n\n{summary}"));
    }
    if let Some(now) = vocab::legacy_replacement(word) {
        let status = if vocab::LEGACY_ALIASES.contains(&word) {
            "still accepted as an alias"
        } else {
            "Claude Code no longer knows it, and an agent whose tools are all unknown is refused"
        };
        return Some(format!(
            "**{word}** (legacy tool name)\n\nThe tool is now `{now}`; {status}."
        ));
    }
    if let Some(rest) = word.strip_prefix("mcp__") {
        let mut parts = rest.splitn(2, "__");
        let server = parts.next().unwrap_or("");
        return Some(match parts.next() {
            Some(tool) if tool != "*" => {
                format!("**{word}**\n\nThe tool `{tool}` of the MCP server `{server}`.")
            }
            _ => format!("**{word}**\n\nEvery tool of the MCP server `{server}`."),
        });
    }
    if word.starts_with(|c: char| c.is_ascii_uppercase()) {
        let hint = vocab::did_you_mean(word, vocab::TOOLS.iter().copied())
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default();
        return Some(format!(
            "**{word}**\n\nNot a tool Claude Code {} knows.{hint}",
            vocab::CHECKED_RELEASES
        ));
    }
    None
}

fn key_doc(key: &str, dialect: &Dialect) -> String {
    if let Some(description) = schema_description(key, dialect) {
        return format!("**{key}**\n\n{description}");
    }
    if dialect.family == crate::dialect::Family::Agent && vocab::SKILL_TOOL_KEYS.contains(&key) {
        return format!(
            "**{key}**\n\nA skill key: Claude Code ignores it in an agent file. Agents list their tools in `tools`."
        );
    }
    let hint = vocab::did_you_mean(key, dialect.keys())
        .map(|s| format!(" Did you mean `{s}`?"))
        .unwrap_or_default();
    format!(
        "**{key}**\n\n{} does not read this key in a {}.{hint}",
        dialect.host, dialect.label
    )
}

fn markdown(value: String) -> HoverContents {
    HoverContents::Markup(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

pub fn hover(text: &str, offset: usize, lines: &Lines, dialect: &Dialect) -> Option<Hover> {
    let (word, span) = word_at(text, offset)?;
    let (line_start, line_end) = line_bounds(text, offset);
    let line = &text[line_start..line_end];
    let range = Some(lines.range(span));
    // A rule code anywhere; a rule name in a suppression comment.
    let is_code =
        word.len() == 5 && word.starts_with("AS") && word[2..].bytes().all(|b| b.is_ascii_digit());
    if (is_code || line.contains("agentspec-disable"))
        && let Some(rule) = rules::find(word)
    {
        return Some(Hover {
            contents: markdown(rule.meta.explain()),
            range,
        });
    }
    let cx = key_context(text, offset)?;
    let value = if cx.on_key {
        key_doc(cx.key, dialect)
    } else if matches!(
        cx.key,
        "tools" | "disallowedTools" | "allowed-tools" | "disallowed-tools"
    ) {
        tool_doc(word)?
    } else {
        return None;
    };
    Some(Hover {
        contents: markdown(value),
        range,
    })
}

/// The values completion offers for a field, with a summary when there is one: the field
/// table's values.
fn values_for(key: &str, dialect: &Dialect) -> Option<Vec<(&'static str, Option<&'static str>)>> {
    use crate::dialect::Values;
    let plain = |list: &[&'static str]| list.iter().map(|v| (*v, None)).collect();
    let field = dialect.field(key)?;
    Some(match field.values {
        Values::Tools(tools) => tools.iter().map(|(t, s)| (*t, Some(*s))).collect(),
        Values::OneOf(list) | Values::Suggested(list) => plain(list),
        Values::Boolean => plain(&["true", "false"]),
        Values::Any => return None,
    })
}

pub fn completion(text: &str, offset: usize, dialect: &Dialect) -> Vec<CompletionItem> {
    let Some(content) = frontmatter_content(text) else {
        return Vec::new();
    };
    if offset < content.start || offset > content.end {
        return Vec::new();
    }
    let (line_start, _) = line_bounds(text, offset);
    let before = text.get(line_start..offset).unwrap_or("");
    let present: Vec<&str> = text
        .get(content.start..content.end)
        .unwrap_or("")
        .lines()
        .filter_map(top_level_key)
        .collect();
    if !before.contains(':') && !before.starts_with([' ', '\t', '-']) {
        return dialect
            .keys()
            .filter(|k| !present.contains(k))
            .map(|key| CompletionItem {
                label: (*key).to_owned(),
                kind: Some(CompletionItemKind::PROPERTY),
                insert_text: Some(format!("{key}: ")),
                documentation: schema_description(key, dialect).map(|d| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: d,
                    })
                }),
                ..CompletionItem::default()
            })
            .collect();
    }
    let Some(cx) = key_context(text, offset) else {
        return Vec::new();
    };
    let Some(values) = values_for(cx.key, dialect) else {
        return Vec::new();
    };
    let (_, line_end) = line_bounds(text, offset);
    let line = text.get(line_start..line_end).unwrap_or("");
    let space = if before.ends_with(':') || before.ends_with(',') {
        " "
    } else {
        ""
    };
    let is_tools = matches!(
        cx.key,
        "tools" | "disallowedTools" | "allowed-tools" | "disallowed-tools"
    );
    values
        .into_iter()
        // A tool already on the line is not offered again.
        .filter(|(v, _)| {
            !is_tools
                || !line
                    .split([',', ' ', '[', ']', ':'])
                    .any(|part| part.trim() == *v)
        })
        .map(|(value, detail)| CompletionItem {
            label: value.to_owned(),
            kind: Some(CompletionItemKind::VALUE),
            detail: detail.map(str::to_owned),
            insert_text: Some(format!("{space}{value}")),
            ..CompletionItem::default()
        })
        .collect()
}

#[allow(
    deprecated,
    reason = "DocumentSymbol.deprecated must be given; it is None"
)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    lines: &Lines,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let mut range = lines.range(span);
    let selection_range = Range::new(range.start, lines.position(line_end(lines.text, span)));
    // A parent's range must hold its children's.
    for c in &children {
        if c.range.start < range.start {
            range.start = c.range.start;
        }
        if c.range.end > range.end {
            range.end = c.range.end;
        }
    }
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "(untitled)".to_owned()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: Range::new(
            selection_range.start,
            selection_range
                .end
                .min(range.end)
                .max(selection_range.start),
        ),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The end of the first line of a span (within the span).
fn line_end(text: &str, span: Span) -> usize {
    text.get(span.start..span.end)
        .and_then(|s| s.find('\n'))
        .map_or(span.end, |i| span.start + i)
}

fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        one_line.chars().take(57).collect::<String>() + "..."
    } else {
        one_line
    }
}

/// The protocols (with their steps) and Definitions of Done (with groups and items).
pub fn symbols(report: &FileReport, lines: &Lines) -> Vec<DocumentSymbol> {
    let Some(spec) = &report.spec else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in &spec.protocols {
        let steps = p
            .steps
            .iter()
            .map(|s| {
                symbol(
                    format!("{}. {}", s.number, short(&s.lead)),
                    Some(s.kind.as_str().to_owned()),
                    SymbolKind::EVENT,
                    s.span,
                    lines,
                    Vec::new(),
                )
            })
            .collect();
        out.push(symbol(
            format!("Protocol: {}", short(&p.title)),
            Some(format!("{} steps", p.steps.len())),
            SymbolKind::MODULE,
            p.span,
            lines,
            steps,
        ));
    }
    for done in &spec.done {
        let groups = done
            .groups
            .iter()
            .map(|g| {
                let items = g
                    .items
                    .iter()
                    .map(|i| {
                        symbol(
                            short(&i.text),
                            None,
                            SymbolKind::FIELD,
                            i.span,
                            lines,
                            Vec::new(),
                        )
                    })
                    .collect();
                symbol(
                    g.name.clone().unwrap_or_else(|| "Items".to_owned()),
                    Some(format!("{} items", g.items.len())),
                    SymbolKind::STRUCT,
                    g.span,
                    lines,
                    items,
                )
            })
            .collect();
        out.push(symbol(
            format!("Definition of Done: {}", short(&done.title)),
            None,
            SymbolKind::NAMESPACE,
            done.span,
            lines,
            groups,
        ));
    }
    out
}

fn edit(lines: &Lines, span: Span, content: &str) -> TextEdit {
    TextEdit {
        range: lines.range(span),
        new_text: content.to_owned(),
    }
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The edit that suppresses `code` where the diagnostic at `offset` is: a YAML comment above
/// the line inside the frontmatter, an HTML comment above the line in the body, and a
/// file-level comment at the top of the body for diagnostics on the frontmatter fences.
fn suppression(text: &str, offset: usize, code: &str) -> (String, usize, String) {
    let (line_start, line_end) = line_bounds(text, offset);
    let line = &text[line_start..line_end];
    let eol = if line.ends_with('\r') { "\r\n" } else { "\n" };
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    match frontmatter::split(text) {
        Split::Found(fm) if offset >= fm.content.start && offset < fm.content.end => (
            format!("Disable {code} for this line"),
            line_start,
            format!("{indent}# agentspec-disable-next-line {code}{eol}"),
        ),
        Split::Found(fm)
            if offset < fm.content.start || offset < frontmatter::body_start(text, &fm) =>
        {
            let at = frontmatter::body_start(text, &fm);
            let eol = if text[..at].ends_with("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            // A frontmatter that ends the file gets a line break before the comment.
            let lead = if text[..at].ends_with('\n') { "" } else { eol };
            (
                format!("Disable {code} for this file"),
                at,
                format!("{lead}<!-- agentspec-disable-file {code} -->{eol}"),
            )
        }
        _ => (
            format!("Disable {code} for this line"),
            line_start,
            format!("{indent}<!-- agentspec-disable-next-line {code} -->{eol}"),
        ),
    }
}

/// Quick fixes for the diagnostics overlapping `range`, a "disable" action per rule, and a
/// source action applying every safe fix.
pub fn code_actions(
    uri: &Uri,
    report: &FileReport,
    range: Range,
    only: Option<&[CodeActionKind]>,
    encoding: Encoding,
    config: &Config,
    plugin: bool,
) -> Vec<CodeActionOrCommand> {
    let text = &report.source.text;
    let lines = Lines {
        text,
        index: report.line_index(),
        encoding,
    };
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let start = lines.offset(range.start);
    let end = lines.offset(range.end);
    let mut actions = Vec::new();
    let mut disabled: Vec<&str> = Vec::new();
    for d in &report.diagnostics {
        let touches = d.span.start <= end && start <= d.span.end.max(d.span.start);
        if !touches || !wants(&CodeActionKind::QUICKFIX) {
            continue;
        }
        let lsp_diag = diagnostic(report, d, encoding, |_| None);
        if let Some(fix) = &d.fix {
            let safe = fix.applicability == Applicability::Safe;
            let edits = fix
                .edits
                .iter()
                .map(|e| edit(&lines, Span::new(e.start, e.end), &e.content))
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "{} ({}){}",
                    fix.title(text),
                    d.code,
                    if safe { "" } else { " — unsafe: review it" }
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diag.clone()]),
                edit: Some(workspace_edit(uri, edits)),
                is_preferred: Some(safe),
                ..CodeAction::default()
            }));
        }
        if d.code != "AS901" && !disabled.contains(&d.code) {
            disabled.push(d.code);
            let (title, at, comment) = suppression(text, d.span.start, d.code);
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diag]),
                edit: Some(workspace_edit(
                    uri,
                    vec![edit(&lines, Span::empty(at), &comment)],
                )),
                ..CodeAction::default()
            }));
        }
    }
    let fix_all = CodeActionKind::SOURCE_FIX_ALL;
    let has_safe_fix = report.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    });
    if has_safe_fix && wants(&fix_all) {
        let fixed = crate::lint::on_pool(|| {
            crate::fix::fix_text(&report.path, text, plugin, config, false)
        });
        if fixed.changed(text) {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Fix all safe agentspec problems ({})", fixed.count()),
                kind: Some(fix_all),
                edit: Some(workspace_edit(
                    uri,
                    vec![TextEdit {
                        range: Range::new(Position::new(0, 0), lines.position(text.len())),
                        new_text: fixed.text,
                    }],
                )),
                ..CodeAction::default()
            }));
        }
    }
    actions
}
