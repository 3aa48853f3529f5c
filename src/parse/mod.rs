//! Text to [`ParsedDoc`]: frontmatter, YAML and Markdown body. Malformed input becomes data,
//! never an error.

pub mod frontmatter;
pub mod markdown;
pub mod yaml;

use frontmatter::{Frontmatter, NoFrontmatter, Split};
use markdown::Body;
use yaml::YamlDoc;

/// Everything read from one file's text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDoc {
    pub frontmatter: Result<Frontmatter, NoFrontmatter>,
    /// The frontmatter's YAML, when there is a frontmatter.
    pub yaml: Option<YamlDoc>,
    pub body: Body,
}

pub fn parse(text: &str) -> ParsedDoc {
    match frontmatter::split(text) {
        Split::Found(fm) => {
            let content = &text[fm.content.start..fm.content.end];
            let yaml = yaml::parse(content, fm.content.start);
            let body = markdown::parse(text, frontmatter::body_start(text, &fm));
            ParsedDoc {
                frontmatter: Ok(fm),
                yaml: Some(yaml),
                body,
            }
        }
        Split::Missing(why) => ParsedDoc {
            frontmatter: Err(why),
            yaml: None,
            body: markdown::parse(text, frontmatter::content_start(text)),
        },
    }
}
