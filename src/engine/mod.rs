//! The session engine: the one pipeline every host's events go through. It pins the bundle
//! for the session, takes the session's lock, fails the session closed when the files
//! enforcement stands on change, refuses what would change them (self-protection), takes the
//! work tree's fingerprint, runs the Definition-of-Done checks, asks [`decide`], performs the
//! ref writes a confined agent cannot, and writes the audit log.
//!
//! A host adapter (`crate::host`) turns its input into a [`Call`], says what is the host's
//! own through [`Host`], and turns the [`Outcome`] into its reply. Every effect on the machine
//! goes through [`Env`]: [`Machine`] is the real one; a replay runs the same pipeline over
//! what a recording says the machine held ([`replay`]).

pub mod machine;
pub mod replay;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

pub use machine::Machine;

use crate::policy::decide::{self, Action, Actor, Decision, Event, SessionState, WorkTree};
use crate::policy::protect::HostFiles;
use crate::policy::{AgentPolicy, Bundle, BundleError};
use crate::runner::audit::{Entry, Subject};
use crate::runner::confine::Confinement;
use crate::runner::record::InstallRecord;
use crate::runner::{
    Deadline, Fingerprint, Lock, RunnerError, SessionVariables, StoredState, perform,
};

/// One event as a host delivered it: the decision core's event and what the pipeline needs
/// around it, in the host's own words where the audit log records them.
#[derive(Debug, Clone)]
pub struct Call {
    pub session: String,
    /// The host's name for the event (`PreToolUse`): recorded, and part of the key under
    /// which a repeated call gets the same answer.
    pub event_name: String,
    /// The agent whose definition governs the event (absent: the main session's).
    pub agent_type: Option<String>,
    /// A subagent's id in the session (absent: the main session).
    pub agent_id: Option<String>,
    pub tool_name: Option<String>,
    /// The tool's input as the host sent it (a repeated call must carry the same input).
    pub tool_input: Option<Value>,
    pub tool_use_id: Option<String>,
    /// The folder the event happened in.
    pub cwd: Option<String>,
    /// The decision core's event; `None` for an event the runner does not act on.
    pub event: Option<Event>,
    /// Why the call is refused before anything else (it asks the host to run a command
    /// outside its sandbox).
    pub refused: Option<String>,
    /// Further files an edit writes beyond its action's path (a Codex patch names several):
    /// each is checked against what enforcement stands on.
    pub more_paths: Vec<String>,
    /// The host's input as received, for the audit log.
    pub raw: Value,
    /// What a recording says of the call, for a replay: whether it ran confined and outside
    /// the project's root. A live call leaves it to the engine.
    pub recorded: Option<RecordedFlags>,
}

/// What the audit log recorded about a call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RecordedFlags {
    pub confined: bool,
    pub outside_root: bool,
}

impl Call {
    /// The agent's key in the session state.
    pub fn agent_key(&self) -> String {
        self.agent_id
            .as_deref()
            .map_or_else(|| decide::MAIN.to_owned(), crate::runner::sanitize)
    }

    fn cwd(&self) -> PathBuf {
        PathBuf::from(self.cwd.clone().unwrap_or_else(|| ".".to_owned()))
    }

    fn subject(&self) -> Subject<'_> {
        Subject {
            session: &self.session,
            event: &self.event_name,
            tool: self.tool_name.as_deref(),
            tool_use_id: self.tool_use_id.as_deref(),
            input: &self.raw,
        }
    }

    /// The shell command of a tool call, as the decision core reads it.
    fn command(&self) -> Option<&str> {
        match &self.event {
            Some(
                Event::ToolRequested {
                    action: Action::Shell { command },
                    ..
                }
                | Event::ToolFinished {
                    action: Action::Shell { command },
                    ..
                },
            ) => Some(command),
            _ => None,
        }
    }
}

