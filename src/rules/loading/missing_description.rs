use crate::diagnostics::Diagnostic;
use crate::model::frontmatter_span;
use crate::parse::yaml::Value;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an agent with no `description`, an empty one, or one that is not a string.
    ///
    /// ## Why is this bad?
    /// Claude Code needs the description to decide when to delegate to the agent. An agent
    /// without a string `description` is skipped (its debug log says "Missing required
    /// description field").
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests; use after every change
    /// ---
    /// ```
    pub RULE = { code: "AS007", name: "missing-description", label: "no `description` in this frontmatter", category: Loading, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.recovered || cx.doc.frontmatter.is_err() || cx.spec.fields.is_empty() {
        return;
    }
    let field = cx.spec.field("description");
    let (span, message) = match field.map(|f| &f.value.value) {
        None | Some(Value::Null) => (
            field.map_or(frontmatter_span(cx.doc), |f| f.key.span),
            "the frontmatter has no `description`".to_owned(),
        ),
        Some(Value::Str(s)) if s.is_empty() => (
            field.map_or(frontmatter_span(cx.doc), |f| f.value.span),
            "`description` is empty".to_owned(),
        ),
        Some(Value::Str(_)) => return,
        Some(other) => (
            field.map_or(frontmatter_span(cx.doc), |f| f.value.span),
            format!("`description` is {}, not a string", other.a_kind()),
        ),
    };
    let how = field.map_or("give it one".to_owned(), |f| {
        super::missing_name::as_text_help(cx, &f.value, "description")
    });
    out.push(RULE.diag(span, message).with_help(format!(
        "Claude Code skips an agent without a string `description`; {how}"
    )));
}
