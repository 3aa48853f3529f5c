use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::parse::yaml::{LenientChange, Outcome};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports frontmatter that only Claude Code's lenient YAML retry accepts: a plain value
    /// holding `: ` (typical in one-line descriptions such as `Use this agent when: ...`) or
    /// another character that breaks plain YAML scalars, or lines indented with tabs.
    ///
    /// ## Why is this bad?
    /// When a strict parse fails, Claude Code quotes such values and parses again, so the
    /// agent loads. Every other consumer of the file (other agent runtimes, YAML tools, the
    /// editor's YAML support, strict linters) rejects it.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Use this agent when: a pull request is opened
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: "Use this agent when: a pull request is opened"
    /// ---
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes the value exactly as Claude Code's retry reads it (double-quoted, with
    /// `\` and `"` escaped; tabs as two spaces), so the agent does not change.
    pub RULE = { code: "AS106", name: "lenient-yaml", category: Frontmatter, severity: Warning, fix: Always }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(Outcome::Lenient { changes }) = cx.doc.yaml.as_ref().map(|y| &y.outcome) else {
        return;
    };
    for change in changes {
        out.push(match change {
            LenientChange::QuotedValue { value, quoted } => RULE
                .diag(
                    *value,
                    "only Claude Code's lenient parser accepts this unquoted value",
                )
                .with_help("strict YAML parsers reject it; quote the value or use a `|` block")
                .with_fix(Fix::safe(vec![Edit::replace(*value, quoted.clone())])),
            LenientChange::TabIndent { tabs } => RULE
                .diag(
                    *tabs,
                    "only Claude Code's lenient parser accepts tab indentation",
                )
                .with_help("YAML forbids tabs for indentation; indent with spaces")
                .with_fix(Fix::safe(vec![Edit::replace(
                    *tabs,
                    "  ".repeat(tabs.len()),
                )])),
        });
    }
}
