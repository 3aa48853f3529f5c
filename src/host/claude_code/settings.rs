//! Claude Code as the host: its tool names and inputs mapped onto the decision core's
//! [`Action`]s. The only place that knows `Bash`, `Edit` or `Agent`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::policy::decide::Action;
use crate::runner::confine::Confinement;

/// What Claude Code keeps within the agent's reach and reads or runs outside its sandbox: the
/// settings (the hooks), agent definitions, commands, skills, hook scripts, MCP servers, and
/// the same in the user's home folder.
pub fn host_files() -> crate::policy::protect::HostFiles {
    crate::policy::protect::HostFiles::from_tables(
        &[
            (
                &[".claude", "settings.json"],
                "Claude Code's settings (the hooks)",
            ),
            (
                &[".claude", "settings.local.json"],
                "Claude Code's settings (the hooks)",
            ),
            (&[".claude", "agents"], "the agent definitions"),
            // Hook scripts, commands and skills there run outside the sandbox when Claude Code
            // runs them; MCP servers a project names start outside it too.
            (
                &[".claude"],
                "Claude Code's configuration (hooks, commands, skills)",
            ),
            (
                &[".mcp.json"],
                "the project's MCP servers, which Claude Code starts",
            ),
        ],
        &[
            (
                ".claude/settings.json",
                "Claude Code's user settings (the hooks)",
            ),
            (
                ".claude/settings.local.json",
                "Claude Code's user settings (the hooks)",
            ),
            (".claude", "Claude Code's user configuration"),
            (
                ".claude.json",
                "Claude Code's user configuration (its MCP servers)",
            ),
        ],
        &[
            ".claude",
            "settings.json",
            "settings.local.json",
            "agents",
            "agent.md",
        ],
        &[".claude", "disableAllHooks"],
    )
}

/// Tools that change files.
const EDIT_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];

/// The action of a tool call; an error for an input Claude Code never sends (a `command` that
/// is not a string), so that the runner refuses it instead of guessing.
pub fn action(tool: &str, input: &Value) -> Result<Action, String> {
    let string = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
    let required = |key: &str| {
        string(key).ok_or_else(|| format!("`{tool}` input has no string `{key}`: {input}"))
    };
    Ok(match tool {
        "Bash" => Action::Shell {
            command: required("command")?,
        },
        _ if EDIT_TOOLS.contains(&tool) => Action::Edit {
            path: string("file_path")
                .or_else(|| string("notebook_path"))
                .ok_or_else(|| format!("`{tool}` input has no string `file_path`: {input}"))?,
        },
        "Agent" | "Task" => Action::Spawn {
            agent: string("subagent_type"),
        },
        _ => Action::Other {
            target: ["file_path", "path", "url", "pattern", "notebook_path"]
                .iter()
                .find_map(|k| string(k)),
        },
    })
}

/// Names Claude Code's sandbox mounts a read-only stand-in for at the top of the work tree
/// when they are missing (measured with 2.1.328 and 2.1.332: `git status` inside the sandbox
/// lists them as untracked, and `git add -A` fails on them: "can only add regular files").
pub const SANDBOX_STAND_INS: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".zshrc",
    ".zprofile",
    ".profile",
    ".gitconfig",
    ".gitmodules",
    ".ripgreprc",
    ".mcp.json",
    ".vscode",
    ".idea",
];

/// The settings files Claude Code merges, highest precedence first: managed, the file given
/// with `--settings` (`run task`'s), local, project, user.
pub fn settings_layers(project: &Path, home: Option<&Path>, flag: Option<&Path>) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("/etc/claude-code/managed-settings.json")];
    out.extend(flag.map(Path::to_path_buf));
    for p in [
        project.join(".claude/settings.local.json"),
        project.join(".claude/settings.json"),
    ] {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    if let Some(home) = home {
        out.push(home.join(".claude/settings.json"));
    }
    out
}

