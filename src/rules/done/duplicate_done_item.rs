use crate::diagnostics::{Diagnostic, Related};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a Definition-of-Done item written twice in the same group (compared without
    /// case and surrounding punctuation).
    ///
    /// ## Why is this bad?
    /// The copy adds nothing, and when one copy is later edited the two disagree.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Definition of Done
    /// - [ ] Tests pass
    /// - [ ] Lint is clean
    /// - [ ] tests pass.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Definition of Done
    /// - [ ] Tests pass
    /// - [ ] Lint is clean
    /// ```
    pub RULE = { code: "AS603", name: "duplicate-done-item", label: "listed again", category: Done, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

fn normalized(text: &str) -> String {
    text.trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for done in &cx.spec.done {
        for group in &done.groups {
            for (i, item) in group.items.iter().enumerate() {
                let key = normalized(&item.text);
                if key.is_empty() {
                    continue;
                }
                if let Some(first) = group.items[..i].iter().find(|o| normalized(&o.text) == key) {
                    out.push(
                        RULE.diag(
                            cx.rest_of_line(item.span.start),
                            format!("`{}` is listed twice", item.text),
                        )
                        .with_help("remove the repeated item")
                        .with_related(Related {
                            path: cx.source.path.clone(),
                            span: cx.rest_of_line(first.span.start),
                            message: "first listed here".to_owned(),
                        }),
                    );
                }
            }
        }
    }
}
