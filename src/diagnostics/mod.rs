//! Diagnostics and fixes as plain data; `render/` turns them into output formats.

use std::path::PathBuf;

use serde::Serialize;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Whether a fix can be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning the runtime gives the file today.
    Safe,
    /// Changes what the runtime does; review it.
    Unsafe,
}

/// Replace `text[start..end]` with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Self {
            start: span.start,
            end: span.end,
            content: content.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// What the fix does, in the imperative (`Quote the description`), for fixes whose edit
    /// is too long to describe by itself; see [`Fix::title`].
    #[serde(skip)]
    pub title: Option<String>,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self {
            applicability: Applicability::Safe,
            edits,
            title: None,
        }
    }

    /// A fix that changes what the runtime does (applied with `--unsafe-fixes`).
    pub fn changes_behaviour(edits: Vec<Edit>) -> Self {
        Self {
            applicability: Applicability::Unsafe,
            edits,
            title: None,
        }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// What the fix does, for a code action or a list of fixes: its own title, else the edit
    /// described from `text` (the file it applies to) when it is one short edit on one line:
    /// "Replace `MultiEdit` with `Edit`", "Remove `, Read`", "Insert ` *`".
    pub fn title(&self, text: &str) -> String {
        if let Some(title) = &self.title {
            return title.clone();
        }
        const SHORT: usize = 40;
        let short = |s: &str| !s.is_empty() && s.chars().count() <= SHORT && !s.contains('\n');
        if let [edit] = self.edits.as_slice() {
            let old = text.get(edit.start..edit.end).unwrap_or("");
            let new = edit.content.as_str();
            match (old.is_empty(), new.is_empty()) {
                (false, false) if short(old) && short(new) => {
                    return format!("Replace `{}` with `{}`", old.trim(), new.trim());
                }
                (false, true) if short(old) => return format!("Remove `{}`", old.trim()),
                (true, false) if short(new) => return format!("Insert `{}`", new.trim()),
                _ => {}
            }
        }
        "Apply the suggested fix".to_owned()
    }
}

/// Another place that explains a diagnostic, possibly in another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The message, then `help: ...` on its own line when there is help.
    pub fn message_with_help(&self) -> String {
        match &self.help {
            Some(help) => format!("{}\nhelp: {help}", self.message),
            None => self.message.clone(),
        }
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
}

/// The edits of every fix in `diagnostics` that may be applied: safe ones, and unsafe ones too
/// when `unsafe_fixes` is set.
pub fn fix_edits(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<&Edit> {
    diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| unsafe_fixes || f.applicability == Applicability::Safe)
        .flat_map(|f| &f.edits)
        .collect()
}

/// Applies non-overlapping edits (later ones that overlap an earlier one are dropped).
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for edit in sorted {
        if edit.start < pos || edit.end > text.len() || edit.start > edit.end {
            continue;
        }
        let (Some(before), Some(_)) = (text.get(pos..edit.start), text.get(edit.start..edit.end))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str(&edit.content);
        pos = edit.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

/// `1 thing`, `2 things`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_title_describes_its_edit() {
        let text = "tools: Read, MultiEdit, Grep";
        let span = |s: &str| {
            let start = text.find(s).unwrap();
            Span::new(start, start + s.len())
        };
        let rename = Fix::safe(vec![Edit::replace(span("MultiEdit"), "Edit")]);
        assert_eq!(rename.title(text), "Replace `MultiEdit` with `Edit`");
        let remove = Fix::safe(vec![Edit::replace(span(", Grep"), "")]);
        assert_eq!(remove.title(text), "Remove `, Grep`");
        let insert = Fix::safe(vec![Edit::replace(Span::new(0, 0), "name: a\n")]);
        assert_eq!(insert.title(text), "Apply the suggested fix");
        assert_eq!(rename.titled("Rename it").title(text), "Rename it");
    }
}
