//! The machinery under the session engine, the same for every host: the per-session state on
//! disk (locked, written atomically), the audit log, the work-tree fingerprint, the
//! Definition-of-Done checks, the confinement and the commands the runner performs, the git
//! hooks and the guard on the git it starts, the install record, and `run task`'s loop.

pub mod audit;
pub mod checks;
pub mod confine;
pub mod gitguard;
pub mod githooks;
pub mod perform;
pub mod record;
pub mod reports;
pub mod task;
pub mod worktree;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::policy::decide::{Decision, SessionState};
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
    #[error(transparent)]
    Binary(#[from] record::BinaryError),
    #[error(
        "the agent's commands must run confined, and they would not: {0}; ask the user to run `agentspec hooks install` again (`agentspec doctor` shows what is wrong)"
    )]
    Confinement(String),
}

/// The environment variables by which a host tells the agent's processes that they run under
/// it, and in which session: agentspec's git hooks read them, and the runner sets them on the
/// git it runs for the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionVariables {
    /// Set (to anything) in every process the host starts.
    pub marker: &'static str,
    /// The session's id.
    pub id: &'static str,
}

impl SessionVariables {
    pub fn names(&self) -> [&'static str; 2] {
        [self.marker, self.id]
    }
}

/// What the files enforcement stands on held, by file: a digest of the parts that count, or
/// `absent`. The host says which files and which parts (its settings, git's configuration, the
/// binary).
pub type Fingerprint = BTreeMap<String, String>;

/// The files whose fingerprint differs.
pub fn changed(before: &Fingerprint, now: &Fingerprint) -> Vec<String> {
    let mut out: Vec<String> = before
        .iter()
        .filter(|(path, digest)| now.get(*path) != Some(digest))
        .map(|(path, _)| path.clone())
        .collect();
    out.extend(
        now.keys()
            .filter(|path| !before.contains_key(*path))
            .cloned(),
    );
    out
}

/// The state the runner keeps per session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredState {
    pub core: SessionState,
    /// Decisions already given, by `<event>:<tool_use_id>`, so a repeated event gets the same
    /// answer and changes nothing.
    #[serde(default)]
    pub decided: BTreeMap<String, Decision>,
    /// The bundle the session started with (sha256 of its manifest): any other bundle later in
    /// the session fails closed.
    #[serde(default)]
    pub bundle: Option<String>,
    /// What the files enforcement stands on held when the session started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarded: Option<Fingerprint>,
    /// Those files changed during the session: every later event fails closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tampered: Option<String>,
    /// Tool calls whose command the runner performed itself: the host's later PostToolUse of
    /// them reports the printed result, not the command.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub performed: BTreeSet<String>,
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
pub struct Lock(File);

impl Lock {
    pub fn acquire(path: &Path, timeout: Duration) -> Result<Lock, RunnerError> {
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

/// The policy an agent name selects, for tests and replays.
pub fn policy<'a>(bundle: &'a Bundle, agent: &str) -> Option<&'a AgentPolicy> {
    bundle.agents.get(agent)
}
