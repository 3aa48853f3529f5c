use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports protocol steps whose numbers skip (1, 2, 4) or repeat (1, 2, 2), as written in
    /// the file.
    ///
    /// ## Why is this bad?
    /// Markdown renumbers ordered lists, but the model reads the numbers as written; steps
    /// that reference "step 3" become ambiguous, and a gap usually means a step was deleted by
    /// accident.
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
    /// 4. Commit
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
    /// 3. Commit
    /// ```
    pub RULE = { code: "AS502", name: "protocol-numbering", label: "numbered out of order", category: Protocol, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for protocol in &cx.spec.protocols {
        for pair in protocol.steps.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let message = if b.number == a.number {
                format!("step {} is numbered twice", b.number)
            } else if b.number != a.number + 1 {
                format!("step {} follows step {}", b.number, a.number)
            } else {
                continue;
            };
            out.push(
                RULE.diag(cx.rest_of_line(b.span.start), message)
                    .with_help(format!(
                        "number the steps of `{}` 1, 2, 3, ... without gaps",
                        protocol.title
                    )),
            );
        }
    }
}
