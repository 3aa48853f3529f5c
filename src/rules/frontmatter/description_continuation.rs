use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::model::continuation::Continuation;
use crate::parse::yaml::Outcome;
use crate::rules::FileContext;
use crate::source::LineIndex;

declare_rule! {
    /// ## What it does
    /// Reports a one-line `description:` continued on lines that are not indented, the shape
    /// of generated agents that keep `<example>` conversations in the description:
    /// `user: "..."` and `assistant: "..."` at the start of a line.
    ///
    /// ## Why is this bad?
    /// YAML ends the description at the first line that is not indented. Claude Code shows
    /// only that first line when it picks an agent, and reads the example lines as keys of
    /// their own, which do nothing. When one of the lines is not a `key: value` line (such as
    /// `<example>`), the frontmatter does not parse at all and the agent does not load; that
    /// case is reported as AS004 invalid-yaml, with the same fix.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Use this agent to review code. <example>Context: a PR is open.
    /// user: "Review my PR"
    /// assistant: "I'll use the reviewer agent."
    /// model: sonnet
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: |
    ///   Use this agent to review code. <example>Context: a PR is open.
    ///   user: "Review my PR"
    ///   assistant: "I'll use the reviewer agent."
    /// model: sonnet
    /// ---
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix indents the lines under `description: |`, so the description Claude
    /// Code shows becomes the whole text the author wrote, and the stray keys go away. It is
    /// only offered when the result parses as strict YAML and reads back with every line as
    /// written.
    pub RULE = { code: "AS111", name: "description-continuation", label: "the description is only this line", category: Frontmatter, severity: Warning, fix: Sometimes, dialects: ["claude-agent"] }
}

/// `text` cut to about `max` characters, with `…` where it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    one_line
        .chars()
        .take(max.saturating_sub(1))
        .collect::<String>()
        + "…"
}

/// The description's line, and the continuation's lines as `lines 4–9 are` (or `line 4 is`).
pub fn line_range(cx: &FileContext, c: &Continuation) -> (usize, String) {
    let index = LineIndex::new(cx.text());
    let description = index.line_of(c.description_line.end) + 1;
    let first = index.line_of(c.lines.start) + 1;
    let last = index.line_of(c.lines.end) + 1;
    let range = if first == last {
        format!("line {first} is")
    } else {
        format!("lines {first}–{last} are")
    };
    (description, range)
}

/// The fix that turns the description into a `|` block, when it reads back as written.
pub fn block_fix(cx: &FileContext, c: &Continuation) -> Option<Fix> {
    let content = cx.doc.frontmatter.as_ref().ok()?.content;
    c.block_reads_back(cx.text(), content).then(|| {
        Fix::changes_behaviour(vec![Edit::replace(c.region(), c.block.clone())])
            .titled("Keep every line in the description (`description: |`)")
    })
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(c) = cx.continuation else {
        return;
    };
    if matches!(
        cx.doc.yaml.as_ref().map(|y| &y.outcome),
        Some(Outcome::Failed { .. }) | None
    ) {
        // The frontmatter does not parse: AS004 reports it, with this fix.
        return;
    }
    let (line, range) = line_range(cx, c);
    let keys: Vec<String> = c.keys.iter().map(|k| format!("`{k}`")).collect();
    let shown = cx
        .spec
        .description
        .as_ref()
        .map_or_else(String::new, |d| shorten(&d.value, 60));
    let mut d = RULE
        .diag(
            c.value,
            format!(
                "the description ends at line {line}; {range} read as {} instead",
                match keys.len() {
                    0 => "other keys".to_owned(),
                    1 => format!("the key {}", keys[0]),
                    _ => format!("the keys {}", keys.join(", ")),
                }
            ),
        )
        .with_help(format!(
            "Claude Code shows only \"{shown}\"; indent the lines under `description: |` to keep them in the description"
        ));
    if let Some(fix) = block_fix(cx, c) {
        d = d.with_fix(fix);
    }
    out.push(d);
}
