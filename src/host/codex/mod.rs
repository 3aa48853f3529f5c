//! OpenAI Codex CLI as a host (measured with 0.169.0, `codex exec`, offline): its hook input
//! and replies, its tools (`Bash`, `apply_patch`, `spawn_agent`), its files, its sandbox as the
//! session's rollout records it, `hooks install --host codex` and `doctor --host codex`, and
//! `run task --host codex`'s turn. Everything else is the engine's.
//!
//! What differs from Claude Code, and what the adapter does about it (`docs/hosts.md`):
//! - Every hook failure fails open, with no option to change it: the installed entry is shell
//!   text that turns every status but 0 and 2 into 2 ([`install::hook_command`]).
//! - Codex has no loop guard on a blocked stop: the engine's cap (`MAX_STOP_BLOCKS`) is the
//!   only bound, and an error at a stop blocks once, then lets the turn end.
//! - `ask` and a bare `allow` fail open: a question is answered as a denial.
//! - The `workspace-write` sandbox keeps `.git` and `.codex` read-only to the agent's
//!   processes: the confinement comes with the host. The runner reads each turn's sandbox from
//!   the rollout and fails closed when what enforcement stands on is writable in it.
//! - A subagent's task arrives as a `UserPromptSubmit` with `agent_id`: the parent model's
//!   words, never the user's approval.

pub mod install;
pub mod patch;
pub mod rollout;
pub mod task;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::engine::{self, Call, Outcome};
use crate::policy::decide::{Action, Decision, Event};
use crate::policy::protect::HostFiles;
use crate::runner::confine::Confinement;
use crate::runner::record::InstallRecord;
use crate::runner::{Fingerprint, RunnerError, SessionVariables};

pub use crate::host::claude_code::HookReply;

/// Codex's folders in the project and in `CODEX_HOME`: hooks, configuration, agents, skills.
pub const HOST_DIRS: &[&str] = &[".codex", ".agents"];

/// The variables the runner sets for the git it starts in a Codex session (the agent's own
/// processes cannot write `.git` at all): agentspec's git hooks read them.
pub const SESSION: SessionVariables = SessionVariables {
    marker: "GOVERNED_BY_CODEX",
    id: "GOVERNED_CODEX_SESSION_ID",
};

/// Codex's tool names mapped onto the ones bundles use (Claude Code's): a bundle that grants
/// `Edit` grants `apply_patch`, one that names `Agent` names `spawn_agent`.
const TOOL_NAMES: &[(&str, &str)] = &[
    ("apply_patch", "Edit"),
    ("spawn_agent", "Agent"),
    ("shell", "Bash"),
];

/// Every hook event Codex 0.169.0 accepts in `hooks.json` (`docs/hosts.md`).
const KNOWN_EVENTS: &[&str] = &[
    "SessionStart",
    "SessionEnd",
    "UserPromptSubmit",
    "PreToolUse",
    "PostToolUse",
    "PermissionRequest",
    "Stop",
    "SubagentStart",
    "SubagentStop",
    "PreCompact",
    "PostCompact",
    "Interrupt",
];

/// Codex as the engine sees it, for one event: the sandbox of the event's turn.
pub struct Codex {
    /// `None` for an event outside a turn (nothing runs then); an error when the rollout does
    /// not say.
    pub sandbox: Option<Result<rollout::TurnSandbox, String>>,
    /// The rollout itself: the sandbox must keep it out of the agent's reach, or what it says
    /// cannot be trusted.
    pub transcript: Option<PathBuf>,
}

impl engine::Host for Codex {
    fn files(&self) -> HostFiles {
        host_files()
    }

    fn project_dir(&self) -> Option<PathBuf> {
        None
    }

    fn shell_tool(&self) -> &str {
        "Bash"
    }

