//! The real binary: formats, exit codes, configuration, suppression, stdin, discovery and bad
//! input.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use support::{agentspec, write};

use serde_json::Value;

const GOOD: &str = "---\nname: good\ndescription: A good agent\ntools: Read, Grep\n---\nBody.\n";
const WARN: &str = "---\nname: warn\ndescription: A warned agent\ntools: Read, grep\n---\nBody.\n";
const BROKEN: &str = "---\ndescription: No name\n---\nBody.\n";

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("valid JSON on stdout")
}

fn run_json(args: &[&str], dir: &Path) -> (Value, i32) {
    let out = agentspec()
        .args(args)
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .expect("runs");
    (json_of(&out), out.status.code().unwrap_or(-1))
}

/// The releases a fixture folder has verdicts for (`verdicts-VERSION.json`).
fn recorded_versions(folder: &str) -> Vec<String> {
    let mut versions: Vec<String> = fs::read_dir(folder)
        .expect("fixture folder")
        .filter_map(|e| {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            Some(
                name.strip_prefix("verdicts-")?
                    .strip_suffix(".json")?
                    .to_owned(),
            )
        })
        .collect();
    versions.sort();
    versions
}

/// How a release is selected: `--claude-code` on the command line, or `claude-code` in an
/// `agentspec.toml`.
#[derive(Clone, Copy)]
enum Select {
    Flag,
    Config,
}

/// `loads` must agree with what each real Claude Code release did (recorded in
/// `verdicts-VERSION.json`); for agents that share a name, the file the release kept must be
/// the one the duplicate-name diagnostic names (where the release's choice is predictable).
fn assert_verdicts(folder: &str, select: Select) {
    let versions = recorded_versions(folder);
    assert!(!versions.is_empty(), "{folder}: no verdict files");
    for version in versions {
        let verdicts: Value = serde_json::from_str(
            &fs::read_to_string(format!("{folder}/verdicts-{version}.json")).expect("verdicts"),
        )
        .expect("json");
        assert!(
            verdicts["claude_code"]
                .as_str()
                .is_some_and(|v| v.starts_with(&version)),
            "{folder}: verdicts-{version}.json names another CLI version"
        );
        let verdicts = &verdicts["files"];
        let config = tempfile::tempdir().expect("tempdir");
        let config_path = config.path().join("agentspec.toml");
        fs::write(&config_path, format!("claude-code = \"{version}\"\n")).expect("write");
        let mut command = agentspec();
        command.args(["check", &format!("{folder}/agents"), "--format", "json"]);
        match select {
            Select::Flag => command.args(["--isolated", "--claude-code", &version]),
            Select::Config => command.args(["--config", config_path.to_str().expect("utf-8")]),
        };
        let report = json_of(&command.output().expect("runs"));
        let files = report["files"].as_array().expect("files");
        let mut checked = 0;
        // Files of a same-named group in a release that keeps the one listed last.
        let mut unpredictable = 0;
        for file in files {
            let path = file["path"].as_str().expect("path");
            let rel = path.split("/agents/").nth(1).expect("under agents/");
            let truth = &verdicts[rel];
            assert!(truth.is_object(), "{rel} is not in verdicts-{version}.json");
            let same_name: Vec<&Value> = files
                .iter()
                .filter(|f| !f["agent"].is_null() && f["agent"] == file["agent"])
                .collect();
            if same_name.len() > 1 {
                // The release keeps one of them: the one the diagnostic names, if it names one
                // (2.1.328 keeps the one the file system lists last, which is not predicted).
                let help: Vec<&str> = file["diagnostics"]
                    .as_array()
                    .expect("diagnostics")
                    .iter()
                    .filter(|d| d["code"] == "AS009")
                    .filter_map(|d| d["help"].as_str())
                    .collect();
                let named = help.iter().any(|h| h.contains(&format!("`{rel}` loads")));
                let predicted = help
                    .iter()
                    .any(|h| h.contains("loads (its path sorts last)"));
                if predicted {
                    assert_eq!(
                        named,
                        truth["loads"] == true,
                        "{rel}: Claude Code {version} kept another file of the same name"
                    );
                    checked += 1;
                } else if help
                    .iter()
                    .any(|h| h.contains("the file system lists last"))
                {
                    unpredictable += 1;
                }
                continue;
            }
            assert_eq!(
                file["loads"], truth["loads"],
                "{rel}: loads disagrees with Claude Code {version}"
            );
            checked += 1;
        }
        let recorded = verdicts.as_object().map_or(0, serde_json::Map::len);
        assert!(
            checked >= 5 && checked + unpredictable + 5 >= recorded,
            "{folder} {version}: only {checked} of {recorded} files compared"
        );
    }
}

#[test]
fn loads_agrees_with_claude_code_on_the_loader_truth_table() {
    assert_verdicts("fixtures/loader-truth", Select::Flag);
}

#[test]
fn loads_agrees_with_claude_code_on_the_extra_cases() {
    assert_verdicts("fixtures/loader-extra", Select::Flag);
}

