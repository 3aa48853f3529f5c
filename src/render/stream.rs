//! Reports rendered file by file: each file's part is rendered as soon as its report is final,
//! and the report is written from the parts and the totals, so that a run never holds every
//! file's text or findings at once. The bytes are those the whole-report renderers print.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::{Root, Statistic, Style, Summary};
use crate::diagnostics::{Applicability, Severity};
use crate::lint::FileReport;

/// An output format with what it needs to render a file.
#[derive(Debug, Clone)]
pub enum Format {
    /// miette's reports, then the summary unless `quiet`.
    Human {
        style: Style,
        quiet: bool,
    },
    Concise,
    Json,
    Sarif(Root),
    Github(Root),
    Junit,
    Gitlab(Root),
    /// Counts per rule only (`--statistics`), as a table or JSON.
    Statistics {
        json: bool,
    },
}

/// Totals over the files rendered so far: what headers and summaries need.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub summary: Summary,
    /// Files Claude Code does not load.
    pub not_loading: usize,
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    /// JUnit test cases: one per finding, one for a file without findings.
    pub cases: usize,
    pub stats: BTreeMap<&'static str, Statistic>,
}

impl Tally {
    pub fn of_report(report: &FileReport) -> Tally {
        let mut t = Tally {
            summary: Summary {
                files: 1,
                ..Summary::default()
            },
            not_loading: usize::from(!report.loads),
            cases: report.diagnostics.len().max(1),
            ..Tally::default()
        };
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => t.summary.errors += 1,
                Severity::Warning => t.summary.warnings += 1,
                Severity::Info => t.summary.infos += 1,
            }
            let safe = match d.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => {
                    t.safe_fixes += 1;
                    true
                }
                Some(Applicability::Unsafe) => {
                    t.unsafe_fixes += 1;
                    false
                }
                None => false,
            };
            let entry = t.stats.entry(d.code).or_insert(Statistic {
                code: d.code,
                name: d.name,
                count: 0,
                fixable: 0,
            });
            entry.count += 1;
            entry.fixable += usize::from(safe);
        }
        t
    }

    pub fn of(reports: &[FileReport]) -> Tally {
        let mut t = Tally::default();
        for r in reports {
            t.add(&Tally::of_report(r));
        }
        t
    }

    pub fn add(&mut self, other: &Tally) {
        let (s, o) = (&mut self.summary, &other.summary);
        s.files += o.files;
        s.errors += o.errors;
        s.warnings += o.warnings;
        s.infos += o.infos;
        self.not_loading += other.not_loading;
        self.safe_fixes += other.safe_fixes;
        self.unsafe_fixes += other.unsafe_fixes;
        self.cases += other.cases;
        for (code, stat) in &other.stats {
            let entry = self.stats.entry(code).or_insert(Statistic {
                code: stat.code,
                name: stat.name,
                count: 0,
                fixable: 0,
            });
            entry.count += stat.count;
            entry.fixable += stat.fixable;
        }
    }

    /// Counts per rule, by count (descending) then code.
    pub fn statistics(&self) -> Vec<Statistic> {
        let mut list: Vec<Statistic> = self.stats.values().cloned().collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        list
    }
}

/// One file's part of a report.
pub struct Part {
    text: String,
    /// The human format's diagnostics, one by one, for collapsing repeated findings.
    items: Vec<super::human::Item>,
    sarif: Option<super::sarif::Part>,
    pub tally: Tally,
}

/// A finding that more files than this share is collapsed in the human output...
const REPEATED_FROM: usize = 6;
/// ...to its first files.
const REPEATED_SHOWN: usize = 3;

/// Renders one file's part.
pub fn part(format: &Format, report: &FileReport) -> Part {
    let one = std::slice::from_ref(report);
    let mut sarif = None;
    let mut items = Vec::new();
    let text = match format {
        Format::Human { style, .. } => {
            items = super::human::items(report, *style);
            String::new()
        }
        Format::Concise => super::concise(one),
        Format::Json => pretty(&super::json::file(report)),
        Format::Sarif(root) => {
            sarif = Some(super::sarif::part(report, root));
            String::new()
        }
        Format::Github(root) => super::github(one, root),
        Format::Junit => super::junit::suite(report),
        Format::Gitlab(root) => super::gitlab::issues(report, root)
            .iter()
            .map(pretty)
            .collect::<Vec<_>>()
            .join(",\n"),
        Format::Statistics { .. } => String::new(),
    };
    Part {
        text,
        items,
        sarif,
        tally: Tally::of_report(report),
    }
}

