//! Adapters around [`decide`](crate::policy::decide): the Claude Code hook contract, the
//! per-session state on disk (locked, written atomically) and the audit log.

pub mod install;
pub mod replay;
pub mod task;

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::policy::decide::{self, Decision, Event, SessionState};
use crate::policy::{AgentPolicy, Bundle};

/// How long a hook waits for another hook of the same session to release the state lock.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("invalid bundle: {0}")]
    Bundle(#[from] crate::policy::BundleError),
    #[error("cannot parse the hook input: {0}")]
    Input(String),
    #[error("state: {0}")]
    State(String),
    #[error("timed out after {0:?} waiting for the session state lock")]
    LockTimeout(Duration),
}

/// What the hook prints and how it exits, in Claude Code's contract.
#[derive(Debug, Clone, PartialEq)]
pub struct HookReply {
    pub stdout: String,
    pub exit_code: i32,
}

/// The state the runner keeps per session (and agent).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredState {
    core: SessionState,
    /// Decisions already given, by `<event>:<tool_use_id>`, so a repeated event gets the same
    /// answer and changes nothing.
    decided: BTreeMap<String, Decision>,
}

/// A hook event as Claude Code sends it (unknown fields ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct HookInput {
    pub session_id: String,
    pub hook_event_name: String,
    #[serde(default)]
    pub agent_id: Option<String>,
    #[serde(default)]
    pub agent_type: Option<String>,
    #[serde(default)]
    pub tool_name: Option<String>,
    #[serde(default)]
    pub tool_input: Option<Value>,
    #[serde(default)]
    pub tool_response: Option<Value>,
    #[serde(default)]
    pub tool_use_id: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub stop_hook_active: Option<bool>,
    #[serde(default)]
    pub last_assistant_message: Option<String>,
}

impl HookInput {
    /// The decision-core event, or `None` for events the runner does not act on.
    pub fn event(&self) -> Option<Event> {
        let tool = || self.tool_name.clone().unwrap_or_default();
        let input = || self.tool_input.clone().unwrap_or(Value::Null);
        Some(match self.hook_event_name.as_str() {
            "SessionStart" => Event::SessionStart,
            "UserPromptSubmit" => Event::UserPrompt {
                text: self.prompt.clone().unwrap_or_default(),
            },
            "PreToolUse" => Event::ToolRequested {
                tool: tool(),
                input: input(),
            },
            "PostToolUse" => Event::ToolFinished {
                tool: tool(),
                input: input(),
                success: true,
                summary: summary(self.tool_response.as_ref()),
            },
            "PostToolUseFailure" => Event::ToolFinished {
                tool: tool(),
                input: input(),
                success: false,
                summary: self.error.clone().unwrap_or_default(),
            },
            "Stop" | "SubagentStop" => Event::StopRequested {
                last_message: self.last_assistant_message.clone().unwrap_or_default(),
                stop_hook_active: self.stop_hook_active.unwrap_or(false),
            },
            _ => return None,
        })
    }

    /// Events whose answer can deny or block something: a failure there must fail closed.
    pub fn is_gating(&self) -> bool {
        matches!(
            self.hook_event_name.as_str(),
            "PreToolUse" | "Stop" | "SubagentStop" | "UserPromptSubmit"
        )
    }
}

fn summary(response: Option<&Value>) -> String {
    let text = match response {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    text.chars().take(200).collect()
}

/// Options of `agentspec run hook`.
#[derive(Debug, Clone)]
pub struct HookOptions {
    pub bundle: PathBuf,
    pub state_dir: PathBuf,
    /// The policy that governs the main session (events without `agent_type`).
    pub main_agent: Option<String>,
}

/// Claude Code's answer for a decision.
pub fn reply_for(event_name: &str, decision: &Decision) -> HookReply {
    let stdout = match (event_name, decision) {
        ("PreToolUse", Decision::Deny { reason, .. }) => json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        })
        .to_string(),
        ("PreToolUse", Decision::Ask { reason }) => json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "ask",
                "permissionDecisionReason": reason,
            }
        })
        .to_string(),
        (_, Decision::Block { reason, .. }) => {
            json!({"decision": "block", "reason": reason}).to_string()
        }
        // Allowing prints nothing: Claude Code's own permission checks still apply.
        _ => String::new(),
    };
    HookReply {
        stdout,
        exit_code: 0,
    }
}

/// A session or agent id as a file name.
pub(crate) fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect()
}

/// An exclusive lock on a file, released when dropped.
struct Lock(File);

impl Lock {
    fn acquire(path: &Path, timeout: Duration) -> Result<Lock, RunnerError> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| RunnerError::State(format!("{}: {e}", path.display())))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock(file)),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(RunnerError::LockTimeout(timeout));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(RunnerError::State(format!("{}: {e}", path.display())));
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Renaming makes the write atomic for every reader; the state is not worth an fsync on
    // every hook (it would cost more than the rest of the hook together).
    crate::fsutil::write_atomic(path, bytes, crate::fsutil::Durability::Renamed)
}

/// Bundle files that passed schema validation, as empty files named by their key.
struct StateMemo(PathBuf);

impl crate::policy::ValidationMemo for StateMemo {
    fn validated(&self, key: &str) -> bool {
        self.0.join(key).is_file()
    }

    fn remember(&self, key: &str) {
        // Best effort: a memo that cannot be written only costs the next hook a validation.
        let _ = std::fs::create_dir_all(&self.0).and_then(|()| {
            crate::fsutil::write_atomic(&self.0.join(key), b"", crate::fsutil::Durability::Renamed)
        });
    }
}