    fn sandbox_exclusions(
        &self,
        confinement: &Confinement,
        _record: &InstallRecord,
    ) -> Result<Vec<String>, String> {
        let Some(sandbox) = &self.sandbox else {
            return Ok(Vec::new());
        };
        let sandbox = sandbox.clone()?;
        if sandbox.network {
            return Err(format!(
                "Codex runs this turn with the `{}` sandbox and network access: a command agentspec cannot see into could push with no git hook seeing it. Run Codex without network access for the sandbox (`sandbox_workspace_write.network_access = false`, the default)",
                sandbox.mode
            ));
        }
        let mut needed: Vec<&Path> = confinement.read_only.iter().map(PathBuf::as_path).collect();
        if let Some(t) = &self.transcript {
            needed.push(t);
        }
        if let Some(open) = needed.iter().find(|p| sandbox.writable(p)) {
            return Err(format!(
                "Codex runs this turn with the `{}` sandbox, in which the agent's commands can write {} (writable: {}); agentspec's enforcement needs it read-only. Run Codex with `-s workspace-write`, and keep the bundle, the runner's state, the agentspec binary and CODEX_HOME outside the project and /tmp",
                sandbox.mode,
                open.display(),
                sandbox
                    .writable_roots()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(Vec::new())
    }

    fn before_sandboxed(&self, _confinement: &Confinement) {}

    fn fingerprint(
        &self,
        project: &Path,
        _home: Option<&Path>,
        binary: Option<&Path>,
    ) -> Fingerprint {
        install::fingerprint(project, codex_home().as_deref(), binary)
    }

    fn tool_aliases(&self) -> Vec<(String, String)> {
        let mut out = crate::vocab::tool_aliases();
        out.extend(
            TOOL_NAMES
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned())),
        );
        out
    }

    fn session(&self) -> SessionVariables {
        SESSION
    }

    fn programs(&self) -> &[&str] {
        &["codex"]
    }
}

/// Codex's home folder: `CODEX_HOME`, else `~/.codex`.
pub fn codex_home() -> Option<PathBuf> {
    std::env::var_os("CODEX_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .map(|p| std::path::absolute(&p).unwrap_or(p))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".codex")))
}

/// What Codex keeps within the agent's reach and reads or runs outside its sandbox.
pub fn host_files() -> HostFiles {
    HostFiles::from_tables(
        &[
            (&[".codex", "hooks.json"], "Codex's hooks"),
            (&[".codex", "config.toml"], "Codex's project configuration"),
            (&[".codex"], "Codex's project configuration (hooks, agents)"),
            (&[".agents"], "the project's skills, which Codex loads"),
        ],
        &[
            (".codex/hooks.json", "Codex's user hooks"),
            (
                ".codex/config.toml",
                "Codex's user configuration (hook trust, sandbox)",
            ),
            (".codex", "Codex's user folder"),
        ],
        &[".codex", "hooks.json", "config.toml", "agents"],
        &[".codex", "trusted_hash"],
    )
}

/// A hook event as Codex sends it (unknown fields ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct HookInput {
    pub session_id: String,
    pub hook_event_name: String,
    #[serde(default)]
    pub turn_id: Option<String>,
    #[serde(default)]
    pub transcript_path: Option<String>,
    /// `SubagentStop`: the subagent's own session log (its `transcript_path` is the parent's).
    #[serde(default)]
    pub agent_transcript_path: Option<String>,
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
    pub prompt: Option<String>,
    #[serde(default)]
    pub stop_hook_active: Option<bool>,
    #[serde(default)]
    pub last_assistant_message: Option<String>,
    #[serde(default)]
    pub cwd: Option<String>,
}

impl HookInput {
    /// Refuses an input Codex never sends.
    pub fn validate(&self) -> Result<(), RunnerError> {
        let tool_events = &["PreToolUse", "PostToolUse", "PermissionRequest"];
        super::validate(
            &super::EventShape {
                host: "Codex",
                known: KNOWN_EVENTS,
                tool_events,
            },
            &self.hook_event_name,
            &self.session_id,
            self.tool_input.as_ref(),
            self.tool_name.as_deref(),
        )?;
        let tool_event = tool_events.contains(&self.hook_event_name.as_str());
        if (tool_event || self.hook_event_name == "Stop") && self.turn_id.is_none() {
            return Err(RunnerError::Input(format!(
                "a `{}` event without `turn_id`",
                self.hook_event_name
            )));
        }
        Ok(())
    }

