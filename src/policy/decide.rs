//! The pure decision core: `decide(actor, state, event) -> (decision, new state)`.
//!
//! No clock, environment or I/O in here: everything the runner knows about the world arrives in
//! the event — including the fingerprint of the work tree, which the runner computes when
//! [`needs_work_tree`] says a decision depends on it — so the same inputs always give the same
//! decisions (replays are exact).
//!
//! Tool calls arrive as abstract [`Action`]s; the host adapter (`runner/`) maps its own tool
//! names onto them. Shell commands are judged on the command analysis of
//! [`shell`](super::shell), never on their raw text.
//!
//! Approvals belong to the session: the user's answer approves the work tree as it was when
//! the agent asked, for one commit (and the pushes of that commit), whichever agent of the
//! session makes it. A subagent never sees the user's prompt, so its request is answered in the
//! main session and its next run may commit the approved work.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::permission::specifier_matches;
use super::shell::git::GitOperation;
use super::shell::{self, Analysis};
use super::{AgentPolicy, Gate, GateAction, PermissionRule, ReportKind, Verify};

pub use super::done::{
    ItemStatus, ItemVerdict, StopContext, done_verdicts, how_checked, unmet_done,
};

/// The runner refuses one stop sequence (stops in a row, each after a refused one) at most
/// this many times; at the next stop the agent may stop and the task ends as not done. One
/// refusal lists everything open, so an agent that answers passes on its next stop; fewer than
/// any host's own cap (Claude Code honours 8 refusals in a row, Codex has no cap), so the end is
/// the runner's, with a report, and never a loop or the host giving up silently.
pub const MAX_STOP_BLOCKS: u32 = 3;

/// The key of the main agent in [`SessionState::agents`].
pub const MAIN: &str = "main";

/// What a tool call does, mapped from the host's tool names by the host adapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Action {
    /// A shell command (Claude Code's `Bash`).
    Shell { command: String },
    /// A change to a file (`Write`, `Edit`, `MultiEdit`, `NotebookEdit`).
    Edit { path: String },
    /// Starting another agent (`Agent`, `Task`).
    Spawn {
        #[serde(default)]
        agent: Option<String>,
    },
    /// Any other tool; `target` is what a rule's specifier is matched against (a path, a URL,
    /// a pattern).
    Other {
        #[serde(default)]
        target: Option<String>,
    },
}

/// A fingerprint of the work, as far as git could commit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkTree {
    /// The commit HEAD points to; `None` before the first commit.
    pub head: Option<String>,
    /// The git tree of every file git could commit: tracked and untracked, ignored files left
    /// out.
    pub tree: String,
    /// The index holds, path by path, the committed or the work-tree version: nothing staged
    /// that the work tree does not show.
    pub index_consistent: bool,
    /// A digest of what the repositories inside the work tree (gitlinks: submodules, or a
    /// repository the agent made) hold, whose changes `tree` does not show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested: Option<String>,
}

impl WorkTree {
    /// The content a test run is evidence for: the tree, and what nested repositories hold.
    pub fn content(&self) -> String {
        match &self.nested {
            Some(n) => format!("{}+{n}", self.tree),
            None => self.tree.clone(),
        }
    }

    fn same_work(&self, other: &WorkTree) -> bool {
        self.head == other.head && self.tree == other.tree
    }
}

/// What happened, as the runner learns it from the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    SessionStart,
    UserPrompt {
        text: String,
    },
    ToolRequested {
        /// The tool as the host names it (permission rules name tools this way).
        tool: String,
        action: Action,
        /// The work tree now, when the decision depends on it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        work: Option<WorkTree>,
        /// The call runs confined: where it cannot move a branch, push, or change what
        /// enforcement stands on (the host's sandbox). Then the gates refuse only what is
        /// recognised as a commit or a push, not every command whose effect cannot be read
        /// from its text.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        confined: bool,
    },
    ToolFinished {
        tool: String,
        action: Action,
        success: bool,
        #[serde(default)]
        summary: String,
        /// The work tree after the call, when the runner needs it (a commit was made).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        work: Option<WorkTree>,
        /// The call ran in the background: it finished starting, not running.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        background: bool,
    },
    AgentMessage {
        text: String,
    },
    StopRequested {
        #[serde(default)]
        last_message: String,
        #[serde(default)]
        stop_hook_active: bool,
        /// The work tree when the agent stops, when it asks for approval or its Definition
        /// of Done needs it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        work: Option<WorkTree>,
        /// The Definition-of-Done checks the runner ran itself, on `work`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        checks: Vec<CheckOutcome>,
    },
}

/// A Definition-of-Done command the runner ran itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckOutcome {
    /// The command as configured.
    pub command: String,
    pub status: CheckStatus,
    /// Its exit code, when it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// The last lines of its output (standard output and error), or why it could not run.
    #[serde(default)]
    pub tail: String,
    /// The tree it ran on ([`WorkTree::tree`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// Reports the run wrote (the test command's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<ReportReading>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    Passed,
    Failed,
    TimedOut,
    /// It could not be started.
    Error,
}

/// What a report said, as read right after the run that should have written it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportReading {
    pub report: ReportKind,
    /// The path as configured.
    pub path: String,
    /// The run wrote it: it was modified after the run started.
    pub fresh: bool,
    /// JUnit: tests run, failed and in error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<u64>,
    /// Coverage: lines covered, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_percent: Option<f64>,
    /// Why it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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

/// The agent whose event is decided.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// Its key in the session: [`MAIN`] or the subagent's id.
    pub key: &'a str,
    /// Its own policy; `None` when the bundle does not govern it.
    pub policy: Option<&'a AgentPolicy>,
    /// For a subagent: the governed main agent's policy, whose gates bind the agents it
    /// starts.
    pub parent: Option<&'a AgentPolicy>,
}

impl<'a> Actor<'a> {
    /// The main agent (or any agent decided on its own, as in replays).
    pub fn main(policy: &'a AgentPolicy) -> Actor<'a> {
        Actor {
            key: MAIN,
            policy: Some(policy),
            parent: None,
        }
    }

    fn is_subagent(&self) -> bool {
        self.key != MAIN
    }

    /// Every gate that binds the actor: its own and its parent's.
    fn gates(&self) -> Vec<&'a Gate> {
        [self.policy, self.parent]
            .into_iter()
            .flatten()
            .filter_map(|p| p.protocol.as_ref())
            .flat_map(|p| p.gates.iter())
            .collect()
    }
}

