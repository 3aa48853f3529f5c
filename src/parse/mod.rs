//! Text to [`ParsedDoc`]: frontmatter, YAML and Markdown body. Malformed input becomes data,
//! never an error.

pub mod frontmatter;
pub mod markdown;
pub mod mojibake;
pub mod toml_doc;
pub mod yaml;

use std::sync::OnceLock;

use frontmatter::{Frontmatter, NoFrontmatter, Split};
use markdown::Body;
use yaml::YamlDoc;

/// Everything read from one file's text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDoc {
    pub frontmatter: Result<Frontmatter, NoFrontmatter>,
    /// The frontmatter's YAML, when there is a frontmatter.
    pub yaml: Option<YamlDoc>,
    /// Byte offset where the body (the system prompt) starts.
    pub body_start: usize,
    /// Byte offset where it ends: the end of the file, but in a TOML agent, whose body is
    /// one string value.
    pub body_end: usize,
    /// The body's Markdown structure, parsed the first time a rule asks for it.
    body: OnceLock<Body>,
}

impl ParsedDoc {
    /// The body's headings, list items and code fences; `text` is the text `self` was
    /// parsed from.
    pub fn body(&self, text: &str) -> &Body {
        self.body.get_or_init(|| {
            markdown::parse(&text[..self.body_end.min(text.len())], self.body_start)
        })
    }
}

/// A file of `dialect` parsed: a TOML agent's table and instructions, else frontmatter and
/// Markdown.
pub fn parse_as(text: &str, toml: bool) -> ParsedDoc {
    if toml {
        toml_doc::parse(text)
    } else {
        parse(text)
    }
}

pub fn parse(text: &str) -> ParsedDoc {
    match frontmatter::split(text) {
        Split::Found(fm) => {
            let content = &text[fm.content.start..fm.content.end];
            let yaml = yaml::parse(content, fm.content.start);
            ParsedDoc {
                body_start: frontmatter::body_start(text, &fm),
                body_end: text.len(),
                frontmatter: Ok(fm),
                yaml: Some(yaml),
                body: OnceLock::new(),
            }
        }
        Split::Missing(why) => ParsedDoc {
            frontmatter: Err(why),
            yaml: None,
            body_start: frontmatter::content_start(text),
            body_end: text.len(),
            body: OnceLock::new(),
        },
    }
}

/// Frontmatter on line 1 with a top-level `name:` key.
pub fn opens_with_named_frontmatter(bytes: &[u8]) -> bool {
    opens_with_frontmatter_key(bytes, &["name"])
}

/// Whether the bytes open with frontmatter (a `---` line first, in the first 8 KiB) holding
/// a top-level key of `keys` before it closes; with no `keys`, any top-level key.
pub fn opens_with_frontmatter_key(bytes: &[u8], keys: &[&str]) -> bool {
    frontmatter_keys(bytes).is_some_and(|found| {
        found
            .iter()
            .any(|k| keys.is_empty() || keys.contains(&k.as_str()))
    })
}

/// The top-level keys of the frontmatter the bytes open with (in the first 8 KiB, up to its
/// closing `---`); `None` when they do not open with `---`.
pub fn frontmatter_keys(bytes: &[u8]) -> Option<Vec<String>> {
    let head = &bytes[..bytes.len().min(8192)];
    let text = String::from_utf8_lossy(head);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return None;
    }
    let mut keys = Vec::new();
    for line in lines {
        if line.trim_end() == "---" {
            break;
        }
        if let Some((key, _)) = line.split_once(':')
            && !key.is_empty()
            && !key.starts_with([' ', '\t', '#', '-'])
        {
            keys.push(key.to_owned());
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_body_is_parsed_on_demand_from_after_the_frontmatter() {
        let text = "---\nname: a\n---\n# Title\n";
        let doc = super::parse(text);
        assert_eq!(doc.body_start, 16);
        assert_eq!(doc.body(text).headings[0].text, "Title");
    }
}
