//! The pure decision core: `decide(policy, state, event) -> (decision, new state)`.
//!
//! No clock, environment or IO in here: everything the runner knows about the world arrives in
//! the event, so the same inputs always give the same decisions (replays are exact).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::permission::specifier_matches;
use super::{AgentPolicy, GateAction, PermissionRule, Verify};

/// Claude Code stops honouring Stop blocks after this many in a row.
pub const MAX_CONSECUTIVE_STOP_BLOCKS: u32 = 8;

/// What happened, as the runner learns it from the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    SessionStart,
    UserPrompt {
        text: String,
    },
    ToolRequested {
        tool: String,
        #[serde(default)]
        input: serde_json::Value,
    },
    ToolFinished {
        tool: String,
        #[serde(default)]
        input: serde_json::Value,
        success: bool,
        #[serde(default)]
        summary: String,
    },
    AgentMessage {
        text: String,
    },
    StopRequested {
        #[serde(default)]
        last_message: String,
        #[serde(default)]
        stop_hook_active: bool,
    },
}

/// What the runner answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Decision {
    Allow,
    Deny {
        reason: String,
        rule: String,
    },
    Ask {
        reason: String,
    },
    /// Refuse to stop (or to take the prompt).
    Block {
        reason: String,
        rule: String,
    },
}

/// The runner's memory of one session (one agent in it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// Events seen so far; used as a logical clock.
    pub seq: u64,
    /// Protocol states passed (`step-3`, ...).
    pub passed: BTreeSet<String>,
    /// The agent asked for approval and no answer has come yet.
    pub approval_requested: bool,
    /// The user answered with the approval token after the request.
    pub approved: bool,
    /// `seq` of the last successful edit, and of the last passing test run.
    pub last_edit: u64,
    pub last_test_pass: u64,
    /// A `git commit` succeeded.
    pub committed: bool,
    /// Stop blocks in a row (reset by any other event).
    pub consecutive_stop_blocks: u32,
    /// The agent finished with these Definition-of-Done items unmet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finished_unmet: Vec<String>,
}

const EDIT_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];
const TEST_COMMANDS: &[&str] = &[
    "npm test",
    "npm run test",
    "yarn test",
    "pnpm test",
    "npx jest",
    "npx vitest",
    "jest",
    "vitest",
    "pytest",
    "python -m pytest",
    "cargo test",
    "cargo nextest",
    "go test",
    "make test",
    "mvn test",
    "gradle test",
    "./gradlew test",
    "bundle exec rspec",
    "rspec",
    "dotnet test",
    "deno test",
    "bun test",
];

