//! `hooks install --host codex`, `doctor --host codex` and `run hook --host codex` with the
//! real binary, offline (the real Codex runs the same in `tests/e2e/codex_e2e.py`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::{bin, git, write};

/// A scratch project outside `/tmp` (Codex's sandbox lets the agent write `/tmp`, so the
/// install refuses state there): the example agents built into `.codex/agentspec-bundle`.
struct Scratch {
    root: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let s = Scratch { root };
        std::fs::create_dir_all(s.project()).unwrap();
        std::fs::create_dir_all(s.home().join(".codex")).unwrap();
        write(&s.project(), "a.txt", "a\n");
        git(&s.project(), &["init", "-q"]);
        git(&s.project(), &["add", "-A"]);
        git(&s.project(), &["commit", "-qm", "init"]);
        let example =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/.claude/agents/backend.md");
        write(
            &s.project(),
            ".claude/agents/backend.md",
            std::fs::read(example).unwrap(),
        );
        let (_, code, err) = s.run(&["build", "-o", ".codex/agentspec-bundle"], "");
        assert_eq!(code, 0, "{err}");
        s
    }

    fn project(&self) -> PathBuf {
        self.root.path().join("project")
    }

    fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    fn config(&self) -> PathBuf {
        self.home().join(".codex/config.toml")
    }

    /// (stdout, exit code, stderr)
    fn run(&self, args: &[&str], stdin: &str) -> (String, i32, String) {
        let mut child = Command::new(bin())
            .args(args)
            .current_dir(self.project())
            .env("HOME", self.home())
            .env_remove("CODEX_HOME")
            .env_remove("XDG_STATE_HOME")
            .env("TMPDIR", "/tmp")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn install(&self) -> (String, i32, String) {
        self.run(
            &[
                "hooks",
                "install",
                "--host",
                "codex",
                "--bundle",
                ".codex/agentspec-bundle",
                "--main-agent",
                "backend",
            ],
            "",
        )
    }
}

