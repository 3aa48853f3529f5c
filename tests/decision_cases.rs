//! The shared decision cases of `fixtures/decide/`, replayed through every way an event reaches
//! the engine: a Claude Code hook, a Codex hook and the generic event stream. Each path runs
//! the case in its own scratch repository; all must give the expected decision, with the same
//! reason where the step names nothing of a host's own (Codex's path puts its own files,
//! variables and program in place of Claude Code's).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::path::Path;

use serde::Deserialize;
use serde_json::json;
use support::{Answer, Project};

#[derive(Debug, Deserialize)]
struct Case {
    #[allow(dead_code)]
    description: String,
    agent: String,
    step: Vec<Step>,
}

#[derive(Debug, Deserialize)]
struct Step {
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

fn cases() -> Vec<(String, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/decide");
    let mut out: Vec<(String, Case)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let case = toml::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_stem().unwrap().to_string_lossy().into_owned(), case)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Changes an agent file and builds the bundle again.
fn rebuild(project: &Project) {
    let file = project.agents().join("backend.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n<!-- changed during the session -->\n");
    std::fs::write(&file, text).unwrap();
    project.build();
}

/// One host path: turns a step into what that host sends, and its answer into an [`Answer`].
trait HostPath {
    fn name(&self) -> &'static str;
    fn send(&self, project: &Project, agent: &str, n: usize, step: &Step) -> Answer;
}

struct ClaudeHook;

impl HostPath for ClaudeHook {
    fn name(&self) -> &'static str {
        "claude hook"
    }

    fn send(&self, project: &Project, agent: &str, n: usize, step: &Step) -> Answer {
        let dir = project.dir().display().to_string();
        let mut input = json!({
            "session_id": "case",
            "agent_type": agent,
            "cwd": dir,
        });
        let fields = match step.kind.as_str() {
            "prompt" => json!({"hook_event_name": "UserPromptSubmit", "prompt": step.text}),
            "bash" => json!({"hook_event_name": "PreToolUse", "tool_name": "Bash",
                "tool_input": {"command": step.text}, "tool_use_id": format!("t{n}")}),
            "bash-done" => json!({"hook_event_name": "PostToolUse", "tool_name": "Bash",
                "tool_input": {"command": step.text}, "tool_response": {"stdout": ""},
                "tool_use_id": format!("t{n}")}),
            "write" => json!({"hook_event_name": "PreToolUse", "tool_name": "Write",
                "tool_input": {"file_path": project.dir().join(&step.text), "content": "x"},
                "tool_use_id": format!("t{n}")}),
            "stop" => json!({"hook_event_name": "Stop", "stop_hook_active": false,
                "last_assistant_message": step.text}),
            other => panic!("unknown step kind `{other}`"),
        };
        for (k, v) in fields.as_object().unwrap() {
            input[k] = v.clone();
        }
        let bundle = project.bundle().display().to_string();
        let (out, code) = project.run(&["run", "hook", "--bundle", &bundle], &input.to_string());
        support::hook_answer(&out, code)
    }
}

struct CodexHook;

/// Claude Code's words in the cases and Codex's for the same thing.
const CODEX_WORDS: &[(&str, &str)] = &[
    (".claude/settings.local.json", ".codex/config.toml"),
    (".claude/settings.json", ".codex/hooks.json"),
    ("CLAUDE_CODE_SESSION_ID", "GOVERNED_CODEX_SESSION_ID"),
    ("CLAUDECODE", "GOVERNED_BY_CODEX"),
    ("claude -c -p yes", "codex exec resume --last yes"),
];

fn codex_words(text: &str) -> String {
    CODEX_WORDS
        .iter()
        .fold(text.to_owned(), |t, (claude, codex)| {
            t.replace(claude, codex)
        })
}

impl HostPath for CodexHook {
    fn name(&self) -> &'static str {
        "codex hook"
    }

    fn send(&self, project: &Project, agent: &str, n: usize, step: &Step) -> Answer {
        // Codex's session log, where the runner reads how a command ended.
        let rollout = project.root.path().join("rollout.jsonl");
        let text = codex_words(&step.text);
        let mut input = json!({
            "session_id": "case",
            "turn_id": "turn-1",
            "cwd": project.dir().display().to_string(),
            "transcript_path": rollout.display().to_string(),
        });
        let fields = match step.kind.as_str() {
            "prompt" => json!({"hook_event_name": "UserPromptSubmit", "prompt": text}),
            "bash" => {
                // Codex logs the call before its hook runs (the runner reads its arguments).
                let args = json!({"cmd": text}).to_string();
                let line = json!({"type": "response_item", "payload": {"type": "function_call",
                    "name": "exec_command", "call_id": format!("t{n}"), "arguments": args}});
                let mut log = std::fs::read_to_string(&rollout).unwrap_or_default();
                log.push_str(&format!("{line}\n"));
                std::fs::write(&rollout, log).unwrap();
                json!({"hook_event_name": "PreToolUse", "tool_name": "Bash",
                    "tool_input": {"command": text}, "tool_use_id": format!("t{n}")})
            }
            "bash-done" => {
                let line = json!({"type": "event_msg", "payload": {"type": "item_completed",
                    "item": {"type": "CommandExecution", "id": format!("t{n}"), "exit_code": 0}}});
                let mut log = std::fs::read_to_string(&rollout).unwrap_or_default();
                log.push_str(&format!("{line}\n"));
                std::fs::write(&rollout, log).unwrap();
                json!({"hook_event_name": "PostToolUse", "tool_name": "Bash",
                    "tool_input": {"command": text}, "tool_response": "",
                    "tool_use_id": format!("t{n}")})
            }
            "write" => json!({"hook_event_name": "PreToolUse", "tool_name": "apply_patch",
                "tool_input": {"command": format!("*** Begin Patch\n*** Add File: {text}\n+x\n*** End Patch\n")},
                "tool_use_id": format!("t{n}")}),
            "stop" => json!({"hook_event_name": "Stop", "stop_hook_active": false,
                "last_assistant_message": text}),
            other => panic!("unknown step kind `{other}`"),
        };
        for (k, v) in fields.as_object().unwrap() {
            input[k] = v.clone();
        }
        let bundle = project.bundle().display().to_string();
        let (out, code) = project.run(
            &[
                "run",
                "hook",
                "--host",
                "codex",
                "--bundle",
                &bundle,
                "--main-agent",
                agent,
            ],
            &input.to_string(),
        );
        support::hook_answer(&out, code)
    }
}

