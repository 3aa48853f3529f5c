use crate::diagnostics::Diagnostic;
use crate::model::settings::{self, Kind};
use crate::release::Target;

declare_rule! {
    /// ## What it does
    /// Reports a Claude Code settings file (`.claude/settings.json`,
    /// `.claude/settings.local.json`) that the selected release skips whole: not valid JSON,
    /// not an object, `hooks` not an object, or a malformed entry of a guard hook event
    /// (`PreToolUse`, `PermissionRequest`, and from 2.1.332 on `PreSkillShellCommand`). The
    /// entries other releases only drop are reported by `ignored-hook-entry` and
    /// `unknown-hook-event`, in settings files as in agent files.
    ///
    /// ## Why is this bad?
    /// Claude Code logs "Invalid setting skipped" and applies nothing from the file: its
    /// permissions, its environment and every hook in it are off, agentspec's enforcement
    /// hooks included. A settings file that worked in one release can be skipped by the next
    /// (2.1.332 made `PreSkillShellCommand` a guard).
    ///
    /// ## Example
    /// ```json
    /// {"hooks": {"PreSkillShellCommand": "./check.sh"}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"hooks": {"PreSkillShellCommand": [{"hooks": [{"type": "command", "command": "./check.sh"}]}]}}
    /// ```
    pub RULE = { code: "AS011", name: "settings-file-skipped", label: "Claude Code skips this file", category: Loading, severity: Error, fix: None, dialects: ["claude-settings"] }
}

/// The diagnostics for a settings file's text.
pub fn check(text: &str, target: &Target) -> Vec<Diagnostic> {
    settings::check(text, target)
        .into_iter()
        .map(|f| {
            let by = target
                .qualifier(&f.versions)
                .unwrap_or_else(|| "by Claude Code".to_owned());
            let advice = if f.advice.is_empty() {
                String::new()
            } else {
                format!("; {}", f.advice)
            };
            match f.kind {
                Kind::Skipped => RULE.diag(f.span, f.message).with_help(format!(
                    "this whole settings file is skipped {by}: none of its settings apply and none of its hooks run, agentspec's included{advice}"
                )),
                Kind::EntryIgnored => crate::rules::frontmatter::ignored_hook_entry::RULE
                    .diag(f.span, f.message)
                    .with_help(format!("this entry is dropped {by} and its hooks never run{advice}")),
                Kind::UnknownEvent => crate::rules::frontmatter::unknown_hook_event::RULE
                    .diag(f.span, f.message)
                    .with_help(format!("this entry is ignored {by}")),
            }
        })
        .collect()
}
