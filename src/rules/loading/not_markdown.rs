use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a file named on the command line that looks like an agent but does not end in
    /// `.md`.
    ///
    /// ## Why is this bad?
    /// Claude Code only loads `.md` files from an agents folder; `reviewer.txt` or
    /// `reviewer.markdown` are ignored.
    ///
    /// ## Example
    /// An agent saved as `.claude/agents/reviewer.txt`.
    ///
    /// Use instead:
    /// The same file saved as `.claude/agents/reviewer.md`.
    pub RULE = { code: "AS010", name: "not-markdown", label: "not a Markdown file", category: Loading, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.role.markdown || cx.doc.frontmatter.is_err() {
        return;
    }
    out.push(
        RULE.diag(Span::empty(0), "only `.md` files are loaded as agents")
            .with_help("rename the file to end in `.md`"),
    );
}
