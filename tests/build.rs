//! `agentspec build`: golden bundles, determinism, atomic writes, verification on load, path
//! safety, `--check` and `--keep-going`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::fs;
use std::path::Path;
use support::agentspec;

use agentspec::compile::{self, BuiltBundle};
use agentspec::policy::{Bundle, BundleError};

fn build(args: &[&str], out: &Path) -> std::process::Output {
    agentspec()
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for sub in ["", "agents"] {
        for e in fs::read_dir(dir.join(sub)).unwrap().flatten() {
            if e.file_type().unwrap().is_file() {
                let rel = if sub.is_empty() {
                    e.file_name().to_string_lossy().into_owned()
                } else {
                    format!("{sub}/{}", e.file_name().to_string_lossy())
                };
                files.push((rel, fs::read_to_string(e.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn golden_bundle_for_the_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    let result = build(&["examples"], &out);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    for (rel, content) in read_tree(&out) {
        let name = rel.replace('/', "__");
        insta::assert_snapshot!(
            format!("bundle_{name}"),
            content.replace(&out.display().to_string(), "<DIR>")
        );
    }
    let bundle = Bundle::load(&out).unwrap();
    let backend = &bundle.agents["backend"];
    let protocol = backend.protocol.as_ref().unwrap();
    assert_eq!(protocol.states.len(), 9);
    assert_eq!(protocol.states[5].kind, "await-approval");
    assert_eq!(protocol.states[5].token.as_deref(), Some("yes"));
    let commit_gate = &protocol.gates[0];
    assert_eq!(commit_gate.requires, "step-6");
    assert_eq!(commit_gate.token.as_deref(), Some("yes"));
    assert_eq!(backend.done.len(), 39);
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&["examples", "fixtures/backend.md"], &a);
    build(&["fixtures/backend.md", "examples"], &b);
    let strip = |files: Vec<(String, String)>, dir: &Path| -> Vec<(String, String)> {
        files
            .into_iter()
            .map(|(r, c)| (r, c.replace(&dir.display().to_string(), "<DIR>")))
            .collect()
    };
    assert_eq!(strip(read_tree(&a), &a), strip(read_tree(&b), &b));
    // Rebuilding into the same directory changes nothing.
    let before = read_tree(&a);
    build(&["examples", "fixtures/backend.md"], &a);
    assert_eq!(before, read_tree(&a));
}

#[test]
fn a_failed_write_leaves_the_previous_bundle_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    build(&["examples"], &out);
    let before = read_tree(&out);
    let mut broken = BuiltBundle {
        files: before.iter().cloned().collect(),
    };
    broken.files.insert("agents/zzz.json".into(), "{}".into());
    // A NUL byte makes the write of this file fail half-way through the bundle.
    broken
        .files
        .insert("agents/bad\0name.json".into(), "{}".into());
    assert!(compile::write_atomically(&out, &broken).is_err());
    assert_eq!(read_tree(&out), before);
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("bundle")]);
}

fn fresh_bundle() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundle");
    build(&["examples"], &out);
    Bundle::load(&out).unwrap();
    (tmp, out)
}

#[test]
fn a_tampered_truncated_or_foreign_file_is_refused() {
    let (_t, out) = fresh_bundle();
    let file = out.join("agents/backend.json");
    let mut bytes = fs::read(&file).unwrap();
    let i = bytes.iter().position(|&b| b == b'y').unwrap();
    bytes[i] = b'Y';
    fs::write(&file, &bytes).unwrap();
    assert!(matches!(
        Bundle::load(&out),
        Err(BundleError::Tampered { .. })
    ));

    let (_t, out) = fresh_bundle();
    let file = out.join("agents/reviewer.json");
    let bytes = fs::read(&file).unwrap();
    fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(
        Bundle::load(&out),
        Err(BundleError::Tampered { .. })
    ));

    let (_t, out) = fresh_bundle();
    fs::write(out.join("agents/extra.json"), "{}").unwrap();
    assert!(matches!(
        Bundle::load(&out),
        Err(BundleError::Foreign { .. })
    ));

    let (_t, out) = fresh_bundle();
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    fs::write(
        out.join("manifest.json"),
        manifest.replace("\"revision\": \"", "\"revision\": \"0"),
    )
    .unwrap();
    assert!(matches!(
        Bundle::load(&out),
        Err(BundleError::Revision { .. })
    ));

    let (_t, out) = fresh_bundle();
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    fs::write(
        out.join("manifest.json"),
        manifest.replace("\"format_version\": 3", "\"format_version\": 4"),
    )
    .unwrap();
    let err = Bundle::load(&out).unwrap_err();
    assert!(
        matches!(err, BundleError::Version { found: 4, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("not supported"));
}

#[test]
fn names_cannot_escape_the_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src/.claude/agents");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        src.join("a.md"),
        "---\nname: ../../escape\ndescription: d\n---\n",
    )
    .unwrap();
    fs::write(
        src.join("b.md"),
        "---\nname: /etc/passwd\ndescription: d\n---\n",
    )
    .unwrap();
    let out = tmp.path().join("bundle");
    let result = build(&[tmp.path().join("src").to_str().unwrap()], &out);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let names: Vec<String> = read_tree(&out).into_iter().map(|(r, _)| r).collect();
    assert_eq!(
        names,
        vec![
            "agents/_.._escape.json",
            "agents/_etc_passwd.json",
            "claude-settings.json",
            "manifest.json"
        ]
    );
    assert!(!tmp.path().join("escape.json").exists());
    let bundle = Bundle::load(&out).unwrap();
    assert!(bundle.agents.contains_key("../../escape"));
    // A manifest that points outside is refused.
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    let moved = manifest.replace("agents/_.._escape.json", "agents/../../x.json");
    fs::write(out.join("manifest.json"), moved).unwrap();
    assert!(Bundle::load(&out).is_err());
}

