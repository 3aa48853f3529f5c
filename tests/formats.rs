//! The CI formats: SARIF against the OASIS schema, GitHub workflow-command escaping, JUnit read
//! back by an XML parser, GitLab Code Quality fields, and fingerprints that survive edits.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::path::{Path, PathBuf};

use agentspec::config::Config;
use agentspec::lint::{self, FileReport, Input};
use agentspec::render::{self, Root};
use agentspec::rules::RULES;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture file of every rule, checked with the fixture's own configuration ignored (the
/// defaults), as the paths a user would pass (relative to the repository).
fn fixture_reports() -> Vec<FileReport> {
    let mut inputs = Vec::new();
    for r in RULES {
        let dir = repo().join("fixtures/rules");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if !entry.file_name().to_string_lossy().starts_with(r.meta.code) {
                continue;
            }
            for file in std::fs::read_dir(entry.path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "md") {
                    inputs.push(Input::read(path, false, Some(entry.path())));
                }
            }
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    lint::check_inputs(inputs, &Config::default())
}

fn check(path: &str, text: &str) -> Vec<FileReport> {
    vec![lint::check_text(
        Path::new(path),
        text,
        false,
        &Config::default(),
    )]
}

#[test]
fn sarif_of_every_fixture_is_valid_sarif_2_1_0() {
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let reports = fixture_reports();
    assert!(reports.iter().map(|r| r.diagnostics.len()).sum::<usize>() > 50);
    let sarif: Value =
        serde_json::from_str(&render::sarif(&reports, &Root::for_dir(&repo()))).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject what SARIF forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for rule in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "helpUri",
        ] {
            assert!(!rule[key].is_null(), "rule without {key}: {rule}");
        }
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    let mut with_fix = 0;
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/rules/"), "{uri}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["endColumn"].as_u64().unwrap() >= 1);
        assert!(
            result["partialFingerprints"]["agentspec/v1"]
                .as_str()
                .is_some_and(|f| f.len() == 32)
        );
        if !result["fixes"].is_null() {
            with_fix += 1;
        }
    }
    assert!(with_fix > 0, "no result carries a fix");
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/'))
    );
}

#[test]
fn sarif_columns_are_utf16_code_units() {
    // `💻` is two UTF-16 code units: the rule after `Read, ` starts at column 14 and ends 6
    // code units later, although it is 5 characters long.
    let text = "---\nname: a\ndescription: d\ntools: Read, 💻Nope\n---\nBody.\n";
    let reports = check(".claude/agents/a.md", text);
    let sarif: Value =
        serde_json::from_str(&render::sarif(&reports, &Root::for_dir(&repo()))).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "AS204")
        .expect("the odd tool entry is reported")
        .clone();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    assert_eq!(region["startColumn"], 14);
    assert_eq!(region["endColumn"], 14 + 6);
}

#[test]
fn fingerprints_are_stable_across_runs_and_unrelated_edits_above() {
    let before = "---\nname: a\ndescription: d\ntools: Read, Nope\n---\nBody.\n";
    let after =
        "---\nname: a\ndescription: d\nmodel: sonnet\ncolor: blue\ntools: Read, Nope\n---\nBody.\n";
    let print = |text: &str| {
        let reports = check(".claude/agents/a.md", text);
        let r = &reports[0];
        let i = r
            .diagnostics
            .iter()
            .position(|d| d.code == "AS201")
            .unwrap();
        (
            render::fingerprints(".claude/agents/a.md", r)[i].clone(),
            r.line_col(r.diagnostics[i].span.start).line,
        )
    };
    let (first, line_before) = print(before);
    let (again, _) = print(before);
    let (moved, line_after) = print(after);
    assert_eq!(first, again, "not stable across runs");
    assert_ne!(
        line_before, line_after,
        "the edit above should move the line"
    );
    assert_eq!(first, moved, "an edit above changed the fingerprint");

    // A different file, or a different offending value, is a different finding.
    let reports = check(".claude/agents/b.md", before);
    let other_path = render::fingerprints(".claude/agents/b.md", &reports[0]);
    assert!(!other_path.contains(&first));
    let (changed, _) = print("---\nname: a\ndescription: d\ntools: Read, Nada\n---\nBody.\n");
    assert_ne!(first, changed);
}

#[test]
fn identical_findings_in_one_file_get_distinct_fingerprints() {
    let text = "---\nname: a\ndescription: d\ntools: Read, Nope, Nope\n---\nBody.\n";
    let reports = check(".claude/agents/a.md", text);
    let prints = render::fingerprints(".claude/agents/a.md", &reports[0]);
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len(), "{prints:?}");
}

