//! The decision core on the example backend policy, property tests, the Claude Code hook
//! contract on real captures, concurrency, and installing the hooks.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use support::bin;

use agentspec::compile::{self, Unit};
use agentspec::model::{AgentSpec, FileRole};
use agentspec::policy::AgentPolicy;
use agentspec::policy::decide::{
    Action, Actor, Decision, Event, MAX_STOP_BLOCKS, SessionState, WorkTree, decide,
};
use proptest::prelude::*;
use serde_json::json;

fn backend() -> AgentPolicy {
    static POLICY: std::sync::LazyLock<AgentPolicy> = std::sync::LazyLock::new(compile_backend);
    POLICY.clone()
}

fn compile_backend() -> AgentPolicy {
    let text = std::fs::read_to_string("fixtures/backend.md").unwrap();
    compile::compile_markdown("fixtures/backend.md", &text)
}

fn work(head: &str, tree: &str) -> WorkTree {
    WorkTree {
        head: Some(head.into()),
        tree: tree.into(),
        index_consistent: true,
        nested: None,
    }
}

/// The work tree the examples start from.
fn w0() -> WorkTree {
    work("h0", "t0")
}

fn bash_at(command: &str, w: &WorkTree) -> Event {
    Event::ToolRequested {
        tool: "Bash".into(),
        action: Action::Shell {
            command: command.into(),
        },
        work: Some(w.clone()),
        confined: false,
    }
}

fn bash(command: &str) -> Event {
    bash_at(command, &w0())
}

fn bash_done(command: &str, success: bool, after: &WorkTree) -> Event {
    Event::ToolFinished {
        tool: "Bash".into(),
        action: Action::Shell {
            command: command.into(),
        },
        success,
        summary: String::new(),
        work: Some(after.clone()),
        background: false,
    }
}

fn edit_done() -> Event {
    Event::ToolFinished {
        tool: "Edit".into(),
        action: Action::Edit {
            path: "/p/src/a.ts".into(),
        },
        success: true,
        summary: String::new(),
        work: None,
        background: false,
    }
}

fn stop_at(message: &str, active: bool, w: &WorkTree) -> Event {
    Event::StopRequested {
        last_message: message.into(),
        stop_hook_active: active,
        work: Some(w.clone()),
        checks: Vec::new(),
    }
}

fn stop(message: &str, active: bool) -> Event {
    stop_at(message, active, &w0())
}

fn prompt(text: &str) -> Event {
    Event::UserPrompt { text: text.into() }
}

fn run(policy: &AgentPolicy, events: &[Event]) -> (Vec<Decision>, SessionState) {
    run_as(&Actor::main(policy), events)
}

