//! The frontmatter's YAML: the only module that talks to the YAML crate.
//!
//! Claude Code 2.1.328 parses the frontmatter with a YAML 1.2 parser and, when that fails,
//! retries once on a rewritten text (values with risky characters quoted, leading tabs turned
//! into spaces; `docs/claude-code-loader.md` §2). [`parse`] does the same and records
//! what the retry had to change. When both parses fail, a line-based reader recovers the
//! top-level keys so that the other rules can still look at them.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Options};

use crate::source::Span;

/// A YAML value with the span of the node it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Byte span in the whole file.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Value {
    /// A short name for the kind of value, as users know YAML.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "map",
        }
    }

    /// The kind with its article: "a string", "an integer".
    pub fn a_kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl Node {
    pub fn key_str(&self) -> Option<&str> {
        self.value.as_str()
    }
}

/// How the frontmatter's YAML was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A strict YAML 1.2 parse succeeded.
    Strict,
    /// Only Claude Code's rewritten retry parsed; `changes` are the lines it had to rewrite
    /// that a strict parser rejects on their own.
    Lenient { changes: Vec<LenientChange> },
    /// Neither parse succeeded: Claude Code reads no field. `root` holds what the line-based
    /// reader recovered.
    Failed { error: YamlError },
}

/// One place where only the lenient retry made the YAML parse.
#[derive(Debug, Clone, PartialEq)]
pub enum LenientChange {
    /// A plain value the retry wrapped in double quotes; `quoted` is the replacement text.
    QuotedValue { value: Span, quoted: String },
    /// Leading tabs the retry turned into two spaces each.
    TabIndent { tabs: Span },
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlDoc {
    pub root: Option<Node>,
    pub outcome: Outcome,
}

/// Parses `text` (the frontmatter content) that starts at byte `base` of the file.
pub fn parse(text: &str, base: usize) -> YamlDoc {
    match parse_strict(text) {
        Ok(root) => YamlDoc {
            root: root.map(|n| n.shifted(base)),
            outcome: Outcome::Strict,
        },
        Err(_) => {
            let rewrite = rewrite_for_retry(text);
            match parse_strict(&rewrite.text) {
                Ok(root) => {
                    let root = root.map(|n| rewrite.map_node(n).shifted(base));
                    let changes = rewrite
                        .changes
                        .into_iter()
                        .filter(|c| c.needed)
                        .map(|c| c.change.shifted(base))
                        .collect();
                    YamlDoc {
                        root,
                        outcome: Outcome::Lenient { changes },
                    }
                }
                Err(second) => {
                    // Where the retry broke is what stops Claude Code; the first parse's error
                    // may be one the retry repairs (a `: ` in a plain value).
                    let at = rewrite.map_offset(break_offset(&rewrite.text, second.span.start));
                    YamlDoc {
                        root: Some(recover(text, base)),
                        outcome: Outcome::Failed {
                            error: YamlError {
                                message: second.message,
                                span: Span::new(at, at).shifted(base),
                            },
                        },
                    }
                }
            }
        }
    }
}

/// Where a YAML text that does not parse breaks: the start of the first line after the
/// longest run of whole lines that does parse (the parser's own position when it is on that
/// line). The parser places some errors at the start of the enclosing mapping (`simple key
/// expected ':'` on the first key), which points at a line that is fine.
fn break_offset(text: &str, reported: usize) -> usize {
    const MAX_LINES: usize = 400;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    if starts.len() > MAX_LINES {
        return reported;
    }
    let parsed_through = (1..starts.len())
        .rev()
        .find(|&k| parse_strict(&text[..starts[k]]).is_ok());
    let line = parsed_through.unwrap_or(0);
    let start = starts[line];
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    if (start..end).contains(&reported) {
        return reported;
    }
    let line_text = &text[start..end];
    start + (line_text.len() - line_text.trim_start().len()).min(line_text.trim_end().len())
}

/// Whether `text` is valid YAML for a strict YAML 1.2 parser (used to check fixes).
pub fn is_strict_yaml(text: &str) -> bool {
    parse_strict(text).is_ok()
}

fn options() -> Options {
    let mut options = Options::default();
    // YAML 1.2 core schema, as Bun's parser: `yes`/`no`/`on`/`off` are strings.
    options.strict_booleans = true;
    // Duplicate keys reach the visitor, so that a rule can report them.
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.with_snippet = false;
    options
}

fn parse_strict(text: &str) -> Result<Option<Node>, YamlError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match serde_saphyr::from_str_with_options::<Option<Node>>(text, options()) {
        Ok(node) => Ok(node),
        Err(err) => {
            let span = err
                .location()
                .and_then(|l| {
                    let s = l.span();
                    s.byte_offset().map(|o| {
                        let o = usize::try_from(o).unwrap_or(usize::MAX).min(text.len());
                        Span::new(o, o)
                    })
                })
                .unwrap_or_else(|| Span::empty(0));
            Err(YamlError {
                message: clean_message(&err.without_snippet().to_string()),
                span,
            })
        }
    }
}

