//! Adapters around [`decide`](crate::policy::decide): the Claude Code hook contract, the
//! per-session state on disk (locked, written atomically) and the audit log.

pub mod checks;
pub mod claude;
pub mod confine;
pub mod gitguard;
pub mod githooks;
pub mod guard;
pub mod install;
pub mod perform;
pub mod record;
pub mod replay;
pub mod reports;
pub mod task;
pub mod worktree;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::policy::decide::{self, Actor, Decision, Event, SessionState, WorkTree};
use crate::policy::{AgentPolicy, Bundle};

/// The largest hook input read (Claude Code's inputs carry a tool's input and output).
pub const MAX_INPUT: usize = 64 * 1024 * 1024;

/// How long a hook waits for another hook of the same session to release the state lock.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("invalid bundle: {0}")]
    Bundle(#[from] crate::policy::BundleError),
    #[error("cannot parse the hook input: {0}")]
    Input(String),
    #[error("state: {0}")]
    State(String),
    #[error("timed out after {0:?} waiting for the session state lock")]
    LockTimeout(Duration),
    #[error(
        "the policy changed during the session (the bundle is not the one the session started with: {0}); restart the session"
    )]
    PolicyChanged(String),
    #[error(
        "files enforcement stands on changed during the session ({0}); agentspec refuses every action of this session — ask the user to check them (`agentspec hooks doctor`) and start a new session"
    )]
    Tampered(String),
    #[error("{0}")]
    Binary(String),
    #[error(
        "the agent's commands must run confined, and they would not: {0}; ask the user to run `agentspec hooks install` again (`agentspec doctor` shows what is wrong)"
    )]
    Confinement(String),
}

/// What the hook prints and how it exits, in Claude Code's contract.
#[derive(Debug, Clone, PartialEq)]
pub struct HookReply {
    pub stdout: String,
    pub exit_code: i32,
}

/// The state the runner keeps per session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredState {
    pub core: SessionState,
    /// Decisions already given, by `<event>:<tool_use_id>`, so a repeated event gets the same
    /// answer and changes nothing.
    #[serde(default)]
    decided: BTreeMap<String, Decision>,
    /// The bundle the session started with (sha256 of its manifest): any other bundle later in
    /// the session fails closed.
    #[serde(default)]
    pub bundle: Option<String>,
    /// What the files enforcement stands on held when the session started (see [`guard`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    guarded: Option<guard::Fingerprint>,
    /// Those files changed during the session: every later event fails closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tampered: Option<String>,
    /// Tool calls whose command the runner performed itself: the host's later PostToolUse of
    /// them reports the printed result, not the command.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    performed: BTreeSet<String>,
}

