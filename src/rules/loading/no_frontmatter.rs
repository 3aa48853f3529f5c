use crate::diagnostics::Diagnostic;
use crate::parse::frontmatter::NoFrontmatter;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports an agent file with no YAML frontmatter.
    ///
    /// ## Why is this bad?
    /// Claude Code reads an agent's `name` and `description` from the frontmatter. A project
    /// or user agent without one is silently skipped: it is treated as documentation. A plugin
    /// agent without one still loads, under its file name and with every tool, which is
    /// rarely what the author wanted (a README in a plugin's `agents/` folder becomes an agent).
    ///
    /// ## Example
    /// ```markdown
    /// # Reviewer
    /// Review the change.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// # Reviewer
    /// Review the change.
    /// ```
    pub RULE = { code: "AS001", name: "no-frontmatter", label: "no frontmatter starts here", category: Loading, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.doc.frontmatter != Err(NoFrontmatter::Absent) || !cx.spec.role.markdown {
        return;
    }
    let first_line = cx.text().lines().next().map_or(0, str::len);
    let diag = RULE.diag(Span::new(0, first_line), "the file has no frontmatter");
    out.push(if cx.spec.role.plugin {
        diag.with_help(
            "a plugin agent without frontmatter still loads, under its file name and with every tool; add frontmatter with `name`, `description` and `tools`, or move the file out of `agents/`",
        )
    } else {
        diag.with_help("Claude Code skips it silently; start the file with `---`, `name:` and `description:` lines and a closing `---`")
    });
}