#[test]
fn github_escapes_data_and_properties_as_the_runner_does() {
    assert_eq!(
        render::escape_data("50% done\r\nnext"),
        "50%25 done%0D%0Anext"
    );
    assert_eq!(render::escape_data("a: b, c"), "a: b, c");
    assert_eq!(
        render::escape_property("dir,x/a:b%.md\n"),
        "dir%2Cx/a%3Ab%25.md%0A"
    );
}

#[test]
fn github_annotations_carry_the_span_and_escape_paths() {
    let text = "---\nname: a\ndescription: d\ntools: Read, Nope\n---\nBody.\n";
    let reports = check("odd,dir/a:b.md", text);
    let out = render::github(&reports, &Root::for_dir(&repo()));
    let line = out
        .lines()
        .find(|l| l.contains("title=AS201"))
        .expect("annotation");
    assert!(
        line.starts_with(
            "::warning file=odd%2Cdir/a%3Ab.md,line=4,col=14,endLine=4,endColumn=18,title=AS201::"
        ),
        "{line}"
    );
    // Help goes on a second line of the message, encoded.
    assert!(line.contains("%0Ahelp: "), "{line}");
    assert!(!line.contains('\r'));
}

#[test]
fn junit_reads_back_with_an_xml_parser() {
    // Markup, quotes and a control character in a tool name end up in the messages.
    // (A control character would break the YAML; AS004 would then be the only finding.)
    let text = "---\nname: a\ndescription: d\ntools: Read, <b>&\"x'\n---\nBody.\n";
    let mut reports = check(".claude/agents/a.md", text);
    reports.extend(check(
        ".claude/agents/good.md",
        "---\nname: good\ndescription: d\ntools: Read\n---\nBody.\n",
    ));
    let xml = render::junit(&reports);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2, "one suite per file");
    let bad = suites[0];
    assert_eq!(bad.attribute("name"), Some(".claude/agents/a.md"));
    let failures: usize = bad.attribute("failures").unwrap().parse().unwrap();
    assert_eq!(failures, reports[0].diagnostics.len());
    let cases: Vec<_> = bad
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), failures);
    let unknown = cases
        .iter()
        .find(|c| c.attribute("name").is_some_and(|n| n.starts_with("AS204")))
        .expect("the unknown tool is a test case");
    let failure = unknown
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.attribute("message").unwrap().contains("<b>&\"x'"));
    assert!(failure.text().unwrap().contains(".claude/agents/a.md:4:"));
    let good = suites[1];
    assert_eq!(good.attribute("failures"), Some("0"));
    assert_eq!(good.attribute("tests"), Some("1"));
    let total: usize = root.attribute("tests").unwrap().parse().unwrap();
    assert_eq!(total, failures + 1);
}

#[test]
fn gitlab_code_quality_has_the_required_fields_and_unique_fingerprints() {
    let reports = fixture_reports();
    let issues: Value =
        serde_json::from_str(&render::gitlab(&reports, &Root::for_dir(&repo()))).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(!issues.is_empty());
    let mut prints = std::collections::HashSet::new();
    for issue in issues {
        assert!(issue["description"].is_string());
        assert!(issue["check_name"].as_str().unwrap().starts_with("AS"));
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(
            issue["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/")
        );
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(prints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
    }
}

#[test]
fn statistics_count_per_rule() {
    let text = "---\nname: a\ndescription: d\ntools: Read, Nope, Nada, grep\n---\nBody.\n";
    let stats = render::statistics(&check(".claude/agents/a.md", text));
    let unknown = stats.iter().find(|s| s.code == "AS201").unwrap();
    assert_eq!(unknown.count, 3, "{stats:?}");
    assert_eq!(stats[0].code, "AS201", "most frequent first");
    assert!(render::statistics_human(&stats).contains("3\tAS201\t"));
}

/// The real corpus (`../shared/corpus`, when the checkout sits beside it): its SARIF is valid
/// and every fingerprint is unique.
#[test]
fn sarif_of_the_corpus_is_valid() {
    let corpus = repo().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let (candidates, _) = agentspec::discover::discover(&[corpus], false);
    let reports = lint::check_inputs(
        agentspec::discover::read_all(candidates),
        &Config::default(),
    );
    assert!(reports.len() > 300);
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let sarif: Value =
        serde_json::from_str(&render::sarif(&reports, &Root::for_dir(&repo()))).unwrap();
    assert!(validator.is_valid(&sarif));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let prints: std::collections::HashSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["agentspec/v1"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), results.len());
}