/// The files inside `project` that the hooks of these settings run (a script named in a hook's
/// command or arguments, through `$CLAUDE_PROJECT_DIR` or relative to the project): Claude
/// Code runs hooks outside the sandbox, so such a script must be read-only to the agent.
pub fn hook_scripts(settings: &[Value], project: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let project_text = project.display().to_string();
    for layer in settings {
        let hooks = layer.get("hooks").and_then(Value::as_object);
        for entry in hooks
            .into_iter()
            .flat_map(|h| h.values())
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|group| group.get("hooks").and_then(Value::as_array))
            .flatten()
        {
            let mut words: Vec<String> = Vec::new();
            if let Some(command) = entry.get("command").and_then(Value::as_str) {
                words.extend(
                    command
                        .split(|c: char| c.is_whitespace() || ";|&()<>`".contains(c))
                        .map(|w| w.replace(['"', '\''], "")),
                );
            }
            if let Some(args) = entry.get("args").and_then(Value::as_array) {
                words.extend(args.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            for word in words
                .iter()
                .filter(|w| !w.is_empty() && !w.starts_with('-'))
            {
                let word = word
                    .replace("${CLAUDE_PROJECT_DIR}", &project_text)
                    .replace("$CLAUDE_PROJECT_DIR", &project_text);
                let path = project.join(&word);
                let Ok(real) = std::fs::canonicalize(&path) else {
                    continue;
                };
                if real.starts_with(project) && real.is_file() && !out.contains(&real) {
                    out.push(real);
                }
            }
        }
    }
    out
}

/// The block agentspec keeps in `.git/info/exclude`.
const EXCLUDE_BEGIN: &str = "# agentspec: stand-ins Claude Code's sandbox mounts for missing files (kept out of `git add -A`)";
const EXCLUDE_END: &str = "# agentspec: end";

/// Keeps the sandbox's stand-ins for missing files out of `git add -A`: lists, in
/// `.git/info/exclude` (the repository's own ignore file, never committed), the
/// [`SANDBOX_STAND_INS`] that do not exist in the work tree. A name that exists is not
/// listed, so a real `.vscode/` stays visible to git. Rewritten only when the list changes.
pub fn exclude_stand_ins(project: &Path) -> std::io::Result<()> {
    exclude_missing(
        project,
        SANDBOX_STAND_INS.iter().chain(PROTECTED_IN_WORK_TREE),
    )
}

/// Files in the work tree that `hooks install` denies Claude Code's file tools
/// (`permissions.deny` `Edit(...)` rules, which the sandbox merges into `denyWrite`): when one
/// is missing, the sandbox mounts a stand-in for it too.
const PROTECTED_IN_WORK_TREE: &[&str] = &["agentspec.toml", ".claude/settings.local.json"];

fn exclude_missing<'a>(
    project: &Path,
    names: impl Iterator<Item = &'a &'a str>,
) -> std::io::Result<()> {
    let Some(layout) = crate::runner::confine::GitLayout::discover(project) else {
        return Ok(());
    };
    let path = layout.common_dir.join("info").join("exclude");
    let text = match crate::fsutil::read_regular(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let mut kept = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line == EXCLUDE_BEGIN {
            inside = true;
        } else if line == EXCLUDE_END {
            inside = false;
        } else if !inside {
            kept.push(line);
        }
    }
    let missing: Vec<String> = names
        .filter(|name| std::fs::symlink_metadata(project.join(name)).is_err())
        .map(|name| format!("/{name}"))
        .collect();
    let mut next = kept.join("\n");
    if !next.is_empty() {
        next.push('\n');
    }
    if !missing.is_empty() {
        next.push_str(EXCLUDE_BEGIN);
        next.push('\n');
        for m in &missing {
            next.push_str(m);
            next.push('\n');
        }
        next.push_str(EXCLUDE_END);
        next.push('\n');
    }
    if next == text {
        return Ok(());
    }
    std::fs::create_dir_all(crate::fsutil::parent_dir(&path))?;
    crate::fsutil::write_atomic(&path, next.as_bytes(), crate::fsutil::Durability::Renamed)
}

/// Claude Code's sandbox settings for a confinement: on, no way out for the model, every
/// enforcement path read-only, publishing credentials hidden, the network limited to the
/// registries.
pub fn merge_sandbox(settings: &mut Map<String, Value>, confinement: &Confinement) {
    let strings = |paths: &[PathBuf]| -> Vec<Value> {
        paths
            .iter()
            .map(|p| Value::String(p.display().to_string()))
            .collect()
    };
    with_object(settings, "sandbox", |sandbox| {
        sandbox.insert("enabled".to_owned(), Value::Bool(true));
        // With bubblewrap or socat missing Claude Code would run every command unconfined
        // with a warning; this makes it refuse to start instead.
        sandbox.insert("failIfUnavailable".to_owned(), Value::Bool(true));
        // The model's `dangerouslyDisableSandbox` is ignored: every command runs sandboxed.
        sandbox.insert("allowUnsandboxedCommands".to_owned(), Value::Bool(false));
        with_object(sandbox, "filesystem", |filesystem| {
            union(filesystem, "denyWrite", strings(&confinement.read_only));
            union(filesystem, "allowWrite", strings(&confinement.writable));
        });
        with_object(sandbox, "network", |network| {
            let domains = confinement.domains.iter().cloned().map(Value::String);
            union(network, "allowedDomains", domains.collect());
        });
        with_object(sandbox, "credentials", |credentials| {
            let env = confinement.hidden_env.iter();
            union(
                credentials,
                "envVars",
                env.map(|n| json!({"name": n, "mode": "deny"})).collect(),
            );
            let files = confinement.hidden_files.iter();
            union(
                credentials,
                "files",
                files
                    .map(|p| json!({"path": p.display().to_string(), "mode": "deny"}))
                    .collect(),
            );
        });
    });
}

