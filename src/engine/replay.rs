//! Replaying a recorded session through the engine: the same pipeline as a live event, over
//! what the recording says the machine held (the work tree, the checks' results, what the
//! runner performed), so that every decision is reproduced, self-protection included.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Call, Env, Host, Options, Setup, Start};
use crate::policy::decide::{self, Action, Decision, Event, SessionState, WorkTree};
use crate::policy::protect::{Probe, Uncommitted};
use crate::policy::{AgentPolicy, Bundle, BundleError};
use crate::runner::audit::{Entry, Subject};
use crate::runner::confine::Confinement;
use crate::runner::{Deadline, Fingerprint, Lock, RunnerError, StoredState, perform};

/// One event of a recording, with what the runner measured and did for it then.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// 1-based line of the recording.
    pub line: usize,
    pub call: Call,
    /// The work-tree fingerprint the runner took.
    pub work: Option<WorkTree>,
    /// The Definition-of-Done checks the runner ran, with their results.
    pub checks: Vec<decide::CheckOutcome>,
    /// The command the runner performed for the agent, and what came of it.
    pub performed: Option<perform::Outcome>,
}

/// A decision that denied or blocked something during a replay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// 1-based line of the recording.
    pub line: usize,
    pub event: String,
    pub decision: Decision,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplayReport {
    pub events: usize,
    pub violations: Vec<Violation>,
    /// Definition-of-Done items still unmet at the end.
    pub unmet_at_end: Vec<String>,
    /// Items the agent answered as not applicable at the end: `id — reason`.
    pub not_applicable_at_end: Vec<String>,
    /// The recording was a transcript, mapped approximately.
    pub approximate: bool,
}

fn describe(event: &Event) -> String {
    match event {
        Event::ToolRequested { tool, action, .. } => match action {
            Action::Shell { command } => format!("{tool} `{command}`"),
            _ => tool.clone(),
        },
        Event::StopRequested { .. } => "stop".to_owned(),
        Event::UserPrompt { text } => {
            format!("prompt `{}`", text.chars().take(40).collect::<String>())
        }
        other => format!("{other:?}")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned(),
    }
}

/// The machine as a recording says it was: state in memory, the work tree, checks and
/// performed commands as recorded, and no file read (self-protection judges the paths alone).
struct Recording<'a> {
    bundle: &'a Bundle,
    sessions: RefCell<BTreeMap<String, StoredState>>,
    current: RefCell<Option<Recorded>>,
}

/// The file system as a replay sees it: paths as written, no file to read, no repository.
struct PathsOnly;

impl Probe for PathsOnly {
    fn resolve(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    fn read(&self, _: &Path) -> Option<String> {
        None
    }

    fn uncommitted(&self, _: &Path) -> Uncommitted {
        Uncommitted::default()
    }

    fn differs(&self, _: &Path, _: &str) -> bool {
        false
    }

    fn holds(&self, _: &Path, _: &str) -> bool {
        false
    }
}

impl Env for Recording<'_> {
    fn setup(&self, _: &Options, _: &dyn Host) -> Result<Setup, RunnerError> {
        Ok(Setup::default())
    }

    fn arm_git(&self, _: &Setup, _: &Path, _: &Options) {}

    fn load_bundle(&self, _: &Options, _: &[&str]) -> Result<Bundle, BundleError> {
        Ok(self.bundle.clone())
    }

    fn lock(&self, _: &Options, _: &str) -> Result<Option<Lock>, RunnerError> {
        Ok(None)
    }

    fn has_state(&self, _: &Options, session: &str) -> bool {
        self.sessions.borrow().contains_key(session)
    }

    fn read_state(&self, _: &Options, session: &str) -> Result<StoredState, RunnerError> {
        Ok(self
            .sessions
            .borrow()
            .get(session)
            .cloned()
            .unwrap_or_default())
    }

    fn write_state(
        &self,
        _: &Options,
        session: &str,
        stored: &StoredState,
    ) -> Result<(), RunnerError> {
        self.sessions
            .borrow_mut()
            .insert(session.to_owned(), stored.clone());
        Ok(())
    }

