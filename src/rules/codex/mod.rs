//! Rules for OpenAI Codex CLI's custom agent files (`.codex/agents/*.toml`), from what Codex
//! 0.169.0 did with each probe of `fixtures/codex-agents/`.

pub mod codex_agent_rejected;
pub mod codex_agent_setting;
