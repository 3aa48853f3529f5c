//! What each Claude Code release does differently, in one place.
//!
//! agentspec predicts what a given Claude Code release does with a file. The names and
//! behaviours that differ between releases are the fields of [`Release`]; [`RELEASES`] lists
//! every release agentspec was measured against, oldest first. A [`Target`] is the set of
//! releases a project runs (`claude-code` in `agentspec.toml`, `--claude-code`): a file is
//! reported as not loading when it fails in any of them, and the report says in which.
//!
//! Where the truth comes from: `tests/differential/` runs the real CLI of every release here on
//! the loader fixtures (`fixtures/*/verdicts-VERSION.json`); `vocab.json` in the shared loader
//! notes lists the names each release's program knows. Adding a release is described in the
//! README's design notes (`scripts/record-truth.sh VERSION`).
//!
//! Identical in every release so far, and so kept in [`crate::vocab`]: the 23 frontmatter keys,
//! the tool names, aliases and retired names, and the allowed values of `permissionMode`,
//! `effort`, `memory` and `isolation`. When a release changes one of them, it moves here.

use std::fmt;

/// A Claude Code version, `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// Reads `2.1.332` (a trailing ` (Claude Code)`, as `claude --version` prints, is allowed).
    pub fn parse(text: &str) -> Option<Version> {
        let word = text.split_whitespace().next()?;
        let number = |p: &str| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        let mut parts = word.split('.').map(number);
        let version = Version(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(version)
    }

    fn next(self) -> Version {
        Version(self.0, self.1, self.2.saturating_add(1))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// Which of several agents with the same `name` Claude Code keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// The file the file system lists last: it can differ from one machine to the next.
    ListingOrder,
    /// The file whose path (relative to the agents folder) sorts last, compared as JavaScript
    /// compares strings (UTF-16 code units).
    SortedPathLast,
}

const V2_1_328: Version = Version(2, 1, 328);
const V2_1_329: Version = Version(2, 1, 329);
const V2_1_330: Version = Version(2, 1, 330);
const V2_1_331: Version = Version(2, 1, 331);
const V2_1_332: Version = Version(2, 1, 332);

/// One Claude Code release agentspec measured. What it does is read off the feature map below
/// (each behaviour with the first release that has it), so a release is only its version.
#[derive(Debug)]
pub struct Release {
    pub version: Version,
}

/// From this release on, of several agents with one `name` the one whose path sorts last
/// loads (measured: 2.1.329 kept the file listed last, 2.1.330 the path sorting last).
const SORTED_DUPLICATES_SINCE: Version = V2_1_330;

/// Every hook event, with the first release that knows it (in `hooks` of an agent file and of a
/// settings file). 2.1.328's 33 come from `vocab.json` (read from its program); each was
/// measured in a settings file and an agent file: an unknown event is logged as such, these are
/// not. 2.1.332 adds `PreSkillShellCommand`.
static HOOK_EVENTS: &[(&str, Version)] = &[
    ("PreToolUse", V2_1_328),
    ("PostToolUse", V2_1_328),
    ("PostToolUseFailure", V2_1_328),
    ("PostToolBatch", V2_1_328),
    ("Notification", V2_1_328),
    ("UserPromptSubmit", V2_1_328),
    ("UserPromptExpansion", V2_1_328),
    ("SessionStart", V2_1_328),
    ("SessionEnd", V2_1_328),
    ("Stop", V2_1_328),
    ("StopFailure", V2_1_328),
    ("SubagentStart", V2_1_328),
    ("SubagentStop", V2_1_328),
    ("PreCompact", V2_1_328),
    ("PostCompact", V2_1_328),
    ("PreModelSwitch", V2_1_328),
    ("PostModelSwitch", V2_1_328),
    ("PermissionRequest", V2_1_328),
    ("PermissionDenied", V2_1_328),
    ("Setup", V2_1_328),
    ("TeammateIdle", V2_1_328),
    ("TaskCreated", V2_1_328),
    ("TaskCompleted", V2_1_328),
    ("Elicitation", V2_1_328),
    ("ElicitationResult", V2_1_328),
    ("ConfigChange", V2_1_328),
    ("WorktreeCreate", V2_1_328),
    ("WorktreeRemove", V2_1_328),
    ("InstructionsLoaded", V2_1_328),
    ("CwdChanged", V2_1_328),
    ("FileChanged", V2_1_328),
    ("DirectoryAdded", V2_1_328),
    ("MessageDisplay", V2_1_328),
    ("PreSkillShellCommand", V2_1_332),
];

/// *Guard* events, with the first release in which they guard: a malformed entry makes whatever
/// holds it unloadable (the agent) or skipped whole (a settings file), since an unloadable guard
/// may be what enforces the permissions beside it. Written outside `hooks` anywhere in the
/// frontmatter (except under `metadata` and `mcpServers`), a guard event refuses the agent too.
static GUARD_EVENTS: &[(&str, Version)] = &[
    ("PreToolUse", V2_1_328),
    ("PermissionRequest", V2_1_328),
    ("PreSkillShellCommand", V2_1_332),
];

/// The type a hook field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    /// A string at least one character long.
    NonEmptyString,
    /// A string the WHATWG URL parser accepts (`new URL(...)`).
    Url,
    Boolean,
    /// A number above 0.
    Positive,
    ListOfStrings,
    /// A map of strings to strings.
    MapOfStrings,
    /// A map of strings to anything.
    Map,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// Anything: a wrong value is replaced by the default, never refused. The words say how.
    Lenient(&'static str),
}

/// A field of a hook entry: its type, whether it is required, and the first release that
/// reads it (before it, the key is unknown, and unknown keys are dropped silently).
#[derive(Debug)]
pub struct HookField {
    pub key: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub since: Version,
}

const fn field(key: &'static str, ty: FieldType) -> HookField {
    HookField {
        key,
        ty,
        required: false,
        since: V2_1_328,
    }
}

const fn required(key: &'static str, ty: FieldType) -> HookField {
    HookField {
        key,
        ty,
        required: true,
        since: V2_1_328,
    }
}

const fn since(key: &'static str, ty: FieldType, since: Version) -> HookField {
    HookField {
        key,
        ty,
        required: false,
        since,
    }
}

const ON_FAILURE: FieldType = FieldType::OneOf(&["continue", "block"]);
const CLOUD: FieldType = FieldType::Lenient("device or skip, else the default");

/// The hook entry schema each release carries (its settings schema, read from the program by
/// `scripts/release-vocab.py` into `fixtures/release-vocab/VERSION.json`; the types that
/// refuse a guard entry measured with the real CLIs in `fixtures/loader-hooks/` and
/// `fixtures/loader-release/`): every `type`, in the order the program lists them, with its
/// fields. `tests/release_vocab.rs` holds this table to every recorded release.
pub static HOOK_TYPES: &[(&str, &[HookField])] = &[
    (
        "command",
        &[
            required("command", FieldType::String),
            field("args", FieldType::ListOfStrings),
            field("if", FieldType::String),
            field("shell", FieldType::OneOf(&["bash", "powershell"])),
            field("timeout", FieldType::Positive),
            field("onFailure", ON_FAILURE),
            field("statusMessage", FieldType::String),
            field("once", FieldType::Boolean),
            field("async", FieldType::Boolean),
            field("asyncRewake", FieldType::Boolean),
            since("holdsTools", FieldType::Boolean, V2_1_329),
            field("rewakeMessage", FieldType::NonEmptyString),
            field("rewakeSummary", FieldType::NonEmptyString),
            field("cloud", CLOUD),
        ],
    ),
    (
        "prompt",
        &[
            required("prompt", FieldType::String),
            field("if", FieldType::String),
            field("timeout", FieldType::Positive),
            field("model", FieldType::String),
            field("continueOnBlock", FieldType::Boolean),
            field("statusMessage", FieldType::String),
            field("once", FieldType::Boolean),
        ],
    ),
    (
        "mcp_tool",
        &[
            required("server", FieldType::String),
            required("tool", FieldType::String),
            field("input", FieldType::Map),
            field("if", FieldType::String),
            field("timeout", FieldType::Positive),
            field("onFailure", FieldType::Lenient("continue, else block")),
            field("statusMessage", FieldType::String),
            field("once", FieldType::Boolean),
        ],
    ),
    (
        "http",
        &[
            required("url", FieldType::Url),
            field("if", FieldType::String),
            field("timeout", FieldType::Positive),
            field("onFailure", ON_FAILURE),
            field("headers", FieldType::MapOfStrings),
            field("allowedEnvVars", FieldType::ListOfStrings),
            field("statusMessage", FieldType::String),
            field("once", FieldType::Boolean),
            field("cloud", CLOUD),
        ],
    ),
    (
        "agent",
        &[
            required("prompt", FieldType::String),
            field("if", FieldType::String),
            field("timeout", FieldType::Positive),
            field("model", FieldType::String),
            field("statusMessage", FieldType::String),
            field("once", FieldType::Boolean),
        ],
    ),
];

/// The aliases `model` accepts, with the first release that lists each (read from each
/// program's model list; the same nine in 2.1.328 to 2.1.332). An agent's `model` also
/// takes `inherit` (agent files only) and full model IDs.
static MODEL_ALIASES: &[(&str, Version)] = &[
    ("sonnet", V2_1_328),
    ("opus", V2_1_328),
    ("haiku", V2_1_328),
    ("fable", V2_1_328),
    ("best", V2_1_328),
    ("sonnet[1m]", V2_1_328),
    ("opus[1m]", V2_1_328),
    ("fable[1m]", V2_1_328),
    ("opusplan", V2_1_328),
];

/// Where an agent runs, for the tools Claude Code offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    /// An interactive session (the terminal UI), not `claude -p`.
    pub interactive: bool,
    /// Started through the `Agent` tool, not as the session's own agent (`claude --agent`).
    pub subagent: bool,
}

