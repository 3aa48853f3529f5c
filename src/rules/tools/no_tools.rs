use crate::diagnostics::Diagnostic;
use crate::model::tools::{ToolKind, ToolListForm};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a `tools` list none of whose entries names a tool Claude Code has: every entry
    /// unknown, malformed, or a removed legacy name such as `LS` or `MultiEdit`. (MCP names and
    /// tools declared under `[known] tools` count as resolvable.)
    ///
    /// ## Why is this bad?
    /// Claude Code lists the agent, but refuses every delegation to it: "Agent 'x' would be
    /// spawned with zero tools — refusing. Its tools list resolved to nothing". (An explicitly
    /// empty `tools: []` is different: the agent runs with no tools; see `empty-tools`.)
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: LS, MultiEdit
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, Grep
    /// ---
    /// ```
    pub RULE = { code: "AS208", name: "no-tools", label: "no tool is granted", category: Tools, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(tools) = &cx.spec.tools else {
        return;
    };
    let resolvable = |e: &&crate::model::tools::ToolEntry| {
        e.syntax_error.is_none()
            && match &e.kind {
                ToolKind::Unknown => cx.settings.known_tools.contains(&e.name),
                ToolKind::Legacy { .. } => crate::vocab::LEGACY_ALIASES.contains(&e.name.as_str()),
                ToolKind::BuiltIn | ToolKind::Mcp { .. } | ToolKind::Wildcard => true,
            }
    };
    if !matches!(tools.form, ToolListForm::String | ToolListForm::List)
        || tools.entries.iter().any(|e| resolvable(&e))
    {
        return;
    }
    let names = tools
        .entries
        .iter()
        .map(|e| format!("`{}`", e.raw))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        RULE.diag(tools.span, format!("no entry of `tools` names a tool Claude Code has ({names})"))
            .with_help("Claude Code refuses to spawn this agent (\"would be spawned with zero tools\"); list real tool names, or omit `tools` to inherit every tool"),
    );
}
