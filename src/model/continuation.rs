//! A one-line `description:` continued on unindented lines: the shape generated agents take
//! when they keep `<example>` blocks (`user: "..."`, `assistant: "..."`) in the description.
//!
//! YAML ends a plain value at the first line that is not indented, so Claude Code reads only
//! the first line as the description. What follows is read as more keys (when every such line
//! is a `key: value` line, after Claude Code's lenient retry) or breaks the frontmatter (the
//! agent does not load). Either way it is one mistake, reported once, with one fix: the whole
//! text as a `|` block.

use crate::parse::yaml::{self, Node, Value};
use crate::source::Span;
use crate::vocab;

/// Words that start the lines of an example conversation.
const CONVERSATION: &[&str] = &[
    "user",
    "assistant",
    "human",
    "context",
    "commentary",
    "example",
    "examples",
    "ai",
    "agent",
    "claude",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Continuation {
    /// The `description:` line, from its first byte to its end (line break excluded).
    pub description_line: Span,
    /// The one-line value, as written.
    pub value: Span,
    /// The continuation lines, from the first byte of the first to the end of the last (line
    /// break excluded).
    pub lines: Span,
    /// The top-level keys YAML reads from the continuation lines, first occurrence order.
    pub keys: Vec<String>,
    /// The description as the author wrote it: the value and every continuation line, joined by
    /// line breaks.
    pub intended: String,
    /// The description line and the continuation lines rewritten as a `|` block.
    pub block: String,
}

impl Continuation {
    /// Whether `text` with the description rewritten as [`Continuation::block`] parses as
    /// strict YAML and reads back as [`Continuation::intended`] (plus the block's final line
    /// break), so that the fix keeps every word the author wrote.
    pub fn block_reads_back(&self, text: &str, content: Span) -> bool {
        let region = self.region();
        let (Some(before), Some(after)) = (
            text.get(content.start..region.start),
            text.get(region.end..content.end),
        ) else {
            return false;
        };
        let fixed = format!("{before}{}{after}", self.block);
        let doc = yaml::parse(&fixed, 0);
        if doc.outcome != yaml::Outcome::Strict {
            return false;
        }
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = &doc.root
        else {
            return false;
        };
        let descriptions: Vec<&Node> = entries
            .iter()
            .filter(|e| e.key.key_str() == Some("description"))
            .map(|e| &e.value)
            .collect();
        let expected = self.intended.clone() + "\n";
        matches!(descriptions.as_slice(), [d] if d.value.as_str() == Some(expected.as_str()))
    }

    /// Everything the mistake covers: the description line and its continuation lines.
    pub fn region(&self) -> Span {
        Span::new(self.description_line.start, self.lines.end)
    }
}

/// A top-level `key:` line's key (letters, digits, `_` and `-` at column 0, then `:` and a space
/// or the line's end), as YAML would read it.
fn key_of(line: &str) -> Option<&str> {
    let len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let rest = line.get(len..)?;
    let ok = len > 0
        && (rest == ":" || rest.starts_with(": ") || rest.starts_with(":\t") || rest == ":\r");
    ok.then(|| &line[..len])
}

/// Finds the pattern in the frontmatter `content` of `text`.
pub fn find(text: &str, content: Span) -> Option<Continuation> {
    let fm = text.get(content.start..content.end)?;
    // Lines of the frontmatter with their offsets in `text`.
    let mut lines = Vec::new();
    let mut at = content.start;
    for raw in fm.split_inclusive('\n') {
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        lines.push((at, line));
        at += raw.len();
    }
    let index = lines
        .iter()
        .position(|(_, l)| key_of(l) == Some("description"))?;
    let (desc_at, desc) = lines[index];
    let after = &desc["description:".len()..];
    let value_text = after.trim();
    // Only a plain one-line value: a quoted value, a block or a flow collection is something else.
    if value_text.is_empty() || value_text.starts_with(['"', '\'', '|', '>', '[', '{', '&', '!']) {
        return None;
    }
    let value_start = desc_at + "description:".len() + (after.len() - after.trim_start().len());
    let value = Span::new(value_start, value_start + value_text.len());

    // The continuation: every following line up to the next key Claude Code reads.
    let mut end = index;
    let mut unindented_text = false;
    let mut conversation = false;
    let mut keys: Vec<String> = Vec::new();
    for (i, (_, line)) in lines.iter().enumerate().skip(index + 1) {
        // A comment is YAML's, not the description's (`# agentspec-disable-next-line`).
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() || line.starts_with([' ', '\t']) {
            if !line.trim().is_empty() {
                end = i;
            }
            continue;
        }
        match key_of(line) {
            Some(key) if vocab::FRONTMATTER_KEYS.contains(&key) => break,
            Some(key) => {
                if CONVERSATION.contains(&key.to_ascii_lowercase().as_str()) {
                    conversation = true;
                }
                if !keys.iter().any(|k| k == key) {
                    keys.push(key.to_owned());
                }
            }
            None => unindented_text = true,
        }
        end = i;
    }
    if end == index {
        return None;
    }
    // Unknown keys after a description are only its lost tail when the text says so: a line that
    // is no key at all, an example conversation, or an `<example>` in the description.
    let example = value_text.contains("<example>");
    if !(unindented_text || conversation || example) {
        return None;
    }
    let first = lines[index + 1].0;
    let (last_at, last) = lines[end];
    let line_break = if text[desc_at..].contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut intended = value_text.to_owned();
    let mut block = format!("description: |{line_break}  {value_text}");
    for (_, line) in &lines[index + 1..=end] {
        let line = line.trim_end();
        intended.push('\n');
        intended.push_str(line);
        block.push_str(line_break);
        if !line.is_empty() {
            block.push_str("  ");
            block.push_str(line);
        }
    }
    Some(Continuation {
        description_line: Span::new(desc_at, desc_at + desc.len()),
        value,
        lines: Span::new(first, last_at + last.len()),
        keys,
        intended,
        block,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(fm: &str) -> Option<Continuation> {
        let text = format!("---\n{fm}---\nbody\n");
        find(&text, Span::new(4, 4 + fm.len()))
    }

    #[test]
    fn example_lines_are_the_description_tail() {
        let c = of("name: a\ndescription: Use it. <example>\nuser: \"hi\"\n\nassistant: \"ok\"\n</example>\nmodel: sonnet\n").unwrap();
        assert_eq!(c.keys, ["user", "assistant"]);
        assert_eq!(
            c.intended,
            "Use it. <example>\nuser: \"hi\"\n\nassistant: \"ok\"\n</example>"
        );
        assert_eq!(
            c.block,
            "description: |\n  Use it. <example>\n  user: \"hi\"\n\n  assistant: \"ok\"\n  </example>"
        );
    }

    #[test]
    fn the_block_reads_back_as_written() {
        let fm = "name: a\ndescription: Use it: now. <example>\nuser: \"hi \\ there\"\n\nassistant: 'ok' # no comment\n</example>\nmodel: sonnet\n";
        let text = format!("---\n{fm}---\n");
        let content = Span::new(4, 4 + fm.len());
        let c = find(&text, content).unwrap();
        assert!(c.block_reads_back(&text, content));
    }

    #[test]
    fn ordinary_unknown_keys_are_not_a_continuation() {
        assert!(of("name: a\ndescription: Reviews code\nauthor: me\nversion: 2\n").is_none());
        assert!(of("name: a\ndescription: Reviews code\n  more text\nmodel: x\n").is_none());
        assert!(of("name: a\ndescription: \"quoted\"\n<example>\n").is_none());
        assert!(of("description: ok\n# agentspec-disable-next-line AS201\ntools: x\n").is_none());
    }

    #[test]
    fn stops_at_a_key_claude_code_reads() {
        let c = of("description: Use it\n<example>\nuser: x\n</example>\n\ntools: Read\n").unwrap();
        assert_eq!(c.intended, "Use it\n<example>\nuser: x\n</example>");
    }
}
