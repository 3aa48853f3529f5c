use crate::diagnostics::Diagnostic;
use crate::model::frontmatter_span;
use crate::model::protocol::StepKind;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// With `[protocol] required = [...]` in `agentspec.toml`, reports an agent whose protocol
    /// lacks a required step kind, or that has no protocol at all. Nothing is required by
    /// default, so plain agents are never flagged.
    ///
    /// ## Why is this bad?
    /// Teams rely on every agent stopping for approval before it commits, or running the tests
    /// before it reports. A protocol without that step is a promise the agent never makes.
    ///
    /// ## Example
    /// With `required = ["await-approval"]`:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Protocol
    /// 1. Implement the change
    /// 2. Commit
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// ---
    /// ## Protocol
    /// 1. Implement the change
    /// 2. Wait for the user to reply "yes"
    /// 3. Commit
    /// ```
    pub RULE = { code: "AS501", name: "missing-protocol-step", label: "this protocol lacks a step", category: Protocol, severity: Error, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let required = &cx.settings.required_steps;
    if required.is_empty() || cx.doc.frontmatter.is_err() {
        return;
    }
    let names = |kinds: &[StepKind]| {
        kinds
            .iter()
            .map(|k| format!("`{}`", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(longest) = cx.spec.protocols.iter().max_by_key(|p| p.steps.len()) else {
        out.push(
            RULE.diag(frontmatter_span(cx.doc), "the agent has no protocol")
                .with_help(format!(
                    "add a numbered list under a `## Protocol` heading with the required steps: {}",
                    names(required)
                )),
        );
        return;
    };
    let present: Vec<StepKind> = cx
        .spec
        .protocols
        .iter()
        .flat_map(|p| &p.steps)
        .map(|s| s.kind)
        .collect();
    let missing: Vec<StepKind> = required
        .iter()
        .copied()
        .filter(|k| !present.contains(k))
        .collect();
    if !missing.is_empty() {
        out.push(
            RULE.diag(
                longest.span,
                format!("the protocol has no {} step", names(&missing)),
            )
            .with_help(
                "add the step, or mark an existing step with `<!-- agentspec: step=KIND -->`",
            ),
        );
    }
}
