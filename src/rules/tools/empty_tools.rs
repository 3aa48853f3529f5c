use crate::diagnostics::Diagnostic;
use crate::model::tools::ToolListForm;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an explicitly empty `tools` value: `tools: []`, `tools: ""` or `tools: false`.
    ///
    /// ## Why is this bad?
    /// The agent runs with no tool at all: it cannot read a file or run a command. Authors
    /// often write `tools: []` expecting the default, which is every tool and is written by
    /// omitting `tools`. For an agent that really needs no tools, suppress this warning.
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
    pub RULE = { code: "AS210", name: "empty-tools", label: "empty", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if let Some(tools) = cx
        .spec
        .tools
        .as_ref()
        .filter(|t| t.form == ToolListForm::Empty)
    {
        out.push(
            RULE.diag(
                tools.span,
                "`tools` is empty, so the agent runs with no tool at all",
            )
            .with_help("omit `tools` to inherit every tool, or list the tools it needs"),
        );
    }
}