#[test]
fn check_reports_a_stale_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src/.claude/agents");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("a.md"), "---\nname: a\ndescription: d\n---\n").unwrap();
    let out = tmp.path().join("bundle");
    let srcdir = tmp.path().join("src");
    build(&[srcdir.to_str().unwrap()], &out);
    agentspec()
        .args(["build", srcdir.to_str().unwrap(), "--check", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    fs::write(
        src.join("a.md"),
        "---\nname: a\ndescription: changed\n---\n",
    )
    .unwrap();
    let result = agentspec()
        .args(["build", srcdir.to_str().unwrap(), "--check", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("agents/a.json differs"));
}

#[test]
fn broken_files_block_the_build_unless_keep_going() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src/.claude/agents");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        src.join("good.md"),
        "---\nname: good\ndescription: d\n---\n",
    )
    .unwrap();
    fs::write(src.join("broken.md"), "---\ndescription: no name\n---\n").unwrap();
    let srcdir = tmp.path().join("src");
    let out = tmp.path().join("bundle");
    let result = build(&[srcdir.to_str().unwrap()], &out);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("AS005"));
    assert!(!out.exists());
    let result = build(&[srcdir.to_str().unwrap(), "--keep-going"], &out);
    assert_eq!(result.status.code(), Some(1));
    let bundle = Bundle::load(&out).unwrap();
    assert_eq!(bundle.agents.keys().collect::<Vec<_>>(), vec!["good"]);
}

/// Counts what a hook's memo is asked and told.
#[derive(Default)]
struct CountingMemo {
    known: std::cell::RefCell<std::collections::BTreeSet<String>>,
    remembered: std::cell::Cell<usize>,
}

impl agentspec::policy::ValidationMemo for CountingMemo {
    fn validated(&self, key: &str) -> bool {
        self.known.borrow().contains(key)
    }
    fn remember(&self, key: &str) {
        self.remembered.set(self.remembered.get() + 1);
        self.known.borrow_mut().insert(key.to_owned());
    }
}

#[test]
fn schema_validation_is_remembered_per_file_content_and_failures_are_not() {
    let (_t, out) = fresh_bundle();
    let memo = CountingMemo::default();
    Bundle::load_agents_with(&out, &["backend"], &memo).unwrap();
    assert_eq!(
        memo.remembered.get(),
        2,
        "the manifest and the backend policy"
    );
    Bundle::load_agents_with(&out, &["backend"], &memo).unwrap();
    assert_eq!(
        memo.remembered.get(),
        2,
        "nothing validated the second time"
    );
    // Another agent's policy is new content.
    Bundle::load_agents_with(&out, &["reviewer"], &memo).unwrap();
    assert_eq!(memo.remembered.get(), 3);

    // A manifest that breaks the schema is refused and not remembered; the hashes still
    // guard the policies whatever the memo says.
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    fs::write(
        out.join("manifest.json"),
        manifest.replacen('{', "{\"unexpected\": 1,", 1),
    )
    .unwrap();
    let fresh = CountingMemo::default();
    let err = Bundle::load_agents_with(&out, &["backend"], &fresh).unwrap_err();
    assert!(matches!(err, BundleError::Schema { .. }), "{err}");
    assert_eq!(fresh.remembered.get(), 0);
    fs::write(out.join("manifest.json"), &manifest).unwrap();
    let file = out.join("agents/backend.json");
    let bytes = fs::read(&file).unwrap();
    fs::write(&file, &bytes[..bytes.len() - 2]).unwrap();
    assert!(matches!(
        Bundle::load_agents_with(&out, &["backend"], &memo),
        Err(BundleError::Tampered { .. })
    ));
}

