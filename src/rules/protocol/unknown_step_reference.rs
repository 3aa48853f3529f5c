use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a step that refers to a step number the protocol does not have ("go back to
    /// step 7" in a five-step protocol).
    ///
    /// ## Why is this bad?
    /// The agent cannot follow the reference; usually the protocol was renumbered and the
    /// reference was not.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Protocol
    /// 1. Implement
    /// 2. Run tests
    /// 3. If tests fail, go back to step 5
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Protocol
    /// 1. Implement
    /// 2. Run tests
    /// 3. If tests fail, go back to step 1
    /// ```
    pub RULE = { code: "AS503", name: "unknown-step-reference", label: "no such step", category: Protocol, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for protocol in &cx.spec.protocols {
        for step in &protocol.steps {
            for reference in &step.references {
                if !protocol.steps.iter().any(|s| s.number == reference.step) {
                    out.push(
                        RULE.diag(
                            reference.span,
                            format!("`{}` has no step {}", protocol.title, reference.step),
                        )
                        .with_help(format!(
                            "its steps are numbered 1 to {}",
                            protocol.steps.len()
                        )),
                    );
                }
            }
        }
    }
}