fn run_as(actor: &Actor, events: &[Event]) -> (Vec<Decision>, SessionState) {
    let mut state = SessionState::default();
    let mut decisions = Vec::new();
    for e in events {
        let (d, next) = decide(actor, &state, e);
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

const ASKS: &str =
    "I changed src/a.ts. Please review the changes. Reply 'yes' to approve and commit.";

#[test]
fn decision_table_on_the_backend_policy() {
    let policy = backend();
    let w1 = work("h0", "t1");
    let committed = work("c1", "t0");
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
            "a disguised commit is denied",
            vec![bash("git -C . commit -m x")],
            vec!["deny"],
        ),
        (
            "commit through bash -c is denied",
            vec![bash("bash -c 'git commit -m x'")],
            vec!["deny"],
        ),
        (
            "push before approval is denied",
            vec![bash("git push origin main")],
            vec!["deny"],
        ),
        (
            "an opaque command before approval is denied",
            vec![bash("python3 -c 'print(1)'")],
            vec!["deny"],
        ),
        (
            "after the request and the user's yes, commit is allowed",
            vec![
                edit_done(),
                stop(ASKS, false),
                prompt("yes"),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "allow", "allow"],
        ),
        (
            "punctuation around the token still approves",
            vec![
                stop(ASKS, false),
                prompt("  Yes! "),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "allow"],
        ),
        (
            "a yes without a request does not approve",
            vec![prompt("yes"), bash("git commit -m x")],
            vec!["allow", "deny"],
        ),
        (
            "another answer does not approve",
            vec![
                stop(ASKS, false),
                prompt("not yet, fix the tests"),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "deny"],
        ),
        (
            "a yes with conditions is not an approval",
            vec![
                stop(ASKS, false),
                prompt("yes, but change X"),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "deny"],
        ),
        (
            "a change to the work tree after the approval voids it, whichever tool made it",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash_at("git commit -m x", &w1),
            ],
            vec!["allow", "allow", "deny"],
        ),
        (
            "staged content the approved work tree does not show is refused",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash_at(
                    "git commit -m x",
                    &WorkTree {
                        index_consistent: false,
                        ..w0()
                    },
                ),
            ],
            vec!["allow", "allow", "deny"],
        ),
        (
            "an approval allows one commit",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash("git commit -m x"),
                bash_done("git commit -m x", true, &committed),
                bash_at("git commit --allow-empty -m again", &committed),
            ],
            vec!["allow", "allow", "allow", "allow", "deny"],
        ),
        (
            "one approval, one command with two commits: denied",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash("git commit -m a && git commit --allow-empty -m b"),
            ],
            vec!["allow", "allow", "deny"],
        ),
        (
            "the approved commit may be pushed",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash("git commit -m x"),
                bash_done("git commit -m x", true, &committed),
                bash_at("git push origin main", &committed),
            ],
            vec!["allow", "allow", "allow", "allow", "allow"],
        ),
        (
            "a push of anything else is denied",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash("git commit -m x"),
                bash_done("git commit -m x", true, &committed),
                bash_at("git push origin main", &work("c2", "t0")),
            ],
            vec!["allow", "allow", "allow", "allow", "deny"],
        ),
        (
            "a failed commit leaves the approval for the next try",
            vec![
                stop(ASKS, false),
                prompt("yes"),
                bash("git commit -m x"),
                bash_done("git commit -m x", false, &w0()),
                bash("git commit -m x"),
            ],
            vec!["allow", "allow", "allow", "allow", "allow"],
        ),
        (
            "a tool outside the allowlist is denied",
            vec![Event::ToolRequested {
                tool: "WebFetch".into(),
                action: Action::Other {
                    target: Some("https://example.com".into()),
                },
                work: None,
                confined: false,
            }],
            vec!["deny"],
        ),
        (
            "an allowed tool is allowed",
            vec![bash("npm test")],
            vec!["allow"],
        ),
        (
            "a stop that does not quote the token is not a request",
            vec![
                stop("approve?", false),
                prompt("yes"),
                bash("git commit -m x"),
            ],
            vec!["block", "allow", "deny"],
        ),
        (
            "git's own files cannot be edited while the gate is closed",
            vec![Event::ToolRequested {
                tool: "Write".into(),
                action: Action::Edit {
                    path: "/p/.git/refs/heads/main".into(),
                },
                work: Some(w0()),
                confined: false,
            }],
            vec!["deny"],
        ),
        (
            "everyday commands stay allowed before approval",
            vec![
                bash("git status && npm test"),
                bash("git log --oneline | head"),
                bash("echo \"git commit\""),
                bash("grep -r 'git commit' ."),
                bash("git commit --dry-run"),
            ],
            vec!["allow"; 5],
        ),
        (
            "stopping to ask for approval is the protocol's pause, not the end",
            vec![edit_done(), stop(ASKS, false)],
            vec!["allow", "allow"],
        ),
        (
            "stopping with the DoD unmet is blocked",
            vec![stop("All done.", false)],
            vec!["block"],
        ),
        (
            "MCP tools that commit are gated too",
            vec![Event::ToolRequested {
                tool: "mcp__git__git_commit".into(),
                action: Action::Other { target: None },
                work: Some(w0()),
                confined: false,
            }],
            vec!["deny"],
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
    assert!(
        reason.contains("- [ ] Unit tests: >90% coverage"),
        "{reason}"
    );
    // The commit denial names the gate and the token.
    let (decisions, _) = run(&policy, &[bash("git commit -m x")]);
    let Decision::Deny { reason, rule } = &decisions[0] else {
        panic!()
    };
    assert_eq!(rule, "gate:step-6");
    assert!(reason.contains("(`yes`)"), "{reason}");
    // The opaque denial says what to write instead, and never a command the gate refuses.
    let (decisions, _) = run(&policy, &[bash("eval \"$CMD\"")]);
    let Decision::Deny { reason, .. } = &decisions[0] else {
        panic!()
    };
    assert!(reason.contains("`npm test`"), "{reason}");
    assert!(!reason.contains("git commit"), "{reason}");
}

