use crate::diagnostics::Diagnostic;
use crate::model::inspect::{EffectiveTools, effective_tools};
use crate::model::protocol::StepKind;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a step of a task-execution protocol that the agent cannot carry out with its
    /// tools: running tests or committing without `Bash`, implementing without `Write` or
    /// `Edit`. Only protocols with a gate (a commit, an approval request or an approval wait)
    /// are checked: a list of generic phases ("Implementation Phase") in a research agent is
    /// not a promise to write code.
    ///
    /// ## Why is this bad?
    /// The agent cannot follow its own protocol: it skips the step, or claims it did it.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// tools: Read, Edit
    /// ---
    /// ## Protocol
    /// 1. Implement the change
    /// 2. Run the tests
    /// 3. Commit
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: builder
    /// description: Builds features
    /// tools: Read, Edit, Bash
    /// ---
    /// ## Protocol
    /// 1. Implement the change
    /// 2. Run the tests
    /// 3. Commit
    /// ```
    pub RULE = { code: "AS507", name: "protocol-needs-tool", label: "needs a tool the agent lacks", category: Protocol, severity: Error, fix: None }
}

fn has(tools: &EffectiveTools, name: &str) -> bool {
    if tools.removed.iter().any(|r| r == name) {
        return false;
    }
    tools.inherits_all
        || tools.allowed.iter().any(|a| {
            a == name
                || a.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('('))
        })
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.protocols.is_empty() || !cx.spec.load.loads() {
        return;
    }
    let tools = effective_tools(cx.spec);
    for protocol in &cx.spec.protocols {
        if !protocol.steps.iter().any(|s| s.kind.is_gate()) {
            continue;
        }
        for step in &protocol.steps {
            let needed: &[&str] = match step.kind {
                StepKind::Test | StepKind::Commit => &["Bash"],
                StepKind::Implement => &["Write", "Edit"],
                _ => continue,
            };
            if needed.iter().any(|t| has(&tools, t)) {
                continue;
            }
            let want = needed
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            out.push(
                RULE.diag(
                    cx.rest_of_line(step.span.start),
                    format!(
                        "step {} ({}) needs {want}, which the agent does not have",
                        step.number,
                        step.kind.as_str()
                    ),
                )
                .with_help(format!(
                    "add {want} to `tools`, or drop the step from the protocol"
                )),
            );
        }
    }
}
