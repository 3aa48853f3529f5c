use crate::diagnostics::Diagnostic;
use crate::dialect::claude_skill::{MAX_NAME_LEN, valid_name};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a skill `name` that the Agent Skills standard does not allow: it must be 1 to
    /// 64 characters of lowercase letters, digits and hyphens, must not start or end with a
    /// hyphen, and must not hold `--`.
    ///
    /// ## Why is this bad?
    /// The standard is what every host that reads skills (Claude Code, Codex, Copilot, Gemini
    /// CLI, Cursor) agrees on; a host that checks it refuses the skill, and the name is what
    /// the user types after `/`.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: PDF_Forms
    /// description: Fills PDF forms
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: pdf-forms
    /// description: Fills PDF forms
    /// ---
    /// ```
    pub RULE = { code: "AS702", name: "invalid-skill-name", label: "not a valid skill name", category: Skills, severity: Warning, fix: None, dialects: ["claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(name) = &cx.spec.name else {
        return;
    };
    if !cx.spec.load.loads() || valid_name(&name.value) {
        return;
    }
    let why = if name.value.chars().count() > MAX_NAME_LEN {
        format!("it is longer than {MAX_NAME_LEN} characters")
    } else if name.value.is_empty() {
        "it is empty".to_owned()
    } else {
        "a skill name is lowercase letters, digits and single hyphens".to_owned()
    };
    out.push(
        RULE.diag(
            name.span,
            format!("`{}` is not a valid skill name: {why}", name.value),
        )
        .with_help("the Agent Skills standard, which other hosts check, allows `a-z`, `0-9` and `-`, up to 64 characters"),
    );
}
