use std::fmt::Write;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
};

use super::display_path;
use crate::diagnostics::{Applicability, Severity};
use crate::lint::FileReport;

/// How the human output looks: colour, and the width no line may exceed.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Output lines are at most this many columns: source lines longer than fits are cut
    /// around the span with `…`, and messages are wrapped.
    pub width: usize,
}

impl Style {
    /// No colour, 200 columns: for output that is not a terminal.
    pub const PLAIN: Style = Style {
        color: false,
        width: 200,
    };
}

/// miette's graphical report for every diagnostic, then a summary.
pub fn human(reports: &[FileReport], style: Style) -> String {
    let mut out = human_diagnostics(reports, style);
    out.push_str(&human_summary(reports));
    out
}

/// The label under a diagnostic's span: what is wrong there, and whether `--fix` mends it.
fn label(d: &crate::diagnostics::Diagnostic) -> String {
    let what =
        crate::rules::find(d.code).map_or_else(|| d.name.replace('-', " "), |r| r.meta.label());
    match d.fix.as_ref().map(|f| f.applicability) {
        Some(Applicability::Safe) => format!("{what} (fixable)"),
        Some(Applicability::Unsafe) => format!("{what} (fixable with --unsafe-fixes)"),
        None => what,
    }
}

/// miette's graphical handler in `style`, with one line of context around a snippet.
fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(style.width)
}

/// miette's graphical report for every diagnostic.
pub fn human_diagnostics(reports: &[FileReport], style: Style) -> String {
    reports
        .iter()
        .flat_map(|r| items(r, style))
        .map(|i| i.text)
        .collect()
}

/// One diagnostic as the human output shows it, with what makes two findings "the same" in
/// different files: the rule and the message.
#[derive(Debug, Clone)]
pub struct Item {
    pub code: &'static str,
    pub message: String,
    pub text: String,
}

impl Item {
    pub(super) fn key(&self) -> (&'static str, &str) {
        (self.code, &self.message)
    }
}

/// miette's graphical report for each of a file's diagnostics.
pub(super) fn items(report: &FileReport, style: Style) -> Vec<Item> {
    let handler = handler(style).without_primary_span_start();
    let mut items = Vec::new();
    {
        let path = display_path(&report.path);
        for d in &report.diagnostics {
            let mut out = String::new();
            let severity = match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            };
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
            // Nothing to show (an unreadable or empty file): the path goes in the message
            // instead of an empty snippet.
            let no_source = report.source.text.is_empty();
            let message = if no_source {
                format!("{path}: {}", d.message)
            } else {
                d.message.clone()
            };
            let mut diag = MietteDiagnostic::new(message)
                .with_code(format!("{}({})", d.code, d.name))
                .with_severity(severity);
            if !help.is_empty() {
                diag = diag.with_help(help);
            }
            let rendered = if no_source {
                handler.render_report(&mut out, &diag)
            } else {
                let label = label(d);
                let reserve = label.chars().count() + 6;
                let window = Window::around(report, d.span, style.width, reserve);
                let diag = diag.with_label(LabeledSpan::new(
                    Some(label),
                    window.span.0,
                    window.span.1 - window.span.0,
                ));
                let location = cut_path(
                    &format!("{path}:{}:{}", window.line, window.column),
                    style.width.saturating_sub(Window::GUTTER),
                );
                let source = NamedSource::new(location, window);
                let report = miette::Report::new(diag).with_source_code(source);
                handler.render_report(&mut out, report.as_ref())
            };
            let _ = rendered;
            out.push('\n');
            items.push(Item {
                code: d.code,
                message: d.message.clone(),
                text: out,
            });
        }
    }
    items
}

