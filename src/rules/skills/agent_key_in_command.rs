use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::dialect::claude_command::AGENT_KEY_FIXES;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports an agent's key in a slash command: `tools` where a command reads
    /// `allowed-tools`, `args` where it reads `argument-hint`. The fix renames the key.
    ///
    /// ## Why is this bad?
    /// Claude Code ignores the key: the tools are not granted (each `!` line and tool call
    /// asks for permission, or is refused in a headless run), and no hint is shown after
    /// `/name`.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// description: Create a git commit
    /// tools: Bash(git add *), Bash(git commit *)
    /// args: "[message]"
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// description: Create a git commit
    /// allowed-tools: Bash(git add *), Bash(git commit *)
    /// argument-hint: "[message]"
    /// ---
    /// ```
    pub RULE = { code: "AS751", name: "agent-key-in-command", label: "a command does not read this key", category: Skills, severity: Warning, fix: Sometimes, dialects: ["claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    for field in &cx.spec.fields {
        let key = field.key.value.as_str();
        let Some((_, instead)) = AGENT_KEY_FIXES.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let mut diag = RULE
            .diag(
                field.key.span,
                format!("a slash command does not read `{key}`: Claude Code ignores it"),
            )
            .with_help(format!("a command's key for this is `{instead}`"));
        // The fix renames the key unless the right key is there too (then one must go, by hand).
        if cx.spec.field(instead).is_none() && cx.slice(field.key.span) == key {
            diag = diag.with_fix(
                Fix::changes_behaviour(vec![Edit::replace(field.key.span, *instead)])
                    .titled(format!("Rename `{key}` to `{instead}`")),
            );
        }
        out.push(diag);
    }
}
