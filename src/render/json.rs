use serde::Serialize;

use super::{Summary, display_path};
use crate::diagnostics::{Diagnostic, Fix, Severity};
use crate::lint::FileReport;
use crate::source::LineCol;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    /// The releases the verdicts are for (the CLI's report; absent from the library's).
    #[serde(skip_serializing_if = "Option::is_none")]
    claude_code: Option<super::Modelled>,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
pub(super) struct File<'a> {
    path: String,
    /// The file kind: a dialect id (`claude-agent`, `claude-skill`, `claude-command`,
    /// `claude-settings`, `claude-mcp`).
    kind: &'static str,
    agent: Option<&'a str>,
    loads: bool,
    diagnostics: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    span: Range,
    start: LineCol,
    end: LineCol,
    fix: Option<&'a Fix>,
    related: Vec<RelatedItem<'a>>,
}

#[derive(Serialize)]
struct Range {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct RelatedItem<'a> {
    path: String,
    span: Range,
    message: &'a str,
}

/// The JSON report (format version 1).
pub fn json(reports: &[FileReport]) -> String {
    let report = Report {
        version: 1,
        claude_code: None,
        files: reports.iter().map(file).collect(),
        summary: Summary::of(reports),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

/// One file's entry.
pub(super) fn file(r: &FileReport) -> File<'_> {
    File {
        path: display_path(&r.path),
        kind: kind_of(&r.path),
        agent: r.agent.as_deref(),
        loads: r.loads,
        diagnostics: r.diagnostics.iter().map(|d| item(r, d)).collect(),
    }
}

/// What kind of file `path` is, by its place.
pub(super) fn kind_of(path: &std::path::Path) -> &'static str {
    crate::dialect::of_path(path).id
}

/// The report without files, pretty-printed: `"files": []` is where they go.
pub(super) fn skeleton(summary: Summary, modelled: &super::Modelled) -> String {
    let report = Report {
        version: 1,
        claude_code: Some(modelled.clone()),
        files: Vec::new(),
        summary,
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

fn item<'a>(r: &FileReport, d: &'a Diagnostic) -> Item<'a> {
    Item {
        code: d.code,
        name: d.name,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        span: Range {
            start: d.span.start,
            end: d.span.end,
        },
        start: r.line_col(d.span.start),
        end: r.line_col(d.span.end),
        fix: d.fix.as_ref(),
        related: d
            .related
            .iter()
            .map(|rel| RelatedItem {
                path: display_path(&rel.path),
                span: Range {
                    start: rel.span.start,
                    end: rel.span.end,
                },
                message: &rel.message,
            })
            .collect(),
    }
}
