use crate::diagnostics::Diagnostic;
use crate::model::hooks::{Effect, hooks_section};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an entry of a hook event that is not a guard event (`Stop`, `PostToolUse`,
    /// `SessionStart`, ...) whose value Claude Code cannot read: not a list of matcher groups,
    /// a group without a `hooks` list, a hook without a `type`, without its `command`, or with
    /// a field of the wrong type.
    ///
    /// ## Why is this bad?
    /// Claude Code drops the entry and loads the agent ("hooks.Stop: must be an array of
    /// matchers; received a string; entry ignored"), so the hook never runs and nothing but a
    /// debug log line says so. (A malformed *guard* entry refuses the whole agent instead:
    /// `invalid-hooks`.)
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks:
    ///   Stop: ./notify.sh
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks:
    ///   Stop:
    ///     - hooks:
    ///         - type: command
    ///           command: ./notify.sh
    /// ---
    /// ```
    pub RULE = { code: "AS110", name: "ignored-hook-entry", label: "Claude Code drops this entry", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(hooks) = cx.spec.field("hooks").filter(|_| !cx.spec.recovered) else {
        return;
    };
    let target = &cx.settings.claude_code;
    let found = target.gather(|release| {
        hooks_section(&hooks.value, release)
            .into_iter()
            .filter(|p| p.effect == Effect::Ignored)
            .map(|p| (p.span, p.message, p.kind.advice()))
            .collect()
    });
    for ((span, message, advice), versions) in found {
        let by = target
            .qualifier(&versions)
            .unwrap_or_else(|| "by Claude Code".to_owned());
        out.push(RULE.diag(span, message).with_help(format!(
            "this entry is dropped {by} and its hooks never run; {advice}"
        )));
    }
}
