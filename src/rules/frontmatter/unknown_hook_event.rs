use crate::diagnostics::Diagnostic;
use crate::parse::yaml::Value;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports an event name inside `hooks` that Claude Code does not know.
    ///
    /// ## Why is this bad?
    /// Claude Code drops that entry (its debug log says "unknown hook event; entry ignored"),
    /// so the hook never runs. Event names are case-sensitive.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks:
    ///   preToolUse: []
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// hooks:
    ///   PreToolUse: []
    /// ---
    /// ```
    pub RULE = { code: "AS109", name: "unknown-hook-event", label: "not a hook event", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(Value::Map(entries)) = cx.spec.field("hooks").map(|f| &f.value.value) else {
        return;
    };
    let target = &cx.settings.claude_code;
    let newest = crate::release::newest();
    for entry in entries {
        let Some(event) = entry.key.key_str() else {
            continue;
        };
        if target.knows_event(event) {
            continue;
        }
        let unknown_in: Vec<_> = target
            .releases()
            .iter()
            .filter(|r| !r.knows_event(event))
            .map(|r| r.version)
            .collect();
        if let Some(which) = target.qualifier(&unknown_in) {
            out.push(
                RULE.diag(
                    entry.key.span,
                    format!("`{event}` is not a hook event {which}"),
                )
                .with_help(format!("Claude Code ignores this entry {which}")),
            );
            continue;
        }
        let diag = RULE.diag(entry.key.span, format!("unknown hook event `{event}`"));
        let help = if newest.knows_event(event) {
            format!(
                "Claude Code {} and later know it; {}, {}, this entry",
                first_with(event),
                target.describe(),
                if target.is_range() {
                    "the releases checked for, ignore"
                } else {
                    "the release checked for, ignores"
                }
            )
        } else {
            match vocab::did_you_mean(event, newest.hook_events()) {
                Some(s) => format!("did you mean `{s}`? Claude Code ignores this entry"),
                None => "Claude Code ignores this entry".to_owned(),
            }
        };
        out.push(diag.with_help(help));
    }
}

/// The first known release that has `event`.
fn first_with(event: &str) -> String {
    crate::release::RELEASES
        .iter()
        .find(|r| r.knows_event(event))
        .map(|r| r.version.to_string())
        .unwrap_or_default()
}
