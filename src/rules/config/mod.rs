//! Rules for Claude Code's configuration files: the settings files (`.claude/settings.json`,
//! `.claude/settings.local.json`) and the project's MCP servers (`.mcp.json`). They are run by
//! the engine on those files ([`check_settings`], [`check_mcp`]) and across files
//! (`unknown_mcp_server`).

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::parse::yaml::{Node, Value};

pub mod invalid_mcp_config;
pub mod missing_hook_script;
pub mod settings_permission_rule;
pub mod unknown_mcp_server;
pub mod unknown_settings_key;

/// Whether `path` is a project's MCP configuration.
pub fn is_mcp_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == ".mcp.json")
}

/// The project folder of a settings file: the folder that holds `.claude`.
pub(crate) fn project_of_settings(path: &Path) -> Option<&Path> {
    path.parent()?.parent()
}

/// The JSON text as a tree with spans (JSON is YAML), or `None` when it is not valid JSON.
pub(crate) fn tree(text: &str) -> Option<Node> {
    serde_json::from_str::<serde_json::Value>(text).ok()?;
    crate::parse::yaml::parse(text, 0).root
}

/// The value of `key` in a map node (the last one, as JSON readers keep).
pub(crate) fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .rev()
            .find(|e| e.key.key_str() == Some(key))
            .map(|e| &e.value),
        _ => None,
    }
}

/// The diagnostics of the per-file configuration rules on a settings file.
pub fn check_settings(path: &Path, text: &str, target: &crate::release::Target) -> Vec<Diagnostic> {
    let Some(root) = tree(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    missing_hook_script::check(path, &root, &mut out);
    unknown_settings_key::check(&root, target, &mut out);
    settings_permission_rule::check(&root, &mut out);
    out
}

/// The diagnostics of the per-file rules on a `.mcp.json`.
pub fn check_mcp(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    invalid_mcp_config::check(text, &mut out);
    out
}

/// The server names a `.mcp.json` configures.
pub fn mcp_servers(text: &str) -> Vec<String> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    json.get("mcpServers")
        .and_then(serde_json::Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}
