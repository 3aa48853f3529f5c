use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::model::tools::ToolKind;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a `tools` entry naming a tool Claude Code once had or documents, but offers an
    /// agent in no session (it answers "unrecognized" for it): `TodoWrite`, measured in every release from 2.1.328 to 2.1.332 (headless and
    /// interactive, as the session's own agent and as a subagent; also with
    /// `CLAUDE_CODE_ENABLE_TODO_TOOLS=1`, which brings `TaskCreate`, `TaskList`, `TaskGet` and
    /// `TaskUpdate` instead). Tools offered only where their platform or feature is on
    /// (`PowerShell`, `LSP`, the task tools) are not reported. Which tools a release grants,
    /// and where, is in `docs/claude-code-releases.md`; `agentspec inspect` shows an agent's
    /// grants seat by seat.
    ///
    /// ## Why is this bad?
    /// The entry grants nothing: a prompt that tells the agent to keep a todo list with
    /// `TodoWrite` asks for a tool it does not have.
    ///
    /// ## Fix
    /// Removing the entry is a safe fix when another entry stays: the tools granted are the
    /// same. Tools your setup adds under the same name can be declared in `agentspec.toml`
    /// (`[known] tools`), which silences this.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: planner
    /// description: Plans the work
    /// tools: Read, TodoWrite
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: planner
    /// description: Plans the work
    /// tools: Read
    /// ---
    /// ```
    pub RULE = { code: "AS211", name: "tool-not-granted", label: "a tool no session grants", category: Tools, severity: Warning, fix: Sometimes, dialects: ["claude-agent"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(list) = &cx.spec.tools else {
        return;
    };
    let releases = cx.settings.claude_code.releases();
    for entry in &list.entries {
        let named = match entry.kind {
            ToolKind::BuiltIn => entry.name.as_str(),
            ToolKind::Legacy { .. } if vocab::LEGACY_ALIASES.contains(&entry.name.as_str()) => {
                vocab::current_name(&entry.name)
            }
            _ => continue,
        };
        if entry.syntax_error.is_some()
            || cx.settings.known_tools.contains(&entry.name)
            || releases.iter().any(|r| r.offered(named).is_some())
        {
            continue;
        }
        let mut diag = RULE
            .diag(
                entry.name_span,
                format!(
                    "`{}` in `tools` is not granted by Claude Code {}",
                    entry.name,
                    cx.settings.claude_code.versions_text()
                ),
            )
            .with_help(
                "no session offers it to an agent (headless or interactive, as the session's agent or as a subagent): the entry grants nothing; remove it",
            );
        if let Some(span) = super::legacy_tool_name::removal(cx, list, entry) {
            diag = diag.with_fix(
                Fix::safe(vec![Edit::replace(span, "")])
                    .titled(format!("Remove `{}`: it grants nothing", entry.name)),
            );
        }
        out.push(diag);
    }
}
