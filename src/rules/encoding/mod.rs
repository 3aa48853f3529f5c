//! Rules for the file's encoding.

pub mod invalid_utf8;
pub mod mojibake;
pub mod replacement_character;
