//! One fixture folder per rule: `fixtures/rules/<CODE>_<name>/` with `invalid*` files that must
//! trigger the rule (their rendering is snapshotted) and `valid*` files that must not.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use agentspec::config::Config;
use agentspec::diagnostics::Severity;
use agentspec::fix;
use agentspec::lint::{self, FileReport, Input};
use agentspec::render;
use agentspec::rules::{Check, RULES, RuleMeta};

fn fixture_dir(meta: &RuleMeta) -> PathBuf {
    Path::new("fixtures/rules").join(format!("{}_{}", meta.code, meta.name))
}

fn config_for(dir: &Path, code: &str) -> Config {
    let toml = dir.join("agentspec.toml");
    let mut config = if toml.is_file() {
        Config::load(&toml).expect("fixture config loads")
    } else {
        Config::default()
    };
    config.cli_select = Some(vec![code.to_owned()]);
    config
}

/// The fixture files of a rule folder whose names start with `prefix`, each with the tree it
/// belongs to; a folder stands for the files discovery finds in it (a settings file in
/// `invalid-x/.claude/settings.json`, skills and commands in `invalid-x/.claude/skills/...`).
fn files(dir: &Path, prefix: &str) -> Vec<(PathBuf, Option<PathBuf>)> {
    let mut out: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture folder exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n != "agentspec.toml")
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            let (found, _) = agentspec::discover::discover(std::slice::from_ref(&p), false);
            let inputs = agentspec::discover::read_all(found);
            assert!(
                !inputs.is_empty(),
                "{}: discovery finds nothing",
                p.display()
            );
            out.extend(inputs.into_iter().map(|i| (i.path, i.tree)));
        } else {
            out.push((p, Some(dir.to_path_buf())));
        }
    }
    out
}

fn lint(dir: &Path, paths: &[(PathBuf, Option<PathBuf>)], code: &str) -> Vec<FileReport> {
    let inputs = paths
        .iter()
        .map(|(p, tree)| Input::read(p.clone(), false, tree.clone()))
        .collect();
    lint::check_inputs(inputs, &config_for(dir, code))
}

