//! `--statistics`: how many diagnostics each rule produced, most frequent first.

use std::fmt::Write;

use serde::Serialize;

use crate::diagnostics::Applicability;
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
    let mut by_code: std::collections::BTreeMap<&'static str, Statistic> =
        std::collections::BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = by_code.entry(d.code).or_insert(Statistic {
            code: d.code,
            name: d.name,
            count: 0,
            fixable: 0,
        });
        entry.count += 1;
        if d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
        {
            entry.fixable += 1;
        }
    }
    let mut list: Vec<Statistic> = by_code.into_values().collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    list
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
