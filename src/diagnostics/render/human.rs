use std::fmt::Write;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
};

use super::{Summary, display_path};
use crate::diagnostics::Severity;
use crate::lint::FileReport;

/// miette's graphical report for every diagnostic, then a summary line.
pub fn human(reports: &[FileReport], color: bool) -> String {
    let mut out = human_diagnostics(reports, color);
    out.push_str(&human_summary(reports));
    out
}

/// miette's graphical report for every diagnostic.
pub fn human_diagnostics(reports: &[FileReport], color: bool) -> String {
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
                let at = report.line_col(rel.span.start);
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
            let source = NamedSource::new(path.clone(), Window::around(report, d.span));
            let report = miette::Report::new(diag).with_source_code(source);
            let _ = handler.render_report(&mut out, report.as_ref());
            out.push('\n');
        }
    }
    out
}

/// `Found N errors, ...` or `All checks passed`.
pub fn human_summary(reports: &[FileReport]) -> String {
    let mut out = String::new();
    let s = Summary::of(reports);
    let loads = reports.iter().filter(|r| !r.loads).count();
    if s.errors + s.warnings + s.infos == 0 {
        let _ = writeln!(out, "All checks passed: {} files.", s.files);
    } else {
        let _ = writeln!(
            out,
            "Found {}, {}, {} in {} ({} will not load).",
            super::plural(s.errors, "error"),
            super::plural(s.warnings, "warning"),
            super::plural(s.infos, "info"),
            super::plural(s.files, "file"),
            loads
        );
    }
    out
}

/// The lines around a span, so that rendering a diagnostic costs the size of its snippet, not of
/// the file. Spans given to it are in file coordinates.
struct Window {
    text: String,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line of `text`'s first line in the file.
    first_line: usize,
}

impl Window {
    /// Context lines shown around a span (the handler shows one; keep a margin).
    const MARGIN: usize = 2;

    fn around(report: &FileReport, span: crate::source::Span) -> Window {
        let index = report.line_index();
        let text = &report.source.text;
        let first_line = index.line_of(span.start).saturating_sub(Self::MARGIN);
        let last_line = index.line_of(span.end) + Self::MARGIN + 1;
        let offset = index.line_start(first_line).min(text.len());
        let end = if last_line < index.line_count() {
            index.line_start(last_line)
        } else {
            text.len()
        };
        let end = crate::source::clamp_to_char_boundary(text, end.max(offset));
        Window {
            text: text[offset..end].to_owned(),
            offset,
            first_line,
        }
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let contents = self.text.as_str().read_span(&local, before, after)?;
        let data = contents.data();
        let start = contents.span().offset() + self.offset;
        Ok(Box::new(MietteSpanContents::new(
            data,
            SourceSpan::new(start.into(), contents.span().len()),
            contents.line() + self.first_line,
            contents.column(),
            contents.line_count(),
        )))
    }
}
