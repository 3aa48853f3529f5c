use crate::diagnostics::Diagnostic;
use crate::model::tools::ToolKind;
use crate::rules::FileContext;
use crate::vocab;

declare_rule! {
    /// ## What it does
    /// Reports a `tools` or `disallowedTools` entry that names no tool Claude Code knows, with
    /// the closest tool name. Tool names are case-sensitive. Tools that your setup adds can be
    /// declared in `agentspec.toml` (`[known] tools`); MCP tools are written
    /// `mcp__<server>__<tool>`.
    ///
    /// ## Why is this bad?
    /// An unknown entry grants nothing: the agent lacks the tool its prompt expects, or (in
    /// `disallowedTools`) keeps the tool the author meant to remove.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, grep
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
    pub RULE = { code: "AS201", name: "unknown-tool", label: "not a tool Claude Code has", category: Tools, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for (key, list) in super::lists(cx) {
        for entry in &list.entries {
            if entry.kind != ToolKind::Unknown
                || entry.syntax_error.is_some()
                || cx.settings.known_tools.contains(&entry.name)
                || crate::model::tools::mcp_name_problem(&entry.name).is_some()
            {
                continue;
            }
            let name = entry.name.as_str();
            if vocab::RETIRED_TOOLS.contains(&name) {
                out.push(
                    RULE.diag(
                        entry.name_span,
                        format!("`{name}` in `{key}` is a retired tool"),
                    )
                    .with_help("Claude Code no longer has it: it grants nothing; remove it"),
                );
                continue;
            }
            if vocab::INTERNAL_TOOLS.contains(&name) {
                out.push(
                    RULE.diag(
                        entry.name_span,
                        format!("`{name}` in `{key}` is an internal Claude Code tool"),
                    )
                    .with_help("Claude Code knows the name, but does not grant it to agents (internal, or behind a feature flag); it most likely grants nothing"),
                );
                continue;
            }
            let diag = RULE.diag(
                entry.name_span,
                format!("unknown tool `{}` in `{key}`", entry.name),
            );
            out.push(match vocab::did_you_mean(&entry.name, vocab::TOOLS.iter().copied()) {
                Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                None => diag.with_help("it grants nothing; declare tools your setup adds in `agentspec.toml` under `[known] tools`"),
            });
        }
    }
}
