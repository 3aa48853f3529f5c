//! The machine as the engine's [`Env`]: the state folder, git, the file system, the checks and
//! the commands the runner performs, for real.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Env, Host, Options, Setup, Start};
use crate::policy::decide::{self, Action, Event, SessionState, WorkTree};
use crate::policy::protect::HostFiles;
use crate::policy::{AgentPolicy, Bundle, BundleError};
use crate::runner::audit::{Entry, Subject};
use crate::runner::confine::{self, Confinement};
use crate::runner::{
    Fingerprint, Lock, RunnerError, SessionVariables, StoredState, checks, gitguard, githooks,
    perform, record, worktree,
};

/// The real machine.
pub struct Machine;

impl Env for Machine {
    fn setup(&self, options: &Options, host: &dyn Host) -> Result<Setup, RunnerError> {
        setup_check(options, host)
    }

    fn arm_git(&self, setup: &Setup, project: &Path, options: &Options) {
        arm_git_guard(setup, project, options);
    }

    fn load_bundle(&self, options: &Options, names: &[&str]) -> Result<Bundle, BundleError> {
        // Only the manifest and the policies that bind this agent are read and verified;
        // schema validation is remembered per file content in the state folder.
        let memo = StateMemo(options.state_dir.join("validated"));
        Bundle::load_agents_with(&options.bundle, names, &memo)
    }

    fn lock(&self, options: &Options, session: &str) -> Result<Option<Lock>, RunnerError> {
        crate::runner::create_state_dir(&options.state_dir)?;
        crate::runner::lock_session(&options.state_dir, session).map(Some)
    }

    fn has_state(&self, options: &Options, session: &str) -> bool {
        crate::runner::state_path(&options.state_dir, session).exists()
    }

    fn read_state(&self, options: &Options, session: &str) -> Result<StoredState, RunnerError> {
        crate::runner::read_state(&crate::runner::state_path(&options.state_dir, session))
    }

    fn write_state(
        &self,
        options: &Options,
        session: &str,
        stored: &StoredState,
    ) -> Result<(), RunnerError> {
        crate::runner::write_state(
            &crate::runner::state_path(&options.state_dir, session),
            stored,
        )
    }

    fn start(&self, cwd: &Path) -> Start {
        let here = worktree::Location::at(cwd);
        let deadline = Instant::now() + worktree::GIT_TIMEOUT;
        let project = std::fs::canonicalize(&here.dir).unwrap_or_else(|_| here.dir.clone());
        match (
            githooks::ref_tips(&here, deadline),
            githooks::repository(&here, deadline),
        ) {
            (Ok(tips), Ok(repo)) => Start {
                project,
                tips: Some(tips),
                repository: Some(repo),
            },
            _ => Start {
                project,
                tips: None,
                repository: None,
            },
        }
    }

    fn fingerprint(&self, host: &dyn Host, project: &Path) -> Fingerprint {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        host.fingerprint(project, home.as_deref(), own_binary().as_deref())
    }

    fn self_protection(
        &self,
        options: &Options,
        host: &dyn Host,
        project: &Path,
        action: &Action,
        cwd: &Path,
        confinement: Option<&Confinement>,
    ) -> Option<String> {
        let files = host.files();
        let probe = HostProbe {
            pathspecs: protected_pathspecs(&files),
        };
        protected(options, &files, project, confinement).check(action, cwd, &probe)
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        resolve_links(path)
    }

    fn same_dir(&self, a: &Path, b: &Path) -> bool {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        canonical(a) == canonical(b)
    }

    fn prepare(&self, confinement: &Confinement, host: &dyn Host) -> Result<(), String> {
        confinement.prepare().map_err(|e| e.to_string())?;
        host.before_sandboxed(confinement);
        Ok(())
    }

    fn plan(
        &self,
        command: &str,
        cwd: &Path,
        confinement: Option<&Confinement>,
        state_dir: &Path,
    ) -> Option<Result<perform::Plan, String>> {
        let confinement = confinement?;
        let analysis = crate::policy::shell::analyze(command);
        perform::plan(&analysis, command, cwd)
            .and_then(|plan| match plan {
                // An everyday ref write the runner will not perform runs in the sandbox (and
                // fails there, or writes nothing: `git checkout HEAD`).
                Some(plan) if !plan.gated => Ok(checked_plan(plan, confinement, state_dir).ok()),
                Some(plan) => checked_plan(plan, confinement, state_dir).map(Some),
                None => Ok(None),
            })
            .transpose()
    }

