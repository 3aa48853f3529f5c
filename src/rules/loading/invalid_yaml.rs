use crate::diagnostics::Diagnostic;
use crate::parse::yaml::Outcome;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports frontmatter that Claude Code's YAML parser rejects, even after its lenient
    /// retry: description lines continued at column 0 (typical with `<example>` blocks), keys
    /// indented under a scalar, an unterminated quote, a value starting with `- `, and so on.
    ///
    /// ## Why is this bad?
    /// When the frontmatter does not parse, Claude Code reads no field at all and skips the
    /// agent. Only its debug log says why.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Use this agent to review code.
    /// <example>
    /// user: review my PR
    /// </example>
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: |
    ///   Use this agent to review code.
    ///   <example>
    ///   user: review my PR
    ///   </example>
    /// ---
    /// ```
    pub RULE = { code: "AS004", name: "invalid-yaml", category: Loading, severity: Error, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(yaml) = &cx.doc.yaml else {
        return;
    };
    if let Outcome::Failed { error } = &yaml.outcome {
        out.push(
            RULE.diag(cx.rest_of_line(error.span.start), format!("the frontmatter is not valid YAML: {}", error.message))
                .with_help("Claude Code reads no field of this frontmatter and skips the agent; multi-line values need indented continuation lines or a `|` block"),
        );
    }
}
