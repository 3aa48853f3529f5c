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

/// The roles of an example conversation (`user: "..."`, `assistant: "..."`).
const ROLES: &[&str] = &["user", "assistant", "human"];

#[derive(Debug, Clone, PartialEq)]
pub struct Continuation {
    /// The description as YAML reads it: the `description:` line and the indented lines that
    /// continue it, from the first byte to the end of the last (line break excluded).
    pub description_line: Span,
    /// The one-line value, as written.
    pub value: Span,
    /// The lost lines: from the first line at column 0 after the description to the end of the
    /// last one before the next key Claude Code reads (line break excluded).
    pub lines: Span,
    /// The top-level keys YAML reads from the continuation lines, first occurrence order.
    pub keys: Vec<String>,
    /// The description as the author wrote it: the value and every continuation line, joined by
    /// line breaks.
    pub intended: String,
    /// The description and the lost lines rewritten as a `|` block (comment lines among them
    /// kept above it, as comments).
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

/// A top-level `key:` line's key (letters, digits, `_` and `-` at column 0, or a quoted key,
/// then `:` and a space or the line's end), as YAML would read it.
fn key_of(line: &str) -> Option<&str> {
    if let Some(quote) = line.chars().next().filter(|c| *c == '"' || *c == '\'')
        && let Some(end) = line[1..].find(quote)
    {
        let rest = &line[end + 2..];
        return (rest == ":" || rest.starts_with(": ") || rest.starts_with(":\t"))
            .then(|| &line[1..=end]);
    }
    let len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let rest = &line[len..];
    let ok = len > 0 && (rest == ":" || rest.starts_with(": ") || rest.starts_with(":\t"));
    ok.then(|| &line[..len])
}

/// Finds the pattern in the frontmatter `content` of `text`. `known` are keys the project
/// declares (`[known] keys`): like Claude Code's own keys, they end the lost lines.
pub fn find(text: &str, content: Span, known: &[String]) -> Option<Continuation> {
    let fm = text.get(content.start..content.end)?;
    // Lines of the frontmatter: offset in `text`, text without its line break, the break.
    let mut lines = Vec::new();
    let mut at = content.start;
    for raw in fm.split_inclusive('\n') {
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        lines.push((at, line, &raw[line.len()..]));
        at += raw.len();
    }
    let index = lines
        .iter()
        .position(|(_, l, _)| key_of(l) == Some("description"))?;
    let (desc_at, desc, desc_break) = lines[index];
    let after = &desc["description:".len()..];
    let value_text = after.trim();
    // Only a plain one-line value: a quoted value, a block or a flow collection is something else.
    if value_text.is_empty() || value_text.starts_with(['"', '\'', '|', '>', '[', '{', '&', '!']) {
        return None;
    }
    let value_start = desc_at + "description:".len() + (after.len() - after.trim_start().len());
    let value = Span::new(value_start, value_start + value_text.len());

    // The description YAML reads: its line and the indented (or blank) lines that follow.
    let is_key = |k: &str| crate::dialect::claude_agent::is_key(k) || known.iter().any(|x| x == k);
    let mut value_end = index;
    let mut first_lost = None;
    for (i, (_, line, _)) in lines.iter().enumerate().skip(index + 1) {
        if line.trim().is_empty() || line.starts_with([' ', '\t']) {
            if !line.trim().is_empty() {
                value_end = i;
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        first_lost = Some(i);
        break;
    }
    let first_lost = first_lost?;
    // The lost lines: up to the next key Claude Code (or the project) reads.
    let mut end = None;
    let mut text_line = false;
    let mut roles = false;
    let mut keys: Vec<String> = Vec::new();
    let mut list_owner = false;
    for (i, (_, line, _)) in lines.iter().enumerate().skip(first_lost) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            end = Some(i);
            continue;
        }
        match key_of(line) {
            Some(key) if is_key(key) => break,
            Some(key) => {
                if ROLES.contains(&key.to_ascii_lowercase().as_str()) {
                    roles = true;
                }
                if !keys.iter().any(|k| k == key) {
                    keys.push(key.to_owned());
                }
                // A key with no value may own the `- item` lines that follow it.
                list_owner = line.trim_end().ends_with(':');
            }
            // A list item at column 0 under a key is YAML, not lost text.
            None if line.starts_with("- ") && list_owner => {}
            None => {
                text_line = true;
                list_owner = false;
            }
        }
        end = Some(i);
    }
    let end = end?;
    // Unknown keys after a description are only its lost tail when the text says so: a line that
    // is no key at all, an example conversation, or an `<example>` the description leaves open.
    let read = text
        .get(desc_at..lines[value_end].0 + lines[value_end].1.len())
        .unwrap_or("");
    let open_example = read.contains("<example>") && !read.contains("</example>");
    if !(text_line || roles || open_example) {
        return None;
    }
    let line_break = if desc_break.is_empty() {
        "\n"
    } else {
        desc_break
    };
    let mut comments = String::new();
    let mut intended = value_text.to_owned();
    let mut block = format!("description: |{line_break}  {value_text}");
    for (i, (_, line, _)) in lines.iter().enumerate().take(end + 1).skip(index + 1) {
        if line.starts_with('#') {
            comments.push_str(line);
            comments.push_str(line_break);
            continue;
        }
        let line = line.trim_end();
        // Lines YAML already read as part of the description keep their words, not their indent.
        let line = if i <= value_end {
            line.trim_start()
        } else {
            line
        };
        intended.push('\n');
        intended.push_str(line);
        block.push_str(line_break);
        if !line.is_empty() {
            block.push_str("  ");
            block.push_str(line);
        }
    }
    let (last_at, last, _) = lines[end];
    let (value_end_at, value_end_line, _) = lines[value_end];
    Some(Continuation {
        description_line: Span::new(desc_at, value_end_at + value_end_line.len()),
        value,
        lines: Span::new(lines[first_lost].0, last_at + last.len()),
        keys,
        intended,
        block: comments + &block,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(fm: &str) -> Option<Continuation> {
        let text = format!("---\n{fm}---\nbody\n");
        find(&text, Span::new(4, 4 + fm.len()), &[])
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
        let c = find(&text, content, &[]).unwrap();
        assert!(c.block_reads_back(&text, content));
    }

    #[test]
    fn ordinary_unknown_keys_are_not_a_continuation() {
        assert!(of("name: a\ndescription: Reviews code\nauthor: me\nversion: 2\n").is_none());
        assert!(of("name: a\ndescription: Reviews code\n  more text\nmodel: x\n").is_none());
        assert!(of("name: a\ndescription: \"quoted\"\n<example>\n").is_none());
        assert!(of("description: ok\n# agentspec-disable-next-line AS201\ntools: x\n").is_none());
        // Review findings: indented lines are the description's; a closed example; a block
        // list; ordinary `Context:`; a quoted key.
        assert!(
            of("description: Use it. <example>\n  the user asks\n  </example>\nauthor: me\n")
                .is_none()
        );
        assert!(of("description: Use it. <example>user: hi</example>\nauthor: me\n").is_none());
        assert!(of("description: Reviews code\ntags:\n- a\n- b\n").is_none());
        assert!(of("description: Use it.\nContext: ordinary\n").is_none());
        assert!(of("description: Reviews code\n\"x-owner\": me\n").is_none());
    }

    #[test]
    fn declared_keys_end_it_and_comments_stay_comments() {
        let fm = "description: Use it <example>\nuser: \"hi\"\n# keep me\nassistant: \"ok\"\nauthor: me\n";
        let text = format!("---\n{fm}---\n");
        let c = find(&text, Span::new(4, 4 + fm.len()), &["author".to_owned()]).unwrap();
        assert_eq!(c.keys, ["user", "assistant"]);
        assert_eq!(
            c.block,
            "# keep me\ndescription: |\n  Use it <example>\n  user: \"hi\"\n  assistant: \"ok\""
        );
        // Indented lines before the lost ones: the description ends after them.
        let fm = "description: Use it. <example>\n  more folded\nuser: \"hi\"\nassistant: \"ok\"\n";
        let text = format!("---\n{fm}---\n");
        let c = find(&text, Span::new(4, 4 + fm.len()), &[]).unwrap();
        assert_eq!(
            &text[c.description_line.start..c.description_line.end],
            "description: Use it. <example>\n  more folded"
        );
        assert_eq!(
            c.intended,
            "Use it. <example>\nmore folded\nuser: \"hi\"\nassistant: \"ok\""
        );
    }

    #[test]
    fn stops_at_a_key_claude_code_reads() {
        let c = of("description: Use it\n<example>\nuser: x\n</example>\n\ntools: Read\n").unwrap();
        assert_eq!(c.intended, "Use it\n<example>\nuser: x\n</example>");
    }
}
