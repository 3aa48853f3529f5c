//! The hosts: each turns its own input into the engine's calls and the engine's outcomes into
//! its replies, and owns what only it knows (its settings, files, install and doctor).

pub mod claude_code;
pub mod codex;
pub mod events;
