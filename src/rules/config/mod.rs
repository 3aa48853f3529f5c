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

/// The server names a `.mcp.json` configures, as tool names carry them: characters other than
/// letters, digits, `_` and `-` become `_`, as Claude Code writes them; a plugin's servers are
/// also known as `plugin_<plugin>_<server>`.
pub fn mcp_servers(path: &Path, text: &str) -> Vec<String> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let normalize = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let plugin = path
        .parent()
        .filter(|dir| dir.join(".claude-plugin").join("plugin.json").is_file())
        .and_then(Path::file_name)
        .map(|n| normalize(&n.to_string_lossy()));
    let names = json
        .get("mcpServers")
        .and_then(serde_json::Value::as_object)
        .map(|m| m.keys().map(|k| normalize(k)).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut out = names.clone();
    if let Some(plugin) = plugin {
        out.extend(names.iter().map(|n| format!("plugin_{plugin}_{n}")));
    }
    out
}
