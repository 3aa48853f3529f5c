use crate::diagnostics::Diagnostic;
use crate::model::tools::mcp_name_problem;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a malformed MCP tool name. MCP tools are written `mcp__<server>__<tool>`;
    /// `mcp__<server>` and `mcp__<server>__*` mean every tool of that server.
    ///
    /// ## Why is this bad?
    /// A name with one underscore (`mcp_github_create_issue`), an empty server or an empty
    /// tool part matches no MCP tool, so the agent does not get it.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: triager
    /// description: Triages issues
    /// tools: Read, mcp_github_create_issue
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: triager
    /// description: Triages issues
    /// tools: Read, mcp__github__create_issue
    /// ---
    /// ```
    pub RULE = { code: "AS209", name: "invalid-mcp-name", label: "not a valid MCP tool name", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for (key, list) in super::lists(cx) {
        for entry in &list.entries {
            if let Some(problem) = mcp_name_problem(&entry.name) {
                out.push(
                    RULE.diag(
                        entry.name_span,
                        format!("malformed MCP tool name `{}` in `{key}`", entry.name),
                    )
                    .with_help(problem),
                );
            }
        }
    }
}