/// The runner's memory of one agent in a session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentState {
    /// The agent's name (`agent_type`), when known.
    #[serde(default)]
    pub agent: Option<String>,
    /// Protocol states passed (`step-3`, ...).
    #[serde(default)]
    pub passed: BTreeSet<String>,
    /// `seq` of the last successful edit, and of the last passing test run.
    #[serde(default)]
    pub last_edit: u64,
    #[serde(default)]
    pub last_test_pass: u64,
    /// The tree ([`WorkTree::tree`]) on which the agent's last real test run passed: the
    /// evidence holds while the tree is the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests_passed_on: Option<String>,
    /// A commit went through.
    #[serde(default)]
    pub committed: bool,
    /// Stop blocks in a row (reset by any other stop).
    #[serde(default)]
    pub consecutive_stop_blocks: u32,
    /// The agent finished with these Definition-of-Done items unmet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finished_unmet: Vec<String>,
    /// The checklist lines of the final messages of the refused stops in the current stop
    /// sequence: an answer stands until a later line for the same item replaces it, so the
    /// agent answers only what the last refusal listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done_answers: Vec<String>,
    /// Its last stop ended the task as not done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gave_up: Option<GaveUp>,
    /// A subagent that has stopped.
    #[serde(default)]
    pub finished: bool,
}

/// A task that ended as not done: the agent stopped again after the runner's last refusal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaveUp {
    /// Refused stops in a row before it.
    pub blocks: u32,
    /// The Definition-of-Done items still open, as written.
    #[serde(default)]
    pub items: Vec<String>,
    /// The protocol's reasons the agent may not stop yet (a step not passed).
    #[serde(default)]
    pub reasons: Vec<String>,
}

impl GaveUp {
    /// What the user is told.
    pub fn message(&self) -> String {
        let mut open: Vec<String> = self.items.clone();
        open.extend(self.reasons.iter().cloned());
        format!(
            "agentspec: Definition of Done not met. The agent stopped after {} refused stops with this open: {}",
            self.blocks,
            open.join("; ")
        )
    }
}

/// An agent asked for approval; the user's next prompt answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The asking agent's key and name.
    pub agent: String,
    #[serde(default)]
    pub agent_type: Option<String>,
    /// The word that approves.
    pub token: String,
    /// The work tree when it asked.
    #[serde(default)]
    pub work: Option<WorkTree>,
    /// The protocol state an approval passes (the await-approval step).
    #[serde(default)]
    pub passes: Option<String>,
    pub seq: u64,
}

/// The user approved the work tree `work`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub token: String,
    #[serde(default)]
    pub work: Option<WorkTree>,
    /// Who asked.
    pub requested_by: String,
    pub seq: u64,
    /// A gated call was allowed under it and has not finished yet.
    #[serde(default)]
    pub armed: bool,
    /// The commit made under it (empty when the host could not tell which): the approval is
    /// spent, and pushes of that commit are allowed.
    #[serde(default)]
    pub used: Option<String>,
}

/// The runner's memory of one session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// Events seen so far; a logical clock.
    #[serde(default)]
    pub seq: u64,
    #[serde(default)]
    pub agents: BTreeMap<String, AgentState>,
    /// Requests for approval the user has not answered yet.
    #[serde(default)]
    pub requests: Vec<Request>,
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// The commits the repository's branches, tags and remote-tracking refs pointed to before
    /// the session first moved one (recorded by the git hooks): commits reachable from them are
    /// not the session's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refs_at_start: Option<Vec<String>>,
    /// The repository the session works in (its git common directory, absolute), recorded
    /// with `refs_at_start`: the git hooks guard it, not the temporary repositories a test
    /// suite makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The folder the session started in (absolute, canonical): repositories inside it are the
    /// session's too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_dir: Option<String>,
}

impl SessionState {
    /// Whether an agent is waiting for the user's answer.
    pub fn awaiting_approval(&self) -> bool {
        !self.requests.is_empty()
    }
}

/// A test runner whose plain run counts as evidence that the tests pass, and the arguments
/// that keep it a run of the whole suite. Anything else — a filter, a flag that runs no
/// tests (`--no-run`, `--collect-only`, `--passWithNoTests`, `-run NONE`, `--help`), an
/// unknown flag — and the run is not evidence. `docs/definition-of-done.md` lists the table.
struct TestRunner {
    /// The words that start it, as run (wrappers and quotes removed).
    words: &'static [&'static str],
    /// Flags it may have.
    flags: &'static [&'static str],
    /// Options it may have that take a value (`--opt value` or `--opt=value`).
    valued: &'static [&'static str],
    /// Arguments other than flags it may have (`./...` for `go test`).
    positional: &'static [&'static str],
    /// Flags allowed after `--` (passed to the test binary); `None`: nothing may follow `--`.
    after_dashes: Option<(&'static [&'static str], &'static [&'static str])>,
}

/// A runner that takes no other arguments and nothing after `--`.
const fn runner(
    words: &'static [&'static str],
    flags: &'static [&'static str],
    valued: &'static [&'static str],
) -> TestRunner {
    TestRunner {
        words,
        flags,
        valued,
        positional: &[],
        after_dashes: None,
    }
}

const CARGO_FLAGS: &[&str] = &[
    "--release",
    "--workspace",
    "--all",
    "--all-features",
    "--no-default-features",
    "--all-targets",
    "--locked",
    "--offline",
    "--frozen",
    "--no-fail-fast",
    "-q",
    "--quiet",
    "-v",
    "-vv",
    "--verbose",
];
const CARGO_VALUED: &[&str] = &[
    "--features",
    "-F",
    "--target",
    "-j",
    "--jobs",
    "--profile",
    "--target-dir",
    "--color",
    "--message-format",
];
const JS_FLAGS: &[&str] = &[
    "--ci",
    "--coverage",
    "--runInBand",
    "-i",
    "--silent",
    "--verbose",
    "--no-cache",
    "--colors",
    "--run",
    "--reporter=junit",
];
const JS_VALUED: &[&str] = &["--maxWorkers", "-w", "--coverageReporters", "--outputFile"];
const PYTEST_FLAGS: &[&str] = &[
    "-q",
    "-qq",
    "-v",
    "-vv",
    "-x",
    "--exitfirst",
    "-s",
    "-ra",
    "-rA",
    "--no-header",
    "--strict-markers",
    "--disable-warnings",
    "--cov",
];
const PYTEST_VALUED: &[&str] = &[
    "--tb",
    "--color",
    "--cov",
    "--cov-report",
    "--junitxml",
    "--junit-xml",
    "-n",
    "--numprocesses",
    "--maxfail",
    "--durations",
];
const UNITTEST_FLAGS: &[&str] = &[
    "-q",
    "--quiet",
    "-v",
    "--verbose",
    "-b",
    "--buffer",
    "-c",
    "--catch",
    "-f",
    "--failfast",
];
const GO_FLAGS: &[&str] = &["-v", "-race", "-cover", "-json", "-failfast", "-count=1"];
const GO_VALUED: &[&str] = &[
    "-coverprofile",
    "-covermode",
    "-coverpkg",
    "-timeout",
    "-p",
    "-shuffle",
];

