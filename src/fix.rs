//! Applying fixes: until nothing changes, and never to a file that would parse worse.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::config::Config;
use crate::diagnostics::{Applicability, Diagnostic, Severity, apply_edits};
use crate::lint::{self, FileReport};

/// Rounds of fixing before giving up on reaching a fixpoint (a fix that re-creates the
/// diagnostic it fixes would otherwise loop).
pub const MAX_ROUNDS: usize = 10;

/// The outcome of fixing one document.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The fixed text (the input when nothing was applied).
    pub text: String,
    /// Diagnostics that the fixes removed, per rule code.
    pub fixed: BTreeMap<&'static str, usize>,
    /// Fixes that were not applied because the file would have parsed worse.
    pub refused: Vec<&'static str>,
    /// The report on the fixed text.
    pub report: FileReport,
}

impl Fixed {
    pub fn changed(&self, original: &str) -> bool {
        self.text != original
    }

    pub fn count(&self) -> usize {
        self.fixed.values().sum()
    }
}

/// Whether `fix` may be applied under the chosen applicability.
fn applicable(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fix.as_ref().is_some_and(|f| {
        !f.edits.is_empty() && (unsafe_fixes || f.applicability == Applicability::Safe)
    })
}

/// How well a document parses: loading first, then fewer errors. A fix must not lower it.
fn standing(report: &FileReport) -> (bool, std::cmp::Reverse<usize>) {
    (
        report.loads,
        std::cmp::Reverse(report.count(Severity::Error)),
    )
}

fn counts(report: &FileReport) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for d in &report.diagnostics {
        *m.entry(d.code).or_insert(0) += 1;
    }
    m
}

/// Applies every applicable fix of `path`'s text, re-checking after each round, until no fix
/// applies. A round that would make the file stop loading or add errors is retried one fix at
/// a time, and the fixes that do harm are left out and reported in `refused`.
///
/// Call it on the checking pool ([`lint::on_pool`]) for inputs of unknown depth.
pub fn fix_text(
    path: &Path,
    text: &str,
    plugin: bool,
    config: &Config,
    unsafe_fixes: bool,
) -> Fixed {
    fix_with(
        text,
        |t| lint::check_text(path, t, plugin, config),
        unsafe_fixes,
    )
}

/// [`fix_text`] with the check given as a function of the text.
pub fn fix_with(text: &str, check: impl Fn(&str) -> FileReport, unsafe_fixes: bool) -> Fixed {
    let mut current = text.to_owned();
    let mut report = check(&current);
    let mut fixed: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut refused: HashSet<(&'static str, String)> = HashSet::new();
    let mut refused_codes = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| {
                applicable(d, unsafe_fixes) && !refused.contains(&(d.code, d.message.clone()))
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        let edits: Vec<_> = candidates
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| &f.edits)
            .collect();
        let mut accepted = None;
        let together = apply_edits(&current, &edits);
        if together != current {
            let next = check(&together);
            if standing(&next) >= standing(&report) {
                accepted = Some((together, next));
            }
        }
        if accepted.is_none() {
            // One at a time: keep the first fix that does no harm, refuse those that do.
            for d in &candidates {
                let Some(fix) = &d.fix else { continue };
                let one = apply_edits(&current, &fix.edits.iter().collect::<Vec<_>>());
                if one == current {
                    refused.insert((d.code, d.message.clone()));
                    continue;
                }
                let next = check(&one);
                if standing(&next) >= standing(&report) {
                    accepted = Some((one, next));
                    break;
                }
                refused.insert((d.code, d.message.clone()));
                refused_codes.push(d.code);
            }
        }
        let Some((text, next)) = accepted else { break };
        let before = counts(&report);
        let after = counts(&next);
        for (code, n) in before {
            let left = after.get(code).copied().unwrap_or(0);
            if n > left {
                *fixed.entry(code).or_insert(0) += n - left;
            }
        }
        current = text;
        report = next;
    }
    refused_codes.sort_unstable();
    refused_codes.dedup();
    Fixed {
        text: current,
        fixed,
        refused: refused_codes,
        report,
    }
}

/// A unified diff of a fix, `--- a/PATH` / `+++ b/PATH`, as `git apply` takes it.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
