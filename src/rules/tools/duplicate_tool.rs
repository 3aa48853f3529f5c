use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an entry written twice in the same `tools` or `disallowedTools` list.
    ///
    /// ## Why is this bad?
    /// The second entry does nothing; it is usually a merge leftover or a typo for another
    /// tool.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, Grep, Read
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
    pub RULE = { code: "AS203", name: "duplicate-tool", label: "listed again", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for (key, list) in super::lists(cx) {
        for (i, entry) in list.entries.iter().enumerate() {
            if list.entries[..i].iter().any(|e| e.raw == entry.raw) {
                out.push(
                    RULE.diag(
                        entry.span,
                        format!("`{}` is listed twice in `{key}`", entry.raw),
                    )
                    .with_help("remove the repeated entry"),
                );
            }
        }
    }
}
