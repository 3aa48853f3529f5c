use crate::diagnostics::Diagnostic;
use crate::model::frontmatter_span;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// With `[done] required = true` in `agentspec.toml`, reports an agent without a
    /// Definition of Done (a section titled Definition of Done, DoD, done criteria or
    /// completion criteria, or a list after "Before marking a task complete:").
    ///
    /// ## Why is this bad?
    /// Without explicit done criteria the agent decides for itself when it is finished, and
    /// `agentspec run` has nothing to check before it lets the agent stop.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// Build the feature.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// Build the feature.
    ///
    /// ## Definition of Done
    /// - [ ] Tests pass
    /// ```
    pub RULE = { code: "AS601", name: "missing-definition-of-done", label: "no Definition of Done", category: Done, severity: Error, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.settings.done_required && cx.spec.done.is_empty() && cx.doc.frontmatter.is_ok() {
        out.push(
            RULE.diag(
                frontmatter_span(cx.doc),
                "the agent has no Definition of Done",
            )
            .with_help("add a `## Definition of Done` section with the criteria as a checklist"),
        );
    }
}
