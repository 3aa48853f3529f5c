//! The git-level backstop: git hooks that refuse a commit or a push made by any route — a
//! script, a `package.json` or Makefile target, an interpreter — while the session's gate is
//! closed.
//!
//! `agentspec hooks install` points git at them through Claude Code's settings (`env`:
//! `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` setting `core.hooksPath`), so every
//! git started from a Claude Code session of this project runs them; Claude Code gives each of
//! its shell commands `CLAUDECODE=1` and `CLAUDE_CODE_SESSION_ID`, which name the session.
//! The hooks are `pre-commit`, `pre-merge-commit` and `pre-push` (early, readable refusals)
//! and `reference-transaction`, which `--no-verify` does not skip and which sees every branch
//! move. A hook that agentspec does not refuse runs the repository's own hook of that name.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Map, Value};

use super::worktree::{self, Index, Location};
use super::{LOCK_TIMEOUT, Lock, RunnerError, read_state, state_path};
use crate::policy::decide::SessionState;
use crate::policy::shell::git::GitOperation;
use crate::policy::{Bundle, GateAction};

/// The hooks agentspec checks in.
pub const HOOKS: &[&str] = &[
    "pre-commit",
    "pre-merge-commit",
    "pre-push",
    "reference-transaction",
];

/// Every other hook git runs from `core.hooksPath`: agentspec only passes them on to the
/// repository's own (commit-msg linters, Git LFS, post-checkout tooling keep working).
pub const PASSED_ON: &[&str] = &[
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "post-rewrite",
    "pre-auto-gc",
    "push-to-checkout",
    "sendemail-validate",
    "post-index-change",
    "pre-receive",
    "update",
    "post-receive",
    "post-update",
    "p4-changelist",
    "p4-prepare-changelist",
    "p4-post-changelist",
    "p4-pre-submit",
];

/// Hooks that get input on standard input, which is passed on to the repository's own.
pub const READS_INPUT: &[&str] = &[
    "pre-push",
    "reference-transaction",
    "post-rewrite",
    "pre-receive",
    "post-receive",
];

/// git's all-zero object id (SHA-1 and SHA-256).
fn is_zero(oid: &str) -> bool {
    !oid.is_empty() && oid.bytes().all(|b| b == b'0')
}

pub(crate) fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Where the hooks of a bundle's state live.
pub fn hooks_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("git-hooks")
}

/// Writes the hook scripts into `dir` (absolute paths throughout, so that they work from any
/// directory).
pub fn write_hooks(
    dir: &Path,
    binary: &str,
    bundle: &Path,
    state_dir: &Path,
    main_agent: Option<&str>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for name in HOOKS.iter().chain(PASSED_ON) {
        let mut command = format!(
            "exec {} run git-hook --bundle {} --state-dir {}",
            sh_quote(binary),
            sh_quote(&bundle.display().to_string()),
            sh_quote(&state_dir.display().to_string())
        );
        if let Some(agent) = main_agent {
            command.push_str(&format!(" --main-agent {}", sh_quote(agent)));
        }
        let script = format!(
            "#!/bin/sh\n# Written by `agentspec hooks install`: refuses commits and pushes that the\n# session's protocol has not approved, then runs the repository's own `{name}` hook.\n{command} {name} \"$@\"\n"
        );
        let path = dir.join(name);
        crate::fsutil::write_atomic(&path, script.as_bytes(), crate::fsutil::Durability::Synced)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(())
}

/// Sets `core.hooksPath` = `dir` in the settings' `env` through git's `GIT_CONFIG_*`
/// variables, keeping other entries (an existing `core.hooksPath` slot is reused).
pub fn merge_env(settings: &mut Map<String, Value>, dir: &Path) {
    let env = settings
        .entry("env")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(env) = env.as_object_mut() else {
        return;
    };
    let count: usize = env
        .get("GIT_CONFIG_COUNT")
        .and_then(Value::as_str)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let slot = (0..count)
        .find(|i| {
            env.get(&format!("GIT_CONFIG_KEY_{i}"))
                .and_then(Value::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case("core.hooksPath"))
        })
        .unwrap_or(count);
    env.insert(
        format!("GIT_CONFIG_KEY_{slot}"),
        Value::String("core.hooksPath".to_owned()),
    );
    env.insert(
        format!("GIT_CONFIG_VALUE_{slot}"),
        Value::String(dir.display().to_string()),
    );
    env.insert(
        "GIT_CONFIG_COUNT".to_owned(),
        Value::String(count.max(slot + 1).to_string()),
    );
}

/// Options of `agentspec run git-hook`.
#[derive(Debug, Clone)]
pub struct GitHookOptions {
    pub bundle: PathBuf,
    pub state_dir: PathBuf,
    pub main_agent: Option<String>,
}

/// What the environment says about the process: under the host, and in which session.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The host's marker variable is set.
    pub under_host: bool,
    /// The session id, from the host's session variable.
    pub session: Option<String>,
    /// The name of that variable, for messages.
    pub session_variable: &'static str,
}

