//! The Definition of Done, checked rather than claimed: test evidence only from plain runs of
//! a known runner on the tree as it is, commands and reports the runner runs and reads
//! itself (executed for real through the hook), and checklists that mark each item.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use support::bin;

use agentspec::policy::AgentPolicy;
use agentspec::policy::decide::{
    self, Action, Actor, CheckOutcome, CheckStatus, Decision, Event, SessionState, StopContext,
    WorkTree, real_test_run,
};
use serde_json::{Value, json};

const AGENT: &str = "---
name: worker
description: Implements small changes in this repository.
tools: Bash, Read, Edit, Write
---
You implement changes.

## Definition of Done
- Unit tests pass
- Line coverage > 80%
- Lint is clean
- Changelog updated
";

#[test]
fn only_plain_runs_of_the_whole_suite_are_evidence() {
    for fake in [
        "npm test || true",
        "cargo test; true",
        "true; cargo test",
        "pytest --collect-only",
        "pytest --co",
        "pytest -k nothing",
        "pytest tests/test_one.py::test_a",
        "go test -run NONE ./...",
        "go test -list . ./...",
        "jest --passWithNoTests",
        "npx jest --listTests",
        "npm test -- --help",
        "npm test -- --passWithNoTests",
        "npm test --ignore-scripts",
        "cargo test --no-run",
        "cargo test -- --list",
        "cargo test some_filter",
        "cargo test -- --skip slow",
        "pytest() { true; }; pytest",
        "PATH=/fake:$PATH pytest",
        "PYTEST_ADDOPTS=--collect-only pytest",
        "npm test &",
        "npm test | tee out.txt",
        "npm test 2>&1 | tail -5",
        "! npm test",
        "(npm test)",
        "{ npm test; }",
        "if npm test; then :; fi",
        "alias pytest=true && pytest",
        "export PATH=/fake && pytest",
        "./node_modules/.bin/jest",
        "bash -c 'npm test'",
        "eval npm test",
        "npm test $EXTRA",
        "echo npm test",
        "npm run lint",
        // Found by the review of the Definition of Done.
        "make test && sed -i s/a/b/ calc.py",
        "cd /tmp/fake && make test",
        "cd ../other && npm test",
        "env -C /tmp/fake make test",
        "make test -j -n",
        "cargo test --config 'target.x.runner=\"true\"'",
        "cargo test --manifest-path /tmp/other/Cargo.toml",
        "go test -tags=none ./...",
        "go test -count=0 ./...",
        "jest -w --listTests",
        "npx vitest --config /tmp/v.js",
        "jest --reporters /tmp/r.js",
        "python3 -m unittest test_one",
        "python3 -m unittest -k slow",
        "python3 -m unittest discover -s other",
    ] {
        assert!(real_test_run(fake).is_err(), "counted as evidence: {fake}");
    }
    for real in [
        "cargo test",
        "cargo test --workspace --all-features",
        "cargo test -- --test-threads 1",
        "cargo nextest run",
        "npm test",
        "npm run test",
        "pnpm test",
        "yarn test",
        "pytest",
        "pytest -q",
        "python3 -m pytest -q --junitxml=junit.xml",
        "go test ./...",
        "go test -race -count=1 ./...",
        "npx jest --ci --coverage",
        "npx vitest run",
        "cd backend && npm test",
        "CI=1 npm test",
        "timeout 600 cargo test",
        "npm test;",
        "go test -count=1 ./...",
        "make test -j 4",
        "python3 -m unittest",
        "python3 -m unittest -q",
        "python -m unittest discover -v",
    ] {
        assert!(
            real_test_run(real).is_ok(),
            "{real}: {:?}",
            real_test_run(real)
        );
    }
}

fn policy() -> AgentPolicy {
    agentspec::compile::compile_markdown(".claude/agents/worker.md", AGENT)
}

fn tree(t: &str) -> WorkTree {
    WorkTree {
        head: Some("h".into()),
        tree: t.into(),
        index_consistent: true,
        nested: None,
    }
}

fn finished(command: &str, success: bool, background: bool, t: &str) -> Event {
    Event::ToolFinished {
        tool: "Bash".into(),
        action: Action::Shell {
            command: command.into(),
        },
        success,
        summary: String::new(),
        work: Some(tree(t)),
        background,
    }
}

fn verdict(policy: &AgentPolicy, events: &[Event], ctx: &StopContext<'_>, id: &str) -> bool {
    let actor = Actor::main(policy);
    let mut state = SessionState::default();
    for e in events {
        state = decide::decide(&actor, &state, e).1;
    }
    let agent = state.agents.get("main").cloned().unwrap_or_default();
    decide::done_verdicts(policy, &agent, ctx)
        .into_iter()
        .find(|v| v.id == id)
        .unwrap()
        .status
        == decide::ItemStatus::Met
}