impl Seat {
    /// The four seats measured: headless and interactive, main agent and subagent.
    pub const ALL: [Seat; 4] = [
        Seat {
            interactive: false,
            subagent: true,
        },
        Seat {
            interactive: false,
            subagent: false,
        },
        Seat {
            interactive: true,
            subagent: true,
        },
        Seat {
            interactive: true,
            subagent: false,
        },
    ];
}

/// Which seats a built-in tool is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// Every seat.
    Always,
    /// Only to the session's own agent ("not available to subagents", the CLI says).
    Main,
    /// Only to the session's own agent in an interactive session.
    InteractiveMain,
    /// Not to a subagent of an interactive session: those run in the background.
    Foreground,
    /// Only when the agent names it and is not granted `Bash`, which then does the searching
    /// (the session itself does not offer it).
    NamedWithoutBash,
    /// Only where its platform or feature is on ([`feature_of`]): offered in none of the
    /// measured default sessions.
    Feature,
}

/// The built-in tools a session offers an agent, with the first release that offers them so.
/// Measured with `tests/differential/grants_diff.py` on `fixtures/tool-grants/` (the tools a
/// probe agent's first request carries, plus those deferred behind `ToolSearch`), headless and
/// interactive, as main agent and subagent, in every release from 2.1.328 to 2.1.332: the same
/// in all. A tool that is not here is offered in no seat: `TodoWrite` is not (2.1.332 also
/// with `CLAUDE_CODE_ENABLE_TODO_TOOLS=1`, which brings the task tools).
static OFFERED_TOOLS: &[(&str, Offered, Version)] = &[
    ("Agent", Offered::Always, V2_1_328),
    ("AskUserQuestion", Offered::InteractiveMain, V2_1_328),
    ("Bash", Offered::Always, V2_1_328),
    ("CronCreate", Offered::Foreground, V2_1_328),
    ("CronDelete", Offered::Foreground, V2_1_328),
    ("CronList", Offered::Foreground, V2_1_328),
    ("Edit", Offered::Always, V2_1_328),
    ("EnterPlanMode", Offered::InteractiveMain, V2_1_328),
    ("EnterWorktree", Offered::Always, V2_1_328),
    ("ExitPlanMode", Offered::InteractiveMain, V2_1_328),
    ("ExitWorktree", Offered::Always, V2_1_328),
    ("Glob", Offered::NamedWithoutBash, V2_1_328),
    ("Grep", Offered::NamedWithoutBash, V2_1_328),
    ("ListAgents", Offered::Foreground, V2_1_328),
    ("ListMcpResourcesTool", Offered::Feature, V2_1_328),
    ("LSP", Offered::Feature, V2_1_328),
    ("Monitor", Offered::Always, V2_1_328),
    ("NotebookEdit", Offered::Always, V2_1_328),
    ("PowerShell", Offered::Feature, V2_1_328),
    ("PushNotification", Offered::Feature, V2_1_328),
    ("Read", Offered::Always, V2_1_328),
    ("ReadMcpResourceTool", Offered::Feature, V2_1_328),
    ("RemoteTrigger", Offered::Feature, V2_1_328),
    ("ReportFindings", Offered::Foreground, V2_1_328),
    ("ScheduleWakeup", Offered::Main, V2_1_328),
    ("SendMessage", Offered::Always, V2_1_328),
    ("Skill", Offered::Always, V2_1_328),
    ("TaskCreate", Offered::Feature, V2_1_328),
    ("TaskGet", Offered::Feature, V2_1_328),
    ("TaskList", Offered::Feature, V2_1_328),
    ("TaskStop", Offered::Always, V2_1_328),
    ("TaskUpdate", Offered::Feature, V2_1_328),
    ("ToolSearch", Offered::Always, V2_1_328),
    ("WebFetch", Offered::Always, V2_1_328),
    ("WebSearch", Offered::Always, V2_1_328),
    ("Workflow", Offered::Main, V2_1_328),
    ("Write", Offered::Always, V2_1_328),
];

