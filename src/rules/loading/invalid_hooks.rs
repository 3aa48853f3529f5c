use crate::diagnostics::Diagnostic;
use crate::model::{hooks_problem, is_hook_definition_list};
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a `hooks` value that is not a map of events (`hooks: []`, `hooks: "x"`), an
    /// event that does not hold a list of matcher groups with `hooks` lists, and
    /// `PreToolUse` or `PermissionRequest` hook definitions written as top-level keys instead
    /// of inside `hooks`.
    ///
    /// ## Why is this bad?
    /// Claude Code validates `hooks` as a map from event to matcher groups. Anything else
    /// makes it refuse the whole agent ("Invalid hooks in agent"). An empty list is the
    /// common slip: `hooks: {}` is the empty form that loads.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks: []
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks: {}
    /// ---
    /// ```
    pub RULE = { code: "AS008", name: "invalid-hooks", category: Loading, severity: Error, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.recovered {
        return;
    }
    if let Some((span, message)) = cx.spec.field("hooks").and_then(|f| hooks_problem(&f.value)) {
        out.push(RULE.diag(span, message).with_help(
            "Claude Code refuses the agent; `hooks` maps events to lists like `- matcher: Bash` with `hooks: [{type: command, command: ...}]`; `hooks: {}` is the empty form",
        ));
    }
    for field in &cx.spec.fields {
        if vocab::FATAL_TOP_LEVEL_EVENTS.contains(&field.key.value.as_str())
            && is_hook_definition_list(&field.value)
        {
            out.push(
                RULE.diag(
                    field.key.span,
                    format!(
                        "`{}` hook definitions are written as a top-level key",
                        field.key.value
                    ),
                )
                .with_help("Claude Code refuses the agent; move them under `hooks:`"),
            );
        }
    }
}