#[test]
fn test_evidence_holds_only_for_the_tree_it_ran_on() {
    let policy = policy();
    let at = |t: &'static str| StopContext {
        last_message: "",
        work: Some(Box::leak(Box::new(tree(t)))),
        checks: &[],
    };
    let id = "done/unit-tests-pass";
    assert!(verdict(
        &policy,
        &[finished("npm test", true, false, "t1")],
        &at("t1"),
        id
    ));
    // Any change after it, by any tool (`sed -i` included), is another tree.
    assert!(!verdict(
        &policy,
        &[finished("npm test", true, false, "t1")],
        &at("t2"),
        id
    ));
    assert!(!verdict(
        &policy,
        &[finished("npm test", false, false, "t1")],
        &at("t1"),
        id
    ));
    assert!(!verdict(
        &policy,
        &[finished("npm test", true, true, "t1")],
        &at("t1"),
        id
    ));
    assert!(!verdict(
        &policy,
        &[finished("npm test || true", true, false, "t1")],
        &at("t1"),
        id
    ));
    assert!(!verdict(&policy, &[], &at("t1"), id));
    // A later failing run of the suite outweighs the pass.
    let pass_then_fail = [
        finished("npm test", true, false, "t1"),
        finished("npm test", false, false, "t1"),
    ];
    assert!(!verdict(&policy, &pass_then_fail, &at("t1"), id));
}

#[test]
fn checklist_lines_attest_items_one_by_one() {
    let policy = policy();
    let id = "done/changelog-updated";
    let said = |message: &'static str| StopContext {
        last_message: message,
        work: None,
        checks: &[],
    };
    for met in [
        "Done.\n\n- [x] Changelog updated",
        "* [X] changelog updated.",
        "- [x] done/changelog-updated",
        "1. [x] Changelog updated",
        "- [ ] Changelog updated\n- [x] Changelog updated",
    ] {
        assert!(verdict(&policy, &[], &said(met), id), "{met}");
    }
    for unmet in [
        "- [ ] Changelog updated",
        "- [x] Changelog updated — not yet",
        "- [x] Changelog updated: NOT met",
        "The Definition of Done is met: changelog updated.",
        "definition of done",
        "- Changelog updated",
        "",
        "```\n- [x] Changelog updated\n```",
        "<!--\n- [x] Changelog updated\n-->",
        "- [x] Changelog updated except the release notes",
        "- [x] ~~Changelog updated~~ deferred",
        "- [x] Changelog updated\n- [ ] Changelog updated",
        "- [x] ~~Changelog updated~~",
        "- [x] Changelog updated ❌",
    ] {
        assert!(!verdict(&policy, &[], &said(unmet), id), "{unmet}");
    }
}

#[test]
fn the_stop_reason_lists_the_lines_to_answer_with() {
    let policy = policy();
    let actor = Actor::main(&policy);
    let stop = Event::StopRequested {
        last_message: "All done!".into(),
        stop_hook_active: false,
        work: Some(tree("t1")),
        checks: Vec::new(),
    };
    let (decision, _) = decide::decide(&actor, &SessionState::default(), &stop);
    let Decision::Block { reason, .. } = decision else {
        panic!("{decision:?}")
    };
    assert!(reason.contains("- [ ] Changelog updated"), "{reason}");
    assert!(reason.contains("`- [x] <item>`"), "{reason}");
    assert!(reason.contains("`- [n/a] <item> — <reason>`"), "{reason}");
    assert!(
        reason.contains("`sh lint.sh`") || reason.contains("Lint is clean"),
        "{reason}"
    );
}

fn outcome(command: &str, status: CheckStatus, t: &str) -> CheckOutcome {
    CheckOutcome {
        command: command.into(),
        status,
        exit_code: Some(i32::from(status != CheckStatus::Passed)),
        tail: "1 failed".into(),
        tree: Some(t.into()),
        reports: Vec::new(),
    }
}

#[test]
fn a_command_counts_on_the_tree_it_ran_on_only() {
    let mut policy = policy();
    for item in &mut policy.done {
        if item.id == "done/lint-is-clean" {
            item.verify = agentspec::policy::Verify::Command {
                command: "make lint".into(),
            };
        }
    }
    let id = "done/lint-is-clean";
    let w = tree("t1");
    let check = |checks: &[CheckOutcome]| {
        let ctx = StopContext {
            last_message: "",
            work: Some(&w),
            checks,
        };
        verdict(&policy, &[], &ctx, id)
    };
    assert!(check(&[outcome("make lint", CheckStatus::Passed, "t1")]));
    assert!(!check(&[outcome("make lint", CheckStatus::Passed, "t0")]));
    assert!(!check(&[outcome("make lint", CheckStatus::Failed, "t1")]));
    assert!(!check(&[outcome("make lint", CheckStatus::TimedOut, "t1")]));
    assert!(!check(&[]));
}

// ---------------------------------------------------------------------------------------
// Through the hook, executed: the runner runs the commands and reads the reports itself.

struct Project {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    /// Outside the work tree: what the check commands count.
    outside: PathBuf,
    bundle: PathBuf,
    state_home: PathBuf,
    home: PathBuf,
}

