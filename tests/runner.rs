//! The decision core on the example backend policy, property tests, the Claude Code hook
//! contract on real captures, concurrency, and installing the hooks.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use agentspec::compile::{self, Unit};
use agentspec::model::{AgentSpec, FileRole};
use agentspec::policy::AgentPolicy;
use agentspec::policy::decide::{
    Decision, Event, MAX_CONSECUTIVE_STOP_BLOCKS, SessionState, decide,
};
use proptest::prelude::*;
use serde_json::json;

fn backend() -> AgentPolicy {
    static POLICY: std::sync::LazyLock<AgentPolicy> = std::sync::LazyLock::new(compile_backend);
    POLICY.clone()
}

fn compile_backend() -> AgentPolicy {
    let text = std::fs::read_to_string("fixtures/backend.md").unwrap();
    let doc = agentspec::parse::parse(&text);
    let role = FileRole {
        plugin: false,
        markdown: true,
    };
    let spec = AgentSpec::build_with(&doc, &text, role, &Default::default());
    let source = agentspec::source::SourceFile::new("fixtures/backend.md", text.clone());
    compile::compile_agent(
        &Unit {
            spec: &spec,
            source: &source,
            path: "fixtures/backend.md".into(),
        },
        &compile::Options::default(),
    )
}

fn bash(command: &str) -> Event {
    Event::ToolRequested {
        tool: "Bash".into(),
        input: json!({"command": command}),
    }
}

fn bash_done(command: &str, success: bool) -> Event {
    Event::ToolFinished {
        tool: "Bash".into(),
        input: json!({"command": command}),
        success,
        summary: String::new(),
    }
}

fn edit_done() -> Event {
    Event::ToolFinished {
        tool: "Edit".into(),
        input: json!({"file_path": "/p/src/a.ts"}),
        success: true,
        summary: String::new(),
    }
}

fn stop(message: &str, active: bool) -> Event {
    Event::StopRequested {
        last_message: message.into(),
        stop_hook_active: active,
    }
}

fn prompt(text: &str) -> Event {
    Event::UserPrompt { text: text.into() }
}

fn run(policy: &AgentPolicy, events: &[Event]) -> (Vec<Decision>, SessionState) {
    let mut state = SessionState::default();
    let mut decisions = Vec::new();
    for e in events {
        let (d, next) = decide(policy, &state, e);
        decisions.push(d);
        state = next;
    }
    (decisions, state)
}

fn kind(d: &Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::Deny { .. } => "deny",
        Decision::Ask { .. } => "ask",
        Decision::Block { .. } => "block",
    }
}

#[test]
fn decision_table_on_the_backend_policy() {
    let policy = backend();
    let asks = "I changed src/a.ts. Please review the changes. Reply 'yes' to approve and commit.";
    let table: Vec<(&str, Vec<Event>, Vec<&str>)> = vec![
        (
            "commit before approval is denied",
            vec![bash("git commit -m x")],
            vec!["deny"],
        ),
        (
            "commit hidden in a compound command is denied",
            vec![bash("npm test && FOO=1 git commit -m x")],
            vec!["deny"],
        ),
        (
            "push before approval is denied",
            vec![bash("git push origin main")],
            vec!["deny"],
        ),
        (
            "after the request and the user's yes, commit is allowed",
            vec![
                edit_done(),
                stop(asks, false),
                prompt("yes"),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "allow", "allow"],
        ),
        (
            "a yes without a request does not approve",
            vec![prompt("yes"), bash("git commit -m x")],
            vec!["allow", "deny"],
        ),
        (
            "another answer does not approve",
            vec![
                stop(asks, false),
                prompt("not yet, fix the tests"),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "deny"],
        ),
        (
            "an edit after approval needs approval again",
            vec![
                stop(asks, false),
                prompt("yes"),
                edit_done(),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "allow", "deny"],
        ),
        (
            "a tool outside the allowlist is denied",
            vec![Event::ToolRequested {
                tool: "WebFetch".into(),
                input: json!({"url": "https://example.com"}),
            }],
            vec!["deny"],
        ),
        (
            "an allowed tool is allowed",
            vec![bash("npm test")],
            vec!["allow"],
        ),
        (
            "stopping to ask for approval is the protocol's pause, not the end",
            vec![edit_done(), stop(asks, false)],
            vec!["allow", "allow"],
        ),
        (
            "stopping with the DoD unmet is blocked",
            vec![stop("All done.", false)],
            vec!["block"],
        ),
    ];
    for (name, events, expected) in table {
        let (decisions, _) = run(&policy, &events);
        let got: Vec<&str> = decisions.iter().map(kind).collect();
        assert_eq!(got, expected, "{name}: {decisions:?}");
    }
    // The block names the unmet items.
    let (decisions, _) = run(&policy, &[stop("All done.", false)]);
    let Decision::Block { reason, .. } = &decisions[0] else {
        panic!()
    };
    assert!(reason.contains("- Unit tests: >90% coverage"), "{reason}");
    // The commit denial names the gate and the token.
    let (decisions, _) = run(&policy, &[bash("git commit -m x")]);
    let Decision::Deny { reason, rule } = &decisions[0] else {
        panic!()
    };
    assert_eq!(rule, "gate:step-6");
    assert!(reason.contains("(`yes`)"), "{reason}");
}

