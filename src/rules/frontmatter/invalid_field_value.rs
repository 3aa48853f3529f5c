use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::dialect::{Dialect, Kind, Values};
use crate::parse::yaml::Value;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a value outside the documented set for `permissionMode`, `color`, `effort`,
    /// `memory`, `isolation`, `background` and `maxTurns` (a positive integer).
    ///
    /// ## Why is this bad?
    /// Claude Code drops the value (with a debug-log line at most) and the agent runs with
    /// the default: `permissionMode: readonly` does not make the agent read-only, and
    /// `color: Blue` shows no colour.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// color: Blue
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// color: blue
    /// ---
    /// ```
    ///
    /// ## Fix safety
    /// A value that differs from a valid one only in letter case is lowercased or
    /// recased; the fix is safe because Claude Code ignores the misspelled value today.
    pub RULE = { code: "AS105", name: "invalid-field-value", label: "not an accepted value", category: Frontmatter, severity: Warning, fix: Sometimes, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

/// The words a string value of `key` must be, from the field table: a closed list, or
/// `true`/`false` for a boolean field that also takes a string.
fn allowed(dialect: &Dialect, key: &str) -> Option<&'static [&'static str]> {
    let field = dialect.field(key)?;
    match field.values {
        Values::OneOf(list) => Some(list),
        Values::Boolean if field.kinds.contains(&Kind::Str) => Some(&["true", "false"]),
        _ => None,
    }
}

/// Whether an integer value of `key` must be positive.
fn positive(dialect: &Dialect, key: &str) -> bool {
    dialect.field(key).is_some_and(|f| f.positive)
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for field in &cx.spec.fields {
        let key = field.key.value.as_str();
        let span = field.value.span;
        match (&field.value.value, key) {
            (Value::Int(n), _) if *n <= 0 && positive(cx.dialect, key) => {
                out.push(
                    RULE.diag(
                        span,
                        format!("`{key}` must be a positive integer, not `{n}`"),
                    )
                    .with_help(format!("{} ignores this value", cx.dialect.host)),
                );
            }
            (Value::Str(s), _) => {
                let Some(values) = allowed(cx.dialect, key) else {
                    continue;
                };
                if values.contains(&s.as_str()) {
                    continue;
                }
                let mut diag = RULE.diag(span, format!("`{s}` is not a valid `{key}`"));
                let recased = values.iter().find(|v| v.eq_ignore_ascii_case(s.trim()));
                match recased {
                    Some(v) => {
                        diag = diag.with_help(format!(
                            "did you mean `{v}`? {} ignores the value as written",
                            cx.dialect.host
                        ));
                        if cx.slice(span) == s {
                            diag = diag.with_fix(Fix::safe(vec![Edit::replace(span, *v)]));
                        }
                    }
                    None => {
                        let list = values
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let help = match vocab::did_you_mean(s, values.iter().copied()) {
                            Some(v) => format!(
                                "did you mean `{v}`? {} ignores the value as written",
                                cx.dialect.host
                            ),
                            None => {
                                format!("{} ignores it; expected one of {list}", cx.dialect.host)
                            }
                        };
                        diag = diag.with_help(help);
                    }
                }
                out.push(diag);
            }
            _ => {}
        }
    }
}
