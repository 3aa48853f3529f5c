use crate::diagnostics::Diagnostic;
use crate::model::tools::ToolList;
use crate::policy::permission::specifier_matches;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `` !`command` `` line in a slash command or a skill that no `Bash` entry of
    /// its `allowed-tools` allows.
    ///
    /// ## Why is this bad?
    /// Claude Code runs such a line before the prompt is sent and puts its output in the
    /// prompt, but only when `allowed-tools` allows the command: otherwise it asks for
    /// permission each time, or, in a headless run, refuses, and the prompt is sent without
    /// the output it relies on.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// description: Commit the staged changes
    /// ---
    /// Current status: !`git status`
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// description: Commit the staged changes
    /// allowed-tools: Bash(git status *)
    /// ---
    /// Current status: !`git status`
    /// ```
    pub RULE = { code: "AS753", name: "shell-line-not-allowed", label: "not allowed by allowed-tools", category: Skills, severity: Warning, fix: None, dialects: ["claude-command", "claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let rules = bash_rules(cx.spec.tools.as_ref());
    for (offset, line) in super::prose_lines(cx) {
        for (start, command) in shell_lines(line) {
            let allowed = rules.iter().any(|r| match r {
                None => true,
                Some(pattern) => specifier_matches(pattern, command.trim()),
            });
            if !allowed {
                out.push(
                    RULE.diag(
                        Span::new(offset + start, offset + start + command.len()),
                        format!("`{command}` runs before the prompt is sent, and `allowed-tools` does not allow it"),
                    )
                    .with_help(format!("add `Bash({})` to `allowed-tools`", suggested(command))),
                );
            }
        }
    }
}

/// The `Bash` entries of an `allowed-tools` list, by their patterns; `None` is `Bash`
/// alone, which allows every command.
fn bash_rules(tools: Option<&ToolList>) -> Vec<Option<String>> {
    tools
        .iter()
        .flat_map(|t| &t.entries)
        .filter(|e| e.syntax_error.is_none() && e.name == "Bash")
        .map(|e| e.specifier.as_ref().map(|(s, _)| s.clone()))
        .collect()
}

/// The commands of `` !`...` `` on a line, with their offsets.
fn shell_lines(line: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(d) = line[i..].find("!`") {
        let start = i + d + 2;
        let Some(len) = line[start..].find('`') else {
            break;
        };
        let command = &line[start..start + len];
        if !command.trim().is_empty() {
            found.push((start, command));
        }
        i = start + len + 1;
    }
    found
}

/// A permission rule for the command: its first word (two for `git`, `npm` and the like)
/// followed by `*`.
fn suggested(command: &str) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    let two = matches!(
        words.first().copied(),
        Some("git" | "npm" | "pnpm" | "yarn" | "cargo" | "gh" | "docker" | "kubectl" | "go")
    );
    let head = if two && words.len() > 1 {
        words[..2].join(" ")
    } else {
        words.first().copied().unwrap_or("").to_owned()
    };
    format!("{head} *")
}