#[test]
fn after_eight_blocked_stops_the_stop_goes_through_and_is_recorded() {
    let policy = backend();
    let mut events = vec![stop("All done.", false)];
    for _ in 1..=MAX_CONSECUTIVE_STOP_BLOCKS {
        events.push(stop("Still done.", true));
    }
    let (decisions, state) = run(&policy, &events);
    let kinds: Vec<&str> = decisions.iter().map(kind).collect();
    let mut expected = vec!["block"; MAX_CONSECUTIVE_STOP_BLOCKS as usize];
    expected.push("allow");
    assert_eq!(kinds, expected);
    assert!(
        state
            .finished_unmet
            .contains(&"testing/unit-tests-90-coverage".to_owned())
    );
}

#[test]
fn tests_after_the_last_edit_meet_the_test_items() {
    let policy = backend();
    let (_, state) = run(&policy, &[edit_done(), bash_done("npm test", true)]);
    let unmet = agentspec::policy::decide::unmet_done(&policy, &state, "");
    assert!(!unmet.contains(&"testing/unit-tests-90-coverage".to_owned()));
    let (_, state) = run(&policy, &[bash_done("npm test", true), edit_done()]);
    let unmet = agentspec::policy::decide::unmet_done(&policy, &state, "");
    assert!(unmet.contains(&"testing/unit-tests-90-coverage".to_owned()));
    let (_, state) = run(&policy, &[edit_done(), bash_done("npm test", false)]);
    assert!(
        agentspec::policy::decide::unmet_done(&policy, &state, "")
            .contains(&"testing/unit-tests-90-coverage".to_owned())
    );
}

