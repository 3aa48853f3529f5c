use crate::diagnostics::{Diagnostic, Related};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a frontmatter key written twice.
    ///
    /// ## Why is this bad?
    /// YAML forbids duplicate keys. Claude Code's parser keeps the last value without a word
    /// (checked with Claude Code 2.1.328), and most other YAML tools reject the file; either
    /// way one of the two values is lost.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// description: Reviews code
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests and code
    /// ---
    /// ```
    pub RULE = { code: "AS107", name: "duplicate-key", label: "this one wins", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let mut first: std::collections::HashMap<&str, &crate::model::Field> = Default::default();
    for field in &cx.spec.fields {
        let Some(earlier) = first.get(field.key.value.as_str()) else {
            first.insert(&field.key.value, field);
            continue;
        };
        out.push(
            RULE.diag(
                field.key.span,
                format!("the key `{}` is written twice", field.key.value),
            )
            .with_help(
                "Claude Code uses this last value and ignores the earlier one; keep one of them",
            )
            .with_related(Related {
                path: cx.source.path.clone(),
                span: earlier.key.span,
                message: "first written here".to_owned(),
            }),
        );
    }
}