/// What turns on a tool that is [`Offered::Feature`].
pub fn feature_of(tool: &str) -> &'static str {
    match tool {
        "PowerShell" => "Windows",
        "LSP" => "a language server",
        "ListMcpResourcesTool" | "ReadMcpResourceTool" => "an MCP server with resources",
        // Measured on 2.1.332: then offered as `Foreground` tools are.
        "TaskCreate" | "TaskGet" | "TaskList" | "TaskUpdate" => {
            "`CLAUDE_CODE_ENABLE_TODO_TOOLS=1` in the environment"
        }
        _ => "its feature",
    }
}

/// Tools offered behind `ToolSearch` (their schemas load on demand): `ToolSearch` itself is
/// granted only with one of them.
static DEFERRED_TOOLS: &[&str] = &[
    "CronCreate",
    "CronDelete",
    "CronList",
    "EnterWorktree",
    "ExitWorktree",
    "Monitor",
    "NotebookEdit",
    "SendMessage",
    "TaskStop",
    "WebFetch",
    "WebSearch",
];

/// Tools that go with `Bash` when `disallowedTools` removes it (measured: `Monitor`).
static REMOVED_WITH_BASH: &[&str] = &["Monitor"];

impl Release {
    /// How this release offers built-in `tool` to agents; `None`: in no seat.
    pub fn offered(&self, tool: &str) -> Option<Offered> {
        OFFERED_TOOLS
            .iter()
            .find(|(t, _, since)| *t == tool && *since <= self.version)
            .map(|(_, o, _)| *o)
    }

