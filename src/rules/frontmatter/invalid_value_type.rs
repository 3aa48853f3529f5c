use crate::diagnostics::Diagnostic;
use crate::dialect::Kind;
use crate::parse::yaml::Value;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a known frontmatter key whose value has the wrong type: `tools` that is a
    /// number, `maxTurns` that is text, `background` that is a list, a `tools` list item that
    /// is not a string, and so on. (`name`, `description` and `hooks` have their own loading
    /// rules.)
    ///
    /// ## Why is this bad?
    /// Claude Code drops a value it cannot use, mostly without a word: the setting the
    /// author wrote silently has no effect.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// maxTurns: ten
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// maxTurns: 10
    /// ---
    /// ```
    pub RULE = { code: "AS103", name: "invalid-value-type", label: "wrong type", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

/// The kinds the field table accepts for `key` (`None`: not a field, or not checked by kind).
fn expected(dialect: &crate::dialect::Dialect, key: &str) -> Option<&'static [Kind]> {
    dialect
        .field(key)
        .map(|f| f.kinds)
        .filter(|kinds| !kinds.is_empty())
}

fn kind_of(value: &Value) -> Option<Kind> {
    match value {
        Value::Str(_) => Some(Kind::Str),
        Value::Int(_) => Some(Kind::Int),
        Value::Bool(_) => Some(Kind::Bool),
        Value::Seq(_) => Some(Kind::List),
        Value::Map(_) => Some(Kind::Map),
        Value::Null | Value::Float(_) => None,
    }
}

fn describe(kinds: &[Kind]) -> String {
    kinds
        .iter()
        .map(|k| match k {
            Kind::Str => "a string",
            Kind::Int => "an integer",
            Kind::Bool => "a boolean",
            Kind::List => "a list",
            Kind::Map => "a map",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for field in &cx.spec.fields {
        let key = field.key.value.as_str();
        let Some(kinds) = expected(cx.dialect, key) else {
            continue;
        };
        let value = &field.value.value;
        if *value == Value::Null {
            continue;
        }
        // `tools: false` is the documented way to grant no tools.
        if matches!(key, "tools" | "disallowedTools") && *value == Value::Bool(false) {
            continue;
        }
        if kind_of(value).is_some_and(|k| kinds.contains(&k)) {
            if let (Value::Seq(items), "tools" | "disallowedTools" | "skills") = (value, key) {
                for item in items.iter().filter(|i| !matches!(i.value, Value::Str(_))) {
                    out.push(
                        RULE.diag(
                            item.span,
                            format!("`{key}` item is {}, not a string", item.value.a_kind()),
                        )
                        .with_help(format!("{} drops this item", cx.dialect.host)),
                    );
                }
            }
            continue;
        }
        out.push(
            RULE.diag(
                field.value.span,
                format!(
                    "`{key}` is {}; expected {}",
                    value.a_kind(),
                    describe(kinds)
                ),
            )
            .with_help(format!(
                "{} ignores a value of the wrong type",
                cx.dialect.host
            )),
        );
    }
}
