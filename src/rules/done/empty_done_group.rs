use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a group in a Definition of Done (a heading or a bold line) with no items under
    /// it, and a Definition of Done with no items at all.
    ///
    /// ## Why is this bad?
    /// An empty group is a criterion nobody wrote down; the agent cannot check it.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Definition of Done
    /// **Testing**
    ///
    /// **Docs**
    /// - README updated
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Definition of Done
    /// **Testing**
    /// - Unit tests pass
    ///
    /// **Docs**
    /// - README updated
    /// ```
    pub RULE = { code: "AS602", name: "empty-done-group", label: "an empty group", category: Done, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for done in &cx.spec.done {
        if done.groups.is_empty() {
            out.push(
                RULE.diag(
                    cx.rest_of_line(done.span.start),
                    format!("`{}` lists no criteria", done.title),
                )
                .with_help("add the criteria as a checklist (`- [ ] ...`)"),
            );
            continue;
        }
        for group in done.groups.iter().filter(|g| g.items.is_empty()) {
            let name = group.name.as_deref().unwrap_or("(ungrouped)");
            out.push(
                RULE.diag(
                    cx.rest_of_line(group.span.start),
                    format!("the Definition of Done group `{name}` has no items"),
                )
                .with_help("list its criteria under it, or remove the group"),
            );
        }
    }
}
