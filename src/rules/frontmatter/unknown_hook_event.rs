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
    pub RULE = { code: "AS109", name: "unknown-hook-event", category: Frontmatter, severity: Warning, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(Value::Map(entries)) = cx.spec.field("hooks").map(|f| &f.value.value) else {
        return;
    };
    for entry in entries {
        let Some(event) = entry.key.key_str() else {
            continue;
        };
        if vocab::HOOK_EVENTS.contains(&event) {
            continue;
        }
        let diag = RULE.diag(entry.key.span, format!("unknown hook event `{event}`"));
        out.push(
            match vocab::did_you_mean(event, vocab::HOOK_EVENTS.iter().copied()) {
                Some(s) => diag.with_help(format!(
                    "did you mean `{s}`? Claude Code ignores this entry"
                )),
                None => diag.with_help("Claude Code ignores this entry"),
            },
        );
    }
}