fn command_of(input: &serde_json::Value) -> &str {
    input
        .get("command")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

/// Splits a shell command into simple commands on `&&`, `||`, `;`, `|`, newlines, `$(...)`
/// and backticks, dropping leading `VAR=value` assignments.
pub fn subcommands(command: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = command.chars().peekable();
    let (mut single, mut double) = (false, false);
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => {
                single = !single;
                current.push(c);
            }
            '"' if !single => {
                double = !double;
                current.push(c);
            }
            '&' | '|' | ';' | '\n' | '`' | '(' | ')' if !single && !double => {
                if c == '(' && current.ends_with('$') {
                    current.pop();
                }
                if (c == '&' || c == '|') && chars.peek() == Some(&c) {
                    chars.next();
                }
                parts.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| strip_assignments(p.trim()).to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn strip_assignments(mut s: &str) -> &str {
    loop {
        let word_end = s.find(char::is_whitespace).unwrap_or(s.len());
        let word = &s[..word_end];
        let is_assignment = word.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !is_assignment || word_end == s.len() {
            return s;
        }
        s = s[word_end..].trim_start();
    }
}

/// Whether a rule covers a tool call (every sub-command, for Bash).
fn rule_matches(rule: &PermissionRule, tool: &str, input: &serde_json::Value) -> bool {
    if !rule.names_tool(tool) {
        return false;
    }
    match &rule.specifier {
        None => true,
        Some(spec) if tool == "Bash" => {
            let subs = subcommands(command_of(input));
            !subs.is_empty() && subs.iter().all(|c| specifier_matches(spec, c))
        }
        Some(spec) => {
            let target = ["file_path", "path", "url", "pattern"]
                .iter()
                .find_map(|k| input.get(*k).and_then(serde_json::Value::as_str))
                .unwrap_or("");
            specifier_matches(spec, target)
        }
    }
}

/// Whether any sub-command of a Bash call matches the rule (for gates).
fn any_subcommand_matches(rule: &PermissionRule, tool: &str, input: &serde_json::Value) -> bool {
    if rule.tool != tool {
        return false;
    }
    match (&rule.specifier, tool) {
        (None, _) => true,
        (Some(spec), "Bash") => subcommands(command_of(input))
            .iter()
            .any(|c| specifier_matches(spec, c)),
        (Some(_), _) => rule_matches(rule, tool, input),
    }
}

fn is_test_command(command: &str) -> bool {
    subcommands(command).iter().any(|c| {
        TEST_COMMANDS
            .iter()
            .any(|t| c == t || c.starts_with(&format!("{t} ")))
    })
}

fn is_commit(command: &str) -> bool {
    subcommands(command)
        .iter()
        .any(|c| c == "git commit" || c.starts_with("git commit "))
}

fn approval_token(policy: &AgentPolicy) -> Option<String> {
    let protocol = policy.protocol.as_ref()?;
    protocol
        .states
        .iter()
        .find(|s| s.kind == "await-approval")
        .map(|s| s.token.clone().unwrap_or_else(|| "yes".to_owned()))
        .or_else(|| {
            protocol
                .states
                .iter()
                .any(|s| s.kind == "request-approval")
                .then(|| "yes".to_owned())
        })
}

fn state_of_kind(policy: &AgentPolicy, kind: &str) -> Option<String> {
    policy
        .protocol
        .as_ref()?
        .states
        .iter()
        .find(|s| s.kind == kind)
        .map(|s| s.id.clone())
}

fn mark(state: &mut SessionState, policy: &AgentPolicy, kind: &str) {
    if let Some(id) = state_of_kind(policy, kind) {
        state.passed.insert(id);
    }
}

/// The message asks the user for approval.
fn asks_for_approval(text: &str, token: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("approv")
        || lower.contains(&format!("\"{}\"", token.to_lowercase()))
        || lower.contains(&format!("'{}'", token.to_lowercase()))
        || lower.contains(&format!("`{}`", token.to_lowercase()))
}

/// The prompt is the approval token (alone, or as its first word).
fn is_token_answer(prompt: &str, token: &str) -> bool {
    let p = prompt
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '.' || c == '!');
    let first = p.split_whitespace().next().unwrap_or("");
    p.eq_ignore_ascii_case(token)
        || first
            .trim_end_matches([',', '.', '!'])
            .eq_ignore_ascii_case(token)
}

/// Definition-of-Done items not met yet, as `id` strings.
pub fn unmet_done(policy: &AgentPolicy, state: &SessionState, last_message: &str) -> Vec<String> {
    let tests_fresh = state.last_test_pass > 0 && state.last_test_pass > state.last_edit;
    let lower = last_message.to_lowercase();
    policy
        .done
        .iter()
        .filter(|item| match &item.verify {
            Verify::Evidence { .. } | Verify::Command { .. } => !tests_fresh,
            Verify::Attest => {
                let words: Vec<String> = item
                    .text
                    .split_whitespace()
                    .take(3)
                    .map(str::to_lowercase)
                    .collect();
                !(lower.contains("definition of done") || lower.contains(&words.join(" ")))
            }
        })
        .map(|item| item.id.clone())
        .collect()
}

/// Decides on one event. Pure: the same policy, state and event always give the same result.
pub fn decide(
    policy: &AgentPolicy,
    state: &SessionState,
    event: &Event,
) -> (Decision, SessionState) {
    let mut next = state.clone();
    next.seq += 1;
    // A stop that is not the continuation of a blocked stop starts a new count.
    if let Event::StopRequested {
        stop_hook_active: false,
        ..
    } = event
    {
        next.consecutive_stop_blocks = 0;
    }
    let token = approval_token(policy);
    let decision = match event {
        Event::SessionStart | Event::AgentMessage { .. } => {
            if let (Event::AgentMessage { text }, Some(token)) = (event, &token)
                && asks_for_approval(text, token)
            {
                next.approval_requested = true;
                mark(&mut next, policy, "request-approval");
            }
            Decision::Allow
        }
        Event::UserPrompt { text } => {
            if let Some(token) = &token
                && next.approval_requested
                && is_token_answer(text, token)
            {
                next.approved = true;
                next.approval_requested = false;
                mark(&mut next, policy, "await-approval");
            }
            Decision::Allow
        }
        Event::ToolRequested { tool, input } => tool_decision(policy, &next, tool, input),
        Event::ToolFinished {
            tool,
            input,
            success,
            ..
        } => {
            if *success && EDIT_TOOLS.contains(&tool.as_str()) {
                next.last_edit = next.seq;
                mark(&mut next, policy, "implement");
                // Work changed after the request or the approval needs approval again.
                next.approval_requested = false;
                if next.approved && !next.committed {
                    next.approved = false;
                    if let Some(id) = state_of_kind(policy, "await-approval") {
                        next.passed.remove(&id);
                    }
                }
            }
            if *success && tool == "Bash" {
                let command = command_of(input);
                if is_test_command(command) {
                    next.last_test_pass = next.seq;
                    mark(&mut next, policy, "test");
                }
                if is_commit(command) {
                    next.committed = true;
                    mark(&mut next, policy, "commit");
                }
            }
            Decision::Allow
        }
        Event::StopRequested { last_message, .. } => {
            // A stop that asks for approval is the protocol's own pause, not the end.
            if let Some(token) = &token
                && !next.approved
                && asks_for_approval(last_message, token)
            {
                next.approval_requested = true;
                mark(&mut next, policy, "request-approval");
                mark(&mut next, policy, "stop");
                next.consecutive_stop_blocks = 0;
                return (Decision::Allow, next);
            }
            let mut unmet = unmet_done(policy, &next, last_message);
            let mut reasons = Vec::new();
            if let Some(protocol) = &policy.protocol {
                for gate in &protocol.gates {
                    if gate.action == GateAction::Stop && !next.passed.contains(&gate.requires) {
                        reasons.push(gate.reason.clone());
                    }
                }
            }
            if unmet.is_empty() && reasons.is_empty() {
                next.consecutive_stop_blocks = 0;
                Decision::Allow
            } else if next.consecutive_stop_blocks >= MAX_CONSECUTIVE_STOP_BLOCKS {
                // Claude Code would end the turn anyway: let it stop, and remember why.
                next.finished_unmet.append(&mut unmet);
                next.consecutive_stop_blocks = 0;
                Decision::Allow
            } else {
                next.consecutive_stop_blocks += 1;
                let items: Vec<String> = policy
                    .done
                    .iter()
                    .filter(|d| unmet.contains(&d.id))
                    .map(|d| format!("- {}", d.text))
                    .collect();
                let mut reason = String::new();
                if !items.is_empty() {
                    reason.push_str("The Definition of Done is not met yet:\n");
                    reason.push_str(&items.join("\n"));
                }
                for r in reasons {
                    if !reason.is_empty() {
                        reason.push('\n');
                    }
                    reason.push_str(&r);
                }
                Decision::Block {
                    reason,
                    rule: "definition-of-done".to_owned(),
                }
            }
        }
    };
    (decision, next)
}

fn tool_decision(
    policy: &AgentPolicy,
    state: &SessionState,
    tool: &str,
    input: &serde_json::Value,
) -> Decision {
    let tools = &policy.tools;
    let canonical = if tool == "Task" { "Agent" } else { tool };
    if tools.removed.iter().any(|r| r == canonical) {
        return Decision::Deny {
            reason: format!(
                "`{tool}` is not available to the agent `{}` (disallowedTools)",
                policy.name
            ),
            rule: format!("tools.removed:{canonical}"),
        };
    }
    if let Some(rule) = tools
        .deny
        .iter()
        .find(|r| any_subcommand_matches(r, canonical, input))
    {
        return Decision::Deny {
            reason: format!(
                "`{}` is denied for the agent `{}`",
                rule.to_rule_string(),
                policy.name
            ),
            rule: format!("tools.deny:{}", rule.to_rule_string()),
        };
    }
    if !tools.inherits_all
        && !tools
            .allow
            .iter()
            .any(|r| rule_matches(r, canonical, input))
    {
        let what = if tool == "Bash" {
            format!("`{}`", command_of(input))
        } else {
            format!("`{tool}`")
        };
        return Decision::Deny {
            reason: format!("{what} is outside the tools of the agent `{}`", policy.name),
            rule: "tools.allow".to_owned(),
        };
    }
    if let Some(protocol) = &policy.protocol {
        for gate in &protocol.gates {
            let GateAction::Tool { rule } = &gate.action else {
                continue;
            };
            if any_subcommand_matches(rule, canonical, input)
                && !state.passed.contains(&gate.requires)
            {
                return Decision::Deny {
                    reason: format!(
                        "{}. Ask the user for approval, stop, and wait for their answer.",
                        upper_first(&gate.reason)
                    ),
                    rule: format!("gate:{}", gate.requires),
                };
            }
        }
    }
    Decision::Allow
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcommands_split_like_the_shell() {
        assert_eq!(
            subcommands("FOO=1 npm test && git commit -m 'a && b' | tee x; echo $(git push)"),
            vec![
                "npm test",
                "git commit -m 'a && b'",
                "tee x",
                "echo",
                "git push"
            ]
        );
    }
}