/// What only the host knows: its own files, its project folder, its sandbox.
pub trait Host {
    /// The host's files within the agent's reach that it reads or runs outside its sandbox
    /// (its settings, agent definitions, hook scripts): the agent may not change them.
    fn files(&self) -> HostFiles;
    /// The project folder the host names for the session, when it names one.
    fn project_dir(&self) -> Option<PathBuf>;
    /// The tool whose commands the host's sandbox runs.
    fn shell_tool(&self) -> &str;
    /// The commands the host's settings run outside the sandbox (permission specifiers), or
    /// why the settings no longer confine as the install recorded.
    fn sandbox_exclusions(
        &self,
        confinement: &Confinement,
        record: &InstallRecord,
    ) -> Result<Vec<String>, String>;
    /// Makes the project ready for a sandboxed command (best effort).
    fn before_sandboxed(&self, confinement: &Confinement);
    /// What the files that can switch enforcement off hold now.
    fn fingerprint(
        &self,
        project: &Path,
        home: Option<&Path>,
        binary: Option<&Path>,
    ) -> Fingerprint;
    /// Old tool names the host still accepts, with the tool each names: `(old, current)`.
    fn tool_aliases(&self) -> Vec<(String, String)>;
    /// The environment variables by which the host tells the agent's processes which session
    /// they belong to (agentspec's git hooks read them): a command may not change them.
    fn session(&self) -> SessionVariables;
    /// The host's own command-line programs: one the agent starts could submit prompts that
    /// reach agentspec as the user's (`claude -c -p yes`).
    fn programs(&self) -> &[&str];
}

/// Where the engine keeps its state and what governs the session.
#[derive(Debug, Clone)]
pub struct Options {
    pub bundle: PathBuf,
    pub state_dir: PathBuf,
    /// The policy that governs the main session (events without `agent_type`).
    pub main_agent: Option<String>,
    /// The install confined the agent's commands: without the recorded confinement, fail
    /// closed.
    pub confined: bool,
    /// The caller's deadline, extended while the runner runs checks or a command.
    pub deadline: std::sync::Arc<Deadline>,
}

/// What the install record says for this event: the confinement in effect, and the commands
/// the host runs outside it.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub confinement: Option<Confinement>,
    pub excluded: Vec<String>,
}

