use crate::diagnostics::Diagnostic;
use crate::model::hooks::{Effect, hooks_section, stray_guard};
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports hook definitions that make Claude Code refuse the agent: a `hooks` value that is
    /// not a map of events (`hooks: []`, `hooks: "x"`); a malformed entry of a *guard* event
    /// (`PreToolUse`, `PermissionRequest`, and from 2.1.332 on `PreSkillShellCommand`): not a
    /// list of matcher groups, a group without a `hooks` list, a hook without a `type` or with
    /// a field of the wrong type; a guard event's key inside another event's entry; and guard
    /// hooks written outside `hooks` (as a top-level key, or nested under another key).
    ///
    /// ## Why is this bad?
    /// A guard hook may be what enforces the permissions declared beside it, so Claude Code
    /// does not load an agent whose guard hook it cannot read: the whole agent is missing
    /// ("Agent '...' not loaded: hooks.PreToolUse.0: ..."). Which events guard depends on the
    /// release: with `claude-code` set to a range, the message says in which releases the agent
    /// does not load. A malformed entry of any other event only drops that entry (see
    /// `ignored-hook-entry`).
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks:
    ///   PreToolUse:
    ///     - matcher: Bash
    ///       hooks:
    ///         - type: command
    ///           command: ./check.sh
    ///           timeout: "30"
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks:
    ///   PreToolUse:
    ///     - matcher: Bash
    ///       hooks:
    ///         - type: command
    ///           command: ./check.sh
    ///           timeout: 30
    /// ---
    /// ```
    pub RULE = { code: "AS008", name: "invalid-hooks", label: "Claude Code refuses this", category: Loading, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.recovered {
        return;
    }
    let target = &cx.settings.claude_code;
    let found = target.gather(|release| {
        let mut problems: Vec<(Span, String, &'static str)> = cx
            .spec
            .field("hooks")
            .map(|f| hooks_section(&f.value, release))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.effect == Effect::Refused)
            .map(|p| (p.span, p.message, p.kind.advice()))
            .collect();
        problems.extend(
            stray_guard(&cx.spec.fields, release)
                .map(|(span, message)| (span, message, "hook definitions belong under `hooks:`")),
        );
        problems
    });
    for ((span, message, advice), versions) in found {
        let refuses = match target.qualifier(&versions) {
            Some(which) => format!("the agent does not load {which}"),
            None => "Claude Code does not load the agent".to_owned(),
        };
        out.push(
            RULE.diag(span, message)
                .with_help(format!("{refuses}; {advice}")),
        );
    }
}
