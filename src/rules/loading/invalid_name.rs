use crate::diagnostics::Diagnostic;
use crate::model::Skip;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a `name` that Claude Code refuses: one that contains `:` (also the full-width
    /// `：`, after Unicode normalisation), starts with `-`, or is longer than 256 characters.
    ///
    /// ## Why is this bad?
    /// `:` is reserved for plugin namespacing (`plugin:agent`). Claude Code skips an agent with
    /// such a name; only its debug log says so.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: "team:reviewer"
    /// description: Reviews pull requests
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: team-reviewer
    /// description: Reviews pull requests
    /// ---
    /// ```
    pub RULE = { code: "AS006", name: "invalid-name", label: "not a valid agent name", category: Loading, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(name) = cx.spec.name.as_ref().filter(|_| !cx.spec.recovered) else {
        return;
    };
    let message = match crate::model::agent_skip_name(cx.spec) {
        Some(Skip::NameHasColon) => format!(
            "`{}` contains `:`, which is reserved for plugin namespacing",
            name.value
        ),
        Some(Skip::NameStartsWithDash) => format!("`{}` starts with `-`", name.value),
        Some(Skip::NameTooLong) => format!(
            "`name` is {} characters long; the limit is {}",
            name.value.chars().count(),
            crate::model::MAX_NAME_LEN
        ),
        _ => return,
    };
    out.push(RULE.diag(name.span, message).with_help(
        "Claude Code skips an agent with this name; use lowercase letters, digits and hyphens",
    ));
}