    /// The built-in tools this release offers, with how.
    pub fn offered_tools(&self) -> impl Iterator<Item = (&'static str, Offered)> + '_ {
        OFFERED_TOOLS
            .iter()
            .filter(|(_, _, since)| *since <= self.version)
            .map(|(t, o, _)| (*t, *o))
    }

    /// Whether `tool` is offered behind `ToolSearch`.
    pub fn deferred(&self, tool: &str) -> bool {
        DEFERRED_TOOLS.contains(&tool)
    }

    /// The tools that `disallowedTools: Bash` removes with it.
    pub fn removed_with_bash(&self) -> &'static [&'static str] {
        REMOVED_WITH_BASH
    }

    /// Which of several same-named agents this release keeps.
    pub fn duplicates(&self) -> Duplicates {
        if self.version >= SORTED_DUPLICATES_SINCE {
            Duplicates::SortedPathLast
        } else {
            Duplicates::ListingOrder
        }
    }

    /// The hook events this release knows.
    pub fn hook_events(&self) -> impl Iterator<Item = &'static str> + '_ {
        HOOK_EVENTS
            .iter()
            .filter(|(_, since)| *since <= self.version)
            .map(|(e, _)| *e)
    }

    pub fn knows_event(&self, event: &str) -> bool {
        self.hook_events().any(|e| e == event)
    }

    /// Whether `event` is a guard event in this release.
    pub fn guards(&self, event: &str) -> bool {
        GUARD_EVENTS
            .iter()
            .any(|(e, since)| *e == event && *since <= self.version)
    }

    /// The hook `type`s this release knows.
    pub fn hook_types(&self) -> impl Iterator<Item = &'static str> {
        HOOK_TYPES.iter().map(|(t, _)| *t)
    }

    /// The fields a hook of `kind` has in this release; `None` for a type it does not know.
    pub fn hook_fields(&self, kind: &str) -> Option<impl Iterator<Item = &'static HookField> + '_> {
        HOOK_TYPES
            .iter()
            .find(|(t, _)| *t == kind)
            .map(|(_, fields)| fields.iter().filter(|f| f.since <= self.version))
    }

    /// The aliases `model` accepts in this release.
    pub fn model_aliases(&self) -> impl Iterator<Item = &'static str> + '_ {
        MODEL_ALIASES
            .iter()
            .filter(|(_, since)| *since <= self.version)
            .map(|(a, _)| *a)
    }
}

/// Every release agentspec measured, oldest first, with no release between them left out: any
/// version from the oldest to the newest is modelled exactly. A version outside that range is
/// read as the nearest end, and said to be an assumption.
pub static RELEASES: &[Release] = &[
    Release { version: V2_1_328 },
    Release { version: V2_1_329 },
    Release { version: V2_1_330 },
    Release { version: V2_1_331 },
    Release { version: V2_1_332 },
];

/// The newest release agentspec measured.
pub fn newest() -> &'static Release {
    &RELEASES[RELEASES.len() - 1]
}

/// The oldest release agentspec measured.
pub fn oldest() -> &'static Release {
    &RELEASES[0]
}

/// The measured release whose behaviour `version` is read as: itself, else the nearest end.
pub fn release_for(version: Version) -> &'static Release {
    RELEASES
        .iter()
        .rev()
        .find(|r| r.version <= version)
        .unwrap_or(oldest())
}

/// Whether `version` is a release agentspec measured.
pub fn measured(version: Version) -> bool {
    RELEASES.iter().any(|r| r.version == version)
}

/// Where a project's target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--claude-code` on the command line.
    Flag,
    /// `claude-code` in `agentspec.toml`.
    Config,
    /// The `claude` found on `PATH` (`claude --version`).
    Installed,
    /// None of these: the newest measured release.
    Default,
}

