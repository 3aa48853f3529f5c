use crate::diagnostics::Diagnostic;
use crate::model::frontmatter_span;
use crate::model::tools::ToolEntry;
use crate::policy::PermissionRule;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// With `[tools] allow = [...]` in `agentspec.toml`, reports every `tools` entry that
    /// grants something outside the team's whitelist, and an agent without `tools` (which
    /// inherits every tool). Whitelist entries use permission-rule form, matched as the
    /// runner matches them: `Read` covers `Read` and `Read(...)`; `Bash(npm test *)` covers
    /// `Bash(npm test *)`, `Bash(npm test)` and `Bash(npm test unit)` but not `Bash`;
    /// `mcp__github__*` covers every tool of that server.
    ///
    /// ## Why is this bad?
    /// The whitelist is the team's decision about what agents may do; an agent that grants
    /// more slips past review.
    ///
    /// ## Example
    /// With `allow = ["Read", "Grep"]`:
    /// ```markdown
    /// ---
    /// name: reviewer
    /// description: Reviews pull requests
    /// tools: Read, Grep, Bash
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
    pub RULE = { code: "AS401", name: "tool-not-allowed", label: "not in the allowed tools", category: Team, severity: Error, fix: None, dialects: ["claude-agent"] }
}

/// Whether the whitelist entry `allow` covers the agent's entry, with the permission-rule
/// semantics the runner enforces.
pub fn covers(allow: &str, entry: &ToolEntry) -> bool {
    let Ok(mut allow) = PermissionRule::parse(allow) else {
        return false;
    };
    // A legacy alias names the tool it resolves to, on either side.
    allow.tool = crate::vocab::current_name(&allow.tool).to_owned();
    let entry = PermissionRule {
        tool: crate::vocab::current_name(&entry.name).to_owned(),
        specifier: entry.specifier.as_ref().map(|(s, _)| s.clone()),
    };
    allow.covers(&entry)
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(allow) = &cx.settings.tools_allow else {
        return;
    };
    let Some(tools) = &cx.spec.tools else {
        if !cx.settings.require_explicit && cx.doc.frontmatter.is_ok() {
            out.push(
                RULE.diag(frontmatter_span(cx.doc), "the agent has no `tools`, so it inherits every tool, beyond the team's allowlist")
                    .with_help("add a `tools` line with the tools it needs from `[tools] allow` in agentspec.toml"),
            );
        }
        return;
    };
    for entry in &tools.entries {
        if entry.syntax_error.is_some() || allow.iter().any(|a| covers(a, entry)) {
            continue;
        }
        out.push(
            RULE.diag(
                entry.span,
                format!("`{}` is not in the team's tool allowlist", entry.raw),
            )
            .with_help("remove it, or add it to `[tools] allow` in agentspec.toml"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn entry(s: &str) -> ToolEntry {
        ToolEntry::parse(s, Span::new(0, s.len()))
    }

    #[test]
    fn coverage() {
        assert!(covers("Read", &entry("Read")));
        assert!(covers("Read", &entry("Read(src/**)")));
        assert!(covers("Bash(npm test *)", &entry("Bash(npm test unit)")));
        assert!(covers("Bash(npm test *)", &entry("Bash(npm test *)")));
        // What the runner allows, the linter accepts.
        assert!(covers("Bash(npm test *)", &entry("Bash(npm test)")));
        assert!(!covers("Bash(npm test *)", &entry("Bash")));
        assert!(!covers("Bash(npm test *)", &entry("Bash(rm -rf /)")));
        assert!(covers(
            "mcp__github__*",
            &entry("mcp__github__create_issue")
        ));
        assert!(covers("mcp__github", &entry("mcp__github__create_issue")));
        assert!(!covers("mcp__github__create_issue", &entry("mcp__github")));
        assert!(!covers("mcp__github__*", &entry("mcp__gitlab__x")));
        assert!(covers("Agent", &entry("Task")));
        assert!(covers("Task", &entry("Agent")));
    }
}