    /// The session log of the thread the event happened in: a subagent's stop names the
    /// parent's log in `transcript_path` and its own in `agent_transcript_path` (measured).
    fn transcript(&self) -> Option<PathBuf> {
        let own = (self.hook_event_name == "SubagentStop")
            .then_some(self.agent_transcript_path.as_deref())
            .flatten();
        own.or(self.transcript_path.as_deref())
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }

    /// The tool call's action and, for a patch, the further files it writes.
    fn action(&self) -> Result<(Action, Vec<String>), RunnerError> {
        let tool = self.tool_name.as_deref().unwrap_or("");
        let input = self.tool_input.as_ref().unwrap_or(&Value::Null);
        let string = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
        let command = || {
            string("command").ok_or_else(|| {
                RunnerError::Input(format!("`{tool}` input has no string `command`: {input}"))
            })
        };
        Ok(match tool {
            "Bash" | "shell" => (
                Action::Shell {
                    command: command()?,
                },
                Vec::new(),
            ),
            "apply_patch" => {
                let mut paths = patch::paths(&command()?);
                if paths.is_empty() {
                    return Err(RunnerError::Input(
                        "an `apply_patch` input that names no file".to_owned(),
                    ));
                }
                let first = paths.remove(0);
                (Action::Edit { path: first }, paths)
            }
            "spawn_agent" => (
                Action::Spawn {
                    agent: string("agent_type"),
                },
                Vec::new(),
            ),
            _ => (
                Action::Other {
                    target: ["path", "file_path", "url", "pattern"]
                        .iter()
                        .find_map(|k| string(k)),
                },
                Vec::new(),
            ),
        })
    }

    /// Whether the finished call succeeded: a shell command's exit code is in the rollout
    /// only (its `tool_response` is the output); a patch's response starts with its exit
    /// code. Unknown counts as failed, so nothing unproven counts as a passing test.
    fn succeeded(&self) -> bool {
        match self.tool_name.as_deref() {
            Some("apply_patch") => self
                .tool_response
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("Exit code: 0\n")),
            Some("Bash" | "shell") => match (self.transcript(), self.tool_use_id.as_deref()) {
                (Some(t), Some(id)) => rollout::exit_code(&t, id) == Some(0),
                _ => false,
            },
            _ => true,
        }
    }

    /// The decision-core event and a patch's further files; `Ok(None)` for events the runner
    /// does not act on.
    pub fn event(&self) -> Result<Option<(Event, Vec<String>)>, RunnerError> {
        let tool = || {
            let name = self.tool_name.clone().unwrap_or_default();
            if name == "shell" {
                "Bash".to_owned()
            } else {
                name
            }
        };
        Ok(Some(match self.hook_event_name.as_str() {
            "SessionStart" => (Event::SessionStart, Vec::new()),
            // A subagent's task: the parent model's words, not the user's.
            "UserPromptSubmit" if self.agent_id.is_some() => return Ok(None),
            "UserPromptSubmit" => (
                Event::UserPrompt {
                    text: self.prompt.clone().unwrap_or_default(),
                },
                Vec::new(),
            ),
            "PreToolUse" => {
                let (action, more) = self.action()?;
                (
                    Event::ToolRequested {
                        tool: tool(),
                        action,
                        work: None,
                        confined: false,
                    },
                    more,
                )
            }
            "PostToolUse" => {
                let (action, _) = self.action()?;
                let summary = match &self.tool_response {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                };
                (
                    Event::ToolFinished {
                        tool: tool(),
                        action,
                        success: self.succeeded(),
                        summary: summary.chars().take(200).collect(),
                        work: None,
                        background: false,
                    },
                    Vec::new(),
                )
            }
            "Stop" | "SubagentStop" => (
                Event::StopRequested {
                    last_message: self.last_assistant_message.clone().unwrap_or_default(),
                    stop_hook_active: self.stop_hook_active.unwrap_or(false),
                    work: None,
                    checks: Vec::new(),
                },
                Vec::new(),
            ),
            _ => return Ok(None),
        }))
    }

