//! agentspec's verdicts on Codex custom agent files against what the real Codex 0.169.0 did
//! with each (`fixtures/codex-agents/verdicts-0.169.0.json`, recorded offline with the oracle;
//! how is in that folder's README): which files load, under which name, and that every file
//! Codex drops is reported (`codex-agent-rejected`, or `duplicate-name` for the file a
//! duplicate loses to).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

#[test]
fn codex_agent_files_load_as_codex_loads_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/codex-agents");
    let verdicts: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("verdicts-0.169.0.json")).unwrap())
            .unwrap();
    let mut by_case: BTreeMap<String, Vec<(String, &Value)>> = BTreeMap::new();
    for (key, verdict) in verdicts["files"].as_object().unwrap() {
        if verdict["loads"].is_null() {
            continue;
        }
        let (case, file) = key.split_once('/').unwrap();
        by_case
            .entry(case.to_owned())
            .or_default()
            .push((file.to_owned(), verdict));
    }
    assert!(by_case.len() >= 30, "the recorded cases are there");
    let mut failures = Vec::new();
    for (case, files) in &by_case {
        let out = support::agentspec()
            .current_dir(root.join(case))
            .args(["check", "--no-cache", "--isolated", "--format", "json", "."])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let reports: Vec<&Value> = report["files"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for (file, verdict) in files {
            let path = format!(".codex/agents/{file}");
            let found = reports.iter().find(|r| {
                r["path"]
                    .as_str()
                    .is_some_and(|p| p.trim_start_matches("./") == path)
            });
            let expected = verdict["loads"].as_bool().unwrap();
            let Some(found) = found else {
                // Not checked at all: right only for a file Codex never reads.
                if expected {
                    failures.push(format!(
                        "{case}/{file}: Codex loads it, agentspec does not check it"
                    ));
                }
                continue;
            };
            let codes: Vec<&str> = found["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|d| d["code"].as_str())
                .collect();
            let skipped_as_duplicate = found["diagnostics"].as_array().unwrap().iter().any(|d| {
                d["code"] == "AS009"
                    && d["help"]
                        .as_str()
                        .is_some_and(|h| h.contains("this file is skipped"))
            });
            let loads = found["loads"].as_bool().unwrap_or(false) && !skipped_as_duplicate;
            if loads != expected {
                failures.push(format!(
                    "{case}/{file}: Codex {} it, agentspec says it {} ({codes:?})",
                    if expected { "loads" } else { "drops" },
                    if loads { "loads" } else { "does not" }
                ));
            }
            if !expected && !skipped_as_duplicate && !codes.contains(&"AS851") {
                failures.push(format!(
                    "{case}/{file}: dropped by Codex, not reported ({codes:?})"
                ));
            }
            if expected && found["agent"] != verdict["name"] {
                failures.push(format!(
                    "{case}/{file}: Codex names it {}, agentspec {}",
                    verdict["name"], found["agent"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
