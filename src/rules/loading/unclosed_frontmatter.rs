use crate::diagnostics::Diagnostic;
use crate::parse::frontmatter::NoFrontmatter;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports frontmatter that is opened with `---` but never closed.
    ///
    /// ## Why is this bad?
    /// Claude Code looks for a second `---`. With none, the file has no frontmatter and is
    /// skipped silently. When the body holds a `---` horizontal rule, the frontmatter runs to
    /// it instead and usually fails to parse (reported as `invalid-yaml`).
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// Review the change.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// ---
    /// Review the change.
    /// ```
    pub RULE = { code: "AS003", name: "unclosed-frontmatter", label: "never closed", category: Loading, severity: Error, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if let Err(NoFrontmatter::Unclosed { open }) = &cx.doc.frontmatter {
        out.push(
            RULE.diag(*open, "the frontmatter is never closed")
                .with_help(match cx.dialect.family {
                    crate::dialect::Family::Agent => "add a `---` line after the last frontmatter key; Claude Code skips this agent silently",
                    _ => "add a `---` line after the last frontmatter key; Claude Code reads the whole file as the prompt, frontmatter included, and none of its fields",
                }),
        );
    }
}
