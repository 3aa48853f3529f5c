use crate::diagnostics::Diagnostic;
use crate::model::{Skip, frontmatter_span};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an agent whose frontmatter has no `name`, an empty one, or one that is not a
    /// string (a number, a list).
    ///
    /// ## Why is this bad?
    /// `name` is the agent's identity. Without a string `name`, Claude Code treats the file as
    /// documentation and skips it without any message; delegating to it fails with "agent type
    /// not found".
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// description: Reviews pull requests
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// ```
    pub RULE = { code: "AS005", name: "missing-name", label: "no `name` in this frontmatter", category: Loading, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.recovered || cx.doc.frontmatter.is_err() {
        return;
    }
    let field = cx.spec.field("name");
    let (span, message) = match crate::model::agent_skip_name(cx.spec) {
        Some(Skip::MissingName) => match field {
            Some(f) => (f.key.span, "`name` has no value"),
            None => (frontmatter_span(cx.doc), "the frontmatter has no `name`"),
        },
        Some(Skip::EmptyName) => (
            field.map_or(frontmatter_span(cx.doc), |f| f.value.span),
            "`name` is empty",
        ),
        Some(Skip::NameNotString) => (
            field.map_or(frontmatter_span(cx.doc), |f| f.value.span),
            "`name` is not a string",
        ),
        _ => return,
    };
    let help = if cx.spec.role.plugin {
        "a plugin agent without a usable `name` loads under its file name".to_owned()
    } else {
        format!(
            "Claude Code skips an agent without a string `name` silently; {}",
            field.map_or("give it one".to_owned(), |f| as_text_help(
                cx, &f.value, "name"
            ))
        )
    };
    out.push(RULE.diag(span, message).with_help(help));
}

/// How to make `value` (of `key`) the text it was meant to be: a `{placeholder}` left from a
/// template is a YAML map, a number or `true` wants quotes, a list wants one line.
pub(super) fn as_text_help(
    cx: &FileContext,
    value: &crate::parse::yaml::Node,
    key: &str,
) -> String {
    use crate::parse::yaml::Value;
    // As written, to the end of its line (a flow map's span may cover its `{` only).
    let written = cx
        .text()
        .get(value.span.start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_default()
        .trim();
    match &value.value {
        Value::Map(_) if written.starts_with('{') => format!(
            "`{written}` is a YAML map, not text: a template placeholder left in? Fill it in, or quote it (`{key}: \"{written}\"`)"
        ),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
            format!("quote it to make it text (`{key}: \"{written}\"`)")
        }
        Value::Seq(_) => format!("write `{key}` as one line of text"),
        Value::Map(_) => format!("write `{key}` as one line of text, not a map"),
        Value::Null | Value::Str(_) => format!("give `{key}` a value"),
    }
}
