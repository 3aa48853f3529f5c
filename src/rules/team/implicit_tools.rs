use crate::diagnostics::Diagnostic;
use crate::model::frontmatter_span;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// With `[tools] require-explicit = true` in `agentspec.toml`, reports an agent without a
    /// `tools` line.
    ///
    /// ## Why is this bad?
    /// An agent without `tools` silently inherits every tool of the session, including
    /// `Bash`, `Write` and every MCP tool.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, Grep, Glob
    /// ---
    /// ```
    pub RULE = { code: "AS402", name: "implicit-tools", label: "every tool is granted", category: Team, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if !cx.settings.require_explicit || cx.spec.tools.is_some() || cx.doc.frontmatter.is_err() {
        return;
    }
    out.push(
        RULE.diag(
            frontmatter_span(cx.doc),
            "the agent has no `tools`, so it inherits every tool",
        )
        .with_help("list the tools it needs, e.g. `tools: Read, Grep, Glob`"),
    );
}
