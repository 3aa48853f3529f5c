use crate::diagnostics::Diagnostic;
use crate::model::is_hook_definition_list;
use crate::parse::yaml::Value;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a `hooks` value that is not a map of events (`hooks: []`, `hooks: "x"`), and
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
    if let Some(field) = cx.spec.field("hooks")
        && !matches!(field.value.value, Value::Map(_) | Value::Null) {
            out.push(
                RULE.diag(field.value.span, format!("`hooks` is {}, not a map of events", field.value.value.a_kind()))
                    .with_help("Claude Code refuses the agent; write `hooks: {}` or a map such as `PreToolUse: [...]`"),
            );
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
