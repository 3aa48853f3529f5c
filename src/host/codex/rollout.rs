//! What Codex records of a session in its rollout file (the hook input's `transcript_path`) and
//! its hook input does not say: the sandbox each turn runs the agent's commands in, and how
//! each command ended.
//!
//! Measured with Codex 0.169.0 (`codex exec`, offline): the rollout holds a `turn_context`
//! line for a turn (its `turn_id`, `sandbox_policy`, `file_system_sandbox_policy`) before the
//! turn's `UserPromptSubmit` hook runs, and an `item_completed` line for a shell command
//! (`"type": "CommandExecution"`, `id` = the call's `tool_use_id`, `exit_code`) before its
//! `PostToolUse` hook runs, whose `tool_response` is only the output. The hook input's
//! `permission_mode` reads `bypassPermissions` under every sandbox, so it says nothing.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

/// The largest rollout read (a long session's log is a few megabytes).
const MAX_ROLLOUT: u64 = 256 * 1024 * 1024;

/// Where the agent's commands may write in one turn, as Codex recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnSandbox {
    /// `workspace-write`, `read-only` or `danger-full-access`.
    pub mode: String,
    /// Paths with their access; the most specific one decides. Absent paths read-only.
    entries: Vec<(PathBuf, bool)>,
    /// Everything is writable (`danger-full-access`, or a writable root entry).
    everything: bool,
    /// The agent's commands may reach the network (a push needs nothing else).
    pub network: bool,
}

impl TurnSandbox {
    /// Whether the agent's commands can write `path` (or, for a folder, something in it).
    pub fn writable(&self, path: &Path) -> bool {
        if self.everything {
            return true;
        }
        let real = std::fs::canonicalize(path).ok();
        [Some(path.to_path_buf()), real]
            .into_iter()
            .flatten()
            .any(|p| self.decides(&p))
            || self
                .entries
                .iter()
                .any(|(root, write)| *write && (root.starts_with(path)))
    }

    fn decides(&self, path: &Path) -> bool {
        self.entries
            .iter()
            .filter(|(root, _)| path.starts_with(root))
            .max_by_key(|(root, _)| root.components().count())
            .is_some_and(|(_, write)| *write)
    }

    /// The folders the agent's commands may write (for messages).
    pub fn writable_roots(&self) -> Vec<PathBuf> {
        if self.everything {
            return vec![PathBuf::from("/")];
        }
        self.entries
            .iter()
            .filter(|(_, w)| *w)
            .map(|(p, _)| p.clone())
            .collect()
    }
}

fn read(transcript: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(transcript).map_err(|e| {
        format!(
            "cannot read Codex's session log {}: {e}",
            transcript.display()
        )
    })?;
    if meta.len() > MAX_ROLLOUT {
        return Err(format!(
            "Codex's session log {} is larger than {MAX_ROLLOUT} bytes",
            transcript.display()
        ));
    }
    crate::fsutil::read_regular(transcript)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| {
            format!(
                "cannot read Codex's session log {}: {e}",
                transcript.display()
            )
        })
}

/// The sandbox of turn `turn_id`, from the session's rollout. `tmpdir` is Codex's `TMPDIR`
/// (the hook inherits Codex's environment).
pub fn turn_sandbox(
    transcript: &Path,
    turn_id: &str,
    tmpdir: Option<&Path>,
) -> Result<TurnSandbox, String> {
    let text = read(transcript)?;
    let context = text
        .lines()
        .rev()
        .filter(|l| l.contains("\"turn_context\"") && l.contains(turn_id))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| {
            v.get("type").and_then(Value::as_str) == Some("turn_context")
                && v.pointer("/payload/turn_id").and_then(Value::as_str) == Some(turn_id)
        })
        .ok_or_else(|| {
            format!(
                "Codex's session log {} holds no settings for turn {turn_id}",
                transcript.display()
            )
        })?;
    sandbox_of(&context["payload"], tmpdir)
}

/// The sandbox a `turn_context` payload records.
pub fn sandbox_of(payload: &Value, tmpdir: Option<&Path>) -> Result<TurnSandbox, String> {
    let mode = payload
        .pointer("/sandbox_policy/type")
        .and_then(Value::as_str)
        .ok_or("Codex's session log records no sandbox for the turn")?
        .to_owned();
    match mode.as_str() {
        "danger-full-access" => Ok(TurnSandbox {
            mode,
            entries: Vec::new(),
            everything: true,
            network: true,
        }),
        "read-only" => Ok(TurnSandbox {
            mode,
            entries: Vec::new(),
            everything: false,
            network: payload.pointer("/sandbox_policy/network_access") == Some(&Value::Bool(true)),
        }),
        "workspace-write" => {
            let mut sandbox = TurnSandbox {
                mode,
                entries: Vec::new(),
                everything: false,
                network: payload.pointer("/sandbox_policy/network_access")
                    != Some(&Value::Bool(false)),
            };
            if let Some(kind) = payload
                .pointer("/file_system_sandbox_policy/kind")
                .and_then(Value::as_str)
                && kind != "restricted"
            {
                return Err(format!(
                    "Codex records a file-system policy agentspec does not know (`{kind}`)"
                ));
            }
            match payload
                .pointer("/file_system_sandbox_policy/entries")
                .and_then(Value::as_array)
            {
                Some(entries) => {
                    for entry in entries {
                        sandbox.add(entry, tmpdir)?;
                    }
                }
                None => sandbox.derive(payload, tmpdir),
            }
            Ok(sandbox)
        }
        other => Err(format!(
            "Codex runs the turn in a sandbox agentspec does not know (`{other}`)"
        )),
    }
}

