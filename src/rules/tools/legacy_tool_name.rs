use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::model::tools::ToolKind;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports an old tool name (`Task`, `MultiEdit`, `LS`, `NotebookRead`, `TodoRead`,
    /// `BashOutput`, `KillShell`, `SlashCommand`) and names the tool that does the job today.
    ///
    /// ## Why is this bad?
    /// Only `Task` is still accepted, as an alias of `Agent`; the others grant nothing, so the
    /// agent lacks a capability its author expected.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: orchestrator
    /// description: Delegates work
    /// tools: Read, Task
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: orchestrator
    /// description: Delegates work
    /// tools: Read, Agent
    /// ---
    /// ```
    ///
    /// ## Fix safety
    /// Renaming `Task` to `Agent` is safe: Claude Code treats them as the same tool. The other
    /// names have no fix, because their replacement grants a different capability.
    pub RULE = { code: "AS202", name: "legacy-tool-name", category: Tools, severity: Warning, fix: Sometimes }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for (key, list) in super::lists(cx) {
        for entry in &list.entries {
            let ToolKind::Legacy { replacement } = entry.kind else {
                continue;
            };
            let alias = vocab::LEGACY_ALIASES.contains(&entry.name.as_str());
            let help = if alias {
                format!(
                    "`{}` still works as an alias of `{replacement}`; write `{replacement}`",
                    entry.name
                )
            } else {
                format!(
                    "Claude Code no longer has `{}`; today `{replacement}` does this job",
                    entry.name
                )
            };
            let mut diag = RULE
                .diag(
                    entry.name_span,
                    format!("`{}` in `{key}` is a legacy tool name", entry.name),
                )
                .with_help(help);
            if alias && cx.slice(entry.name_span) == entry.name {
                diag = diag.with_fix(Fix::safe(vec![Edit::replace(entry.name_span, replacement)]));
            }
            out.push(diag);
        }
    }
}
