//! GitLab Code Quality report: a JSON array of issues, as the `codequality` artifact expects.

use serde::Serialize;

use super::{Root, fingerprints};
use crate::diagnostics::Severity;
use crate::lint::FileReport;

#[derive(Serialize)]
struct Issue<'a> {
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
    let mut issues = Vec::new();
    for report in reports {
        let path = root.display(&report.path);
        let prints = fingerprints(&path, report);
        for (d, fingerprint) in report.diagnostics.iter().zip(prints) {
            issues.push(Issue {
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
            });
        }
    }
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}