    /// The engine's call for this input: `raw` is the input as received.
    pub fn call(&self, raw: Value) -> Result<Call, RunnerError> {
        let (event, more) = match self.event()? {
            Some((event, more)) => (Some(event), more),
            None => (None, Vec::new()),
        };
        Ok(Call {
            session: self.session_id.clone(),
            event_name: self.hook_event_name.clone(),
            agent_type: self.agent_type.clone().filter(|_| self.agent_id.is_some()),
            agent_id: self.agent_id.clone(),
            tool_name: self.tool_name.clone(),
            tool_input: self.tool_input.clone(),
            tool_use_id: self.tool_use_id.clone(),
            cwd: self.cwd.clone(),
            refused: self.escalated(),
            event,
            more_paths: more,
            raw,
            recorded: None,
        })
    }

    /// Why a shell call asks to run outside Codex's sandbox, if it does: its arguments in the
    /// session log carry `sandbox_permissions` (the hook input does not), and a user who
    /// approves it in the TUI would run it where `.git` is writable.
    fn escalated(&self) -> Option<String> {
        if self.hook_event_name != "PreToolUse"
            || !matches!(self.tool_name.as_deref(), Some("Bash" | "shell"))
        {
            return None;
        }
        let (Some(transcript), Some(id)) = (self.transcript(), self.tool_use_id.as_deref()) else {
            return Some("the hook input names no session log or call id, so whether the command asks to run outside Codex's sandbox is unknown".to_owned());
        };
        let Some(args) = rollout::call_arguments(&transcript, id) else {
            return Some("the call is not in Codex's session log, so whether it asks to run outside Codex's sandbox is unknown".to_owned());
        };
        rollout::escalation(&args).map(|how| {
            format!(
                "the command asks to run outside Codex's sandbox ({how}); a governed agent's commands run in it — run it without that"
            )
        })
    }

    /// The host for this event: the sandbox of its turn, when it happens in one.
    fn host(&self) -> Codex {
        let transcript = self.transcript();
        let sandbox = match (&self.turn_id, &transcript) {
            (None, _) => None,
            (Some(_), None) => Some(Err(
                "the hook input names no session log (`transcript_path`), so the turn's sandbox is unknown".to_owned(),
            )),
            (Some(turn), Some(t)) => {
                let tmpdir = std::env::var_os("TMPDIR").map(PathBuf::from);
                Some(rollout::turn_sandbox(t, turn, tmpdir.as_deref()))
            }
        };
        Codex {
            sandbox,
            transcript,
        }
    }
}

/// Handles one Codex hook event end to end. Errors are for the caller to turn into a
/// fail-closed answer ([`error_reply`]).
pub fn handle_hook(input_json: &str, options: &engine::Options) -> Result<HookReply, RunnerError> {
    let (raw, input): (Value, HookInput) = super::read_input(input_json)?;
    input.validate()?;
    let call = input.call(raw)?;
    let host = input.host();
    let outcome = engine::handle(&call, options, &host, &engine::Machine).inspect_err(|e| {
        // Codex shows a blocked prompt or stop as one status line, without the reason: the
        // audit log keeps it (best effort: the state may be what failed).
        let decision = Decision::Deny {
            reason: e.to_string(),
            rule: "runner-error".to_owned(),
        };
        let subject = crate::runner::audit::Subject {
            session: &call.session,
            event: &call.event_name,
            tool: call.tool_name.as_deref(),
            tool_use_id: call.tool_use_id.as_deref(),
            input: &call.raw,
        };
        let _ = crate::runner::audit::append(
            &options.state_dir,
            &subject,
            "",
            crate::runner::audit::Entry::of(
                call.agent_type.as_deref(),
                &decision,
                "failed closed",
                false,
            ),
        );
    })?;
    Ok(match outcome {
        Outcome::Performed(outcome) => {
            crate::host::claude_code::performed_reply(input.tool_input.as_ref(), &outcome)
        }
        Outcome::Decided {
            gave_up: Some(message),
            ..
        } => HookReply {
            stdout: json!({ "systemMessage": message }).to_string(),
            exit_code: 0,
        },
        Outcome::Decided { decision, .. } => reply_for(&input.hook_event_name, &decision),
    })
}

