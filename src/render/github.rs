//! GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request.
//!
//! `::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message`, with `warning` and
//! `notice` for the other severities. Escaping follows GitHub's runner (`toolkit/core`
//! `command.ts`): in the message `%`, CR and LF are percent-encoded; in property values also `:`
//! and `,`.

use std::fmt::Write;

use super::Root;
use crate::diagnostics::Severity;
use crate::lint::FileReport;

pub fn github(reports: &[FileReport], root: &Root) -> String {
    let mut out = String::new();
    for report in reports {
        let path = root.display(&report.path);
        for d in &report.diagnostics {
            let start = report.line_col(d.span.start);
            let end = report.line_col(d.span.end.max(d.span.start));
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let message = match &d.help {
                Some(help) => format!("{} ({})\nhelp: {help}", d.message, d.name),
                None => format!("{} ({})", d.message, d.name),
            };
            let _ = writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.code),
                escape_data(&message)
            );
        }
    }
    out
}

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