#[test]
fn loads_agrees_with_claude_code_on_the_hook_probes() {
    assert_verdicts("fixtures/loader-hooks", Select::Flag);
}

#[test]
fn loads_agrees_with_claude_code_on_continued_descriptions() {
    assert_verdicts("fixtures/loader-continuation", Select::Flag);
    assert_verdicts("fixtures/loader-continuation", Select::Config);
}

#[test]
fn loads_agrees_with_every_release_on_the_drift_probes_by_flag_and_by_config() {
    assert_verdicts("fixtures/loader-drift", Select::Flag);
    assert_verdicts("fixtures/loader-drift", Select::Config);
    assert_verdicts("fixtures/loader-truth", Select::Config);
}

/// The release probes (`holdsTools`, `mcp_tool` hooks, `continueOnBlock`, every field type of
/// every hook type, `url`s, model aliases, duplicate pairs), by flag and by configuration.
#[test]
fn loads_agrees_with_every_release_on_the_release_probes() {
    assert_verdicts("fixtures/loader-release", Select::Flag);
    assert_verdicts("fixtures/loader-release", Select::Config);
}

/// The duplicate pairs of the release probes tell the two rules apart: in the recording, the
/// file the file system listed last is not the one whose path sorts last, for most pairs; so
/// the verdicts of 2.1.329 and 2.1.330 differ on them, and agentspec names 2.1.330's winner.
#[test]
fn the_duplicate_probes_tell_listing_order_from_sorted_order() {
    let verdicts = |version: &str| -> Value {
        serde_json::from_str(
            &fs::read_to_string(format!("fixtures/loader-release/verdicts-{version}.json"))
                .expect("verdicts"),
        )
        .expect("json")
    };
    let (listing, sorted) = (verdicts("2.1.329"), verdicts("2.1.330"));
    let differ = listing["files"]
        .as_object()
        .expect("files")
        .iter()
        .filter(|(k, v)| {
            k.starts_with("dups/") && sorted["files"][k.as_str()]["loads"] != v["loads"]
        })
        .count();
    assert!(differ >= 6, "only {differ} duplicate files changed winner");
    for (winner, loser) in [
        ("x.md", "x-v2.md"),
        ("b.md", "a/x.md"),
        ("lower.md", "Upper.md"),
        ("m3.md", "m1.md"),
        ("zz-first.md", "aa-second.md"),
    ] {
        for version in ["2.1.330", "2.1.331", "2.1.332"] {
            let v = verdicts(version);
            assert_eq!(
                v["files"][format!("dups/{winner}")]["loads"],
                true,
                "{version} {winner}"
            );
            assert_eq!(
                v["files"][format!("dups/{loser}")]["loads"],
                false,
                "{version} {loser}"
            );
        }
    }
}

#[test]
fn a_range_reports_a_file_that_fails_in_any_release_and_says_which() {
    let dir = Path::new("fixtures/loader-drift/agents");
    let (report, code) = run_json(
        &[
            "check",
            "pssc-string.md",
            "pssc-valid.md",
            "--isolated",
            "--claude-code",
            ">=2.1.328",
        ],
        dir,
    );
    assert_eq!(code, 1);
    let files = report["files"].as_array().expect("files");
    assert_eq!(files[0]["loads"], false);
    assert_eq!(files[1]["loads"], true);
    let help = files[0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "AS008")
        .and_then(|d| d["help"].as_str())
        .expect("AS008 with help");
    assert!(
        help.contains("does not load in Claude Code 2.1.332 and later"),
        "{help}"
    );
    // One release only: the older one loads it, with a note that the event is unknown there.
    let (report, code) = run_json(
        &[
            "check",
            "pssc-string.md",
            "--isolated",
            "--claude-code",
            "2.1.328",
        ],
        dir,
    );
    assert_eq!(code, 0);
    assert_eq!(report["files"][0]["loads"], true);
    assert_eq!(report["files"][0]["diagnostics"][0]["code"], "AS109");
}