fn arb_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(bash("git commit -m x")),
        Just(bash("npm test && git commit -am y")),
        Just(bash("git push")),
        Just(bash("npm test")),
        Just(bash_done("npm test", true)),
        Just(bash_done("git commit -m x", true)),
        Just(edit_done()),
        Just(prompt("yes")),
        Just(prompt("no")),
        Just(stop("Reply 'yes' to approve and commit.", false)),
        Just(stop("done", false)),
        Just(stop("done", true)),
        Just(Event::AgentMessage {
            text: "Please approve".into()
        }),
        Just(Event::ToolRequested {
            tool: "WebFetch".into(),
            input: json!({"url": "https://x"})
        }),
        Just(Event::ToolRequested {
            tool: "mcp__github__create_issue".into(),
            input: json!({})
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_allows_outside_the_allowlist_or_a_commit_before_approval(events in prop::collection::vec(arb_event(), 0..40)) {
        let policy = backend();
        let mut state = SessionState::default();
        // An independent model of the approval: a request, then `yes`, and no edit since.
        let (mut requested, mut approved) = (false, false);
        for event in &events {
            let (decision, next) = decide(&policy, &state, event);
            if let Event::ToolRequested { tool, input } = event {
                if tool != "Bash" {
                    prop_assert!(decision != Decision::Allow, "{tool} allowed");
                }
                let command = input["command"].as_str().unwrap_or("");
                if command.contains("git commit") || command.contains("git push") {
                    prop_assert!(decision != Decision::Allow || approved, "commit allowed before approval: {events:?}");
                }
            }
            match event {
                Event::StopRequested { last_message, .. } | Event::AgentMessage { text: last_message } if last_message.to_lowercase().contains("approv") && !approved => requested = true,
                Event::UserPrompt { text } if text == "yes" && requested => { approved = true; requested = false; }
                Event::ToolFinished { tool, success: true, .. } if tool == "Edit" && !next.committed => approved = false,
                _ => {}
            }
            state = next;
        }
    }
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("agentspec")
}

fn bundle_for(dir: &Path) -> PathBuf {
    let out = dir.join(".agentspec/bundle");
    let status = StdCommand::new(bin())
        .args(["build", "examples", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success());
    out
}

fn hook(bundle: &Path, input: &str, extra: &[&str]) -> (String, i32) {
    let mut child = StdCommand::new(bin())
        .args(["run", "hook", "--bundle"])
        .arg(bundle)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.stderr.is_empty() {
        text.push_str(&format!(
            "[stderr] {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    (text, out.status.code().unwrap_or(-1))
}

#[test]
fn golden_hook_io_for_every_captured_event() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    let mut names: Vec<PathBuf> = std::fs::read_dir("fixtures/hook-samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut golden = String::new();
    for path in names {
        let mut event: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        // Captured in a session without agentspec: run each as the backend agent.
        event["agent_type"] = json!("backend");
        let (out, code) = hook(&bundle, &event.to_string(), &[]);
        golden.push_str(&format!(
            "== {} -> exit {code}\n{out}\n",
            path.file_name().unwrap().to_string_lossy()
        ));
    }
    insta::assert_snapshot!(golden);
}

#[test]
fn hooks_fail_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    let mut pre: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/hook-samples/PreToolUse.json").unwrap(),
    )
    .unwrap();
    pre["agent_type"] = json!("backend");
    let pre = pre.to_string();
    let (out, code) = hook(&bundle, "not json", &[]);
    assert_eq!(code, 2, "{out}");
    let (out, code) = hook(&tmp.path().join("missing"), &pre, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("blocked because the policy could not be checked"));
    // A tampered bundle is refused.
    let file = bundle.join("agents/backend.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("git commit *", "git commat *")).unwrap();
    let (out, code) = hook(&bundle, &pre, &[]);
    assert_eq!(code, 2);
    assert!(out.contains("was modified"), "{out}");
}

#[test]
fn twenty_parallel_hooks_on_one_session_stay_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    let children: Vec<_> = (0..20)
        .map(|i| {
            let input = json!({
                "session_id": "s-par", "hook_event_name": "PreToolUse", "agent_type": "backend",
                "tool_name": "Bash", "tool_input": {"command": "npm test"}, "tool_use_id": format!("t{i}")
            })
            .to_string();
            let mut child = StdCommand::new(bin())
                .args(["run", "hook", "--bundle"])
                .arg(&bundle)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
            drop(child.stdin.take());
            child
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let state_dir = bundle.parent().unwrap().join("state");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_dir.join("s-par.json")).unwrap())
            .unwrap();
    assert_eq!(state["core"]["seq"], 20);
    assert_eq!(state["decided"].as_object().unwrap().len(), 20);
    let log = std::fs::read_to_string(state_dir.join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 20);
    for line in log.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(entry["decision"], "allow");
        assert_eq!(entry["session"], "s-par");
    }
    // The same tool_use_id again gets the same answer and changes nothing.
    let input =
        json!({"session_id": "s-par", "hook_event_name": "PreToolUse", "agent_type": "backend",
        "tool_name": "Bash", "tool_input": {"command": "npm test"}, "tool_use_id": "t3"})
        .to_string();
    hook(&bundle, &input, &[]);
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_dir.join("s-par.json")).unwrap())
            .unwrap();
    assert_eq!(state["core"]["seq"], 20);
}

