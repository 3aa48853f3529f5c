use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports the deprecated `:*` suffix in a permission rule, as in `Bash(git commit:*)`.
    ///
    /// ## Why is this bad?
    /// The suffix form still works but is deprecated; today's form is `Bash(git commit *)`,
    /// where `*` matches anywhere and the space keeps a word boundary.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: committer
    /// description: Commits reviewed changes
    /// tools: Bash(git commit:*)
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: committer
    /// description: Commits reviewed changes
    /// tools: Bash(git commit *)
    /// ---
    /// ```
    ///
    /// ## Fix safety
    /// `prefix:*` and `prefix *` match the same commands, so the rewrite is safe.
    pub RULE = { code: "AS205", name: "deprecated-colon-star", label: "deprecated `:*`", category: Tools, severity: Warning, fix: Always, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for (key, list) in super::lists(cx) {
        for entry in &list.entries {
            let Some(suffix) = entry.deprecated_colon_star() else {
                continue;
            };
            let diag = RULE
                .diag(
                    suffix,
                    format!("`{}` in `{key}` uses the deprecated `:*` suffix", entry.raw),
                )
                .with_help("write ` *` instead of `:*`");
            out.push(if cx.slice(suffix) == ":*" {
                diag.with_fix(Fix::safe(vec![Edit::replace(suffix, " *")]))
            } else {
                diag
            });
        }
    }
}
