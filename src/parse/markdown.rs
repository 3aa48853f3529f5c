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
    /// How many lists were seen (list ids run from 1).
    pub lists: usize,
    /// Paragraphs outside list items.
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// The text, inline markup removed; line breaks kept as `\n`.
    pub text: String,
    pub span: Span,
    /// The whole paragraph is bold (`**Testing**`).
    pub all_bold: bool,
    pub in_fence: bool,
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
    /// Which list the item belongs to (items of one list share it).
    pub list: usize,
    /// Nesting depth, 0 for a top-level item.
    pub depth: usize,
    /// The number of an ordered item, `None` for a bullet.
    pub number: Option<u64>,
    /// `Some(checked)` for a task item (`- [ ]` / `- [x]`).
    pub task: Option<bool>,
    /// The item's own text (nested lists excluded), inline markup removed.
    pub text: String,
    /// Bold text that opens the item (`1. **Commit**: ...`), if any.
    pub lead: Option<String>,
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
    // Items end (and are recorded) after their nested items: restore document order.
    body.items.sort_by_key(|i| i.span.start);
    body.paragraphs.sort_by_key(|p| p.span.start);
    body.headings.sort_by_key(|h| h.span.start);
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
    let mut list_ids: Vec<usize> = Vec::new();
    let mut paragraph: Option<(String, Span, bool, bool)> = None;
    let mut strong_depth = 0usize;
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
            Event::Start(Tag::List(first)) => {
                list_numbers.push(first);
                body.lists += 1;
                list_ids.push(body.lists);
            }
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
                list_ids.pop();
            }
            Event::Start(Tag::Paragraph) if items.is_empty() => {
                paragraph = Some((String::new(), span, true, false));
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some((text, span, all_bold, _)) = paragraph.take() {
                    body.paragraphs.push(Paragraph {
                        all_bold: all_bold && !text.trim().is_empty(),
                        text: text.trim().to_owned(),
                        span,
                        in_fence,
                    });
                }
            }
            Event::Start(Tag::Strong) => {
                strong_depth += 1;
                if let Some(item) = items.last_mut()
                    && item.text.trim().is_empty()
                    && item.lead.is_none()
                {
                    item.lead = Some(String::new());
                }
            }
            Event::End(TagEnd::Strong) => {
                strong_depth = strong_depth.saturating_sub(1);
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
                    list: list_ids.last().copied().unwrap_or(0),
                    lead: None,
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
                    item.lead = item
                        .lead
                        .map(|l| l.trim().trim_end_matches(':').trim().to_owned())
                        .filter(|l| !l.is_empty());
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
                } else if let Some((text, _, all_bold, _)) = paragraph.as_mut() {
                    text.push_str(&t);
                    if strong_depth == 0 && !t.trim().is_empty() {
                        *all_bold = false;
                    }
                } else if let Some(item) = items.last_mut() {
                    // Text inside the opening bold run extends the lead.
                    if strong_depth > 0
                        && item.lead.is_some()
                        && item.text.trim() == item.lead.as_deref().unwrap_or("").trim()
                        && let Some(lead) = item.lead.as_mut()
                    {
                        lead.push_str(&t);
                    }
                    item.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((text, _, _, _)) = paragraph.as_mut() {
                    text.push('\n');
                } else if let Some(item) = items.last_mut() {
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
        assert_eq!(numbers, vec![(Some(1), 0), (Some(2), 0), (None, 1)]);
        assert_eq!(body.items[0].lead.as_deref(), Some("First"));
        assert_eq!(body.items[0].list, body.items[1].list);
        assert_ne!(body.items[0].list, body.items[2].list);
        let first = body
            .items
            .iter()
            .find(|i| i.number == Some(1))
            .map(|i| i.text.as_str());
        assert_eq!(first, Some("First step"));
    }

    #[test]
    fn paragraphs_and_bold_lines() {
        let body = parse("**Testing**\n\nSome *text*:\n- a\n", 0);
        let p: Vec<_> = body
            .paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.all_bold))
            .collect();
        assert_eq!(p, vec![("Testing", true), ("Some text:", false)]);
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