impl Setup {
    /// Whether the host runs this tool call's command in its sandbox: the host's shell tool,
    /// the install confined, and no excluded-command pattern names any part of it.
    fn confines(&self, call: &Call, host: &dyn Host, command: &str) -> bool {
        if self.confinement.is_none() || call.tool_name.as_deref() != Some(host.shell_tool()) {
            return false;
        }
        let analysis = crate::policy::shell::analyze(command);
        !self.excluded.iter().any(|pattern| {
            let pattern = pattern
                .strip_prefix(host.shell_tool())
                .and_then(|p| p.strip_prefix('('))
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

/// What the repository held when the session started.
#[derive(Debug, Clone, Default)]
pub struct Start {
    pub project: PathBuf,
    /// The ref tips (`None`: not in a repository).
    pub tips: Option<Vec<String>>,
    pub repository: Option<String>,
}

/// Every effect of the pipeline on the machine: state, files, git, the checks, the commands
/// the runner performs, the audit log.
pub trait Env {
    /// What the install record says (fails closed when the binary or the confinement is not
    /// what it recorded).
    fn setup(&self, options: &Options, host: &dyn Host) -> Result<Setup, RunnerError>;
    /// Sends the git the runner starts through its guard.
    fn arm_git(&self, setup: &Setup, project: &Path, options: &Options);
    /// The bundle, with the policies of `names` read and verified.
    fn load_bundle(&self, options: &Options, names: &[&str]) -> Result<Bundle, BundleError>;
    /// The session's state lock, the state folder made first (`None`: nothing else can touch
    /// the state).
    fn lock(&self, options: &Options, session: &str) -> Result<Option<Lock>, RunnerError>;
    fn has_state(&self, options: &Options, session: &str) -> bool;
    fn read_state(&self, options: &Options, session: &str) -> Result<StoredState, RunnerError>;
    fn write_state(
        &self,
        options: &Options,
        session: &str,
        stored: &StoredState,
    ) -> Result<(), RunnerError>;
    /// The project and its repository as the session starts in `cwd`.
    fn start(&self, cwd: &Path) -> Start;
    /// What the files enforcement stands on hold now.
    fn fingerprint(&self, host: &dyn Host, project: &Path) -> Fingerprint;
    /// Why `action` in `cwd` would change what enforcement stands on, if it would.
    fn self_protection(
        &self,
        options: &Options,
        host: &dyn Host,
        project: &Path,
        action: &Action,
        cwd: &Path,
        confinement: Option<&Confinement>,
    ) -> Option<String>;
    /// A path with the symbolic links of its existing part followed.
    fn resolve(&self, path: &Path) -> PathBuf;
    /// Whether two folders are the same.
    fn same_dir(&self, a: &Path, b: &Path) -> bool;
    /// Readies the project for a sandboxed command.
    fn prepare(&self, confinement: &Confinement, host: &dyn Host) -> Result<(), String>;
    /// The ref writes of a confined command that the runner performs (`None`: nothing to
    /// perform; an error: refused as written).
    fn plan(
        &self,
        command: &str,
        cwd: &Path,
        confinement: Option<&Confinement>,
        state_dir: &Path,
    ) -> Option<Result<perform::Plan, String>>;
    /// The work-tree fingerprint an event needs, taken where its git operation happens.
    fn work_tree(
        &self,
        event: &Event,
        cwd: &Path,
        state_dir: &Path,
        confinement: Option<&Confinement>,
    ) -> Result<Option<WorkTree>, String>;
    /// Whether HEAD after a gated command is a commit of approved work.
    fn made_approved_commit(&self, state: &SessionState, after: &WorkTree, cwd: &Path) -> bool;
    /// Runs the Definition of Done's commands on the tree as it is.
    fn run_checks(
        &self,
        policy: &AgentPolicy,
        project: &Path,
        tree: Option<&str>,
        options: &Options,
        confinement: Option<&Confinement>,
    ) -> Vec<decide::CheckOutcome>;
    /// Runs a planned command for the agent: what came of it.
    fn perform(
        &self,
        plan: &perform::Plan,
        session: (SessionVariables, &str),
        options: &Options,
    ) -> perform::Outcome;
    /// The work tree at `cwd` after a performed command (the caller holds the session's lock).
    fn work_after(&self, cwd: &Path, state_dir: &Path) -> Option<WorkTree>;
    /// Appends a line to the audit log.
    fn audit(
        &self,
        options: &Options,
        subject: &Subject,
        revision: &str,
        entry: Entry,
    ) -> Result<(), RunnerError>;
}

/// What came of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The decision, and at a stop that ends the task with the Definition of Done unmet, what
    /// the user is told.
    Decided {
        decision: Decision,
        gave_up: Option<String>,
    },
    /// The runner performed the command itself (allowed): what came of it.
    Performed(perform::Outcome),
}

impl Outcome {
    fn decided(decision: Decision) -> Outcome {
        Outcome::Decided {
            decision,
            gave_up: None,
        }
    }

    /// The decision as the gates gave it (a performed command was allowed).
    pub fn decision(&self) -> Decision {
        match self {
            Outcome::Decided { decision, .. } => decision.clone(),
            Outcome::Performed(_) => Decision::Allow,
        }
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

/// Why a command outside the sandbox reaches what the host relies on: it changes the variables
/// by which agentspec's git hooks tell the session (the hooks are what refuses a commit the
/// command hides), or it starts the host's own program, whose prompts would reach agentspec as
/// the user's.
fn host_reach(host: &dyn Host, command: &str) -> Option<String> {
    let analysis = crate::policy::shell::analyze(command);
    if let Some(name) = analysis
        .variables
        .iter()
        .find(|v| host.session().names().contains(&v.as_str()))
    {
        return Some(format!(
            "the command changes `{name}`, by which agentspec's git hooks tell which session runs git"
        ));
    }
    analysis.commands.iter().find_map(|c| {
        let program = c.program.as_deref()?;
        let name = program.rsplit('/').next().unwrap_or(program);
        host.programs().contains(&name).then(|| {
            format!("the command starts `{name}`, whose prompts would reach agentspec as the user's answers")
        })
    })
}

/// The project the session works in: the host's project folder, else the folder the
/// session started in, else the event's.
fn project_of(state: &SessionState, call: &Call, host: &dyn Host) -> PathBuf {
    let project = host
        .project_dir()
        .or_else(|| state.project_dir.as_ref().map(PathBuf::from))
        .unwrap_or_else(|| call.cwd());
    std::path::absolute(&project).unwrap_or(project)
}

/// Handles one event end to end. Errors are for the host adapter to turn into its fail-closed
/// answer.
pub fn handle(
    call: &Call,
    options: &Options,
    host: &dyn Host,
    env: &dyn Env,
) -> Result<Outcome, RunnerError> {
    let setup = env.setup(options, host)?;
    let project_hint = setup
        .confinement
        .as_ref()
        .map(|c| c.project.clone())
        .or_else(|| host.project_dir())
        .unwrap_or_else(|| call.cwd());
    env.arm_git(&setup, &project_hint, options);
    // The bundle this session started with, if it has started.
    let pinned = env.read_state(options, &call.session)?.bundle;
    let subagent = call.agent_id.is_some();
    let agent = if subagent {
        call.agent_type.clone()
    } else {
        call.agent_type
            .clone()
            .or_else(|| options.main_agent.clone())
    };
    let main = options.main_agent.as_deref().filter(|_| subagent);
    let names: Vec<&str> = agent.as_deref().into_iter().chain(main).collect();
    let mut bundle = match env.load_bundle(options, &names) {
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
            &bundle.digest[..bundle.digest.len().min(12)]
        )));
    }
    // One name per tool: the host's old names are mapped in the rules and in the events alike.
    let aliases = host.tool_aliases();
    for policy in bundle.agents.values_mut() {
        policy.rename_tools(&aliases);
    }
    let current = |tool: String| match aliases.iter().find(|(old, _)| *old == tool) {
        Some((_, new)) => new.clone(),
        None => tool,
    };
    let policy = agent.as_ref().and_then(|a| bundle.agents.get(a));
    let parent = main.and_then(|m| bundle.agents.get(m));
    let revision = bundle.manifest.revision.clone();
    let audit = |entry: Entry| env.audit(options, &call.subject(), &revision, entry);
    // A shell command that runs in the host's sandbox cannot move a branch, push, or change
    // what enforcement stands on: the gates do not refuse what cannot hurt, and the runner
    // performs the ref writes the sandbox keeps from it.
    let (confined, plan) = match (&call.event, call.recorded) {
        // A replay: confined as recorded, and performed as recorded.
        (
            Some(Event::ToolRequested {
                action: Action::Shell { command },
                ..
            }),
            Some(flags),
        ) if flags.confined => (
            true,
            env.plan(command, &call.cwd(), None, &options.state_dir),
        ),
        (_, Some(flags)) => (flags.confined, None),
        (
            Some(Event::ToolRequested {
                action: Action::Shell { command },
                ..
            }),
            None,
        ) if setup.confines(call, host, command) => {
            if let Some(c) = &setup.confinement {
                env.prepare(c, host).map_err(|e| {
                    RunnerError::Confinement(format!(
                        "cannot prepare git's files for the sandbox: {e}"
                    ))
                })?;
            }
            let plan = env.plan(
                command,
                &call.cwd(),
                setup.confinement.as_ref(),
                &options.state_dir,
            );
            (true, plan)
        }
        _ => (false, None),
    };
    let event = call.event.clone().map(|e| match e {
        Event::ToolRequested {
            tool,
            action,
            work,
            confined,
        } => Event::ToolRequested {
            tool: current(tool),
            action,
            work,
            confined,
        },
        Event::ToolFinished {
            tool,
            action,
            success,
            summary,
            work,
            background,
        } => Event::ToolFinished {
            tool: current(tool),
            action,
            success,
            summary,
            work,
            background,
        },
        other => other,
    });
    let event = event.map(|e| decide::with_confinement(e, confined));
    // A file tool's path with its symbolic links followed: a link to `.git/refs/heads` makes a
    // Write to `link/main` a write of a branch.
    let event = event.map(|e| match e {
        Event::ToolRequested {
            tool,
            action: Action::Edit { path },
            work,
            confined,
        } => Event::ToolRequested {
            tool,
            action: Action::Edit {
                path: env.resolve(&call.cwd().join(&path)).display().to_string(),
            },
            work,
            confined,
        },
        other => other,
    });
    let prompt_for_session =
        matches!(event, Some(Event::UserPrompt { .. })) && env.has_state(options, &call.session);
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
                let state = env.read_state(options, &call.session)?;
                let action = Action::Shell {
                    command: call.command().unwrap_or_default().to_owned(),
                };
                if let Some(reason) = env.self_protection(
                    options,
                    host,
                    &project_of(&state.core, call, host),
                    &action,
                    &call.cwd(),
                    setup.confinement.as_ref(),
                ) {
                    decision = self_protection(reason);
                } else {
                    note = "not governed; performed by the runner";
                    performed = Some(env.perform(plan, (host.session(), &call.session), options));
                }
            }
            None => {}
        }
        audit(Entry {
            performed: performed.as_ref(),
            ..Entry::of(agent.as_deref(), &decision, note, confined)
        })?;
        return Ok(match performed {
            Some(outcome) => Outcome::Performed(outcome),
            None => Outcome::decided(decision),
        });
    };
    let lock = env.lock(options, &call.session)?;
    let mut stored = env.read_state(options, &call.session)?;
    if matches!(event, Event::ToolFinished { .. })
        && call
            .tool_use_id
            .as_ref()
            .is_some_and(|id| stored.performed.contains(id))
    {
        // The runner performed this call's command and recorded its result then; the host
        // reports the printed result.
        drop(lock);
        audit(Entry::of(
            agent.as_deref(),
            &Decision::Allow,
            "performed by the runner at PreToolUse",
            confined,
        ))?;
        return Ok(Outcome::decided(Decision::Allow));
    }
    if stored.bundle.is_none() {
        stored.bundle = Some(bundle.digest.clone());
    }
    if stored.core.refs_at_start.is_none() && (policy.is_some() || parent.is_some()) {
        // What the repository held before the session could move anything: the git hooks
        // treat commits reachable from it as not the session's own.
        let start = env.start(&call.cwd());
        stored.core.project_dir = Some(start.project.display().to_string());
        match (start.tips, start.repository) {
            (Some(tips), Some(repo)) => {
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
    let project = project_of(&stored.core, call, host);
    let seen = env.fingerprint(host, &project);
    match &stored.guarded {
        None => stored.guarded = Some(seen),
        Some(before) => {
            let changed = crate::runner::changed(before, &seen);
            if !changed.is_empty() {
                let tampered = changed.join(", ");
                stored.tampered = Some(tampered.clone());
                env.write_state(options, &call.session, &stored)?;
                return Err(RunnerError::Tampered(tampered));
            }
        }
    }
    let key = call.agent_key();
    let actor = Actor {
        key: &key,
        policy,
        parent,
    };
    // The same call repeated gets the same answer; another input under the same id does not.
    let idempotency_key = call.tool_use_id.as_ref().map(|id| {
        let tool_input = call
            .tool_input
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default();
        let digest = crate::policy::sha256_hex(tool_input.as_bytes());
        format!("{}:{id}:{}", call.event_name, &digest[..16])
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
            let elsewhere = match call.recorded {
                Some(flags) => flags.outside_root,
                None => {
                    matches!(
                        event,
                        Event::ToolFinished {
                            action: Action::Shell { .. },
                            ..
                        }
                    ) && call.cwd.is_some()
                        && !env.same_dir(&call.cwd(), &project)
                }
            };
            if elsewhere {
                event = outside_root(event, &call.cwd());
            }
            outside = elsewhere;
            let mut refused = None;
            // Inside the sandbox the enforcement files are read-only whatever the command
            // does; a command the runner performs runs outside it and is checked.
            let sandboxed_only = confined && !matches!(plan, Some(Ok(_)));
            if let Event::ToolRequested { action, .. } = &event
                && let Some(reason) = call.refused.clone().or_else(|| {
                    if sandboxed_only {
                        return None;
                    }
                    // A patch's further files: git's own files never (the decision core
                    // refuses the first path's when a gate is closed; a patch is not a way to
                    // write them either).
                    if let Some(p) = call.more_paths.iter().find(|p| {
                        crate::policy::shell::programs::is_git_internal(p)
                            || crate::policy::shell::programs::is_git_internal(
                                &env.resolve(&call.cwd().join(p)).display().to_string(),
                            )
                    }) {
                        return Some(format!("`{p}` is one of git's own files"));
                    }
                    let more = call.more_paths.iter().map(|p| Action::Edit {
                        path: env.resolve(&call.cwd().join(p)).display().to_string(),
                    });
                    std::iter::once(action.clone()).chain(more).find_map(|a| {
                        env.self_protection(
                            options,
                            host,
                            &project,
                            &a,
                            &call.cwd(),
                            setup.confinement.as_ref(),
                        )
                    })
                })
            {
                refused = Some(self_protection(reason));
            }
            if refused.is_none()
                && !sandboxed_only
                && let Event::ToolRequested {
                    action: Action::Shell { command },
                    ..
                } = &event
                && let Some(reason) = host_reach(host, command)
            {
                refused = Some(self_protection(reason));
            }
            if refused.is_none() && decide::needs_work_tree(&actor, &stored.core, &event) {
                // A stop is judged on the project, wherever the agent's shell is.
                let cwd = if is_stop { project.clone() } else { call.cwd() };
                match env.work_tree(&event, &cwd, &options.state_dir, setup.confinement.as_ref()) {
                    Ok(mut work) => {
                        if matches!(event, Event::ToolFinished { .. })
                            && let Some(w) = work.as_mut()
                            && !env.made_approved_commit(&stored.core, w, &cwd)
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
                    Err(e) if is_stop => {
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
                let tree = work.as_ref().map(WorkTree::content);
                let ran = env.run_checks(
                    policy,
                    &project,
                    tree.as_deref(),
                    options,
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
                    // A patch's further files face the same tool rules as its first.
                    if decision == Decision::Allow
                        && let Event::ToolRequested {
                            tool,
                            action: Action::Edit { .. },
                            work,
                            confined,
                        } = &event
                    {
                        for p in &call.more_paths {
                            let more = Event::ToolRequested {
                                tool: tool.clone(),
                                action: Action::Edit {
                                    path: env.resolve(&call.cwd().join(p)).display().to_string(),
                                },
                                work: work.clone(),
                                confined: *confined,
                            };
                            let (d, n) = decide::decide(&actor, &stored.core, &more);
                            if d != Decision::Allow {
                                decision = d;
                                next = n;
                                break;
                            }
                        }
                    }
                    if let (
                        Event::StopRequested {
                            last_message,
                            work,
                            checks,
                            stop_hook_active,
                        },
                        Some(policy),
                    ) = (&event, actor.policy)
                    {
                        // The verdicts as the decision saw them, for the audit log.
                        let mut state = stored.core.agents.get(&key).cloned().unwrap_or_default();
                        // As `decide` judges: a first stop starts from no earlier answers.
                        if !stop_hook_active {
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
            env.write_state(options, &call.session, &stored)?;
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
        let mut outcome = env.perform(plan, (host.session(), &call.session), options);
        let _lock = env.lock(options, &call.session)?;
        let mut work = env.work_after(plan.cwd(), &options.state_dir);
        let mut stored = env.read_state(options, &call.session)?;
        if outcome.success() {
            outcome.head = work.as_ref().and_then(|w| w.head.clone());
        }
        if let Some(w) = work.as_mut()
            && plan.gated
            && !env.made_approved_commit(&stored.core, w, plan.cwd())
        {
            w.head = None;
        }
        let finished = Event::ToolFinished {
            tool: call.tool_name.clone().unwrap_or_default(),
            action: Action::Shell {
                command: call.command().unwrap_or_default().to_owned(),
            },
            success: outcome.success(),
            summary: outcome.output.chars().take(200).collect(),
            work: work.clone(),
            background: false,
        };
        let (_, next) = decide::decide(&actor, &stored.core, &finished);
        stored.core = next;
        if let Some(id) = &call.tool_use_id {
            stored.performed.insert(id.clone());
        }
        env.write_state(options, &call.session, &stored)?;
        audit(Entry {
            work: Some(serde_json::to_value(&work).unwrap_or_default()),
            performed: Some(&outcome),
            ..Entry::of(
                agent.as_deref(),
                &decision,
                "performed by the runner",
                confined,
            )
        })?;
        return Ok(Outcome::Performed(outcome));
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
    audit(Entry {
        work: work_note,
        checks: checks_note,
        done: done_note,
        outside_root: outside,
        ..Entry::of(agent.as_deref(), &decision, note, confined)
    })?;
    Ok(Outcome::Decided { decision, gave_up })
}

/// The finished command as the decision core must read it when it ran in `cwd`, away from the
/// project's root: after a `cd` there, so that a test run there is not the suite's evidence.
pub(crate) fn outside_root(event: Event, cwd: &Path) -> Event {
    match event {
        Event::ToolFinished {
            tool,
            action: Action::Shell { command },
            success,
            summary,
            work,
            background,
        } => Event::ToolFinished {
            tool,
            action: Action::Shell {
                command: format!(
                    "cd {} && {command}",
                    crate::runner::githooks::sh_quote(&cwd.display().to_string())
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

/// Puts the fingerprint into the event.
pub fn with_work(event: Event, work: Option<WorkTree>) -> Event {
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
pub fn with_checks(event: Event, checks: Vec<decide::CheckOutcome>) -> Event {
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
