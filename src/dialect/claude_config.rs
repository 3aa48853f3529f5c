//! Claude Code's configuration files: the project's settings files and its MCP servers. They
//! have no frontmatter; the rules that check them read their JSON.

use super::{Dialect, Family};

/// `.claude/settings.json` and `.claude/settings.local.json`.
pub const SETTINGS: Dialect = Dialect {
    id: "claude-settings",
    label: "Claude Code settings file",
    host: "Claude Code",
    family: Family::Config,
    fields: &[],
    foreign_keys: &[],
    required: &[],
    matches: |path| {
        path.file_name()
            .is_some_and(|n| n == "settings.json" || n == "settings.local.json")
            && path
                .parent()
                .and_then(std::path::Path::file_name)
                .is_some_and(|n| n == ".claude")
    },
    example_path: ".claude/settings.json",
};

/// `.mcp.json`: the project's MCP servers.
pub const MCP: Dialect = Dialect {
    id: "claude-mcp",
    label: "MCP server configuration",
    host: "Claude Code",
    family: Family::Config,
    fields: &[],
    foreign_keys: &[],
    required: &[],
    matches: |path| path.file_name().is_some_and(|n| n == ".mcp.json"),
    example_path: ".mcp.json",
};