/// Creates the state directory, readable by its owner only.
pub(crate) fn create_state_dir(dir: &Path) -> Result<(), RunnerError> {
    let err = |e: std::io::Error| RunnerError::State(format!("{}: {e}", dir.display()));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(err)?;
    if !std::fs::metadata(dir).map_err(err)?.is_dir() {
        return Err(RunnerError::State(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    Ok(())
}

/// The default state directory of a bundle: `$XDG_STATE_HOME/agentspec/<hash>` (or
/// `~/.local/state/agentspec/<hash>`), `<hash>` naming the bundle's real path — outside the
/// project, where the governed agent's tools are refused.
pub fn default_state_dir(bundle: &Path) -> Result<PathBuf, RunnerError> {
    let real = std::fs::canonicalize(bundle)
        .map_err(|e| RunnerError::State(format!("{}: {e}", bundle.display())))?;
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local").join("state"))
        })
        .ok_or_else(|| {
            RunnerError::State(
                "neither XDG_STATE_HOME nor HOME is set; give --state-dir".to_owned(),
            )
        })?;
    let digest = crate::policy::sha256_hex(real.display().to_string().as_bytes());
    Ok(base.join("agentspec").join(&digest[..16]))
}

/// The state file of a session.
pub fn state_path(state_dir: &Path, session: &str) -> PathBuf {
    state_dir.join(format!("{}.session.json", sanitize(session)))
}

/// The exclusive lock on a session's state.
pub(crate) fn lock_session(state_dir: &Path, session: &str) -> Result<Lock, RunnerError> {
    Lock::acquire(
        &state_dir.join(format!("{}.lock", sanitize(session))),
        LOCK_TIMEOUT,
    )
}

/// Writes a session's state (atomically; the caller holds its lock).
pub(crate) fn write_state(path: &Path, stored: &StoredState) -> Result<(), RunnerError> {
    let bytes = serde_json::to_vec(stored).map_err(|e| RunnerError::State(e.to_string()))?;
    write_atomic(path, &bytes).map_err(|e| RunnerError::State(format!("{}: {e}", path.display())))
}

/// Reads a session's state; the default when there is none yet.
pub fn read_state(path: &Path) -> Result<StoredState, RunnerError> {
    match crate::fsutil::read_regular(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| RunnerError::State(format!("{} is corrupt: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StoredState::default()),
        Err(e) => Err(RunnerError::State(format!("{}: {e}", path.display()))),
    }
}

/// A hook event as Claude Code sends it (unknown fields ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct HookInput {
    pub session_id: String,
    pub hook_event_name: String,
    #[serde(default)]
    pub agent_id: Option<String>,
    #[serde(default)]
    pub agent_type: Option<String>,
    #[serde(default)]
    pub tool_name: Option<String>,
    #[serde(default)]
    pub tool_input: Option<Value>,
    #[serde(default)]
    pub tool_response: Option<Value>,
    #[serde(default)]
    pub tool_use_id: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub stop_hook_active: Option<bool>,
    #[serde(default)]
    pub last_assistant_message: Option<String>,
    #[serde(default)]
    pub cwd: Option<String>,
}

/// Every hook event name Claude Code 2.1.328 and 2.1.332 send (read from their programs:
/// `loader-truth-2.1.332/vocab.json`). Any other name did not come from Claude Code.
const KNOWN_EVENTS: &[&str] = &[
    "ConfigChange",
    "CwdChanged",
    "DirectoryAdded",
    "Elicitation",
    "ElicitationResult",
    "FileChanged",
    "InstructionsLoaded",
    "MessageDisplay",
    "Notification",
    "PermissionDenied",
    "PermissionRequest",
    "PostCompact",
    "PostModelSwitch",
    "PostToolBatch",
    "PostToolUse",
    "PostToolUseFailure",
    "PreCompact",
    "PreModelSwitch",
    "PreSkillShellCommand",
    "PreToolUse",
    "SessionEnd",
    "SessionStart",
    "Setup",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "TaskCompleted",
    "TaskCreated",
    "TeammateIdle",
    "UserPromptExpansion",
    "UserPromptSubmit",
    "WorktreeCreate",
    "WorktreeRemove",
];

impl HookInput {
    /// Refuses an input Claude Code never sends: an unknown event name, an empty session id,
    /// a `tool_input` that is not an object, a tool event without a tool name.
    pub fn validate(&self) -> Result<(), RunnerError> {
        if !KNOWN_EVENTS.contains(&self.hook_event_name.as_str()) {
            return Err(RunnerError::Input(format!(
                "`{}` is not a hook event Claude Code sends",
                self.hook_event_name
            )));
        }
        if self.session_id.trim().is_empty() {
            return Err(RunnerError::Input("`session_id` is empty".to_owned()));
        }
        if self.tool_input.as_ref().is_some_and(|v| !v.is_object()) {
            return Err(RunnerError::Input(
                "`tool_input` is not a JSON object".to_owned(),
            ));
        }
        let tool_event = matches!(
            self.hook_event_name.as_str(),
            "PreToolUse" | "PostToolUse" | "PostToolUseFailure"
        );
        if tool_event && self.tool_name.as_deref().is_none_or(str::is_empty) {
            return Err(RunnerError::Input(format!(
                "a `{}` event without `tool_name`",
                self.hook_event_name
            )));
        }
        Ok(())
    }

    /// The decision-core event, `Ok(None)` for events the runner does not act on, and an error
    /// for a tool input Claude Code never sends.
    pub fn event(&self) -> Result<Option<Event>, RunnerError> {
        let tool = || self.tool_name.clone().unwrap_or_default();
        let action = || {
            claude::action(
                self.tool_name.as_deref().unwrap_or(""),
                self.tool_input.as_ref().unwrap_or(&Value::Null),
            )
            .map_err(RunnerError::Input)
        };
        Ok(Some(match self.hook_event_name.as_str() {
            "SessionStart" => Event::SessionStart,
            // Claude Code submits a `<task-notification>` as a prompt when a background agent
            // finishes (measured with 2.1.328): the agent's own output, not the user's answer.
            "UserPromptSubmit"
                if self
                    .prompt
                    .as_deref()
                    .is_some_and(|p| p.trim_start().starts_with("<task-notification>")) =>
            {
                return Ok(None);
            }
            "UserPromptSubmit" => Event::UserPrompt {
                text: self.prompt.clone().unwrap_or_default(),
            },
            "PreToolUse" => Event::ToolRequested {
                tool: tool(),
                action: action()?,
                work: None,
                confined: false,
            },
            "PostToolUse" => Event::ToolFinished {
                tool: tool(),
                action: action()?,
                success: true,
                summary: summary(self.tool_response.as_ref()),
                work: None,
                background: self.in_background(),
            },
            "PostToolUseFailure" => Event::ToolFinished {
                tool: tool(),
                action: action()?,
                success: false,
                summary: self.error.clone().unwrap_or_default(),
                work: None,
                background: self.in_background(),
            },
            "Stop" | "SubagentStop" => Event::StopRequested {
                last_message: self.last_assistant_message.clone().unwrap_or_default(),
                stop_hook_active: self.stop_hook_active.unwrap_or(false),
                work: None,
                checks: Vec::new(),
            },
            _ => return Ok(None),
        }))
    }

    /// A Bash call run in the background (`run_in_background`): its PostToolUse says it
    /// started, not how it ended.
    fn in_background(&self) -> bool {
        self.tool_input
            .as_ref()
            .and_then(|i| i.get("run_in_background"))
            .is_some_and(|v| !matches!(v, Value::Null | Value::Bool(false)) && v != "false")
    }

    /// The agent's key in the session state.
    pub fn agent_key(&self) -> String {
        self.agent_id
            .as_deref()
            .map_or_else(|| decide::MAIN.to_owned(), sanitize)
    }
}

/// A command asked to run outside Claude Code's sandbox: the sandbox is what keeps project
/// code the agent runs away from agentspec's files, so a governed agent's commands stay in
/// it (without a sandbox the flag changes nothing and the command can run without it).
fn unsandboxed(input: &HookInput) -> Option<String> {
    let flag = input
        .tool_input
        .as_ref()
        .and_then(|i| i.get("dangerouslyDisableSandbox"))?;
    (*flag != Value::Bool(false) && *flag != Value::Null).then(|| {
        "the command asks to run outside Claude Code's sandbox (`dangerouslyDisableSandbox`); a governed agent's commands run in it — run the command without that flag".to_owned()
    })
}

/// Computes the work-tree fingerprint an event needs, where the event's git operation happens;
/// `exclude` (the runner's state) is left out.
fn work_tree_for(
    event: &Event,
    cwd: &Path,
    exclude: &Path,
    confinement: Option<&confine::Confinement>,
) -> Result<Option<WorkTree>, String> {
    let analysis = match event {
        Event::ToolRequested {
            action: decide::Action::Shell { command },
            ..
        }
        | Event::ToolFinished {
            action: decide::Action::Shell { command },
            ..
        } => Some(crate::policy::shell::analyze(command)),
        _ => None,
    };
    let mut location = match &analysis {
        Some(a) => worktree::location(cwd, a)?,
        None => worktree::Location::at(cwd),
    };
    location.exclude.push(exclude.to_path_buf());
    if let Some(c) = confinement {
        // Confined, the runner runs git only in the project's own repository: another one (a
        // repository the agent made, a submodule) has a configuration the agent can write,
        // and git outside the sandbox would run the programs it names.
        if !location.git_args.is_empty() || !in_project_repository(&location.dir, &c.project) {
            return Err(format!(
                "{} is not in the project's own repository, whose git configuration is the only one agentspec runs git with",
                location.dir.display()
            ));
        }
    }
    worktree::fingerprint(&location)
}

/// A plan the runner may perform: every command in the project's own repository, every
/// repository it names a remote of that repository's configuration.
fn checked_plan(
    plan: perform::Plan,
    confinement: &confine::Confinement,
    state_dir: &Path,
) -> Result<perform::Plan, String> {
    let why = |what: String| {
        format!(
            "agentspec runs git for the agent only in the project's own repository, with the remotes its configuration names: {what}"
        )
    };
    if let Some(step) = plan
        .steps
        .iter()
        .find(|s| !in_project_repository(&s.cwd, &confinement.project))
    {
        return Err(why(format!(
            "{} is in another repository (or none)",
            step.cwd.display()
        )));
    }
    if plan.gated
        && let Some(layout) = confine::GitLayout::discover(&confinement.project)
        && !confine::in_progress_is_known(state_dir, &layout)
    {
        return Err(why(
            "a merge, cherry-pick, revert or rebase is in progress that agentspec did not start (`.git/MERGE_HEAD` or the like was written by another hand); finish or abort it outside the session".to_owned(),
        ));
    }
    let here = worktree::Location::at(&confinement.project);
    let deadline = Instant::now() + worktree::GIT_TIMEOUT;
    for branch in &plan.branches {
        let name = format!("refs/heads/{branch}");
        let exists = !branch.starts_with('-')
            && matches!(
                worktree::git(
                    &here,
                    &["show-ref", "--verify", "--quiet", &name],
                    worktree::Index::Default,
                    deadline
                ),
                Ok((true, _, _))
            );
        if !exists {
            return Err(why(format!(
                "`{branch}` is not a branch of the repository (agentspec switches only to branches, whose files it writes outside the sandbox)"
            )));
        }
    }
    for remote in &plan.remotes {
        let key = format!("remote.{remote}.url");
        let known = remote
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c))
            && !remote.starts_with('.')
            && matches!(
                worktree::git(
                    &here,
                    &["config", "--get", &key],
                    worktree::Index::Default,
                    deadline
                ),
                Ok((true, _, _))
            );
        if !known {
            return Err(why(format!("`{remote}` is not a remote of the repository")));
        }
    }
    Ok(plan)
}

