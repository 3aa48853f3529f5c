//! GitLab Code Quality report: a JSON array of issues, as the `codequality` artifact expects.

use serde::Serialize;

use super::{Root, fingerprints};
use crate::diagnostics::Severity;
use crate::lint::FileReport;

#[derive(Serialize)]
pub(super) struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Errors are `major`, warnings `minor`, infos `info` (GitLab's scale goes up to `blocker`;
/// agentspec keeps `critical` and `blocker` for nothing, as no lint finding is an outage).
pub fn gitlab(reports: &[FileReport], root: &Root) -> String {
    let issues: Vec<Issue> = reports.iter().flat_map(|r| issues(r, root)).collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

/// One file's issues.
pub(super) fn issues<'a>(report: &'a FileReport, root: &Root) -> Vec<Issue<'a>> {
    let path = root.display(&report.path);
    let prints = fingerprints(&path, report);
    report
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, fingerprint)| Issue {
            description: format!("{}: {}", d.code, d.message),
            check_name: d.code,
            fingerprint,
            severity: match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            },
            location: Location {
                path: path.clone(),
                lines: Lines {
                    begin: report.line_col(d.span.start).line,
                    end: report.line_col(d.span.end.max(d.span.start)).line,
                },
            },
        })
        .collect()
}
