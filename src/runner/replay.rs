//! Replaying recorded sessions through the decision core, and the line-delimited event stream
//! for hosts other than Claude Code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::HookInput;
use crate::policy::Bundle;
use crate::policy::decide::{self, Action, Actor, Decision, Event, SessionState, WorkTree};

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
    /// Items the agent answered as not applicable at the end: `id — reason`.
    pub not_applicable_at_end: Vec<String>,
    /// The recording was a transcript, mapped approximately.
    pub approximate: bool,
}

fn describe(event: &Event) -> String {
    match event {
        Event::ToolRequested { tool, action, .. } => match action {
            Action::Shell { command } => format!("{tool} `{command}`"),
            _ => tool.clone(),
        },
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

/// One event of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// 1-based line of the recording.
    pub line: usize,
    pub event: Event,
    pub session: String,
    /// `agent_type` and `agent_id` as recorded (a subagent's events carry both).
    pub agent_type: Option<String>,
    pub agent_id: Option<String>,
}

/// The event of a recorded hook input, with the work-tree fingerprint the runner used.
fn recorded_hook(
    line: usize,
    hook: Value,
    work: Option<&Value>,
    checks: Option<&Value>,
    flags: (bool, bool),
) -> Option<Recorded> {
    let (confined, outside_root) = flags;
    let input: HookInput = serde_json::from_value(hook).ok()?;
    let mut event = decide::with_confinement(input.event().ok()??, confined);
    if outside_root {
        let cwd = std::path::PathBuf::from(input.cwd.clone().unwrap_or_default());
        event = super::outside_root(event, &cwd);
    }
    let work: Option<WorkTree> = work.and_then(|w| serde_json::from_value(w.clone()).ok());
    let event = super::with_work(event, work);
    let checks: Vec<decide::CheckOutcome> = checks
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    let event = super::with_checks(event, checks);
    Some(Recorded {
        line,
        event,
        session: input.session_id.clone(),
        agent_type: input.agent_type.clone(),
        agent_id: input.agent_id.clone(),
    })
}

/// Events from a recording: hook inputs (captured, or inside the runner's audit log as
/// `input`) are exact; a Claude Code transcript is mapped as in the format doc §6.
pub fn events_of(text: &str) -> (Vec<Recorded>, bool) {
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
                let work = v.get("work").cloned();
                let checks = v.get("checks").cloned();
                let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
                let flags = (flag("confined"), flag("outside_root"));
                let hook = v.get("input").cloned().unwrap_or(v);
                recorded_hook(n, hook, work.as_ref(), checks.as_ref(), flags)
            })
            .collect();
        return (events, false);
    }
    let mut events = Vec::new();
    let push = |events: &mut Vec<Recorded>, line: usize, event: Event| {
        events.push(Recorded {
            line,
            event,
            session: String::new(),
            agent_type: None,
            agent_id: None,
        });
    };
    let mut pending: BTreeMap<String, (String, Action)> = BTreeMap::new();
    let mut last_text = String::new();
    for (n, v) in lines {
        let content = v.pointer("/message/content");
        match v.get("type").and_then(Value::as_str) {
            Some("user") if v.get("isMeta").and_then(Value::as_bool) != Some(true) => match content
            {
                Some(Value::String(s)) => {
                    push(&mut events, n, Event::UserPrompt { text: s.clone() })
                }
                Some(Value::Array(blocks)) => {
                    for b in blocks {
                        match b.get("type").and_then(Value::as_str) {
                            Some("tool_result") => {
                                let id = b.get("tool_use_id").and_then(Value::as_str).unwrap_or("");
                                if let Some((tool, action)) = pending.remove(id) {
                                    let failed =
                                        b.get("is_error").and_then(Value::as_bool).unwrap_or(false);
                                    push(
                                        &mut events,
                                        n,
                                        Event::ToolFinished {
                                            tool,
                                            action,
                                            success: !failed,
                                            summary: String::new(),
                                            work: None,
                                            background: false,
                                        },
                                    );
                                }
                            }
                            Some("text") => push(
                                &mut events,
                                n,
                                Event::UserPrompt {
                                    text: b
                                        .get("text")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_owned(),
                                },
                            ),
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
                            let Ok(action) = super::claude::action(&tool, &input) else {
                                continue;
                            };
                            let id = b.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
                            pending.insert(id, (tool.clone(), action.clone()));
                            push(
                                &mut events,
                                n,
                                Event::ToolRequested {
                                    tool,
                                    action,
                                    work: None,
                                    confined: false,
                                },
                            );
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
                    push(
                        &mut events,
                        n,
                        Event::StopRequested {
                            last_message: last_text.clone(),
                            stop_hook_active: false,
                            work: None,
                            checks: Vec::new(),
                        },
                    );
                }
            }
            _ => {}
        }
    }
    (events, true)
}

/// Replays a recording against the bundle. `agent` names the main agent's policy (for
/// transcripts and main-session events that do not name one).
pub fn replay(bundle: &Bundle, text: &str, agent: Option<&str>) -> Result<ReplayReport, String> {
    let (events, approximate) = events_of(text);
    let mut report = ReplayReport {
        approximate,
        ..ReplayReport::default()
    };
    let lookup = |name: &str| {
        bundle
            .agents
            .get(name)
            .ok_or_else(|| format!("the bundle has no agent `{name}`"))
    };
    let main = agent.map(lookup).transpose()?;
    if events.is_empty() && !text.trim().is_empty() {
        return Err("the recording holds no event: not an audit log, captured hook events or a Claude Code transcript".to_owned());
    }
    // A recording none of whose events names an agent (a transcript of the main session) is
    // governed only by `--agent`: without it nothing would be checked.
    if main.is_none() && !events.is_empty() && events.iter().all(|r| r.agent_type.is_none()) {
        let names: Vec<&str> = bundle.agents.keys().map(String::as_str).collect();
        let has = if names.is_empty() {
            "the bundle has no agents".to_owned()
        } else {
            format!("the bundle has: {}", names.join(", "))
        };
        return Err(format!(
            "no event in the recording names an agent, so no policy applies to it; pass --agent NAME with the agent that ran it ({has})"
        ));
    }
    let mut sessions: BTreeMap<String, SessionState> = BTreeMap::new();
    let mut last: Option<(String, String, Event)> = None;
    for r in events {
        let subagent = r.agent_id.is_some();
        let policy = match (&r.agent_type, subagent) {
            (Some(name), _) => Some(lookup(name)?),
            (None, false) => main,
            (None, true) => None,
        };
        let parent = if subagent { main } else { None };
        let key = r
            .agent_id
            .as_deref()
            .map_or_else(|| decide::MAIN.to_owned(), super::sanitize);
        let governed = policy.is_some() || parent.is_some();
        if !governed && !matches!(r.event, Event::UserPrompt { .. }) {
            continue;
        }
        let actor = Actor {
            key: &key,
            policy,
            parent,
        };
        if matches!(r.event, Event::StopRequested { .. }) && policy.is_some() {
            last = Some((r.session.clone(), key.clone(), r.event.clone()));
        }
        let state = sessions.entry(r.session.clone()).or_default();
        let (decision, next) = decide::decide(&actor, state, &r.event);
        *state = next;
        report.events += 1;
        if decision != Decision::Allow {
            report.violations.push(Violation {
                line: r.line,
                event: describe(&r.event),
                decision,
            });
        }
    }
    if let Some((
        session,
        key,
        Event::StopRequested {
            last_message,
            work,
            checks,
            ..
        },
    )) = last
        && let Some(state) = sessions.get(&session)
        && let Some(agent_state) = state.agents.get(&key)
        && let Some(policy) = agent_state
            .agent
            .as_deref()
            .and_then(|n| bundle.agents.get(n))
    {
        let ctx = decide::StopContext {
            last_message: &last_message,
            work: work.as_ref(),
            checks: &checks,
        };
        for v in decide::done_verdicts(policy, agent_state, &ctx) {
            match v.status {
                decide::ItemStatus::Unmet => report.unmet_at_end.push(v.id),
                decide::ItemStatus::NotApplicable => report.not_applicable_at_end.push(format!(
                    "{} — {}",
                    v.id,
                    v.reason.unwrap_or_default()
                )),
                decide::ItemStatus::Met => {}
            }
        }
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
    /// For a subagent: its id in the session (its events are decided with the main agent's
    /// gates too, when `main` names the main agent).
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The main agent of the session, whose gates bind the subagents it starts.
    #[serde(default)]
    pub main: Option<String>,
    #[serde(flatten)]
    pub event: Event,
}

/// Decides each line of `input` (JSON events) and returns one JSON decision per line.
pub fn stream(bundle: &Bundle, input: &str) -> String {
    let mut sessions: BTreeMap<String, SessionState> = BTreeMap::new();
    let mut out = String::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let answer = match serde_json::from_str::<StreamEvent>(line) {
            Ok(e) => match bundle.agents.get(&e.agent) {
                Some(policy) => {
                    let key = e
                        .agent_id
                        .as_deref()
                        .map_or_else(|| decide::MAIN.to_owned(), super::sanitize);
                    let parent = e
                        .main
                        .as_deref()
                        .filter(|_| e.agent_id.is_some())
                        .and_then(|m| bundle.agents.get(m));
                    let actor = Actor {
                        key: &key,
                        policy: Some(policy),
                        parent,
                    };
                    let state = sessions.entry(e.session.clone()).or_default();
                    let (decision, next) = decide::decide(&actor, state, &e.event);
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

/// What `run replay --verify` found in an audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditCheck {
    pub lines: u64,
    /// Each break in the chain, or disagreement with the recorded head, with its line.
    pub problems: Vec<String>,
}

/// Checks an audit log's hash chain (each line's `prev` is the sha256 of the line before) and
/// that it ends where the head record beside it (`audit.head`) says: a removed, edited or
/// reordered line and a truncated end are each reported.
pub fn verify_audit(path: &std::path::Path) -> Result<AuditCheck, String> {
    let bytes =
        crate::fsutil::read_regular(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut check = AuditCheck::default();
    let mut prev = super::AUDIT_GENESIS.to_owned();
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        check
            .problems
            .push("the last line is cut short (no newline at the end)".to_owned());
    }
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        if body.is_empty() {
            break;
        }
        let n = i + 1;
        check.lines += 1;
        let recorded = serde_json::from_slice::<Value>(line)
            .ok()
            .and_then(|v| v.get("prev").and_then(Value::as_str).map(str::to_owned));
        match recorded {
            None => check
                .problems
                .push(format!("line {n}: not an audit record with `prev`")),
            Some(p) if p != prev => check.problems.push(format!(
                "line {n}: the chain breaks here (a line before it was removed, changed or moved)"
            )),
            Some(_) => {}
        }
        prev = crate::policy::sha256_hex(line);
    }
    let head_path = crate::fsutil::parent_dir(path).join(super::AUDIT_HEAD);
    match crate::fsutil::read_regular(&head_path) {
        Ok(head) => match serde_json::from_slice::<super::AuditHead>(&head) {
            Ok(head) if head.last == prev && head.lines == check.lines => {}
            Ok(head) if head.lines > check.lines || head.last != prev => {
                check.problems.push(format!(
                    "the log ends at line {} but {} records {} lines ending elsewhere: lines were removed from the end or the last one changed",
                    check.lines,
                    head_path.display(),
                    head.lines
                ));
            }
            Ok(_) => {}
            Err(e) => check
                .problems
                .push(format!("{} is corrupt: {e}", head_path.display())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if check.lines > 0 {
                check.problems.push(format!(
                    "{} is missing: a truncated end cannot be ruled out",
                    head_path.display()
                ));
            }
        }
        Err(e) => check.problems.push(format!("{}: {e}", head_path.display())),
    }
    Ok(check)
}