#[test]
fn agents_without_an_approval_protocol_are_not_gated() {
    let text = "---\nname: plain\ndescription: d\ntools: Bash\n---\n## Workflow\n\n1. Use async/await everywhere\n2. Run the tests\n3. Configure pre-commit hooks\n";
    let policy = compile_text(text);
    assert!(policy.protocol.as_ref().is_none_or(|p| p.gates.is_empty()));
    let (decisions, _) = run(
        &policy,
        &[
            bash("git commit -m x"),
            bash("python3 -c 'print(1)'"),
            bash("git push"),
        ],
    );
    assert_eq!(decisions.iter().map(kind).collect::<Vec<_>>(), ["allow"; 3]);
}

#[test]
fn allow_rules_use_the_command_analysis() {
    let text = "---\nname: reader\ndescription: d\ntools: Bash(git diff *), Bash(git log *), Bash(npm test *), Read\n---\nReads.\n";
    let policy = compile_text(text);
    let table = [
        ("git diff HEAD~1", "allow"),
        ("git diff", "allow"),
        ("npm test", "allow"),
        ("git log --oneline && git diff", "allow"),
        ("cd src && git diff", "allow"),
        ("\"git\" 'diff' HEAD", "allow"),
        ("git diff --output=/tmp/x", "deny"),
        ("git diff > /tmp/x", "deny"),
        ("git diff $(rm -rf x)", "deny"),
        ("git diff; rm -rf x", "deny"),
        ("git diff | sh", "deny"),
        ("git -c core.pager='sh -c x' diff", "deny"),
        ("git diff $FILE", "deny"),
        ("git diff && python -c 'x'", "deny"),
        ("sudo git diff", "deny"),
        ("git status", "deny"),
        ("GIT_TRACE=/tmp/x git diff", "deny"),
        ("CI=1 npm test", "allow"),
    ];
    for (command, expected) in table {
        let (d, _) = run(&policy, &[bash(command)]);
        assert_eq!(kind(&d[0]), expected, "{command}: {d:?}");
    }
}

#[test]
fn a_subagents_request_is_approved_in_the_main_session_and_binds_its_next_run() {
    let policy = backend();
    let first = Actor {
        key: "a1",
        policy: Some(&policy),
        parent: None,
    };
    let second = Actor {
        key: "a2",
        policy: Some(&policy),
        parent: None,
    };
    let mut state = SessionState::default();
    let steps: Vec<(&Actor, Event, &str)> = vec![
        (&first, bash("git commit -m x"), "deny"),
        (&first, stop(ASKS, false), "allow"),
        // The user answers in the main session: no agent in the event.
        (&first, prompt("yes"), "allow"),
        (&second, bash("git commit -m x"), "allow"),
    ];
    for (actor, event, expected) in steps {
        let (d, next) = decide(actor, &state, &event);
        assert_eq!(kind(&d), expected, "{event:?}: {d:?}");
        state = next;
    }
}

#[test]
fn subagents_of_a_governed_main_agent_are_bound_by_its_gates() {
    let policy = backend();
    let child = Actor {
        key: "c1",
        policy: None,
        parent: Some(&policy),
    };
    let (d, _) = run_as(
        &child,
        &[
            bash("git commit -m x"),
            bash("npm test"),
            bash("eval \"$X\""),
        ],
    );
    assert_eq!(
        d.iter().map(kind).collect::<Vec<_>>(),
        ["deny", "allow", "deny"]
    );
    // The main agent may start agents (they inherit its gates); a gated subagent may not.
    let spawn = Event::ToolRequested {
        tool: "Agent".into(),
        action: Action::Spawn {
            agent: Some("general-purpose".into()),
        },
        work: None,
        confined: false,
    };
    let main = Actor {
        key: "main",
        policy: Some(&policy),
        parent: None,
    };
    assert_eq!(
        kind(&run_as(&main, std::slice::from_ref(&spawn)).0[0]),
        "deny",
        "backend has no Agent tool"
    );
    let inherits = compile_text(
        "---\nname: lead\ndescription: d\n---\n## Protocol\n\n1. Implement\n2. Ask for approval\n3. Wait for the user to reply \"yes\"\n4. Commit the changes\n",
    );
    let lead = Actor {
        key: "main",
        policy: Some(&inherits),
        parent: None,
    };
    assert_eq!(
        kind(&run_as(&lead, std::slice::from_ref(&spawn)).0[0]),
        "allow"
    );
    let gated_child = Actor {
        key: "c2",
        policy: Some(&inherits),
        parent: None,
    };
    assert_eq!(
        kind(&run_as(&gated_child, std::slice::from_ref(&spawn)).0[0]),
        "deny"
    );
}

