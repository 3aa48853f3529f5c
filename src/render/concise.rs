use std::fmt::Write;

use super::display_path;
use crate::lint::FileReport;

/// One line per diagnostic: `path:line:col: CODE [severity] message`.
pub fn concise(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let path = display_path(&report.path);
        for d in &report.diagnostics {
            let at = report.line_col(d.span.start);
            let _ = writeln!(
                out,
                "{path}:{}:{}: {} [{}] {}",
                at.line,
                at.column,
                d.code,
                d.severity.as_str(),
                d.message
            );
        }
    }
    out
}
