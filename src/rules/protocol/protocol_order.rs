use crate::diagnostics::{Diagnostic, Related};
use crate::model::protocol::{Protocol, StepKind};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports protocol steps in an order that defeats their purpose, when both steps exist:
    /// a commit before the approval is requested or awaited, a report before the commit, or
    /// waiting for approval before asking for it.
    ///
    /// ## Why is this bad?
    /// An agent that follows the list commits unreviewed work, or reports work that is not
    /// committed. `agentspec build` compiles these steps into gates, so the order must be
    /// right.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Protocol
    /// 1. Implement
    /// 2. Commit
    /// 3. Wait for the user to reply "yes"
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
    /// 2. Wait for the user to reply "yes"
    /// 3. Commit
    /// ```
    pub RULE = { code: "AS504", name: "protocol-order", label: "out of order", category: Protocol, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

/// `(earlier, later)`: the first kind must come before the second.
const ORDER: &[(StepKind, StepKind, &str)] = &[
    (
        StepKind::RequestApproval,
        StepKind::Commit,
        "commits before asking for approval",
    ),
    (
        StepKind::AwaitApproval,
        StepKind::Commit,
        "commits before the approval arrives",
    ),
    (
        StepKind::Commit,
        StepKind::Report,
        "reports before committing",
    ),
    (
        StepKind::RequestApproval,
        StepKind::AwaitApproval,
        "waits for approval before asking for it",
    ),
];

fn first(protocol: &Protocol, kind: StepKind) -> Option<usize> {
    protocol.steps.iter().position(|s| s.kind == kind)
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for protocol in &cx.spec.protocols {
        for &(earlier, later, what) in ORDER {
            let (Some(e), Some(l)) = (first(protocol, earlier), first(protocol, later)) else {
                continue;
            };
            if l < e {
                let (late, early) = (&protocol.steps[l], &protocol.steps[e]);
                out.push(
                    RULE.diag(
                        cx.rest_of_line(late.span.start),
                        format!(
                            "the protocol {what}: step {} ({}) comes before step {} ({})",
                            late.number,
                            later.as_str(),
                            early.number,
                            earlier.as_str()
                        ),
                    )
                    .with_help(format!(
                        "move the `{}` step after the `{}` step",
                        later.as_str(),
                        earlier.as_str()
                    ))
                    .with_related(Related {
                        path: cx.source.path.clone(),
                        span: cx.rest_of_line(early.span.start),
                        message: format!("the `{}` step", earlier.as_str()),
                    }),
                );
            }
        }
    }
}