/// Whether `dir` belongs to the project's own repository: the first `.git` above it (or in
/// it) is the project's.
pub(crate) fn in_project_repository(dir: &Path, project: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let project = canonical(project);
    let mut here = Some(canonical(dir));
    while let Some(d) = here {
        if std::fs::symlink_metadata(d.join(".git")).is_ok() {
            return d == project;
        }
        here = d.parent().map(Path::to_path_buf);
    }
    false
}

/// Whether HEAD after a gated command is a commit of approved work: made on the HEAD of the
/// armed approval, holding only its work tree's content or what was already committed.
fn made_approved_commit(state: &SessionState, after: &WorkTree, cwd: &Path) -> bool {
    let Some(head) = after.head.as_deref() else {
        return false;
    };
    let here = worktree::Location::at(cwd);
    let deadline = Instant::now() + worktree::GIT_TIMEOUT;
    state
        .approvals
        .iter()
        .filter(|a| a.armed)
        .filter_map(|a| a.work.as_ref())
        .any(|approved| {
            if approved.head.as_deref() == Some(head) {
                // No commit was made (it failed): nothing to vouch for.
                return true;
            }
            let parent_ok = worktree::parent_of(&here, head, deadline)
                .is_ok_and(|parent| parent == approved.head);
            let composed = worktree::tree_of(&here, Some(head), deadline)
                .and_then(|tree| {
                    let base = worktree::tree_of(&here, approved.head.as_deref(), deadline)?;
                    worktree::composed_of(&here, &tree, &approved.tree, &base, deadline)
                })
                .unwrap_or(false);
            parent_ok && composed
        })
}

/// Puts the fingerprint into the event.
fn with_work(event: Event, work: Option<WorkTree>) -> Event {
    match event {
        Event::ToolRequested {
            tool,
            action,
            confined,
            ..
        } => Event::ToolRequested {
            tool,
            action,
            work,
            confined,
        },
        Event::ToolFinished {
            tool,
            action,
            success,
            summary,
            background,
            ..
        } => Event::ToolFinished {
            tool,
            action,
            success,
            summary,
            work,
            background,
        },
        Event::StopRequested {
            last_message,
            stop_hook_active,
            checks,
            ..
        } => Event::StopRequested {
            last_message,
            stop_hook_active,
            work,
            checks,
        },
        other => other,
    }
}

/// The event with the Definition-of-Done checks the runner ran for it.
pub(crate) fn with_checks(event: Event, checks: Vec<decide::CheckOutcome>) -> Event {
    match event {
        Event::StopRequested {
            last_message,
            stop_hook_active,
            work,
            ..
        } => Event::StopRequested {
            last_message,
            stop_hook_active,
            work,
            checks,
        },
        other => other,
    }
}

/// The hook's deadline, which the runner extends while it runs what takes longer than a
/// decision (the Definition-of-Done checks, a command it performs); the installed hooks'
/// `timeout` covers the extension. The caller's watchdog reads it.
#[derive(Debug, Default)]
pub struct Deadline {
    extra_ms: std::sync::atomic::AtomicU64,
}

impl Deadline {
    /// Gives the hook `extra` beyond its own deadline (replacing an earlier extension).
    pub fn extend(&self, extra: Duration) {
        self.extra_ms.store(
            u64::try_from(extra.as_millis()).unwrap_or(u64::MAX),
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    /// The extension given so far.
    pub fn extra(&self) -> Duration {
        Duration::from_millis(self.extra_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}

fn summary(response: Option<&Value>) -> String {
    let text = match response {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    text.chars().take(200).collect()
}

/// Options of `agentspec run hook`.
#[derive(Debug, Clone)]
pub struct HookOptions {
    pub bundle: PathBuf,
    pub state_dir: PathBuf,
    /// The policy that governs the main session (events without `agent_type`).
    pub main_agent: Option<String>,
    /// The install confined the agent's commands: without the recorded confinement, fail
    /// closed.
    pub confined: bool,
    /// The hook's deadline, extended while the runner runs checks or a command.
    pub deadline: std::sync::Arc<Deadline>,
}

/// Claude Code's answer for a decision.
pub fn reply_for(event_name: &str, decision: &Decision) -> HookReply {
    let stdout = match (event_name, decision) {
        ("PreToolUse", Decision::Deny { reason, .. }) => json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        })
        .to_string(),
        ("PreToolUse", Decision::Ask { reason }) => json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "ask",
                "permissionDecisionReason": reason,
            }
        })
        .to_string(),
        (_, Decision::Block { reason, .. }) => {
            json!({"decision": "block", "reason": reason}).to_string()
        }
        // Allowing prints nothing: Claude Code's own permission checks still apply.
        _ => String::new(),
    };
    HookReply {
        stdout,
        exit_code: 0,
    }
}

/// A session or agent id as a file name.
pub(crate) fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect()
}

/// An exclusive lock on a file, released when dropped.
pub(crate) struct Lock(File);

impl Lock {
    pub(crate) fn acquire(path: &Path, timeout: Duration) -> Result<Lock, RunnerError> {
        let file = crate::fsutil::open_regular(
            path,
            OpenOptions::new().create(true).truncate(false).write(true),
        )
        .map_err(|e| RunnerError::State(format!("{}: {e}", path.display())))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock(file)),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(RunnerError::LockTimeout(timeout));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(RunnerError::State(format!("{}: {e}", path.display())));
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Renaming makes the write atomic for every reader; the state is not worth an fsync on
    // every hook (it would cost more than the rest of the hook together).
    crate::fsutil::write_atomic(path, bytes, crate::fsutil::Durability::Renamed)
}

/// Bundle files that passed schema validation, as empty files named by their key.
struct StateMemo(PathBuf);

impl crate::policy::ValidationMemo for StateMemo {
    fn validated(&self, key: &str) -> bool {
        self.0.join(key).is_file()
    }

    fn remember(&self, key: &str) {
        // Best effort: a memo that cannot be written only costs the next hook a validation.
        let _ = std::fs::create_dir_all(&self.0).and_then(|()| {
            crate::fsutil::write_atomic(&self.0.join(key), b"", crate::fsutil::Durability::Renamed)
        });
    }
}