/// The crate's messages carry their own "at line X column Y" tail; spans replace it.
fn clean_message(message: &str) -> String {
    if message.contains("budget breached") {
        return "the YAML exceeds agentspec's parsing limits (nesting deeper than 64 levels, too many nodes, or alias expansion)".to_owned();
    }
    let first = message.lines().next().unwrap_or(message).trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    let cut = cut.trim_end_matches('.').trim();
    let mut chars = cut.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".to_owned(),
    }
}

impl Node {
    fn shifted(mut self, base: usize) -> Node {
        self.map_spans(&mut |s| s.shifted(base));
        self
    }

    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        self.span = f(self.span);
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.map_spans(f)),
            Value::Map(entries) => entries.iter_mut().for_each(|e| {
                e.key.map_spans(f);
                e.value.map_spans(f);
            }),
            _ => {}
        }
    }
}

impl LenientChange {
    fn shifted(self, base: usize) -> Self {
        match self {
            LenientChange::QuotedValue { value, quoted } => LenientChange::QuotedValue {
                value: value.shifted(base),
                quoted,
            },
            LenientChange::TabIndent { tabs } => LenientChange::TabIndent {
                tabs: tabs.shifted(base),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deserializing into spanned nodes

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<Value>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let span = match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                let len = usize::try_from(len).unwrap_or(0);
                Span::new(start, start.saturating_add(len))
            }
            _ => Span::default(),
        };
        Ok(Node {
            value: spanned.value,
            span,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push(Entry { key, value });
        }
        Ok(Value::Map(entries))
    }
}

// ---------------------------------------------------------------------------------------------
// Claude Code's retry

struct PlannedChange {
    change: LenientChange,
    /// The line fails a strict parse on its own, so only the retry makes it load.
    needed: bool,
}

/// The rewritten text and a map from its offsets back to the original's.
struct Rewrite {
    text: String,
    /// `(rewritten_offset, original_offset)` at the start of each copied piece, ascending.
    anchors: Vec<(usize, usize)>,
    changes: Vec<PlannedChange>,
}

impl Rewrite {
    fn push(&mut self, piece: &str, original: usize) {
        self.anchors.push((self.text.len(), original));
        self.text.push_str(piece);
    }

    fn map_offset(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|&(r, _)| r <= offset);
        match i.checked_sub(1).and_then(|i| self.anchors.get(i)) {
            Some(&(r, o)) => o + (offset - r),
            None => offset,
        }
    }

    fn map_node(&self, mut node: Node) -> Node {
        node.map_spans(&mut |s| {
            let start = self.map_offset(s.start);
            let end = self.map_offset(s.end).max(start);
            Span::new(start, end)
        });
        node
    }
}

const TRIGGERS: &[char] = &[
    '{', '}', '[', ']', '*', '&', '#', '!', '|', '>', '%', '@', '`',
];

/// A top-level `key: value` line as the retry sees it: key of letters, `_` and `-` at
/// column 0, then `:`, whitespace, and a non-empty value. Returns the value's byte range in
/// `line`.
fn retry_value_range(line: &str) -> Option<(usize, usize)> {
    let key_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'-')
        .count();
    if key_len == 0 || line.as_bytes().get(key_len) != Some(&b':') {
        return None;
    }
    let after = &line[key_len + 1..];
    let ws = after.len() - after.trim_start_matches([' ', '\t']).len();
    if ws == 0 {
        return None;
    }
    let start = key_len + 1 + ws;
    let end = start + line[start..].trim_end().len();
    (end > start).then_some((start, end))
}

