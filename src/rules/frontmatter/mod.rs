//! Rules for frontmatter keys and values.

pub mod description_continuation;
pub mod duplicate_key;
pub mod frontmatter_closed_mid_line;
pub mod ignored_hook_entry;
pub mod invalid_field_value;
pub mod invalid_value_type;
pub mod lenient_yaml;
pub mod skill_tools_key;
pub mod unknown_hook_event;
pub mod unknown_key;
pub mod unknown_model;
