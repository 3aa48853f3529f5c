//! Replaying recorded sessions through the decision core, and the line-delimited event stream
//! for hosts other than Claude Code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::HookInput;
use crate::policy::decide::{self, Decision, Event, SessionState};
use crate::policy::{AgentPolicy, Bundle};

/// A decision that denied or blocked something during a replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// 1-based line of the recording.
    pub line: usize,
    pub event: String,
    pub decision: Decision,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplayReport {
    pub events: usize,
    pub violations: Vec<Violation>,
    /// Definition-of-Done items still unmet at the end.
    pub unmet_at_end: Vec<String>,
    /// The recording was a transcript, mapped approximately.
    pub approximate: bool,
}

fn describe(event: &Event) -> String {
    match event {
        Event::ToolRequested { tool, input } => {
            match input.get("command").and_then(Value::as_str) {
                Some(c) => format!("{tool} `{c}`"),
                None => tool.clone(),
            }
        }
        Event::StopRequested { .. } => "stop".to_owned(),
        Event::UserPrompt { text } => {
            format!("prompt `{}`", text.chars().take(40).collect::<String>())
        }
        other => format!("{other:?}")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned(),
    }
}

/// Events from a recording: hook inputs (captured, or inside the runner's audit log as
/// `input`) are exact; a Claude Code transcript is mapped as in the format doc §6.
pub fn events_of(text: &str) -> (Vec<(usize, Event, Option<String>)>, bool) {
    let lines: Vec<(usize, Value)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| serde_json::from_str::<Value>(l).ok().map(|v| (i + 1, v)))
        .collect();
    let is_transcript = lines
        .iter()
        .any(|(_, v)| v.get("type").is_some() && v.get("message").is_some());
    if !is_transcript {
        let events = lines
            .into_iter()
            .filter_map(|(n, v)| {
                let hook = v.get("input").cloned().unwrap_or(v);
                let input: HookInput = serde_json::from_value(hook).ok()?;
                let agent = input.agent_type.clone();
                input.event().map(|e| (n, e, agent))
            })
            .collect();
        return (events, false);
    }
    let mut events = Vec::new();
    let mut pending: BTreeMap<String, (String, Value)> = BTreeMap::new();
    let mut last_text = String::new();
    for (n, v) in lines {
        let content = v.pointer("/message/content");
        match v.get("type").and_then(Value::as_str) {
            Some("user") if v.get("isMeta").and_then(Value::as_bool) != Some(true) => match content
            {
                Some(Value::String(s)) => {
                    events.push((n, Event::UserPrompt { text: s.clone() }, None))
                }
                Some(Value::Array(blocks)) => {
                    for b in blocks {
                        match b.get("type").and_then(Value::as_str) {
                            Some("tool_result") => {
                                let id = b.get("tool_use_id").and_then(Value::as_str).unwrap_or("");
                                if let Some((tool, input)) = pending.remove(id) {
                                    let failed =
                                        b.get("is_error").and_then(Value::as_bool).unwrap_or(false);
                                    events.push((
                                        n,
                                        Event::ToolFinished {
                                            tool,
                                            input,
                                            success: !failed,
                                            summary: String::new(),
                                        },
                                        None,
                                    ));
                                }
                            }
                            Some("text") => events.push((
                                n,
                                Event::UserPrompt {
                                    text: b
                                        .get("text")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_owned(),
                                },
                                None,
                            )),
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            Some("assistant") => {
                let mut has_tool = false;
                for b in content.and_then(Value::as_array).into_iter().flatten() {
                    match b.get("type").and_then(Value::as_str) {
                        Some("tool_use") => {
                            has_tool = true;
                            let tool = b
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned();
                            let input = b.get("input").cloned().unwrap_or(Value::Null);
                            let id = b.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
                            pending.insert(id, (tool.clone(), input.clone()));
                            events.push((n, Event::ToolRequested { tool, input }, None));
                        }
                        Some("text") => {
                            last_text = b
                                .get("text")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned();
                        }
                        _ => {}
                    }
                }
                let stop_reason = v.pointer("/message/stop_reason").and_then(Value::as_str);
                if !has_tool && pending.is_empty() && stop_reason != Some("tool_use") {
                    events.push((
                        n,
                        Event::StopRequested {
                            last_message: last_text.clone(),
                            stop_hook_active: false,
                        },
                        None,
                    ));
                }
            }
            _ => {}
        }
    }
    (events, true)
}

/// Replays a recording against the bundle. `agent` names the policy when the recording does
/// not (transcripts, main-session events).
pub fn replay(bundle: &Bundle, text: &str, agent: Option<&str>) -> Result<ReplayReport, String> {
    let (events, approximate) = events_of(text);
    let mut report = ReplayReport {
        approximate,
        ..ReplayReport::default()
    };
    let mut states: BTreeMap<String, SessionState> = BTreeMap::new();
    let mut last_policy: Option<&AgentPolicy> = None;
    let mut last_message = String::new();
    for (line, event, recorded_agent) in events {
        let Some(name) = recorded_agent.as_deref().or(agent) else {
            continue;
        };
        let policy = bundle
            .agents
            .get(name)
            .ok_or_else(|| format!("the bundle has no agent `{name}`"))?;
        last_policy = Some(policy);
        if let Event::StopRequested {
            last_message: m, ..
        } = &event
        {
            last_message.clone_from(m);
        }
        let state = states.entry(name.to_owned()).or_default();
        let (decision, next) = decide::decide(policy, state, &event);
        *state = next;
        report.events += 1;
        if decision != Decision::Allow {
            report.violations.push(Violation {
                line,
                event: describe(&event),
                decision,
            });
        }
    }
    if let Some(policy) = last_policy
        && let Some(state) = states.get(&policy.name)
    {
        report.unmet_at_end = decide::unmet_done(policy, state, &last_message);
    }
    Ok(report)
}

/// One line of `agentspec run events`: an event with the session and agent it belongs to.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct StreamEvent {
    /// Keeps separate state per session.
    #[serde(default)]
    pub session: String,
    /// The agent whose policy applies.
    pub agent: String,
    #[serde(flatten)]
    pub event: Event,
}

/// Decides each line of `input` (JSON events) and returns one JSON decision per line.
pub fn stream(bundle: &Bundle, input: &str) -> String {
    let mut states: BTreeMap<(String, String), SessionState> = BTreeMap::new();
    let mut out = String::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let answer = match serde_json::from_str::<StreamEvent>(line) {
            Ok(e) => match bundle.agents.get(&e.agent) {
                Some(policy) => {
                    let state = states
                        .entry((e.session.clone(), e.agent.clone()))
                        .or_default();
                    let (decision, next) = decide::decide(policy, state, &e.event);
                    *state = next;
                    serde_json::to_value(&decision).unwrap_or_default()
                }
                None => {
                    serde_json::json!({"decision": "error", "reason": format!("the bundle has no agent `{}`", e.agent)})
                }
            },
            Err(err) => {
                serde_json::json!({"decision": "error", "reason": format!("invalid event: {err}")})
            }
        };
        out.push_str(&answer.to_string());
        out.push('\n');
    }
    out
}
