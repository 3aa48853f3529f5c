use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::{Summary, display_path};
use crate::diagnostics::Severity;
use crate::lint::FileReport;

/// miette's graphical report for every diagnostic, then a summary line.
pub fn human(reports: &[FileReport], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue;
        }
        let path = display_path(&report.path);
        for d in &report.diagnostics {
            let len = d.span.len();
            let label = if d.fix.is_some() { "fixable" } else { "here" };
            let mut diag = MietteDiagnostic::new(d.message.clone())
                .with_code(format!("{}({})", d.code, d.name))
                .with_severity(match d.severity {
                    Severity::Error => miette::Severity::Error,
                    Severity::Warning => miette::Severity::Warning,
                    Severity::Info => miette::Severity::Advice,
                })
                .with_label(LabeledSpan::new(Some(label.to_owned()), d.span.start, len));
            let mut help = d.help.clone().unwrap_or_default();
            for rel in &d.related {
                let at = report
                    .line_index
                    .line_col(&report.source.text, rel.span.start);
                let where_ = if rel.path == report.path {
                    format!("line {}", at.line)
                } else {
                    display_path(&rel.path)
                };
                if !help.is_empty() {
                    help.push('\n');
                }
                let _ = write!(help, "{} ({where_})", rel.message);
            }
            if !help.is_empty() {
                diag = diag.with_help(help);
            }
            let source = NamedSource::new(path.clone(), report.source.text.clone());
            let report = miette::Report::new(diag).with_source_code(source);
            let _ = handler.render_report(&mut out, report.as_ref());
            out.push('\n');
        }
    }
    let s = Summary::of(reports);
    let loads = reports.iter().filter(|r| !r.loads).count();
    if s.errors + s.warnings + s.infos == 0 {
        let _ = writeln!(out, "All checks passed: {} files.", s.files);
    } else {
        let _ = writeln!(
            out,
            "Found {} errors, {} warnings, {} infos in {} files ({} will not load).",
            s.errors, s.warnings, s.infos, s.files, loads
        );
    }
    out
}