impl Source {
    /// The name used in JSON and SARIF output.
    pub fn id(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Config => "config",
            Source::Installed => "installed",
            Source::Default => "default",
        }
    }
}

/// The releases a project runs.
#[derive(Debug, Clone)]
pub struct Target {
    /// As written (`2.1.332`, `>=2.1.328`); empty for the default.
    written: String,
    releases: Vec<&'static Release>,
    /// The versions the target admits, half-open: `[low, high)`, no `high` for no bound.
    low: Version,
    high: Option<Version>,
    source: Source,
}

impl Default for Target {
    /// The newest measured release.
    fn default() -> Target {
        Target {
            written: String::new(),
            releases: vec![newest()],
            low: newest().version,
            high: Some(newest().version.next()),
            source: Source::Default,
        }
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        self.versions().eq(other.versions())
    }
}

impl Target {
    /// Reads a version (`2.1.332`: that version exactly) or a range of comparisons joined by
    /// commas (`>=2.1.328`, `>=2.1.328, <2.1.332`; operators `>=` `>` `<=` `<` `=`).
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        // Half-open [low, high): the versions the range admits.
        let mut low = Version(0, 0, 0);
        let mut high: Option<Version> = None;
        let mut narrow_high = |v: Version| {
            high = Some(high.map_or(v, |h| h.min(v)));
        };
        if text.is_empty() {
            return Err("a Claude Code version or range is empty".to_owned());
        }
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!("`{text}` has an empty comparison"));
            }
            let (op, rest) = [">=", "<=", ">", "<", "="]
                .iter()
                .find_map(|op| part.strip_prefix(op).map(|r| (*op, r.trim())))
                .unwrap_or(("=", part));
            let Some(v) = Version::parse(rest).filter(|_| !rest.contains(' ')) else {
                return Err(format!(
                    "`{part}` is not a Claude Code version (`2.1.332`) or comparison (`>=2.1.328`)"
                ));
            };
            match op {
                ">=" => low = low.max(v),
                ">" => low = low.max(v.next()),
                "<=" => narrow_high(v.next()),
                "<" => narrow_high(v),
                _ => {
                    low = low.max(v);
                    narrow_high(v.next());
                }
            }
        }
        if high.is_some_and(|h| h <= low) {
            return Err(format!("`{text}` admits no version"));
        }
        let releases = RELEASES
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                // The release governs [its version, the next release's version).
                let start = if *i == 0 { Version(0, 0, 0) } else { r.version };
                let end = RELEASES.get(i + 1).map(|n| n.version);
                let lo = start.max(low);
                let hi = match (end, high) {
                    (Some(e), Some(h)) => Some(e.min(h)),
                    (e, h) => e.or(h),
                };
                hi.is_none_or(|hi| lo < hi)
            })
            .map(|(_, r)| r)
            .collect();
        Ok(Target {
            written: text.to_owned(),
            releases,
            low,
            high,
            source: Source::Flag,
        })
    }

    /// The same target, said to come from `source`.
    pub fn from_source(mut self, source: Source) -> Target {
        self.source = source;
        self
    }

    pub fn source(&self) -> Source {
        self.source
    }

    /// The releases whose behaviour the target covers, oldest first.
    pub fn releases(&self) -> &[&'static Release] {
        &self.releases
    }

    pub fn versions(&self) -> impl Iterator<Item = Version> + '_ {
        self.releases.iter().map(|r| r.version)
    }

    /// Whether `version` is one the target admits.
    pub fn admits(&self, version: Version) -> bool {
        self.low <= version && self.high.is_none_or(|h| version < h)
    }

    /// Whether the target admits no version agentspec has not measured.
    pub fn measured(&self) -> bool {
        self.assumption().is_none()
    }

    /// What is assumed rather than measured, when the target admits versions outside the
    /// measured range: `agentspec has not measured Claude Code 2.1.340; verdicts assume
    /// 2.1.332`.
    pub fn assumption(&self) -> Option<String> {
        let (oldest, newest) = (oldest().version, newest().version);
        let above = self.high.is_none_or(|h| h > newest.next());
        let below = self.low < oldest;
        if self.high == Some(self.low.next()) && (above || below) {
            let assumed = release_for(self.low).version;
            return Some(format!(
                "agentspec has not measured Claude Code {}; verdicts assume {assumed}",
                self.low
            ));
        }
        let mut parts = Vec::new();
        if below {
            parts.push(format!(
                "releases before {oldest} are not measured and are assumed to behave as {oldest}"
            ));
        }
        if above {
            parts.push(format!(
                "releases after {newest} are not measured and are assumed to behave as {newest}"
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The target as written (`>=2.1.328`, `2.1.400`); empty for the default.
    pub fn written(&self) -> &str {
        &self.written
    }

    /// The measured releases the verdicts follow, consecutive ones as a range: `2.1.330`,
    /// `2.1.328 to 2.1.332`.
    pub fn versions_text(&self) -> String {
        runs(&self.versions().collect::<Vec<_>>(), self.versions())
            .into_iter()
            .map(|(a, b)| run_text(a, b))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The one version the target admits, if it admits one only.
    fn exact(&self) -> Option<Version> {
        (self.high == Some(self.low.next())).then_some(self.low)
    }

    /// The target with the releases it covers, when they differ from it: `2.1.330`,
    /// `2.1.400 (read as 2.1.332)`, `>=2.1.328 (2.1.328 to 2.1.332)`.
    pub fn releases_text(&self) -> String {
        let versions = self.versions_text();
        match self.exact() {
            Some(v) if measured(v) => versions,
            Some(v) => format!("{v} (read as {versions})"),
            None if self.written.is_empty() || self.written == versions => versions,
            None => format!("{} ({versions})", self.written),
        }
    }

    /// What the verdicts are for, in a few words: `Claude Code 2.1.330 (installed)`,
    /// `Claude Code 2.1.400 (installed; read as 2.1.332)`, `Claude Code 2.1.332 (the newest
    /// measured)`, `Claude Code >=2.1.328 (2.1.328 to 2.1.332)`. [`Target::assumption`] says
    /// what is not measured.
    pub fn describe(&self) -> String {
        let versions = self.versions_text();
        match (self.source, self.exact()) {
            (Source::Installed, Some(v)) if !measured(v) => {
                format!("Claude Code {v} (installed; read as {versions})")
            }
            (Source::Installed, _) => format!("Claude Code {versions} (installed)"),
            (Source::Default, _) => format!("Claude Code {versions} (the newest measured)"),
            (Source::Flag | Source::Config, _) => format!("Claude Code {}", self.releases_text()),
        }
    }

    /// Whether the target covers more than one measured release.
    pub fn is_range(&self) -> bool {
        self.releases.len() > 1
    }

    /// Whether `event` is a hook event in every release of the target.
    pub fn knows_event(&self, event: &str) -> bool {
        self.releases.iter().all(|r| r.knows_event(event))
    }

    /// Whether `event` is a hook event in some release of the target.
    pub fn some_knows_event(&self, event: &str) -> bool {
        self.releases.iter().any(|r| r.knows_event(event))
    }

    /// What `find` reports for each release of the target: each distinct finding once, in the
    /// order first found, with the releases it holds in.
    pub fn gather<T: PartialEq>(
        &self,
        mut find: impl FnMut(&Release) -> Vec<T>,
    ) -> Vec<(T, Vec<Version>)> {
        let mut found: Vec<(T, Vec<Version>)> = Vec::new();
        for release in &self.releases {
            for item in find(release) {
                match found.iter_mut().find(|(f, _)| *f == item) {
                    Some((_, versions)) => versions.push(release.version),
                    None => found.push((item, vec![release.version])),
                }
            }
        }
        found
    }

    /// Says in which releases of the target something holds, given the versions where it does;
    /// `None` when it holds in all of them (nothing to qualify). Consecutive releases are a
    /// range: `in Claude Code 2.1.332 and later`, `in Claude Code 2.1.328 to 2.1.329`, ...
    pub fn qualifier(&self, holds: &[Version]) -> Option<String> {
        if holds.len() == self.releases.len() {
            return None;
        }
        let last = self.releases.last().map(|r| r.version);
        let open = self.high.is_none() && last == Some(newest().version);
        let parts: Vec<String> = runs(holds, self.versions())
            .into_iter()
            .map(|(a, b)| {
                if open && Some(b) == last {
                    format!("{a} and later")
                } else {
                    run_text(a, b)
                }
            })
            .collect();
        Some(format!("in Claude Code {}", parts.join(", ")))
    }
}

/// `holds` (a subset of `all`, in its order) as runs of neighbours in `all`: first and last.
fn runs(holds: &[Version], all: impl Iterator<Item = Version>) -> Vec<(Version, Version)> {
    let mut runs: Vec<(Version, Version)> = Vec::new();
    let mut previous_held = false;
    for v in all {
        let held = holds.contains(&v);
        match runs.last_mut() {
            Some(run) if held && previous_held => run.1 = v,
            _ if held => runs.push((v, v)),
            _ => {}
        }
        previous_held = held;
    }
    runs
}

fn run_text(first: Version, last: Version) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.releases_text())
    }
}

/// The Claude Code a user runs: what `claude` on `PATH` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub version: Version,
    /// The program found.
    pub path: std::path::PathBuf,
}