/// Writes the whole report from the parts, in their order; returns the totals.
///
/// `target` is the releases the verdicts are for: the human summary, JSON and SARIF name it.
pub fn write(
    format: &Format,
    parts: &[Part],
    target: &crate::release::Target,
    out: &mut dyn Write,
) -> std::io::Result<Tally> {
    let mut tally = Tally::default();
    for p in parts {
        tally.add(&p.tally);
    }
    let texts = || parts.iter().map(|p| p.text.as_str());
    match format {
        Format::Human { quiet, .. } => {
            write_collapsed(parts, out)?;
            if !quiet {
                out.write_all(super::human::summary_text(&tally, Some(target)).as_bytes())?;
            }
        }
        Format::Concise | Format::Github(_) => {
            for t in texts() {
                out.write_all(t.as_bytes())?;
            }
        }
        Format::Json => {
            let skeleton = super::json::skeleton(tally.summary, &super::Modelled::of(target));
            write_arrays(
                &skeleton,
                &mut [("\"files\": []", &mut texts().map(str::to_owned))],
                out,
            )?;
        }
        Format::Gitlab(_) => {
            let mut items = texts().filter(|t| !t.is_empty()).map(str::to_owned);
            write_arrays("[]\n", &mut [("[]", &mut items)], out)?;
        }
        Format::Junit => {
            out.write_all(super::junit::head(&tally).as_bytes())?;
            for t in texts() {
                out.write_all(t.as_bytes())?;
            }
            out.write_all(super::junit::TAIL.as_bytes())?;
        }
        Format::Sarif(root) => {
            let sarif: Vec<&super::sarif::Part> =
                parts.iter().filter_map(|p| p.sarif.as_ref()).collect();
            super::sarif::write(&sarif, root, &super::Modelled::of(target), out)?;
        }
        Format::Statistics { json } => {
            let stats = tally.statistics();
            let text = if *json {
                super::statistics_json(&stats)
            } else {
                super::statistics_human(&stats)
            };
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(tally)
}

/// The human format's diagnostics in file order, except that a finding (the same rule and
/// message) more than [`REPEATED_FROM`] files share is shown for its first [`REPEATED_SHOWN`]
/// files only, followed by a note of how many more there are: the machine formats list every
/// one.
fn write_collapsed(parts: &[Part], out: &mut dyn Write) -> std::io::Result<()> {
    use std::collections::{HashMap, HashSet};
    let mut files: HashMap<(&str, &str), usize> = HashMap::new();
    for p in parts {
        let keys: HashSet<(&str, &str)> = p.items.iter().map(super::human::Item::key).collect();
        for key in keys {
            *files.entry(key).or_default() += 1;
        }
    }
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    for p in parts {
        let mut in_this_file: HashSet<(&str, &str)> = HashSet::new();
        for item in &p.items {
            let key = item.key();
            let total = files.get(&key).copied().unwrap_or_default();
            if total < REPEATED_FROM {
                out.write_all(item.text.as_bytes())?;
                continue;
            }
            if in_this_file.insert(key) {
                *seen.entry(key).or_default() += 1;
            }
            let nth = seen.get(&key).copied().unwrap_or_default();
            if nth <= REPEATED_SHOWN {
                out.write_all(item.text.as_bytes())?;
            }
            let last_of_file = !p
                .items
                .iter()
                .skip_while(|i| !std::ptr::eq(*i, item))
                .skip(1)
                .any(|i| i.key() == key);
            if nth == REPEATED_SHOWN && last_of_file {
                let note = super::human::repeated_note(key.0, key.1, total - REPEATED_SHOWN);
                out.write_all(note.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// A value as `serde_json::to_string_pretty` prints it.
pub(super) fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Writes `skeleton` (pretty-printed JSON) with each `(marker, items)` array filled: `marker`
/// is the empty array as printed (`"files": []`), found from the end, and `items` are
/// pretty-printed values (each item's lines may hold several values, one per line group), so
/// that the result is what pretty-printing the whole document gives.
pub(super) fn write_arrays(
    skeleton: &str,
    arrays: &mut [(&str, &mut dyn Iterator<Item = String>)],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut rest = skeleton;
    for (marker, items) in arrays.iter_mut() {
        let Some(at) = rest.find(*marker) else {
            continue;
        };
        let open = at + marker.len() - 1;
        let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let indent = rest[line_start..].chars().take_while(|c| *c == ' ').count();
        out.write_all(&rest.as_bytes()[..open])?;
        let mut first = true;
        for item in items {
            let sep: &[u8] = if first { b"\n" } else { b",\n" };
            out.write_all(sep)?;
            first = false;
            write_indented(&item, indent + 2, out)?;
        }
        if !first {
            out.write_all(b"\n")?;
            out.write_all(" ".repeat(indent).as_bytes())?;
        }
        rest = &rest[open..];
    }
    out.write_all(rest.as_bytes())
}

/// Writes `text` with every line indented by `n` spaces (a pretty-printed value's lines never
/// break inside a string: line breaks in strings are escaped).
fn write_indented(text: &str, n: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let pad = " ".repeat(n);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(pad.as_bytes())?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
