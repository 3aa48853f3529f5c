//! Claude Code as a host: its hook input and replies, its tools and files, its settings and
//! sandbox, `hooks install` and `doctor`, the files that can switch enforcement off, its
//! transcripts, and `run task`'s turn. Everything else is the engine's.

pub mod guard;
pub mod install;
pub mod recording;
pub mod settings;
pub mod task;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::engine::{self, Call, Outcome};
use crate::policy::decide::{Decision, Event};
use crate::policy::protect::HostFiles;
use crate::runner::confine::Confinement;
use crate::runner::record::InstallRecord;
use crate::runner::{Fingerprint, RunnerError, SessionVariables, perform};

/// What the hook prints and how it exits, in Claude Code's contract.
#[derive(Debug, Clone, PartialEq)]
pub struct HookReply {
    pub stdout: String,
    pub exit_code: i32,
}

/// Claude Code as the engine sees it.
pub struct ClaudeCode;

impl engine::Host for ClaudeCode {
    fn files(&self) -> HostFiles {
        settings::host_files()
    }

    fn project_dir(&self) -> Option<PathBuf> {
        std::env::var_os("CLAUDE_PROJECT_DIR").map(PathBuf::from)
    }

    fn shell_tool(&self) -> &str {
        "Bash"
    }

    fn sandbox_exclusions(
        &self,
        confinement: &Confinement,
        record: &InstallRecord,
    ) -> Result<Vec<String>, String> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let layers = settings::settings_layers(
            &confinement.project,
            home.as_deref(),
            Some(&record.settings),
        );
        settings::sandbox_in_effect(&layers, confinement).map(|s| s.excluded)
    }

    fn before_sandboxed(&self, confinement: &Confinement) {
        // Best effort: a stand-in left in `git add -A` fails that command, nothing else.
        let _ = settings::exclude_stand_ins(&confinement.project);
    }

    fn fingerprint(
        &self,
        project: &Path,
        home: Option<&Path>,
        binary: Option<&Path>,
    ) -> Fingerprint {
        guard::Guarded {
            project: project.to_path_buf(),
            home: home.map(Path::to_path_buf),
            binary: binary.map(Path::to_path_buf),
        }
        .fingerprint()
    }

    fn tool_aliases(&self) -> Vec<(String, String)> {
        crate::vocab::tool_aliases()
    }

    fn session(&self) -> SessionVariables {
        SESSION
    }

    fn programs(&self) -> &[&str] {
        &["claude"]
    }
}

/// Claude Code's folders in the project and the home folder: settings, agents, commands,
/// skills and hook scripts, which it reads or runs outside its sandbox.
pub const HOST_DIRS: &[&str] = &[".claude"];

/// The variables Claude Code sets in the agent's shell commands: under Claude Code, and in
/// which session (agentspec's git hooks read them).
pub const SESSION: SessionVariables = SessionVariables {
    marker: "CLAUDECODE",
    id: "CLAUDE_CODE_SESSION_ID",
};

/// Handles one hook event end to end. Errors are for the caller to turn into a fail-closed
/// answer (exit 2).
pub fn handle_hook(input_json: &str, options: &engine::Options) -> Result<HookReply, RunnerError> {
    let (raw, input): (Value, HookInput) = super::read_input(input_json)?;
    input.validate()?;
    let call = input.call(raw)?;
    Ok(
        match engine::handle(&call, options, &ClaudeCode, &engine::Machine)? {
            Outcome::Performed(outcome) => performed_reply(input.tool_input.as_ref(), &outcome),
            Outcome::Decided {
                gave_up: Some(message),
                ..
            } => HookReply {
                stdout: json!({ "systemMessage": message }).to_string(),
                exit_code: 0,
            },
            Outcome::Decided { decision, .. } => reply_for(&input.hook_event_name, &decision),
        },
    )
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
    #[serde(default)]
    pub cwd: Option<String>,
}

/// Every hook event name Claude Code 2.1.328 and 2.1.332 send (read from their programs:
/// `loader-truth-2.1.332/vocab.json`). Any other name did not come from Claude Code.
const KNOWN_EVENTS: &[&str] = &[
    "ConfigChange",
    "CwdChanged",
    "DirectoryAdded",
    "Elicitation",
    "ElicitationResult",
    "FileChanged",
    "InstructionsLoaded",
    "MessageDisplay",
    "Notification",
    "PermissionDenied",
    "PermissionRequest",
    "PostCompact",
    "PostModelSwitch",
    "PostToolBatch",
    "PostToolUse",
    "PostToolUseFailure",
    "PreCompact",
    "PreModelSwitch",
    "PreSkillShellCommand",
    "PreToolUse",
    "SessionEnd",
    "SessionStart",
    "Setup",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "TaskCompleted",
    "TaskCreated",
    "TeammateIdle",
    "UserPromptExpansion",
    "UserPromptSubmit",
    "WorktreeCreate",
    "WorktreeRemove",
];