/// The environment variable naming the Claude Code program whose release is the default target
/// (a name looked up on `PATH`, or a path); set and empty, no program is asked.
pub const PROGRAM_VARIABLE: &str = "AGENTSPEC_CLAUDE";

/// The Claude Code installed on this machine: `claude` on `PATH` (or the program
/// [`PROGRAM_VARIABLE`] names). Its version is read without running it where it can be: from
/// the npm package it belongs to (`@anthropic-ai/claude-code`'s `package.json`), or from the
/// file name of the native installer's versioned program (`versions/2.1.332`); else it is
/// `claude --version`, given 5 seconds.
pub fn installed() -> Option<Installed> {
    let program = match std::env::var_os(PROGRAM_VARIABLE) {
        Some(p) if p.is_empty() => return None,
        Some(p) => p,
        None => "claude".into(),
    };
    let path = find_program(std::path::Path::new(&program))?;
    let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let version = package_version(&real)
        .or_else(|| native_version(&real))
        .or_else(|| version_of(&path))?;
    Some(Installed { version, path })
}

/// The version the native installer's program is named by: `.../claude/versions/2.1.332`.
fn native_version(program: &std::path::Path) -> Option<Version> {
    let folder = program.parent()?;
    (folder.file_name()? == "versions" && folder.parent()?.file_name()? == "claude")
        .then(|| Version::parse(program.file_name()?.to_str()?))
        .flatten()
}

