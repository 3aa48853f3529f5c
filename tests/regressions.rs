//! Inputs that once broke, or were built to break, parsing and checking: every file in
//! `fuzz/regressions/` must be checked without a panic, with spans on character boundaries,
//! and with every output format rendering.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::path::PathBuf;

use agentspec::config::Config;
use agentspec::lint::{self, Input};
use agentspec::render;

#[test]
fn regression_inputs_are_checked_without_panics() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("fuzz/regressions")
        .expect("fuzz/regressions")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 5);
    let inputs = paths
        .iter()
        .map(|p| Input::read(p.clone(), false, None))
        .collect();
    let reports = lint::check_inputs(inputs, &Config::default());
    for report in &reports {
        let text = &report.source.text;
        for d in &report.diagnostics {
            assert!(
                d.span.start <= d.span.end && d.span.end <= text.len(),
                "{d:?}"
            );
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        }
    }
    assert!(!render::human(&reports, render::Style::PLAIN).is_empty());
    assert!(!render::concise(&reports).is_empty());
    let json: serde_json::Value = serde_json::from_str(&render::json(&reports)).expect("json");
    assert_eq!(json["summary"]["files"], paths.len());
    let by_name = |name: &str| reports.iter().find(|r| r.path.ends_with(name)).expect(name);
    // Nesting and alias bombs hit the YAML limits: reported, never a hang or a crash.
    for name in ["deep-block-nesting.md", "alias-bomb.md"] {
        let report = by_name(name);
        assert!(!report.loads);
        assert_eq!(report.diagnostics[0].code, "AS004", "{name}");
    }
    let unknown = by_name("many-keys.md")
        .diagnostics
        .iter()
        .filter(|d| d.code == "AS101");
    assert_eq!(unknown.count(), 5000);
}
