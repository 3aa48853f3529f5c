//! Finding the frontmatter block exactly as Claude Code 2.1.328 finds it.
//!
//! The rules (`docs/claude-code-loader.md` §1): a leading BOM is dropped; the block
//! opens with `---` at the very start, followed by optional whitespace (line breaks included)
//! and a line break; it closes at the first later `---` anywhere, even in the middle of a line;
//! whitespace and a line break after the closing `---` belong to it.

use crate::source::Span;

/// Where the frontmatter is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frontmatter {
    /// The opening `---` (just the three dashes).
    pub open: Span,
    /// The YAML text between the fences.
    pub content: Span,
    /// The closing `---` (just the three dashes).
    pub close: Span,
    /// The closing `---` is not on a line of its own (e.g. `description: a---b`).
    pub closes_mid_line: bool,
}

/// Why a file has no frontmatter that Claude Code would read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoFrontmatter {
    /// Nothing that looks like frontmatter.
    Absent,
    /// A frontmatter-like block exists but does not start on line 1; `fence` is its opening.
    NotOnFirstLine { fence: Span },
    /// The opening fence is there but no `---` follows it.
    Unclosed { open: Span },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    Found(Frontmatter),
    Missing(NoFrontmatter),
}

const BOM: &str = "\u{FEFF}";

/// Byte offset after a leading BOM.
pub fn content_start(text: &str) -> usize {
    if text.starts_with(BOM) { BOM.len() } else { 0 }
}

/// JavaScript's `\s` for the characters that matter here.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

pub fn split(text: &str) -> Split {
    let base = content_start(text);
    let rest = &text[base..];
    if !rest.starts_with("---") {
        return Split::Missing(detect_misplaced(text, base));
    }
    let open = Span::new(base, base + 3);
    // Greedy `\s*` followed by `\n`: the content starts after the last line break of the
    // whitespace run that follows the opening dashes.
    let after_dashes = &rest[3..];
    let run_len = after_dashes
        .char_indices()
        .find(|&(_, c)| !is_js_space(c))
        .map_or(after_dashes.len(), |(i, _)| i);
    let Some(last_newline) = after_dashes[..run_len].rfind('\n') else {
        return Split::Missing(detect_misplaced(text, base));
    };
    let content_start = base + 3 + last_newline + 1;
    let Some(close_rel) = text[content_start..].find("---") else {
        // No second `---` after the first three characters at all.
        if text[base + 3..].contains("---") {
            // Only possible when the dashes sit inside the opening whitespace run, which
            // cannot happen; kept for completeness.
            return Split::Missing(NoFrontmatter::Absent);
        }
        return Split::Missing(NoFrontmatter::Unclosed { open });
    };
    let close_start = content_start + close_rel;
    let close = Span::new(close_start, close_start + 3);
    let preceded_by_newline = close_start == content_start || text[..close_start].ends_with('\n');
    let line_rest = text[close.end..].split('\n').next().unwrap_or("");
    let followed_by_space = line_rest.chars().all(is_js_space);
    Split::Found(Frontmatter {
        open,
        content: Span::new(content_start, close_start),
        close,
        closes_mid_line: !(preceded_by_newline && followed_by_space),
    })
}

/// Byte offset where the body starts: after the closing fence, its trailing whitespace on the
/// same line and one line break.
pub fn body_start(text: &str, fm: &Frontmatter) -> usize {
    let rest = &text[fm.close.end..];
    match rest.find('\n') {
        Some(i) if rest[..i].chars().all(is_js_space) => fm.close.end + i + 1,
        _ if rest.chars().all(is_js_space) => text.len(),
        _ => fm.close.end,
    }
}

/// Looks for a `---` line after line 1 that opens a block with `name:` or `description:`
/// keys and is closed by another `---` line: frontmatter that Claude Code will not see.
fn detect_misplaced(text: &str, base: usize) -> NoFrontmatter {
    let mut offset = base;
    let mut fence: Option<usize> = None;
    let mut saw_key = false;
    // Only the first few lines count: a frontmatter pushed down by a blank line or a title.
    for (index, line) in text[base..].split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        match fence {
            None if index >= 10 => return NoFrontmatter::Absent,
            None if trimmed == "---" => fence = Some(offset),
            None => {}
            Some(start) => {
                if trimmed == "---" {
                    return if saw_key {
                        NoFrontmatter::NotOnFirstLine {
                            fence: Span::new(start, start + 3),
                        }
                    } else {
                        NoFrontmatter::Absent
                    };
                }
                if trimmed.starts_with("name:") || trimmed.starts_with("description:") {
                    saw_key = true;
                }
            }
        }
        offset += line.len();
    }
    NoFrontmatter::Absent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Frontmatter {
        match split(text) {
            Split::Found(fm) => fm,
            Split::Missing(why) => panic!("no frontmatter: {why:?}"),
        }
    }

    #[test]
    fn plain() {
        let text = "---\nname: a\n---\nbody";
        let fm = found(text);
        assert_eq!(&text[fm.content.start..fm.content.end], "name: a\n");
        assert!(!fm.closes_mid_line);
        assert_eq!(&text[body_start(text, &fm)..], "body");
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{FEFF}---\r\nname: a\r\n---\r\nbody";
        let fm = found(text);
        assert_eq!(&text[fm.content.start..fm.content.end], "name: a\r\n");
        assert_eq!(&text[body_start(text, &fm)..], "body");
    }

    #[test]
    fn trailing_spaces_and_blank_lines_after_opening() {
        let text = "---  \n\nname: a\n---\n";
        assert_eq!(found(text).content.start, 7);
    }

    #[test]
    fn closes_mid_line() {
        let text = "---\ndescription: before---after\n---\n";
        let fm = found(text);
        assert!(fm.closes_mid_line);
        assert_eq!(
            &text[fm.content.start..fm.content.end],
            "description: before"
        );
    }

    #[test]
    fn four_dashes_do_not_open() {
        assert_eq!(
            split("----\nname: a\n---\n"),
            Split::Missing(NoFrontmatter::Absent)
        );
    }

    #[test]
    fn unclosed() {
        assert_eq!(
            split("---\nname: a\n"),
            Split::Missing(NoFrontmatter::Unclosed {
                open: Span::new(0, 3)
            })
        );
    }

    #[test]
    fn leading_blank_line_is_misplaced() {
        assert_eq!(
            split("\n---\nname: a\n---\n"),
            Split::Missing(NoFrontmatter::NotOnFirstLine {
                fence: Span::new(1, 4)
            })
        );
        assert_eq!(
            split("Text\n---\nname: a\n---\n"),
            Split::Missing(NoFrontmatter::NotOnFirstLine {
                fence: Span::new(5, 8)
            })
        );
    }

    #[test]
    fn horizontal_rules_are_not_frontmatter() {
        assert_eq!(
            split("# Title\n\n---\n\nText\n---\n"),
            Split::Missing(NoFrontmatter::Absent)
        );
    }
}