struct EventStream;

impl HostPath for EventStream {
    fn name(&self) -> &'static str {
        "run events"
    }

    fn send(&self, project: &Project, agent: &str, n: usize, step: &Step) -> Answer {
        let shell = json!({"kind": "shell", "command": step.text});
        let event = match step.kind.as_str() {
            "prompt" => json!({"event": "user-prompt", "text": step.text}),
            "bash" => json!({"event": "tool-requested", "tool": "Bash", "action": shell}),
            "bash-done" => json!({"event": "tool-finished", "tool": "Bash", "action": shell,
                "success": true}),
            "write" => json!({"event": "tool-requested", "tool": "Write",
                "action": {"kind": "edit", "path": project.dir().join(&step.text)}}),
            "stop" => json!({"event": "stop-requested", "last_message": step.text}),
            other => panic!("unknown step kind `{other}`"),
        };
        let mut line = json!({
            "session": "case",
            "agent": agent,
            "cwd": project.dir(),
            "tool_use_id": format!("t{n}"),
        });
        for (k, v) in event.as_object().unwrap() {
            line[k] = v.clone();
        }
        let bundle = project.bundle().display().to_string();
        let (out, code) = project.run(&["run", "events", "--bundle", &bundle], &line.to_string());
        assert_eq!(code, 0, "run events exits 0 whatever it decides");
        support::events_answer(&out)
    }
}

/// Runs a case through one path: the answer of each step that expects one.
fn run_case(path: &dyn HostPath, case: &Case) -> Vec<(usize, Answer)> {
    let project = Project::new();
    let mut answers = Vec::new();
    for (n, step) in case.step.iter().enumerate() {
        if step.kind == "rebuild" {
            rebuild(&project);
            continue;
        }
        let mut answer = path.send(&project, &case.agent, n, step);
        // Each path has its own scratch folder: the reasons are compared without it.
        answer.reason = answer
            .reason
            .replace(&project.dir().display().to_string(), "<project>");
        answers.push((n, answer));
    }
    answers
}

#[test]
fn every_host_path_decides_the_shared_cases_alike() {
    let paths: [&dyn HostPath; 3] = [&ClaudeHook, &EventStream, &CodexHook];
    let cases = cases();
    assert!(cases.len() >= 5, "the shared cases are there");
    let mut failures = Vec::new();
    for (name, case) in &cases {
        let runs: Vec<(&str, Vec<(usize, Answer)>)> = paths
            .iter()
            .map(|p| (p.name(), run_case(*p, case)))
            .collect();
        for (path, answers) in &runs {
            for (n, answer) in answers {
                let step = &case.step[*n];
                if let Some(expect) = &step.expect
                    && answer.kind != *expect
                {
                    failures.push(format!(
                        "{name} step {n} ({} `{}`) via {path}: {} ({}), expected {expect}",
                        step.kind, step.text, answer.kind, answer.reason
                    ));
                }
                if let Some(reason) = &step.reason
                    && !answer.reason.contains(reason.as_str())
                {
                    failures.push(format!(
                        "{name} step {n} via {path}: reason `{}` does not hold `{reason}`",
                        answer.reason
                    ));
                }
            }
        }
        let (first, first_answers) = &runs[0];
        for (path, answers) in &runs[1..] {
            for ((n, a), (_, b)) in first_answers.iter().zip(answers) {
                // Where Codex's path put its own words in, its reasons name its own files.
                let own_words =
                    *path == "codex hook" && codex_words(&case.step[*n].text) != case.step[*n].text;
                if a.kind != b.kind || (a.reason != b.reason && !own_words) {
                    failures.push(format!(
                        "{name} step {n}: {first} says {a:?}, {path} says {b:?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The test can fail: a case whose expectation is wrong is reported.
#[test]
fn a_wrong_expectation_is_reported() {
    let case: Case = toml::from_str(
        r#"
description = "A write of the host's settings expected to be allowed."
agent = "backend"
[[step]]
kind = "write"
text = ".claude/settings.json"
expect = "allow"
"#,
    )
    .unwrap();
    let answers = run_case(&EventStream, &case);
    assert_eq!(answers.len(), 1);
    assert_ne!(answers[0].1.kind, "allow");
}
