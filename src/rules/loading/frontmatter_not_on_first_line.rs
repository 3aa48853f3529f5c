use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::parse::frontmatter::NoFrontmatter;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports frontmatter whose opening `---` is not on the first line, for example after a
    /// blank line or a title.
    ///
    /// ## Why is this bad?
    /// Claude Code only reads frontmatter that opens at the very start of the file (a UTF-8
    /// byte-order mark is allowed). Otherwise it sees no frontmatter and skips the agent
    /// without a word.
    ///
    /// ## Example
    /// ```markdown
    ///
    /// ---
    /// name: reviewer
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
    ///
    /// ## Fix safety
    /// When only blank lines come before the `---`, removing them is a safe fix. Text before
    /// it is left for the author to move.
    pub RULE = { code: "AS002", name: "frontmatter-not-on-first-line", label: "the frontmatter must start on line 1", category: Loading, severity: Error, fix: Sometimes, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Err(NoFrontmatter::NotOnFirstLine { fence }) = &cx.doc.frontmatter else {
        return;
    };
    let start = crate::parse::frontmatter::content_start(cx.text());
    let before = cx.slice(Span::new(start, fence.start));
    let mut diag = RULE
        .diag(*fence, "the frontmatter does not start on line 1")
        .with_help("Claude Code only reads frontmatter whose `---` is the first line of the file; it skips this agent silently");
    if before.trim().is_empty() {
        diag = diag.with_fix(
            Fix::safe(vec![Edit::replace(Span::new(start, fence.start), "")])
                .titled("Remove the blank lines before `---`"),
        );
    }
    out.push(diag);
}
