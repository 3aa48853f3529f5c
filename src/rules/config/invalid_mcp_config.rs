use crate::diagnostics::Diagnostic;
use crate::parse::yaml::Value;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `.mcp.json` that Claude Code cannot use, whole or in part: not valid JSON,
    /// no `mcpServers` object, or a server that is not an object, has neither a `command` (a
    /// local server, `"type": "stdio"`, the default) nor a `url` (`"type": "http"`,
    /// `"streamable-http"`, `"sse"` or `"ws"`), lacks the one its `type` uses, or has a `type`
    /// Claude Code does not know. Claude Code skips such a server and starts the others.
    ///
    /// ## Why is this bad?
    /// The server does not start, and the tools agents list as `mcp__<server>__<tool>` are
    /// not there: an agent that relies on them fails at run time.
    ///
    /// ## Example
    /// ```json
    /// {"mcpServers": {"docs": {"args": ["-y", "@upstash/context7-mcp"]}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"mcpServers": {"docs": {"command": "npx", "args": ["-y", "@upstash/context7-mcp"]}}}
    /// ```
    pub RULE = { code: "AS804", name: "invalid-mcp-config", label: "not a server Claude Code can start", category: Config, severity: Error, fix: None, dialects: ["claude-mcp"] }
}

pub fn check(text: &str, out: &mut Vec<Diagnostic>) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        out.push(RULE.diag(Span::empty(0), format!("the file is not valid JSON: {e}")));
        return;
    }
    let Some(root) = super::tree(text) else {
        return;
    };
    let Some(servers) = super::get(&root, "mcpServers") else {
        out.push(
            RULE.diag(Span::new(0, text.len().min(1)), "the file has no `mcpServers` object")
                .with_help("write the servers under `mcpServers`: {\"mcpServers\": {\"name\": {\"command\": \"...\"}}}"),
        );
        return;
    };
    let Value::Map(entries) = &servers.value else {
        out.push(RULE.diag(servers.span, "`mcpServers` is not an object of servers"));
        return;
    };
    for (k, entry) in entries.iter().enumerate() {
        let name = entry.key.key_str().unwrap_or("");
        // A server written twice: JSON readers keep the last one.
        if entries[k + 1..]
            .iter()
            .any(|e| e.key.key_str() == Some(name))
        {
            continue;
        }
        let server = &entry.value;
        if !matches!(server.value, Value::Map(_)) {
            out.push(RULE.diag(
                entry.key.span,
                format!("the server `{name}` is not an object"),
            ));
            continue;
        }
        let kind = super::get(server, "type").and_then(|t| t.value.as_str());
        let has = |key: &str| {
            super::get(server, key)
                .is_some_and(|v| v.value.as_str().is_some_and(|s| !s.trim().is_empty()))
        };
        // The types Claude Code 2.1.328 and 2.1.332 accept: `stdio` (the default), `sse`,
        // `http` (and `streamable-http`), `ws`, and the ones it makes itself.
        let problem = match kind {
            None | Some("stdio") if !has("command") => Some(if has("url") {
                "has a `url` but no `\"type\": \"http\"` (or `\"sse\"`, `\"ws\"`): without a type it is a local server, and it has no `command`".to_owned()
            } else {
                "has no `command` to start it (or `url` with `\"type\": \"http\"`)".to_owned()
            }),
            Some(t @ ("http" | "streamable-http" | "sse" | "ws")) if !has("url") => {
                Some(format!("is of type `{t}` and has no `url`"))
            }
            None
            | Some(
                "stdio" | "http" | "streamable-http" | "sse" | "ws" | "sse-ide" | "ws-ide" | "sdk"
                | "claudeai-proxy",
            ) => None,
            Some(other) => Some(format!(
                "has the unknown type `{other}` (`stdio`, `http`, `sse` or `ws`)"
            )),
        };
        if let Some(problem) = problem {
            out.push(RULE.diag(entry.key.span, format!("the server `{name}` {problem}")));
        }
    }
}
