use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a frontmatter key that Claude Code does not read, with the closest known key.
    /// Keys are case-sensitive camelCase (`disallowedTools`, `permissionMode`).
    ///
    /// ## Why is this bad?
    /// Claude Code ignores unknown keys without a word, so a misspelled key silently does
    /// nothing: `disallowed-tools:` removes no tool, `permission-mode:` sets no mode. Keys
    /// your team uses on purpose can be declared in `agentspec.toml` (`[known] keys`).
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// disallowed-tools: Write
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// disallowedTools: Write
    /// ---
    /// ```
    pub RULE = { code: "AS101", name: "unknown-key", label: "Claude Code ignores this key", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.recovered {
        return;
    }
    for field in &cx.spec.fields {
        let key = field.key.value.as_str();
        if cx.dialect.is_key(key)
            || cx.dialect.foreign_keys.contains(&key)
            || cx.settings.known_keys.iter().any(|k| k == key)
            || cx.settings.claude_code.releases().iter().any(|r| {
                r.guards(key)
                    && crate::model::hooks::stray_guard(std::slice::from_ref(field), r).is_some()
            })
        {
            continue;
        }
        let mut diag = RULE.diag(
            field.key.span,
            format!("{} does not read the key `{key}`", cx.dialect.host),
        );
        let suggestion = vocab::did_you_mean(key, cx.dialect.keys());
        diag = match suggestion {
            Some(s) => diag.with_help(format!("did you mean `{s}`?")),
            None if cx.settings.claude_code.some_knows_event(key) => {
                diag.with_help("hook events belong under `hooks:`")
            }
            None => diag.with_help("it is ignored; declare keys you use on purpose in `agentspec.toml` under `[known] keys`"),
        };
        out.push(diag);
    }
}