    fn start(&self, cwd: &Path) -> Start {
        Start {
            project: cwd.to_path_buf(),
            tips: None,
            repository: None,
        }
    }

    fn fingerprint(&self, _: &dyn Host, _: &Path) -> Fingerprint {
        Fingerprint::new()
    }

    fn self_protection(
        &self,
        options: &Options,
        host: &dyn Host,
        project: &Path,
        action: &Action,
        cwd: &Path,
        _: Option<&Confinement>,
    ) -> Option<String> {
        crate::policy::protect::Protected::new(
            project,
            &options.bundle,
            &options.state_dir,
            None,
            None,
            &host.files(),
        )
        .check(action, cwd, &PathsOnly)
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    fn same_dir(&self, a: &Path, b: &Path) -> bool {
        a == b
    }

    fn prepare(&self, _: &Confinement, _: &dyn Host) -> Result<(), String> {
        Ok(())
    }

    fn plan(
        &self,
        command: &str,
        cwd: &Path,
        _: Option<&Confinement>,
        _: &Path,
    ) -> Option<Result<perform::Plan, String>> {
        // Performed then: planned the same way now, and its outcome taken from the record.
        let current = self.current.borrow();
        current.as_ref()?.performed.as_ref()?;
        let analysis = crate::policy::shell::analyze(command);
        perform::plan(&analysis, command, cwd).transpose()
    }

    fn work_tree(
        &self,
        _: &Event,
        _: &Path,
        _: &Path,
        _: Option<&Confinement>,
    ) -> Result<Option<WorkTree>, String> {
        Ok(self.current.borrow().as_ref().and_then(|r| r.work.clone()))
    }

    fn made_approved_commit(&self, _: &SessionState, _: &WorkTree, _: &Path) -> bool {
        // What the runner recorded already says whether it was (a HEAD it did not vouch for
        // is recorded as none).
        true
    }

    fn run_checks(
        &self,
        _: &AgentPolicy,
        _: &Path,
        _: Option<&str>,
        _: &Options,
        _: Option<&Confinement>,
    ) -> Vec<decide::CheckOutcome> {
        self.current
            .borrow()
            .as_ref()
            .map(|r| r.checks.clone())
            .unwrap_or_default()
    }

    fn perform(
        &self,
        plan: &perform::Plan,
        _: (crate::runner::SessionVariables, &str),
        _: &Options,
    ) -> perform::Outcome {
        self.current
            .borrow()
            .as_ref()
            .and_then(|r| r.performed.clone())
            .unwrap_or_else(|| perform::Outcome {
                command: plan.display(),
                exit_code: None,
                output: String::new(),
                head: None,
            })
    }

    fn work_after(&self, _: &Path, _: &Path) -> Option<WorkTree> {
        self.current.borrow().as_ref().and_then(|r| r.work.clone())
    }

    fn audit(&self, _: &Options, _: &Subject, _: &str, _: Entry) -> Result<(), RunnerError> {
        Ok(())
    }
}

/// The host as a replay sees it: its files, tools and names, and nothing of the machine that
/// replays (its project folder variable, its settings files).
struct Replayed<'a>(&'a dyn Host);

impl Host for Replayed<'_> {
    fn files(&self) -> crate::policy::protect::HostFiles {
        self.0.files()
    }

    fn project_dir(&self) -> Option<PathBuf> {
        None
    }

    fn shell_tool(&self) -> &str {
        self.0.shell_tool()
    }

    fn sandbox_exclusions(
        &self,
        _: &Confinement,
        _: &crate::runner::record::InstallRecord,
    ) -> Result<Vec<String>, String> {
        Ok(Vec::new())
    }

    fn before_sandboxed(&self, _: &Confinement) {}

    fn fingerprint(&self, _: &Path, _: Option<&Path>, _: Option<&Path>) -> Fingerprint {
        Fingerprint::new()
    }

    fn tool_aliases(&self) -> Vec<(String, String)> {
        self.0.tool_aliases()
    }

    fn session(&self) -> crate::runner::SessionVariables {
        self.0.session()
    }

    fn programs(&self) -> &[&str] {
        self.0.programs()
    }
}

