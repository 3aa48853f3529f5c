//! The generic host: `agentspec run events` reads one JSON event per line (the decision
//! core's own event format, with the session, agent and folder it belongs to) and answers one
//! JSON decision per line. Every event goes through the engine, as a Claude Code hook's does:
//! the session's state and pinned bundle, self-protection, the work tree's fingerprint and the
//! Definition-of-Done checks (both taken by the runner itself, in the event's `cwd`: a `work` or
//! `checks` the event carries is dropped) and the audit log are the same. An answer whose
//! `decision` is `error` must be treated as a refusal.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::engine::{self, Call, Host, Outcome};
use crate::policy::Bundle;
use crate::policy::decide::{Decision, Event};
use crate::policy::protect::HostFiles;
use crate::runner::confine::Confinement;
use crate::runner::record::InstallRecord;
use crate::runner::{Deadline, Fingerprint};

/// One line of `agentspec run events`: an event with the session and agent it belongs to. The
/// runner takes the work tree's fingerprint and runs the checks itself: a `work` or `checks`
/// given here is ignored.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct StreamEvent {
    /// Keeps separate state per session.
    #[serde(default)]
    pub session: String,
    /// The agent whose policy applies.
    pub agent: String,
    /// For a subagent: its id in the session (its events are decided with the main agent's
    /// gates too, when `main` names the main agent).
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The main agent of the session, whose gates bind the subagents it starts.
    #[serde(default)]
    pub main: Option<String>,
    /// The folder the event happened in (default: the folder `run events` runs in): where
    /// the runner takes the work tree's fingerprint and what self-protection judges paths
    /// against.
    #[serde(default)]
    pub cwd: Option<String>,
    /// The host's id of the tool call: the same id with the same event gets the same answer.
    #[serde(default)]
    pub tool_use_id: Option<String>,
    #[serde(flatten)]
    pub event: Event,
}

/// A host that speaks in the decision core's events. Its files are those of every host agentspec
/// knows (an agent behind it may still reach them), and it has no sandbox: its commands are
/// judged by their text (analysis only).
pub struct Events;

impl Host for Events {
    fn files(&self) -> HostFiles {
        crate::host::claude_code::settings::host_files()
    }

    fn project_dir(&self) -> Option<PathBuf> {
        None
    }

    fn shell_tool(&self) -> &str {
        "Bash"
    }

    fn sandbox_exclusions(
        &self,
        _: &Confinement,
        _: &InstallRecord,
    ) -> Result<Vec<String>, String> {
        Err("the event stream has no sandbox".to_owned())
    }

    fn before_sandboxed(&self, _: &Confinement) {}

    fn fingerprint(
        &self,
        project: &Path,
        home: Option<&Path>,
        binary: Option<&Path>,
    ) -> Fingerprint {
        crate::host::claude_code::ClaudeCode.fingerprint(project, home, binary)
    }

    fn tool_aliases(&self) -> Vec<(String, String)> {
        crate::host::claude_code::ClaudeCode.tool_aliases()
    }

    fn session(&self) -> crate::runner::SessionVariables {
        crate::host::claude_code::SESSION
    }

    fn programs(&self) -> &[&str] {
        crate::host::claude_code::ClaudeCode.programs()
    }
}

/// Where `run events` keeps the sessions of a bundle: a folder of its own beside the hooks'
/// (`events/` in the bundle's state folder), so that neither reads the other's sessions or
/// install record.
pub struct StreamOptions {
    pub bundle: PathBuf,
    pub state_dir: PathBuf,
}

/// Decides one line: the decision as JSON, or `{"decision": "error", "reason": ...}`.
fn answer(line: &str, options: &StreamOptions, bundle: &Bundle, here: &Path) -> Value {
    let error = |reason: String| serde_json::json!({"decision": "error", "reason": reason});
    let raw: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return error(format!("invalid event: {e}")),
    };
    let e: StreamEvent = match serde_json::from_value(raw.clone()) {
        Ok(e) => e,
        Err(err) => return error(format!("invalid event: {err}")),
    };
    if e.session.trim().is_empty() {
        return error("`session` is empty: name the session the event belongs to".to_owned());
    }
    if !bundle.agents.contains_key(&e.agent) {
        return error(format!("the bundle has no agent `{}`", e.agent));
    }
    let tool_name = match &e.event {
        Event::ToolRequested { tool, .. } | Event::ToolFinished { tool, .. } => Some(tool.clone()),
        _ => None,
    };
    let event_name = raw
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let call = Call {
        session: e.session.clone(),
        event_name,
        agent_type: Some(e.agent.clone()),
        agent_id: e.agent_id.clone(),
        tool_name,
        tool_input: raw.get("action").cloned(),
        tool_use_id: e.tool_use_id.clone(),
        cwd: Some(e.cwd.clone().unwrap_or_else(|| here.display().to_string())),
        // What the runner measures itself is its own to take: a fingerprint or check results
        // the event carries are dropped.
        event: Some(engine::with_checks(
            engine::with_work(e.event, None),
            Vec::new(),
        )),
        refused: None,
        more_paths: Vec::new(),
        raw,
        recorded: None,
    };
    let options = engine::Options {
        bundle: options.bundle.clone(),
        state_dir: options.state_dir.clone(),
        main_agent: e.main.filter(|_| e.agent_id.is_some()),
        confined: false,
        deadline: std::sync::Arc::new(Deadline::default()),
    };
    match engine::handle(&call, &options, &Events, &engine::Machine) {
        Ok(Outcome::Decided { decision, gave_up }) => {
            let mut v = serde_json::to_value(&decision).unwrap_or_default();
            if let (Some(message), Some(map)) = (gave_up, v.as_object_mut()) {
                map.insert("gave_up".to_owned(), Value::String(message));
            }
            v
        }
        Ok(Outcome::Performed(_)) => serde_json::to_value(Decision::Allow).unwrap_or_default(),
        Err(e) => error(e.to_string()),
    }
}

/// Decides each line of `input` (JSON events) and returns one JSON decision per line.
pub fn stream(options: &StreamOptions, bundle: &Bundle, input: &str) -> String {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut out = String::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&answer(line, options, bundle, &here).to_string());
        out.push('\n');
    }
    out
}
