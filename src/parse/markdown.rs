//! The body: headings, list items and code fences with byte offsets, via pulldown-cmark.
//!
//! The content of a ```` ```markdown ```` or ```` ```md ```` fence is parsed as Markdown too,
//! and what it holds is recorded with `in_fence` set, at its offsets in the whole file.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::source::Span;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub span: Span,
    pub headings: Vec<Heading>,
    pub items: Vec<ListItem>,
    pub fences: Vec<CodeFence>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    /// The heading's text, inline markup removed.
    pub text: String,
    pub span: Span,
    /// Inside a Markdown code fence.
    pub in_fence: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// Nesting depth, 0 for a top-level item.
    pub depth: usize,
    /// The number of an ordered item, `None` for a bullet.
    pub number: Option<u64>,
    /// `Some(checked)` for a task item (`- [ ]` / `- [x]`).
    pub task: Option<bool>,
    /// The item's own text (nested lists excluded), inline markup removed.
    pub text: String,
    pub span: Span,
    pub in_fence: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeFence {
    /// The info string's first word, e.g. `markdown`; empty for none or an indented block.
    pub lang: String,
    pub span: Span,
    pub content: Span,
}

/// Parses `text[start..]` as the body.
pub fn parse(text: &str, start: usize) -> Body {
    let mut body = Body {
        span: Span::new(start, text.len()),
        ..Body::default()
    };
    collect(text, start, text.len(), false, &mut body);
    body
}

fn collect(text: &str, start: usize, end: usize, in_fence: bool, body: &mut Body) {
    let Some(source) = text.get(start..end) else {
        return;
    };
    let parser = Parser::new_ext(source, Options::ENABLE_TASKLISTS).into_offset_iter();
    // Open containers: headings collect text; items collect their own text.
    let mut heading: Option<(u8, String, Span)> = None;
    let mut items: Vec<ListItem> = Vec::new();
    let mut list_numbers: Vec<Option<u64>> = Vec::new();
    let mut fence: Option<(String, Span, Option<Span>)> = None;
    for (event, range) in parser {
        let span = Span::new(start + range.start, start + range.end);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((heading_level(level), String::new(), span));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, span)) = heading.take() {
                    body.headings.push(Heading {
                        level,
                        text: text.trim().to_owned(),
                        span,
                        in_fence,
                    });
                }
            }
            Event::Start(Tag::List(first)) => list_numbers.push(first),
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
            }
            Event::Start(Tag::Item) => {
                let number = list_numbers.last_mut().and_then(|n| {
                    let current = *n;
                    if let Some(v) = n.as_mut() {
                        *v += 1;
                    }
                    current
                });
                items.push(ListItem {
                    depth: list_numbers.len().saturating_sub(1),
                    number,
                    task: None,
                    text: String::new(),
                    span,
                    in_fence,
                });
            }
            Event::End(TagEnd::Item) => {
                if let Some(mut item) = items.pop() {
                    item.text = item.text.trim().to_owned();
                    body.items.push(item);
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(item) = items.last_mut() {
                    item.task = Some(checked);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                fence = Some((lang, span, None));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, span, content)) = fence.take() {
                    let content = content.unwrap_or(Span::empty(span.end));
                    let is_markdown =
                        matches!(lang.to_ascii_lowercase().as_str(), "markdown" | "md");
                    body.fences.push(CodeFence {
                        lang,
                        span,
                        content,
                    });
                    if is_markdown && !in_fence {
                        collect(text, content.start, content.end, true, body);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, content)) = fence.as_mut() {
                    *content = Some(content.map_or(span, |c| c.cover(span)));
                } else if let Some((_, text, _)) = heading.as_mut() {
                    text.push_str(&t);
                } else if let Some(item) = items.last_mut() {
                    item.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(item) = items.last_mut() {
                    item.text.push(' ');
                }
            }
            _ => {}
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_items_and_offsets() {
        let text = "xx# Title\n\n1. **First** step\n2. Second\n   - nested\n";
        let body = parse(text, 2);
        assert_eq!(body.headings[0].text, "Title");
        assert_eq!(body.headings[0].span.start, 2);
        let numbers: Vec<_> = body.items.iter().map(|i| (i.number, i.depth)).collect();
        assert_eq!(numbers, vec![(Some(1), 0), (None, 1), (Some(2), 0)]);
        let first = body
            .items
            .iter()
            .find(|i| i.number == Some(1))
            .map(|i| i.text.as_str());
        assert_eq!(first, Some("First step"));
    }

    #[test]
    fn markdown_fences_are_parsed_too() {
        let text = "# A\n\n```markdown\n## Done\n- [ ] item\n```\n";
        let body = parse(text, 0);
        let inner = body
            .headings
            .iter()
            .find(|h| h.in_fence)
            .map(|h| (h.text.as_str(), h.span.start));
        assert_eq!(inner, Some(("Done", 17)));
        let item = &body.items[0];
        assert_eq!(
            (item.task, item.in_fence, item.text.as_str()),
            (Some(false), true, "item")
        );
        assert_eq!(&text[item.span.start..item.span.start + 2], "- ");
    }
}
