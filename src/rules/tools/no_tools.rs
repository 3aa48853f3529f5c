use crate::diagnostics::Diagnostic;
use crate::model::tools::{ToolKind, ToolListForm};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a `tools` value that resolves to no tool at all: `tools: []`, `tools: ""`, or a
    /// list whose every entry is unknown or malformed.
    ///
    /// ## Why is this bad?
    /// Claude Code refuses to spawn an agent with zero tools ("would be spawned with zero
    /// tools"), so delegating to it fails. To give an agent every tool, omit `tools`.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: []
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, Grep
    /// ---
    /// ```
    pub RULE = { code: "AS208", name: "no-tools", category: Tools, severity: Error, fix: None }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(tools) = &cx.spec.tools else {
        return;
    };
    let resolvable = |e: &&crate::model::tools::ToolEntry| {
        e.syntax_error.is_none()
            && (e.kind != ToolKind::Unknown || cx.settings.known_tools.contains(&e.name))
    };
    let message = match tools.form {
        ToolListForm::Empty => "`tools` is empty, so the agent has no tool".to_owned(),
        ToolListForm::String | ToolListForm::List
            if !tools.entries.iter().any(|e| resolvable(&e)) =>
        {
            "no entry of `tools` names a known tool, so the agent has no tool".to_owned()
        }
        _ => return,
    };
    out.push(
        RULE.diag(tools.span, message)
            .with_help("Claude Code refuses to spawn an agent with zero tools; list the tools it needs, or omit `tools` to inherit every tool"),
    );
}