/// Calls `f` with the object at `key`, made (or replacing what is not an object) in place.
fn with_object(map: &mut Map<String, Value>, key: &str, f: impl FnOnce(&mut Map<String, Value>)) {
    if !map.get(key).is_some_and(Value::is_object) {
        map.insert(key.to_owned(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(object)) = map.get_mut(key) {
        f(object);
    }
}

/// Adds `values` to the list at `key`, keeping what is there.
fn union(map: &mut Map<String, Value>, key: &str, values: Vec<Value>) {
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    if let Value::Array(list) = entry {
        for v in values {
            if !list.contains(&v) {
                list.push(v);
            }
        }
    }
}

/// What the merged settings say about the sandbox, as far as the runner relies on it.
#[derive(Debug, Clone, Default)]
pub struct SandboxView {
    /// Bash commands matching these run outside the sandbox (`sandbox.excludedCommands`).
    pub excluded: Vec<String>,
}

/// Whether Claude Code will run the agent's Bash commands in a sandbox that keeps
/// `confinement`: on, no way out, filesystem isolation not switched off, every read-only path
/// denied. An error names what is missing.
pub fn sandbox_in_effect(
    layers: &[PathBuf],
    confinement: &Confinement,
) -> Result<SandboxView, String> {
    let values: Vec<(PathBuf, Value)> = layers
        .iter()
        .filter_map(|p| {
            let bytes = crate::fsutil::read_regular(p).ok()?;
            let v: Value = serde_json::from_slice(&bytes).ok()?;
            Some((p.clone(), v))
        })
        .collect();
    // The highest-precedence layer that sets a key decides it.
    let first = |pointer: &str| {
        values
            .iter()
            .find_map(|(_, v)| v.pointer(pointer).filter(|x| !x.is_null()))
    };
    if first("/sandbox/enabled") != Some(&Value::Bool(true)) {
        return Err("Claude Code's sandbox is not enabled (`sandbox.enabled`)".to_owned());
    }
    if first("/sandbox/failIfUnavailable") != Some(&Value::Bool(true)) {
        return Err(
            "`sandbox.failIfUnavailable` is not true: without bubblewrap Claude Code would run commands unconfined"
                .to_owned(),
        );
    }
    let anywhere = |pointer: &str, value: &Value| {
        values
            .iter()
            .any(|(_, v)| v.pointer(pointer) == Some(value))
    };
    if !anywhere("/sandbox/allowUnsandboxedCommands", &Value::Bool(false)) {
        return Err(
            "`sandbox.allowUnsandboxedCommands` is not false: the model could run commands outside the sandbox"
                .to_owned(),
        );
    }
    // Honoured from user and managed settings only, and it turns filesystem isolation off.
    if anywhere("/sandbox/filesystem/disabled", &Value::Bool(true)) {
        return Err(
            "`sandbox.filesystem.disabled` switches the sandbox's filesystem isolation off"
                .to_owned(),
        );
    }
    if anywhere("/sandbox/allowNestedUserNamespaces", &Value::Bool(true)) {
        return Err("`sandbox.allowNestedUserNamespaces` lets commands make a sandbox of their own that writes past `denyWrite`".to_owned());
    }
    let mut denied = Vec::new();
    let mut excluded = Vec::new();
    for (_, v) in &values {
        for d in v
            .pointer("/sandbox/filesystem/denyWrite")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            denied.push(d.to_owned());
        }
        for e in v
            .pointer("/sandbox/excludedCommands")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            excluded.push(e.to_owned());
        }
    }
    let missing: Vec<String> = confinement
        .read_only
        .iter()
        .map(|p| p.display().to_string())
        .filter(|p| !denied.contains(p))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "`sandbox.filesystem.denyWrite` no longer holds {}",
            missing.join(", ")
        ));
    }
    Ok(SandboxView { excluded })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tools_map_to_actions() {
        assert_eq!(
            action("Bash", &json!({"command": "ls"})),
            Ok(Action::Shell {
                command: "ls".into()
            })
        );
        assert_eq!(
            action("Edit", &json!({"file_path": "/p/a.ts"})),
            Ok(Action::Edit {
                path: "/p/a.ts".into()
            })
        );
        assert_eq!(
            action("Task", &json!({"subagent_type": "backend"})),
            Ok(Action::Spawn {
                agent: Some("backend".into())
            })
        );
        assert!(action("Bash", &json!({"command": ["git", "commit"]})).is_err());
        assert!(action("Write", &json!({"content": "x"})).is_err());
        assert_eq!(
            action("WebFetch", &json!({"url": "https://x"})),
            Ok(Action::Other {
                target: Some("https://x".into())
            })
        );
    }
}
