//! Between agentspec's byte offsets and the protocol's line/character positions, and from
//! diagnostics to protocol diagnostics.

use std::path::Path;
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::diagnostics::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::render::file_uri;
use crate::rules;
use crate::source::{LineIndex, Span, clamp_to_char_boundary};

/// How `Position.character` counts: negotiated at initialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A text with its line starts, for conversions both ways.
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl Lines<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let (line, character) = match self.encoding {
            Encoding::Utf16 => self.index.line_col_utf16(self.text, offset),
            Encoding::Utf8 => {
                let offset = clamp_to_char_boundary(self.text, offset);
                let line = self.index.line_of(offset);
                (line, offset - self.index.line_start(line).min(offset))
            }
        };
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start),
            self.position(span.end.max(span.start)),
        )
    }

    /// The byte offset of a position; positions past a line's end or the text's end are
    /// clamped, and a character inside a UTF-16 surrogate pair or a UTF-8 sequence rounds down.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return self.text.len();
        }
        let start = self.index.line_start(line);
        let end = if line + 1 < self.index.line_count() {
            self.index.line_start(line + 1)
        } else {
            self.text.len()
        };
        let line_text = self.text.get(start..end).unwrap_or("");
        // A position never points into the line break.
        let content = line_text
            .strip_suffix('\n')
            .map_or(line_text, |l| l.strip_suffix('\r').unwrap_or(l));
        let want = position.character as usize;
        match self.encoding {
            Encoding::Utf8 => start + clamp_to_char_boundary(content, want),
            Encoding::Utf16 => {
                let mut units = 0;
                for (i, c) in content.char_indices() {
                    if units + c.len_utf16() > want {
                        return start + i;
                    }
                    units += c.len_utf16();
                }
                start + content.len()
            }
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_str(&file_uri(path, false)).ok()
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A protocol diagnostic with the code, its documentation link, the help and related places.
/// `related_lines` gives the text of another file for its positions (the workspace has it).
pub fn diagnostic<'a>(
    report: &FileReport,
    d: &Diagnostic,
    encoding: Encoding,
    related_text: impl Fn(&Path) -> Option<&'a str>,
) -> lsp_types::Diagnostic {
    let lines = Lines {
        text: &report.source.text,
        index: report.line_index(),
        encoding,
    };
    let message = d.message_with_help();
    let code_description = rules::find(d.code)
        .and_then(|r| Uri::from_str(&r.meta.doc_url()).ok())
        .map(|href| CodeDescription { href });
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|rel| {
            let uri = uri_of(&absolute(&rel.path))?;
            let range = if rel.path == report.path {
                lines.range(rel.span)
            } else if let Some(text) = related_text(&rel.path) {
                let index = LineIndex::new(text);
                Lines {
                    text,
                    index: &index,
                    encoding,
                }
                .range(rel.span)
            } else {
                Range::default()
            };
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: rel.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: lines.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_owned())),
        code_description,
        source: Some("agentspec".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::Value::from(d.name)),
    }
}

fn absolute(path: &Path) -> std::path::PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, encoding: Encoding) -> (LineIndex, Encoding) {
        (LineIndex::new(text), encoding)
    }

    #[test]
    fn utf16_and_utf8_positions_round_trip() {
        let text = "a💻b\r\nçd\nlast";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let (index, encoding) = lines(text, encoding);
            let l = Lines {
                text,
                index: &index,
                encoding,
            };
            for (offset, _) in text.char_indices() {
                if text[offset..].starts_with('\n') {
                    continue;
                }
                assert_eq!(
                    l.offset(l.position(offset)),
                    offset,
                    "{offset} {encoding:?}"
                );
            }
            assert_eq!(l.offset(l.position(text.len())), text.len());
        }
        let index = LineIndex::new(text);
        let utf16 = Lines {
            text,
            index: &index,
            encoding: Encoding::Utf16,
        };
        // After `a💻`: one unit for `a`, two for the emoji.
        assert_eq!(utf16.position(5), Position::new(0, 3));
        // Inside the surrogate pair rounds down to the emoji's start.
        assert_eq!(utf16.offset(Position::new(0, 2)), 1);
        // Past the end of a line clamps before its CR LF.
        assert_eq!(utf16.offset(Position::new(0, 99)), 6);
        assert_eq!(utf16.offset(Position::new(99, 0)), text.len());
        let utf8 = Lines {
            text,
            index: &index,
            encoding: Encoding::Utf8,
        };
        assert_eq!(utf8.position(5), Position::new(0, 5));
        // Inside a UTF-8 sequence rounds down.
        assert_eq!(utf8.offset(Position::new(0, 3)), 1);
    }
}
