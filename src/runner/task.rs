//! `agentspec run task`: one task end to end with an agent host, enforced by the bundle's
//! hooks; approvals are asked of the person at the terminal (or given by `--approve`).
//!
//! The host is behind [`Host`], so that agent hosts other than Claude Code can be added.

use std::path::Path;

use serde_json::{Value, json};

use crate::policy::Bundle;
use crate::policy::decide;

/// What the host reports while the agent works.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Session(String),
    ToolCall {
        tool: String,
        summary: String,
    },
    ToolResult {
        denied_by_agentspec: bool,
        text: String,
    },
    Message(String),
}

/// An agent host that runs one turn of a conversation.
pub trait Host {
    /// Runs one turn with `prompt` (continuing the previous turn when `resume` is true) and
    /// reports progress as it happens. Returns the session id.
    fn turn(
        &self,
        prompt: &str,
        resume: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<String, String>;
}

/// The end-of-task report.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct TaskReport {
    pub agent: String,
    /// Protocol states passed, in protocol order, with their leads.
    pub steps_passed: Vec<String>,
    /// Actions agentspec denied, with the reason.
    pub denied: Vec<String>,
    /// Approvals the user gave.
    pub approvals: usize,
    /// Commits that went through.
    pub commits: usize,
    pub done_met: Vec<String>,
    /// Items the agent answered as not applicable: `text — reason`.
    pub done_not_applicable: Vec<String>,
    pub done_unmet: Vec<String>,
    /// The agent stopped with the Definition of Done open after the runner's last refusal.
    pub gave_up: Option<decide::GaveUp>,
    /// Each Definition-of-Done item with what decided it.
    pub done: Vec<decide::ItemVerdict>,
    /// The agent asked for approval and got no answer.
    pub unanswered: bool,
    /// The agent's last tool call was denied and it did nothing after it.
    pub ended_denied: Option<String>,
}

/// `agentspec run task` exit codes.
pub mod exit {
    /// The task ended with the Definition of Done met.
    pub const DONE: u8 = 0;
    /// It ended with Definition-of-Done items unmet.
    pub const UNMET: u8 = 1;
    /// agentspec or the host failed.
    pub const FAILURE: u8 = 2;
    /// The agent asked for approval and got no answer.
    pub const NO_ANSWER: u8 = 3;
    /// The agent's last action was denied and it never recovered.
    pub const DENIED: u8 = 4;
}

impl TaskReport {
    /// See [`exit`].
    pub fn exit_code(&self) -> u8 {
        if self.unanswered {
            exit::NO_ANSWER
        } else if self.ended_denied.is_some() {
            exit::DENIED
        } else if !self.done_unmet.is_empty() || self.gave_up.is_some() {
            exit::UNMET
        } else {
            exit::DONE
        }
    }

    pub fn render(&self) -> String {
        let mut s = format!("Task report for `{}`\n", self.agent);
        s.push_str(&format!(
            "  protocol steps passed: {}\n",
            if self.steps_passed.is_empty() {
                "none".to_owned()
            } else {
                self.steps_passed.join("; ")
            }
        ));
        for d in &self.denied {
            s.push_str(&format!("  denied: {d}\n"));
        }
        s.push_str(&format!(
            "  approvals: {}, commits: {}\n",
            self.approvals, self.commits
        ));
        s.push_str(&format!(
            "  Definition of Done: {} met, {} not applicable, {} unmet\n",
            self.done_met.len(),
            self.done_not_applicable.len(),
            self.done_unmet.len()
        ));
        if let Some(g) = &self.gave_up {
            s.push_str(&format!(
                "  Definition of Done not met: the agent stopped after {} refused stops\n",
                g.blocks
            ));
            for r in &g.reasons {
                s.push_str(&format!("    open: {r}\n"));
            }
        }
        for v in &self.done {
            let mark = match v.status {
                decide::ItemStatus::Met => "met  ",
                decide::ItemStatus::NotApplicable => "n/a  ",
                decide::ItemStatus::Unmet => "unmet",
            };
            let evidence = match &v.reason {
                Some(reason) => format!("not applicable: {reason}"),
                None => v.evidence.replace('\n', "\n           "),
            };
            s.push_str(&format!("    {mark} {}\n           {evidence}\n", v.text));
            // The checklist items say how in their evidence; the runner's own checks say what
            // ran.
            if v.checked_by_runner {
                s.push_str(&format!("           checked by {}\n", v.checked_by));
            }
        }
        if self.unanswered {
            s.push_str("  ended waiting for the user's approval (no answer)\n");
        }
        if let Some(d) = &self.ended_denied {
            s.push_str(&format!("  ended on a denied action: {d}\n"));
        }
        s
    }
}