impl TurnSandbox {
    fn add(&mut self, entry: &Value, tmpdir: Option<&Path>) -> Result<(), String> {
        // Anything but a known read-only access counts as writable.
        let write = !matches!(
            entry.get("access").and_then(Value::as_str),
            Some("read" | "none" | "deny")
        );
        let path = &entry["path"];
        let resolved = match path.get("type").and_then(Value::as_str) {
            Some("path") => path
                .get("path")
                .and_then(Value::as_str)
                .map(|p| vec![PathBuf::from(p)]),
            Some("special") => match path.pointer("/value/kind").and_then(Value::as_str) {
                Some("root") => {
                    if write {
                        self.everything = true;
                    }
                    Some(vec![PathBuf::from("/")])
                }
                Some("slash_tmp") => Some(vec![PathBuf::from("/tmp")]),
                Some("tmpdir") => Some(tmpdir.map(Path::to_path_buf).into_iter().collect()),
                _ => None,
            },
            _ => None,
        };
        match resolved {
            Some(paths) => {
                for p in paths {
                    // Both as written and with links followed: the path checked is looked up
                    // in both forms too.
                    if let Ok(real) = std::fs::canonicalize(&p)
                        && real != p
                    {
                        self.entries.push((clean(&real), write));
                    }
                    self.entries.push((clean(&p), write));
                }
                Ok(())
            }
            // A place agentspec cannot name that the agent may write: fail closed.
            None if write => Err(format!(
                "Codex's sandbox lets the agent write a place agentspec does not know: {path}"
            )),
            // A read-only place agentspec cannot name only makes less writable.
            None => Ok(()),
        }
    }

    /// The writable places of a `workspace-write` policy without the file-system entries:
    /// the working folder and the extra roots, `/tmp` and `TMPDIR` unless excluded, with
    /// `.git`, `.agents` and `.codex` in each root read-only.
    fn derive(&mut self, payload: &Value, tmpdir: Option<&Path>) {
        let policy = &payload["sandbox_policy"];
        let mut roots: Vec<PathBuf> = policy
            .get("writable_roots")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(cwd) = payload.get("cwd").and_then(Value::as_str) {
            roots.push(PathBuf::from(cwd));
        }
        let flag = |k: &str| policy.get(k).and_then(Value::as_bool).unwrap_or(false);
        if !flag("exclude_slash_tmp") {
            roots.push(PathBuf::from("/tmp"));
        }
        if !flag("exclude_tmpdir_env_var")
            && let Some(t) = tmpdir
        {
            roots.push(t.to_path_buf());
        }
        for root in roots {
            let root = clean(&root);
            for name in [".git", ".agents", ".codex"] {
                self.entries.push((root.join(name), false));
            }
            self.entries.push((root, true));
        }
    }
}

/// A path without `.` components or a trailing slash.
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// How the shell command of call `call_id` ended, from the session's rollout: `None` when the
/// log does not say (then the command counts as not having succeeded).
pub fn exit_code(transcript: &Path, call_id: &str) -> Option<i64> {
    let text = read(transcript).ok()?;
    text.lines()
        .rev()
        .filter(|l| l.contains("\"CommandExecution\"") && l.contains(call_id))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find_map(|v| {
            let item = v.pointer("/payload/item")?;
            (item.get("type")?.as_str()? == "CommandExecution"
                && item.get("id")?.as_str()? == call_id)
                .then(|| item.get("exit_code")?.as_i64())
                .flatten()
        })
}

/// The arguments the model gave the function call `call_id` (a JSON object), from the
/// session's rollout: written there before the call's `PreToolUse` hook runs (measured with
/// 0.169.0), with what the hook input leaves out, such as `sandbox_permissions`.
pub fn call_arguments(transcript: &Path, call_id: &str) -> Option<Value> {
    let text = read(transcript).ok()?;
    text.lines()
        .rev()
        .filter(|l| l.contains(call_id) && l.contains("\"response_item\""))
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find_map(|v| {
            let p = v.get("payload")?;
            if p.get("call_id")?.as_str()? != call_id {
                return None;
            }
            // A function call's arguments are a JSON string; another kind of call (a local
            // shell call's `action`, a free-form tool's input) is taken as it is.
            Some(match p.get("arguments") {
                Some(Value::String(args)) => serde_json::from_str(args).unwrap_or(Value::Null),
                Some(other) => other.clone(),
                None => p
                    .get("action")
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default())),
            })
        })
}

