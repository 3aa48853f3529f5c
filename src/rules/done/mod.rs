//! Rules for the Definition of Done read from the body.

pub mod duplicate_done_item;
pub mod empty_done_group;
pub mod missing_definition_of_done;
