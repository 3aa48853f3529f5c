use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports `allowed-tools` or `allowedTools` in an agent file. These are the keys of
    /// skills and slash commands, not of agents.
    ///
    /// ## Why is this bad?
    /// Claude Code ignores the key in an agent file. Without `tools`, the agent then inherits
    /// every tool, the opposite of what the author wrote.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// allowed-tools: Read, Grep
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
    ///
    /// ## Fix safety
    /// Renaming the key to `tools` changes what the agent may do (from every tool to the
    /// listed ones), so the fix is unsafe. It is offered only when there is no `tools` key.
    pub RULE = { code: "AS102", name: "skill-tools-key", label: "a skill's key, not an agent's", category: Frontmatter, severity: Error, fix: Sometimes, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let has_tools = cx.spec.field("tools").is_some();
    for field in &cx.spec.fields {
        let key = field.key.value.as_str();
        if !vocab::SKILL_TOOL_KEYS.contains(&key) {
            continue;
        }
        let help = if has_tools {
            "Claude Code ignores it in an agent file; `tools` is what restricts this agent, so delete this key"
        } else {
            "Claude Code ignores it in an agent file, so the agent gets every tool; rename it to `tools`"
        };
        let mut diag = RULE
            .diag(
                field.key.span,
                format!("`{key}` is a skill key; agents use `tools`"),
            )
            .with_help(help);
        if !has_tools && cx.slice(field.key.span) == key {
            diag = diag.with_fix(crate::diagnostics::Fix::changes_behaviour(vec![
                crate::diagnostics::Edit::replace(field.key.span, "tools"),
            ]));
        }
        out.push(diag);
    }
}
