use crate::diagnostics::{Diagnostic, Related};
use crate::rules::ProjectEntry;

declare_rule! {
    /// ## What it does
    /// Reports an MCP tool in an agent's `tools` or a skill's or command's `allowed-tools`
    /// (`mcp__<server>__<tool>`) whose server no `.mcp.json` checked in the same run
    /// configures, or whose tool name is written elsewhere in the project with `_` and `-`
    /// swapped (`resolve_library_id` and `resolve-library-id`). A `.mcp.json` configures the
    /// files under its folder; for a file with none above it, servers are not checked (they
    /// may be the user's). The IDE's server (`ide`) is Claude Code's own.
    ///
    /// ## Why is this bad?
    /// The entry grants a tool that does not exist: the agent does not get the server's tool
    /// it was written for. Tool names are compared exactly, so of two spellings at most one is
    /// the server's.
    ///
    /// ## Example
    /// `tools: mcp__context7__resolve_library_id` in a project whose `.mcp.json` configures
    /// the server `context7` and whose other agents write `mcp__context7__resolve-library-id`.
    ///
    /// Use instead:
    /// The server's own spelling: `mcp__context7__resolve-library-id`.
    pub RULE = { code: "AS805", name: "unknown-mcp-server", label: "no such MCP server or tool", category: Config, severity: Warning, fix: None, dialects: ["claude-agent", "claude-skill", "claude-command"] }
}

/// Servers Claude Code provides itself (`mcp__ide__getDiagnostics` in an IDE session).
const BUILT_IN: &[&str] = &["ide"];

/// Server and tool names compared with `_` and `-` as one.
fn folded(s: &str) -> String {
    s.replace('-', "_").to_lowercase()
}

pub fn check(entries: &[ProjectEntry]) -> Vec<(usize, Diagnostic)> {
    // Each `.mcp.json` configures the project of its folder: the files under that folder.
    let configs: Vec<(&std::path::Path, &[String])> = entries
        .iter()
        .filter(|e| !e.mcp_servers.is_empty() || super::is_mcp_file(e.path))
        .filter_map(|e| Some((e.path.parent()?, e.mcp_servers)))
        .collect();
    let servers_of = |path: &std::path::Path| -> Option<Vec<&str>> {
        let found: Vec<&str> = configs
            .iter()
            .filter(|(dir, _)| path.starts_with(dir))
            .flat_map(|(_, s)| s.iter().map(String::as_str))
            .chain(BUILT_IN.iter().copied())
            .collect();
        configs
            .iter()
            .any(|(dir, _)| path.starts_with(dir))
            .then_some(found)
    };
    // Every spelling of every tool, per server, with where it is written.
    let mut spellings: std::collections::BTreeMap<(String, String), Vec<(usize, &str)>> =
        Default::default();
    for (i, e) in entries.iter().enumerate() {
        for (name, _) in e.mcp_tools {
            if let Some((server, Some(tool))) = parts(name) {
                spellings
                    .entry((folded(server), folded(tool)))
                    .or_default()
                    .push((i, tool));
            }
        }
    }
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let servers = servers_of(e.path);
        // One finding per unknown server of a file, at its first tool.
        let mut reported: Vec<&str> = Vec::new();
        for (name, span) in e.mcp_tools {
            let Some((server, tool)) = parts(name) else {
                continue;
            };
            if let Some(servers) = servers.as_ref().filter(|s| !s.contains(&server)) {
                if reported.contains(&server) {
                    continue;
                }
                reported.push(server);
                let near = servers.iter().find(|s| folded(s) == folded(server));
                let help = match (
                    near,
                    crate::vocab::did_you_mean(server, servers.iter().copied()),
                ) {
                    (Some(s), _) => format!("the configured server is `{s}`: `_` and `-` differ"),
                    (None, Some(s)) => format!("did you mean `{s}`?"),
                    (None, None) => format!(
                        "the servers configured: {}",
                        servers
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push((
                    i,
                    RULE.diag(
                        *span,
                        format!("no MCP server `{server}` is configured in `.mcp.json`"),
                    )
                    .with_help(help),
                ));
                continue;
            }
            let Some(tool) = tool else {
                continue;
            };
            let Some(all) = spellings.get(&(folded(server), folded(tool))) else {
                continue;
            };
            if let Some((j, other)) = all.iter().find(|(_, t)| *t != tool) {
                out.push((
                    i,
                    RULE.diag(
                        *span,
                        format!("`{tool}` is written `{other}` elsewhere: `_` and `-` differ, and at most one is the server's tool"),
                    )
                    .with_related(Related {
                        path: entries[*j].path.to_path_buf(),
                        span: crate::source::Span::empty(0),
                        message: format!("written `{other}` here"),
                    }),
                ));
            }
        }
    }
    out
}

/// The server and tool of `mcp__server__tool` (`mcp__server` and `mcp__server__*` have no
/// tool).
fn parts(name: &str) -> Option<(&str, Option<&str>)> {
    let rest = name.strip_prefix("mcp__")?;
    match rest.split_once("__") {
        Some((server, "*")) => Some((server, None)),
        Some((server, tool)) => Some((server, Some(tool))),
        None => Some((rest, None)),
    }
}