/// Whether each release skips a settings file whole must agree with what it did
/// (`fixtures/settings/verdicts-VERSION.json`, recorded by `tests/differential/settings_diff.py`).
#[test]
fn settings_skipped_agrees_with_each_release() {
    for version in recorded_versions("fixtures/settings") {
        let verdicts: Value = serde_json::from_str(
            &fs::read_to_string(format!("fixtures/settings/verdicts-{version}.json"))
                .expect("verdicts"),
        )
        .expect("json");
        let cases = verdicts["cases"].as_object().expect("cases");
        assert!(cases.len() >= 15);
        for (case, truth) in cases {
            let (report, _) = run_json(
                &[
                    "check",
                    &format!("fixtures/settings/{case}/.claude/settings.json"),
                    "--isolated",
                    "--claude-code",
                    &version,
                ],
                Path::new("."),
            );
            let skipped = report["files"][0]["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .any(|d| d["code"] == "AS011");
            assert_eq!(
                skipped,
                truth["skipped"] == true,
                "{case}: Claude Code {version} did otherwise"
            );
        }
    }
}

#[test]
fn a_bad_claude_code_version_is_a_clear_error() {
    let out = agentspec()
        .args([
            "check",
            "--isolated",
            "--claude-code",
            "latest",
            "fixtures/loader-drift/agents",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a Claude Code version"), "{err}");
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(
        tmp.path().join("agentspec.toml"),
        "claude-code = \">=3, <2\"\n",
    )
    .expect("write");
    let out = agentspec()
        .args(["check"])
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("claude-code"), "{err}");
}

#[test]
fn a_file_named_on_the_command_line_is_always_checked() {
    let out = agentspec()
        .args([
            "check",
            "fixtures/loader-truth/agents/not-md.txt",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let report = json_of(&out);
    assert_eq!(report["files"][0]["loads"], false);
    assert_eq!(report["files"][0]["diagnostics"][0]["code"], "AS010");
}

#[test]
fn concise_format_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), ".claude/agents/good.md", GOOD);
    write(dir.path(), ".claude/agents/warn.md", WARN);
    // Warnings alone exit 0.
    let out = agentspec()
        .args(["check", "--format", "concise"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        ".claude/agents/warn.md:4:14: AS201 [warning] unknown tool `grep` in `tools`\n"
    );
    // --strict and --max-warnings make warnings fail.
    for args in [&["--strict"][..], &["--max-warnings", "0"][..]] {
        agentspec()
            .arg("check")
            .args(args)
            .current_dir(dir.path())
            .assert()
            .code(1);
    }
    agentspec()
        .args(["check", "--max-warnings", "1"])
        .current_dir(dir.path())
        .assert()
        .code(0);
    // An error exits 1.
    write(dir.path(), ".claude/agents/broken.md", BROKEN);
    agentspec()
        .arg("check")
        .current_dir(dir.path())
        .assert()
        .code(1);
    // Bad arguments exit 2.
    agentspec()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    let out = agentspec()
        .args(["check", "--select", "unknown-tol"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `unknown-tool`?"));
}

#[test]
fn json_format_has_the_documented_shape() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), ".claude/agents/warn.md", WARN);
    write(dir.path(), ".claude/agents/broken.md", BROKEN);
    let (report, code) = run_json(&["check"], dir.path());
    assert_eq!(code, 1);
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 2, "errors": 1, "warnings": 1, "infos": 0})
    );
    let files = report["files"].as_array().expect("files");
    assert_eq!(files[0]["path"], ".claude/agents/broken.md");
    assert_eq!(files[0]["agent"], Value::Null);
    assert_eq!(files[0]["loads"], false);
    let d = &files[1]["diagnostics"][0];
    assert_eq!(d["code"], "AS201");
    assert_eq!(d["name"], "unknown-tool");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["help"], "did you mean `Grep`?");
    assert_eq!(d["span"], serde_json::json!({"start": 56, "end": 60}));
    assert_eq!(d["start"], serde_json::json!({"line": 4, "column": 14}));
    assert_eq!(d["end"], serde_json::json!({"line": 4, "column": 18}));
    assert_eq!(d["fix"], Value::Null);
    assert_eq!(files[1]["agent"], "warn");
}

#[test]
fn human_format_renders_snippets_help_and_a_summary() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), ".claude/agents/warn.md", WARN);
    let out = agentspec()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn fixes_are_in_the_json() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: Use when: asked\ntools: Bash(git commit:*)\n---\n",
    );
    let (report, _) = run_json(&["check"], dir.path());
    let fixes: Vec<&Value> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| &d["fix"])
        .collect();
    assert_eq!(
        fixes,
        vec![
            &serde_json::json!({"applicability": "safe", "edits": [{"start": 25, "end": 40, "content": "\"Use when: asked\""}]}),
            &serde_json::json!({"applicability": "safe", "edits": [{"start": 63, "end": 65, "content": " *"}]}),
        ]
    );
}

#[test]
fn config_is_found_upward_and_applied() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "agentspec.toml",
        "ignore = [\"unknown-tool\"]\n[tools]\nallow = [\"Read\"]\n[[overrides]]\nfiles = [\"legacy/**\"]\nignore = [\"team\"]\n",
    );
    write(dir.path(), "sub/.claude/agents/warn.md", WARN);
    write(dir.path(), "legacy/.claude/agents/warn.md", WARN);
    let (report, code) = run_json(&["check", "."], &dir.path().join("sub"));
    assert_eq!(code, 1);
    let diags = &report["files"][0]["diagnostics"];
    assert_eq!(diags.as_array().map(Vec::len), Some(1), "{diags}");
    assert_eq!(diags[0]["code"], "AS401");
    assert_eq!(
        diags[0]["message"],
        "`grep` is not in the team's tool allowlist"
    );
    // The override turns the team rules off under legacy/.
    let (report, code) = run_json(&["check", "legacy"], dir.path());
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["warnings"], 0);
    // --isolated ignores the file.
    let (report, _) = run_json(&["check", ".", "--isolated"], &dir.path().join("sub"));
    assert_eq!(report["files"][0]["diagnostics"][0]["code"], "AS201");
}

