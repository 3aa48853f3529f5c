use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::parse::mojibake::find;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports mojibake: UTF-8 text that was once decoded as Windows-1252 and saved again,
    /// such as `âœ…` for ✅ or `ðŸ’»` for 💻.
    ///
    /// ## Why is this bad?
    /// The model reads the garbled characters as they are: checklists marked with `âœ…` no
    /// longer look like checkmarks, and the prompt wastes tokens on noise.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// âœ… Tests pass
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
    ///
    /// ## Fix safety
    /// The fix re-encodes the garbled characters as Windows-1252 and decodes the bytes as
    /// UTF-8, which restores exactly the characters that were written.
    pub RULE = { code: "AS301", name: "mojibake", label: "mis-decoded text", category: Encoding, severity: Warning, fix: Always, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for run in find(cx.text()) {
        let garbled = cx.slice(run.span);
        out.push(match run.restored {
            Some(restored) => RULE
                .diag(run.span, format!("garbled text `{garbled}` is mojibake for `{restored}`"))
                .with_help("the file was once decoded as Windows-1252; restore the original characters")
                .with_fix(Fix::safe(vec![Edit::replace(run.span, restored)]).titled("Restore the mis-decoded characters")),
            None => RULE
                .diag(run.span, format!("garbled text `{garbled}` is a damaged character"))
                .with_help("the file was once decoded as Windows-1252 and one byte of this character was lost; retype it"),
        });
    }
}