/// Why a shell call's arguments ask to run outside the sandbox, if they do.
pub fn escalation(arguments: &Value) -> Option<String> {
    match arguments.get("sandbox_permissions") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "use_default" => None,
        Some(other) => Some(format!("`sandbox_permissions: {other}`")),
    }
    .or_else(|| {
        (arguments.get("with_escalated_permissions") == Some(&Value::Bool(true)))
            .then(|| "`with_escalated_permissions: true`".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn workspace() -> Value {
        json!({
            "turn_id": "t1",
            "cwd": "/p",
            "sandbox_policy": {"type": "workspace-write", "network_access": false},
            "file_system_sandbox_policy": {"kind": "restricted", "entries": [
                {"path": {"type": "special", "value": {"kind": "root"}}, "access": "read"},
                {"path": {"type": "path", "path": "/p"}, "access": "write"},
                {"path": {"type": "special", "value": {"kind": "slash_tmp"}}, "access": "write"},
                {"path": {"type": "special", "value": {"kind": "tmpdir"}}, "access": "write"},
                {"path": {"type": "path", "path": "/p/.git"}, "access": "read", "missing_path_behavior": "skip"},
                {"path": {"type": "path", "path": "/p/.codex"}, "access": "read", "missing_path_behavior": "skip"}
            ]}
        })
    }

    #[test]
    fn workspace_write_keeps_git_and_codex_read_only() {
        let s = sandbox_of(&workspace(), Some(Path::new("/var/t"))).unwrap();
        assert!(s.writable(Path::new("/p/src/main.rs")));
        assert!(!s.writable(Path::new("/p/.git/refs/heads/main")));
        assert!(!s.writable(Path::new("/p/.codex/hooks.json")));
        assert!(s.writable(Path::new("/tmp/x")));
        assert!(s.writable(Path::new("/var/t/x")));
        assert!(!s.writable(Path::new("/home/u/.codex/config.toml")));
        // A folder that holds a writable root counts as writable.
        assert!(s.writable(Path::new("/")));
    }

    #[test]
    fn full_access_and_unknown_modes() {
        let s = sandbox_of(
            &json!({"sandbox_policy": {"type": "danger-full-access"}}),
            None,
        )
        .unwrap();
        assert!(s.writable(Path::new("/p/.git/HEAD")));
        let s = sandbox_of(&json!({"sandbox_policy": {"type": "read-only"}}), None).unwrap();
        assert!(!s.writable(Path::new("/p/x")));
        assert!(
            sandbox_of(
                &json!({"sandbox_policy": {"type": "external-sandbox"}}),
                None
            )
            .is_err()
        );
        assert!(sandbox_of(&json!({}), None).is_err());
        let mut odd = workspace();
        odd["file_system_sandbox_policy"]["entries"]
            .as_array_mut()
            .unwrap()
            .push(
                json!({"path": {"type": "special", "value": {"kind": "home"}}, "access": "write"}),
            );
        assert!(sandbox_of(&odd, None).is_err());
    }

    #[test]
    fn derived_when_the_entries_are_missing() {
        let s = sandbox_of(
            &json!({"cwd": "/p", "sandbox_policy": {"type": "workspace-write", "exclude_slash_tmp": true}}),
            None,
        )
        .unwrap();
        assert!(s.writable(Path::new("/p/a")));
        assert!(!s.writable(Path::new("/p/.git/HEAD")));
        assert!(!s.writable(Path::new("/tmp/a")));
    }

    #[test]
    fn turn_and_exit_code_from_a_rollout() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("rollout.jsonl");
        let lines = [
            json!({"type": "session_meta", "payload": {}}),
            json!({"type": "turn_context", "payload": workspace()}),
            json!({"type": "event_msg", "payload": {"type": "item_completed", "item": {"type": "CommandExecution", "id": "call_1", "exit_code": 3}}}),
        ];
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&log, text).unwrap();
        assert_eq!(
            turn_sandbox(&log, "t1", None).unwrap().mode,
            "workspace-write"
        );
        assert!(turn_sandbox(&log, "t2", None).is_err());
        assert_eq!(exit_code(&log, "call_1"), Some(3));
        assert_eq!(exit_code(&log, "call_2"), None);
        assert!(turn_sandbox(&dir.path().join("none"), "t1", None).is_err());
        let call = json!({"type": "response_item", "payload": {"type": "function_call", "call_id": "call_9",
            "arguments": "{\"cmd\": \"touch x\", \"sandbox_permissions\": \"require_escalated\"}"}});
        std::fs::write(&log, format!("{call}\n")).unwrap();
        let args = call_arguments(&log, "call_9").unwrap();
        assert!(escalation(&args).unwrap().contains("require_escalated"));
        assert!(escalation(&json!({"cmd": "x", "sandbox_permissions": "use_default"})).is_none());
        assert!(escalation(&json!({"with_escalated_permissions": true})).is_some());
    }
}
