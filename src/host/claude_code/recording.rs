//! Claude Code's recordings as the engine's calls: hook inputs (captured, or inside the
//! runner's audit log with what the runner measured) exactly, a transcript approximately.

use std::collections::BTreeMap;

use serde_json::Value;

use super::HookInput;
use crate::engine::replay::Recorded;
use crate::engine::{Call, RecordedFlags};
use crate::policy::decide::{Action, Event};

/// A recorded hook input, with what the runner measured and did for it.
fn recorded_hook(line: usize, hook: Value, record: &Value) -> Option<Recorded> {
    let input: HookInput = serde_json::from_value(hook.clone()).ok()?;
    let mut call = input.call(hook).ok()?;
    call.event.as_ref()?;
    let flag = |k: &str| record.get(k).and_then(Value::as_bool).unwrap_or(false);
    call.recorded = Some(RecordedFlags {
        confined: flag("confined"),
        outside_root: flag("outside_root"),
    });
    let parse = |k: &str| record.get(k).cloned().filter(|v| !v.is_null());
    Some(Recorded {
        line,
        call,
        work: parse("work").and_then(|w| serde_json::from_value(w).ok()),
        checks: parse("checks")
            .and_then(|c| serde_json::from_value(c).ok())
            .unwrap_or_default(),
        performed: parse("performed").and_then(|p| serde_json::from_value(p).ok()),
    })
}

/// An event of a transcript, as the engine's call.
fn transcript_call(event: Event) -> Call {
    Call {
        session: String::new(),
        event_name: "transcript".to_owned(),
        agent_type: None,
        agent_id: None,
        tool_name: match &event {
            Event::ToolRequested { tool, .. } | Event::ToolFinished { tool, .. } => {
                Some(tool.clone())
            }
            _ => None,
        },
        tool_input: None,
        tool_use_id: None,
        cwd: None,
        event: Some(event),
        refused: None,
        more_paths: Vec::new(),
        raw: Value::Null,
        recorded: Some(RecordedFlags::default()),
    }
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
                let hook = v.get("input").cloned().unwrap_or_else(|| v.clone());
                recorded_hook(n, hook, &v)
            })
            .collect();
        return (events, false);
    }
    let mut events = Vec::new();
    let push = |events: &mut Vec<Recorded>, line: usize, event: Event| {
        events.push(Recorded {
            line,
            call: transcript_call(event),
            work: None,
            checks: Vec::new(),
            performed: None,
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
                            let Ok(action) = super::settings::action(&tool, &input) else {
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

/// Replays a recording of Claude Code (an audit log, captured hook inputs or a transcript)
/// through the engine, with the bundle in `bundle_dir`.
pub fn replay(
    bundle_dir: &std::path::Path,
    bundle: &crate::policy::Bundle,
    text: &str,
    agent: Option<&str>,
) -> Result<crate::engine::replay::ReplayReport, String> {
    let (events, approximate) = events_of(text);
    if events.is_empty() && !text.trim().is_empty() {
        return Err("the recording holds no event: not an audit log, captured hook events or a Claude Code transcript".to_owned());
    }
    crate::engine::replay::replay(
        bundle_dir,
        bundle,
        events,
        approximate,
        agent,
        &super::ClaudeCode,
    )
}
