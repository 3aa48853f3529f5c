//! `docs/rules/` is generated from the rules' own documentation; this test fails when it is
//! stale. Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::fmt::Write;
use std::path::Path;

use agentspec::rules::RULES;

fn expected() -> Vec<(String, String)> {
    let mut index = String::from(
        "# Rules\n\nGenerated from the rules' documentation (`agentspec explain CODE` prints the same).\n\n| code | name | category | default | fix | what it does |\n|---|---|---|---|---|---|\n",
    );
    let mut pages = Vec::new();
    for r in RULES {
        let m = r.meta;
        let file = format!("{}-{}.md", m.code, m.name);
        let fix = match m.fix {
            agentspec::rules::FixAvailability::None => "",
            agentspec::rules::FixAvailability::Sometimes => "sometimes",
            agentspec::rules::FixAvailability::Always => "yes",
        };
        let _ = writeln!(
            index,
            "| [{}]({file}) | `{}` | {} | {} | {fix} | {} |",
            m.code,
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            m.summary().replace('|', "\\|")
        );
        pages.push((file, m.explain()));
    }
    pages.push(("README.md".to_owned(), index));
    pages
}

#[test]
fn rule_docs_are_up_to_date() {
    let dir = Path::new("docs/rules");
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    let pages = expected();
    for (file, content) in &pages {
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(dir).expect("mkdir");
            std::fs::write(&path, content).expect("write");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(file.clone());
        }
    }
    let names: Vec<&str> = pages.iter().map(|(f, _)| f.as_str()).collect();
    for entry in std::fs::read_dir(dir).expect("docs/rules") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !names.contains(&name.as_str()) {
            if update {
                std::fs::remove_file(dir.join(&name)).expect("remove");
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}; run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

/// The `agentspec` commands of the README's "Use in CI" snippets, run by the real binary in a
/// repository holding the examples and one broken agent; each report they write must be what
/// its CI reads.
/// The README's lines that install shell completions work on a fresh `HOME`, where none of
/// the folders exist yet.
#[test]
fn the_completion_lines_work_on_a_fresh_home() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.contains("agentspec completions ") && l.contains(" > "))
        .map(|l| l.split("   #").next().unwrap_or(l).trim())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let home = tempfile::tempdir().expect("tempdir");
    let bin = assert_cmd::cargo::cargo_bin("agentspec");
    let path = format!(
        "{}:{}",
        bin.parent().expect("folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in lines {
        let out = std::process::Command::new("sh")
            .args(["-c", line])
            .env("HOME", home.path())
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        assert!(
            out.status.success(),
            "`{line}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let target = line.rsplit("> ").next().expect("a target");
        let written = home.path().join(target.trim().trim_start_matches("~/"));
        let script = std::fs::read_to_string(&written).expect("the script was written");
        assert!(script.contains("agentspec"), "{}", written.display());
    }
}

#[test]
fn use_in_ci_snippets_run() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let section = readme
        .split("\n## Use in CI")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Use in CI section");
    let commands: Vec<String> = section
        .lines()
        .filter_map(|l| {
            let l = l
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ");
            l.starts_with("agentspec check")
                .then(|| l.trim_end_matches(" || true").to_owned())
        })
        .collect();
    assert!(commands.len() >= 4, "{commands:?}");

    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect("mkdir");
    let agents = root.join(".claude/agents");
    std::fs::create_dir_all(&agents).expect("mkdir");
    for entry in std::fs::read_dir("examples/.claude/agents").expect("examples") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, agents.join(path.file_name().expect("name"))).expect("copy");
    }
    std::fs::write(
        agents.join("broken.md"),
        "---\nname: broken\ntools: Read, Bash(git commit:*)\n---\nBody.\n",
    )
    .expect("write");

    let json = assert_cmd::Command::cargo_bin("agentspec")
        .expect("binary")
        .args(["check", "--format", "json"])
        .current_dir(root)
        .output()
        .expect("runs");
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let total = ["errors", "warnings", "infos"]
        .iter()
        .map(|k| summary["summary"][k].as_u64().expect("count"))
        .sum::<u64>();
    assert!(total > 2);

    let mut outputs = Vec::new();
    for command in &commands {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let out = assert_cmd::Command::cargo_bin("agentspec")
            .expect("binary")
            .args(&args)
            .current_dir(root)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "`{command}`: the broken agent fails it"
        );
        if let Some(i) = args.iter().position(|a| *a == "--output-file") {
            outputs.push(root.join(args[i + 1]));
        } else {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
            assert!(
                stdout.contains("::error file=.claude/agents/broken.md,"),
                "{stdout}"
            );
        }
    }
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).expect("schema");
    let sarif_validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for path in outputs {
        let text = std::fs::read_to_string(&path).expect("the report was written");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".sarif") {
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert!(sarif_validator.is_valid(&value));
            assert!(
                !value["runs"][0]["results"]
                    .as_array()
                    .expect("results")
                    .is_empty()
            );
        } else if name.ends_with(".xml") {
            let doc = roxmltree::Document::parse(&text).expect("XML");
            let failures = doc.root_element().attribute("failures").expect("failures");
            assert_eq!(failures, total.to_string());
        } else {
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(value.as_array().expect("issues").len() as u64, total);
        }
    }

    // Every YAML snippet of the section is well-formed YAML.
    let mut yaml_blocks = 0;
    for block in section.split("```yaml\n").skip(1) {
        let yaml = block.split("```").next().expect("closed block");
        assert!(
            agentspec::parse::yaml::is_strict_yaml(yaml),
            "not valid YAML:\n{yaml}"
        );
        yaml_blocks += 1;
    }
    assert_eq!(yaml_blocks, 3, "GitHub Actions, GitLab CI and pre-commit");

    // The pre-commit snippet names the hooks the repository defines.
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").expect("hooks file");
    for id in ["agentspec-check", "agentspec-fix"] {
        assert!(section.contains(&format!("- id: {id}")));
        assert!(hooks.contains(&format!("- id: {id}\n")));
    }
}
