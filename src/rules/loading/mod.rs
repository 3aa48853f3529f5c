//! Rules for files Claude Code will not load.

pub mod duplicate_name;
pub mod frontmatter_not_on_first_line;
pub mod invalid_hooks;
pub mod invalid_name;
pub mod invalid_yaml;
pub mod missing_description;
pub mod missing_name;
pub mod no_frontmatter;
pub mod not_markdown;
pub mod settings_skipped;
pub mod unclosed_frontmatter;
pub mod unreadable_file;
