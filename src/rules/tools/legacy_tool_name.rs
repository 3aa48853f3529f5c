use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::model::tools::ToolKind;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports an old tool name (`Task`, `MultiEdit`, `LS`, `NotebookRead`, `TodoRead`,
    /// `KillShell`, `KillBash`, `SlashCommand`, `ListMcpResources`, `ReadMcpResource`) and names
    /// the tool that does the job today. (Retired names with no successor, such as
    /// `BashOutput`, `TaskOutput` and `TeamCreate`, are reported by `unknown-tool`.)
    ///
    /// ## Why is this bad?
    /// Some are still accepted as aliases (`Task` of `Agent`, `KillShell` and `KillBash` of
    /// `TaskStop`, measured with Claude Code 2.1.328 and 2.1.332); the others grant nothing
    /// (or, for `ListMcpResources` and `ReadMcpResource`, were not measured), so the agent may
    /// lack a capability its author expected.
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
    /// Renaming an alias to its tool (`Task` to `Agent`, `KillShell` to `TaskStop`) is safe:
    /// Claude Code treats them as the same tool. Renaming a name that grants nothing to the
    /// tool that does its job today (`MultiEdit` to `Edit`, `NotebookRead` to `Read`) is an
    /// unsafe fix: the agent gains a tool it did not have, which is what its author meant,
    /// but review it. When the replacement is already in the list (`MultiEdit` next to `Edit`,
    /// `LS` next to `Glob`, `Task` next to `Agent`), removing the old name is a safe fix: the
    /// tools granted or denied stay the same. There is no rename for a repeated name after
    /// its first occurrence, or in `disallowedTools` for a name that grants nothing (where it
    /// would take the replacement away).
    pub RULE = { code: "AS202", name: "legacy-tool-name", label: "an old name", category: Tools, severity: Warning, fix: Sometimes, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

/// The text to delete to take `entry` out of `list` with its separator: from the end of the
/// entry before it (or, for the first, up to the next entry), when what goes is only the entry
/// as written and commas, spaces, line breaks and list dashes.
pub(super) fn removal(
    cx: &FileContext,
    list: &crate::model::tools::ToolList,
    entry: &crate::model::tools::ToolEntry,
) -> Option<crate::source::Span> {
    let i = list.entries.iter().position(|e| std::ptr::eq(e, entry))?;
    let span = match i {
        0 => crate::source::Span::new(entry.span.start, list.entries.get(1)?.span.start),
        _ => crate::source::Span::new(list.entries[i - 1].span.end, entry.span.end),
    };
    let text = cx.slice(span);
    let separators = text.replacen(entry.raw.as_str(), "", 1);
    (cx.slice(entry.span) == entry.raw
        && text.contains(entry.raw.as_str())
        && separators
            .chars()
            .all(|c| c == ',' || c == '-' || c.is_whitespace()))
    .then_some(span)
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
            let listed = list.entries.iter().any(|e| e.name == replacement);
            let first = list
                .entries
                .iter()
                .position(|e| e.name == entry.name)
                .is_some_and(|i| std::ptr::eq(&list.entries[i], entry));
            // Renaming a name that grants nothing in `disallowedTools` would take the
            // replacement away: only aliases (the same tool) are renamed there.
            let renames = alias || key == "tools";
            if listed && let Some(span) = removal(cx, list, entry) {
                // The tool that does the job is listed too: the old name adds nothing.
                diag = diag.with_fix(Fix::safe(vec![Edit::replace(span, "")]).titled(format!(
                    "Remove `{}`: `{replacement}` is already listed",
                    entry.name
                )));
            }
            if cx.slice(entry.name_span) == entry.name && !listed && first && renames {
                let edits = vec![Edit::replace(entry.name_span, replacement)];
                let fix = if alias {
                    Fix::safe(edits)
                } else {
                    Fix::changes_behaviour(edits)
                };
                diag = diag
                    .with_fix(fix.titled(format!("Rename `{}` to `{replacement}`", entry.name)));
            }
            out.push(diag);
        }
    }
}