impl Project {
    fn new(config: &str, files: &[(&str, &str)]) -> Project {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p");
        let outside = tmp.path().join("outside");
        let home = tmp.path().join("home");
        for d in [&dir, &outside, &home] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::create_dir_all(dir.join(".claude/agents")).unwrap();
        std::fs::write(dir.join(".claude/agents/worker.md"), AGENT).unwrap();
        std::fs::write(dir.join("agentspec.toml"), config).unwrap();
        std::fs::write(dir.join(".gitignore"), "junit.xml\nlcov.info\n").unwrap();
        for (name, text) in files {
            std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
            std::fs::write(
                dir.join(name),
                text.replace("{outside}", &outside.display().to_string()),
            )
            .unwrap();
        }
        let git = |args: &[&str]| {
            assert!(
                Command::new("git")
                    .args(args)
                    .current_dir(&dir)
                    .env("GIT_AUTHOR_NAME", "t")
                    .env("GIT_AUTHOR_EMAIL", "t@example.com")
                    .env("GIT_COMMITTER_NAME", "t")
                    .env("GIT_COMMITTER_EMAIL", "t@example.com")
                    .status()
                    .unwrap()
                    .success()
            );
        };
        git(&["init", "-q"]);
        git(&["add", "-A"]);
        git(&["commit", "-qm", "init"]);
        let out = Command::new(bin())
            .args(["build", "-o", ".agentspec/bundle"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Project {
            bundle: dir.join(".agentspec/bundle"),
            state_home: tmp.path().join("state"),
            dir,
            outside,
            home,
            _tmp: tmp,
        }
    }

    /// Sends one event; the reply's stdout.
    fn hook(&self, mut event: Value) -> String {
        event["session_id"] = json!("s1");
        if event.get("cwd").is_none() {
            event["cwd"] = json!(self.dir.display().to_string());
        }
        event["transcript_path"] = json!("/dev/null");
        let mut child = Command::new(bin())
            .args(["run", "hook", "--main-agent", "worker", "--bundle"])
            .arg(&self.bundle)
            .current_dir(&self.dir)
            .env("CLAUDE_PROJECT_DIR", &self.dir)
            .env("XDG_STATE_HOME", &self.state_home)
            .env("HOME", &self.home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), event.to_string().as_bytes())
            .unwrap();
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The agent stops with `message`: the block reason, or `None` when it may stop.
    fn stop(&self, message: &str) -> Option<String> {
        let out = self.hook(json!({
            "hook_event_name": "Stop",
            "stop_hook_active": false,
            "last_assistant_message": message,
        }));
        (!out.trim().is_empty()).then(|| {
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["decision"], "block");
            v["reason"].as_str().unwrap().to_owned()
        })
    }

    fn runs(&self, name: &str) -> usize {
        std::fs::read_to_string(self.outside.join(name))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }
}

const CHECKLIST: &str = "Finished.\n\n- [x] Changelog updated\n";

fn config(test: &str, lint: &str, timeout: u64) -> String {
    format!(
        "[done]\ntest = {test:?}\ntimeout = {timeout}\n[done.commands]\n\"done/lint-is-clean\" = {lint:?}\n[done.reports]\ncoverage = \"lcov.info\"\njunit = \"junit.xml\"\n"
    )
}

const GOOD_TEST: &str = "echo run >> {outside}/test-runs
printf '<testsuites><testsuite><testcase name=\"a\"/><testcase name=\"b\"/></testsuite></testsuites>' > junit.xml
printf 'SF:a\\nLF:10\\nLH:9\\nend_of_record\\n' > lcov.info
";

#[test]
fn the_runner_runs_the_checks_itself_and_caches_a_pass() {
    let p = Project::new(
        &config("sh test.sh", "sh lint.sh", 20),
        &[
            ("test.sh", GOOD_TEST),
            ("lint.sh", "echo run >> {outside}/lint-runs\n"),
        ],
    );
    assert_eq!(p.stop(CHECKLIST), None);
    assert_eq!((p.runs("test-runs"), p.runs("lint-runs")), (1, 1));
    // The same tree: nothing runs again.
    assert_eq!(p.stop(CHECKLIST), None);
    assert_eq!((p.runs("test-runs"), p.runs("lint-runs")), (1, 1));
    // Another tree: both run again.
    std::fs::write(p.dir.join("new.txt"), "x").unwrap();
    assert_eq!(p.stop(CHECKLIST), None);
    assert_eq!((p.runs("test-runs"), p.runs("lint-runs")), (2, 2));
    // Without the checklist line the attested item blocks, and says how to answer.
    let reason = p.stop("Finished.").unwrap();
    assert!(reason.contains("- [ ] Changelog updated"), "{reason}");
    // A replay of the audit log reaches the same verdicts from the recorded work trees and
    // checks, without running anything: the blocked stop blocks, the last stop is met.
    let audit = std::fs::read_dir(p.state_home.join("agentspec"))
        .unwrap()
        .map(|e| e.unwrap().path().join("audit.jsonl"))
        .find(|a| a.exists())
        .unwrap();
    let out = Command::new(bin())
        .args([
            "run", "replay", "--agent", "worker", "--format", "json", "--bundle",
        ])
        .arg(&p.bundle)
        .arg(&audit)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{report}");
    assert!(
        violations[0].to_string().contains("Changelog updated"),
        "{report}"
    );
    assert_eq!(
        report["unmet_at_end"],
        json!(["done/changelog-updated"]),
        "{report}"
    );
    assert_eq!((p.runs("test-runs"), p.runs("lint-runs")), (2, 2));
}

#[test]
fn evidence_goes_stale_on_changes_git_was_told_to_ignore() {
    // No `[done] test`: the evidence is the agent's own run, tied to the work tree.
    let p = Project::new(
        "",
        &[("Makefile", "test:\n\ttrue\n"), ("calc.txt", "a + b\n")],
    );
    let answer = "Done.\n\n- [x] Line coverage > 80%\n- [x] Lint is clean\n- [x] Changelog updated";
    p.hook(json!({
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "make test"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": false},
    }));
    assert_eq!(p.stop(answer), None);
    // The agent hides a change from `git add`, then breaks the code.
    let git = |args: &[&str]| {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(&p.dir)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .status()
                .unwrap()
                .success()
        );
    };
    git(&["update-index", "--assume-unchanged", "calc.txt"]);
    std::fs::write(p.dir.join("calc.txt"), "a - b\n").unwrap();
    let reason = p.stop(answer).unwrap();
    assert!(
        reason.contains("the work changed after the tests last passed"),
        "{reason}"
    );
    // The same with skip-worktree, on a fresh pass.
    git(&["update-index", "--no-assume-unchanged", "calc.txt"]);
    git(&["commit", "-qam", "b"]);
    p.hook(json!({
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "make test"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": false},
    }));
    assert_eq!(p.stop(answer), None);
    git(&["update-index", "--skip-worktree", "calc.txt"]);
    std::fs::write(p.dir.join("calc.txt"), "a * b\n").unwrap();
    let reason = p.stop(answer).unwrap();
    assert!(
        reason.contains("the work changed after the tests last passed"),
        "{reason}"
    );
}

