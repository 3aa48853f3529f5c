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
    /// ## Severity
    /// Info, not warning: the retry quotes the value exactly as written, so Claude Code reads
    /// what the author wrote and the agent behaves as meant. Only other consumers of the file
    /// are affected. agentspec's warnings are kept for files that Claude Code reads differently
    /// from what they say; enable this one as a warning (`[severity] AS106 = "warning"`) where
    /// the files must be strict YAML.
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
    pub RULE = { code: "AS106", name: "lenient-yaml", label: "only Claude Code's retry reads this", category: Frontmatter, severity: Info, fix: Always, dialects: ["claude-agent", "claude-skill", "claude-command"] }
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
                .with_fix(
                    Fix::safe(vec![Edit::replace(*value, quoted.clone())])
                        .titled(format!("Quote the {}", key_before(cx, value.start))),
                ),
            LenientChange::TabIndent { tabs } => RULE
                .diag(
                    *tabs,
                    "only Claude Code's lenient parser accepts tab indentation",
                )
                .with_help("YAML forbids tabs for indentation; indent with spaces")
                .with_fix(
                    Fix::safe(vec![Edit::replace(*tabs, "  ".repeat(tabs.len()))])
                        .titled("Indent with spaces"),
                ),
        });
    }
}

/// The key of the `key: value` line holding `offset` (`value` when there is none).
fn key_before(cx: &FileContext, offset: usize) -> String {
    let text = cx.text();
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let key = text[start..offset.min(text.len())]
        .trim_end()
        .trim_end_matches(':')
        .trim();
    if key.is_empty() {
        "value".to_owned()
    } else {
        format!("`{key}` value")
    }
}
