//! Rules for the protocol steps read from the body.

pub mod inconsistent_protocols;
pub mod missing_protocol_step;
pub mod protocol_needs_tool;
pub mod protocol_numbering;
pub mod protocol_order;
pub mod unclassified_step;
pub mod unknown_step_reference;
