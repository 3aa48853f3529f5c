//! The tools Claude Code really grants an agent, seat by seat: what `tools` and
//! `disallowedTools` allow ([`super::inspect::effective_tools`]), narrowed to what the release
//! offers in that seat ([`crate::release::Release::offered`]).

use schemars::JsonSchema;
use serde::Serialize;

use super::AgentSpec;
use super::inspect::{EffectiveTools, effective_tools};
use crate::release::{Offered, Release, Seat};

/// The tools an agent is granted in each seat, by one release.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Grants {
    /// The Claude Code release this is for.
    pub release: String,
    /// Started through the `Agent` tool in a headless session (`claude -p`).
    pub subagent: Grant,
    /// The session's own agent (`claude -p --agent NAME`).
    pub main: Grant,
    /// Started through the `Agent` tool in an interactive session (it runs in the background).
    pub interactive_subagent: Grant,
    /// The interactive session's own agent (`claude --agent NAME`).
    pub interactive_main: Grant,
    /// MCP tools the agent names: granted when their server is connected.
    pub mcp: Vec<String>,
    /// Why a tool the agent names is not granted in some seat.
    pub notes: Vec<GrantNote>,
}

/// The built-in tools one seat gets, sorted; or why Claude Code will not start the agent there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Grant {
    Tools(Vec<String>),
    NotStarted { not_started: String },
}

impl Grant {
    pub fn tools(&self) -> &[String] {
        match self {
            Grant::Tools(t) => t,
            Grant::NotStarted { .. } => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct GrantNote {
    pub tool: String,
    pub why: String,
}

/// The grants of `spec` in `release`.
pub fn grants(spec: &AgentSpec, release: &Release) -> Grants {
    let tools = effective_tools(spec);
    let named_any = spec.tools.as_ref().is_some_and(|l| !l.entries.is_empty());
    let mcp: Vec<String> = tools
        .allowed
        .iter()
        .filter(|r| r.starts_with("mcp__"))
        .cloned()
        .collect();
    let seat = |seat: Seat| {
        let granted = granted_in(&tools, release, seat);
        if seat.subagent && granted.is_empty() && named_any && mcp.is_empty() {
            Grant::NotStarted {
                not_started: "none of its tools is granted, and Claude Code does not start a subagent with zero tools".to_owned(),
            }
        } else {
            Grant::Tools(granted)
        }
    };
    let [sub, main, isub, imain] = Seat::ALL.map(seat);
    Grants {
        release: release.version.to_string(),
        notes: notes(&tools, release),
        subagent: sub,
        main,
        interactive_subagent: isub,
        interactive_main: imain,
        mcp,
    }
}

/// The tool a permission rule names (`Bash(git *)` → `Bash`).
fn tool_of(rule: &str) -> &str {
    rule.split_once('(').map_or(rule, |(t, _)| t)
}

fn offered_in(offered: Offered, seat: Seat, named: bool) -> bool {
    match offered {
        Offered::Always => true,
        Offered::Main => !seat.subagent,
        Offered::InteractiveMain => seat.interactive && !seat.subagent,
        Offered::Foreground => !(seat.interactive && seat.subagent),
        Offered::NamedWithoutBash => named,
        Offered::Feature => false,
    }
}

/// The built-in tools `tools` come to in `seat`, sorted.
pub fn granted_in(tools: &EffectiveTools, release: &Release, seat: Seat) -> Vec<String> {
    let bash_removed = tools.removed.iter().any(|r| r == "Bash");
    let gone = |t: &str| {
        tools.removed.iter().any(|r| r == t)
            || (bash_removed && release.removed_with_bash().contains(&t))
    };
    let mut granted: Vec<String> = if tools.inherits_all {
        release
            .offered_tools()
            .filter(|(t, o)| offered_in(*o, seat, false) && !gone(t))
            .map(|(t, _)| t.to_owned())
            .collect()
    } else {
        tools
            .allowed
            .iter()
            .map(|r| tool_of(r))
            .filter(|t| {
                release
                    .offered(t)
                    .is_some_and(|o| offered_in(o, seat, true))
                    && !gone(t)
            })
            .map(str::to_owned)
            .collect()
    };
    granted.sort();
    granted.dedup();
    if granted.iter().any(|t| t == "Bash") {
        granted.retain(|t| release.offered(t) != Some(Offered::NamedWithoutBash));
    }
    if !granted.iter().any(|t| release.deferred(t)) {
        granted.retain(|t| t != "ToolSearch");
    }
    granted
}

/// Every built-in tool granted in some seat: what a policy may allow.
pub fn granted_anywhere(tools: &EffectiveTools, release: &Release) -> Vec<String> {
    let mut all: Vec<String> = Seat::ALL
        .into_iter()
        .flat_map(|seat| granted_in(tools, release, seat))
        .collect();
    all.sort();
    all.dedup();
    all
}

fn notes(tools: &EffectiveTools, release: &Release) -> Vec<GrantNote> {
    let version = release.version;
    let anywhere = granted_anywhere(tools, release);
    let bash = anywhere.iter().any(|t| t == "Bash");
    let loads_some = anywhere.iter().any(|t| release.deferred(t));
    let bash_removed = tools.removed.iter().any(|r| r == "Bash");
    let mut notes = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for rule in &tools.allowed {
        let tool = tool_of(rule);
        if tool.starts_with("mcp__") || seen.contains(&tool) {
            continue;
        }
        seen.push(tool);
        let why = match release.offered(tool) {
            None => format!("Claude Code {version} offers it in no session (headless or interactive, main agent or subagent): the entry grants nothing"),
            Some(Offered::Feature) => format!(
                "offered only with {}; not in a default Claude Code {version} session",
                crate::release::feature_of(tool)
            ),
            Some(Offered::Main) => "offered only to the session's own agent (`claude --agent NAME`), not to a subagent".to_owned(),
            Some(Offered::InteractiveMain) => "offered only to the session's own agent in an interactive session (`claude --agent NAME`), not headless (`-p`) nor to a subagent".to_owned(),
            Some(Offered::Foreground) => "not offered to a subagent of an interactive session (those run in the background)".to_owned(),
            Some(Offered::NamedWithoutBash) if bash => "not next to `Bash` (measured on Linux; Claude Code then searches through `Bash`); a bundle still allows it, as other platforms grant it".to_owned(),
            Some(_) if release.removed_with_bash().contains(&tool) && bash_removed => "removed with `Bash` by `disallowedTools`".to_owned(),
            Some(_) if tool == "ToolSearch" && !loads_some => "granted only with a tool it loads (`WebFetch`, `WebSearch`, `NotebookEdit`, ...)".to_owned(),
            Some(_) => continue,
        };
        notes.push(GrantNote {
            tool: tool.to_owned(),
            why,
        });
    }
    notes
}
