use serde_json::{Value, json};

use super::{Summary, display_path};
use crate::diagnostics::Diagnostic;
use crate::lint::FileReport;

/// The JSON report (format version 1).
pub fn json(reports: &[FileReport]) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "path": display_path(&r.path),
                "agent": r.agent,
                "loads": r.loads,
                "diagnostics": r.diagnostics.iter().map(|d| diagnostic(r, d)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "version": 1,
        "files": files,
        "summary": Summary::of(reports),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn diagnostic(r: &FileReport, d: &Diagnostic) -> Value {
    let start = r.line_index.line_col(&r.source.text, d.span.start);
    let end = r.line_index.line_col(&r.source.text, d.span.end);
    json!({
        "code": d.code,
        "name": d.name,
        "severity": d.severity,
        "message": d.message,
        "help": d.help,
        "span": {"start": d.span.start, "end": d.span.end},
        "start": start,
        "end": end,
        "fix": d.fix,
        "related": d.related.iter().map(|rel| json!({
            "path": display_path(&rel.path),
            "span": {"start": rel.span.start, "end": rel.span.end},
            "message": rel.message,
        })).collect::<Vec<_>>(),
    })
}