/// Builds the report from the session's audit entries and final state.
pub fn report(
    bundle: &Bundle,
    agent: &str,
    state_dir: &Path,
    session: &str,
    last_message: &str,
) -> TaskReport {
    let mut report = TaskReport {
        agent: agent.to_owned(),
        ..TaskReport::default()
    };
    let log = std::fs::read_to_string(state_dir.join("audit.jsonl")).unwrap_or_default();
    let mut last_stop: Option<Value> = None;
    let mut last_call: Option<(bool, String)> = None;
    for entry in log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        if entry.get("session").and_then(Value::as_str) != Some(session) {
            continue;
        }
        match entry["event"].as_str() {
            Some("Stop") if entry["agent"].as_str() == Some(agent) || entry["agent"].is_null() => {
                last_stop = Some(entry.clone());
            }
            Some("PreToolUse") => {
                last_call = Some((
                    entry["decision"].as_str() == Some("deny"),
                    format!(
                        "{}: {}",
                        entry["tool"].as_str().unwrap_or(""),
                        entry["reason"].as_str().unwrap_or("")
                    ),
                ));
            }
            _ => {}
        }
        let command = entry
            .pointer("/input/tool_input/command")
            .and_then(Value::as_str)
            .unwrap_or("");
        let commits = || {
            crate::policy::shell::analyze(command)
                .git_operations()
                .contains(&crate::policy::shell::git::GitOperation::Commit)
        };
        match (entry["event"].as_str(), entry["decision"].as_str()) {
            (Some("PreToolUse"), Some("deny")) => report.denied.push(format!(
                "{} `{}`: {}",
                entry["tool"].as_str().unwrap_or(""),
                command,
                entry["reason"].as_str().unwrap_or("")
            )),
            (Some("PostToolUse"), _) if commits() => report.commits += 1,
            // A commit the runner made for a confined agent.
            (Some("PreToolUse"), Some("allow"))
                if commits() && entry.pointer("/performed/exit_code") == Some(&json!(0)) =>
            {
                report.commits += 1;
            }
            _ => {}
        }
    }
    let session_state = super::read_state(&super::state_path(state_dir, session))
        .map(|s| s.core)
        .unwrap_or_default();
    report.approvals = session_state.approvals.len();
    let state = session_state
        .agents
        .get(decide::MAIN)
        .cloned()
        .unwrap_or_default();
    if let Some(policy) = bundle.agents.get(agent) {
        if let Some(protocol) = &policy.protocol {
            report.steps_passed = protocol
                .states
                .iter()
                .filter(|s| state.passed.contains(&s.id))
                .map(|s| format!("{} ({})", s.step, s.kind))
                .collect();
        }
        // Judged as at the last stop: the message, work tree and checks recorded then.
        let work: Option<decide::WorkTree> = last_stop
            .as_ref()
            .and_then(|e| serde_json::from_value(e["work"].clone()).ok());
        let checks: Vec<decide::CheckOutcome> = last_stop
            .as_ref()
            .and_then(|e| serde_json::from_value(e["checks"].clone()).ok())
            .unwrap_or_default();
        let message = last_stop
            .as_ref()
            .and_then(|e| e.pointer("/input/last_assistant_message"))
            .and_then(Value::as_str)
            .unwrap_or(last_message);
        let ctx = decide::StopContext {
            last_message: message,
            work: work.as_ref(),
            checks: &checks,
        };
        report.done = decide::done_verdicts(policy, &state, &ctx);
        for v in &report.done {
            match v.status {
                decide::ItemStatus::Met => report.done_met.push(v.text.clone()),
                decide::ItemStatus::NotApplicable => report.done_not_applicable.push(format!(
                    "{} — {}",
                    v.text,
                    v.reason.as_deref().unwrap_or_default()
                )),
                decide::ItemStatus::Unmet => report.done_unmet.push(v.text.clone()),
            }
        }
        report.gave_up = state.gave_up.clone();
    }
    report.ended_denied = last_call.filter(|(denied, _)| *denied).map(|(_, d)| d);
    report
}

/// Whether the session is waiting for the user's approval.
pub fn awaiting_approval(state_dir: &Path, session: &str) -> bool {
    super::read_state(&super::state_path(state_dir, session))
        .is_ok_and(|s| s.core.awaiting_approval())
}