#[test]
fn require_explicit_tools() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "agentspec.toml",
        "[tools]\nrequire-explicit = true\n",
    );
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: All tools\n---\n",
    );
    let (report, code) = run_json(&["check"], dir.path());
    assert_eq!(code, 1);
    assert_eq!(report["files"][0]["diagnostics"][0]["code"], "AS402");
}

#[test]
fn an_unknown_config_key_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "agentspec.toml", "[tools]\nalow = [\"Read\"]\n");
    write(dir.path(), ".claude/agents/good.md", GOOD);
    let out = agentspec()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown key `alow`; did you mean `allow`?"),
        "{stderr}"
    );
    // An explicit --config that does not exist is an error too.
    agentspec()
        .args(["check", "--config", "missing.toml"])
        .current_dir(dir.path())
        .assert()
        .code(2);
}

#[test]
fn suppression_comments() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        ".claude/agents/a.md",
        "---\nname: a\ndescription: ok\n# agentspec-disable-next-line unknown-tool\ntools: Read, grep\n---\n<!-- agentspec-disable-next-line AS301 -->\nâœ… done\n<!-- agentspec-disable-next-line AS302 -->\nfine\n",
    );
    write(
        dir.path(),
        ".claude/agents/b.md",
        "---\nname: b\ndescription: ok\ntools: Read, grep, Bsh\n---\n<!-- agentspec-disable-file AS201 -->\n",
    );
    let (report, _) = run_json(&["check"], dir.path());
    let a: Vec<String> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .map(|d| format!("{} {}", d["code"], d["start"]["line"]))
        .collect();
    assert_eq!(a, vec!["\"AS901\" 9"]);
    assert_eq!(report["files"][1]["diagnostics"], serde_json::json!([]));
}

#[test]
fn stdin_is_checked_as_the_given_path() {
    let out = agentspec()
        .args([
            "check",
            "--stdin-filename",
            ".claude/agents/x.md",
            "--format",
            "concise",
        ])
        .write_stdin(WARN)
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        ".claude/agents/x.md:4:14: AS201 [warning] unknown tool `grep` in `tools`\n"
    );
    agentspec()
        .args(["check", "--stdin-filename", "a.md"])
        .write_stdin(BROKEN)
        .assert()
        .code(1);
}

#[test]
fn discovery_follows_the_documented_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(d, ".claude/agents/b.md", GOOD.replace("good", "b"));
    write(d, ".claude/agents/nested/a.md", GOOD.replace("good", "a"));
    write(d, ".claude/agents/notes.txt", GOOD);
    write(d, ".gitignore", "ignored/\n");
    write(d, "ignored/.claude/agents/x.md", BROKEN);
    write(d, "docs/page.md", "---\ntitle: not an agent\n---\n");
    write(d, "docs/agent.md", GOOD.replace("good", "loose"));
    write(
        d,
        ".claude/skills/s/SKILL.md",
        "---\nname: s\ndescription: a skill\nallowed-tools: Read\n---\n",
    );
    write(
        d,
        ".claude/commands/c.md",
        "---\nname: c\ndescription: a command\n---\n",
    );
    write(d, "plug/.claude-plugin/plugin.json", "{\"name\": \"plug\"}");
    write(d, "plug/agents/README.md", "# About these agents\n");
    // A skill's own prompt files: Claude Code never loads them as agents.
    write(d, "plug/skills/s/agents/grader.md", "# Grader\n");
    // Under `.claude/agents/` every `.md` counts, at any depth, skill folders included
    // (measured with 2.1.328 and 2.1.332: both load it).
    write(
        d,
        ".claude/agents/x/skills/y/agents/z.md",
        GOOD.replace("good", "z-nested"),
    );
    // A settings file is checked too.
    write(d, ".claude/settings.json", "{\"hooks\": {\"Stop\": []}}\n");
    let (report, _) = run_json(&["check"], d);
    let files: Vec<(String, Value, Value)> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_owned(),
                f["agent"].clone(),
                f["loads"].clone(),
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            (".claude/agents/b.md".into(), "b".into(), true.into()),
            (".claude/agents/nested/a.md".into(), "a".into(), true.into()),
            (
                ".claude/agents/x/skills/y/agents/z.md".into(),
                "z-nested".into(),
                true.into()
            ),
            // Slash commands and skills are checked as what they are.
            (".claude/commands/c.md".into(), Value::Null, true.into()),
            (".claude/settings.json".into(), Value::Null, true.into()),
            (".claude/skills/s/SKILL.md".into(), Value::Null, true.into()),
            ("docs/agent.md".into(), "loose".into(), true.into()),
            ("plug/agents/README.md".into(), "README".into(), true.into()),
        ]
    );
    // A plugin agent without frontmatter loads under its file name, and is still reported.
    let readme = &report["files"][7]["diagnostics"][0];
    let kinds: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "claude-agent",
            "claude-agent",
            "claude-agent",
            "claude-command",
            "claude-settings",
            "claude-skill",
            "claude-agent",
            "claude-agent"
        ]
    );
    assert_eq!(readme["code"], "AS001");
    assert!(
        readme["help"]
            .as_str()
            .is_some_and(|h| h.contains("loads, under its file name and with every tool"))
    );
}

