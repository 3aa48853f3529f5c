use crate::diagnostics::Diagnostic;
use crate::model::protocol::Classified;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a step of a task-execution protocol (one with a commit or an approval step)
    /// that neither the keyword lexicon nor an annotation classifies; it is kept as a `custom`
    /// step. Lists of generic phases without gates are not reported.
    ///
    /// ## Why is this bad?
    /// Custom steps are not compiled into gates. If the step is a gate (an approval, a test
    /// run), say so with `<!-- agentspec: step=KIND -->` or add the phrase to
    /// `[protocol.lexicon]` in `agentspec.toml`.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Protocol
    /// 1. Implement
    /// 2. Get a thumbs-up from the lead
    /// 3. Commit
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
    /// <!-- agentspec: step=await-approval token=yes -->
    /// 2. Get a thumbs-up from the lead
    /// 3. Commit
    /// ```
    pub RULE = { code: "AS506", name: "unclassified-step", label: "not classified", category: Protocol, severity: Info, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for protocol in cx
        .spec
        .protocols
        .iter()
        .filter(|p| p.steps.iter().any(|s| s.kind.is_gate()))
    {
        for step in protocol
            .steps
            .iter()
            .filter(|s| s.classified == Classified::None)
        {
            out.push(
                RULE.diag(
                    cx.rest_of_line(step.span.start),
                    format!("step {} (`{}`) has no known kind", step.number, step.lead),
                )
                .with_help("annotate it with `<!-- agentspec: step=KIND -->` if it is a gate"),
            );
        }
    }
}