impl Caller {
    /// The caller as the host's `variables` describe it.
    pub fn from_env(variables: super::SessionVariables) -> Caller {
        Caller {
            under_host: std::env::var_os(variables.marker).is_some(),
            session: std::env::var(variables.id).ok().filter(|s| !s.is_empty()),
            session_variable: variables.id,
        }
    }
}

/// The git operations a session's governed agents have closed gates for: the main agent's and
/// every subagent's that has not finished.
fn gated_operations(
    options: &GitHookOptions,
    state: &SessionState,
) -> Result<BTreeSet<GitOperation>, String> {
    let mut names: Vec<&str> = options.main_agent.iter().map(String::as_str).collect();
    for agent in state.agents.values().filter(|a| !a.finished) {
        if let Some(name) = agent.agent.as_deref() {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Ok(BTreeSet::new());
    }
    let bundle = Bundle::load_agents(&options.bundle, &names).map_err(|e| e.to_string())?;
    Ok(bundle
        .agents
        .values()
        .filter_map(|p| p.protocol.as_ref())
        .flat_map(|p| p.gates.iter())
        .filter_map(|g| match &g.action {
            GateAction::Git { operation } => Some(*operation),
            _ => None,
        })
        .collect())
}

/// Whether `tree` (about to be committed on top of `head`) holds only approved work: an
/// unused approval of the session made at `head` whose work tree the commit's content comes
/// from, path by path (or the content already committed).
fn approved_commit(
    loc: &Location,
    state: &SessionState,
    head: Option<&str>,
    tree: &str,
    deadline: Instant,
) -> Result<Option<usize>, String> {
    for (i, a) in state.approvals.iter().enumerate() {
        let Some(work) = &a.work else { continue };
        if a.used.is_some() || work.head.as_deref() != head {
            continue;
        }
        let head_tree = worktree::tree_of(loc, head, deadline)?;
        if worktree::composed_of(loc, tree, &work.tree, &head_tree, deadline)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// The tips of every branch, tag and remote-tracking ref now.
pub(crate) fn ref_tips(loc: &Location, deadline: Instant) -> Result<Vec<String>, String> {
    let out = worktree::git_ok(
        loc,
        &[
            "for-each-ref",
            "--format=%(objectname)",
            "refs/heads",
            "refs/tags",
            "refs/remotes",
        ],
        Index::Default,
        deadline,
    )?;
    let mut tips: Vec<String> = out.lines().map(str::to_owned).collect();
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// The repository at `loc`: its git common directory, absolute and canonical.
pub(crate) fn repository(loc: &Location, deadline: Instant) -> Result<String, String> {
    let dir = worktree::git_ok(
        loc,
        &["rev-parse", "--git-common-dir"],
        Index::Default,
        deadline,
    )?;
    let path = loc.dir.join(dir);
    Ok(std::fs::canonicalize(&path)
        .unwrap_or(path)
        .display()
        .to_string())
}

/// Whether the repository at `loc` is the session's: the one recorded at its first governed
/// event, or any repository whose work tree is inside the folder the session started in (so
/// that moving `.git` away with `git init --separate-git-dir` guards nothing less). A session
/// recorded before either was known guards every repository.
fn guards(state: &SessionState, loc: &Location, deadline: Instant) -> bool {
    let Some(project) = &state.project_dir else {
        return true;
    };
    if let Some(own) = &state.repository
        && repository(loc, deadline).is_ok_and(|r| &r == own)
    {
        return true;
    }
    // A bare repository, or one git is still creating, has no work tree in the project.
    worktree::git_ok(
        loc,
        &["rev-parse", "--show-toplevel"],
        Index::Default,
        deadline,
    )
    .is_ok_and(|top| {
        let top = std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(top));
        top.starts_with(project)
    })
}

/// The commits reachable from `tip` that are not the session's known ground: what the
/// repository held when the session first moved a ref, and the commits made under approvals.
fn commits_beyond(
    loc: &Location,
    tip: &str,
    known: &[String],
    deadline: Instant,
) -> Result<Vec<String>, String> {
    let mut args = vec!["rev-list".to_owned(), tip.to_owned()];
    if !known.is_empty() {
        args.push("--not".to_owned());
        args.extend(known.iter().cloned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = worktree::git_ok(loc, &args, Index::Default, deadline)?;
    Ok(out.lines().map(str::to_owned).collect())
}

/// Branch updates (`refs/heads/*`, `HEAD`) in a reference transaction: (old, new) pairs; a
/// symbolic update (`ref:...`) moves no commit and is left out.
fn branch_updates(
    loc: &Location,
    stdin: &str,
    deadline: Instant,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for line in stdin.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [old, new, name] = parts.as_slice() else {
            continue;
        };
        if is_zero(new) || !(*name == "HEAD" || name.starts_with("refs/heads/")) {
            continue;
        }
        // A branch made a symbolic ref is an alias of whatever it names: never approved.
        if new.starts_with("ref:") {
            if name.starts_with("refs/heads/") {
                return Err(format!(
                    "agentspec: `{name}` would become a symbolic ref ({new}); that is not an approved commit"
                ));
            }
            continue;
        }
        // A symbolic `HEAD` moves with its branch and is logged without its old value: it is
        // the commit HEAD points to before the transaction.
        let old = if *name == "HEAD" && (is_zero(old) || old.starts_with("ref:")) {
            let (ok, head, _) = worktree::git(
                loc,
                &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
                Index::Default,
                deadline,
            )?;
            if ok {
                head.trim().to_owned()
            } else {
                (*old).to_owned()
            }
        } else {
            (*old).to_owned()
        };
        out.push((old, (*new).to_owned()));
    }
    Ok(out)
}

/// The session's known ground: the refs at its start (recorded now, under the session's lock,
/// if this is the first time) and the commits made under its approvals.
fn known_commits(
    options: &GitHookOptions,
    session: &str,
    loc: &Location,
    deadline: Instant,
) -> Result<(SessionState, Vec<String>), String> {
    let path = state_path(&options.state_dir, session);
    let mut state = read_state(&path).map_err(|e| e.to_string())?.core;
    // A session that started outside a repository records the first one it works in.
    let unrecorded = |s: &SessionState| {
        s.refs_at_start.is_none()
            || (s.repository.is_none() && s.refs_at_start.as_ref().is_some_and(Vec::is_empty))
    };
    if unrecorded(&state) {
        let tips = ref_tips(loc, deadline)?;
        let repo = repository(loc, deadline).ok();
        record(&options.state_dir, session, |s| {
            if unrecorded(s) {
                s.refs_at_start = Some(tips.clone());
                s.repository.clone_from(&repo);
            }
        })
        .map_err(|e| e.to_string())?;
        state = read_state(&path).map_err(|e| e.to_string())?.core;
    }
    // Commits an earlier session parked under a tag, the stash or a remote-tracking ref are not
    // ground this session may build on.
    let ledger = read_ledger(&options.state_dir)?;
    let repo = state.repository.clone().unwrap_or_default();
    let parked: &[String] = ledger.get(&repo).map_or(&[], Vec::as_slice);
    let mut known: Vec<String> = state
        .refs_at_start
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|tip| !parked.contains(tip))
        .collect();
    known.extend(
        state
            .approvals
            .iter()
            .filter_map(|a| a.used.clone())
            .filter(|c| !c.is_empty()),
    );
    Ok((state, known))
}

/// The verdict of one hook run: `Ok(())` to go on, or the reason to refuse.
pub fn check(
    name: &str,
    args: &[String],
    stdin: &str,
    caller: &Caller,
    options: &GitHookOptions,
) -> Result<(), String> {
    // The other hooks are only passed on to the repository's own; of a reference
    // transaction only the phases that decide (`prepared`) and record (`committed`) count.
    let phase = args.first().map(String::as_str);
    if !HOOKS.contains(&name)
        || (name == "reference-transaction" && !matches!(phase, Some("prepared" | "committed")))
    {
        return Ok(());
    }
    let Some(session) = caller.session.as_deref() else {
        // Only Claude Code's commands get git pointed at these hooks (the settings' `env`),
        // and they carry the session id: a command that removed it (`env -u`, `env -i` in
        // project code) is not approved whatever it commits, pushes or moves.
        let moves_branch = name == "reference-transaction"
            && args.first().map(String::as_str) == Some("prepared")
            && all_updates(stdin)
                .iter()
                .any(|(_, _, r)| r.starts_with("refs/heads/"));
        let gated = matches!(name, "pre-commit" | "pre-merge-commit" | "pre-push") || moves_branch;
        if gated {
            return Err(format!(
                "agentspec: git runs under the host's settings (its hooks path is set) but no session can be identified ({} is missing), so this commit, push or branch move cannot be approved",
                caller.session_variable
            ));
        }
        return Ok(());
    };
    let path = state_path(&options.state_dir, session);
    let state = read_state(&path).map_err(|e| e.to_string())?.core;
    let gated = gated_operations(options, &state)?;
    let deadline = Instant::now() + worktree::GIT_TIMEOUT;
    let here = Location::at(".");
    // Only the session's own repository is guarded: a test suite's temporary repositories
    // are not the work being approved. (The command analysis gates git commands in any
    // repository.)
    if !guards(&state, &here, deadline) {
        return Ok(());
    }
    let refuse_commit = || {
        "agentspec: this commit is not approved. The session's protocol needs the user's approval of the work, and one approval allows one commit of exactly that work".to_owned()
    };
    match name {
        "pre-commit" | "pre-merge-commit" if gated.contains(&GitOperation::Commit) => {
            let tree = worktree::git_ok(&here, &["write-tree"], Index::Inherited, deadline)?;
            let (has_head, head, _) = worktree::git(
                &here,
                &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
                Index::Default,
                deadline,
            )?;
            let head = has_head.then(|| head.trim().to_owned());
            match approved_commit(&here, &state, head.as_deref(), &tree, deadline)? {
                Some(_) => Ok(()),
                None => Err(refuse_commit()),
            }
        }
        "reference-transaction" if gated.contains(&GitOperation::Commit) => {
            let phase = args.first().map(String::as_str).unwrap_or("");
            if phase == "aborted" {
                let given_back: Vec<String> = all_updates(stdin)
                    .into_iter()
                    .map(|(_, new, _)| new)
                    .collect();
                return record(&options.state_dir, session, |s| {
                    for a in &mut s.approvals {
                        if a.used.as_ref().is_some_and(|u| given_back.contains(u)) {
                            a.used = None;
                        }
                    }
                })
                .map_err(|e| e.to_string());
            }
            let (state, known) = known_commits(options, session, &here, deadline)?;
            let mut used = Vec::new();
            for (old, new) in branch_updates(&here, stdin, deadline)? {
                let fresh = commits_beyond(&here, &new, &known, deadline)?;
                if fresh.is_empty() {
                    continue;
                }
                let head = (!is_zero(&old)).then_some(old.as_str());
                // One approval, one commit: exactly the new tip, whose parent is the approved
                // HEAD (an amend or a rewrite of it is not the approved commit).
                let parent_ok = worktree::parent_of(&here, &new, deadline)?.as_deref() == head;
                let approved = if fresh.len() == 1 && fresh[0] == new && parent_ok {
                    let tree = worktree::tree_of(&here, Some(&new), deadline)?;
                    approved_commit(&here, &state, head, &tree, deadline)?
                } else {
                    None
                };
                match approved {
                    // `HEAD` and its branch move together: one commit, one approval.
                    Some(i) if used.contains(&(i, new.clone())) => {}
                    Some(i) => used.push((i, new.clone())),
                    None if phase == "prepared" => return Err(refuse_commit()),
                    None => {}
                }
            }
            if phase == "committed" {
                // Every commit this transaction put under any ref beyond the known ground (a
                // tag, the stash, a remote-tracking ref): later sessions must not take it as
                // ground.
                let mut parked = Vec::new();
                for (_, new, _) in all_updates(stdin) {
                    for c in commits_beyond(&here, &new, &known, deadline)? {
                        if !used.iter().any(|(_, u)| *u == c) {
                            parked.push(c);
                        }
                    }
                }
                if !parked.is_empty() {
                    let repo = state.repository.clone().unwrap_or_default();
                    match park(&options.state_dir, &repo, parked) {
                        Ok(()) => {}
                        // Inside the sandbox the state is read-only: there the agent can write
                        // no branch, tag or remote-tracking ref (the known ground), only refs
                        // that are not ground (the stash), so nothing needs recording.
                        Err(e) if e.to_string().contains("Read-only file system") => {}
                        Err(e) => return Err(e.to_string()),
                    }
                }
            }
            // The approval is taken as soon as the transaction is prepared, under the session's
            // lock, so that a second commit racing this one finds it spent; an aborted
            // transaction gives it back.
            if phase == "prepared" && !used.is_empty() {
                let mut taken = true;
                record(&options.state_dir, session, |s| {
                    for (i, commit) in &used {
                        match s.approvals.get_mut(*i) {
                            Some(a) if a.used.is_none() => {
                                a.used = Some(commit.clone());
                                a.armed = false;
                            }
                            _ => taken = false,
                        }
                    }
                })
                .map_err(|e| e.to_string())?;
                if !taken {
                    return Err(refuse_commit());
                }
            }
            Ok(())
        }
        "pre-push" if gated.contains(&GitOperation::Push) => {
            let (state, known) = known_commits(options, session, &here, deadline)?;
            let approved: Vec<&str> = state
                .approvals
                .iter()
                .filter_map(|a| a.used.as_deref())
                .filter(|c| !c.is_empty())
                .collect();
            for line in stdin.lines() {
                let parts: Vec<&str> = line.split_whitespace().collect();
                let [local_ref, local, _remote_ref, remote] = parts.as_slice() else {
                    continue;
                };
                if local == remote {
                    continue;
                }
                if is_zero(local) {
                    return Err(format!(
                        "agentspec: deleting a remote ref (`{local_ref}`) is not an approved push"
                    ));
                }
                if !is_zero(remote) {
                    let (ff, _, _) = worktree::git(
                        &here,
                        &["merge-base", "--is-ancestor", remote, local],
                        Index::Default,
                        deadline,
                    )?;
                    if !ff {
                        return Err(format!(
                            "agentspec: `{local_ref}` does not fast-forward the remote; a force push is not an approved push"
                        ));
                    }
                }
                if !approved.contains(local) {
                    return Err(format!(
                        "agentspec: `{local_ref}` ({}) is not a commit the user approved; only the commit made under an approval may be pushed",
                        &local[..local.len().min(12)]
                    ));
                }
                let mut ground = known.clone();
                if !is_zero(remote) {
                    ground.push((*remote).to_owned());
                }
                let sent = commits_beyond(&here, local, &ground, deadline)?;
                if let Some(hidden) = sent.iter().find(|c| !approved.contains(&c.as_str())) {
                    return Err(format!(
                        "agentspec: pushing `{local_ref}` would also send {}, a commit the user did not approve",
                        &hidden[..hidden.len().min(12)]
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Every update of a reference transaction to a commit: (old, new, ref).
fn all_updates(stdin: &str) -> Vec<(String, String, String)> {
    stdin
        .lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                [old, new, name] if !is_zero(new) && !new.starts_with("ref:") => {
                    Some(((*old).to_owned(), (*new).to_owned(), (*name).to_owned()))
                }
                _ => None,
            }
        })
        .collect()
}

/// The ledger of commits sessions made that no approval covers, per repository.
fn ledger_path(state_dir: &Path) -> PathBuf {
    state_dir.join("parked-commits.json")
}

/// The ledger; empty when there is none yet, an error when it cannot be read (a ledger that
/// silently read as empty would make parked commits ground again).
fn read_ledger(
    state_dir: &Path,
) -> Result<std::collections::BTreeMap<String, Vec<String>>, String> {
    let path = ledger_path(state_dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is corrupt: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Adds commits to the ledger, under its own lock.
fn park(state_dir: &Path, repo: &str, commits: Vec<String>) -> Result<(), RunnerError> {
    let _lock = Lock::acquire(&state_dir.join("parked-commits.lock"), LOCK_TIMEOUT)?;
    let mut ledger = read_ledger(state_dir).map_err(RunnerError::State)?;
    let list = ledger.entry(repo.to_owned()).or_default();
    for c in commits {
        if !list.contains(&c) {
            list.push(c);
        }
    }
    let bytes = serde_json::to_vec(&ledger).map_err(|e| RunnerError::State(e.to_string()))?;
    super::write_atomic(&ledger_path(state_dir), &bytes)
        .map_err(|e| RunnerError::State(e.to_string()))
}

/// Changes the session's state under its lock.
fn record(
    state_dir: &Path,
    session: &str,
    change: impl FnOnce(&mut SessionState),
) -> Result<(), RunnerError> {
    let _lock = super::lock_session(state_dir, session)?;
    let path = state_path(state_dir, session);
    let mut stored = read_state(&path)?;
    change(&mut stored.core);
    super::write_state(&path, &stored)
}

/// The repository's own hook of that name, if it has one: `core.hooksPath` as configured
/// without agentspec's environment, else `<git dir>/hooks`. An error when git cannot say
/// (a hook that is silently skipped would fail open).
fn original_hook(name: &str, ours: &Path) -> Result<Option<PathBuf>, String> {
    let deadline = Instant::now() + worktree::GIT_TIMEOUT;
    let here = Location::at(".");
    // The repository's own setting, from its configuration files (agentspec's own comes from
    // the environment or the command line): the most specific file that sets it, which git
    // lists last (system, global, local, worktree).
    let (_, listed, _) = worktree::git(
        &here,
        &["config", "--show-origin", "--get-all", "core.hooksPath"],
        Index::Default,
        deadline,
    )?;
    let configured = listed
        .lines()
        .filter(|l| l.starts_with("file:"))
        .filter_map(|l| l.split_once('\t').map(|(_, value)| value.trim()))
        .rfind(|v| !v.is_empty())
        .unwrap_or("");
    let dir = if !configured.is_empty() {
        let p = PathBuf::from(configured);
        if p.is_absolute() {
            p
        } else {
            PathBuf::from(worktree::git_ok(
                &here,
                &["rev-parse", "--show-toplevel"],
                Index::Default,
                deadline,
            )?)
            .join(p)
        }
    } else {
        // A repository git is still creating (`git init` runs this hook for HEAD) cannot
        // answer yet; the `GIT_DIR` git gives its hooks names it.
        let common = match worktree::git_ok(
            &here,
            &["rev-parse", "--git-common-dir"],
            Index::Default,
            deadline,
        ) {
            Ok(dir) => PathBuf::from(dir),
            Err(e) => std::env::var_os("GIT_DIR").map(PathBuf::from).ok_or(e)?,
        };
        common.join("hooks")
    };
    let same = |a: &Path, b: &Path| {
        std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(a, b)| a == b)
    };
    if same(&dir, ours) {
        return Ok(None);
    }
    let hook = dir.join(name);
    Ok(hook.is_file().then_some(hook))
}

/// Runs the repository's own hook with the same arguments and input; its exit status. Under
/// `confinement` (a commit the runner makes for a confined agent) the hook runs confined too:
/// it is the repository's code, and it may run the project's (`npm run lint`), which the agent
/// can write.
pub fn chain(
    name: &str,
    args: &[String],
    stdin: &[u8],
    ours: &Path,
    confinement: Option<&super::confine::Confinement>,
) -> Result<i32, String> {
    let Some(hook) = original_hook(name, ours)? else {
        return Ok(0);
    };
    let mut command = match confinement {
        None => {
            let mut command = Command::new(&hook);
            command.args(args);
            command
        }
        Some(c) => {
            let bwrap = super::confine::bubblewrap().ok_or_else(|| {
                format!(
                    "agentspec: refused because the repository's {name} hook must run confined and bubblewrap cannot make a sandbox here"
                )
            })?;
            let here = std::env::current_dir().map_err(|e| e.to_string())?;
            let mut command = c.command(&bwrap, &hook.display().to_string(), args, &here);
            super::gitguard::unguarded(&mut command);
            command
        }
    };
    let mut child = command
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", hook.display()))?;
    if let Some(mut input) = child.stdin.take() {
        // A hook that does not read its input closes the pipe early; that is not an error.
        let _ = input.write_all(stdin);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok(status.code().unwrap_or(1))
}
