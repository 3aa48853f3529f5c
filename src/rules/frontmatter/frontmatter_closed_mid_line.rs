use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a `---` inside a frontmatter line, such as `description: before---after`, or a
    /// closing fence with text after it.
    ///
    /// ## Why is this bad?
    /// Claude Code ends the frontmatter at the first `---` anywhere, not only on a line of its
    /// own. Everything after it, the rest of the value and the keys below it, becomes part of
    /// the body: the agent loads with a cut-off description and without those keys.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews code---fast
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews code - fast
    /// ---
    /// ```
    pub RULE = { code: "AS108", name: "frontmatter-closed-mid-line", label: "the frontmatter closes here", category: Frontmatter, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Ok(fm) = &cx.doc.frontmatter else {
        return;
    };
    if fm.closes_mid_line {
        out.push(
            RULE.diag(fm.close, "Claude Code ends the frontmatter at this `---`")
                .with_help(
                    "the text after it is read as the body; avoid `---` inside frontmatter values",
                ),
        );
    }
}