const TEST_RUNNERS: &[TestRunner] = &[
    TestRunner {
        words: &["cargo", "test"],
        flags: CARGO_FLAGS,
        valued: CARGO_VALUED,
        positional: &[],
        after_dashes: Some((
            &["--nocapture", "--show-output", "-q", "--quiet"],
            &["--test-threads", "--color"],
        )),
    },
    runner(&["cargo", "nextest", "run"], CARGO_FLAGS, CARGO_VALUED),
    runner(&["npm", "test"], &["--silent", "-s"], &[]),
    runner(&["npm", "run", "test"], &["--silent", "-s"], &[]),
    runner(&["yarn", "test"], &["--silent", "-s"], &[]),
    runner(&["pnpm", "test"], &["--silent", "-s"], &[]),
    runner(&["npx", "jest"], JS_FLAGS, JS_VALUED),
    runner(&["jest"], JS_FLAGS, JS_VALUED),
    TestRunner {
        words: &["npx", "vitest"],
        flags: JS_FLAGS,
        valued: JS_VALUED,
        positional: &["run"],
        after_dashes: None,
    },
    TestRunner {
        words: &["vitest"],
        flags: JS_FLAGS,
        valued: JS_VALUED,
        positional: &["run"],
        after_dashes: None,
    },
    runner(&["pytest"], PYTEST_FLAGS, PYTEST_VALUED),
    runner(&["python", "-m", "pytest"], PYTEST_FLAGS, PYTEST_VALUED),
    runner(&["python3", "-m", "pytest"], PYTEST_FLAGS, PYTEST_VALUED),
    // The standard library's runner: it discovers the tests of the current folder, which the
    // runner requires to be the project's root.
    TestRunner {
        words: &["python", "-m", "unittest"],
        flags: UNITTEST_FLAGS,
        valued: &[],
        positional: &["discover"],
        after_dashes: None,
    },
    TestRunner {
        words: &["python3", "-m", "unittest"],
        flags: UNITTEST_FLAGS,
        valued: &[],
        positional: &["discover"],
        after_dashes: None,
    },
    TestRunner {
        words: &["go", "test"],
        flags: GO_FLAGS,
        valued: GO_VALUED,
        positional: &["./..."],
        after_dashes: None,
    },
    runner(&["make", "test"], &["-s", "--silent"], &["-j", "--jobs"]),
    runner(
        &["mvn", "test"],
        &["-q", "--quiet", "-B", "--batch-mode", "-e", "--errors"],
        &[],
    ),
    runner(
        &["gradle", "test"],
        &["-q", "--quiet", "--info", "--no-daemon", "--console=plain"],
        &[],
    ),
    runner(
        &["./gradlew", "test"],
        &["-q", "--quiet", "--info", "--no-daemon", "--console=plain"],
        &[],
    ),
    runner(&["bundle", "exec", "rspec"], &[], &["--format", "-f"]),
    runner(&["rspec"], &[], &["--format", "-f"]),
    runner(
        &["dotnet", "test"],
        &["--no-restore", "--nologo"],
        &["-v", "--verbosity", "-c", "--configuration"],
    ),
    runner(&["deno", "test"], &["-A", "--allow-all"], &[]),
    runner(&["bun", "test"], &[], &[]),
];

/// Environment variables a test run may set and still count: none of them changes which
/// program runs or which tests it runs.
const HARMLESS_ENV: &[&str] = &[
    "CI",
    "RUST_BACKTRACE",
    "RUST_LOG",
    "NODE_ENV",
    "FORCE_COLOR",
    "NO_COLOR",
    "TERM",
    "CARGO_TERM_COLOR",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "TZ",
    "LANG",
    "LC_ALL",
];

/// Wrappers a test run may have: they run it as it is and pass its exit status on.
const PLAIN_WRAPPERS: &[&str] = &["timeout", "nice", "time", "command"];

/// Programs that change the shell itself (what a name runs, the environment), so that a
/// test runner later in the same command may not be the real one.
const SHELL_CHANGERS: &[&str] = &[
    "alias", "export", "declare", "typeset", "local", "readonly", "hash", "enable", "source", ".",
    "set", "shopt", "unset", "builtin", "eval", "exec", "trap", "function",
];

/// Whether one runner's arguments keep it a run of the whole suite.
fn whole_suite(runner: &TestRunner, args: &[String]) -> Result<(), String> {
    let mut i = 0;
    let mut after = false;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if arg == "--" && !after {
            if runner.after_dashes.is_none() {
                return Err("it passes arguments after `--`".to_owned());
            }
            after = true;
            continue;
        }
        let (flags, valued) = if after {
            runner.after_dashes.unwrap_or((&[], &[]))
        } else {
            (runner.flags, runner.valued)
        };
        if flags.contains(&arg) {
            continue;
        }
        let name = arg.split_once('=').map_or(arg, |(n, _)| n);
        if valued.contains(&name) {
            if !arg.contains('=') {
                // A value that looks like a flag is one: `make test -j -n` is a dry run.
                if args.get(i).is_some_and(|v| v.starts_with('-')) {
                    return Err(format!("`{arg}` is given no value"));
                }
                i += 1;
            }
            continue;
        }
        if !after && !arg.starts_with('-') && runner.positional.contains(&arg) {
            continue;
        }
        return Err(if arg.starts_with('-') {
            format!("`{arg}` is not one of the flags that keep it a run of the whole suite")
        } else {
            format!("`{arg}` selects some tests, not the whole suite")
        });
    }
    Ok(())
}

