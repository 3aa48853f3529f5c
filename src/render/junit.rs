//! JUnit XML, as CI test-report viewers (GitLab, Jenkins, Azure Pipelines) read it.
//!
//! One `<testsuite>` per checked file. Each diagnostic is a `<testcase>` with a `<failure>`
//! (whatever its severity, as ruff and ESLint do: JUnit has no warnings); a file without
//! diagnostics has one passing test case, so every checked file shows up.

use std::fmt::Write;

use super::display_path;
use crate::lint::FileReport;

pub fn junit(reports: &[FileReport]) -> String {
    let mut out = head(&super::stream::Tally::of(reports));
    for report in reports {
        out.push_str(&suite(report));
    }
    out.push_str(TAIL);
    out
}

/// The declaration and the opening `<testsuites>` with the totals.
pub(super) fn head(tally: &super::stream::Tally) -> String {
    let failures = tally.summary.errors + tally.summary.warnings + tally.summary.infos;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"agentspec\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        tally.cases
    )
}

pub(super) const TAIL: &str = "</testsuites>\n";

/// One file's `<testsuite>`.
pub(super) fn suite(report: &FileReport) -> String {
    let mut out = String::new();
    let path = escape(&display_path(&report.path));
    let n = report.diagnostics.len();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
        n.max(1)
    );
    if n == 0 {
        let _ = writeln!(
            out,
            "    <testcase name=\"agentspec check\" classname=\"{path}\" file=\"{path}\"/>"
        );
    }
    for d in &report.diagnostics {
        let at = report.line_col(d.span.start);
        let body = format!(
            "{}:{}:{}: {} [{}] {}",
            display_path(&report.path),
            at.line,
            at.column,
            d.code,
            d.severity.as_str(),
            d.message_with_help()
        );
        let _ = writeln!(
            out,
            "    <testcase name=\"{} {} at {}:{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">",
            d.code, d.name, at.line, at.column, at.line
        );
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape(&d.message),
            d.severity.as_str(),
            escape(&body)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
    out
}

/// Escapes text for an XML attribute or element, and replaces characters XML 1.0 cannot carry
/// (most C0 controls, lone surrogates cannot occur in `str`, U+FFFE/U+FFFF) with U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
