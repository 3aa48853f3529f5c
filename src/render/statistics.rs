//! `--statistics`: how many diagnostics each rule produced, most frequent first.

use std::fmt::Write;

use serde::Serialize;

use crate::lint::FileReport;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistic {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// How many of them carry a safe fix.
    pub fixable: usize,
}

/// Counts per rule, by count (descending) then code.
pub fn statistics(reports: &[FileReport]) -> Vec<Statistic> {
    super::stream::Tally::of(reports).statistics()
}

/// `count  CODE  [*] name` per line, as ruff prints it (`[*]` when every one is fixable, `[-]`
/// when some are).
pub fn statistics_human(stats: &[Statistic]) -> String {
    let width = stats
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for s in stats {
        let marker = if s.fixable == 0 {
            "   "
        } else if s.fixable == s.count {
            "[*]"
        } else {
            "[-]"
        };
        let _ = writeln!(out, "{:>width$}\t{}\t{marker} {}", s.count, s.code, s.name);
    }
    out
}

pub fn statistics_json(stats: &[Statistic]) -> String {
    let mut text = serde_json::to_string_pretty(stats).unwrap_or_default();
    text.push('\n');
    text
}