impl HookInput {
    /// Refuses an input Claude Code never sends: an unknown event name, an empty session id,
    /// a `tool_input` that is not an object, a tool event without a tool name.
    pub fn validate(&self) -> Result<(), RunnerError> {
        super::validate(
            &super::EventShape {
                host: "Claude Code",
                known: KNOWN_EVENTS,
                tool_events: &["PreToolUse", "PostToolUse", "PostToolUseFailure"],
            },
            &self.hook_event_name,
            &self.session_id,
            self.tool_input.as_ref(),
            self.tool_name.as_deref(),
        )
    }

    /// The decision-core event, `Ok(None)` for events the runner does not act on, and an error
    /// for a tool input Claude Code never sends.
    pub fn event(&self) -> Result<Option<Event>, RunnerError> {
        let tool = || self.tool_name.clone().unwrap_or_default();
        let action = || {
            settings::action(
                self.tool_name.as_deref().unwrap_or(""),
                self.tool_input.as_ref().unwrap_or(&Value::Null),
            )
            .map_err(RunnerError::Input)
        };
        Ok(Some(match self.hook_event_name.as_str() {
            "SessionStart" => Event::SessionStart,
            // Claude Code submits a `<task-notification>` as a prompt when a background agent
            // finishes (measured with 2.1.328): the agent's own output, not the user's answer.
            "UserPromptSubmit"
                if self
                    .prompt
                    .as_deref()
                    .is_some_and(|p| p.trim_start().starts_with("<task-notification>")) =>
            {
                return Ok(None);
            }
            "UserPromptSubmit" => Event::UserPrompt {
                text: self.prompt.clone().unwrap_or_default(),
            },
            "PreToolUse" => Event::ToolRequested {
                tool: tool(),
                action: action()?,
                work: None,
                confined: false,
            },
            "PostToolUse" => Event::ToolFinished {
                tool: tool(),
                action: action()?,
                success: true,
                summary: summary(self.tool_response.as_ref()),
                work: None,
                background: self.in_background(),
            },
            "PostToolUseFailure" => Event::ToolFinished {
                tool: tool(),
                action: action()?,
                success: false,
                summary: self.error.clone().unwrap_or_default(),
                work: None,
                background: self.in_background(),
            },
            "Stop" | "SubagentStop" => Event::StopRequested {
                last_message: self.last_assistant_message.clone().unwrap_or_default(),
                stop_hook_active: self.stop_hook_active.unwrap_or(false),
                work: None,
                checks: Vec::new(),
            },
            _ => return Ok(None),
        }))
    }

    /// A Bash call run in the background (`run_in_background`): its PostToolUse says it
    /// started, not how it ended.
    fn in_background(&self) -> bool {
        self.tool_input
            .as_ref()
            .and_then(|i| i.get("run_in_background"))
            .is_some_and(|v| !matches!(v, Value::Null | Value::Bool(false)) && v != "false")
    }

    /// The engine's call for this input: `raw` is the input as received.
    pub fn call(&self, raw: Value) -> Result<Call, RunnerError> {
        Ok(Call {
            session: self.session_id.clone(),
            event_name: self.hook_event_name.clone(),
            agent_type: self.agent_type.clone(),
            agent_id: self.agent_id.clone(),
            tool_name: self.tool_name.clone(),
            tool_input: self.tool_input.clone(),
            tool_use_id: self.tool_use_id.clone(),
            cwd: self.cwd.clone(),
            event: self.event()?,
            refused: unsandboxed(self),
            more_paths: Vec::new(),
            raw,
            recorded: None,
        })
    }
}

/// A command asked to run outside Claude Code's sandbox: the sandbox is what keeps project
/// code the agent runs away from agentspec's files, so a governed agent's commands stay in
/// it (without a sandbox the flag changes nothing and the command can run without it).
fn unsandboxed(input: &HookInput) -> Option<String> {
    let flag = input
        .tool_input
        .as_ref()
        .and_then(|i| i.get("dangerouslyDisableSandbox"))?;
    (*flag != Value::Bool(false) && *flag != Value::Null).then(|| {
        "the command asks to run outside Claude Code's sandbox (`dangerouslyDisableSandbox`); a governed agent's commands run in it — run the command without that flag".to_owned()
    })
}

fn summary(response: Option<&Value>) -> String {
    let text = match response {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    text.chars().take(200).collect()
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

/// The answer for a command the runner performed: allowed, with the agent's command replaced
/// by one that prints what came of it and exits with its status (measured with Claude Code
/// 2.1.328 and 2.1.332: the model reads that output as the tool's result, an error when the
/// status is not 0 — clearer than a denial whose reason says it went through).
/// Codex takes the same answer (measured with 0.169.0: `updatedInput` runs the replacement and
/// its output is the tool output).
pub(crate) fn performed_reply(tool_input: Option<&Value>, outcome: &perform::Outcome) -> HookReply {
    let mut updated = tool_input
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    updated.insert("command".to_owned(), Value::String(outcome.echo_command()));
    // A background run would only report that the echo started.
    updated.remove("run_in_background");
    HookReply {
        stdout: json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "allow",
                "permissionDecisionReason": format!("agentspec ran `{}` outside the sandbox", outcome.command),
                "updatedInput": Value::Object(updated),
            }
        })
        .to_string(),
        exit_code: 0,
    }
}
