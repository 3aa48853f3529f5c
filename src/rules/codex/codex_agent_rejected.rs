use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a Codex custom agent file (`.codex/agents/*.toml`) that Codex drops: TOML it
    /// cannot parse; a missing or blank `name`, `description` or `developer_instructions`, or
    /// one that is not a string; a key that is neither an agent's nor `config.toml`'s (Codex
    /// rejects unknown fields rather than ignoring them: `color`, `tools = ["Read"]`); an
    /// invalid `sandbox_mode` or `nickname_candidates`. Measured with Codex 0.169.0.
    ///
    /// ## Why is this bad?
    /// Codex prints "Ignoring malformed agent role definition" on stderr at startup and goes
    /// on without the agent: a `spawn_agent` with its name fails with "unknown agent_type",
    /// and the file name never stands in for a missing `name`.
    ///
    /// ## Example
    /// ```toml
    /// name = "reviewer"
    /// description = "Reviews one change."
    /// tools = ["Read", "Grep"]
    /// developer_instructions = """
    /// Review the diff.
    /// """
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// name = "reviewer"
    /// description = "Reviews one change."
    /// developer_instructions = """
    /// Review the diff.
    /// """
    /// ```
    pub RULE = { code: "AS851", name: "codex-agent-rejected", label: "Codex drops the agent for this", category: Loading, severity: Error, fix: None, dialects: ["codex-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for p in crate::model::codex::problems(cx.doc, cx.spec)
        .into_iter()
        .filter(|p| p.rejects)
    {
        let mut d = RULE.diag(p.span, p.message);
        if let Some(help) = p.help {
            d = d.with_help(help);
        }
        out.push(d);
    }
}
