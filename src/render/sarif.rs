//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! One run; `tool.driver.rules` lists every rule; each result names its rule by id and index,
//! points at the file relative to `%SRCROOT%` (the repository root), carries its region in
//! 1-based lines and UTF-16 columns (`columnKind: utf16CodeUnits`), the rule's fix as a SARIF
//! fix, and a `partialFingerprints` entry that survives edits elsewhere in the file.

use serde_json::{Value, json};

use super::stream::{pretty, write_arrays};
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

/// The SARIF log of `reports`, checked for the default target (the newest measured release).
pub fn sarif(reports: &[FileReport], root: &Root) -> String {
    let parts: Vec<Part> = reports.iter().map(|r| part(r, root)).collect();
    let mut out = Vec::new();
    let modelled = super::Modelled::of(&crate::release::Target::default());
    let _ = write(&parts.iter().collect::<Vec<_>>(), root, &modelled, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// One file's share of the log: its artifact (when it has results) and its results, whose
/// artifact index [`write`] sets.
pub struct Part {
    artifact: Option<Value>,
    results: Vec<Value>,
}

pub fn part(report: &FileReport, root: &Root) -> Part {
    let location = artifact_location(&report.path, root);
    let path = root.display(&report.path);
    let prints = fingerprints(&path, report);
    let artifact = (!report.diagnostics.is_empty()).then(|| json!({ "location": location }));
    let results = report
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, print)| result(report, d, &location, 0, &print, root))
        .collect();
    Part { artifact, results }
}

/// Writes the log: the skeleton as one pretty-printed document, with every file's artifacts
/// and results written into its two arrays in turn.
pub fn write(
    parts: &[&Part],
    root: &Root,
    modelled: &super::Modelled,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r.meta)).collect();
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
            "artifacts": [],
            "results": [],
            // The Claude Code releases the verdicts are for (a SARIF property bag).
            "properties": { "claudeCode": modelled },
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    let mut artifacts = parts.iter().filter_map(|p| p.artifact.as_ref()).map(pretty);
    // Files with results are the files with artifacts: the n-th such file's results point at
    // artifact n.
    let mut results = parts
        .iter()
        .filter(|p| p.artifact.is_some())
        .enumerate()
        .flat_map(|(index, p)| {
            p.results.iter().map(move |r| {
                let mut r = r.clone();
                set_artifact_index(&mut r, index);
                pretty(&r)
            })
        });
    write_arrays(
        &text,
        &mut [
            ("\"artifacts\": []", &mut artifacts),
            ("\"results\": []", &mut results),
        ],
        out,
    )
}

/// Points a result (and its fix) at artifact `index`.
fn set_artifact_index(result: &mut Value, index: usize) {
    for pointer in [
        "/locations/0/physicalLocation/artifactLocation",
        "/fixes/0/artifactChanges/0/artifactLocation",
    ] {
        if let Some(location) = result.pointer_mut(pointer).and_then(Value::as_object_mut) {
            location.insert("index".into(), json!(index));
        }
    }
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
