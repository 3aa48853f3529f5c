use crate::diagnostics::Diagnostic;
use crate::model::tools::{ToolKind, ToolListForm};
use crate::release::Offered;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a `tools` list none of whose entries names a tool Claude Code grants a
    /// subagent: every entry unknown, malformed, a removed legacy name such as `LS` or
    /// `MultiEdit`, or a tool offered to no subagent (`TodoWrite`, and `AskUserQuestion`,
    /// `EnterPlanMode`, `ExitPlanMode`, `ScheduleWakeup`, `Workflow`, which only the session's
    /// own agent gets). MCP names, tools offered only where their platform or feature is on
    /// (`PowerShell`, `LSP`, the task tools) and tools declared under `[known] tools` count as
    /// granted.
    ///
    /// ## Why is this bad?
    /// Claude Code lists the agent, but refuses every delegation to it: "Agent 'x' would be
    /// spawned with zero tools — refusing. Its tools list resolved to nothing". (An explicitly
    /// empty `tools: []` is different: the agent runs with no tools; see `empty-tools`.)
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: LS, MultiEdit
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
    pub RULE = { code: "AS208", name: "no-tools", label: "no tool is granted", category: Tools, severity: Error, fix: None, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(tools) = &cx.spec.tools else {
        return;
    };
    // A tool some target release offers a subagent (one offered only where its platform or
    // feature is on counts: agentspec cannot tell whether it is).
    let offered = |name: &str| {
        cx.settings.claude_code.releases().iter().any(|r| {
            matches!(
                r.offered(crate::vocab::current_name(name)),
                Some(
                    Offered::Always
                        | Offered::Foreground
                        | Offered::NamedWithoutBash
                        | Offered::Feature
                )
            )
        })
    };
    let resolvable = |e: &&crate::model::tools::ToolEntry| {
        e.syntax_error.is_none()
            && match &e.kind {
                ToolKind::Unknown => cx.settings.known_tools.contains(&e.name),
                ToolKind::Legacy { .. } => {
                    crate::vocab::LEGACY_ALIASES.contains(&e.name.as_str()) && offered(&e.name)
                }
                ToolKind::BuiltIn => offered(&e.name) || cx.settings.known_tools.contains(&e.name),
                ToolKind::Mcp { .. } | ToolKind::Wildcard => true,
            }
    };
    if !matches!(tools.form, ToolListForm::String | ToolListForm::List)
        || tools.entries.iter().any(|e| resolvable(&e))
    {
        return;
    }
    let names = tools
        .entries
        .iter()
        .map(|e| format!("`{}`", e.raw))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        RULE.diag(tools.span, format!("no entry of `tools` names a tool Claude Code grants a subagent ({names})"))
            .with_help("Claude Code refuses to start it as a subagent (\"would be spawned with zero tools\"); list tools it grants (`agentspec inspect` shows them), or omit `tools` to inherit every tool"),
    );
}