#[test]
fn bad_input_gets_clear_diagnostics_and_the_other_files_are_checked() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let agents = ".claude/agents";
    write(
        d,
        &format!("{agents}/binary.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    );
    write(
        d,
        &format!("{agents}/latin1.md"),
        b"---\nname: latin1\ndescription: caf\xe9\n---\n",
    );
    let mut big = String::from("---\nname: big\ndescription: big\n---\n");
    let line = "x".repeat(99) + "\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&line);
    }
    write(d, &format!("{agents}/big.md"), &big);
    let mut bomb =
        String::from("---\nname: bomb\ndescription: ok\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    bomb.push_str("---\n");
    write(d, &format!("{agents}/bomb.md"), &bomb);
    write(d, &format!("{agents}/good.md"), GOOD);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b.md", d.join(agents).join("loop-a.md")).expect("symlink");
        std::os::unix::fs::symlink("loop-a.md", d.join(agents).join("loop-b.md")).expect("symlink");
        std::os::unix::fs::symlink(".", d.join(agents).join("self")).expect("symlink");
    }
    let (report, code) = run_json(&["check"], d);
    assert_eq!(code, 1);
    let by_path = |p: &str| {
        report["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["path"] == format!("{agents}/{p}"))
            .cloned()
            .unwrap_or_else(|| panic!("{p} missing from {report}"))
    };
    let first_code = |p: &str| {
        by_path(p)["diagnostics"][0]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(first_code("binary.md"), "AS000");
    assert_eq!(first_code("big.md"), "AS000");
    assert!(
        by_path("big.md")["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("larger than 16 MiB"))
    );
    let latin1 = by_path("latin1.md");
    assert_eq!(latin1["loads"], true);
    assert_eq!(latin1["diagnostics"][0]["code"], "AS303");
    assert_eq!(
        latin1["diagnostics"][0]["message"],
        "the file is not valid UTF-8: invalid byte at offset 33"
    );
    let bomb = by_path("bomb.md");
    assert_eq!(bomb["loads"], false);
    assert_eq!(bomb["diagnostics"][0]["code"], "AS004");
    #[cfg(unix)]
    {
        assert_eq!(first_code("loop-a.md"), "AS000");
        assert_eq!(first_code("loop-b.md"), "AS000");
    }
    assert_eq!(by_path("good.md")["diagnostics"], serde_json::json!([]));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().expect("tmp");
    for i in 0..400 {
        write(
            dir.path(),
            &format!(".claude/agents/a{i}.md"),
            WARN.replace("warn", &format!("w{i}")),
        );
    }
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("agentspec"))
        .arg("check")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("read");
    // Dropping the reader closes the pipe while agentspec is still writing.
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{:?}", out.status);
}

#[test]
fn rules_and_explain() {
    let out = agentspec()
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    let rules = json_of(&out);
    let list = rules.as_array().expect("list");
    assert_eq!(list.len(), agentspec::rules::RULES.len());
    assert_eq!(list[0]["code"], "AS000");
    assert!(
        list.iter()
            .all(|r| !r["summary"].as_str().unwrap_or("").is_empty())
    );
    let out = agentspec()
        .args(["explain", "AS101"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# unknown-key (AS101)\n"), "{text}");
    assert!(text.contains("## Why is this bad?"));
    agentspec()
        .args(["explain", "unknown-key"])
        .assert()
        .code(0);
    let out = agentspec()
        .args(["explain", "unknown-kye"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `unknown-key`?"));
}

const LENIENT: &str = "---\nname: lenient\ndescription: Use when: asked\ntools: Read\n---\nBody.\n";

#[test]
fn fix_writes_safe_fixes_and_exits_by_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".claude/agents/lenient.md", LENIENT);
    write(dir.path(), ".claude/agents/broken.md", BROKEN);
    let out = agentspec()
        .args(["check", "--fix", "--format", "concise"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let fixed = fs::read_to_string(dir.path().join(".claude/agents/lenient.md")).unwrap();
    assert_eq!(
        fixed,
        "---\nname: lenient\ndescription: \"Use when: asked\"\ntools: Read\n---\nBody.\n"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains("AS106"),
        "the fixed problem is not reported: {stdout}"
    );
    assert!(stdout.contains("broken.md"), "{stdout}");
    assert!(
        stderr.contains("fixed .claude/agents/lenient.md: AS106 x1"),
        "{stderr}"
    );
    assert!(stderr.contains("Fixed 1 problem in 1 file."), "{stderr}");
    // The broken file has no fix and still fails the run.
    assert_eq!(out.status.code(), Some(1));
    fs::remove_file(dir.path().join(".claude/agents/broken.md")).unwrap();
    agentspec()
        .args(["check", "--fix"])
        .current_dir(dir.path())
        .assert()
        .code(0);
}

#[test]
fn diff_shows_the_fixes_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".claude/agents/lenient.md", LENIENT);
    let out = agentspec()
        .args(["check", "--diff"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("--- a/.claude/agents/lenient.md"),
        "{stdout}"
    );
    assert!(stdout.contains("-description: Use when: asked\n+description: \"Use when: asked\""));
    assert_eq!(
        fs::read_to_string(dir.path().join(".claude/agents/lenient.md")).unwrap(),
        LENIENT
    );
    // Nothing to fix: no diff, exit 0.
    write(dir.path(), ".claude/agents/lenient.md", GOOD);
    agentspec()
        .args(["check", "--diff"])
        .current_dir(dir.path())
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fix_keeps_line_endings_bom_and_leaves_unreadable_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = "\u{FEFF}---\r\nname: c\r\ndescription: d\r\ntools: Read, Bash(git commit:*)\r\n---\r\nBody.\r\n";
    write(dir.path(), ".claude/agents/crlf.md", crlf);
    let mut latin1 = LENIENT.as_bytes().to_vec();
    latin1.extend_from_slice(b"caf\xe9\n");
    write(dir.path(), ".claude/agents/latin1.md", &latin1);
    agentspec()
        .args(["check", "--fix", "--unsafe-fixes"])
        .current_dir(dir.path())
        .assert()
        .code(1);
    let fixed = fs::read(dir.path().join(".claude/agents/crlf.md")).unwrap();
    let fixed = String::from_utf8(fixed).unwrap();
    assert!(fixed.starts_with('\u{FEFF}'));
    assert!(
        fixed.contains("tools: Read, Bash(git commit *)\r\n"),
        "{fixed:?}"
    );
    assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count());
    assert_eq!(
        fs::read(dir.path().join(".claude/agents/latin1.md")).unwrap(),
        latin1,
        "a file that is not UTF-8 is never rewritten"
    );
}

#[test]
fn fix_leaves_read_only_files_alone_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".claude/agents/lenient.md", LENIENT);
    let path = dir.path().join(".claude/agents/lenient.md");
    let mut perms = fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&path, perms).unwrap();
    let out = agentspec()
        .args(["check", "--fix"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    assert_eq!(fs::read_to_string(&path).unwrap(), LENIENT);
}

#[test]
fn fix_from_stdin_prints_the_fixed_document() {
    agentspec()
        .args(["check", "--fix", "--stdin-filename", ".claude/agents/x.md"])
        .write_stdin(LENIENT)
        .assert()
        .stdout("---\nname: lenient\ndescription: \"Use when: asked\"\ntools: Read\n---\nBody.\n");
}

#[test]
fn output_file_quiet_silent_and_statistics() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".claude/agents/warn.md", WARN);
    write(dir.path(), ".claude/agents/lenient.md", LENIENT);
    let out = agentspec()
        .args([
            "check",
            "--format",
            "sarif",
            "--output-file",
            "reports/agentspec.sarif",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    let sarif: Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("reports/agentspec.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);

    let human = agentspec()
        .args(["check"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let quiet = agentspec()
        .args(["check", "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    let quiet = String::from_utf8_lossy(&quiet.stdout);
    assert!(
        human.contains("Found 1 warning and 1 info in 2 files, for Claude Code 2.1.332 (the newest measured).\n1 fixable with `--fix`.\n"),
        "{human}"
    );
    assert!(!quiet.contains("Found"));
    assert!(
        quiet.contains("AS202") || quiet.contains("AS201"),
        "{quiet}"
    );
    agentspec()
        .args(["check", "--silent", "--strict"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stdout("")
        .stderr("");
    let stats = agentspec()
        .args(["check", "--statistics"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stats = String::from_utf8_lossy(&stats.stdout);
    assert!(stats.contains("1\tAS106\t[*] lenient-yaml"), "{stats}");
    let (json, _) = run_json(&["check", "--statistics"], dir.path());
    assert_eq!(json.as_array().unwrap().len(), 2);
}

#[test]
fn only_agent_files_skips_markdown_that_is_not_an_agent() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# Project\n");
    write(dir.path(), "docs/agent.md", GOOD);
    write(dir.path(), ".claude/agents/broken.md", BROKEN);
    write(
        dir.path(),
        ".claude/skills/s/SKILL.md",
        "---\nname: s\n---\n",
    );
    let files = [
        "README.md",
        "docs/agent.md",
        ".claude/agents/broken.md",
        ".claude/skills/s/SKILL.md",
    ];
    let (json, code) = run_json(
        &[&["check", "--only-agent-files"][..], &files[..]].concat(),
        dir.path(),
    );
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // A skill named on the command line is checked as a skill; a README is not a file to check.
    assert_eq!(
        paths,
        [
            ".claude/agents/broken.md",
            ".claude/skills/s/SKILL.md",
            "docs/agent.md"
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn output_does_not_depend_on_the_order_of_the_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".claude/agents/a.md", GOOD);
    write(dir.path(), ".claude/agents/b.md", GOOD);
    write(dir.path(), ".claude/agents/c.md", WARN);
    let run = |files: &[&str]| {
        agentspec()
            .args(["check", "--format", "concise"])
            .args(files)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let forward = run(&[
        ".claude/agents/a.md",
        ".claude/agents/b.md",
        ".claude/agents/c.md",
    ]);
    let backward = run(&[
        ".claude/agents/c.md",
        ".claude/agents/b.md",
        ".claude/agents/a.md",
    ]);
    assert_eq!(forward.stdout, backward.stdout);
    assert!(String::from_utf8_lossy(&forward.stdout).contains("AS009"));
}

/// A `claude` on `PATH` that answers `--version` with `version` (a stand-in for the real one,
/// whose version agentspec would read from its npm package).
fn fake_claude(dir: &Path, version: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("mkdir");
    let claude = bin.join("claude");
    fs::write(
        &claude,
        format!("#!/bin/sh\necho '{version} (Claude Code)'\n"),
    )
    .expect("write");
    fs::set_permissions(&claude, fs::Permissions::from_mode(0o755)).expect("chmod");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// `doctor` reports the installed `claude --version`: measured and the target, or a warning
/// that says what the verdicts assume (newer than any measured release; another release than
/// `agentspec.toml` sets).
#[test]
fn doctor_reports_the_installed_claude_code_and_warns_when_verdicts_are_for_another() {
    for (version, config, expect) in [
        (
            "2.1.400",
            None,
            "WARN the installed Claude Code is 2.1.400, newer than every release agentspec measured (2.1.328 to 2.1.332): agentspec has not measured 2.1.400; verdicts assume 2.1.332",
        ),
        (
            "2.1.330",
            None,
            "is 2.1.330, a release agentspec measured (agentspec checks for Claude Code 2.1.330)",
        ),
        (
            "2.1.330",
            Some("2.1.332"),
            "WARN the installed Claude Code is 2.1.330, but agentspec.toml sets `claude-code = \"2.1.332\"`",
        ),
        (
            "2.1.330",
            Some(">=2.1.328"),
            "is 2.1.330, a release agentspec measured (agentspec checks for Claude Code >=2.1.328 (2.1.328 to 2.1.332))",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), ".claude/settings.json", "{}\n");
        if let Some(target) = config {
            write(
                tmp.path(),
                "agentspec.toml",
                format!("claude-code = \"{target}\"\n"),
            );
        }
        let path = fake_claude(tmp.path(), version);
        let out = agentspec()
            .args(["doctor"])
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env_remove("AGENTSPEC_CLAUDE")
            .env("HOME", tmp.path())
            .env("XDG_STATE_HOME", tmp.path().join("state"))
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(expect), "{version} {config:?}: {text}");
    }
}

/// With no `--claude-code` and no `claude-code` in `agentspec.toml`, the target is the release
/// of the `claude` on `PATH`, and every output names it; the flag and the file still win.
#[test]
fn the_default_target_is_the_installed_release_and_the_reports_name_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Two agents of one name: which loads differs between 2.1.329 and 2.1.330.
    write(
        tmp.path(),
        ".claude/agents/x.md",
        "---\nname: twin\ndescription: d\n---\nBody.\n",
    );
    write(
        tmp.path(),
        ".claude/agents/x-v2.md",
        "---\nname: twin\ndescription: d\n---\nBody.\n",
    );
    let run = |version: &str, args: &[&str]| {
        let path = fake_claude(tmp.path(), version);
        let out = agentspec()
            .arg("check")
            .args(args)
            .arg(".claude/agents")
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env_remove("AGENTSPEC_CLAUDE")
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let human = run("2.1.330", &["--no-cache"]);
    assert!(
        human.contains(", for Claude Code 2.1.330 (installed)."),
        "{human}"
    );
    assert!(
        human.contains("`x.md` loads (its path sorts last)"),
        "{human}"
    );
    let older = run("2.1.329", &["--no-cache"]);
    assert!(older.contains("file system lists last"), "{older}");
    let newer = run("2.1.400", &["--no-cache"]);
    assert!(
        newer.contains(
            "Note: agentspec has not measured Claude Code 2.1.400; verdicts assume 2.1.332.\nFound"
        ),
        "{newer}"
    );
    let json: Value = serde_json::from_str(&run("2.1.400", &["--format", "json"])).expect("json");
    assert_eq!(
        json["claude_code"],
        serde_json::json!({
            "target": "2.1.400",
            "releases": ["2.1.332"],
            "measured": false,
            "assumption": "agentspec has not measured Claude Code 2.1.400; verdicts assume 2.1.332",
            "source": "installed"
        })
    );
    let sarif: Value = serde_json::from_str(&run(
        "2.1.330",
        &["--format", "sarif", "--claude-code", ">=2.1.331"],
    ))
    .expect("sarif");
    assert_eq!(
        sarif["runs"][0]["properties"]["claudeCode"],
        serde_json::json!({
            "target": ">=2.1.331",
            "releases": ["2.1.331", "2.1.332"],
            "measured": false,
            "assumption": "releases after 2.1.332 are not measured and are assumed to behave as 2.1.332",
            "source": "flag"
        })
    );
    write(tmp.path(), "agentspec.toml", "claude-code = \"2.1.328\"\n");
    let configured = run("2.1.330", &["--no-cache"]);
    assert!(
        configured.contains(", for Claude Code 2.1.328."),
        "{configured}"
    );
    // No `claude` to ask: the newest measured release, said so.
    let out = agentspec()
        .args(["check", "--no-cache", "--isolated", ".claude/agents"])
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(", for Claude Code 2.1.332 (the newest measured).")
    );
}

/// How the installed release is found: from the npm package's `package.json` and from the
/// native installer's versioned file name without running the program; a program that does not
/// answer as Claude Code is not taken for it; with `--claude-code`, nothing is looked up.
#[test]
fn the_installed_release_is_read_without_running_claude_where_it_can_be() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "p/.claude/agents/a.md",
        "---\nname: a\ndescription: d\n---\nBody.\n",
    );
    let marker = root.join("ran");
    // A program that says it ran and answers with a version the package does not have.
    let script = format!(
        "#!/bin/sh\ntouch '{}'\necho '9.9.9 (Claude Code)'\n",
        marker.display()
    );
    let program = |rel: &str| {
        write(root, rel, &script);
        fs::set_permissions(root.join(rel), fs::Permissions::from_mode(0o755)).expect("chmod");
        root.join(rel)
    };
    let npm = program("npm/node_modules/@anthropic-ai/claude-code/bin/claude.exe");
    write(
        root,
        "npm/node_modules/@anthropic-ai/claude-code/package.json",
        r#"{"name": "@anthropic-ai/claude-code", "version": "2.1.329"}"#,
    );
    let native = program("home/.local/share/claude/versions/2.1.331");
    let other = root.join("other/claude");
    write(root, "other/claude", "#!/bin/sh\necho 0.3.1\n");
    fs::set_permissions(&other, fs::Permissions::from_mode(0o755)).expect("chmod");
    let check = |target: &Path, args: &[&str]| {
        let bin = root.join(format!("bin-{}", rand_suffix(target)));
        fs::create_dir_all(&bin).expect("mkdir");
        let _ = fs::remove_file(bin.join("claude"));
        symlink(target, bin.join("claude")).expect("symlink");
        let _ = fs::remove_file(&marker);
        let out = agentspec()
            .args(["check", "--no-cache"])
            .args(args)
            .arg(".claude/agents")
            .current_dir(root.join("p"))
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env_remove("AGENTSPEC_CLAUDE")
            .output()
            .expect("runs");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            marker.exists(),
        )
    };
    let (text, ran) = check(&npm, &[]);
    assert!(
        text.contains("for Claude Code 2.1.329 (installed)."),
        "{text}"
    );
    assert!(!ran, "the npm install's program was run");
    let (text, ran) = check(&native, &[]);
    assert!(
        text.contains("for Claude Code 2.1.331 (installed)."),
        "{text}"
    );
    assert!(!ran, "the native install's program was run");
    let (text, _) = check(&other, &[]);
    assert!(
        text.contains("for Claude Code 2.1.332 (the newest measured)."),
        "{text}"
    );
    let plain = program("plain/claude");
    let (text, ran) = check(&plain, &[]);
    assert!(
        text.contains("for Claude Code 9.9.9 (installed; read as 2.1.332)."),
        "{text}"
    );
    assert!(ran, "`claude --version` was not asked");
    let (text, ran) = check(&plain, &["--claude-code", "2.1.330"]);
    assert!(text.contains("for Claude Code 2.1.330."), "{text}");
    assert!(
        !ran,
        "claude was looked up although --claude-code names the release"
    );
}

/// A folder name for `path`, distinct per program.
fn rand_suffix(path: &Path) -> String {
    path.to_string_lossy()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The skills, commands and agents of `fixtures/loader-skills/project`, as the real Claude Code
/// 2.1.328 to 2.1.332 loaded them (`tests/differential/skills_diff.py --write-verdicts`):
/// agentspec's `loads` agrees with every recorded verdict; a file agentspec does not report is
/// one it predicts does not load, and a command a skill shadows (AS755) does not load.
#[test]
fn skills_and_commands_load_as_claude_code_loads_them() {
    for version in recorded_versions("fixtures/loader-skills") {
        let verdicts: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("fixtures/loader-skills/verdicts-{version}.json"))
                .expect("verdicts"),
        )
        .expect("json");
        let verdicts = verdicts["files"].as_object().expect("files");
        let out = agentspec()
            .args([
                "check",
                "--isolated",
                "--no-cache",
                "--format",
                "json",
                "--claude-code",
                &version,
                ".",
            ])
            .current_dir("fixtures/loader-skills/project")
            .output()
            .expect("run");
        let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
        let mut predicted = std::collections::BTreeMap::new();
        for f in report["files"].as_array().expect("files") {
            let shadowed = f["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "AS755"));
            let loads = f["loads"] == true && !shadowed;
            predicted.insert(f["path"].as_str().expect("path").to_owned(), loads);
        }
        let mut wrong = Vec::new();
        for (rel, truth) in verdicts {
            let says = predicted.get(rel).copied().unwrap_or(false);
            if Value::Bool(says) != truth["loads"] {
                wrong.push(format!(
                    "{rel}: agentspec says loads={says}, Claude Code {version} {}",
                    truth["loads"]
                ));
            }
        }
        assert!(verdicts.len() >= 70, "{} verdicts", verdicts.len());
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
