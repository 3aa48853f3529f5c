use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an entry with a specifier inside `disallowedTools`, such as
    /// `Bash(git push *)`.
    ///
    /// ## Why is this bad?
    /// In an agent's `disallowedTools` a specifier is not honoured: the entry removes the
    /// WHOLE tool. `disallowedTools: Bash(git push *)` takes every shell command away. To
    /// forbid only some commands, use `permissions.deny` in settings (or `agentspec build`,
    /// which emits them).
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds the project
    /// disallowedTools: Bash(git push *)
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds the project
    /// tools: Read, Bash(npm run *)
    /// ---
    /// ```
    pub RULE = { code: "AS207", name: "disallowed-specifier", label: "has no effect here", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(denied) = &cx.spec.disallowed_tools else {
        return;
    };
    for entry in &denied.entries {
        if entry.specifier.is_some() && entry.syntax_error.is_none() {
            out.push(
                RULE.diag(entry.span, format!("`{}` removes the whole `{}` tool", entry.raw, entry.name))
                    .with_help("a specifier in `disallowedTools` is not honoured; use `permissions.deny` in settings to forbid only some uses"),
            );
        }
    }
}