/// The known test runner a command starts (the longest match: `cargo nextest run`).
fn test_runner(c: &shell::Command) -> Option<&'static TestRunner> {
    let argv: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
    TEST_RUNNERS
        .iter()
        .filter(|r| argv.starts_with(r.words))
        .max_by_key(|r| r.words.len())
}

/// Whether any command of the analysis starts a known test runner.
fn runs_test_runner(analysis: &shell::Analysis) -> bool {
    analysis.commands.iter().any(|c| test_runner(c).is_some())
}

/// Whether a shell command is a plain run of a known test runner over the whole suite,
/// whose exit status is the runner's: when it succeeds, the tests passed. `Err` says why not.
pub fn real_test_run(command: &str) -> Result<(), String> {
    let analysis = shell::analyze(command);
    let found: Vec<(&shell::Command, &TestRunner)> = analysis
        .commands
        .iter()
        .filter_map(|c| test_runner(c).map(|r| (c, r)))
        .collect();
    if found.is_empty() {
        return Err("it runs no known test runner".to_owned());
    }
    if let Some(o) = analysis.opaque.first() {
        return Err(format!("{} (`{}`)", o.reason, o.construct));
    }
    if analysis.substitutions > 0 {
        return Err("it runs a command substitution".to_owned());
    }
    // Every command it runs is one of the chain: none hides in a script (`bash -c`).
    if shell::plain_chain(command) != Some(analysis.commands.len()) {
        return Err(
            "its exit status can hide a failure (`;`, `||`, `&`, `!`, a pipe, a subshell or a function)"
                .to_owned(),
        );
    }
    if let Some(c) = analysis.commands.iter().find(|c| {
        c.program
            .as_deref()
            .is_some_and(|p| SHELL_CHANGERS.contains(&p))
    }) {
        return Err(format!("`{}` changes the shell it runs in", c.text));
    }
    // Nothing runs after the suite: the work tree the runner records when the call ends is
    // the one the tests passed on.
    if let (Some(last), Some((c, _))) = (analysis.commands.last(), found.last())
        && !std::ptr::eq(last, *c)
    {
        return Err(format!(
            "`{}` runs after the tests; run the test suite last",
            last.text
        ));
    }
    for (c, runner) in found {
        // The suite of this project: no `cd` out of it.
        if let Some(dir) = c.cd.iter().find(|d| {
            d.as_literal().is_none_or(|t| {
                t.starts_with('/') || t.starts_with('~') || t.split('/').any(|p| p == "..")
            })
        }) {
            return Err(format!(
                "it runs the tests in `{}`, which may not be this project",
                dir.text
            ));
        }
        if let Some(w) = c
            .wrappers
            .iter()
            .find(|w| !PLAIN_WRAPPERS.contains(&w.as_str()))
        {
            return Err(format!("it runs under `{w}`"));
        }
        if let Some((name, _)) = c
            .assignments
            .iter()
            .find(|(n, _)| !HARMLESS_ENV.contains(&n.as_str()))
        {
            return Err(format!("it sets `{name}`, which can change what runs"));
        }
        if c.argv.iter().any(|w| w.as_literal().is_none()) {
            return Err("its arguments are only known at run time".to_owned());
        }
        let args: Vec<String> = c
            .argv
            .iter()
            .skip(runner.words.len())
            .map(|w| w.text.clone())
            .collect();
        whole_suite(runner, &args)?;
    }
    Ok(())
}

/// The prompt approves when it is the token alone: whitespace, quotes and punctuation around
/// it at most (`yes`, `Yes.`, `"yes"`, `yes!`). Anything more (`yes, but change X`, `yes
/// please`) is an answer, not an approval.
pub fn is_approval(prompt: &str, token: &str) -> bool {
    let trimmed = prompt.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '.' | '!' | '“' | '”' | '‘' | '’')
    });
    !token.is_empty() && trimmed.eq_ignore_ascii_case(token)
}

/// The message asks the user for approval: it quotes the token the user must answer with
/// (`Reply 'yes' to approve`). A message that only mentions approval (`approve?`) does not
/// tell the user what their answer means, so it is not a request.
pub fn asks_for_approval(text: &str, token: &str) -> bool {
    let lower = text.to_lowercase();
    let token = token.to_lowercase();
    [('"', '"'), ('\'', '\''), ('`', '`'), ('“', '”'), ('‘', '’')]
        .iter()
        .any(|(open, close)| lower.contains(&format!("{open}{token}{close}")))
}

fn state_of_kind(policy: Option<&AgentPolicy>, kind: &str) -> Option<String> {
    policy?
        .protocol
        .as_ref()?
        .states
        .iter()
        .find(|s| s.kind == kind)
        .map(|s| s.id.clone())
}

fn mark(agent: &mut AgentState, policy: Option<&AgentPolicy>, kind: &str) {
    if let Some(id) = state_of_kind(policy, kind) {
        agent.passed.insert(id);
    }
}

/// The approval word of the actor's gates.
fn approval_token(actor: &Actor) -> Option<String> {
    let gates = actor.gates();
    let gated = gates
        .iter()
        .any(|g| matches!(g.action, GateAction::Git { .. } | GateAction::Tool { .. }));
    if !gated {
        return None;
    }
    Some(
        gates
            .iter()
            .find_map(|g| g.token.clone())
            .unwrap_or_else(|| "yes".to_owned()),
    )
}

/// Whether deciding `event` needs the work-tree fingerprint: a gated operation that an
/// approval could allow, a request for approval, or a finished commit made under one.
pub fn needs_work_tree(actor: &Actor, state: &SessionState, event: &Event) -> bool {
    // The Definition of Done: a passing test run is evidence for the tree it ran on, and a
    // stop is judged on the tree as it is then.
    let done = actor.policy.map(|p| p.done.as_slice()).unwrap_or_default();
    let machine_checked = done.iter().any(|d| d.verify != Verify::Attest);
    match event {
        Event::ToolFinished {
            action: Action::Shell { command },
            success: true,
            background: false,
            ..
        } if machine_checked && real_test_run(command).is_ok() => return true,
        Event::StopRequested { .. } if machine_checked => return true,
        _ => {}
    }
    let gates = actor.gates();
    if gates.is_empty() {
        return false;
    }
    match event {
        Event::ToolRequested { tool, action, .. } => {
            if state.approvals.is_empty() {
                return false;
            }
            match action {
                Action::Shell { command } => {
                    let analysis = shell::analyze(command);
                    gates.iter().any(|g| match &g.action {
                        GateAction::Git { operation } => {
                            analysis.git_operations().contains(operation)
                        }
                        _ => false,
                    })
                }
                _ => gates.iter().any(|g| tool_gate_matches(g, tool)),
            }
        }
        Event::ToolFinished {
            action: Action::Shell { command },
            success: true,
            ..
        } => {
            state.approvals.iter().any(|a| a.armed)
                && !shell::analyze(command).git_operations().is_empty()
        }
        Event::StopRequested { last_message, .. } | Event::AgentMessage { text: last_message } => {
            approval_token(actor).is_some_and(|t| asks_for_approval(last_message, &t))
        }
        _ => false,
    }
}