/// Handles one hook event end to end. Errors are for the caller to turn into a fail-closed
/// answer (exit 2).
pub fn handle_hook(input_json: &str, options: &HookOptions) -> Result<HookReply, RunnerError> {
    if input_json.contains('\0') || input_json.contains("\\u0000") {
        return Err(RunnerError::Input(
            "the hook input contains a NUL byte".to_owned(),
        ));
    }
    let raw: Value =
        serde_json::from_str(input_json).map_err(|e| RunnerError::Input(e.to_string()))?;
    let input: HookInput =
        serde_json::from_value(raw.clone()).map_err(|e| RunnerError::Input(e.to_string()))?;
    input.validate()?;
    let setup = Setup::check(options)?;
    arm_git_guard(&setup, &input, options);
    let state_path = state_path(&options.state_dir, &input.session_id);
    // The bundle this session started with, if it has started.
    let pinned = read_state(&state_path)?.bundle;
    let subagent = input.agent_id.is_some();
    let agent = if subagent {
        input.agent_type.clone()
    } else {
        input
            .agent_type
            .clone()
            .or_else(|| options.main_agent.clone())
    };
    let main = options.main_agent.as_deref().filter(|_| subagent);
    // Only the manifest and the policies that bind this agent are read and verified; schema
    // validation is remembered per file content in the state folder.
    let memo = StateMemo(options.state_dir.join("validated"));
    let names: Vec<&str> = agent.as_deref().into_iter().chain(main).collect();
    let bundle = match Bundle::load_agents_with(&options.bundle, &names, &memo) {
        Ok(bundle) => bundle,
        Err(e) if pinned.is_some() => return Err(RunnerError::PolicyChanged(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    if let Some(pinned) = &pinned
        && *pinned != bundle.digest
    {
        return Err(RunnerError::PolicyChanged(format!(
            "manifest.json's sha256 was {}, now {}",
            &pinned[..pinned.len().min(12)],
            &bundle.digest[..12]
        )));
    }
    let policy = agent.as_ref().and_then(|a| bundle.agents.get(a));
    let parent = main.and_then(|m| bundle.agents.get(m));
    let event = input.event()?;
    // A Bash command that runs in the host's sandbox cannot move a branch, push, or change
    // what enforcement stands on: the gates do not refuse what cannot hurt, and the runner
    // performs the ref writes the sandbox keeps from it.
    let (confined, plan) = match &event {
        Some(Event::ToolRequested {
            action: decide::Action::Shell { command },
            ..
        }) if setup.confines(&input, command) => {
            if let Some(c) = &setup.confinement {
                c.prepare().map_err(|e| {
                    RunnerError::Confinement(format!(
                        "cannot prepare git's files for the sandbox: {e}"
                    ))
                })?;
                // Best effort: a stand-in left in `git add -A` fails that command, nothing else.
                let _ = claude::exclude_stand_ins(&c.project);
            }
            let analysis = crate::policy::shell::analyze(command);
            let plan = perform::plan(&analysis, command, &cwd_of(&input)).and_then(|plan| {
                match (plan, &setup.confinement) {
                    // An everyday ref write the runner will not perform runs in the sandbox
                    // (and fails there, or writes nothing: `git checkout HEAD`).
                    (Some(plan), Some(c)) if !plan.gated => {
                        Ok(checked_plan(plan, c, &options.state_dir).ok())
                    }
                    (Some(plan), Some(c)) => checked_plan(plan, c, &options.state_dir).map(Some),
                    (other, _) => Ok(other),
                }
            });
            (true, plan.transpose())
        }
        _ => (false, None),
    };
    let event = event.map(|e| decide::with_confinement(e, confined));
    // A file tool's path with its symbolic links followed: a link to `.git/refs/heads` makes a
    // Write to `link/main` a write of a branch.
    let event = event.map(|e| match e {
        Event::ToolRequested {
            tool,
            action: decide::Action::Edit { path },
            work,
            confined,
        } => Event::ToolRequested {
            tool,
            action: decide::Action::Edit {
                path: resolve_links(&cwd_of(&input).join(&path))
                    .display()
                    .to_string(),
            },
            work,
            confined,
        },
        other => other,
    });
    let prompt_for_session = matches!(event, Some(Event::UserPrompt { .. })) && state_path.exists();
    let (Some(event), true) = (
        event,
        policy.is_some() || parent.is_some() || prompt_for_session,
    ) else {
        // Not an event the runner acts on, or an agent the bundle does not govern: its
        // commands are confined all the same, so the runner performs their ref writes.
        let mut decision = Decision::Allow;
        let mut note = "not governed";
        let mut performed = None;
        match &plan {
            Some(Err(why)) => {
                decision = Decision::Deny {
                    reason: why.clone(),
                    rule: "perform".to_owned(),
                };
            }
            Some(Ok(plan)) => {
                let state = read_state(&state_path)?;
                let action = decide::Action::Shell {
                    command: input
                        .tool_input
                        .as_ref()
                        .and_then(|i| i.get("command"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                };
                if let Some(reason) =
                    protected(options, &state.core, &input, setup.confinement.as_ref()).check(
                        &action,
                        &cwd_of(&input),
                        &HostProbe,
                    )
                {
                    decision = self_protection(reason);
                } else {
                    note = "not governed; performed by the runner";
                    performed = Some(perform_plan(plan, &input, options));
                }
            }
            None => {}
        }
        audit(
            options,
            &raw,
            &input,
            &bundle,
            Entry {
                performed: performed.as_ref(),
                ..Entry::of(agent.as_deref(), &decision, note, confined)
            },
        )?;
        return Ok(match performed {
            Some(outcome) => performed_reply(&input, &outcome),
            None => reply_for(&input.hook_event_name, &decision),
        });
    };
    create_state_dir(&options.state_dir)?;
    let lock = lock_session(&options.state_dir, &input.session_id)?;
    let mut stored = read_state(&state_path)?;
    if matches!(event, Event::ToolFinished { .. })
        && input
            .tool_use_id
            .as_ref()
            .is_some_and(|id| stored.performed.contains(id))
    {
        // The runner performed this call's command and recorded its result then; the host
        // reports the printed result.
        drop(lock);
        audit(
            options,
            &raw,
            &input,
            &bundle,
            Entry::of(
                agent.as_deref(),
                &Decision::Allow,
                "performed by the runner at PreToolUse",
                confined,
            ),
        )?;
        return Ok(reply_for(&input.hook_event_name, &Decision::Allow));
    }
    if stored.bundle.is_none() {
        stored.bundle = Some(bundle.digest.clone());
    }
    if stored.core.refs_at_start.is_none() && (policy.is_some() || parent.is_some()) {
        // What the repository held before the session could move anything: the git hooks
        // treat commits reachable from it as not the session's own.
        let here = worktree::Location::at(input.cwd.clone().unwrap_or_else(|| ".".to_owned()));
        let deadline = Instant::now() + worktree::GIT_TIMEOUT;
        let project = std::fs::canonicalize(&here.dir).unwrap_or_else(|_| here.dir.clone());
        stored.core.project_dir = Some(project.display().to_string());
        match (
            githooks::ref_tips(&here, deadline),
            githooks::repository(&here, deadline),
        ) {
            (Ok(tips), Ok(repo)) => {
                stored.core.refs_at_start = Some(tips);
                stored.core.repository = Some(repo);
            }
            // Not in a repository: nothing to record now (the git hooks record the first
            // repository the session moves a ref in), and nothing to try again per event.
            _ => stored.core.refs_at_start = Some(Vec::new()),
        }
    }
    if let Some(tampered) = &stored.tampered {
        return Err(RunnerError::Tampered(tampered.clone()));
    }
    let seen = guarded(&stored.core, &input).fingerprint();
    match &stored.guarded {
        None => stored.guarded = Some(seen),
        Some(before) => {
            let changed = guard::changed(before, &seen);
            if !changed.is_empty() {
                let tampered = changed.join(", ");
                stored.tampered = Some(tampered.clone());
                write_state(&state_path, &stored)?;
                return Err(RunnerError::Tampered(tampered));
            }
        }
    }
    let key = input.agent_key();
    let actor = Actor {
        key: &key,
        policy,
        parent,
    };
    // The same call repeated gets the same answer; another input under the same id does not.
    let idempotency_key = input.tool_use_id.as_ref().map(|id| {
        let tool_input = input
            .tool_input
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default();
        let digest = crate::policy::sha256_hex(tool_input.as_bytes());
        format!("{}:{id}:{}", input.hook_event_name, &digest[..16])
    });
    let mut work_note = None;
    let mut checks_note = None;
    let mut done_note = None;
    let mut outside = false;
    let is_stop = matches!(event, Event::StopRequested { .. });
    let decision = match idempotency_key.as_ref().and_then(|k| stored.decided.get(k)) {
        Some(previous) => previous.clone(),
        None => {
            let mut event = event;
            // A test run counts as the suite's evidence only from the project's root: run in
            // a sub-folder, `pytest -q` runs that folder's tests only.
            let elsewhere = ran_outside_root(&event, &input, &project_of(&stored.core, &input));
            if elsewhere {
                event = outside_root(event, &cwd_of(&input));
            }
            outside = elsewhere;
            let mut refused = None;
            // Inside the sandbox the enforcement files are read-only whatever the command
            // does; a command the runner performs runs outside it and is checked.
            let sandboxed_only = confined && !matches!(plan, Some(Ok(_)));
            if let Event::ToolRequested { action, .. } = &event
                && let Some(reason) = unsandboxed(&input).or_else(|| {
                    if sandboxed_only {
                        return None;
                    }
                    protected(options, &stored.core, &input, setup.confinement.as_ref()).check(
                        action,
                        &cwd_of(&input),
                        &HostProbe,
                    )
                })
            {
                refused = Some(self_protection(reason));
            }
            if refused.is_none() && decide::needs_work_tree(&actor, &stored.core, &event) {
                // A stop is judged on the project, wherever the agent's shell is.
                let cwd = if matches!(event, Event::StopRequested { .. }) {
                    project_of(&stored.core, &input)
                } else {
                    PathBuf::from(input.cwd.clone().unwrap_or_else(|| ".".to_owned()))
                };
                match work_tree_for(&event, &cwd, &options.state_dir, setup.confinement.as_ref()) {
                    Ok(mut work) => {
                        if matches!(event, Event::ToolFinished { .. })
                            && let Some(w) = work.as_mut()
                            && !made_approved_commit(&stored.core, w, &cwd)
                        {
                            // The commit is not the approved work (the git hooks were
                            // bypassed): the approval is spent, and nothing may be pushed.
                            w.head = None;
                        }
                        work_note = Some(serde_json::to_value(&work).unwrap_or_default());
                        event = with_work(event, work);
                    }
                    Err(e) if matches!(event, Event::ToolRequested { .. }) => {
                        // Fail closed: a gated call whose work tree cannot be checked.
                        refused = Some(Decision::Deny {
                            reason: format!(
                                "agentspec could not check the work tree for this command: {e}"
                            ),
                            rule: "work-tree".to_owned(),
                        });
                    }
                    Err(e) if matches!(event, Event::StopRequested { .. }) => {
                        // Fail closed: a Definition of Done judged without the work tree
                        // would fall back to weaker evidence.
                        refused = Some(Decision::Block {
                            reason: format!(
                                "agentspec could not check the work tree to judge the Definition of Done: {e}"
                            ),
                            rule: "work-tree".to_owned(),
                        });
                    }
                    Err(e) => work_note = Some(Value::String(format!("error: {e}"))),
                }
            }
            if refused.is_none()
                && let (
                    Some(policy),
                    Event::StopRequested {
                        last_message, work, ..
                    },
                ) = (policy, &event)
                && !decide::is_pause(&actor, last_message)
                && !policy.check_commands().is_empty()
            {
                // The agent ends its work: the runner runs the Definition of Done's commands
                // itself, on the tree as it is now.
                options
                    .deadline
                    .extend(Duration::from_secs(policy.check_seconds() + 5));
                let tree = work.as_ref().map(decide::WorkTree::content);
                let ran = checks::run(
                    policy,
                    &project_of(&stored.core, &input),
                    tree.as_deref(),
                    &options.state_dir.join("checks"),
                    setup.confinement.as_ref(),
                );
                checks_note = Some(serde_json::to_value(&ran).unwrap_or_default());
                event = with_checks(event, ran);
            }
            let decision = match refused {
                Some(refused) => {
                    stored.core.seq += 1;
                    refused
                }
                None => {
                    let (mut decision, mut next) = decide::decide(&actor, &stored.core, &event);
                    if let (
                        Event::StopRequested {
                            last_message,
                            work,
                            checks,
                            ..
                        },
                        Some(policy),
                    ) = (&event, actor.policy)
                    {
                        // The verdicts as the decision saw them, for the audit log.
                        let mut state = stored.core.agents.get(&key).cloned().unwrap_or_default();
                        // As `decide` judges: a first stop starts from no earlier answers.
                        if let Event::StopRequested {
                            stop_hook_active: false,
                            ..
                        } = &event
                        {
                            state.done_answers.clear();
                        }
                        let ctx = decide::StopContext {
                            last_message,
                            work: work.as_ref(),
                            checks,
                        };
                        done_note = Some(
                            serde_json::to_value(decide::done_verdicts(policy, &state, &ctx))
                                .unwrap_or_default(),
                        );
                    }
                    if decision == Decision::Allow
                        && let Some(Err(why)) = &plan
                    {
                        // Allowed, but in a form the runner cannot run exactly: nothing runs,
                        // so nothing is in use.
                        decision = Decision::Deny {
                            reason: why.clone(),
                            rule: "perform".to_owned(),
                        };
                        for a in &mut next.approvals {
                            a.armed = false;
                        }
                    }
                    stored.core = next;
                    decision
                }
            };
            if let Some(k) = idempotency_key {
                stored.decided.insert(k, decision.clone());
            }
            write_state(&state_path, &stored)?;
            decision
        }
    };
    if decision == Decision::Allow
        && let Some(Ok(plan)) = &plan
    {
        // The agent's commands cannot write refs: the runner runs this one, outside the
        // sandbox, with the session's lock released (git runs agentspec's git hooks, which
        // take it to check the approval).
        drop(lock);
        let outcome = perform_plan(plan, &input, options);
        let _lock = lock_session(&options.state_dir, &input.session_id)?;
        let mut stored = read_state(&state_path)?;
        let work_after = {
            let here = worktree::Location::at(plan.cwd());
            let mut loc = here;
            loc.exclude.push(options.state_dir.clone());
            worktree::fingerprint(&loc)
        };
        let mut work = work_after.ok().flatten();
        let mut outcome = outcome;
        if outcome.success() {
            outcome.head = work.as_ref().and_then(|w| w.head.clone());
        }
        if let Some(w) = work.as_mut()
            && plan.gated
            && !made_approved_commit(&stored.core, w, plan.cwd())
        {
            w.head = None;
        }
        let finished = Event::ToolFinished {
            tool: input.tool_name.clone().unwrap_or_default(),
            action: decide::Action::Shell {
                command: input
                    .tool_input
                    .as_ref()
                    .and_then(|i| i.get("command"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            },
            success: outcome.success(),
            summary: outcome.output.chars().take(200).collect(),
            work: work.clone(),
            background: false,
        };
        let (_, next) = decide::decide(&actor, &stored.core, &finished);
        stored.core = next;
        if let Some(id) = &input.tool_use_id {
            stored.performed.insert(id.clone());
        }
        write_state(&state_path, &stored)?;
        audit(
            options,
            &raw,
            &input,
            &bundle,
            Entry {
                work: Some(serde_json::to_value(&work).unwrap_or_default()),
                performed: Some(&outcome),
                ..Entry::of(
                    agent.as_deref(),
                    &decision,
                    "performed by the runner",
                    confined,
                )
            },
        )?;
        return Ok(performed_reply(&input, &outcome));
    }
    drop(lock);
    // The stop that ends a task as not done: the user is told, and the audit says so.
    let gave_up = match (is_stop, &decision) {
        (true, Decision::Allow) => stored
            .core
            .agents
            .get(&key)
            .and_then(|a| a.gave_up.as_ref().map(decide::GaveUp::message)),
        _ => None,
    };
    let note = if gave_up.is_some() {
        "finished with the Definition of Done unmet"
    } else {
        ""
    };
    audit(
        options,
        &raw,
        &input,
        &bundle,
        Entry {
            work: work_note,
            checks: checks_note,
            done: done_note,
            outside_root: outside,
            ..Entry::of(agent.as_deref(), &decision, note, confined)
        },
    )?;
    if let Some(message) = gave_up {
        return Ok(HookReply {
            stdout: json!({ "systemMessage": message }).to_string(),
            exit_code: 0,
        });
    }
    Ok(reply_for(&input.hook_event_name, &decision))
}

/// Whether a finished shell command ran somewhere else than the project's root folder.
fn ran_outside_root(event: &Event, input: &HookInput, project: &Path) -> bool {
    let Event::ToolFinished {
        action: decide::Action::Shell { .. },
        ..
    } = event
    else {
        return false;
    };
    let Some(cwd) = input.cwd.as_deref() else {
        return false;
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canonical(Path::new(cwd)) != canonical(project)
}

/// The finished command as the decision core must read it when it ran in `cwd`, away from the
/// project's root: after a `cd` there, so that a test run there is not the suite's evidence.
pub(crate) fn outside_root(event: Event, cwd: &Path) -> Event {
    match event {
        Event::ToolFinished {
            tool,
            action: decide::Action::Shell { command },
            success,
            summary,
            work,
            background,
        } => Event::ToolFinished {
            tool,
            action: decide::Action::Shell {
                command: format!(
                    "cd {} && {command}",
                    githooks::sh_quote(&cwd.display().to_string())
                ),
            },
            success,
            summary,
            work,
            background,
        },
        other => other,
    }
}

/// A self-protection refusal.
fn self_protection(reason: String) -> Decision {
    Decision::Deny {
        reason: format!(
            "{reason}. agentspec's enforcement stands on it, so the governed agent may not change it; ask the user to."
        ),
        rule: "self-protection".to_owned(),
    }
}

/// Runs a planned command for the agent, with the watchdog extended to its time limit.
fn perform_plan(
    plan: &perform::Plan,
    input: &HookInput,
    options: &HookOptions,
) -> perform::Outcome {
    options
        .deadline
        .extend(perform::PERFORM_TIMEOUT + Duration::from_secs(5));
    let mut outcome = perform::run(
        plan,
        &input.session_id,
        &githooks::hooks_dir(&options.state_dir),
        perform::PERFORM_TIMEOUT,
    );
    // What a merge, cherry-pick, revert, rebase or am left in progress (conflicts) is the
    // runner's own, and so is nothing in progress after any command; but what is in progress
    // after another command is not (a repository hook, which is project code, could have
    // written `MERGE_HEAD` while the runner committed).
    let leaves_in_progress = plan.steps.iter().any(|s| {
        s.program == "git"
            && s.args.first().is_some_and(|sub| {
                matches!(
                    sub.as_str(),
                    "merge" | "cherry-pick" | "revert" | "rebase" | "am" | "pull"
                )
            })
    });
    if let Some(layout) = find_layout(plan.cwd())
        && (leaves_in_progress || confine::in_progress(&layout).is_empty())
        && let Err(e) = confine::record_in_progress(&options.state_dir, &layout)
    {
        outcome.output.push_str(&format!(
            "\n(agentspec could not record the state git was left in: {e})"
        ));
    }
    outcome
}

/// The layout of the repository that holds `dir`.
fn find_layout(dir: &Path) -> Option<confine::GitLayout> {
    let mut here = std::fs::canonicalize(dir).ok();
    while let Some(d) = here {
        if std::fs::symlink_metadata(d.join(".git")).is_ok() {
            return confine::GitLayout::discover(&d);
        }
        here = d.parent().map(Path::to_path_buf);
    }
    None
}

/// The answer for a command the runner performed: allowed, with the agent's command replaced
/// by one that prints what came of it and exits with its status (measured with Claude Code
/// 2.1.328 and 2.1.332: the model reads that output as the tool's result, an error when the
/// status is not 0 — clearer than a denial whose reason says it went through).
fn performed_reply(input: &HookInput, outcome: &perform::Outcome) -> HookReply {
    let mut updated = input
        .tool_input
        .as_ref()
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    updated.insert("command".to_owned(), Value::String(outcome.echo_command()));
    // A background run would only report that the echo started.
    updated.remove("run_in_background");
    HookReply {
        stdout: json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "allow",
                "permissionDecisionReason": format!("agentspec ran `{}` outside the sandbox", outcome.command),
                "updatedInput": Value::Object(updated),
            }
        })
        .to_string(),
        exit_code: 0,
    }
}

/// What the install record says for this hook: the confinement in effect, and the commands
/// the host runs outside it.
struct Setup {
    confinement: Option<confine::Confinement>,
    excluded: Vec<String>,
}

impl Setup {
    /// Reads the install record, checks the binary against it and, when the install confined
    /// the agent's commands, that the host's settings still do. Any failure fails closed.
    fn check(options: &HookOptions) -> Result<Setup, RunnerError> {
        let record = record::read(&options.state_dir).map_err(RunnerError::State)?;
        if let Some(r) = &record {
            record::verify_binary(&options.state_dir, r).map_err(RunnerError::Binary)?;
        }
        let confinement = record.as_ref().and_then(|r| r.confinement.clone());
        if options.confined && confinement.is_none() {
            return Err(RunnerError::Confinement(format!(
                "{} holds no confinement",
                options.state_dir.join(record::RECORD_FILE).display()
            )));
        }
        let mut excluded = Vec::new();
        if let (Some(c), Some(r)) = (&confinement, &record) {
            let home = std::env::var_os("HOME").map(PathBuf::from);
            let layers = claude::settings_layers(&c.project, home.as_deref(), Some(&r.settings));
            excluded = claude::sandbox_in_effect(&layers, c)
                .map_err(RunnerError::Confinement)?
                .excluded;
        }
        Ok(Setup {
            confinement,
            excluded,
        })
    }

    /// Whether the host runs this tool call's command in the sandbox: a Bash call, the install
    /// confined, and no `excludedCommands` pattern names any part of it.
    fn confines(&self, input: &HookInput, command: &str) -> bool {
        if self.confinement.is_none() || input.tool_name.as_deref() != Some("Bash") {
            return false;
        }
        let analysis = crate::policy::shell::analyze(command);
        !self.excluded.iter().any(|pattern| {
            let pattern = pattern
                .strip_prefix("Bash(")
                .and_then(|p| p.strip_suffix(')'))
                .unwrap_or(pattern);
            crate::policy::permission::specifier_matches(pattern, command)
                || analysis
                    .commands
                    .iter()
                    .any(|c| crate::policy::permission::specifier_matches(pattern, &c.text))
        })
    }
}

/// Sends the git the runner starts through the guard ([`gitguard`]) that admits the project's
/// repository — and its submodules' under `.git/modules` when the agent cannot write there.
fn arm_git_guard(setup: &Setup, input: &HookInput, options: &HookOptions) {
    let project = match &setup.confinement {
        Some(c) => c.project.clone(),
        None => std::env::var_os("CLAUDE_PROJECT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| cwd_of(input)),
    };
    let (Some(layout), Some(binary)) = (find_layout(&project), own_binary()) else {
        return;
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let modules = layout.common_dir.join("modules");
    let modules_protected = setup
        .confinement
        .as_ref()
        .is_some_and(|c| c.read_only.iter().any(|p| canonical(p) == modules));
    // A push runs git in the remote's repository when it is on this machine: admitted where
    // the agent cannot write (outside the project and the sandbox's writable folders; without
    // a sandbox the agent writes anywhere its commands run, and nothing is gained by refusing).
    let mut writable = vec![project.clone()];
    if let Some(c) = &setup.confinement {
        writable.extend(c.writable.iter().cloned());
    }
    gitguard::arm(
        &options.state_dir,
        &binary,
        gitguard::Allowed::project(&layout, modules_protected),
        Box::new(move || gitguard::local_remotes(&project, &writable)),
    );
}

fn cwd_of(input: &HookInput) -> PathBuf {
    PathBuf::from(input.cwd.clone().unwrap_or_else(|| ".".to_owned()))
}

/// The project the session works in: Claude Code's project folder, else the folder the
/// session started in, else the event's.
fn project_of(state: &SessionState, input: &HookInput) -> PathBuf {
    let project = std::env::var_os("CLAUDE_PROJECT_DIR")
        .map(PathBuf::from)
        .or_else(|| state.project_dir.as_ref().map(PathBuf::from))
        .unwrap_or_else(|| cwd_of(input));
    std::path::absolute(&project).unwrap_or(project)
}

/// The running agentspec binary, links followed.
fn own_binary() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}

/// The files whose change during a session fails it closed.
fn guarded(state: &SessionState, input: &HookInput) -> guard::Guarded {
    guard::Guarded {
        project: project_of(state, input),
        home: std::env::var_os("HOME").map(PathBuf::from),
        binary: own_binary(),
    }
}

/// The locations the governed agent may not change, for this event.
fn protected(
    options: &HookOptions,
    state: &SessionState,
    input: &HookInput,
    confinement: Option<&confine::Confinement>,
) -> crate::policy::protect::Protected {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let binary = own_binary();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut protected = crate::policy::protect::Protected::new(
        &project_of(state, input),
        &absolute(&options.bundle),
        &absolute(&options.state_dir),
        binary.as_deref(),
        home.as_deref(),
        &claude::host_files(),
    );
    // What the sandbox keeps read-only, the file tools (which run outside it) may not write
    // either: the hook scripts the settings name among them.
    if let Some(c) = confinement {
        protected.also(
            &c.read_only,
            "read-only to the agent's commands (the sandbox's `denyWrite`)",
        );
    }
    protected
}

/// The machine as the self-protection check sees it.
struct HostProbe;

impl crate::policy::protect::Probe for HostProbe {
    fn resolve(&self, path: &Path) -> PathBuf {
        resolve_links(path)
    }

    fn read(&self, path: &Path) -> Option<String> {
        let bytes = crate::fsutil::read_regular(path).ok()?;
        (bytes.len() <= 8 * 1024 * 1024).then(|| String::from_utf8_lossy(&bytes).into_owned())
    }

    fn differs(&self, dir: &Path, name: &str) -> bool {
        let deadline = Instant::now() + worktree::GIT_TIMEOUT;
        let here = worktree::Location::at(dir);
        let commit = format!("{name}^{{commit}}");
        let is_commit = matches!(
            worktree::git(
                &here,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    "--end-of-options",
                    &commit
                ],
                worktree::Index::Default,
                deadline,
            ),
            Ok((true, _, _))
        );
        if !is_commit {
            return false;
        }
        let mut args = vec![
            "diff",
            "--quiet",
            "--no-ext-diff",
            "--no-textconv",
            &commit,
            "--",
        ];
        args.extend(PROTECTED_PATHSPECS);
        // Exit 0: the same; 1: different; anything else (an error): treated as different.
        !matches!(
            worktree::git(&here, &args, worktree::Index::Default, deadline),
            Ok((true, _, _))
        )
    }

    fn holds(&self, dir: &Path, name: &str) -> bool {
        let deadline = Instant::now() + worktree::GIT_TIMEOUT;
        let here = worktree::Location::at(dir);
        // Resolved first, and without `^{commit}`: git reads `stash@{0}^3^{commit}` as the stash
        // itself when it has no third parent.
        let commit = match worktree::git(
            &here,
            &["rev-parse", "--verify", "--quiet", "--end-of-options", name],
            worktree::Index::Default,
            deadline,
        ) {
            Ok((true, sha, _)) => sha.trim().to_owned(),
            Ok((false, _, _)) => return false,
            Err(_) => return true,
        };
        let mut args = vec!["ls-tree", "-r", "--name-only", commit.as_str(), "--"];
        args.extend(PROTECTED_PATHSPECS);
        match worktree::git(&here, &args, worktree::Index::Default, deadline) {
            Ok((true, listed, _)) => !listed.trim().is_empty(),
            // No such commit (a stash without untracked files): nothing to restore.
            Ok((false, _, _)) => false,
            // git could not say: treated as holding them.
            Err(_) => true,
        }
    }

    fn uncommitted(&self, dir: &Path) -> crate::policy::protect::Uncommitted {
        let mut out = crate::policy::protect::Uncommitted::default();
        let deadline = Instant::now() + worktree::GIT_TIMEOUT;
        let mut args = vec![
            "status",
            "--porcelain=v1",
            "--ignored=matching",
            "--untracked-files=all",
            "-z",
            "--",
        ];
        args.extend(PROTECTED_PATHSPECS);
        let Ok((true, text, _)) = worktree::git(
            &worktree::Location::at(dir),
            &args,
            worktree::Index::Default,
            deadline,
        ) else {
            return out;
        };
        for entry in text.split('\0').filter(|e| e.len() > 3) {
            match &entry[..2] {
                "??" => out.untracked = true,
                "!!" => out.ignored = true,
                _ => out.modified = true,
            }
        }
        out
    }
}

/// The protected files a repository can hold, as git pathspecs from its top.
const PROTECTED_PATHSPECS: [&str; 4] = [
    // All of it: hook scripts, commands and skills there run outside the sandbox.
    ":(top).claude",
    ":(top).mcp.json",
    ":(top).agentspec",
    ":(top)agentspec.toml",
];

/// An absolute path with its existing part's symbolic links resolved.
fn resolve_links(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.as_os_str().is_empty() {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    path.to_path_buf()
}

/// What one audit line records beside the hook input.
struct Entry<'a> {
    agent: Option<&'a str>,
    decision: &'a Decision,
    note: &'a str,
    /// The work-tree fingerprint the decision used.
    work: Option<Value>,
    /// The Definition-of-Done checks the runner ran.
    checks: Option<Value>,
    /// At a stop: each Definition-of-Done item's verdict (met, not applicable with the
    /// agent's reason, unmet).
    done: Option<Value>,
    /// The command the runner performed for the agent, and what came of it.
    performed: Option<&'a perform::Outcome>,
    /// The call ran confined (the gates judged it so).
    confined: bool,
    /// The command ran outside the project's root folder (a test run there is no evidence).
    outside_root: bool,
}

impl<'a> Entry<'a> {
    /// A line with nothing beside the decision.
    fn of(
        agent: Option<&'a str>,
        decision: &'a Decision,
        note: &'a str,
        confined: bool,
    ) -> Entry<'a> {
        Entry {
            agent,
            decision,
            note,
            work: None,
            checks: None,
            done: None,
            performed: None,
            confined,
            outside_root: false,
        }
    }
}

fn audit(
    options: &HookOptions,
    raw: &Value,
    input: &HookInput,
    bundle: &Bundle,
    entry: Entry,
) -> Result<(), RunnerError> {
    let Entry {
        agent,
        decision,
        note,
        work,
        checks,
        done,
        performed,
        confined,
        outside_root,
    } = entry;
    create_state_dir(&options.state_dir)?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let (kind, reason, rule) = match decision {
        Decision::Allow => ("allow", None, None),
        Decision::Deny { reason, rule } => ("deny", Some(reason.as_str()), Some(rule.as_str())),
        Decision::Ask { reason } => ("ask", Some(reason.as_str()), None),
        Decision::Block { reason, rule } => ("block", Some(reason.as_str()), Some(rule.as_str())),
    };
    let input_text = raw.to_string();
    // Inputs are kept whole up to a size; beyond it, their digest.
    let input_record = if input_text.len() <= AUDIT_INPUT_LIMIT {
        raw.clone()
    } else {
        json!({
            "omitted": true,
            "bytes": input_text.len(),
            "sha256": crate::policy::sha256_hex(input_text.as_bytes()),
        })
    };
    let path = options.state_dir.join(AUDIT_FILE);
    let _lock = Lock::acquire(&options.state_dir.join("audit.lock"), LOCK_TIMEOUT)?;
    let state_err =
        |p: &Path, e: std::io::Error| RunnerError::State(format!("{}: {e}", p.display()));
    let head_path = options.state_dir.join(AUDIT_HEAD);
    let mut head = read_head(&head_path)?;
    let last = last_line(&path).map_err(|e| state_err(&path, e))?;
    let prev = last
        .as_deref()
        .map_or_else(|| AUDIT_GENESIS.to_owned(), crate::policy::sha256_hex);
    let one_ahead = last
        .as_deref()
        .and_then(|l| serde_json::from_slice::<Value>(l).ok())
        .is_some_and(|v| v.get("prev").and_then(Value::as_str) == Some(head.last.as_str()));
    if prev != head.last && one_ahead {
        // A hook stopped between appending its line and recording it: the line is intact
        // and chained, so the head catches up.
        head = AuditHead {
            lines: head.lines + 1,
            last: prev.clone(),
        };
    } else if prev != head.last {
        return Err(RunnerError::State(format!(
            "the audit log {} does not end where it did (lines were removed or changed); `agentspec run replay --verify` shows where",
            path.display()
        )));
    }
    let mut entry = json!({
        "id": format!("{}-{}-{}", now.as_secs(), now.subsec_nanos(), std::process::id()),
        // sha256 of the previous line: a removed or edited line breaks the chain.
        "prev": prev,
        "time": now.as_secs_f64(),
        "session": input.session_id,
        "agent": agent,
        "event": input.hook_event_name,
        "tool": input.tool_name,
        "tool_use_id": input.tool_use_id,
        "decision": kind,
        "reason": reason,
        "rule": rule,
        "note": if note.is_empty() { Value::Null } else { Value::String(note.to_owned()) },
        "bundle_revision": bundle.manifest.revision,
        // The work-tree fingerprint the decision used, so that a replay is exact.
        "work": work,
        // The Definition-of-Done checks the runner ran, with their results.
        "checks": checks,
        "done": done,
        // The command the runner performed for the agent (a confined session's commit, push
        // or ref write), with its exit code and output.
        "performed": performed,
        "confined": confined,
        "outside_root": outside_root,
        // The whole hook input, so that `agentspec run replay` can replay the log exactly.
        "input": input_record,
    });
    // The agent's text reaches the reason and the verdicts (a checklist line is quoted): a line
    // stays within what the log's reader accepts, the largest parts kept as their digest.
    for key in ["done", "reason", "checks", "performed", "work"] {
        if entry.to_string().len() <= AUDIT_LINE_LIMIT {
            break;
        }
        if let Some(part) = entry.get_mut(key) {
            let text = part.to_string();
            *part = json!({
                "omitted": true,
                "bytes": text.len(),
                "sha256": crate::policy::sha256_hex(text.as_bytes()),
            });
        }
    }
    let line = entry.to_string();
    let mut file = crate::fsutil::open_regular(&path, OpenOptions::new().create(true).append(true))
        .map_err(|e| state_err(&path, e))?;
    file.write_all(format!("{line}\n").as_bytes())
        .map_err(|e| state_err(&path, e))?;
    let next = AuditHead {
        lines: head.lines + 1,
        last: crate::policy::sha256_hex(line.as_bytes()),
    };
    let bytes = serde_json::to_vec(&next).map_err(|e| RunnerError::State(e.to_string()))?;
    write_atomic(&head_path, &bytes).map_err(|e| state_err(&head_path, e))?;
    Ok(())
}

/// The audit log's file name in the state directory.
pub const AUDIT_FILE: &str = "audit.jsonl";
/// Where the audit log's last line is recorded, so that a truncated log is noticed.
pub const AUDIT_HEAD: &str = "audit.head";
/// Hook inputs longer than this are recorded by their sha256.
pub const AUDIT_INPUT_LIMIT: usize = 16 * 1024;

/// The longest line the runner writes to the audit log (what its reader accepts is larger).
const AUDIT_LINE_LIMIT: usize = AUDIT_INPUT_LIMIT * 4;
/// The `prev` of the first line.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many lines the audit log has and the sha256 of its last line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditHead {
    pub lines: u64,
    pub last: String,
}

impl Default for AuditHead {
    fn default() -> AuditHead {
        AuditHead {
            lines: 0,
            last: AUDIT_GENESIS.to_owned(),
        }
    }
}

/// The recorded head; the genesis when there is none.
pub fn read_head(path: &Path) -> Result<AuditHead, RunnerError> {
    match crate::fsutil::read_regular(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| RunnerError::State(format!("{} is corrupt: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AuditHead::default()),
        Err(e) => Err(RunnerError::State(format!("{}: {e}", path.display()))),
    }
}

/// The last line of the audit log (`None` when it is empty), read from its end.
fn last_line(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match crate::fsutil::open_regular(path, OpenOptions::new().read(true)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    // A line holds at most AUDIT_INPUT_LIMIT of input plus the decision: well under this.
    let window = (AUDIT_INPUT_LIMIT as u64) * 8;
    let start = len.saturating_sub(window);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let text = tail.strip_suffix(b"\n").unwrap_or(&tail);
    if text.is_empty() {
        return Ok(None);
    }
    let last = match text.iter().rposition(|b| *b == b'\n') {
        Some(i) => &text[i + 1..],
        None if start == 0 => text,
        None => {
            return Err(std::io::Error::other(
                "the audit log's last line is longer than any line agentspec writes",
            ));
        }
    };
    Ok(Some(last.to_vec()))
}

/// The policy an agent name selects, for tests and replays.
pub fn policy<'a>(bundle: &'a Bundle, agent: &str) -> Option<&'a AgentPolicy> {
    bundle.agents.get(agent)
}
