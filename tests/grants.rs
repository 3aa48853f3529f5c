//! The tools Claude Code grants, as recorded from the real CLIs (`fixtures/tool-grants/`,
//! `tests/differential/grants_diff.py`), against what `agentspec inspect` says, release by
//! release and seat by seat; and the compiled allowlist keeping only granted tools.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::path::Path;

use serde_json::Value;
use support::agentspec;

const SEATS: [&str; 4] = [
    "subagent",
    "main",
    "interactive_subagent",
    "interactive_main",
];

fn recorded() -> Vec<(String, Value)> {
    let dir = Path::new("fixtures/tool-grants");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(dir)
        .expect("fixtures/tool-grants")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            let version = name
                .strip_prefix("grants-")?
                .strip_suffix(".json")?
                .to_owned();
            let text = std::fs::read_to_string(&p).ok()?;
            Some((version, serde_json::from_str(&text).expect("grants JSON")))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_measured_release_has_recorded_grants_in_every_seat() {
    let recorded = recorded();
    let versions: Vec<String> = agentspec::release::RELEASES
        .iter()
        .map(|r| r.version.to_string())
        .collect();
    let have: Vec<&String> = recorded.iter().map(|(v, _)| v).collect();
    assert_eq!(have, versions.iter().collect::<Vec<_>>());
    let probes = std::fs::read_dir("fixtures/tool-grants/agents")
        .unwrap()
        .count();
    for (version, grants) in &recorded {
        for seat in SEATS {
            let seat_grants = grants[seat].as_object().unwrap();
            assert_eq!(seat_grants.len(), probes, "{version} {seat}");
        }
    }
}

#[test]
fn inspect_says_what_the_real_cli_granted() {
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for (version, grants) in recorded() {
        for entry in std::fs::read_dir("fixtures/tool-grants/agents").unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let out = agentspec()
                .args(["inspect", "--format", "json", "--claude-code", &version])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let said: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(said["granted"]["release"], Value::String(version.clone()));
            for seat in SEATS {
                let got = &grants[seat][&stem];
                let predicted = &said["granted"][seat];
                compared += 1;
                // A probe the CLI would not start agrees with a predicted refusal, whatever
                // the wording.
                let both_refused =
                    got.get("not_started").is_some() && predicted.get("not_started").is_some();
                if got != predicted && !both_refused {
                    disagreements.push(format!(
                        "{version} {stem} {seat}: Claude Code granted {got}, agentspec says {predicted}"
                    ));
                }
            }
        }
    }
    assert!(compared >= 5 * 4 * 27, "compared only {compared}");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The allowlist a bundle built from `tools` (with `config` as `agentspec.toml`) holds.
fn allowlist(tools: &str, config: Option<&str>) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path();
    support::write(
        project,
        ".claude/agents/searcher.md",
        format!("---\nname: searcher\ndescription: Searches\ntools: {tools}\n---\nSearch.\n"),
    );
    let mut build = agentspec();
    build.current_dir(project);
    build.args(["build", "--claude-code", "2.1.332", "-o", "bundle"]);
    match config {
        Some(text) => {
            support::write(project, "agentspec.toml", text);
        }
        None => {
            build.arg("--isolated");
        }
    }
    build.arg(".claude/agents").assert().success();
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("bundle/agents/searcher.json")).unwrap(),
    )
    .unwrap();
    policy["tools"]["allow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["specifier"].as_str() {
            Some(s) => format!("{}({s})", r["tool"].as_str().unwrap()),
            None => r["tool"].as_str().unwrap().to_owned(),
        })
        .collect()
}

#[test]
fn the_allowlist_leaves_out_only_tools_no_seat_is_offered() {
    // `TodoWrite` is offered in no seat of any release: left out. The rest stays, though some
    // seats do not get it: `Grep` and `Glob` next to `Bash` (granted on other platforms),
    // `AskUserQuestion` (the interactive session's agent), `ToolSearch` (loads MCP tools),
    // `PowerShell` (Windows), MCP tools (their server).
    assert_eq!(
        allowlist(
            "Read, Bash(git *), Grep, Glob, TodoWrite, AskUserQuestion, ToolSearch, PowerShell, mcp__github__get_issue",
            None
        ),
        [
            "Read",
            "Bash(git *)",
            "Grep",
            "Glob",
            "AskUserQuestion",
            "ToolSearch",
            "PowerShell",
            "mcp__github__get_issue"
        ]
    );
    // A tool the configuration declares is the project's own: kept.
    assert_eq!(
        allowlist(
            "Read, TodoWrite",
            Some("[known]\ntools = [\"TodoWrite\"]\n")
        ),
        ["Read", "TodoWrite"]
    );
}
