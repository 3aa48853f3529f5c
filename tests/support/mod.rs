//! What the integration tests share: the binary, a scratch project with a repository, the
//! bundle built from agent files, and the two ways an event reaches the engine (a Claude Code
//! hook and `agentspec run events`), with their answers read back as one kind of decision.
#![allow(
    dead_code,
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures; not every test uses every helper"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The agentspec binary under test.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("agentspec")
}

/// The binary as an `assert_cmd` command, without colour, and not asking a `claude` on this
/// machine's `PATH` for its release (the default target is then the newest measured one).
pub fn agentspec() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("agentspec").expect("binary");
    cmd.env("NO_COLOR", "1").env("AGENTSPEC_CLAUDE", "");
    cmd
}

/// Writes `content` at `rel` under `dir`, making the folders on the way.
pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, content).expect("write");
}

/// Runs git in `dir`, with a fixed identity and no user or system configuration.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A scratch project: a repository with one commit, the shipped example agents in
/// `agents/`, and a place for the runner's state outside the project.
pub struct Project {
    pub root: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let root = tempfile::tempdir().expect("a temporary folder");
        let project = root.path().join("project");
        std::fs::create_dir_all(project.join("src")).expect("mkdir");
        std::fs::write(project.join("src/app.py"), "print('hi')\n").expect("write");
        git(&project, &["init", "-q"]);
        git(&project, &["add", "-A"]);
        git(&project, &["commit", "-qm", "initial"]);
        let agents = root.path().join("agents");
        std::fs::create_dir_all(&agents).expect("mkdir");
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/.claude/agents");
        for entry in std::fs::read_dir(examples).expect("the example agents") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                std::fs::copy(&path, agents.join(path.file_name().expect("a name"))).expect("copy");
            }
        }
        let p = Project { root };
        p.build();
        p
    }

    /// The project folder (a git repository).
    pub fn dir(&self) -> PathBuf {
        self.root.path().join("project")
    }

    /// The agent files the bundle is built from.
    pub fn agents(&self) -> PathBuf {
        self.root.path().join("agents")
    }

    pub fn bundle(&self) -> PathBuf {
        self.root.path().join("bundle")
    }

    /// `XDG_STATE_HOME` for the runner: its state stays in the scratch folder.
    pub fn state_home(&self) -> PathBuf {
        self.root.path().join("xdg")
    }

    /// (Re)builds the bundle from `agents()`.
    pub fn build(&self) {
        let out = Command::new(bin())
            .arg("build")
            .arg(self.agents())
            .arg("-o")
            .arg(self.bundle())
            .output()
            .expect("build runs");
        assert!(
            out.status.success(),
            "build: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs `agentspec` with `args` and `stdin` in the project, the runner's state in the
    /// scratch folder: (stdout, exit code).
    pub fn run(&self, args: &[&str], stdin: &str) -> (String, i32) {
        let mut child = Command::new(bin())
            .args(args)
            .current_dir(self.dir())
            .env("XDG_STATE_HOME", self.state_home())
            .env_remove("CLAUDE_PROJECT_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("agentspec starts");
        std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), stdin.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("agentspec ends");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }
}

/// A decision as both paths can state it: the kind (`allow`, `deny`, `block`, `ask`, `error`)
/// and the reason given.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub kind: String,
    pub reason: String,
}

/// A Claude Code hook's answer, read from what it printed and its exit code.
pub fn hook_answer(stdout: &str, code: i32) -> Answer {
    if code != 0 {
        return Answer {
            kind: "error".to_owned(),
            reason: String::new(),
        };
    }
    let Ok(v) = serde_json::from_str::<Value>(stdout.trim()) else {
        return Answer {
            kind: "allow".to_owned(),
            reason: String::new(),
        };
    };
    let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_owned);
    if let Some(kind) = text("/hookSpecificOutput/permissionDecision") {
        return Answer {
            kind,
            reason: text("/hookSpecificOutput/permissionDecisionReason").unwrap_or_default(),
        };
    }
    if let Some(kind) = text("/decision") {
        return Answer {
            kind,
            reason: text("/reason").unwrap_or_default(),
        };
    }
    Answer {
        kind: "allow".to_owned(),
        reason: String::new(),
    }
}

/// An answer line of `agentspec run events`.
pub fn events_answer(line: &str) -> Answer {
    let v: Value = serde_json::from_str(line.trim()).expect("one JSON answer per line");
    let kind = v["decision"].as_str().unwrap_or_default().to_owned();
    let reason = if kind == "error" {
        String::new()
    } else {
        v["reason"].as_str().unwrap_or_default().to_owned()
    };
    Answer { kind, reason }
}