/// The fail-closed answer to an error: exit 2 with the reason on stderr blocks the action, the
/// prompt or the stop. A stop that was already blocked once is let through instead (Codex
/// has no loop guard: a failing runner would keep the model going forever), with the reason
/// for the user; the task is not recorded as done.
pub fn error_reply(input_json: &str, message: &str) -> (HookReply, bool) {
    let stop_again = serde_json::from_str::<Value>(input_json).is_ok_and(|v| {
        matches!(
            v.get("hook_event_name").and_then(Value::as_str),
            Some("Stop" | "SubagentStop")
        ) && v.get("stop_hook_active") == Some(&Value::Bool(true))
    });
    if stop_again {
        (
            HookReply {
                stdout: json!({
                    "systemMessage": format!("agentspec could not check the Definition of Done and let the turn end: {message}")
                })
                .to_string(),
                exit_code: 0,
            },
            false,
        )
    } else {
        (
            HookReply {
                stdout: String::new(),
                exit_code: 2,
            },
            true,
        )
    }
}

/// Codex's answer for a decision. A question (`ask`) fails open in Codex, so it is a denial
/// whose reason says what to ask the user.
pub fn reply_for(event_name: &str, decision: &Decision) -> HookReply {
    let deny = |reason: &str| {
        json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        })
        .to_string()
    };
    let stdout = match (event_name, decision) {
        ("PreToolUse", Decision::Deny { reason, .. }) => deny(reason),
        ("PreToolUse", Decision::Ask { reason }) => deny(&format!(
            "{reason} (Codex cannot ask the user from a hook: ask them in your reply, and run it after their answer)"
        )),
        (_, Decision::Block { reason, .. }) => {
            json!({"decision": "block", "reason": reason}).to_string()
        }
        _ => String::new(),
    };
    HookReply {
        stdout,
        exit_code: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(v: Value) -> HookInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_subagents_task_is_not_the_users_prompt() {
        let sub = input(
            json!({"session_id": "s", "hook_event_name": "UserPromptSubmit", "turn_id": "t", "agent_id": "a", "agent_type": "reviewer", "prompt": "yes"}),
        );
        assert!(sub.event().unwrap().is_none());
        let user = input(
            json!({"session_id": "s", "hook_event_name": "UserPromptSubmit", "turn_id": "t", "prompt": "yes"}),
        );
        assert!(matches!(
            user.event().unwrap(),
            Some((Event::UserPrompt { .. }, _))
        ));
    }

    #[test]
    fn a_patch_is_an_edit_of_every_file_it_names() {
        let i = input(
            json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t", "tool_name": "apply_patch",
            "tool_input": {"command": "*** Begin Patch\n*** Add File: a\n+x\n*** Update File: .git/HEAD\n*** End Patch\n"}}),
        );
        let call = i.call(json!({})).unwrap();
        assert!(
            matches!(call.event, Some(Event::ToolRequested { action: Action::Edit { ref path }, .. }) if path == "a")
        );
        assert_eq!(call.more_paths, [".git/HEAD"]);
        let empty = input(
            json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t", "tool_name": "apply_patch", "tool_input": {"command": "nothing"}}),
        );
        assert!(empty.call(json!({})).is_err());
    }

    #[test]
    fn unknown_inputs_are_refused() {
        for v in [
            json!({"session_id": "s", "hook_event_name": "Nope"}),
            json!({"session_id": " ", "hook_event_name": "Stop", "turn_id": "t"}),
            json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t"}),
            json!({"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "x"}}),
            json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t", "tool_name": "Bash", "tool_input": "x"}),
        ] {
            assert!(input(v).validate().is_err());
        }
    }

    #[test]
    fn replies_never_ask_and_a_repeated_failing_stop_ends() {
        let ask = reply_for("PreToolUse", &Decision::Ask { reason: "r".into() });
        assert!(ask.stdout.contains("\"deny\""));
        let (first, _) = error_reply(
            r#"{"hook_event_name":"Stop","stop_hook_active":false}"#,
            "x",
        );
        assert_eq!(first.exit_code, 2);
        let (again, _) = error_reply(r#"{"hook_event_name":"Stop","stop_hook_active":true}"#, "x");
        assert_eq!(again.exit_code, 0);
        let (pre, _) = error_reply("not json", "x");
        assert_eq!(pre.exit_code, 2);
    }
}
