use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports the Unicode replacement character U+FFFD (`�`) in a file that is otherwise
    /// valid UTF-8.
    ///
    /// ## Why is this bad?
    /// U+FFFD marks characters lost in an earlier conversion; whatever stood there (often an
    /// emoji or a checkmark) is gone and the model sees `�`.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// � Tests pass
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// ✅ Tests pass
    /// ```
    pub RULE = { code: "AS302", name: "replacement-character", label: "U+FFFD", category: Encoding, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.source.invalid_utf8_at.is_some() {
        return;
    }
    let mut last_line_end = 0;
    for (i, _) in cx.text().match_indices('\u{FFFD}') {
        if i < last_line_end {
            continue;
        }
        last_line_end = cx.rest_of_line(i).end;
        out.push(
            RULE.diag(
                Span::new(i, i + 3),
                "replacement character `\u{FFFD}`: a character was lost here",
            )
            .with_help("restore the character that stood here"),
        );
    }
}
