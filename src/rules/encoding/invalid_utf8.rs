use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a file that is not valid UTF-8, with the byte offset of the first invalid
    /// byte.
    ///
    /// ## Why is this bad?
    /// Claude Code decodes agent files as UTF-8 and replaces invalid bytes with `�`, so the
    /// prompt (or a frontmatter value) silently differs from what the author wrote. The file
    /// was usually saved in a legacy encoding such as Windows-1252 or Latin-1.
    ///
    /// ## Example
    /// A file saved as Latin-1 where `café` is the bytes `caf\xE9`.
    ///
    /// Use instead:
    /// The same file saved as UTF-8.
    pub RULE = { code: "AS303", name: "invalid-utf8", label: "not UTF-8", category: Encoding, severity: Error, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if let Some(at) = cx.source.invalid_utf8_at {
        out.push(
            RULE.diag(
                Span::new(at, at + 3),
                format!("the file is not valid UTF-8: invalid byte at offset {at}"),
            )
            .with_help(
                "save the file as UTF-8; Claude Code replaces invalid bytes with `\u{FFFD}`",
            ),
        );
    }
}
