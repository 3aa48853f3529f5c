//! A TOML agent file (Codex's `.codex/agents/*.toml`) read into the same document shape as a
//! Markdown agent: its top-level table as the "frontmatter" tree (with the spans of keys and
//! values, so that the key, type and value rules point at the TOML), and the text of
//! `developer_instructions` as the body, where protocols and Definitions of Done are read.
//!
//! The body is the string's text in the file: exact for a literal string and for a basic
//! string without escapes (how instructions are written); an escape (`\"`, `\n`) is read as
//! written.

use std::sync::OnceLock;

use super::ParsedDoc;
use super::frontmatter::Frontmatter;
use super::yaml::{Entry, Node, Outcome, Value, YamlDoc, YamlError};
use crate::source::Span;

/// The key whose string is the agent's instructions.
pub const BODY_KEY: &str = "developer_instructions";

pub fn parse(text: &str) -> ParsedDoc {
    let whole = Frontmatter {
        open: Span::empty(0),
        content: Span::new(0, text.len()),
        close: Span::empty(text.len()),
        closes_mid_line: false,
    };
    let end = text.len();
    match toml_edit::Document::parse(text) {
        Ok(doc) => {
            let table = doc.as_table();
            let mut entries = Vec::new();
            let mut body = (end, end);
            for (key, item) in table.iter() {
                let key_span = table
                    .key(key)
                    .and_then(toml_edit::Key::span)
                    .map_or_else(|| Span::empty(0), |r| Span::new(r.start, r.end));
                let value = node(item, key_span);
                if key == BODY_KEY
                    && let Some(range) = item.span()
                {
                    body = string_content(text, range.start, range.end);
                }
                entries.push(Entry {
                    key: Node {
                        value: Value::Str(key.to_owned()),
                        span: key_span,
                    },
                    value,
                });
            }
            ParsedDoc {
                frontmatter: Ok(whole),
                yaml: Some(YamlDoc {
                    root: Some(Node {
                        value: Value::Map(entries),
                        span: Span::new(0, end),
                    }),
                    outcome: Outcome::Strict,
                }),
                body_start: body.0,
                body_end: body.1,
                body: OnceLock::new(),
            }
        }
        Err(e) => {
            let span = e.span().map_or_else(
                || Span::empty(0),
                |r| Span::new(r.start, r.end.max(r.start)),
            );
            ParsedDoc {
                frontmatter: Ok(whole),
                yaml: Some(YamlDoc {
                    root: None,
                    outcome: Outcome::Failed {
                        error: YamlError {
                            message: e.message().to_owned(),
                            span,
                        },
                    },
                }),
                body_start: end,
                body_end: end,
                body: OnceLock::new(),
            }
        }
    }
}

/// The text of a string value spanning `start..end` of `text`, without its quotes (and the
/// newline a multi-line string starts with).
fn string_content(text: &str, start: usize, end: usize) -> (usize, usize) {
    let raw = text.get(start..end).unwrap_or_default();
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if raw.len() >= 2 * quote.len() && raw.starts_with(quote) && raw.ends_with(quote) {
            let mut s = start + quote.len();
            let e = end - quote.len();
            if quote.len() == 3 {
                if text[s..e].starts_with("\r\n") {
                    s += 2;
                } else if text[s..e].starts_with('\n') {
                    s += 1;
                }
            }
            return (s, e);
        }
    }
    (end, end)
}

fn span_of(item_span: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
    item_span.map_or(fallback, |r| Span::new(r.start, r.end))
}

fn node(item: &toml_edit::Item, fallback: Span) -> Node {
    match item {
        toml_edit::Item::Value(v) => value_node(v, fallback),
        toml_edit::Item::Table(t) => table_node(t, span_of(t.span(), fallback)),
        toml_edit::Item::ArrayOfTables(a) => Node {
            value: Value::Seq(
                a.iter()
                    .map(|t| table_node(t, span_of(t.span(), fallback)))
                    .collect(),
            ),
            span: span_of(a.span(), fallback),
        },
        toml_edit::Item::None => Node {
            value: Value::Null,
            span: fallback,
        },
    }
}

fn table_node(t: &toml_edit::Table, span: Span) -> Node {
    Node {
        value: Value::Map(entries(t.iter(), |k| t.key(k), span, node)),
        span,
    }
}

/// The entries of a table, each key with its span (else `span`) and its value read by `read`.
fn entries<'a, T: 'a>(
    items: impl Iterator<Item = (&'a str, &'a T)>,
    key: impl Fn(&str) -> Option<&'a toml_edit::Key>,
    span: Span,
    read: fn(&T, Span) -> Node,
) -> Vec<Entry> {
    items
        .map(|(k, item)| {
            let key_span = key(k)
                .and_then(toml_edit::Key::span)
                .map_or(span, |r| Span::new(r.start, r.end));
            Entry {
                key: Node {
                    value: Value::Str(k.to_owned()),
                    span: key_span,
                },
                value: read(item, key_span),
            }
        })
        .collect()
}

fn value_node(v: &toml_edit::Value, fallback: Span) -> Node {
    let span = span_of(v.span(), fallback);
    let value = match v {
        toml_edit::Value::String(s) => Value::Str(s.value().clone()),
        toml_edit::Value::Integer(i) => Value::Int(i128::from(*i.value())),
        toml_edit::Value::Float(f) => Value::Float(*f.value()),
        toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Value::Str(d.value().to_string()),
        toml_edit::Value::Array(a) => Value::Seq(a.iter().map(|x| value_node(x, span)).collect()),
        toml_edit::Value::InlineTable(t) => {
            Value::Map(entries(t.iter(), |k| t.key(k), span, value_node))
        }
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instructions_are_the_body_and_keys_have_spans() {
        let text = "name = \"rev\"\ndescription = 'Reviews'\ndeveloper_instructions = \"\"\"\n## Protocol\n\n1. Read.\n\"\"\"\n";
        let doc = parse(text);
        assert_eq!(
            &text[doc.body_start..doc.body_end],
            "## Protocol\n\n1. Read.\n"
        );
        let root = doc.yaml.unwrap().root.unwrap();
        let Value::Map(entries) = root.value else {
            panic!()
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(
            &text[entries[0].key.span.start..entries[0].key.span.end],
            "name"
        );
        assert_eq!(entries[1].value.value, Value::Str("Reviews".into()));
    }

    #[test]
    fn a_syntax_error_is_a_failed_parse() {
        let doc = parse("name = \n");
        assert!(matches!(doc.yaml.unwrap().outcome, Outcome::Failed { .. }));
        assert_eq!(doc.body_start, doc.body_end);
    }
}
