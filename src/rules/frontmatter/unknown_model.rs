use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a `model` that is neither a documented alias (`sonnet`, `opus`, `haiku`,
    /// `inherit`, ...) nor a full Claude model ID (`claude-...`). Models your team runs
    /// through a gateway can be declared in `agentspec.toml` (`[known] models`).
    ///
    /// ## Why is this bad?
    /// Claude Code passes the value on unchecked when it loads the agent; a wrong model only
    /// fails when the agent runs.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// model: sonet
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// model: sonnet
    /// ---
    /// ```
    pub RULE = { code: "AS104", name: "unknown-model", label: "not a model Claude Code knows", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(model) = &cx.spec.model else {
        return;
    };
    let value = model.value.trim();
    if value.is_empty()
        || value.eq_ignore_ascii_case("inherit")
        || vocab::MODEL_ALIASES.contains(&value)
        || cx
            .settings
            .claude_code
            .releases()
            .iter()
            .any(|r| r.model_aliases().any(|a| a == value))
        || value.starts_with("claude-")
        || cx.settings.known_models.iter().any(|m| m == value)
    {
        return;
    }
    let diag = RULE.diag(model.span, format!("unknown model `{value}`"));
    out.push(match vocab::did_you_mean(value, vocab::MODEL_ALIASES.iter().copied()) {
        Some(s) => diag.with_help(format!("did you mean `{s}`?")),
        None => diag.with_help("use an alias such as `sonnet`, `opus`, `haiku` or `inherit`, or a full `claude-*` model ID"),
    });
}
