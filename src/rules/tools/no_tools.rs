use crate::diagnostics::Diagnostic;
use crate::model::tools::{ToolKind, ToolListForm};
use crate::release::Offered;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a `tools` list none of whose entries names a tool Claude Code grants: every
    /// entry unknown, malformed, a removed legacy name such as `LS` or `MultiEdit`, or a tool
    /// offered in no session (`TodoWrite`). MCP names, tools offered only where their platform
    /// or feature is on (`PowerShell`, `LSP`, the task tools), tools only the session's own
    /// agent gets (`AskUserQuestion`, `ScheduleWakeup`: such an agent is not started as a
    /// subagent, but runs with `claude --agent`; `agentspec inspect` shows it) and tools
    /// declared under `[known] tools` count as granted.
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
    // A tool some target release offers in some seat (one offered only where its platform or
    // feature is on counts: agentspec cannot tell whether it is; one offered only to the
    // session's own agent counts too: the agent may be meant for `claude --agent`).
    let offered = |name: &str| {
        cx.settings.claude_code.releases().iter().any(|r| {
            matches!(
                r.offered(crate::vocab::current_name(name)),
                Some(
                    Offered::Always
                        | Offered::Foreground
                        | Offered::NamedWithoutBash
                        | Offered::Feature
                        | Offered::Main
                        | Offered::InteractiveMain
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
        RULE.diag(tools.span, format!("no entry of `tools` names a tool Claude Code grants ({names})"))
            .with_help("Claude Code refuses to start it as a subagent (\"would be spawned with zero tools\"); list tools it grants (`agentspec inspect` shows them), or omit `tools` to inherit every tool"),
    );
}