/// Replays recorded events against the bundle in `bundle_dir`. `agent` names the main agent's
/// policy (for transcripts and main-session events that do not name one); `host` says whose
/// files self-protection keeps.
pub fn replay(
    bundle_dir: &Path,
    bundle: &Bundle,
    events: Vec<Recorded>,
    approximate: bool,
    agent: Option<&str>,
    host: &dyn Host,
) -> Result<ReplayReport, String> {
    let mut report = ReplayReport {
        approximate,
        ..ReplayReport::default()
    };
    let lookup = |name: &str| {
        bundle
            .agents
            .get(name)
            .ok_or_else(|| format!("the bundle has no agent `{name}`"))
    };
    let main = agent.map(lookup).transpose()?;
    // A recording none of whose events names an agent (a transcript of the main session) is
    // governed only by `--agent`: without it nothing would be checked.
    if main.is_none() && !events.is_empty() && events.iter().all(|r| r.call.agent_type.is_none()) {
        let names: Vec<&str> = bundle.agents.keys().map(String::as_str).collect();
        let has = if names.is_empty() {
            "the bundle has no agents".to_owned()
        } else {
            format!("the bundle has: {}", names.join(", "))
        };
        return Err(format!(
            "no event in the recording names an agent, so no policy applies to it; pass --agent NAME with the agent that ran it ({has})"
        ));
    }
    let absolute = std::path::absolute(bundle_dir).unwrap_or_else(|_| bundle_dir.to_path_buf());
    let options = Options {
        state_dir: crate::runner::default_state_dir(bundle_dir)
            .unwrap_or_else(|_| absolute.join("state")),
        bundle: absolute,
        main_agent: agent.map(str::to_owned),
        confined: false,
        deadline: std::sync::Arc::new(Deadline::default()),
    };
    let env = Recording {
        bundle,
        sessions: RefCell::new(BTreeMap::new()),
        current: RefCell::new(None),
    };
    let mut last: Option<Recorded> = None;
    for r in events {
        let subagent = r.call.agent_id.is_some();
        let policy = match (&r.call.agent_type, subagent) {
            (Some(name), _) => Some(lookup(name)?),
            (None, false) => main,
            (None, true) => None,
        };
        let parent = if subagent { main } else { None };
        let Some(event) = &r.call.event else {
            continue;
        };
        let governed = policy.is_some() || parent.is_some();
        if !governed && !matches!(event, Event::UserPrompt { .. }) {
            continue;
        }
        let is_stop = matches!(event, Event::StopRequested { .. }) && policy.is_some();
        let described = describe(event);
        *env.current.borrow_mut() = Some(r.clone());
        let decision = super::handle(&r.call, &options, &Replayed(host), &env)
            .map_err(|e| format!("line {}: {e}", r.line))?
            .decision();
        report.events += 1;
        if decision != Decision::Allow {
            report.violations.push(Violation {
                line: r.line,
                event: described,
                decision,
            });
        }
        if is_stop {
            last = Some(r);
        }
    }
    if let Some(r) = last
        && let Some(Event::StopRequested { last_message, .. }) = &r.call.event
        && let Some(stored) = env.sessions.borrow().get(&r.call.session)
        && let Some(agent_state) = stored.core.agents.get(&r.call.agent_key())
        && let Some(policy) = agent_state
            .agent
            .as_deref()
            .and_then(|n| bundle.agents.get(n))
    {
        let ctx = decide::StopContext {
            last_message,
            work: r.work.as_ref(),
            checks: &r.checks,
        };
        for v in decide::done_verdicts(policy, agent_state, &ctx) {
            match v.status {
                decide::ItemStatus::Unmet => report.unmet_at_end.push(v.id),
                decide::ItemStatus::NotApplicable => report.not_applicable_at_end.push(format!(
                    "{} — {}",
                    v.id,
                    v.reason.unwrap_or_default()
                )),
                decide::ItemStatus::Met => {}
            }
        }
    }
    Ok(report)
}
