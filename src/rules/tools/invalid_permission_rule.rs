use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an entry that is not valid permission-rule syntax, `Tool` or
    /// `Tool(specifier)`: a missing `)`, an empty `()`, text after the `)`, or characters that
    /// cannot be part of a tool name.
    ///
    /// ## Why is this bad?
    /// Claude Code cannot match such an entry to a tool, so it grants (or removes) nothing.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: tester
    /// description: Runs the test suite
    /// tools: Read, Bash(npm test
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: tester
    /// description: Runs the test suite
    /// tools: Read, Bash(npm test)
    /// ---
    /// ```
    pub RULE = { code: "AS204", name: "invalid-permission-rule", label: "not a valid permission rule", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for (key, list) in super::lists(cx) {
        for entry in &list.entries {
            if let Some(error) = &entry.syntax_error {
                out.push(
                    RULE.diag(
                        entry.span,
                        format!(
                            "`{}` in `{key}` is not a valid permission rule: {error}",
                            entry.raw
                        ),
                    )
                    .with_help("write `Tool` or `Tool(specifier)`, e.g. `Bash(npm test *)`"),
                );
            }
        }
    }
}