/// After the first files with a finding that many files share: how many more there are, how
/// to list them, and the configuration line that silences it when it is deliberate.
pub(super) fn repeated_note(code: &str, message: &str, more: usize) -> String {
    let quoted = message.split('`').nth(1);
    let silence = match (code, quoted) {
        ("AS101", Some(key)) => format!("`[known] keys = [\"{key}\"]`"),
        ("AS201", Some(tool)) => format!("`[known] tools = [\"{tool}\"]`"),
        ("AS104", Some(model)) => format!("`[known] models = [\"{model}\"]`"),
        _ => format!("`ignore = [\"{code}\"]`"),
    };
    format!(
        "  … and {} with this finding (`agentspec check --select {code} --format concise` lists them); if it is deliberate, {silence} in agentspec.toml silences it\n\n",
        super::plural(more, "more file")
    )
}

/// `Found 1 error and 2 warnings in 3 files (1 will not load).`, then what `--fix` would
/// fix; or `All checks passed: 3 files.`
pub fn human_summary(reports: &[FileReport]) -> String {
    summary_text(&super::stream::Tally::of(reports), None)
}

/// [`human_summary`] from the totals; with the releases the verdicts are for, the summary line
/// names them (`..., for Claude Code 2.1.330 (installed).`) and a line says what is assumed
/// when a release was not measured.
pub(super) fn summary_text(
    tally: &super::stream::Tally,
    target: Option<&crate::release::Target>,
) -> String {
    let mut out = String::new();
    let releases = target.map_or(String::new(), |t| format!(", for {}", t.describe()));
    if let Some(assumed) = target.and_then(crate::release::Target::assumption) {
        let _ = writeln!(out, "Note: {assumed}.");
    }
    let s = tally.summary;
    let skipped = tally.not_loading;
    if s.errors + s.warnings + s.infos == 0 {
        let _ = writeln!(
            out,
            "All checks passed: {}{releases}.",
            super::plural(s.files, "file")
        );
        return out;
    }
    let counts: Vec<String> = [
        (s.errors, "error"),
        (s.warnings, "warning"),
        (s.infos, "info"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, noun)| super::plural(n, noun))
    .collect();
    let counts = match counts.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let not_loading = if skipped > 0 {
        format!(" ({skipped} will not load)")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "Found {counts} in {}{not_loading}{releases}.",
        super::plural(s.files, "file")
    );
    match (tally.safe_fixes, tally.unsafe_fixes) {
        (0, 0) => {}
        (0, u) => {
            let _ = writeln!(out, "{u} fixable with `--fix --unsafe-fixes`.");
        }
        (s, 0) => {
            let _ = writeln!(out, "{s} fixable with `--fix`.");
        }
        (s, u) => {
            let _ = writeln!(
                out,
                "{s} fixable with `--fix` ({u} more with `--unsafe-fixes`)."
            );
        }
    }
    out
}

/// The lines around a span, each cut to the output width around the span, so that a
/// diagnostic on an 8 KB description line shows the part that matters, and rendering costs
/// the size of the snippet, not of the file.
struct Window {
    text: String,
    /// 0-based line of `text`'s first line in the file.
    first_line: usize,
    /// The span in `text`'s offsets.
    span: (usize, usize),
    /// 1-based line and column of the span's start in the file.
    line: usize,
    column: usize,
}