#[test]
fn after_eight_blocked_stops_the_stop_goes_through_and_is_recorded() {
    let policy = backend();
    let mut events = vec![stop("All done.", false)];
    for _ in 1..=MAX_STOP_BLOCKS {
        events.push(stop("Still done.", true));
    }
    let (decisions, state) = run(&policy, &events);
    let kinds: Vec<&str> = decisions.iter().map(kind).collect();
    let mut expected = vec!["block"; MAX_STOP_BLOCKS as usize];
    expected.push("allow");
    assert_eq!(kinds, expected);
    assert!(
        state.agents["main"]
            .finished_unmet
            .contains(&"testing/integration-tests-all-endpoints-tested-with".to_owned())
    );
}

#[test]
fn tests_after_the_last_edit_meet_the_test_items() {
    let policy = backend();
    let unmet = |events: &[Event], now: Option<&WorkTree>| {
        let (_, state) = run(&policy, events);
        let ctx = agentspec::policy::decide::StopContext {
            last_message: "",
            work: now,
            checks: &[],
        };
        agentspec::policy::decide::unmet_done(&policy, &state.agents["main"], &ctx)
    };
    let item = "testing/integration-tests-all-endpoints-tested-with".to_owned();
    let w1 = work("h0", "t1");
    // With a work tree: the tree the tests passed on.
    let passed = [edit_done(), bash_done("npm test", true, &w0())];
    assert!(!unmet(&passed, Some(&w0())).contains(&item));
    assert!(unmet(&passed, Some(&w1)).contains(&item));
    // Without one (no git repository): runs after the last edit of the file tools.
    assert!(!unmet(&passed, None).contains(&item));
    assert!(unmet(&[bash_done("npm test", true, &w0()), edit_done()], None).contains(&item));
    assert!(
        unmet(
            &[edit_done(), bash_done("npm test", false, &w0())],
            Some(&w0())
        )
        .contains(&item)
    );
}

/// One step of a random session, over a small universe of work trees.
#[derive(Debug, Clone)]
enum Step {
    Command(usize, usize),
    Harmless(usize, usize),
    Ask(usize),
    Answer(&'static str),
    CommitDone(usize),
}

const WORKS: &[(&str, &str)] = &[("h0", "t0"), ("h0", "t1"), ("h1", "t0"), ("h2", "t2")];
const GATED: &[&str] = &[
    "git commit -m x",
    "npm test && git commit -am y",
    "git -C . commit -m x",
    "bash -c 'git commit -m x'",
    "env GIT_AUTHOR_NAME=x git commit -m x",
    "echo $(git commit -m x)",
    "git push",
    "sudo git push origin main",
    "eval \"$CMD\"",
    "python3 -c 'import os'",
];
const HARMLESS: &[&str] = &[
    "npm test",
    "git status",
    "git log --oneline | head",
    "echo 'git commit -m x'",
    "grep -rn 'git push' .",
    "git add -A",
    "git diff HEAD",
    "git commit --dry-run",
];

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..GATED.len(), 0..WORKS.len()).prop_map(|(c, w)| Step::Command(c, w)),
        (0..HARMLESS.len(), 0..WORKS.len()).prop_map(|(c, w)| Step::Harmless(c, w)),
        (0..WORKS.len()).prop_map(Step::Ask),
        prop_oneof![
            Just("yes"),
            Just("Yes."),
            Just("no"),
            Just("yes, but x"),
            Just("yes please")
        ]
        .prop_map(Step::Answer),
        (0..WORKS.len()).prop_map(Step::CommitDone),
    ]
}