fn tool_gate_matches(gate: &Gate, tool: &str) -> bool {
    matches!(&gate.action, GateAction::Tool { rule } if rule.names_tool(tool))
}

/// The work-tree fingerprint an event carries, if any.
pub fn event_work(event: &Event) -> Option<&WorkTree> {
    match event {
        Event::ToolRequested { work, .. }
        | Event::ToolFinished { work, .. }
        | Event::StopRequested { work, .. } => work.as_ref(),
        _ => None,
    }
}

/// The event, marked as run confined when it is a tool call and `confined` holds.
pub fn with_confinement(event: Event, confined: bool) -> Event {
    match event {
        Event::ToolRequested {
            tool, action, work, ..
        } => Event::ToolRequested {
            tool,
            action,
            work,
            confined,
        },
        other => other,
    }
}

/// Decides on one event. Pure: the same actor, state and event always give the same result.
pub fn decide(actor: &Actor, state: &SessionState, event: &Event) -> (Decision, SessionState) {
    let mut next = state.clone();
    next.seq += 1;
    if let Event::UserPrompt { text } = event {
        answer_requests(&mut next, text);
        // A new turn: the answers of the last one do not carry over.
        for agent in next.agents.values_mut() {
            agent.done_answers.clear();
        }
        return (Decision::Allow, next);
    }
    if actor.policy.is_none() && actor.gates().is_empty() {
        return (Decision::Allow, next);
    }
    let mut agent = next.agents.remove(actor.key).unwrap_or_default();
    if agent.agent.is_none() {
        agent.agent = actor.policy.map(|p| p.name.clone());
    }
    let decision = match event {
        Event::SessionStart => Decision::Allow,
        Event::UserPrompt { .. } => Decision::Allow,
        Event::AgentMessage { text } => {
            request_if_asked(actor, &mut next, &mut agent, text, None);
            Decision::Allow
        }
        Event::ToolRequested {
            tool,
            action,
            work,
            confined,
        } => {
            let (decision, arm) =
                tool_decision(actor, &next, tool, action, work.as_ref(), *confined);
            if let Some(i) = arm
                && let Some(a) = next.approvals.get_mut(i)
            {
                a.armed = true;
            }
            decision
        }
        Event::ToolFinished {
            tool,
            action,
            success,
            work,
            background,
            ..
        } => {
            finished(
                actor,
                &mut next,
                &mut agent,
                tool,
                action,
                *success,
                *background,
                work.as_ref(),
            );
            Decision::Allow
        }
        Event::StopRequested {
            last_message,
            stop_hook_active,
            work,
            checks,
        } => {
            if !stop_hook_active {
                agent.consecutive_stop_blocks = 0;
                agent.done_answers.clear();
            }
            agent.gave_up = None;
            let ctx = StopContext {
                last_message,
                work: work.as_ref(),
                checks,
            };
            let decision = stop_decision(actor, &mut next, &mut agent, &ctx);
            // Kept after the allowed stop too: the report judges as the decision did.
            if matches!(decision, Decision::Block { .. }) {
                agent
                    .done_answers
                    .extend(super::done::checklist_lines(last_message));
            }
            decision
        }
    };
    next.agents.insert(actor.key.to_owned(), agent);
    (decision, next)
}

/// The user's prompt answers every pending request: the token approves the work as it was
/// when the agent asked; anything else leaves it unapproved.
fn answer_requests(state: &mut SessionState, text: &str) {
    let requests = std::mem::take(&mut state.requests);
    for r in requests {
        if !is_approval(text, &r.token) {
            continue;
        }
        if let (Some(passes), Some(agent)) = (&r.passes, state.agents.get_mut(&r.agent)) {
            agent.passed.insert(passes.clone());
        }
        let seq = state.seq;
        state.approvals.push(Approval {
            token: r.token.clone(),
            work: r.work.clone(),
            requested_by: r.agent_type.clone().unwrap_or_else(|| r.agent.clone()),
            seq,
            armed: false,
            used: None,
        });
    }
}

/// Whether a stop with this message is the protocol's pause for the user's approval (it
/// quotes the approval word of a gate that binds the agent), not the end of the work.
pub fn is_pause(actor: &Actor, message: &str) -> bool {
    approval_token(actor).is_some_and(|t| asks_for_approval(message, &t))
}

/// Records a request when the agent's message asks for approval; returns whether it did.
fn request_if_asked(
    actor: &Actor,
    state: &mut SessionState,
    agent: &mut AgentState,
    text: &str,
    work: Option<&WorkTree>,
) -> bool {
    let Some(token) = approval_token(actor) else {
        return false;
    };
    if !asks_for_approval(text, &token) {
        return false;
    }
    mark(agent, actor.policy, "request-approval");
    mark(agent, actor.policy, "stop");
    let seq = state.seq;
    state.requests.retain(|r| r.agent != actor.key);
    state.requests.push(Request {
        agent: actor.key.to_owned(),
        agent_type: actor.policy.map(|p| p.name.clone()),
        token,
        work: work.cloned(),
        passes: state_of_kind(actor.policy, "await-approval")
            .or_else(|| state_of_kind(actor.policy, "request-approval")),
        seq,
    });
    true
}

/// Why a gated operation is not open now, or `None` when an approval opens it; with the
/// approval that does.
/// Whether the user has given `gate` an approval not used yet.
fn awaits_no_approval(gate: &Gate, state: &SessionState) -> bool {
    state.approvals.iter().any(|a| {
        a.used.is_none()
            && gate
                .token
                .as_deref()
                .is_none_or(|t| a.token.eq_ignore_ascii_case(t))
    })
}