fn needs_quoting(value: &str) -> bool {
    let quoted = value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')));
    // A flow list stays a list; `[a] [b]` (an `argument-hint`) is no list, and is quoted
    // (measured with 2.1.328 and 2.1.332: such a file loads, with the value as text).
    let flow_list = value.starts_with('[')
        && value.ends_with(']')
        && matches!(
            parse_strict(value),
            Ok(Some(Node {
                value: Value::Seq(_),
                ..
            }))
        );
    !quoted && !flow_list && (value.contains(TRIGGERS) || value.contains(": "))
}

/// Double-quotes a value the way the retry does (backslashes and double quotes escaped).
pub fn double_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn rewrite_for_retry(text: &str) -> Rewrite {
    let mut rw = Rewrite {
        text: String::with_capacity(text.len() + 16),
        anchors: Vec::new(),
        changes: Vec::new(),
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let tabs = line.bytes().take_while(|&b| b == b'\t').count();
        if tabs > 0 {
            rw.push(&"  ".repeat(tabs), offset);
            rw.push(&line[tabs..], offset + tabs);
            rw.changes.push(PlannedChange {
                change: LenientChange::TabIndent {
                    tabs: Span::new(offset, offset + tabs),
                },
                needed: true,
            });
        } else if let Some((start, end)) = retry_value_range(line)
            .filter(|&(s, e)| needs_quoting(&line[s..e]))
            // The retry's line pattern ends in `(.+)$`, and `.` does not match `\r`: lines
            // with CRLF endings are never quoted.
            .filter(|_| !line.trim_end_matches('\n').ends_with('\r'))
        {
            let value = &line[start..end];
            rw.push(&line[..start], offset);
            // The quoted value maps back onto the original value.
            rw.push("\"", offset + start);
            let mut piece_start = 0;
            for (i, c) in value.char_indices() {
                if c == '\\' || c == '"' {
                    rw.push(&value[piece_start..i], offset + start + piece_start);
                    rw.push("\\", offset + start + i);
                    piece_start = i;
                }
            }
            rw.push(&value[piece_start..], offset + start + piece_start);
            rw.push("\"", offset + end);
            rw.push(&line[end..], offset + end);
            let needed = parse_strict(&line[..end]).is_err();
            rw.changes.push(PlannedChange {
                change: LenientChange::QuotedValue {
                    value: Span::new(offset + start, offset + end),
                    quoted: double_quote(value),
                },
                needed,
            });
        } else {
            rw.push(line, offset);
        }
        offset += line.len();
    }
    rw
}

// ---------------------------------------------------------------------------------------------
// Recovery when neither parse succeeds

/// Reads top-level `key: value` blocks line by line. Each block is parsed on its own; a block
/// that still fails becomes a string of its raw value text.
fn recover(text: &str, base: usize) -> Node {
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if top_level_key(line).is_some() {
            blocks.push((offset, offset + line.len()));
        } else if let Some(last) = blocks.last_mut() {
            last.1 = offset + line.len();
        }
        offset += line.len();
    }
    let mut entries = Vec::new();
    for (start, end) in blocks {
        let block = &text[start..end];
        let Some(key_len) = top_level_key(block) else {
            continue;
        };
        let key = Node {
            value: Value::Str(block[..key_len].trim_end().to_owned()),
            span: Span::new(
                base + start,
                base + start + block[..key_len].trim_end().len(),
            ),
        };
        let parsed = parse_strict(block)
            .ok()
            .flatten()
            .and_then(|node| match node.value {
                Value::Map(mut e) if e.len() == 1 => e.pop().map(|e| e.value),
                _ => None,
            });
        let value = match parsed {
            Some(v) => v.shifted(base + start),
            None => {
                let raw_start = key_len + 1;
                let raw = block[raw_start..].trim();
                let lead = block[raw_start..].len() - block[raw_start..].trim_start().len();
                let s = base + start + raw_start + lead;
                Node {
                    value: if raw.is_empty() {
                        Value::Null
                    } else {
                        Value::Str(raw.to_owned())
                    },
                    span: Span::new(s, s + raw.len()),
                }
            }
        };
        entries.push(Entry { key, value });
    }
    let span = Span::new(base, base + text.len());
    Node {
        value: Value::Map(entries),
        span,
    }
}

