//! The settings that apply to one file, resolved from `agentspec.toml` by
//! `Config::for_path` in the configuration module: what the rules read.

use crate::diagnostics::Severity;
use crate::model::protocol::{StepKind, Vocabulary};
use crate::release::Target;

use super::RULES;

/// What applies to one file.
#[derive(Debug, Clone)]
pub struct FileSettings {
    /// Effective severity per rule (index into [`RULES`]); `None` = the rule is off.
    pub rules: Vec<Option<Severity>>,
    pub tools_allow: Option<Vec<String>>,
    pub require_explicit: bool,
    pub known_tools: Vec<String>,
    pub known_keys: Vec<String>,
    pub known_models: Vec<String>,
    /// Step kinds the protocol must have.
    pub required_steps: Vec<StepKind>,
    pub done_required: bool,
    pub vocabulary: Vocabulary,
    /// The Claude Code releases whose behaviour is predicted.
    pub claude_code: Target,
}

impl FileSettings {
    /// A hash of everything that decides what checking a file finds, for the cache key.
    pub fn fingerprint(&self) -> u128 {
        let v = &self.vocabulary;
        let text = format!(
            "{:?}",
            (
                &self.rules,
                &self.tools_allow,
                self.require_explicit,
                &self.known_tools,
                &self.known_keys,
                &self.known_models,
                &self.required_steps,
                self.done_required,
                (&v.protocol_headings, &v.done_headings, &v.lexicon),
                &self.claude_code,
            )
        );
        xxhash_rust::xxh3::xxh3_128(text.as_bytes())
    }
}

impl Default for FileSettings {
    fn default() -> Self {
        Self {
            rules: RULES.iter().map(|r| Some(r.meta.severity)).collect(),
            tools_allow: None,
            require_explicit: false,
            known_tools: Vec::new(),
            known_keys: Vec::new(),
            known_models: Vec::new(),
            required_steps: Vec::new(),
            done_required: false,
            vocabulary: Vocabulary::default(),
            claude_code: Target::default(),
        }
    }
}

impl FileSettings {
    pub fn severity_of(&self, code: &str) -> Option<Severity> {
        RULES
            .iter()
            .position(|r| r.meta.code == code)
            .and_then(|i| self.rules.get(i).copied().flatten())
    }
}
