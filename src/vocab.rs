//! The runtime's vocabularies that every known Claude Code release shares.
//!
//! Each list is a snapshot of what Claude Code accepts, compared with the names each
//! release's program knows (`vocab.json` of the shared loader notes) and, for tools, measured:
//! an agent whose `tools` names the tool, run by the real CLI, and the tools its subagent
//! request really carries. What differs between releases lives in [`crate::release`]; nothing
//! else should hard-code these names.

/// The releases these tables were checked against.
pub const CHECKED_RELEASES: &str = "2.1.328, 2.1.332";
/// The date the tables were last checked against the runtime and its documentation.
pub const CHECKED: &str = "2026-12-03";

/// Built-in tool names an agent's `tools` can name. Which of them a release really grants, and
/// in which seat (headless or interactive, main agent or subagent), is measured and kept in
/// [`crate::release::Release::offered`]: `TodoWrite` is offered in none (2.1.328 to 2.1.332);
/// `TaskCreate`, `TaskGet`, `TaskList`, `TaskUpdate` (with `CLAUDE_CODE_ENABLE_TODO_TOOLS=1`),
/// `PowerShell`, `LSP`, `PushNotification`, `RemoteTrigger` and the MCP resource tools only
/// where their platform or feature is on. `TaskOutput`, `TeamCreate` and `TeamDelete` are retired in 2.1.328 and 2.1.332
/// (measured): see [`RETIRED_TOOLS`].
pub const TOOLS: &[&str] = &[
    "Agent",
    "AskUserQuestion",
    "Bash",
    "CronCreate",
    "CronDelete",
    "CronList",
    "Edit",
    "EnterPlanMode",
    "EnterWorktree",
    "ExitPlanMode",
    "ExitWorktree",
    "Glob",
    "Grep",
    "ListAgents",
    "ListMcpResourcesTool",
    "LSP",
    "Monitor",
    "NotebookEdit",
    "PowerShell",
    "PushNotification",
    "Read",
    "ReadMcpResourceTool",
    "RemoteTrigger",
    "ReportFindings",
    "ScheduleWakeup",
    "SendMessage",
    "Skill",
    "TaskCreate",
    "TaskGet",
    "TaskList",
    "TaskStop",
    "TaskUpdate",
    "TodoWrite",
    "ToolSearch",
    "WebFetch",
    "WebSearch",
    "Workflow",
    "Write",
];

/// What each built-in tool does, in a line (hover and completion documentation).
pub const TOOL_SUMMARIES: &[(&str, &str)] = &[
    ("Agent", "Delegates a task to a subagent (formerly `Task`)."),
    (
        "AskUserQuestion",
        "Asks the user multiple-choice questions.",
    ),
    (
        "Bash",
        "Runs shell commands; scope it with rules such as `Bash(npm test *)`.",
    ),
    ("CronCreate", "Schedules a recurring or one-off prompt."),
    ("CronDelete", "Deletes a scheduled prompt."),
    ("CronList", "Lists scheduled prompts."),
    (
        "Edit",
        "Makes exact string replacements in files; `Edit(path)` limits it to paths.",
    ),
    ("EnterPlanMode", "Switches the session into plan mode."),
    ("EnterWorktree", "Moves the session into a git worktree."),
    ("ExitPlanMode", "Presents a plan and leaves plan mode."),
    ("ExitWorktree", "Leaves the git worktree."),
    ("Glob", "Finds files by name pattern (replaces `LS`)."),
    ("Grep", "Searches file contents with regular expressions."),
    (
        "ListAgents",
        "Lists the agents and sessions the agent can send a message to.",
    ),
    (
        "ListMcpResourcesTool",
        "Lists resources offered by MCP servers.",
    ),
    (
        "LSP",
        "Queries language servers: definitions, references, diagnostics.",
    ),
    (
        "Monitor",
        "Watches a background process and reacts to its output.",
    ),
    ("NotebookEdit", "Edits Jupyter notebook cells."),
    ("PowerShell", "Runs PowerShell commands."),
    ("PushNotification", "Sends a notification to the user."),
    (
        "Read",
        "Reads files (text, images, PDFs, notebooks); `Read(path)` limits it to paths.",
    ),
    ("ReadMcpResourceTool", "Reads one MCP resource."),
    ("RemoteTrigger", "Starts a remote task."),
    (
        "ReportFindings",
        "Reports code-review findings as a typed list for the host to show.",
    ),
    (
        "ScheduleWakeup",
        "Schedules when a `/loop` session resumes (main session only).",
    ),
    (
        "SendMessage",
        "Sends a message to another agent of the team.",
    ),
    ("Skill", "Runs a skill (replaces `SlashCommand`)."),
    ("TaskCreate", "Creates an item in the task list."),
    ("TaskGet", "Reads one item of the task list."),
    ("TaskList", "Lists the task list (replaces `TodoRead`)."),
    (
        "TaskStop",
        "Stops a background task (replaces `KillShell`).",
    ),
    ("TaskUpdate", "Updates an item of the task list."),
    ("TodoWrite", "Writes the session's todo list (deprecated)."),
    ("ToolSearch", "Finds and loads deferred tools."),
    (
        "WebFetch",
        "Fetches a URL; `WebFetch(domain:example.com)` limits it to a domain.",
    ),
    ("WebSearch", "Searches the web."),
    (
        "Workflow",
        "Runs a workflow script that orchestrates subagents (main session only).",
    ),
    ("Write", "Creates or overwrites files."),
];

pub fn tool_summary(name: &str) -> Option<&'static str> {
    TOOL_SUMMARIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