/// Length of the key of a top-level `key:` line (key at column 0, then `:` and a space or
/// the end of the line).
fn top_level_key(line: &str) -> Option<usize> {
    let first = line.chars().next()?;
    if !(first.is_alphanumeric() || first == '_' || first == '"' || first == '\'') {
        return None;
    }
    let colon = line.find(':')?;
    let after = &line[colon + 1..];
    (after.is_empty() || after.starts_with([' ', '\t', '\r', '\n'])).then_some(colon)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(doc: &YamlDoc) -> Vec<(String, Value)> {
        match &doc.root {
            Some(Node {
                value: Value::Map(entries),
                ..
            }) => entries
                .iter()
                .map(|e| {
                    (
                        e.key.key_str().unwrap_or("?").to_owned(),
                        e.value.value.clone(),
                    )
                })
                .collect(),
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn strict_parse_with_spans() {
        let text = "name: a\ndescription: b c\n";
        let doc = parse(text, 4);
        assert_eq!(doc.outcome, Outcome::Strict);
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = &doc.root
        else {
            panic!("not a map")
        };
        assert_eq!(entries[1].value.span, Span::new(4 + 21, 4 + 24));
        assert_eq!(entries[1].key.span, Span::new(4 + 8, 4 + 19));
    }

    #[test]
    fn crlf_lines_are_not_quoted_by_the_retry() {
        let doc = parse("name: x\r\ndescription: a: b\r\n", 0);
        assert!(matches!(doc.outcome, Outcome::Failed { .. }));
    }

    #[test]
    fn yaml_12_booleans_are_strings() {
        let doc = parse("a: yes\nb: true\nc: 42\nd:\n", 0);
        assert_eq!(
            map(&doc),
            vec![
                ("a".into(), Value::Str("yes".into())),
                ("b".into(), Value::Bool(true)),
                ("c".into(), Value::Int(42)),
                ("d".into(), Value::Null),
            ]
        );
    }

    #[test]
    fn unquoted_colon_needs_the_retry() {
        let text = "name: x\ndescription: Use when: asked\n";
        let doc = parse(text, 0);
        assert_eq!(map(&doc)[1].1, Value::Str("Use when: asked".into()));
        let Outcome::Lenient { changes } = &doc.outcome else {
            panic!("{:?}", doc.outcome)
        };
        assert_eq!(
            changes,
            &vec![LenientChange::QuotedValue {
                value: Span::new(21, 36),
                quoted: "\"Use when: asked\"".into()
            }]
        );
    }

    #[test]
    fn retry_quotes_hash_lines_too_but_only_needed_ones_are_reported() {
        let text = "a: x # y\nb: p: q\n";
        let doc = parse(text, 0);
        assert_eq!(map(&doc)[0].1, Value::Str("x # y".into()));
        let Outcome::Lenient { changes } = &doc.outcome else {
            panic!()
        };
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn spans_map_back_through_the_rewrite() {
        let text = "a: p: \"q\"\nb: ok\n";
        let doc = parse(text, 0);
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = &doc.root
        else {
            panic!()
        };
        assert_eq!(entries[1].value.span, Span::new(13, 15));
        assert_eq!(entries[0].value.value, Value::Str("p: \"q\"".into()));
    }

    #[test]
    fn failures_recover_top_level_keys() {
        let text = "name: x\ndescription: first\n<example>\nContext: c\n</example>\ntools: Read\n";
        let doc = parse("name: x\n  description: y\ntools: Read\n", 0);
        assert!(matches!(doc.outcome, Outcome::Failed { .. }));
        let keys: Vec<_> = map(&doc).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["name", "tools"]);
        let doc = parse(text, 0);
        assert!(matches!(doc.outcome, Outcome::Failed { .. }), "{doc:?}");
        let keys: Vec<_> = map(&doc).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["name", "description", "Context", "tools"]);
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let doc = parse("a: 1\na: 2\n", 0);
        assert_eq!(map(&doc).len(), 2);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("b{}", i - 1)
            };
            text.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let doc = parse(&text, 0);
        assert!(matches!(doc.outcome, Outcome::Failed { .. }));
    }
}