/// Codex's trust hash of an entry, computed as the oracle's README §4 says, independently of
/// agentspec's code: sha256 of the sorted-key compact JSON.
fn oracle_hash(event_snake: &str, command: &str, timeout: u64) -> String {
    let text = format!(
        r#"{{"event_name":"{event_snake}","hooks":[{{"async":false,"command":{},"timeout":{timeout},"type":"command"}}]}}"#,
        serde_json::to_string(command).unwrap()
    );
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            std::io::Write::write_all(c.stdin.as_mut().unwrap(), text.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let hex = String::from_utf8_lossy(&out.stdout);
    format!("sha256:{}", hex.split_whitespace().next().unwrap())
}

#[test]
fn install_writes_trusted_hooks_and_the_sandbox_and_doctor_agrees() {
    if !Path::new("/usr/bin/bwrap").exists() && !Path::new("/bin/bwrap").exists() {
        eprintln!("skipped: bubblewrap is not installed");
        return;
    }
    let s = Scratch::new();
    write(
        &s.home(),
        ".codex/config.toml",
        "# my settings\nmodel = \"gpt-5.5\"\nprojects = { \"/other\" = { trust_level = \"trusted\" } }\n",
    );
    let (doctor_before, code, _) = s.run(&["doctor", "--host", "codex"], "");
    assert_eq!(code, 1, "doctor fails before install: {doctor_before}");
    let (_, code, err) = s.install();
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("trusted the project and its 6 agentspec hook entries"),
        "{err}"
    );
    let project = std::fs::canonicalize(s.project()).unwrap();
    let hooks_path = project.join(".codex/hooks.json");
    let hooks: Value =
        serde_json::from_str(&std::fs::read_to_string(&hooks_path).unwrap()).unwrap();
    let config = std::fs::read_to_string(s.config()).unwrap();
    assert!(
        config.starts_with("# my settings\nmodel = \"gpt-5.5\"\n"),
        "the user's lines are kept: {config}"
    );
    let table: toml::Table = config.parse().unwrap();
    assert_eq!(
        table["projects"][project.display().to_string().as_str()]["trust_level"].as_str(),
        Some("trusted")
    );
    // Another project's trust, written as an inline table, is kept.
    assert_eq!(
        table["projects"]["/other"]["trust_level"].as_str(),
        Some("trusted"),
        "{config}"
    );
    let snake = |e: &str| match e {
        "SessionStart" => "session_start",
        "UserPromptSubmit" => "user_prompt_submit",
        "PreToolUse" => "pre_tool_use",
        "PostToolUse" => "post_tool_use",
        "Stop" => "stop",
        "SubagentStop" => "subagent_stop",
        other => panic!("{other}"),
    };
    let mut entries = 0;
    for (event, groups) in hooks["hooks"].as_object().unwrap() {
        for (gi, group) in groups.as_array().unwrap().iter().enumerate() {
            for (hi, h) in group["hooks"].as_array().unwrap().iter().enumerate() {
                let command = h["command"].as_str().unwrap();
                assert!(
                    command.contains("run hook --host codex --bundle"),
                    "{command}"
                );
                let key = format!("{}:{}:{gi}:{hi}", hooks_path.display(), snake(event));
                let trusted = table["hooks"]["state"][key.as_str()]["trusted_hash"].as_str();
                assert_eq!(
                    trusted,
                    Some(
                        oracle_hash(snake(event), command, h["timeout"].as_u64().unwrap()).as_str()
                    ),
                    "{key}"
                );
                entries += 1;
            }
        }
    }
    assert_eq!(entries, 6);
    let project_config = std::fs::read_to_string(project.join(".codex/config.toml")).unwrap();
    assert!(
        project_config.contains("sandbox_mode = \"workspace-write\""),
        "{project_config}"
    );
    let (doctor, code, _) = s.run(&["doctor", "--host", "codex"], "");
    assert_eq!(code, 0, "{doctor}");
    // Twice changes nothing.
    let before = (
        std::fs::read(&hooks_path).unwrap(),
        std::fs::read(s.config()).unwrap(),
    );
    let (_, code, _) = s.install();
    assert_eq!(code, 0);
    assert_eq!(
        before,
        (
            std::fs::read(&hooks_path).unwrap(),
            std::fs::read(s.config()).unwrap()
        )
    );
    // Trust removed: Codex would skip the hooks without a word, and doctor says so.
    let untrusted: String = config
        .lines()
        .filter(|l| !l.starts_with("trusted_hash"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(s.config(), untrusted).unwrap();
    let (doctor, code, _) = s.run(&["doctor", "--host", "codex"], "");
    assert_eq!(code, 1);
    assert!(
        doctor.contains("6 agentspec hook entries are not trusted"),
        "{doctor}"
    );
    // A hooks file Codex cannot parse switches every hook off.
    std::fs::write(&hooks_path, "{\"hooks\": ").unwrap();
    let (doctor, code, _) = s.run(&["doctor", "--host", "codex"], "");
    assert_eq!(code, 1);
    assert!(
        doctor.contains("Codex ignores a hooks.json it cannot parse"),
        "{doctor}"
    );
}

#[test]
fn install_refuses_what_the_sandbox_could_write() {
    let s = Scratch::new();
    let (_, code, err) = s.run(&["build", "-o", "bundle-in-project"], "");
    assert_eq!(code, 0, "{err}");
    let (_, code, err) = s.run(
        &[
            "hooks",
            "install",
            "--host",
            "codex",
            "--bundle",
            "bundle-in-project",
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("the bundle") && err.contains("workspace-write sandbox"),
        "{err}"
    );
    assert!(!s.project().join(".codex/hooks.json").exists());
}

#[test]
fn the_codex_hook_fails_closed() {
    let s = Scratch::new();
    let bundle = s.project().join(".codex/agentspec-bundle");
    let bundle = bundle.to_str().unwrap();
    let state = s.root.path().join("state");
    let state = state.to_str().unwrap();
    let hook = |input: &str| {
        s.run(
            &[
                "run",
                "hook",
                "--host",
                "codex",
                "--bundle",
                bundle,
                "--state-dir",
                state,
            ],
            input,
        )
    };
    for input in [
        "not json".to_owned(),
        json!({"session_id": "s", "hook_event_name": "NotAnEvent"}).to_string(),
        json!({"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}).to_string(),
        json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t", "tool_name": "apply_patch", "tool_input": {"command": "no patch"}}).to_string(),
    ] {
        let (out, code, err) = hook(&input);
        assert_eq!(code, 2, "{input}: {out} {err}");
        assert!(err.contains("blocked"), "{err}");
    }
    // A stop that already was blocked once ends instead (Codex has no loop guard).
    let stop =
        json!({"session_id": "s", "hook_event_name": "Stop", "stop_hook_active": true}).to_string();
    let (out, code, _) = hook(&stop);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("systemMessage"), "{out}");
    // Confined (an install record with the confinement) and a turn whose session log says
    // `danger-full-access`: refused.
    let (_, code, err) = s.install();
    assert_eq!(code, 0, "{err}");
    let log = s.root.path().join("rollout.jsonl");
    std::fs::write(
        &log,
        json!({"type": "turn_context", "payload": {"turn_id": "t1", "sandbox_policy": {"type": "danger-full-access"}}}).to_string() + "\n",
    )
    .unwrap();
    let installed_state = std::fs::read_dir(s.home().join(".local/state/agentspec"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let event = json!({"session_id": "s2", "hook_event_name": "PreToolUse", "turn_id": "t1",
        "transcript_path": log, "cwd": s.project(), "tool_name": "Bash", "tool_input": {"command": "ls"}, "tool_use_id": "c1"});
    let (out, code, err) = s.run(
        &[
            "run",
            "hook",
            "--host",
            "codex",
            "--bundle",
            bundle,
            "--state-dir",
            installed_state.to_str().unwrap(),
            "--main-agent",
            "backend",
            "--confined",
        ],
        &event.to_string(),
    );
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("danger-full-access"), "{err}");
}

#[test]
fn a_patch_is_refused_for_any_file_it_moves_into_git() {
    let s = Scratch::new();
    let bundle = s.project().join(".codex/agentspec-bundle");
    let state = s.root.path().join("state");
    let patch = "*** Begin Patch\n*** Update File: a.txt\n*** Move to: .git/moved\n@@\n-a\n+b\n*** End Patch\n";
    let event = json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t",
        "cwd": s.project(), "tool_name": "apply_patch", "tool_input": {"command": patch}, "tool_use_id": "p1"});
    let (out, code, err) = s.run(
        &[
            "run",
            "hook",
            "--host",
            "codex",
            "--bundle",
            bundle.to_str().unwrap(),
            "--state-dir",
            state.to_str().unwrap(),
            "--main-agent",
            "backend",
        ],
        &event.to_string(),
    );
    assert_eq!(code, 0, "{err}");
    let answer = support::hook_answer(&out, code);
    assert_eq!(answer.kind, "deny", "{out}");
    assert!(answer.reason.contains(".git/moved"), "{}", answer.reason);
    // The same patch moving the file elsewhere in the project is allowed.
    let ok = patch.replace(".git/moved", "b.txt");
    let event = json!({"session_id": "s", "hook_event_name": "PreToolUse", "turn_id": "t",
        "cwd": s.project(), "tool_name": "apply_patch", "tool_input": {"command": ok}, "tool_use_id": "p2"});
    let (out, code, _) = s.run(
        &[
            "run",
            "hook",
            "--host",
            "codex",
            "--bundle",
            bundle.to_str().unwrap(),
            "--state-dir",
            state.to_str().unwrap(),
            "--main-agent",
            "backend",
        ],
        &event.to_string(),
    );
    assert_eq!(support::hook_answer(&out, code).kind, "allow", "{out}");
}

#[test]
fn doctor_reports_exec_policy_rules_that_allow_commands() {
    if !Path::new("/usr/bin/bwrap").exists() && !Path::new("/bin/bwrap").exists() {
        eprintln!("skipped: bubblewrap is not installed");
        return;
    }
    let s = Scratch::new();
    let (_, code, err) = s.install();
    assert_eq!(code, 0, "{err}");
    let (doctor, code, _) = s.run(&["doctor", "--host", "codex"], "");
    assert_eq!(code, 0, "{doctor}");
    write(
        &s.home(),
        ".codex/rules/default.rules",
        "prefix_rule(pattern = [\"npm\", \"install\"], decision = \"allow\")\n",
    );
    let (doctor, code, _) = s.run(&["doctor", "--host", "codex"], "");
    assert_eq!(code, 1, "{doctor}");
    assert!(
        doctor.contains("exec-policy rules allow commands"),
        "{doctor}"
    );
}