fn wt(i: usize) -> WorkTree {
    work(WORKS[i].0, WORKS[i].1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Against an independent model of approvals: a commit is allowed only when the user
    /// answered exactly `yes` to a request made on the very work tree being committed; harmless
    /// commands are never denied.
    #[test]
    fn commits_only_on_approved_work_and_harmless_commands_always(steps in prop::collection::vec(arb_step(), 0..40)) {
        let policy = backend();
        let actor = Actor::main(&policy);
        let mut state = SessionState::default();
        let mut pending: Option<WorkTree> = None;
        let mut approved: Vec<WorkTree> = Vec::new();
        for step in &steps {
            let event = match step {
                Step::Command(c, w) => bash_at(GATED[*c], &wt(*w)),
                Step::Harmless(c, w) => bash_at(HARMLESS[*c], &wt(*w)),
                Step::Ask(w) => stop_at(ASKS, false, &wt(*w)),
                Step::Answer(text) => prompt(text),
                Step::CommitDone(w) => bash_done("git commit -m x", true, &wt(*w)),
            };
            let (decision, next) = decide(&actor, &state, &event);
            match step {
                Step::Command(c, w) => {
                    let command = GATED[*c];
                    let is_commit = command.contains("commit") && !command.contains("$(") || command.contains("$(git commit");
                    if is_commit && decision == Decision::Allow {
                        prop_assert!(approved.contains(&wt(*w)), "commit allowed on unapproved work: {steps:?}");
                    }
                    if command.contains("eval") || command.contains("python3") {
                        prop_assert!(decision != Decision::Allow || !approved.is_empty(), "opaque allowed before any approval: {steps:?}");
                    }
                }
                Step::Harmless(c, _) => prop_assert_eq!(decision, Decision::Allow, "{}", HARMLESS[*c]),
                Step::Ask(w) => pending = Some(wt(*w)),
                Step::Answer(text) => {
                    if let (Some(w), true) = (pending.take(), matches!(*text, "yes" | "Yes.")) {
                        approved.push(w);
                    }
                }
                Step::CommitDone(_) => {}
            }
            state = next;
        }
    }
}

fn compile_text(text: &str) -> AgentPolicy {
    let doc = agentspec::parse::parse(text);
    let role = FileRole {
        plugin: false,
        markdown: true,
        ..Default::default()
    };
    let spec = AgentSpec::build_with(&doc, text, role, &Default::default());
    let source = agentspec::source::SourceFile::new("a.md", text.to_owned());
    compile::compile_agent(
        &Unit {
            spec: &spec,
            source: &source,
            path: "a.md".into(),
            skills: Vec::new(),
        },
        &compile::Options::default(),
    )
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

/// Where the tests' runner keeps its state: `$XDG_STATE_HOME` beside the bundle.
fn state_home(bundle: &Path) -> std::path::PathBuf {
    bundle.parent().unwrap().join("xdg")
}

/// The runner's state directory for `bundle` (after a hook ran).
fn state_dir(bundle: &Path) -> std::path::PathBuf {
    std::fs::read_dir(state_home(bundle).join("agentspec"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

fn hook(bundle: &Path, input: &str, extra: &[&str]) -> (String, i32) {
    let mut child = StdCommand::new(bin())
        .args(["run", "hook", "--bundle"])
        .arg(bundle)
        .args(extra)
        .env("XDG_STATE_HOME", state_home(bundle))
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
    std::fs::write(
        &file,
        text.replace("\"operation\": \"commit\"", "\"operation\": \"push\""),
    )
    .unwrap();
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
                .env("XDG_STATE_HOME", state_home(&bundle))
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
    let state_dir = state_dir(&bundle);
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state_dir.join("s-par.session.json")).unwrap(),
    )
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
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state_dir.join("s-par.session.json")).unwrap(),
    )
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
            .env("XDG_STATE_HOME", tmp.path().join("xdg"))
            .env("HOME", tmp.path().join("home"))
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
        .env("XDG_STATE_HOME", tmp.path().join("xdg"))
        .output()
        .unwrap();
    assert_eq!(
        doctor.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
    // The git hooks of the backstop, pointed at through the settings' env.
    assert_eq!(value["env"]["GIT_CONFIG_KEY_0"], "core.hooksPath");
    let hooks = std::path::PathBuf::from(value["env"]["GIT_CONFIG_VALUE_0"].as_str().unwrap());
    assert!(hooks.is_absolute());
    assert!(hooks.join("reference-transaction").is_file());
    let pre_push = std::fs::read(hooks.join("pre-push")).unwrap();
    std::fs::remove_file(hooks.join("pre-push")).unwrap();
    let doctor = StdCommand::new(bin())
        .arg("doctor")
        .current_dir(tmp.path())
        .env("XDG_STATE_HOME", tmp.path().join("xdg"))
        .output()
        .unwrap();
    assert_eq!(doctor.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("pre-push is missing"));
    std::fs::write(hooks.join("pre-push"), pre_push).unwrap();
    std::fs::set_permissions(
        hooks.join("pre-push"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    // A mistyped bundle path silently disables enforcement: doctor says so.
    std::fs::write(
        &settings,
        first.replace(".agentspec/bundle", ".agentspec/bundel"),
    )
    .unwrap();
    let doctor = StdCommand::new(bin())
        .arg("doctor")
        .current_dir(tmp.path())
        .env("XDG_STATE_HOME", tmp.path().join("xdg"))
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
    let log = state_dir(&bundle).join("audit.jsonl");
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
    // Without the work-tree fingerprints the hook recorded, the approval is bound to nothing
    // known, so the approved commit is denied too: unknown work is never the approved work.
    assert_eq!(report["violations"].as_array().unwrap().len(), 2);
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
    // Without `--agent` no policy applies to a transcript: an error that says so, not a clean
    // "0 events" report.
    let out = replay(&path, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pass --agent NAME") && err.contains("backend"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
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
    // The runner takes the work tree's fingerprint itself, in the event's `cwd`: a change
    // after the approval voids it, and a `work` the event carries changes nothing.
    let project = support::Project::new();
    let dir = project.dir();
    let line = |v: serde_json::Value| {
        let mut v = v;
        v["session"] = json!("s");
        v["cwd"] = json!(dir);
        v.to_string()
    };
    let commit = json!({"agent": "backend", "event": "tool-requested", "tool": "Bash", "action": {"kind": "shell", "command": "git commit -am x"}});
    let stream = |lines: &[String]| -> Vec<String> {
        let bundle = project.bundle().display().to_string();
        let (out, code) = project.run(&["run", "events", "--bundle", &bundle], &lines.join("\n"));
        assert_eq!(code, 0);
        out.lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["decision"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let first = [
        line(commit.clone()),
        line(
            json!({"agent": "backend", "event": "stop-requested", "last_message": "Reply 'yes' to approve"}),
        ),
        line(json!({"agent": "backend", "event": "user-prompt", "text": "yes"})),
        line(commit.clone()),
    ];
    assert_eq!(stream(&first), vec!["deny", "allow", "allow", "allow"]);
    // The work changes after the approval; the event claims a fingerprint of its own.
    std::fs::write(dir.join("src/app.py"), "print('changed')\n").unwrap();
    let mut claimed = commit.clone();
    claimed["work"] = json!({"head": "h", "tree": "t", "index_consistent": true});
    let second = [
        line(commit),
        line(claimed),
        line(json!({"agent": "nobody", "event": "session-start"})),
        json!({"agent": "backend", "event": "session-start"}).to_string(),
    ];
    assert_eq!(stream(&second), vec!["deny", "deny", "error", "error"]);
}

fn pre_tool(session: &str, command: &str) -> String {
    json!({"session_id": session, "hook_event_name": "PreToolUse", "agent_type": "backend",
        "tool_name": "Bash", "tool_input": {"command": command}, "tool_use_id": format!("t-{command}")})
    .to_string()
}

#[test]
fn the_bundle_is_pinned_for_the_session() {
    let tmp = tempfile::tempdir().unwrap();
    let agents = tmp.path().join("agents");
    std::fs::create_dir_all(&agents).unwrap();
    std::fs::copy(
        "examples/.claude/agents/backend.md",
        agents.join("backend.md"),
    )
    .unwrap();
    std::fs::copy(
        "examples/.claude/agents/reviewer.md",
        agents.join("reviewer.md"),
    )
    .unwrap();
    let bundle = tmp.path().join(".agentspec/bundle");
    let build = || {
        let out = StdCommand::new(bin())
            .args(["build", "--isolated", "-o"])
            .arg(&bundle)
            .arg(&agents)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    build();
    let (out, code) = hook(&bundle, &pre_tool("s-pin", "npm test"), &[]);
    assert_eq!(code, 0, "{out}");
    // The user edits the agent and rebuilds during the session: the session fails closed.
    let text = std::fs::read_to_string(agents.join("backend.md")).unwrap();
    std::fs::write(agents.join("backend.md"), text + "\nOne more line.\n").unwrap();
    build();
    let (out, code) = hook(&bundle, &pre_tool("s-pin", "ls"), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("the policy changed during the session"),
        "{out}"
    );
    // An event of an agent the new bundle would not govern fails closed too.
    let (out, code) = hook(
        &bundle,
        &json!({"session_id": "s-pin", "hook_event_name": "PreToolUse", "agent_type": "nobody",
            "agent_id": "a1", "tool_name": "Bash", "tool_input": {"command": "ls"}, "tool_use_id": "x"})
        .to_string(),
        &[],
    );
    assert_eq!(code, 2, "{out}");
    // The agent removed from the bundle, or the bundle gone: still closed.
    std::fs::remove_file(agents.join("backend.md")).unwrap();
    build();
    let (out, code) = hook(&bundle, &pre_tool("s-pin", "ls"), &[]);
    assert_eq!(code, 2, "{out}");
    std::fs::remove_dir_all(&bundle).unwrap();
    let (out, code) = hook(&bundle, &pre_tool("s-pin", "ls"), &[]);
    assert_eq!(code, 2, "{out}");
    // A new session starts with the bundle as it is then.
    build();
    let (_, code) = hook(&bundle, &pre_tool("s-new", "ls"), &[]);
    assert_eq!(code, 0);
}

#[test]
fn special_files_in_place_of_the_runners_files_block_at_once() {
    for target in ["state", "manifest", "policy", "audit"] {
        for kind in ["fifo", "dir", "device"] {
            let tmp = tempfile::tempdir().unwrap();
            let bundle = bundle_for(tmp.path());
            // The session starts normally.
            let (out, code) = hook(&bundle, &pre_tool("s-fifo", "npm test"), &[]);
            assert_eq!(code, 0, "{out}");
            let path = match target {
                "state" => state_dir(&bundle).join("s-fifo.session.json"),
                "manifest" => bundle.join("manifest.json"),
                "policy" => bundle.join("agents/backend.json"),
                _ => state_dir(&bundle).join("audit.jsonl"),
            };
            std::fs::remove_file(&path).unwrap();
            match kind {
                "fifo" => assert!(
                    StdCommand::new("mkfifo")
                        .arg(&path)
                        .status()
                        .unwrap()
                        .success()
                ),
                "dir" => std::fs::create_dir(&path).unwrap(),
                _ => std::os::unix::fs::symlink("/dev/zero", &path).unwrap(),
            }
            let start = std::time::Instant::now();
            let (out, code) = hook(&bundle, &pre_tool("s-fifo", "ls"), &[]);
            // A guard against hanging, not a benchmark.
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "{target} {kind}"
            );
            assert_eq!(code, 2, "{target} {kind}: {out}");
            assert!(out.contains("blocked"), "{target} {kind}: {out}");
        }
    }
}

#[test]
fn malformed_events_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    for input in [
        json!({"session_id": "s", "hook_event_name": "PreToolUze", "agent_type": "backend"}).to_string(),
        json!({"session_id": "s", "hook_event_name": "PreToolUse", "agent_type": "backend", "tool_name": "Bash", "tool_input": "git commit"}).to_string(),
        json!({"session_id": "s", "hook_event_name": "PreToolUse", "agent_type": "backend", "tool_name": "Bash", "tool_input": {"command": ["git", "commit"]}}).to_string(),
        json!({"session_id": "s", "hook_event_name": "PreToolUse", "agent_type": "backend", "tool_name": "Bash", "tool_input": {"command": "git commit\u{0}"}}).to_string(),
        json!({"session_id": "s", "hook_event_name": "PreToolUse", "agent_type": "backend", "tool_input": {"command": "ls"}}).to_string(),
        json!({"session_id": "", "hook_event_name": "Stop"}).to_string(),
        json!({"session_id": 7, "hook_event_name": "Stop"}).to_string(),
        "{\"session_id\": \"s\", \"hook_event_name\": \"Stop\"".to_owned(),
        "\u{0}".to_owned(),
    ] {
        let (out, code) = hook(&bundle, &input, &[]);
        assert_eq!(code, 2, "{input}: {out}");
    }
}

#[test]
fn the_audit_log_shows_every_removed_or_changed_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    for command in ["npm test", "ls", "git commit -m x", "cat a"] {
        hook(&bundle, &pre_tool("s-audit", command), &[]);
    }
    let dir = state_dir(&bundle);
    let log = dir.join("audit.jsonl");
    let verify = |file: &Path| {
        StdCommand::new(bin())
            .args(["run", "replay", "--verify"])
            .arg(file)
            .output()
            .unwrap()
    };
    let out = verify(&log);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 lines, chain intact"));
    let original = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let cases: Vec<(&str, String)> = vec![
        ("truncated", lines[..3].join("\n") + "\n"),
        ("emptied", String::new()),
        ("deleted", [lines[0], lines[2], lines[3]].join("\n") + "\n"),
        (
            "edited",
            original.replacen("\"decision\":\"deny\"", "\"decision\":\"allow\"", 1),
        ),
        (
            "swapped",
            [lines[0], lines[2], lines[1], lines[3]].join("\n") + "\n",
        ),
    ];
    for (what, text) in cases {
        assert_ne!(text, original, "{what}");
        std::fs::write(&log, &text).unwrap();
        let out = verify(&log);
        assert_eq!(out.status.code(), Some(1), "{what}");
        // And the next hook refuses to write on top of a log that does not end where it did
        // (it reads only the end; the whole chain is `--verify`'s).
        if matches!(what, "truncated" | "emptied") {
            let (hook_out, code) = hook(&bundle, &pre_tool("s-audit", "pwd"), &[]);
            assert_eq!(code, 2, "{what}: {hook_out}");
        }
    }
    std::fs::write(&log, &original).unwrap();
    assert!(verify(&log).status.success());
    // A large input is kept by its digest.
    let big = "x".repeat(20_000);
    let (_, code) = hook(&bundle, &pre_tool("s-audit", &format!("echo {big}")), &[]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&log).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["input"]["omitted"], true);
    assert!(verify(&log).status.success());
}

#[test]
fn install_refuses_an_unknown_main_agent_and_doctor_sees_a_settings_file_claude_code_skips() {
    let tmp = tempfile::tempdir().unwrap();
    bundle_for(tmp.path());
    let run = |args: &[&str]| {
        StdCommand::new(bin())
            .args(args)
            .current_dir(tmp.path())
            .env("XDG_STATE_HOME", tmp.path().join("xdg"))
            .env("HOME", tmp.path().join("home"))
            .output()
            .unwrap()
    };
    let out = run(&[
        "hooks",
        "install",
        "--main-agent",
        "backnd",
        "--binary",
        bin().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `backend`"), "{err}");
    assert!(!tmp.path().join(".claude/settings.json").exists());
    // A binary that cannot be found is not installed: the hooks run it by its absolute path,
    // never by a PATH lookup.
    let out = run(&[
        "hooks",
        "install",
        "--main-agent",
        "backend",
        "--binary",
        "agentspec-nowhere",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pass --binary with the absolute path"),
        "{err}"
    );
    let out = run(&[
        "hooks",
        "install",
        "--main-agent",
        "backend",
        "--binary",
        bin().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let doctor = run(&["doctor"]);
    assert!(
        doctor.status.success(),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
    // Someone adds a malformed guard hook next to agentspec's: 2.1.332 skips the whole file.
    let path = tmp.path().join(".claude/settings.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["hooks"]["PreSkillShellCommand"] = json!(["nope"]);
    std::fs::write(&path, settings.to_string()).unwrap();
    let doctor = run(&["doctor"]);
    assert_eq!(doctor.status.code(), Some(1));
    let text = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        text.contains("this whole settings file is skipped"),
        "{text}"
    );
    // One line per problem, not one per event.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("FAIL")).count(),
        1,
        "{text}"
    );
}

#[test]
fn a_hook_that_hangs_is_blocked_at_its_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = bundle_for(tmp.path());
    // Standard input that never ends stands for anything the hook could wait on.
    let mut child = StdCommand::new(bin())
        .args(["run", "hook", "--bundle"])
        .arg(&bundle)
        .env("XDG_STATE_HOME", state_home(&bundle))
        .env("AGENTSPEC_HOOK_DEADLINE_MS", "300")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let _stdin = child.stdin.take();
    let out = loop {
        if child.try_wait().unwrap().is_some() {
            break child.wait_with_output().unwrap();
        }
        // A guard against hanging, not a benchmark.
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "still running"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not finish in time"));
}

#[test]
fn install_stops_where_the_sandbox_cannot_run_and_no_sandbox_is_analysis_only() {
    let tmp = tempfile::tempdir().unwrap();
    bundle_for(tmp.path());
    // A PATH without bubblewrap and socat.
    let empty = tmp.path().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let run = |args: &[&str]| {
        StdCommand::new(bin())
            .args(args)
            .current_dir(tmp.path())
            .env("XDG_STATE_HOME", tmp.path().join("xdg"))
            .env("HOME", tmp.path().join("home"))
            .env("PATH", &empty)
            .output()
            .unwrap()
    };
    let binary = bin();
    let binary = binary.to_str().unwrap();
    let out = run(&[
        "hooks",
        "install",
        "--main-agent",
        "backend",
        "--binary",
        binary,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("needs bubblewrap and socat") && err.contains("--no-sandbox"),
        "{err}"
    );
    assert!(!tmp.path().join(".claude/settings.json").exists());
    let out = run(&[
        "hooks",
        "install",
        "--main-agent",
        "backend",
        "--binary",
        binary,
        "--no-sandbox",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("analysis only"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join(".claude/settings.json")).unwrap(),
    )
    .unwrap();
    assert!(settings.get("sandbox").is_none(), "{settings}");
    let doctor = run(&["doctor"]);
    let text = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        text.contains("analysis only: project code can walk around the gates"),
        "{text}"
    );
}
