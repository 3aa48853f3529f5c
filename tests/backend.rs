//! The real-world example agent: it loads, its mojibake is reported, and the fix restores the
//! characters without touching anything else.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code panics on broken fixtures"
)]

use std::path::Path;

use agentspec::config::Config;
use agentspec::diagnostics::{apply_edits, fix_edits};
use agentspec::lint;

#[test]
fn backend_loads_and_its_mojibake_fix_restores_the_characters() {
    let path = Path::new("fixtures/backend.md");
    let text = std::fs::read_to_string(path).expect("fixture");
    let report = lint::check_text(path, &text, false, &Config::default());
    assert!(report.loads);
    assert_eq!(report.agent.as_deref(), Some("backend"));
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["AS301"; 11]);
    // One emoji lost its last byte (`ðŸ”`): reported, but not fixable.
    assert_eq!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_none())
            .count(),
        1
    );
    let edits = fix_edits(&report.diagnostics, true);
    let fixed = apply_edits(&text, &edits);
    assert!(!fixed.contains("âœ…") && fixed.matches("ðŸ").count() == 1);
    assert_eq!(fixed.matches('✅').count(), 7);
    assert_eq!(fixed.matches('💻').count(), 1);
    assert_eq!(
        fixed,
        text.replace("âœ…", "✅")
            .replace("ðŸ’»", "💻")
            .replace("ðŸŽ¯", "🎯")
            .replace("ðŸš€", "🚀")
    );
    let again = lint::check_text(path, &fixed, false, &Config::default());
    assert_eq!(again.diagnostics.len(), 1, "{:?}", again.diagnostics);
    assert!(again.loads);
}
