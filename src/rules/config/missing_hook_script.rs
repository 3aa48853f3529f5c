use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::parse::yaml::{Node, Value};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a hook command in a settings file that runs a script of the project that does
    /// not exist, or that is run directly and is not executable. The script is the command's
    /// first word when it is a path (`./hooks/check.sh`,
    /// `"$CLAUDE_PROJECT_DIR"/.claude/hooks/check.sh`), or the script an interpreter runs
    /// (`python3 .claude/hooks/check.py`). Paths are taken from the project's folder (the one
    /// holding `.claude`); commands found on `PATH` and paths in the user's home are not
    /// checked.
    ///
    /// ## Why is this bad?
    /// Claude Code runs the hook, the shell fails ("No such file or directory", "Permission
    /// denied"), and the failure is not a refusal: a guard hook that cannot run guards
    /// nothing, and nothing says so in a headless run.
    ///
    /// ## Example
    /// ```json
    /// {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./.claude/hooks/no-such-guard.sh"}]}]}}
    /// ```
    ///
    /// Use instead:
    /// Commit the script (executable: `chmod +x`), or fix the path.
    pub RULE = { code: "AS801", name: "missing-hook-script", label: "no such script", category: Config, severity: Error, fix: None, dialects: ["claude-settings"] }
}

/// Programs that run a script given as an argument.
const INTERPRETERS: &[&str] = &[
    "bash", "sh", "zsh", "dash", "python", "python3", "node", "deno", "bun", "ruby", "perl",
    "pwsh", "tsx", "ts-node",
];

pub fn check(path: &Path, root: &Node, out: &mut Vec<Diagnostic>) {
    let Some(project) = super::project_of_settings(path) else {
        return;
    };
    // A path the project's `.gitignore` leaves out (`node_modules/.bin/x`, `.venv/bin/x`) is
    // made by a build, not committed: a fresh checkout lacks it until then.
    let ignored = {
        let mut builder = ignore::gitignore::GitignoreBuilder::new(project);
        let _ = builder.add(project.join(".gitignore"));
        builder.build().ok()
    };
    for (command, span) in hook_commands(root) {
        let Some((script, direct)) = script_of(&command) else {
            continue;
        };
        let file = project.join(&script);
        if ignored
            .as_ref()
            .is_some_and(|g| g.matched_path_or_any_parents(&file, false).is_ignore())
        {
            continue;
        }
        let script = script.display();
        if !file.exists() {
            out.push(
                RULE.diag(
                    span,
                    format!("the hook runs `{script}`, which is not in the project"),
                )
                .with_help("the hook fails every time it runs, and a failing hook refuses nothing: commit the script or fix the path"),
            );
        } else if direct && !executable(&file) {
            out.push(
                RULE.diag(
                    span,
                    format!("the hook runs `{script}`, which is not executable"),
                )
                .with_help(format!(
                    "run `chmod +x {script}` and commit the mode, or run it through its interpreter"
                )),
            );
        }
    }
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(_: &Path) -> bool {
    true
}

/// Every `command` of a `type: command` hook, with the span of its value.
fn hook_commands(root: &Node) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let Some(Node {
        value: Value::Map(events),
        ..
    }) = super::get(root, "hooks")
    else {
        return out;
    };
    for event in events {
        let Value::Seq(groups) = &event.value.value else {
            continue;
        };
        for group in groups {
            let Some(Node {
                value: Value::Seq(hooks),
                ..
            }) = super::get(group, "hooks")
            else {
                continue;
            };
            for hook in hooks {
                let is_command = super::get(hook, "type")
                    .and_then(|t| t.value.as_str())
                    .is_none_or(|t| t == "command");
                if let (true, Some(command)) = (is_command, super::get(hook, "command"))
                    && let Some(text) = command.value.as_str()
                {
                    out.push((text.to_owned(), command.span));
                }
            }
        }
    }
    out
}

/// The project script a command runs, relative to the project folder, and whether it is run
/// directly (and so must be executable). `None` when the command runs no project script that
/// can be told from its text.
fn script_of(command: &str) -> Option<(PathBuf, bool)> {
    let words = split_words(command)?;
    let mut words = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| is_assignment(w));
    let first = words.next()?;
    if let Some(path) = project_path(first) {
        return Some((path, true));
    }
    let program = first.rsplit('/').next().unwrap_or(first);
    if INTERPRETERS.contains(&program) {
        let script = words.find(|w| !w.starts_with('-'))?;
        return project_path(script).map(|p| (p, false));
    }
    None
}

/// `VAR=value` before a command.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// A word that names a file of the project: a relative path with a `/`, or one under
/// `$CLAUDE_PROJECT_DIR`; with no other variable, glob or home in it.
fn project_path(word: &str) -> Option<PathBuf> {
    let rest = ["$CLAUDE_PROJECT_DIR/", "${CLAUDE_PROJECT_DIR}/"]
        .iter()
        .find_map(|prefix| word.strip_prefix(prefix));
    let relative = match rest {
        Some(rest) => rest,
        None if word.starts_with('/') || word.starts_with('~') || !word.contains('/') => {
            return None;
        }
        None => word,
    };
    if relative.contains(['$', '*', '?', '`', '(', '<', '>', '|', ';', '&']) {
        return None;
    }
    Some(PathBuf::from(relative.trim_start_matches("./")))
}

/// The command's words, with quotes removed (`"$CLAUDE_PROJECT_DIR"/x` is one word); `None`
/// when the quoting does not close.
fn split_words(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, ';' | '&' | '|') => break,
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_a_command_runs() {
        let s = |c: &str| script_of(c).map(|(p, d)| (p.display().to_string(), d));
        assert_eq!(s("./hooks/a.sh --x"), Some(("hooks/a.sh".into(), true)));
        assert_eq!(
            s("\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/a.sh"),
            Some((".claude/hooks/a.sh".into(), true))
        );
        assert_eq!(
            s("python3 -u .claude/hooks/a.py"),
            Some((".claude/hooks/a.py".into(), false))
        );
        assert_eq!(
            s("FOO=1 bash scripts/x.sh"),
            Some(("scripts/x.sh".into(), false))
        );
        assert_eq!(s("agentspec run hook --bundle b"), None);
        assert_eq!(s("npx prettier --write"), None);
        assert_eq!(s("~/bin/guard.sh"), None);
        assert_eq!(s("/usr/local/bin/guard"), None);
        assert_eq!(s("$HOME/x.sh"), None);
    }
}
