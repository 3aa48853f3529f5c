use crate::diagnostics::Diagnostic;
use crate::dialect::claude_skill::MAX_DESCRIPTION_LEN;
use crate::model::frontmatter_span;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a skill without a `description`, or with one longer than the 1024 characters
    /// the Agent Skills standard allows.
    ///
    /// ## Why is this bad?
    /// The description is all the model sees of a skill until it invokes it: it decides from
    /// it whether the skill applies. Without one the model has nothing to go on; a longer one
    /// is cut or refused by hosts that check the standard, and costs context in every
    /// session.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: pdf
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: pdf
    /// description: Fills and merges PDF forms. Use when the user works with PDF files.
    /// ---
    /// ```
    pub RULE = { code: "AS704", name: "skill-description", label: "description missing or too long", category: Skills, severity: Warning, fix: None, dialects: ["claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if !cx.spec.load.loads() {
        return;
    }
    match &cx.spec.description {
        None => out.push(
            RULE.diag(frontmatter_span(cx.doc), "the skill has no `description`")
                .with_help("say what the skill does and when to use it: the model chooses skills by their descriptions"),
        ),
        Some(d) if d.value.trim().is_empty() => out.push(RULE.diag(d.span, "the skill's `description` is empty")),
        Some(d) if d.value.chars().count() > MAX_DESCRIPTION_LEN => out.push(
            RULE.diag(
                d.span,
                format!(
                    "the skill's `description` is {} characters, more than the {MAX_DESCRIPTION_LEN} the Agent Skills standard allows",
                    d.value.chars().count()
                ),
            )
            .with_help("keep what the skill does and when to use it; move details into the body"),
        ),
        Some(_) => {}
    }
}