#[test]
fn a_test_run_in_a_sub_folder_is_not_the_suites_evidence() {
    // `pytest -q` in a folder holding one trivial test runs that folder's tests only.
    let p = Project::new(
        "",
        &[
            ("Makefile", "test:\n\ttrue\n"),
            ("sub/Makefile", "test:\n\ttrue\n"),
        ],
    );
    let answer = "Done.\n\n- [x] Line coverage > 80%\n- [x] Lint is clean\n- [x] Changelog updated";
    p.hook(json!({
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "make test"},
        "cwd": p.dir.join("sub").display().to_string(),
        "tool_response": {"stdout": "", "stderr": "", "interrupted": false},
    }));
    let reason = p
        .stop(answer)
        .expect("a run in a sub-folder is no evidence");
    assert!(
        reason.contains("no plain run of the test suite has passed"),
        "{reason}"
    );
    // From the project's root it is.
    p.hook(json!({
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "make test"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": false},
    }));
    assert_eq!(p.stop(answer), None);
}

#[test]
fn a_failing_or_hanging_command_blocks_the_stop_with_its_output() {
    let p = Project::new(
        &config("sh test.sh", "sh lint.sh", 2),
        &[
            ("test.sh", GOOD_TEST),
            ("lint.sh", "echo 'src/a.rs:3: unused variable'\nexit 1\n"),
        ],
    );
    let reason = p.stop(CHECKLIST).unwrap();
    assert!(
        reason.contains("`sh lint.sh` failed (exit code 1)"),
        "{reason}"
    );
    assert!(reason.contains("src/a.rs:3: unused variable"), "{reason}");
    std::fs::write(p.dir.join("lint.sh"), "sleep 30\n").unwrap();
    let started = std::time::Instant::now();
    let reason = p.stop(CHECKLIST).unwrap();
    assert!(reason.contains("timed out"), "{reason}");
    assert!(reason.contains("time limit"), "{reason}");
    // A failure guard, not a benchmark: the process group was killed at the limit.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn reports_are_read_from_the_runners_own_run() {
    let junit_fail = "printf '<testsuite><testcase name=\"a\"><failure/></testcase></testsuite>' > junit.xml\nprintf 'SF:a\\nLF:10\\nLH:10\\nend_of_record\\n' > lcov.info\n";
    let low = "printf '<testsuite><testcase name=\"a\"/></testsuite>' > junit.xml\nprintf '<coverage line-rate=\"0.5\"/>' > lcov.info\n";
    let high = "printf '<testsuite><testcase name=\"a\"/></testsuite>' > junit.xml\nprintf '<coverage line-rate=\"0.95\"/>' > lcov.info\n";
    let stale = "true\n";
    for (script, expect) in [
        (junit_fail, Some("1 tests, 1 failed".to_owned())),
        (low, Some("line coverage 50.00 %".to_owned())),
        (high, None),
        (stale, Some("did not write it".to_owned())),
    ] {
        let p = Project::new(&config("sh test.sh", "true", 20), &[("test.sh", script)]);
        if script == stale {
            // Reports left from before the run do not count.
            std::fs::write(
                p.dir.join("junit.xml"),
                "<testsuite><testcase name=\"a\"/></testsuite>",
            )
            .unwrap();
            std::fs::write(p.dir.join("lcov.info"), "SF:a\nLF:1\nLH:1\nend_of_record\n").unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let result = p.stop(CHECKLIST);
        match expect {
            None => assert_eq!(result, None, "{script}"),
            Some(text) => {
                let reason = result.unwrap_or_default();
                assert!(reason.contains(&text), "{script}: {reason}");
            }
        }
    }
}

#[test]
fn an_approval_request_is_a_pause_and_other_stops_are_the_end() {
    let text = std::fs::read_to_string("fixtures/backend.md").unwrap();
    let policy = agentspec::compile::compile_markdown("fixtures/backend.md", &text);
    let actor = Actor::main(&policy);
    let stop = |m: &str| Event::StopRequested {
        last_message: m.into(),
        stop_hook_active: false,
        work: Some(tree("t")),
        checks: Vec::new(),
    };
    // Quoting the approval word asks the user: the stop goes through, the Definition of
    // Done is checked when the work ends.
    let (d, _) = decide::decide(
        &actor,
        &SessionState::default(),
        &stop("Ready. Reply `yes` to approve the commit."),
    );
    assert_eq!(d, Decision::Allow);
    // Mentioning approval is not asking for it.
    for m in [
        "Approved by me. Done.",
        "Awaiting approval",
        "approval: granted",
    ] {
        let (d, _) = decide::decide(&actor, &SessionState::default(), &stop(m));
        assert!(matches!(d, Decision::Block { .. }), "{m}: {d:?}");
    }
}

const GROUPED: &str = "---
name: shipper
description: Ships small changes in this repository.
tools: Bash, Read, Edit, Write
---
You ship changes.

## Definition of Done
**Testing**
- Unit tests pass
- Load tests: passed at 3x load with k6

**Deployment**
- Dockerfile: Multi-stage, <500MB
- Staging deployment successful

**Docs**
- Changelog updated
";

/// A stop on the tree `t1`; `active` when it follows a refused one.
fn stop(message: &str, active: bool) -> Event {
    Event::StopRequested {
        last_message: message.into(),
        stop_hook_active: active,
        work: Some(tree("t1")),
        checks: Vec::new(),
    }
}

fn grouped() -> AgentPolicy {
    agentspec::compile::compile_markdown(".claude/agents/shipper.md", GROUPED)
}

/// The verdict of `id` for the final message `message`, with no test run.
fn judged(policy: &AgentPolicy, message: &str, id: &str) -> decide::ItemVerdict {
    let w = tree("t1");
    let ctx = StopContext {
        last_message: message,
        work: Some(&w),
        checks: &[],
    };
    decide::done_verdicts(policy, &decide::AgentState::default(), &ctx)
        .into_iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

const LOAD: &str = "testing/load-tests-passed-at-3x-load";

/// The accepted forms of "does not apply", as docs/definition-of-done.md lists them.
#[test]
fn not_applicable_is_answered_with_a_reason_in_these_forms() {
    let policy = grouped();
    assert!(
        policy.done.iter().any(|d| d.id == LOAD),
        "{:?}",
        policy.done
    );
    for (line, reason) in [
        (
            "- [n/a] Load tests: passed at 3x load with k6 — no service here",
            "no service here",
        ),
        (
            "- [N/A] Load tests: passed at 3x load with k6: no service here",
            "no service here",
        ),
        (
            "* [-] load tests: passed at 3x load with k6 (no service here)",
            "no service here",
        ),
        (
            "- [ ] Load tests: passed at 3x load with k6 — n/a: no service here",
            "no service here",
        ),
        (
            "- [x] Load tests: passed at 3x load with k6 (N/A: no service here)",
            "no service here",
        ),
        (
            "- [ ] Load tests: passed at 3x load with k6 — not applicable, no service here",
            "no service here",
        ),
        (
            "- n/a: Load tests: passed at 3x load with k6 — no service here",
            "no service here",
        ),
        (
            "1. [na] testing/load-tests-passed-at-3x-load — No service here.",
            "No service here.",
        ),
        ("- [n/a] Testing — no service here", "no service here"),
        ("- [n/a] testing: no service here", "no service here"),
    ] {
        let v = judged(&policy, &format!("Finished.\n\n{line}"), LOAD);
        assert_eq!(v.status, decide::ItemStatus::NotApplicable, "{line}: {v:?}");
        assert_eq!(v.reason.as_deref(), Some(reason), "{line}");
    }
    for (line, why) in [
        (
            "- [n/a] Load tests: passed at 3x load with k6",
            "gives no reason",
        ),
        (
            "- [n/a] Load tests: passed at 3x load with k6 — .",
            "gives no reason",
        ),
        ("- [ ] Load tests: passed at 3x load with k6", "marked open"),
        (
            "- [x] Load tests: passed at 3x load with k6 mostly",
            "adds to the item's text",
        ),
        (
            "```\n- [n/a] Testing — no service here\n```",
            "not answered",
        ),
        ("- [x] Testing", "not answered"),
    ] {
        let v = judged(&policy, &format!("Finished.\n\n{line}"), LOAD);
        assert_eq!(v.status, decide::ItemStatus::Unmet, "{line}");
        assert!(v.evidence.contains(why), "{line}: {}", v.evidence);
    }
}

#[test]
fn a_groups_answer_covers_its_items_and_an_items_own_line_wins() {
    let policy = grouped();
    let message = "Done.\n\n- [n/a] Deployment — a library, nothing is deployed\n- [x] Staging deployment successful";
    let docker = judged(&policy, message, "deployment/dockerfile-multi-stage-500mb");
    assert_eq!(docker.status, decide::ItemStatus::NotApplicable);
    assert_eq!(
        docker.reason.as_deref(),
        Some("a library, nothing is deployed")
    );
    let staging = judged(&policy, message, "deployment/staging-deployment-successful");
    assert_eq!(staging.status, decide::ItemStatus::Met);
}

#[test]
fn what_the_runner_checks_and_what_is_required_cannot_be_not_applicable() {
    let mut policy = grouped();
    let tests = "testing/unit-tests-pass";
    let v = judged(
        &policy,
        "Done.\n\n- [n/a] Unit tests pass — no tests here",
        tests,
    );
    assert_eq!(v.status, decide::ItemStatus::Unmet);
    assert!(
        v.evidence
            .contains("answers it n/a, but the runner checks it"),
        "{}",
        v.evidence
    );
    assert!(!v.may_be_not_applicable && v.checked_by_runner);
    // A group's n/a leaves the runner's item to the runner.
    let v = judged(&policy, "Done.\n\n- [n/a] Testing — no tests here", tests);
    assert_eq!(v.status, decide::ItemStatus::Unmet);
    // `[done] required` names an item: it must be met.
    for item in &mut policy.done {
        item.required = item.id == "docs/changelog-updated";
    }
    let v = judged(
        &policy,
        "Done.\n\n- [n/a] Changelog updated — nothing user-visible",
        "docs/changelog-updated",
    );
    assert_eq!(v.status, decide::ItemStatus::Unmet);
    assert!(v.evidence.contains("[done] required"), "{}", v.evidence);
    let v = judged(
        &policy,
        "Done.\n\n- [x] Changelog updated",
        "docs/changelog-updated",
    );
    assert_eq!(v.status, decide::ItemStatus::Met);
}

#[test]
fn required_items_come_from_agentspec_toml() {
    let dir = tempfile::tempdir().unwrap();
    let agents = dir.path().join(".claude/agents");
    std::fs::create_dir_all(&agents).unwrap();
    std::fs::write(agents.join("shipper.md"), GROUPED).unwrap();
    std::fs::write(
        dir.path().join("agentspec.toml"),
        "[done]\nrequired = [\"deployment\", \"docs/changelog-updated\"]\n",
    )
    .unwrap();
    let out = Command::new(bin())
        .args(["build", "-o", "bundle"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("bundle/agents/shipper.json")).unwrap(),
    )
    .unwrap();
    let required: Vec<&str> = policy["done"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["required"] == json!(true))
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        [
            "deployment/dockerfile-multi-stage-500mb",
            "deployment/staging-deployment-successful",
            "docs/changelog-updated"
        ]
    );
    // `inspect` on the bundle: how each item is checked, and whether it may be n/a.
    let out = Command::new(bin())
        .args(["inspect", "bundle", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = shown[0]["done"].as_array().unwrap();
    let may: Vec<(&str, bool)> = items
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["may_be_not_applicable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        may,
        [
            ("testing/unit-tests-pass", false),
            ("testing/load-tests-passed-at-3x-load", true),
            ("deployment/dockerfile-multi-stage-500mb", false),
            ("deployment/staging-deployment-successful", false),
            ("docs/changelog-updated", false),
        ]
    );
    assert!(
        items[0]["checked_by"]
            .as_str()
            .unwrap()
            .contains("plain passing run of the test suite"),
        "{shown}"
    );
    let human = Command::new(bin())
        .args(["inspect", "bundle"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains(
            "docs/changelog-updated: the final message's checklist: `- [x]` ([done] required: no n/a)\n"
        ) && human.contains("testing/unit-tests-pass: a plain passing run of the test suite on the work as it is; must be met (no n/a)"),
        "{human}"
    );
}

#[test]
fn one_refusal_lists_everything_and_the_answer_passes_the_next_stop() {
    let policy = grouped();
    let actor = Actor::main(&policy);
    let run = finished("cargo test", true, false, "t1");
    let (_, state) = decide::decide(&actor, &SessionState::default(), &run);
    let (decision, state) = decide::decide(&actor, &state, &stop("All done.", false));
    let Decision::Block { reason, .. } = decision else {
        panic!("{decision:?}")
    };
    // Every open item, grouped, as lines to answer; the test item is met by the run.
    for line in [
        "4 of 5 items are open",
        "Testing:\n- [ ] Load tests: passed at 3x load with k6",
        "Deployment:\n- [ ] Dockerfile: Multi-stage, <500MB\n- [ ] Staging deployment successful",
        "Docs:\n- [ ] Changelog updated",
    ] {
        assert!(reason.contains(line), "{line}\n{reason}");
    }
    assert!(!reason.contains("Unit tests pass"), "{reason}");
    let answer = "Done.\n\n- [n/a] Load tests: passed at 3x load with k6 — no service\n- [n/a] Deployment — a library\n- [x] Changelog updated";
    let (decision, _) = decide::decide(&actor, &state, &stop(answer, true));
    assert_eq!(decision, Decision::Allow);
}

#[test]
fn test_evidence_survives_the_commit_of_the_tested_tree() {
    let policy = grouped();
    let actor = Actor::main(&policy);
    let run = finished("cargo test", true, false, "t1");
    let (_, state) = decide::decide(&actor, &SessionState::default(), &run);
    let agent = state.agents["main"].clone();
    let at = |head: &str, t: &str| WorkTree {
        head: Some(head.into()),
        tree: t.into(),
        index_consistent: true,
        nested: None,
    };
    let status = |w: &WorkTree| {
        let ctx = StopContext {
            last_message: "",
            work: Some(w),
            checks: &[],
        };
        decide::done_verdicts(&policy, &agent, &ctx)
            .into_iter()
            .find(|v| v.id == "testing/unit-tests-pass")
            .unwrap()
            .status
    };
    // The approved commit of exactly the tested tree moves HEAD, not the content.
    assert_eq!(status(&at("after-commit", "t1")), decide::ItemStatus::Met);
    // Any change of content after it voids the evidence.
    assert_eq!(status(&at("after-commit", "t2")), decide::ItemStatus::Unmet);
}

#[test]
fn answers_stand_through_a_stop_sequence() {
    let policy = grouped();
    let actor = Actor::main(&policy);
    let run = finished("cargo test", true, false, "t1");
    let (_, state) = decide::decide(&actor, &SessionState::default(), &run);
    // Part of the answer, then the rest: the first part stands.
    let (decision, state) = decide::decide(
        &actor,
        &state,
        &stop("Done.\n\n- [n/a] Deployment — a library", false),
    );
    let Decision::Block { reason, .. } = decision else {
        panic!("{decision:?}")
    };
    assert!(reason.contains("2 of 5 items are open"), "{reason}");
    let rest = "Done.\n\n- [x] Changelog updated\n- [n/a] Load tests: passed at 3x load with k6 — no service";
    let (decision, after) = decide::decide(&actor, &state, &stop(rest, true));
    assert_eq!(decision, Decision::Allow);
    // A new stop sequence starts from nothing.
    let (decision, _) = decide::decide(&actor, &after, &stop(rest, false));
    assert!(matches!(decision, Decision::Block { .. }), "{decision:?}");
}

#[test]
fn tests_outside_the_suite_are_the_agents_to_answer_and_the_suite_stays_the_runners() {
    let verify = |text: &str| {
        agentspec::compile::verification(
            "x/y",
            None,
            text,
            false,
            &agentspec::compile::Options::default(),
        )
    };
    let evidence = |text: &str| matches!(verify(text), agentspec::policy::Verify::Evidence { .. });
    for suite in [
        "Unit tests pass",
        "All tests pass (unit, integration, e2e)",
        "Tests pass, including the config loader",
        "Unit tests cover manually edited config",
        "Test suite passes; no visual regressions",
        "Integration tests: All endpoints tested with supertest",
    ] {
        assert!(evidence(suite), "{suite}");
    }
    for outside in [
        "Load tests: Passed at 3x expected load with k6",
        "E2E tests: Critical flows covered",
        "Manual testing on staging done",
        "Smoke tests pass on staging",
        "Accessibility tests pass",
    ] {
        assert!(!evidence(outside), "{outside}");
    }
}

const TWINS: &str = "---
name: twins
description: Documents both halves of the product.
tools: Read, Edit
---
You document.

## Definition of Done
**Backend**
- Documented
- Staging deployment successful

**Frontend**
- Documented
";

#[test]
fn one_line_answers_items_of_the_same_text_and_later_answers_replace_earlier_ones() {
    let policy = agentspec::compile::compile_markdown(".claude/agents/twins.md", TWINS);
    for id in ["backend/documented", "frontend/documented"] {
        assert_eq!(
            judged(&policy, "Done.\n\n- [x] Documented", id).status,
            decide::ItemStatus::Met,
            "{id}"
        );
    }
    // An open line, then the group's n/a later in the same sequence: the later answer counts.
    let staging = "backend/staging-deployment-successful";
    let v = judged(
        &policy,
        "- [ ] Staging deployment successful\n\n- [n/a] Backend — nothing is deployed",
        staging,
    );
    assert_eq!(v.status, decide::ItemStatus::NotApplicable, "{v:?}");
    // The other way round, the item's own line is the later answer.
    let v = judged(
        &policy,
        "- [n/a] Backend — nothing is deployed\n- [x] Staging deployment successful",
        staging,
    );
    assert_eq!(v.status, decide::ItemStatus::Met, "{v:?}");
    // A line of its own, without a list marker.
    let v = judged(
        &policy,
        "Done.\n\nn/a: Staging deployment successful — nothing is deployed",
        staging,
    );
    assert_eq!(v.status, decide::ItemStatus::NotApplicable, "{v:?}");
    // A pending mark is not done.
    let v = judged(&policy, "- [x] Documented ⏳", "frontend/documented");
    assert_eq!(v.status, decide::ItemStatus::Unmet, "{v:?}");
}

#[test]
fn required_items_are_listed_apart_and_answered_by_their_plain_line() {
    let mut policy = grouped();
    for item in &mut policy.done {
        item.required = item.id == "docs/changelog-updated";
    }
    let actor = Actor::main(&policy);
    let (_, state) = decide::decide(
        &actor,
        &SessionState::default(),
        &finished("cargo test", true, false, "t1"),
    );
    let (decision, state) = decide::decide(&actor, &state, &stop("Done.", false));
    let Decision::Block { reason, .. } = decision else {
        panic!("{decision:?}")
    };
    assert!(
        reason.contains("Required by the project (`[done] required`; n/a is not accepted):\n- [ ] Changelog updated\n"),
        "{reason}"
    );
    // Copied and ticked as shown, it is met.
    let answer = "Done.\n\n- [x] Changelog updated\n- [n/a] Testing — no service\n- [n/a] Deployment — a library";
    let (decision, state) = decide::decide(&actor, &state, &stop(answer, true));
    assert_eq!(decision, Decision::Allow);
    // The user's next prompt starts a new turn: the answers do not carry over.
    let (_, state) = decide::decide(
        &actor,
        &state,
        &Event::UserPrompt {
            text: "now the next task".into(),
        },
    );
    assert!(state.agents["main"].done_answers.is_empty());
}

#[test]
fn the_third_refusal_is_the_last_and_the_task_ends_as_not_done() {
    let policy = grouped();
    let actor = Actor::main(&policy);
    let stop = |active: bool| Event::StopRequested {
        last_message: "Done.".into(),
        stop_hook_active: active,
        work: Some(tree("t1")),
        checks: Vec::new(),
    };
    let mut state = SessionState::default();
    for i in 0..decide::MAX_STOP_BLOCKS {
        let (decision, next) = decide::decide(&actor, &state, &stop(i > 0));
        assert!(matches!(decision, Decision::Block { .. }), "{decision:?}");
        state = next;
    }
    let (decision, state) = decide::decide(&actor, &state, &stop(true));
    assert_eq!(decision, Decision::Allow);
    let gave_up = state.agents["main"].gave_up.clone().unwrap();
    assert_eq!(gave_up.blocks, decide::MAX_STOP_BLOCKS);
    assert!(gave_up.items.contains(&"Changelog updated".to_owned()));
    assert!(
        gave_up.message().starts_with(
            "agentspec: Definition of Done not met. The agent stopped after 3 refused stops"
        ),
        "{}",
        gave_up.message()
    );
    // A report of such a task exits 1, whatever the last verdicts say.
    let report = agentspec::runner::task::TaskReport {
        gave_up: Some(gave_up),
        ..Default::default()
    };
    assert_eq!(report.exit_code(), agentspec::runner::task::exit::UNMET);
}

#[test]
fn a_mark_the_items_own_text_holds_does_not_cross_its_line_out() {
    const MARKED: &str = "---
name: marked
description: Cleans up the interface.
tools: Read, Edit
---
You clean up.

## Definition of Done
- No ❌ markers left in the UI
- Legacy ~~v1~~ endpoints removed
- Changelog updated
";
    let policy = agentspec::compile::compile_markdown(".claude/agents/marked.md", MARKED);
    let status = |message: &str, id: &str| judged(&policy, message, id).status;
    assert_eq!(
        status(
            "- [x] No ❌ markers left in the UI",
            "done/no-markers-left-in-the-ui"
        ),
        decide::ItemStatus::Met
    );
    assert_eq!(
        status(
            "- [x] Legacy ~~v1~~ endpoints removed",
            "done/legacy-v1-endpoints-removed"
        ),
        decide::ItemStatus::Met
    );
    // A mark the item does not hold still crosses the line out.
    assert_eq!(
        status("- [x] Changelog updated ❌", "done/changelog-updated"),
        decide::ItemStatus::Unmet
    );
    assert_eq!(
        status("- [x] ~~Changelog updated~~", "done/changelog-updated"),
        decide::ItemStatus::Unmet
    );
}

#[test]
fn a_huge_checklist_line_leaves_the_audit_log_readable() {
    let p = Project::new(
        &config("sh test.sh", "sh lint.sh", 20),
        &[("test.sh", GOOD_TEST), ("lint.sh", "true\n")],
    );
    let huge = format!("- [x] Changelog updated {}", "a".repeat(200_000));
    assert!(p.stop(&huge).is_some());
    // The next events are decided, not refused for an unreadable log.
    assert_eq!(p.stop(CHECKLIST), None);
}

#[test]
fn a_change_inside_a_nested_repository_voids_a_cached_pass() {
    let p = Project::new(
        &config("sh test.sh", "true", 20),
        &[("test.sh", &format!("{GOOD_TEST}sh sub/run.sh\n"))],
    );
    // A repository inside the project: git records it as a commit id, so an edit inside it
    // leaves the project's tree as it was.
    let sub = p.dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("run.sh"), "exit 0\n").unwrap();
    let git = |dir: &std::path::Path, args: &[&str]| {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(dir)
                .env("GIT_AUTHOR_NAME", "t")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "t")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .status()
                .unwrap()
                .success()
        );
    };
    git(&sub, &["init", "-q"]);
    git(&sub, &["add", "-A"]);
    git(&sub, &["commit", "-qm", "sub"]);
    assert_eq!(p.stop(CHECKLIST), None);
    assert_eq!(p.runs("test-runs"), 1);
    std::fs::write(sub.join("run.sh"), "exit 1\n").unwrap();
    let reason = p.stop(CHECKLIST).expect("the failing test blocks the stop");
    assert!(reason.contains("`sh test.sh` failed"), "{reason}");
    assert_eq!(p.runs("test-runs"), 2);
}