#[test]
fn every_rule_fires_on_invalid_and_not_on_valid() {
    let mut failures = Vec::new();
    for rule in RULES {
        let meta = rule.meta;
        let dir = fixture_dir(meta);
        let invalid = files(&dir, "invalid");
        let valid = files(&dir, "valid");
        assert!(!invalid.is_empty(), "{}: no invalid fixture", meta.code);
        assert!(!valid.is_empty(), "{}: no valid fixture", meta.code);
        let reports = lint(&dir, &invalid, meta.code);
        // Each invalid file, or each invalid folder (a project: the rule fires on one of its
        // files), must trigger the rule.
        let mut fired: std::collections::BTreeMap<PathBuf, bool> = Default::default();
        for report in &reports {
            let fixture = report
                .path
                .strip_prefix(&dir)
                .ok()
                .and_then(|p| p.components().next())
                .map_or_else(|| report.path.clone(), |c| dir.join(c));
            *fired.entry(fixture).or_default() |=
                report.diagnostics.iter().any(|d| d.code == meta.code);
        }
        for (fixture, fired) in fired {
            if !fired {
                failures.push(format!(
                    "{} does not fire on {}",
                    meta.code,
                    fixture.display()
                ));
            }
        }
        let rendering = format!(
            "{}\n{}",
            render::concise(&reports),
            render::human(&reports, render::Style::PLAIN)
        );
        insta::assert_snapshot!(format!("{}_{}", meta.code, meta.name), rendering);
        for report in lint(&dir, &valid, meta.code) {
            if !report.diagnostics.is_empty() {
                failures.push(format!(
                    "{} fires on {}: {:?}",
                    meta.code,
                    report.path.display(),
                    report.diagnostics
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_fixture_folder_and_every_folder_a_rule() {
    let expected: BTreeSet<String> = RULES
        .iter()
        .map(|r| format!("{}_{}", r.meta.code, r.meta.name))
        .collect();
    let found: BTreeSet<String> = std::fs::read_dir("fixtures/rules")
        .expect("fixtures/rules")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(expected, found);
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for r in RULES {
        assert!(codes.insert(r.meta.code), "duplicate code {}", r.meta.code);
        assert!(names.insert(r.meta.name), "duplicate name {}", r.meta.name);
        assert!(
            r.meta.code.len() == 5
                && r.meta.code.starts_with("AS")
                && r.meta.code[2..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            r.meta.code
        );
        assert!(
            r.meta
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "{}",
            r.meta.name
        );
    }
}

#[test]
fn every_rule_doc_has_its_headings() {
    for r in RULES {
        let doc = r.meta.doc_text();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
        ] {
            assert!(
                doc.contains(heading),
                "{}: missing `{heading}`",
                r.meta.code
            );
        }
        assert!(!r.meta.summary().is_empty(), "{}", r.meta.code);
    }
}

/// The Markdown blocks of a doc section: ```` ```markdown ```` fences.
fn markdown_blocks(section: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```markdown") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn doc_examples_trigger_the_rule_and_use_instead_does_not() {
    for r in RULES {
        if !matches!(r.check, Check::File(_)) {
            continue;
        }
        let doc = r.meta.doc_text();
        let example = doc
            .split("## Example")
            .nth(1)
            .and_then(|s| s.split("Use instead:").next())
            .unwrap_or("");
        let instead = doc
            .split("Use instead:")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or("");
        let (Some(bad), Some(good)) = (
            markdown_blocks(example).pop(),
            markdown_blocks(instead).pop(),
        ) else {
            continue;
        };
        let mut config = Config::parse(
            match r.meta.code {
                "AS401" => "[tools]\nallow = [\"Read\", \"Grep\"]\n",
                "AS402" => "[tools]\nrequire-explicit = true\n",
                "AS501" => "[protocol]\nrequired = [\"await-approval\"]\n",
                "AS601" => "[done]\nrequired = true\n",
                _ => "",
            },
            Path::new("agentspec.toml"),
            PathBuf::from("."),
        )
        .expect("config");
        config.cli_select = Some(vec![r.meta.code.to_owned()]);
        // Where the example file is: the example path of the rule's file kind, or one the
        // example needs (a skill's folder named as the skill, a flat skill file).
        let path = Path::new(match r.meta.code {
            "AS701" => ".claude/skills/pdf.md",
            "AS703" => ".claude/skills/pdf/SKILL.md",
            _ => r
                .meta
                .dialects
                .first()
                .and_then(|d| agentspec::dialect::by_id(d))
                .map_or(".claude/agents/example.md", |d| d.example_path),
        });
        let bad_report = lint::check_text(path, &bad, false, &config);
        assert!(
            bad_report.diagnostics.iter().any(|d| d.code == r.meta.code),
            "{}: the example does not trigger the rule",
            r.meta.code
        );
        let good_report = lint::check_text(path, &good, false, &config);
        assert!(
            good_report.diagnostics.is_empty(),
            "{}: `Use instead` triggers {:?}",
            r.meta.code,
            good_report.diagnostics
        );
    }
}

/// Every fixture, fixed with safe fixes and then with unsafe ones too, reaches a fixpoint (a
/// second pass changes nothing), parses no worse than before, and its fixed text is
/// snapshotted.
#[test]
fn fixes_reach_a_fixpoint_and_never_parse_worse() {
    for r in RULES {
        let dir = fixture_dir(r.meta);
        let mut paths = files(&dir, "invalid");
        paths.extend(files(&dir, "valid"));
        for (path, _) in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let config = config_for(&dir, r.meta.code);
            let before = lint::check_text(&path, &text, false, &config);
            // A skill's file is named by its folder too: every skill's file is `SKILL.md`.
            let name = match path.file_name().and_then(|n| n.to_str()) {
                Some("SKILL.md") => path
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|f| format!("{}_SKILL.md", f.to_string_lossy()))
                    .unwrap_or_default(),
                Some(n) => n.to_owned(),
                None => String::new(),
            };
            let mut safe_text = None;
            for unsafe_fixes in [false, true] {
                let fixed = fix::fix_text(&path, &text, false, &config, unsafe_fixes);
                let again = fix::fix_text(&path, &fixed.text, false, &config, unsafe_fixes);
                assert_eq!(again.text, fixed.text, "{}: not a fixpoint", path.display());
                assert_eq!(again.count(), 0);
                let after = lint::check_text(&path, &fixed.text, false, &config);
                assert!(
                    after.loads || !before.loads,
                    "{}: the fix made the file stop loading",
                    path.display()
                );
                assert!(
                    after.count(Severity::Error) <= before.count(Severity::Error),
                    "{}: the fix added errors",
                    path.display()
                );
                if !fixed.changed(&text) || safe_text.as_ref() == Some(&fixed.text) {
                    continue;
                }
                let kind = if unsafe_fixes {
                    "fixed_unsafe"
                } else {
                    "fixed"
                };
                insta::assert_snapshot!(
                    format!("{kind}_{}_{}_{name}", r.meta.code, r.meta.name),
                    fixed.text
                );
                safe_text = Some(fixed.text);
            }
        }
    }
}

/// A fix that would make the file worse is left out and reported; the others still apply.
#[test]
fn a_fix_that_breaks_the_file_is_refused() {
    use agentspec::diagnostics::{Edit, Fix};
    let text = "---\nname: a\ndescription: Use when: asked\n---\nBody.\n";
    let path = Path::new(".claude/agents/a.md");
    let config = Config::default();
    // The real check plus a rule whose fix deletes the opening `---` while it is there.
    let check = |t: &str| {
        let mut report = lint::check_text(path, t, false, &config);
        if t.starts_with("---") {
            let harmful = agentspec::rules::find("AS101")
                .unwrap()
                .meta
                .diag(agentspec::source::Span::new(0, 3), "harmful")
                .with_fix(Fix::safe(vec![Edit {
                    start: 0,
                    end: 4,
                    content: String::new(),
                }]));
            report.diagnostics.push(harmful);
        }
        report
    };
    let fixed = fix::fix_with(text, check, false);
    assert!(lint::check_text(path, &fixed.text, false, &config).loads);
    assert_eq!(fixed.refused, vec!["AS101"]);
    // The lenient-yaml fix still went in.
    assert!(
        fixed.text.contains("description: \"Use when: asked\""),
        "{}",
        fixed.text
    );
    assert_eq!(fixed.fixed.get("AS106"), Some(&1));
}

/// Fixes keep a CRLF file CRLF: no fix of any fixture, turned into CRLF, adds a bare `\n`.
#[test]
fn fixes_keep_crlf_line_endings() {
    let mut changed = 0;
    for r in RULES {
        let dir = fixture_dir(r.meta);
        for (path, _) in files(&dir, "invalid") {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if text.contains('\r') {
                continue;
            }
            let crlf = text.replace('\n', "\r\n");
            let config = config_for(&dir, r.meta.code);
            let fixed = fix::fix_text(&path, &crlf, false, &config, true);
            if fixed.changed(&crlf) {
                changed += 1;
            }
            let bare = fixed.text.replace("\r\n", "").contains('\n');
            assert!(
                !bare,
                "{}: a fix added a bare LF: {:?}",
                path.display(),
                fixed.text
            );
        }
    }
    assert!(changed >= 5, "only {changed} CRLF fixtures were fixed");
}

#[test]
fn every_rule_has_its_own_label() {
    for r in RULES {
        assert_ne!(
            r.meta.label(),
            r.meta.name.replace('-', " "),
            "{} has no label of its own",
            r.meta.code
        );
    }
}