/// Old tool names still seen in agent files, with the tool that does the job today.
pub const LEGACY_TOOLS: &[(&str, &str)] = &[
    ("Task", "Agent"),
    ("MultiEdit", "Edit"),
    ("LS", "Glob"),
    ("NotebookRead", "Read"),
    ("TodoRead", "TaskList"),
    ("KillShell", "TaskStop"),
    ("KillBash", "TaskStop"),
    ("SlashCommand", "Skill"),
    ("ListMcpResources", "ListMcpResourcesTool"),
    ("ReadMcpResource", "ReadMcpResourceTool"),
    ("ListPeers", "ListAgents"),
];

/// Legacy names the runtime still resolves to a tool, measured granted as that tool (`Agent`,
/// `TaskStop`, `ListAgents`; `fixtures/tool-grants`). The program's alias table also maps `ListMcpResources` and `ReadMcpResource` to
/// the MCP resource tools, which were not granted in the measured session (no MCP server): they
/// stay legacy names without a safe fix until measured.
pub const LEGACY_ALIASES: &[&str] = &["Task", "KillShell", "KillBash", "ListPeers"];

/// The tool a name resolves to at run time: a legacy alias's current tool (`Task` is
/// `Agent`), any other name itself. The one table the linter, `inspect` and the runner use.
pub fn current_name(name: &str) -> &str {
    if !LEGACY_ALIASES.contains(&name) {
        return name;
    }
    LEGACY_TOOLS
        .iter()
        .find(|(old, _)| *old == name)
        .map_or(name, |(_, new)| new)
}

/// The legacy aliases as `(old, current)` pairs, for a host adapter to hand to the engine.
pub fn tool_aliases() -> Vec<(String, String)> {
    LEGACY_ALIASES
        .iter()
        .map(|old| ((*old).to_owned(), current_name(old).to_owned()))
        .collect()
}

/// Names the runtime has retired: they grant nothing (measured with 2.1.328 and 2.1.332).
pub const RETIRED_TOOLS: &[&str] = &[
    "TaskOutput",
    "BashOutput",
    "AgentOutput",
    "AgentOutputTool",
    "BashOutputTool",
    "TeamCreate",
    "TeamDelete",
    "Frame",
    "FrameRead",
    "SuggestBackgroundPR",
    "AutofixPr",
];

/// Names the runtime's program knows but that no agent was granted in a measured session:
/// internal tools and tools behind feature flags, with the aliases that lead to them.
/// (`vocab.json` lists 54 tool names; these are the ones not in [`TOOLS`] or [`RETIRED_TOOLS`].)
pub const INTERNAL_TOOLS: &[&str] = &[
    "Artifact",
    "ClaudeDesign",
    "EndConversation",
    "OfferChromeSetup",
    "Projects",
    "propose_skills",
    "ReadMcpResourceDirTool",
    "ReadNotifications",
    "SendFeedback",
    "SendUserFile",
    "SendUserMessage",
    "SetGoal",
    "ShareOnboardingGuide",
    "ShowOnboardingRolePicker",
    "SubagentHandback",
    "WaitForMcpServers",
    "Brief",
    "ReadMcpResourceDir",
    "ProposeGoal",
];

/// Model aliases accepted in `model`, for suggestions and schemas: every alias a measured
/// release lists (`crate::release::Release::model_aliases`, held to this list by
/// `tests/release_vocab.rs`), with `inherit` and `default`; full `claude-*` model IDs are
/// accepted too.
pub const MODEL_ALIASES: &[&str] = &[
    "sonnet",
    "opus",
    "haiku",
    "fable",
    "inherit",
    "default",
    "best",
    "opusplan",
    "sonnet[1m]",
    "opus[1m]",
    "fable[1m]",
];

/// `permissionMode` values; `manual` is an alias of `default`.
pub const PERMISSION_MODES: &[&str] = &[
    "default",
    "acceptEdits",
    "auto",
    "dontAsk",
    "bypassPermissions",
    "plan",
    "manual",
];

pub const COLORS: &[&str] = &[
    "red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan",
];

/// `effort` names; a positive integer is accepted too.
pub const EFFORTS: &[&str] = &["low", "medium", "high", "xhigh", "max"];

pub const MEMORY_SCOPES: &[&str] = &["user", "project", "local"];

pub const ISOLATION_MODES: &[&str] = &["worktree", "remote"];

/// Skill keys that mean nothing in an agent file.
pub const SKILL_TOOL_KEYS: &[&str] = &["allowed-tools", "allowedTools"];

pub fn is_tool(name: &str) -> bool {
    TOOLS.contains(&name)
}

pub fn legacy_replacement(name: &str) -> Option<&'static str> {
    LEGACY_TOOLS
        .iter()
        .find(|(old, _)| *old == name)
        .map(|(_, new)| *new)
}

/// The closest of `candidates` to `word`, if close enough to suggest.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&lower, &c.to_lowercase())))
        .filter(|&(_, score)| score >= 0.85)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("Bsh", TOOLS.iter().copied()), Some("Bash"));
        assert_eq!(
            did_you_mean("webfetch", TOOLS.iter().copied()),
            Some("WebFetch")
        );
        assert_eq!(
            did_you_mean("disallowed-tools", ["tools", "disallowedTools"].into_iter()),
            Some("disallowedTools")
        );
        assert_eq!(did_you_mean("zzzzzz", TOOLS.iter().copied()), None);
    }

    #[test]
    fn every_tool_has_a_summary_and_no_summary_names_another_tool() {
        for tool in TOOLS {
            assert!(tool_summary(tool).is_some(), "{tool}");
        }
        assert_eq!(TOOL_SUMMARIES.len(), TOOLS.len());
    }
}
