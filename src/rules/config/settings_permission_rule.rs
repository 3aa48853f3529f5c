use crate::diagnostics::Diagnostic;
use crate::model::tools::{ToolEntry, ToolKind};
use crate::parse::yaml::{Node, Value};
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports an entry of a settings file's `permissions.allow`, `permissions.deny` or
    /// `permissions.ask` that is not a permission rule Claude Code matches: broken syntax
    /// (`Bash(npm test`), or a tool name that is not a tool (`bash(ls *)`, `Grepp`). MCP
    /// tools (`mcp__server__tool`) and `Tool(specifier)` forms of real tools are accepted.
    ///
    /// ## Why is this bad?
    /// A rule that matches nothing does nothing: an `allow` still prompts (or, headless,
    /// refuses), and a `deny` lets the tool through.
    ///
    /// ## Example
    /// ```json
    /// {"permissions": {"deny": ["bash(rm -rf *)"]}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"permissions": {"deny": ["Bash(rm -rf *)"]}}
    /// ```
    pub RULE = { code: "AS803", name: "settings-permission-rule", label: "matches no tool", category: Config, severity: Warning, fix: None, dialects: ["claude-settings"] }
}

pub fn check(root: &Node, out: &mut Vec<Diagnostic>) {
    let Some(permissions) = super::get(root, "permissions") else {
        return;
    };
    for list in ["allow", "deny", "ask"] {
        let Some(Node {
            value: Value::Seq(items),
            ..
        }) = super::get(permissions, list)
        else {
            continue;
        };
        for item in items {
            let Some(text) = item.value.as_str() else {
                continue;
            };
            // The span of the string's content, inside its quotes.
            let span =
                crate::source::Span::new(item.span.start + 1, item.span.end.saturating_sub(1));
            let entry = ToolEntry::parse(text.trim(), span);
            if let Some(error) = &entry.syntax_error {
                out.push(RULE.diag(
                    item.span,
                    format!("`{text}` in `permissions.{list}` is not a permission rule: {error}"),
                ));
                continue;
            }
            if entry.kind != ToolKind::Unknown
                || vocab::INTERNAL_TOOLS.contains(&entry.name.as_str())
            {
                continue;
            }
            let diag = RULE.diag(
                item.span,
                format!(
                    "`{}` in `permissions.{list}` is not a tool Claude Code has",
                    entry.name
                ),
            );
            out.push(
                match vocab::did_you_mean(&entry.name, vocab::TOOLS.iter().copied()) {
                    Some(s) => {
                        diag.with_help(format!("did you mean `{s}`? tool names are case-sensitive"))
                    }
                    None => diag.with_help(
                        "the rule matches no tool; MCP tools are written `mcp__server__tool`",
                    ),
                },
            );
        }
    }
}