/// The fixture pair of a specialist agent that defers to a task-executor skill: the agent's own
/// text holds no protocol; its policy holds the skill's steps and gates, with the skill recorded
/// as a source, and `inspect` shows them.
#[test]
fn a_protocol_written_in_a_skill_is_compiled_into_the_agent_that_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let run = agentspec()
        .current_dir("fixtures/skills-protocol")
        .args(["build", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let policy: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("agents/backend.json")).unwrap())
            .unwrap();
    assert_eq!(policy["skills"][0]["name"], "task-executor");
    assert_eq!(
        policy["skills"][0]["path"],
        ".claude/skills/task-executor/SKILL.md"
    );
    let protocol = &policy["protocol"];
    assert_eq!(protocol["skill"], "task-executor");
    let kinds: Vec<&str> = protocol["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "acknowledge",
            "implement",
            "stop",
            "await-approval",
            "commit",
            "report"
        ]
    );
    let gates: Vec<&serde_json::Value> = protocol["gates"].as_array().unwrap().iter().collect();
    assert!(
        gates.iter().any(|g| g["action"]
            == serde_json::json!({"type": "git", "operation": "commit"})
            && g["requires"] == "step-4"
            && g["token"] == "yes"),
        "{gates:?}"
    );
    // The skill's Definition of Done is the agent's too, marked with the skill.
    let done: Vec<(&str, &str)> = policy["done"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["skill"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        done,
        [
            ("done/all-tests-pass", "task-executor"),
            ("done/the-user-approved-the-change-with", "task-executor")
        ]
    );
    // Compiled from the agent file alone, the agent has no gate: the skill is what holds it.
    let alone = compile::compile_markdown(
        "backend.md",
        &fs::read_to_string("fixtures/skills-protocol/.claude/agents/backend.md").unwrap(),
    );
    assert!(alone.protocol.is_none());
    let inspect = agentspec()
        .current_dir("fixtures/skills-protocol")
        .args(["inspect", ".claude/agents/backend.md"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        text.contains("task-executor: preloaded (`skills:`), .claude/skills/task-executor/SKILL.md (compiled into the policy)")
            && text.contains("Protocol from the skill `task-executor`: Protocol (6 steps)")
            && text.contains(" 4. await-approval    WAIT token=yes"),
        "{text}"
    );
}

/// An agent whose own protocol commits without waiting, while the skill it follows waits for
/// `yes`: the stricter protocol, the skill's, is compiled, and `build` says so.
#[test]
fn a_skill_that_gates_the_commit_wins_over_an_agent_protocol_that_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join(".claude/skills/task-executor")).unwrap();
    fs::create_dir_all(d.join(".claude/agents")).unwrap();
    fs::copy(
        "fixtures/skills-protocol/.claude/skills/task-executor/SKILL.md",
        d.join(".claude/skills/task-executor/SKILL.md"),
    )
    .unwrap();
    fs::write(
        d.join(".claude/agents/quick.md"),
        "---\nname: quick\ndescription: Quick fixes\n---\nFollow the `task-executor` skill:\n\n## Protocol\n1. **Implement** the fix\n2. **Commit** the change\n3. **Report** back\n",
    )
    .unwrap();
    let run = agentspec()
        .current_dir(d)
        .args(["build", "-o", "bundle"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("the skill `task-executor`'s protocol waits for the user's approval before committing and the agent's own does not; the skill's protocol is enforced"),
        "{err}"
    );
    let policy: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("bundle/agents/quick.json")).unwrap())
            .unwrap();
    assert_eq!(policy["protocol"]["skill"], "task-executor");
}

/// An agent with no protocol of its own that preloads a skill whose workflow commits without
/// waiting, and names the task-executor skill (which waits for `yes`) as the protocol it must
/// follow: the gating protocol is compiled, and `build` says which. A skill's folder name wins
/// over another skill's `name:` alias.
#[test]
fn the_skill_protocol_that_gates_the_commit_is_the_one_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let skill = |folder: &str, text: &str| {
        fs::create_dir_all(d.join(".claude/skills").join(folder)).unwrap();
        fs::write(d.join(".claude/skills").join(folder).join("SKILL.md"), text).unwrap();
    };
    skill(
        "task-executor",
        &fs::read_to_string("fixtures/skills-protocol/.claude/skills/task-executor/SKILL.md")
            .unwrap(),
    );
    skill(
        "pdf-tools",
        "---\nname: pdf-tools\ndescription: PDF work\n---\n## Workflow\n1. **Read** the form\n2. **Implement** the change\n3. **Commit** the change\n",
    );
    // Sorts first and calls itself `task-executor`: an alias, which the folder's name beats.
    skill(
        "a-legacy",
        "---\nname: task-executor\ndescription: The old one\n---\n## Workflow\n1. **Implement** it\n2. **Commit** it\n",
    );
    fs::create_dir_all(d.join(".claude/agents")).unwrap();
    fs::write(
        d.join(".claude/agents/docs.md"),
        "---\nname: docs\ndescription: Docs\nskills: [pdf-tools]\n---\nYou **MUST** adhere to the `task-executor` skill's protocol.\n",
    )
    .unwrap();
    let run = agentspec()
        .current_dir(d)
        .args(["build", "-o", "bundle"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(
        err.contains(
            "the skill `task-executor`'s is enforced (it waits for approval before committing)"
        ),
        "{err}"
    );
    let policy: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("bundle/agents/docs.json")).unwrap())
            .unwrap();
    assert_eq!(policy["protocol"]["skill"], "task-executor");
    assert!(!policy["protocol"]["gates"].as_array().unwrap().is_empty());
    let sources: Vec<&str> = policy["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            ".claude/skills/pdf-tools/SKILL.md",
            ".claude/skills/task-executor/SKILL.md"
        ]
    );
}
