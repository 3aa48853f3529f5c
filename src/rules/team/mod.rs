//! Rules that enforce the team's policy from `agentspec.toml`; they do nothing without it.

pub mod implicit_tools;
pub mod tool_not_allowed;