/// Columns a character takes in the output: miette expands a tab to 4, wide characters
/// take 2.
fn columns(c: char) -> usize {
    if c == '\t' {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// A line cut to at most `budget` columns, keeping `focus` (a byte offset in the line) in
/// view near the left; `…` marks each cut. Returns the text and a map from byte offsets in
/// the line to byte offsets in the text (clamped to what is shown).
fn cut_line(line: &str, budget: usize, focus: Option<usize>) -> (String, impl Fn(usize) -> usize) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let n = chars.len();
    let width = |i: usize| chars.get(i).map_or(0, |&(_, c)| columns(c));
    let total: usize = (0..n).map(width).sum();
    let (first, last) = if total <= budget {
        (0, n)
    } else {
        let keep = budget.saturating_sub(2).max(1);
        let focus_char = focus.map_or(0, |f| chars.partition_point(|&(b, _)| b < f));
        // A quarter of the room before the focus, the rest after it.
        let mut first = focus_char.min(n);
        let mut used = 0;
        while first > 0 && used + width(first - 1) <= keep / 4 {
            first -= 1;
            used += width(first);
        }
        let mut last = first;
        used = 0;
        while last < n && used + width(last) <= keep {
            used += width(last);
            last += 1;
        }
        (first, last)
    };
    let byte_at = |c: usize| chars.get(c).map_or(line.len(), |&(b, _)| b);
    let (from, to) = (byte_at(first), byte_at(last));
    let lead = if first > 0 { "…" } else { "" };
    let tail = if last < n { "…" } else { "" };
    let text = format!("{lead}{}{tail}", &line[from..to]);
    let map = move |b: usize| lead.len() + b.clamp(from, to) - from;
    (text, map)
}

/// `path` cut from the left to at most `max` characters.
fn cut_path(path: &str, max: usize) -> String {
    let n = path.chars().count();
    if n <= max {
        return path.to_owned();
    }
    let tail: String = path.chars().skip(n - max.saturating_sub(1)).collect();
    format!("…{tail}")
}

impl Window {
    /// Context lines shown around a span (the handler shows one; keep a margin).
    const MARGIN: usize = 2;
    /// Columns taken by the gutter (`123 │ `) and the frame.
    const GUTTER: usize = 12;

    /// `reserve` columns are kept free to the right of every line for the label, which miette
    /// draws from the middle of the underline.
    fn around(
        report: &FileReport,
        span: crate::source::Span,
        width: usize,
        reserve: usize,
    ) -> Window {
        let index = report.line_index();
        let text = &report.source.text;
        let start = crate::source::clamp_to_char_boundary(text, span.start.min(text.len()));
        let end = crate::source::clamp_to_char_boundary(text, span.end.clamp(start, text.len()));
        let start_line = index.line_of(start);
        let end_line = index.line_of(end);
        let first_line = start_line.saturating_sub(Self::MARGIN);
        let last_line = (end_line + Self::MARGIN).min(index.line_count().saturating_sub(1));
        let budget = width.saturating_sub(Self::GUTTER + reserve).max(20);
        let mut out = String::new();
        let mut local = (0, 0);
        for line in first_line..=last_line {
            let from = index.line_start(line).min(text.len());
            let to = if line + 1 < index.line_count() {
                index.line_start(line + 1)
            } else {
                text.len()
            };
            let raw = text.get(from..to.max(from)).unwrap_or("");
            let content = raw.trim_end_matches('\n').trim_end_matches('\r');
            let focus = (line == start_line).then(|| start - from);
            let (shown, map) = cut_line(content, budget, focus);
            if line == start_line {
                local.0 = out.len() + map(start - from);
            }
            if line == end_line {
                local.1 = out.len() + map(end.saturating_sub(from).min(content.len()));
            }
            out.push_str(&shown);
            out.push('\n');
        }
        let at = report.line_col(start);
        Window {
            text: out,
            first_line,
            span: (local.0, local.1.max(local.0)),
            line: at.line,
            column: at.column,
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
        let contents = self.text.as_str().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// A source snippet of `text` (the file at `path`) with `label` under `span`, for errors
/// outside agent files (`agentspec.toml`). The message itself is the caller's to print.
pub fn snippet(
    path: &str,
    text: &str,
    span: crate::source::Span,
    label: &str,
    style: Style,
) -> String {
    let handler = handler(style);
    let start = crate::source::clamp_to_char_boundary(text, span.start.min(text.len()));
    let end = crate::source::clamp_to_char_boundary(text, span.end.clamp(start, text.len()));
    let diag = MietteDiagnostic::new("").with_label(LabeledSpan::new(
        Some(label.to_owned()),
        start,
        end - start,
    ));
    let report =
        miette::Report::new(diag).with_source_code(NamedSource::new(path, text.to_owned()));
    let mut out = String::new();
    let _ = handler.render_report(&mut out, report.as_ref());
    // Drop the empty message line.
    out.lines()
        .skip_while(|l| l.trim().is_empty() || l.trim() == "×")
        .collect::<Vec<_>>()
        .join("\n")
}
