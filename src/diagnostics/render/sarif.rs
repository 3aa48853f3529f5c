//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! One run; `tool.driver.rules` lists every rule; each result names its rule by id and index,
//! points at the file relative to `%SRCROOT%` (the repository root), carries its region in
//! 1-based lines and UTF-16 columns (`columnKind: utf16CodeUnits`), the rule's fix as a SARIF
//! fix, and a `partialFingerprints` entry that survives edits elsewhere in the file.

use serde_json::{Value, json};

use super::{Root, file_uri, fingerprints, line_col_utf16, percent_encode};
use crate::diagnostics::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::rules::RULES;
use crate::source::Span;

/// The key under which results carry agentspec's fingerprint.
pub const FINGERPRINT_KEY: &str = "agentspec/v1";

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const ROOT_ID: &str = "%SRCROOT%";

pub fn sarif(reports: &[FileReport], root: &Root) -> String {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r.meta)).collect();
    let mut artifacts: Vec<Value> = Vec::new();
    let mut results: Vec<Value> = Vec::new();
    for report in reports {
        let location = artifact_location(&report.path, root);
        let path = root.display(&report.path);
        let prints = fingerprints(&path, report);
        if !report.diagnostics.is_empty() {
            artifacts.push(json!({ "location": location }));
        }
        let artifact_index = artifacts.len().saturating_sub(1);
        for (d, print) in report.diagnostics.iter().zip(prints) {
            results.push(result(report, d, &location, artifact_index, &print, root));
        }
    }
    let root_uri = file_uri(&root.dir, true);
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "agentspec",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "originalUriBaseIds": { ROOT_ID: { "uri": root_uri } },
            "columnKind": "utf16CodeUnits",
            "artifacts": artifacts,
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(meta: &crate::rules::RuleMeta) -> Value {
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary() },
        "fullDescription": { "text": meta.description() },
        "help": { "text": meta.doc_text(), "markdown": meta.doc_text() },
        "helpUri": meta.doc_url(),
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "category": meta.category.as_str(),
            "tags": [meta.category.as_str()],
        },
    })
}

fn result(
    report: &FileReport,
    d: &Diagnostic,
    location: &Value,
    artifact_index: usize,
    fingerprint: &str,
    root: &Root,
) -> Value {
    let rule_index = RULES.iter().position(|r| r.meta.code == d.code);
    let mut location = location.clone();
    if let Some(obj) = location.as_object_mut() {
        obj.insert("index".into(), json!(artifact_index));
    }
    let message = d.message_with_help();
    let mut value = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": location,
                "region": region(report, d.span),
            }
        }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    let Some(obj) = value.as_object_mut() else {
        return value;
    };
    if let Some(i) = rule_index {
        obj.insert("ruleIndex".into(), json!(i));
    }
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, rel)| {
            // The related place may be in another file, whose text this report lacks: point at
            // the file, and give the region only when it is this file.
            let mut physical = json!({ "artifactLocation": artifact_location(&rel.path, root) });
            if rel.path == report.path
                && let Some(p) = physical.as_object_mut()
            {
                p.insert("region".into(), region(report, rel.span));
            }
            json!({
                "id": i,
                "physicalLocation": physical,
                "message": { "text": rel.message },
            })
        })
        .collect();
    if !related.is_empty() {
        obj.insert("relatedLocations".into(), json!(related));
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": region(report, Span::new(e.start, e.end)),
                    "insertedContent": { "text": e.content },
                })
            })
            .collect();
        obj.insert(
            "fixes".into(),
            json!([{
                "description": {
                    "text": format!("{} fix for {}", match fix.applicability {
                        crate::diagnostics::Applicability::Safe => "Safe",
                        crate::diagnostics::Applicability::Unsafe => "Unsafe",
                    }, d.code)
                },
                "artifactChanges": [{
                    "artifactLocation": location,
                    "replacements": replacements,
                }],
            }]),
        );
    }
    value
}

fn region(report: &FileReport, span: Span) -> Value {
    let (start_line, start_column) = line_col_utf16(report, span.start);
    let (end_line, end_column) = line_col_utf16(report, span.end.max(span.start));
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// An `artifactLocation`: relative to `%SRCROOT%` when the file is inside the repository, else
/// an absolute `file:` URI.
fn artifact_location(path: &std::path::Path, root: &Root) -> Value {
    match root.relative(path) {
        Some(rel) => json!({ "uri": percent_encode(&rel), "uriBaseId": ROOT_ID }),
        None => {
            let absolute = if path.is_absolute() {
                path.to_path_buf()
            } else {
                root.cwd.join(path)
            };
            json!({ "uri": file_uri(&absolute, false) })
        }
    }
}
