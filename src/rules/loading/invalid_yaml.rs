use crate::diagnostics::Diagnostic;
use crate::parse::yaml::Outcome;
use crate::rules::FileContext;
use crate::rules::frontmatter::description_continuation;

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
    ///
    /// The diagnostic points at the line where the parse breaks (after Claude Code's retry).
    ///
    /// ## Fix safety
    /// Only for a description continued on unindented lines (see AS111): the unsafe fix indents
    /// them under `description: |`, and is offered only when the result parses as strict YAML
    /// and reads back with every line as written. It is unsafe because the agent starts to
    /// load.
    pub RULE = { code: "AS004", name: "invalid-yaml", label: "the YAML breaks here", category: Loading, severity: Error, fix: Sometimes, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(yaml) = &cx.doc.yaml else {
        return;
    };
    let Outcome::Failed { error } = &yaml.outcome else {
        return;
    };
    let span = cx.rest_of_line(error.span.start);
    // The continued description is the usual cause: say so, with the fix.
    if let Some(c) = cx.continuation
        && (c.region().start..=c.region().end).contains(&span.start)
    {
        let (line, range) = description_continuation::line_range(cx, c);
        let mut d = RULE
            .diag(
                span,
                format!(
                    "the frontmatter is not valid YAML: the description ends at line {line}, and {range} not indented under it"
                ),
            )
            .with_help("Claude Code reads no field of this frontmatter and skips the agent; indent the lines under `description: |` to keep them in the description");
        if let Some(fix) = description_continuation::block_fix(cx, c) {
            d = d.with_fix(fix);
        }
        out.push(d);
        return;
    }
    let effect = match cx.dialect.family {
        crate::dialect::Family::Agent => {
            "Claude Code reads no field of this frontmatter and skips the agent"
        }
        // Measured (2.1.328, 2.1.332): a skill or command with broken frontmatter still loads,
        // with none of its fields.
        _ => {
            "Claude Code discards this frontmatter and loads the file without any of its fields (`description`, `allowed-tools`, ...)"
        }
    };
    out.push(
        RULE.diag(
            span,
            format!("the frontmatter is not valid YAML: {}", error.message),
        )
        .with_help(format!(
            "{effect}; multi-line values need indented continuation lines or a `|` block"
        )),
    );
}