#[test]
fn hooks_install_is_idempotent_keeps_other_settings_and_doctor_checks_it() {
    let tmp = tempfile::tempdir().unwrap();
    bundle_for(tmp.path());
    let settings = tmp.path().join(".claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, r#"{"model": "opus", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./mine.sh"}]}]}}"#).unwrap();
    let install = || {
        StdCommand::new(bin())
            .args([
                "hooks",
                "install",
                "--bundle",
                ".agentspec/bundle",
                "--settings",
                ".claude/settings.json",
                "--binary",
            ])
            .arg(bin())
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    assert!(install().status.success());
    let first = std::fs::read_to_string(&settings).unwrap();
    assert!(install().status.success());
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), first);
    let value: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(value["model"], "opus");
    let pre = value["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2);
    assert_eq!(pre[0]["hooks"][0]["command"], "./mine.sh");
    let doctor = StdCommand::new(bin())
        .arg("doctor")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        doctor.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
    // A mistyped bundle path silently disables enforcement: doctor says so.
    std::fs::write(
        &settings,
        first.replace(".agentspec/bundle", ".agentspec/bundel"),
    )
    .unwrap();
    let doctor = StdCommand::new(bin())
        .arg("doctor")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(doctor.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("bundel"));
    // A settings file it cannot parse is left alone.
    std::fs::write(&settings, "{ not json").unwrap();
    assert_eq!(install().status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "{ not json");
}

#[test]
fn replay_of_the_audit_log_captured_events_and_a_transcript() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    let ev = |v: serde_json::Value| v.to_string();
    let inputs = [
        ev(
            json!({"session_id": "r1", "hook_event_name": "PreToolUse", "agent_type": "backend", "tool_name": "Bash", "tool_input": {"command": "git commit -m early"}, "tool_use_id": "a"}),
        ),
        ev(
            json!({"session_id": "r1", "hook_event_name": "Stop", "agent_type": "backend", "stop_hook_active": false, "last_assistant_message": "Reply 'yes' to approve and commit."}),
        ),
        ev(
            json!({"session_id": "r1", "hook_event_name": "UserPromptSubmit", "agent_type": "backend", "prompt": "yes"}),
        ),
        ev(
            json!({"session_id": "r1", "hook_event_name": "PreToolUse", "agent_type": "backend", "tool_name": "Bash", "tool_input": {"command": "git commit -m ok"}, "tool_use_id": "b"}),
        ),
    ];
    for input in &inputs {
        hook(&bundle, input, &[]);
    }
    let replay = |file: &Path, extra: &[&str]| {
        StdCommand::new(bin())
            .args(["run", "replay", "--bundle"])
            .arg(&bundle)
            .args(extra)
            .arg(file)
            .args(["--format", "json"])
            .output()
            .unwrap()
    };
    // The runner's own audit log replays exactly: the same single denial.
    let log = bundle.parent().unwrap().join("state/audit.jsonl");
    let out = replay(&log, &[]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["events"], 4);
    assert_eq!(report["violations"].as_array().unwrap().len(), 1);
    assert_eq!(report["violations"][0]["line"], 1);
    assert_eq!(report["violations"][0]["decision"]["rule"], "gate:step-6");
    // Captured hook events, one per line.
    let captured = tmp.path().join("captured.jsonl");
    std::fs::write(&captured, inputs.join("\n")).unwrap();
    let report: serde_json::Value = serde_json::from_slice(&replay(&captured, &[]).stdout).unwrap();
    assert_eq!(report["violations"].as_array().unwrap().len(), 1);
    assert_eq!(report["approximate"], false);
    // A Claude Code transcript, mapped approximately.
    let transcript = [
        json!({"type": "user", "message": {"role": "user", "content": "Implement the endpoint"}}),
        json!({"type": "assistant", "message": {"role": "assistant", "stop_reason": "tool_use", "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "git commit -m wip"}}]}}),
        json!({"type": "user", "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "ok", "is_error": false}]}}),
        json!({"type": "assistant", "message": {"role": "assistant", "stop_reason": "end_turn", "content": [{"type": "text", "text": "Done."}]}}),
    ]
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let path = tmp.path().join("transcript.jsonl");
    std::fs::write(&path, transcript).unwrap();
    let out = replay(&path, &["--agent", "backend"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["approximate"], true);
    let kinds: Vec<&str> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["decision"]["decision"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["deny", "block"]);
}

#[test]
fn the_event_stream_answers_line_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    let lines = [
        json!({"session": "s", "agent": "backend", "event": "tool-requested", "tool": "Bash", "input": {"command": "git commit -m x"}}),
        json!({"session": "s", "agent": "backend", "event": "stop-requested", "last_message": "Reply 'yes' to approve"}),
        json!({"session": "s", "agent": "backend", "event": "user-prompt", "text": "yes"}),
        json!({"session": "s", "agent": "backend", "event": "tool-requested", "tool": "Bash", "input": {"command": "git commit -m x"}}),
        json!({"session": "s", "agent": "nobody", "event": "session-start"}),
    ]
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let (out, code) = {
        let mut child = StdCommand::new(bin())
            .args(["run", "events", "--bundle"])
            .arg(&bundle)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), lines.as_bytes()).unwrap();
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            out.status.code(),
        )
    };
    assert_eq!(code, Some(0));
    let decisions: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["decision"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(decisions, vec!["deny", "allow", "allow", "allow", "error"]);
}
