use crate::diagnostics::{Diagnostic, Related};
use crate::model::protocol::{Protocol, StepKind};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports two protocol lists in one file whose shared step kinds come in a different
    /// order (a short summary in the role section that commits before approval, and a full
    /// protocol that waits for approval first).
    ///
    /// ## Why is this bad?
    /// The model gets two contradicting instructions and may follow either.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Summary protocol
    /// 1. Implement
    /// 2. Commit
    /// 3. Wait for approval
    ///
    /// ## Full protocol
    /// 1. Implement
    /// 2. Wait for approval
    /// 3. Commit
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Summary protocol
    /// 1. Implement
    /// 2. Wait for approval
    /// 3. Commit
    ///
    /// ## Full protocol
    /// 1. Implement
    /// 2. Wait for approval
    /// 3. Commit
    /// ```
    pub RULE = { code: "AS505", name: "inconsistent-protocols", label: "differs from the other protocol", category: Protocol, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

fn order(protocol: &Protocol) -> Vec<StepKind> {
    let mut kinds = Vec::new();
    for step in &protocol.steps {
        if step.kind != StepKind::Custom && !kinds.contains(&step.kind) {
            kinds.push(step.kind);
        }
    }
    kinds
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let protocols = &cx.spec.protocols;
    for (i, a) in protocols.iter().enumerate() {
        for b in &protocols[i + 1..] {
            let (oa, ob) = (order(a), order(b));
            let shared_a: Vec<StepKind> = oa.iter().copied().filter(|k| ob.contains(k)).collect();
            let shared_b: Vec<StepKind> = ob.iter().copied().filter(|k| oa.contains(k)).collect();
            if shared_a == shared_b {
                continue;
            }
            let show =
                |v: &[StepKind]| v.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" → ");
            out.push(
                RULE.diag(
                    cx.rest_of_line(b.span.start),
                    format!(
                        "`{}` orders its steps differently from `{}`",
                        b.title, a.title
                    ),
                )
                .with_help(format!(
                    "`{}`: {}; `{}`: {}",
                    a.title,
                    show(&shared_a),
                    b.title,
                    show(&shared_b)
                ))
                .with_related(Related {
                    path: cx.source.path.clone(),
                    span: cx.rest_of_line(a.span.start),
                    message: format!("`{}` starts here", a.title),
                }),
            );
        }
    }
}