    fn work_tree(
        &self,
        event: &decide::Event,
        cwd: &Path,
        state_dir: &Path,
        confinement: Option<&Confinement>,
    ) -> Result<Option<WorkTree>, String> {
        work_tree_for(event, cwd, state_dir, confinement)
    }

    fn made_approved_commit(&self, state: &SessionState, after: &WorkTree, cwd: &Path) -> bool {
        made_approved_commit(state, after, cwd)
    }

    fn run_checks(
        &self,
        policy: &AgentPolicy,
        project: &Path,
        tree: Option<&str>,
        options: &Options,
        confinement: Option<&Confinement>,
    ) -> Vec<decide::CheckOutcome> {
        checks::run(
            policy,
            project,
            tree,
            &options.state_dir.join("checks"),
            confinement,
        )
    }

    fn perform(
        &self,
        plan: &perform::Plan,
        session: (SessionVariables, &str),
        options: &Options,
    ) -> perform::Outcome {
        perform_plan(plan, session, options)
    }

    fn work_after(&self, cwd: &Path, state_dir: &Path) -> Option<WorkTree> {
        let mut location = worktree::Location::at(cwd);
        location.exclude.push(state_dir.to_path_buf());
        worktree::fingerprint(&location).ok().flatten()
    }

    fn audit(
        &self,
        options: &Options,
        subject: &Subject,
        revision: &str,
        entry: Entry,
    ) -> Result<(), RunnerError> {
        crate::runner::audit::append(&options.state_dir, subject, revision, entry)
    }
}

/// Reads the install record, checks the binary against it and, when the install confined the
/// agent's commands, that the host's settings still do. Any failure fails closed.
fn setup_check(options: &Options, host: &dyn Host) -> Result<Setup, RunnerError> {
    let record = record::read(&options.state_dir).map_err(|e| RunnerError::State(e.to_string()))?;
    if let Some(r) = &record {
        record::verify_binary(&options.state_dir, r)?;
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
        excluded = host
            .sandbox_exclusions(c, r)
            .map_err(RunnerError::Confinement)?;
    }
    Ok(Setup {
        confinement,
        excluded,
    })
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

/// Computes the work-tree fingerprint an event needs, where the event's git operation happens;
/// `exclude` (the runner's state) is left out.
fn work_tree_for(
    event: &Event,
    cwd: &Path,
    exclude: &Path,
    confinement: Option<&Confinement>,
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
    confinement: &Confinement,
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

/// Runs a planned command for the agent, with the watchdog extended to its time limit.
fn perform_plan(
    plan: &perform::Plan,
    session: (SessionVariables, &str),
    options: &Options,
) -> perform::Outcome {
    options
        .deadline
        .extend(perform::PERFORM_TIMEOUT + Duration::from_secs(5));
    let mut outcome = perform::run(
        plan,
        session,
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

/// Sends the git the runner starts through the guard ([`gitguard`]) that admits the project's
/// repository — and its submodules' under `.git/modules` when the agent cannot write there.
fn arm_git_guard(setup: &Setup, project: &Path, options: &Options) {
    let project = project.to_path_buf();
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

/// The running agentspec binary, links followed.
fn own_binary() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}

/// The locations the governed agent may not change, for this event.
fn protected(
    options: &Options,
    host: &HostFiles,
    project: &Path,
    confinement: Option<&Confinement>,
) -> crate::policy::protect::Protected {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let binary = own_binary();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut protected = crate::policy::protect::Protected::new(
        project,
        &absolute(&options.bundle),
        &absolute(&options.state_dir),
        binary.as_deref(),
        home.as_deref(),
        host,
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

/// The machine as the self-protection check sees it; `pathspecs` are the protected files a
/// repository can hold, as git pathspecs from its top.
struct HostProbe {
    pathspecs: Vec<String>,
}

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
        args.extend(self.pathspecs.iter().map(String::as_str));
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
        args.extend(self.pathspecs.iter().map(String::as_str));
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
        args.extend(self.pathspecs.iter().map(String::as_str));
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

/// The protected files a repository can hold, as git pathspecs from its top: the host's
/// top-level files and folders, and agentspec's own.
fn protected_pathspecs(host: &HostFiles) -> Vec<String> {
    host.patterns
        .iter()
        .filter(|(parts, _)| parts.len() == 1)
        .map(|(parts, _)| parts[0].as_str())
        .chain([".agentspec", "agentspec.toml"])
        .map(|name| format!(":(top){name}"))
        .collect()
}

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