/// `program` itself when it names a path, else the first executable file of that name on `PATH`.
/// On Windows, the names `PATHEXT` gives are tried instead (`claude.exe`, `claude.cmd`): the
/// extensionless file beside them is npm's shell script, which Windows does not run.
fn find_program(program: &std::path::Path) -> Option<std::path::PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    let mut names = Vec::new();
    if cfg!(windows) && program.extension().is_none() {
        let extensions = std::env::var("PATHEXT").unwrap_or_else(|_| ".EXE;.CMD;.BAT".to_owned());
        for ext in extensions.split(';').filter(|e| !e.is_empty()) {
            let mut name = program.as_os_str().to_owned();
            name.push(ext);
            names.push(name);
        }
    } else {
        names.push(program.as_os_str().to_owned());
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// The version of the `@anthropic-ai/claude-code` npm package `program` belongs to: the
/// nearest `package.json` above it (within four folders) must be that package's.
fn package_version(program: &std::path::Path) -> Option<Version> {
    let text = program
        .ancestors()
        .skip(1)
        .take(4)
        .find_map(|dir| std::fs::read_to_string(dir.join("package.json")).ok())?;
    let package: serde_json::Value = serde_json::from_str(&text).ok()?;
    if package["name"] != "@anthropic-ai/claude-code" {
        return None;
    }
    Version::parse(package["version"].as_str()?)
}

/// The version `program --version` prints, if it answers within 5 seconds as Claude Code does
/// (`2.1.332 (Claude Code)`); a program of that name that is something else is no Claude Code.
/// The answer goes to a file, not a pipe: a process the program leaves behind would hold a pipe
/// open past the deadline.
fn version_of(program: &std::path::Path) -> Option<Version> {
    let mut out = tempfile::tempfile().ok()?;
    let mut child = std::process::Command::new(program)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone().ok()?)
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let mut text = String::new();
    std::io::Seek::rewind(&mut out).ok()?;
    std::io::Read::read_to_string(&mut std::io::Read::take(&mut out, 4096), &mut text).ok()?;
    let text = text.trim();
    text.strip_suffix("(Claude Code)")
        .and_then(|v| Version::parse(v.trim()))
}

impl Target {
    /// The default target: the installed release (exactly that version; an unmeasured one is
    /// read as the nearest measured release, which [`Target::assumption`] says), else the
    /// newest measured release.
    pub fn detected() -> Target {
        match installed() {
            Some(found) => Target::exactly(found.version).from_source(Source::Installed),
            None => Target::default(),
        }
    }

