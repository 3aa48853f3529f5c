//! Inline suppression comments and the rule that reports unused ones.

pub mod unused_suppression;
