use crate::diagnostics::{Diagnostic, Related};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a tool that appears both in `tools` and in `disallowedTools`.
    ///
    /// ## Why is this bad?
    /// `disallowedTools` is applied first, so the tool is removed and the `tools` entry does
    /// nothing. One of the two lines does not say what the agent gets.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, Bash
    /// disallowedTools: Bash
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read
    /// ---
    /// ```
    pub RULE = { code: "AS206", name: "allowed-and-disallowed", label: "both allowed and disallowed", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let (Some(tools), Some(denied)) = (&cx.spec.tools, &cx.spec.disallowed_tools) else {
        return;
    };
    for entry in &tools.entries {
        if let Some(d) = denied.entries.iter().find(|d| d.name == entry.name) {
            out.push(
                RULE.diag(entry.span, format!("`{}` is both allowed and disallowed", entry.name))
                    .with_help("`disallowedTools` wins, so the agent does not get this tool; remove one of the entries")
                    .with_related(Related {
                        path: cx.source.path.clone(),
                        span: d.span,
                        message: "disallowed here".to_owned(),
                    }),
            );
        }
    }
}
