use crate::diagnostics::Diagnostic;
use crate::dialect::claude_config::{PERMISSIONS_KEYS, SETTINGS_KEYS};
use crate::parse::yaml::{Node, Value};
use crate::release::{Target, Version};

declare_rule! {
    /// ## What it does
    /// Reports a key of a settings file, at the top level or in `permissions`, that Claude
    /// Code's settings schema does not have (`deniedTools`, `permisions`, `Permissions`), with
    /// the key it most likely meant; and a key that a selected release is too old to read. The
    /// keys are the schema each release bundles, recorded from 2.1.328 and 2.1.332.
    ///
    /// ## Why is this bad?
    /// Claude Code keeps unknown keys and does nothing with them, without a message anywhere
    /// (measured: not on stderr, not in `--debug`, not in `claude doctor`). A misspelled
    /// `permissions` block denies nothing.
    ///
    /// ## Example
    /// ```json
    /// {"permisions": {"deny": ["Bash(rm -rf *)"]}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"permissions": {"deny": ["Bash(rm -rf *)"]}}
    /// ```
    pub RULE = { code: "AS802", name: "unknown-settings-key", label: "Claude Code ignores this key", category: Config, severity: Warning, fix: Sometimes, dialects: ["claude-settings"] }
}

/// An agent's or the CLI's keys for tools, which a settings file writes as permission rules.
const TOOL_KEYS: &[&str] = &[
    "allowedTools",
    "deniedTools",
    "disallowedTools",
    "allowed_tools",
    "disallowed_tools",
    "tools",
];

pub fn check(root: &Node, target: &Target, out: &mut Vec<Diagnostic>) {
    keys(root, SETTINGS_KEYS, "", target, out);
    if let Some(permissions) = super::get(root, "permissions") {
        keys(permissions, PERMISSIONS_KEYS, "permissions.", target, out);
    }
}

fn keys(
    node: &Node,
    known: &[(&str, Option<&str>)],
    prefix: &str,
    target: &Target,
    out: &mut Vec<Diagnostic>,
) {
    let Value::Map(entries) = &node.value else {
        return;
    };
    for entry in entries {
        let Some(key) = entry.key.key_str() else {
            continue;
        };
        if key == "$schema" {
            continue;
        }
        match known.iter().find(|(k, _)| *k == key) {
            Some((_, None)) => {}
            Some((_, Some(since))) => {
                let Some(since) = Version::parse(since) else {
                    continue;
                };
                let older: Vec<Version> = target.versions().filter(|v| *v < since).collect();
                if let Some(oldest) = older.first() {
                    out.push(
                        RULE.diag(
                            entry.key.span,
                            format!("Claude Code {oldest} does not read `{prefix}{key}`: it arrived in {since}"),
                        )
                        .with_help("the setting has no effect in the older releases your configuration selects"),
                    );
                }
            }
            None => {
                let diag = RULE.diag(
                    entry.key.span,
                    format!("Claude Code does not read the setting `{prefix}{key}`: it is ignored without a word"),
                );
                // An agent's key for tools, written as a setting: the settings' way is a rule.
                if TOOL_KEYS.contains(&key) {
                    out.push(diag.with_help(
                        "settings allow and deny tools with permission rules: `permissions.allow`, `permissions.deny`, `permissions.ask`",
                    ));
                    continue;
                }
                let present = |k: &str| entries.iter().any(|e| e.key.key_str() == Some(k));
                let suggestion = crate::vocab::did_you_mean(key, known.iter().map(|(k, _)| *k));
                out.push(match suggestion {
                    Some(s) => {
                        let mut d = diag.with_help(format!("did you mean `{s}`?"));
                        // Renamed only when the key is a typo of it (a case slip or two
                        // letters) and the object does not have it already: a second key
                        // would replace the first.
                        let span = crate::source::Span::new(
                            entry.key.span.start + 1,
                            entry.key.span.end.saturating_sub(1),
                        );
                        if span.len() == key.len()
                            && strsim::levenshtein(&key.to_lowercase(), &s.to_lowercase()) <= 2
                            && !present(s)
                        {
                            d = d.with_fix(
                                crate::diagnostics::Fix::changes_behaviour(vec![
                                    crate::diagnostics::Edit::replace(span, s),
                                ])
                                .titled(format!("Rename `{key}` to `{s}`")),
                            );
                        }
                        d
                    }
                    None => diag.with_help("the key is not in Claude Code's settings schema; if a tool of your own reads it, turn this rule off for the file"),
                });
            }
        }
    }
}