fn gate_open(
    gate: &Gate,
    operation: GateKind,
    state: &SessionState,
    work: Option<&WorkTree>,
) -> Result<Option<usize>, String> {
    let token_ok = |a: &Approval| {
        gate.token
            .as_deref()
            .is_none_or(|t| a.token.eq_ignore_ascii_case(t))
    };
    match operation {
        GateKind::Commit => {
            let candidates: Vec<(usize, &Approval)> = state
                .approvals
                .iter()
                .enumerate()
                .filter(|(_, a)| a.used.is_none() && token_ok(a))
                .collect();
            if candidates.is_empty() {
                return Err(format!(
                    "{}. Ask the user for approval (quote the answer: reply `{}` to approve), stop, and wait for their answer.",
                    upper_first(&gate.reason),
                    gate.token.as_deref().unwrap_or("yes")
                ));
            }
            for (i, a) in &candidates {
                let same = match (&a.work, work) {
                    (Some(approved), Some(now)) => approved.same_work(now),
                    // Unknown work is never the approved work.
                    _ => false,
                };
                if same {
                    if work.is_some_and(|w| !w.index_consistent) {
                        return Err("The index holds staged content that the work tree the user approved does not show; stage the work-tree version (`git add`) or ask for approval again.".to_owned());
                    }
                    return Ok(Some(*i));
                }
            }
            Err("The user approved the work as it was when you asked; it has changed since (a file, the index or HEAD). Stop and ask for approval again.".to_owned())
        }
        GateKind::Push => {
            let head = work.and_then(|w| w.head.as_deref());
            let pushed = state.approvals.iter().position(|a| {
                token_ok(a)
                    && a.used
                        .as_deref()
                        .is_some_and(|c| !c.is_empty() && Some(c) == head)
            });
            match pushed {
                Some(i) => Ok(Some(i)),
                None if state.approvals.iter().all(|a| a.used.is_none()) => Err(format!(
                    "{}. Ask the user for approval, stop, and wait for their answer; after the approved commit you may push it.",
                    upper_first(&gate.reason)
                )),
                None => Err("Only the commit made under the user's approval may be pushed, and HEAD is not that commit. Ask for approval again.".to_owned()),
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum GateKind {
    Commit,
    Push,
}

fn tool_decision(
    actor: &Actor,
    state: &SessionState,
    tool: &str,
    action: &Action,
    work: Option<&WorkTree>,
    confined: bool,
) -> (Decision, Option<usize>) {
    let analysis = match action {
        Action::Shell { command } => Some(shell::analyze(command)),
        _ => None,
    };
    if let Some(policy) = actor.policy
        && let Some(denied) = tool_rules(policy, tool, action, analysis.as_ref())
    {
        return (denied, None);
    }
    let gates = actor.gates();
    if gates.is_empty() {
        return (Decision::Allow, None);
    }
    let deny = |reason: String, gate: &Gate| {
        (
            Decision::Deny {
                reason,
                rule: format!("gate:{}", gate.requires),
            },
            None,
        )
    };
    // A subagent with a closed gate cannot pass its gates on to agents it starts.
    if let Action::Spawn { .. } = action
        && actor.is_subagent()
        && let Some(gate) = gates.iter().find(|g| !matches!(g.action, GateAction::Stop))
        && gate_open(gate, GateKind::Commit, state, work).is_err()
    {
        return deny(
            "A subagent whose protocol still waits for the user's approval cannot start other agents; finish the task and ask for approval.".to_owned(),
            gate,
        );
    }
    let mut armed = None;
    // Sending commits without the `pre-push` hook is never covered: an approval allows the
    // push of the approved commit, which the hook checks.
    if let Some(analysis) = &analysis
        && let Some(gate) = gates
            .iter()
            .find(|g| matches!(g.action, GateAction::Git { .. }))
        && let Some(c) = analysis
            .commands
            .iter()
            .find(|c| c.git.as_ref().is_some_and(|g| g.skips_hooks))
    {
        return deny(
            format!(
                "`{}` sends commits without git's pre-push hook, which checks that only the approved commit is pushed; use `git push`.",
                c.text
            ),
            gate,
        );
    }
    if let Some(analysis) = &analysis {
        let operations = analysis.git_operations();
        let commits = operations
            .iter()
            .filter(|o| **o == GitOperation::Commit)
            .count();
        // Which gated operations are still closed, and the first closed gate.
        let (mut commit_closed, mut push_closed) = (false, false);
        let mut first_closed = None;
        for gate in &gates {
            let GateAction::Git { operation } = &gate.action else {
                continue;
            };
            let kind = match operation {
                GitOperation::Commit => GateKind::Commit,
                GitOperation::Push => GateKind::Push,
            };
            let open = gate_open(gate, kind, state, work);
            if open.is_err() {
                first_closed = first_closed.or(Some(gate));
                match kind {
                    // Closed for want of an approval, not for work the hook did not look at.
                    GateKind::Commit => commit_closed |= !awaits_no_approval(gate, state),
                    GateKind::Push => push_closed = true,
                }
            }
            if operations.contains(operation) {
                if kind == GateKind::Commit && commits > 1 {
                    return deny(
                        format!(
                            "An approval allows one commit; this command makes {commits}. Make one commit, then ask for approval for the next."
                        ),
                        gate,
                    );
                }
                match open {
                    Ok(i) if kind == GateKind::Commit => armed = armed.or(i),
                    Ok(_) => {}
                    Err(reason) => return deny(reason, gate),
                }
            }
        }
        // Confined, a command the analysis cannot see into cannot commit or push either —
        // but text too large or too deep to read at all that names a gated git operation is
        // refused while a gate is closed, so that the gate never rests on the sandbox alone
        // for a command written as a commit.
        // What the protocol still holds back, named as it is now: before the approval a commit
        // (and the push after it), after it only the push until the approved commit is made.
        let held = match (commit_closed, push_closed) {
            (true, true) => "a commit or a push",
            (true, false) => "a commit",
            (false, true) => "a push",
            // Approved, but the work changed since.
            (false, false) => "a commit of other work than the user approved",
        };
        if confined
            && let Some(gate) = first_closed
            && let Action::Shell { command } = action
            && let Some(opaque) = analysis.opaque.iter().find(|o| shell::unread(o))
            && shell::names_gated_git(command)
        {
            return deny(
                format!(
                    "agentspec cannot read this command ({}) and it names a git operation, while the protocol does not allow {held} yet. Run the git command on its own, with literal words, when the protocol allows it.",
                    opaque.reason
                ),
                gate,
            );
        }
        if !confined
            && let Some(gate) = first_closed
            && let Some(opaque) = analysis.opaque.first()
        {
            return deny(
                format!(
                    "agentspec cannot see what this command runs ({}: `{}`), and while the protocol does not allow {held} yet it refuses what it cannot read. Write out what you meant to run (such as `npm test` or `ls src`), without eval, script files, code given to an interpreter, or variables as command names.",
                    opaque.reason, opaque.construct
                ),
                gate,
            );
        }
    } else {
        // Never, approved or not: a ref written by hand moves no git hook, and the runner
        // makes the approved commits.
        if let Action::Edit { path } = action
            && shell::programs::is_git_internal(path)
            && let Some(gate) = gates
                .iter()
                .find(|g| matches!(g.action, GateAction::Git { .. }))
        {
            return deny(
                format!(
                    "`{path}` is one of git's own files; changing it could make or move a commit, which only the user's approved git commands may do."
                ),
                gate,
            );
        }
        for gate in gates.iter().filter(|g| tool_gate_matches(g, tool)) {
            match gate_open(gate, GateKind::Commit, state, work) {
                Ok(i) => armed = armed.or(i),
                Err(reason) => {
                    return deny(
                        format!("`{tool}` can commit, push or merge. {reason}"),
                        gate,
                    );
                }
            }
        }
    }
    (Decision::Allow, armed)
}

/// The agent's tool rules: tools removed, denied rules, and the allowlist.
fn tool_rules(
    policy: &AgentPolicy,
    tool: &str,
    action: &Action,
    analysis: Option<&Analysis>,
) -> Option<Decision> {
    let tools = &policy.tools;
    if tools
        .removed
        .iter()
        .any(|r| PermissionRule::tool(r).names_tool(tool))
    {
        return Some(Decision::Deny {
            reason: format!(
                "`{tool}` is not available to the agent `{}` (disallowedTools)",
                policy.name
            ),
            rule: format!("tools.removed:{tool}"),
        });
    }
    if let Some(rule) = tools
        .deny
        .iter()
        .find(|r| rule_denies(r, tool, action, analysis))
    {
        return Some(Decision::Deny {
            reason: format!(
                "`{}` is denied for the agent `{}`",
                rule.to_rule_string(),
                policy.name
            ),
            rule: format!("tools.deny:{}", rule.to_rule_string()),
        });
    }
    if tools.inherits_all {
        return None;
    }
    let what = match action {
        Action::Shell { command } => format!("`{command}`"),
        _ => format!("`{tool}`"),
    };
    let outside = |why: Option<String>| Decision::Deny {
        reason: match why {
            Some(why) => format!(
                "{what} is outside the tools of the agent `{}`: {why}",
                policy.name
            ),
            None => format!("{what} is outside the tools of the agent `{}`", policy.name),
        },
        rule: "tools.allow".to_owned(),
    };
    match analysis {
        Some(analysis) => {
            let rules: Vec<&PermissionRule> =
                tools.allow.iter().filter(|r| r.names_tool(tool)).collect();
            if rules.is_empty() {
                return Some(outside(None));
            }
            if rules.iter().any(|r| r.specifier.is_none()) {
                return None;
            }
            shell_allowed(analysis, &rules)
                .err()
                .map(|why| outside(Some(why)))
        }
        None => (!tools
            .allow
            .iter()
            .any(|r| rule_allows_call(r, tool, action)))
        .then(|| outside(None)),
    }
}

/// Commands that run nothing and change nothing but the shell's own directory.
const NEUTRAL: &[&str] = &["cd", "pushd", "popd", "true", "false", ":"];

/// A shell command is allowed by `Bash(...)` rules when every simple command in it matches
/// one, written literally, and nothing in it is opaque, writes a file or runs a substitution.
fn shell_allowed(analysis: &Analysis, rules: &[&PermissionRule]) -> Result<(), String> {
    if let Some(o) = analysis.opaque.first() {
        return Err(format!("{} (`{}`)", o.reason, o.construct));
    }
    if analysis.substitutions > 0 {
        return Err("it runs a command substitution, which the rules do not cover".to_owned());
    }
    if let Some(target) = analysis.redirect_writes.first() {
        return Err(format!("it writes `{target}` through a redirection"));
    }
    for c in &analysis.commands {
        if c.writes {
            return Err(format!("`{}` writes a file", c.text));
        }
        if c.wrappers.is_empty() && c.program.as_deref().is_some_and(|p| NEUTRAL.contains(&p)) {
            continue;
        }
        let Some(text) = rule_text(c) else {
            return Err(format!(
                "`{}` has arguments only known at run time, which the rules cannot check",
                c.text
            ));
        };
        let covered = rules.iter().any(|r| match &r.specifier {
            None => true,
            Some(spec) => specifier_matches(spec, &text),
        });
        if !covered {
            return Err(format!("no rule allows `{text}`"));
        }
    }
    Ok(())
}

/// The words of a simple command as the rules see them: quotes removed, the program by its
/// name; `None` when an argument is only known at run time.
fn rule_text(c: &shell::Command) -> Option<String> {
    let neutral = |name: &str| {
        shell::programs::NEUTRAL_VARIABLES.contains(&name)
            || name.starts_with("LC_")
            || shell::programs::names_people(name)
    };
    // `GIT_TRACE=/path git diff` writes a file; other variables change what runs.
    if c.extra_args || c.assignments.iter().any(|(name, _)| !neutral(name)) {
        return None;
    }
    let mut words = Vec::with_capacity(c.argv.len() + c.wrappers.len());
    words.extend(c.wrappers.iter().cloned());
    for (i, w) in c.argv.iter().enumerate() {
        let text = match w.kind {
            shell::words::WordKind::Literal => w.text.clone(),
            // A file-name pattern that cannot expand into an option.
            shell::words::WordKind::Glob if !w.text.starts_with(['-', '*', '?', '[']) => {
                w.text.clone()
            }
            _ => return None,
        };
        if i == 0 {
            words.push(shell::programs::base_name(&text).to_owned());
        } else {
            words.push(text);
        }
    }
    Some(words.join(" "))
}

/// Whether a non-shell call matches an allow rule.
fn rule_allows_call(rule: &PermissionRule, tool: &str, action: &Action) -> bool {
    if !rule.names_tool(tool) {
        return false;
    }
    match (&rule.specifier, action) {
        (None, _) => true,
        (Some(spec), Action::Edit { path }) => specifier_matches(spec, path),
        (Some(spec), Action::Other { target: Some(t) }) => specifier_matches(spec, t),
        (Some(spec), Action::Spawn { agent: Some(a) }) => specifier_matches(spec, a),
        _ => false,
    }
}

/// Whether a deny rule matches: for a shell command, any simple command in it, as written or
/// with its wrappers seen through.
fn rule_denies(
    rule: &PermissionRule,
    tool: &str,
    action: &Action,
    analysis: Option<&Analysis>,
) -> bool {
    if !rule.names_tool(tool) {
        return false;
    }
    let Some(spec) = &rule.specifier else {
        return true;
    };
    match analysis {
        Some(a) => a.commands.iter().any(|c| {
            specifier_matches(spec, &c.argv_text())
                || rule_text(c).is_some_and(|t| specifier_matches(spec, &t))
        }),
        None => rule_allows_call(rule, tool, action),
    }
}

#[allow(clippy::too_many_arguments)]
fn finished(
    actor: &Actor,
    state: &mut SessionState,
    agent: &mut AgentState,
    tool: &str,
    action: &Action,
    success: bool,
    background: bool,
    work: Option<&WorkTree>,
) {
    let seq = state.seq;
    match action {
        Action::Edit { .. } if success => {
            agent.last_edit = seq;
            mark(agent, actor.policy, "implement");
        }
        Action::Shell { command } => {
            let analysis = shell::analyze(command);
            if success && !background && real_test_run(command).is_ok() {
                agent.last_test_pass = seq;
                agent.tests_passed_on = work.map(WorkTree::content);
                mark(agent, actor.policy, "test");
            } else if !success && runs_test_runner(&analysis) {
                // A failing run of the suite outweighs an earlier pass.
                agent.last_test_pass = 0;
                agent.tests_passed_on = None;
            }
            let commits = analysis.git_operations().contains(&GitOperation::Commit);
            if success && commits {
                agent.committed = true;
                mark(agent, actor.policy, "commit");
            }
            disarm(state, success && commits, work.and_then(|w| w.head.clone()));
        }
        Action::Other { .. } => {
            // An MCP tool that commits: which commit it made is unknown.
            let gated = actor.gates().iter().any(|g| tool_gate_matches(g, tool));
            disarm(state, success && gated, None);
        }
        _ => {}
    }
}

/// A gated call finished: the approval it ran under is spent when it made a commit — HEAD
/// moved (a command that succeeded without committing, such as `git pull` with nothing new,
/// leaves it for the next try).
fn disarm(state: &mut SessionState, committed: bool, head: Option<String>) {
    for a in state.approvals.iter_mut().filter(|a| a.armed) {
        a.armed = false;
        let moved = head.is_none() || head != a.work.as_ref().and_then(|w| w.head.clone());
        if committed && moved {
            a.used = Some(head.clone().unwrap_or_default());
        }
    }
}

fn stop_decision(
    actor: &Actor,
    state: &mut SessionState,
    agent: &mut AgentState,
    ctx: &StopContext<'_>,
) -> Decision {
    // A stop that asks for approval (it quotes the approval word of a gate that binds the
    // agent) is the protocol's own pause, not the end: the user answers it. Any other stop is
    // the end, and the Definition of Done is checked — whatever the message says.
    if request_if_asked(actor, state, agent, ctx.last_message, ctx.work) {
        agent.consecutive_stop_blocks = 0;
        return Decision::Allow;
    }
    let Some(policy) = actor.policy else {
        agent.finished = actor.is_subagent();
        return Decision::Allow;
    };
    let verdicts = done_verdicts(policy, agent, ctx);
    let mut unmet: Vec<String> = verdicts
        .iter()
        .filter(|v| !v.settled())
        .map(|v| v.id.clone())
        .collect();
    let mut reasons = Vec::new();
    if let Some(protocol) = &policy.protocol {
        for gate in &protocol.gates {
            if gate.action == GateAction::Stop && !agent.passed.contains(&gate.requires) {
                reasons.push(gate.reason.clone());
            }
        }
    }
    if unmet.is_empty() && reasons.is_empty() {
        agent.consecutive_stop_blocks = 0;
        agent.finished = actor.is_subagent();
        return Decision::Allow;
    }
    if agent.consecutive_stop_blocks >= MAX_STOP_BLOCKS {
        // The agent had its answers: it stops, and the task ends as not done.
        agent.finished_unmet = std::mem::take(&mut unmet);
        agent.gave_up = Some(GaveUp {
            blocks: agent.consecutive_stop_blocks,
            items: verdicts
                .iter()
                .filter(|v| !v.settled())
                .map(|v| v.text.clone())
                .collect(),
            reasons: reasons.clone(),
        });
        agent.consecutive_stop_blocks = 0;
        agent.finished = actor.is_subagent();
        return Decision::Allow;
    }
    agent.consecutive_stop_blocks += 1;
    let mut reason = super::done::block_message(&verdicts);
    for r in reasons {
        if !reason.is_empty() {
            reason.push_str("\n\n");
        }
        reason.push_str(&r);
    }
    Decision::Block {
        reason,
        rule: "definition-of-done".to_owned(),
    }
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
    fn approval_forms() {
        for yes in [
            "yes",
            "Yes",
            "YES",
            "yes.",
            "yes!",
            "\"yes\"",
            "'yes'",
            "`yes`",
            "  yes \n",
            "Yes!!",
            "“yes”",
        ] {
            assert!(is_approval(yes, "yes"), "{yes:?}");
        }
        for no in [
            "yes, but change X",
            "Yes - but do not commit",
            "yes please",
            "y",
            "yess",
            "no",
            "not yes",
            "yes yes",
            "",
            "yes\nand also rename it",
        ] {
            assert!(!is_approval(no, "yes"), "{no:?}");
        }
        assert!(is_approval("LGTM", "lgtm"));
    }

    #[test]
    fn rule_text_sees_words_not_quotes() {
        let a = shell::analyze("git \"diff\" 'HEAD~1'");
        assert_eq!(
            rule_text(&a.commands[0]).as_deref(),
            Some("git diff HEAD~1")
        );
        let a = shell::analyze("/usr/bin/git diff $X");
        assert_eq!(rule_text(&a.commands[0]), None);
        let a = shell::analyze("ls src/*.rs");
        assert_eq!(rule_text(&a.commands[0]).as_deref(), Some("ls src/*.rs"));
        let a = shell::analyze("ls *.rs");
        assert_eq!(rule_text(&a.commands[0]), None);
    }
}