/// Handles one hook event end to end. Errors are for the caller to turn into a fail-closed
/// answer (exit 2).
pub fn handle_hook(input_json: &str, options: &HookOptions) -> Result<HookReply, RunnerError> {
    let raw: Value =
        serde_json::from_str(input_json).map_err(|e| RunnerError::Input(e.to_string()))?;
    let input: HookInput =
        serde_json::from_value(raw.clone()).map_err(|e| RunnerError::Input(e.to_string()))?;
    let agent = input
        .agent_type
        .clone()
        .or_else(|| options.main_agent.clone());
    // Only the manifest and the governing agent's policy are read and verified; schema
    // validation is remembered per file content in the state folder.
    let memo = StateMemo(options.state_dir.join("validated"));
    let bundle = Bundle::load_agent_with(&options.bundle, agent.as_deref().unwrap_or(""), &memo)?;
    let policy = agent.as_ref().and_then(|a| bundle.agents.get(a));
    let (Some(event), Some(policy)) = (input.event(), policy) else {
        // Not an event the runner acts on, or an agent the bundle does not govern.
        audit(
            options,
            &raw,
            &input,
            &bundle,
            agent.as_deref(),
            &Decision::Allow,
            "not governed",
        )?;
        return Ok(HookReply {
            stdout: String::new(),
            exit_code: 0,
        });
    };
    std::fs::create_dir_all(&options.state_dir)
        .map_err(|e| RunnerError::State(format!("{}: {e}", options.state_dir.display())))?;
    let key = match &input.agent_id {
        Some(agent_id) => format!("{}--{}", sanitize(&input.session_id), sanitize(agent_id)),
        None => sanitize(&input.session_id),
    };
    let state_path = options.state_dir.join(format!("{key}.json"));
    let _lock = Lock::acquire(&options.state_dir.join(format!("{key}.lock")), LOCK_TIMEOUT)?;
    let mut stored: StoredState = match std::fs::read(&state_path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| RunnerError::State(format!("{} is corrupt: {e}", state_path.display())))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoredState::default(),
        Err(e) => return Err(RunnerError::State(format!("{}: {e}", state_path.display()))),
    };
    let idempotency_key = input
        .tool_use_id
        .as_ref()
        .map(|id| format!("{}:{id}", input.hook_event_name));
    let decision = match idempotency_key.as_ref().and_then(|k| stored.decided.get(k)) {
        Some(previous) => previous.clone(),
        None => {
            let (decision, next) = decide::decide(policy, &stored.core, &event);
            stored.core = next;
            if let Some(k) = idempotency_key {
                stored.decided.insert(k, decision.clone());
            }
            let bytes =
                serde_json::to_vec(&stored).map_err(|e| RunnerError::State(e.to_string()))?;
            write_atomic(&state_path, &bytes)
                .map_err(|e| RunnerError::State(format!("{}: {e}", state_path.display())))?;
            decision
        }
    };
    let note = if stored.core.finished_unmet.is_empty() {
        ""
    } else {
        "finished with the Definition of Done unmet"
    };
    audit(
        options,
        &raw,
        &input,
        &bundle,
        Some(&policy.name),
        &decision,
        note,
    )?;
    Ok(reply_for(&input.hook_event_name, &decision))
}

/// Appends one line to the audit log (`<state dir>/audit.jsonl`).
fn audit(
    options: &HookOptions,
    raw: &Value,
    input: &HookInput,
    bundle: &Bundle,
    agent: Option<&str>,
    decision: &Decision,
    note: &str,
) -> Result<(), RunnerError> {
    std::fs::create_dir_all(&options.state_dir)
        .map_err(|e| RunnerError::State(format!("{}: {e}", options.state_dir.display())))?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let (kind, reason, rule) = match decision {
        Decision::Allow => ("allow", None, None),
        Decision::Deny { reason, rule } => ("deny", Some(reason.as_str()), Some(rule.as_str())),
        Decision::Ask { reason } => ("ask", Some(reason.as_str()), None),
        Decision::Block { reason, rule } => ("block", Some(reason.as_str()), Some(rule.as_str())),
    };
    let line = json!({
        "id": format!("{}-{}-{}", now.as_secs(), now.subsec_nanos(), std::process::id()),
        "time": now.as_secs_f64(),
        "session": input.session_id,
        "agent": agent,
        "event": input.hook_event_name,
        "tool": input.tool_name,
        "tool_use_id": input.tool_use_id,
        "decision": kind,
        "reason": reason,
        "rule": rule,
        "note": if note.is_empty() { Value::Null } else { Value::String(note.to_owned()) },
        "bundle_revision": bundle.manifest.revision,
        // The whole hook input, so that `agentspec run replay` can replay the log exactly.
        "input": raw,
    });
    let path = options.state_dir.join("audit.jsonl");
    let _lock = Lock::acquire(&options.state_dir.join("audit.lock"), LOCK_TIMEOUT)?;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| RunnerError::State(format!("{}: {e}", path.display())))?;
    file.write_all(format!("{line}\n").as_bytes())
        .map_err(|e| RunnerError::State(format!("{}: {e}", path.display())))?;
    Ok(())
}

/// The policy an agent name selects, for tests and replays.
pub fn policy<'a>(bundle: &'a Bundle, agent: &str) -> Option<&'a AgentPolicy> {
    bundle.agents.get(agent)
}