    /// Exactly `version`.
    pub fn exactly(version: Version) -> Target {
        Target::parse(&version.to_string()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(text: &str) -> Vec<String> {
        Target::parse(text)
            .map(|t| t.versions().map(|v| v.to_string()).collect())
            .unwrap_or_else(|e| vec![e])
    }

    #[test]
    fn a_version_selects_the_release_that_governs_it() {
        assert_eq!(versions("2.1.332"), ["2.1.332"]);
        assert_eq!(versions("2.1.328"), ["2.1.328"]);
        assert_eq!(versions("2.1.330"), ["2.1.330"]);
        assert_eq!(versions("2.1.400"), ["2.1.332"]);
        assert_eq!(versions("2.0.1"), ["2.1.328"]);
        assert_eq!(versions("=2.1.332"), ["2.1.332"]);
    }

    #[test]
    fn a_range_selects_every_release_it_reaches() {
        let all = ["2.1.328", "2.1.329", "2.1.330", "2.1.331", "2.1.332"];
        assert_eq!(versions(">=2.1.328"), all);
        assert_eq!(versions(">=2.1.329"), all[1..]);
        assert_eq!(versions(">2.1.330"), all[3..]);
        assert_eq!(versions(">2.1.331"), ["2.1.332"]);
        assert_eq!(versions("<2.1.332"), all[..4]);
        assert_eq!(versions("<=2.1.332"), all);
        assert_eq!(versions(">=2.1.328, <2.1.330"), all[..2]);
    }

    #[test]
    fn what_is_not_measured_is_named_as_an_assumption() {
        let said = |t: &str| Target::parse(t).unwrap().assumption();
        assert_eq!(said("2.1.330"), None);
        assert_eq!(said(">=2.1.328, <=2.1.332"), None);
        assert_eq!(
            said("2.1.340").as_deref(),
            Some("agentspec has not measured Claude Code 2.1.340; verdicts assume 2.1.332")
        );
        assert_eq!(
            said("2.0.1").as_deref(),
            Some("agentspec has not measured Claude Code 2.0.1; verdicts assume 2.1.328")
        );
        assert_eq!(
            said(">=2.1.328").as_deref(),
            Some("releases after 2.1.332 are not measured and are assumed to behave as 2.1.332")
        );
        assert!(said("<2.1.330").is_some_and(|s| s.starts_with("releases before 2.1.328")));
        assert_eq!(Target::default().assumption(), None);
        assert_eq!(
            Target::default().describe(),
            "Claude Code 2.1.332 (the newest measured)"
        );
        assert_eq!(
            Target::parse(">=2.1.329, <2.1.331").unwrap().describe(),
            "Claude Code >=2.1.329, <2.1.331 (2.1.329 to 2.1.330)"
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "latest",
            "+2.+1.+332",
            "2.1.332,",
            "2.1",
            ">=2.1.332, <2.1.328",
            "2.1.332.1",
            "~2.1.0",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Version::parse("2.1.332 (Claude Code)"),
            Some(Version(2, 1, 332))
        );
    }

    #[test]
    fn qualifiers_name_the_releases_as_ranges() {
        let all = Target::parse(">=2.1.328").unwrap();
        let v = |p| Version(2, 1, p);
        assert_eq!(
            all.qualifier(&[v(328), v(329), v(330), v(331), v(332)]),
            None
        );
        assert_eq!(
            all.qualifier(&[v(332)]).as_deref(),
            Some("in Claude Code 2.1.332 and later")
        );
        assert_eq!(
            all.qualifier(&[v(330), v(331), v(332)]).as_deref(),
            Some("in Claude Code 2.1.330 and later")
        );
        assert_eq!(
            all.qualifier(&[v(328), v(329)]).as_deref(),
            Some("in Claude Code 2.1.328 to 2.1.329")
        );
        assert_eq!(
            all.qualifier(&[v(328), v(330)]).as_deref(),
            Some("in Claude Code 2.1.328, 2.1.330")
        );
        assert_eq!(Target::default().qualifier(&[v(332)]), None);
        let bounded = Target::parse(">=2.1.328, <2.1.400").unwrap();
        assert_eq!(
            bounded.qualifier(&[v(331), v(332)]).as_deref(),
            Some("in Claude Code 2.1.331 to 2.1.332")
        );
    }

    #[test]
    fn the_feature_map_holds_each_change_from_its_first_release() {
        let r = |p| release_for(Version(2, 1, p));
        assert_eq!(r(329).duplicates(), Duplicates::ListingOrder);
        assert_eq!(r(330).duplicates(), Duplicates::SortedPathLast);
        assert!(!r(331).guards("PreSkillShellCommand"));
        assert!(r(332).guards("PreSkillShellCommand"));
        let has_holds_tools = |p| {
            r(p).hook_fields("command")
                .is_some_and(|mut f| f.any(|f| f.key == "holdsTools"))
        };
        assert!(!has_holds_tools(328));
        assert!(has_holds_tools(329));
        assert!(r(328).model_aliases().any(|a| a == "fable[1m]"));
        assert!(r(328).hook_types().any(|t| t == "mcp_tool"));
    }

    #[test]
    fn each_release_knows_its_guards_as_events_and_none_is_left_out() {
        for r in RELEASES {
            for (g, _) in GUARD_EVENTS.iter().filter(|(g, _)| r.guards(g)) {
                assert!(r.knows_event(g), "{g} in {}", r.version);
            }
        }
        assert_eq!(RELEASES[0].hook_events().count(), 33);
        assert_eq!(newest().hook_events().count(), 34);
        // Consecutive: every version between the oldest and the newest was measured.
        assert!(
            RELEASES
                .windows(2)
                .all(|w| w[0].version.next() == w[1].version)
        );
    }
}
