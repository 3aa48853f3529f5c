//! The capability the enforcement stands on: what the governed agent's processes may not write,
//! what they may write outside the project, and which credentials they do not get.
//!
//! The gates do not rest on predicting what a command will do. The agent's commands run
//! confined — by the host's sandbox (Claude Code: bubblewrap on Linux, Seatbelt on macOS),
//! configured from a [`Confinement`] by `agentspec hooks install` — where git's refs, `HEAD`,
//! `packed-refs`, hooks and configuration, the runner's state, the bundle, the settings and the
//! agentspec binary are read-only and the credentials that publish are hidden. Such a process
//! can make commit objects but cannot move a branch or push, whatever it runs (`npm test`, a
//! script, `bash -c`); approved commits and pushes are made by the runner, outside the
//! confinement (see `runner::perform`).
//!
//! Project code the runner itself starts — the Definition-of-Done checks, and the repository's
//! own git hooks when it makes an approved commit — runs under the same confinement through
//! bubblewrap ([`Confinement::command`]), so that nothing the agent wrote runs with the rights
//! the runner has.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

/// Where a repository keeps its files: the git folder of the work tree (`.git`, or where a
/// `.git` file points) and the common folder that holds refs, hooks and configuration (the
/// same folder unless the work tree is a linked one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitLayout {
    pub git_dir: PathBuf,
    pub common_dir: PathBuf,
}

impl GitLayout {
    /// The layout of the repository whose work tree is `project`, read from its `.git` without
    /// running git; `None` when `project` has no `.git`.
    pub fn discover(project: &Path) -> Option<GitLayout> {
        let dot = project.join(".git");
        let meta = std::fs::symlink_metadata(&dot).ok()?;
        let git_dir = if meta.is_dir() {
            dot
        } else {
            let bytes = crate::fsutil::read_regular(&dot).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            let pointed = text.trim().strip_prefix("gitdir:")?.trim().to_owned();
            project.join(pointed)
        };
        let common_dir = match crate::fsutil::read_regular(&git_dir.join("commondir")) {
            Ok(bytes) => git_dir.join(String::from_utf8_lossy(&bytes).trim()),
            Err(_) => git_dir.clone(),
        };
        let clean = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        Some(GitLayout {
            git_dir: clean(git_dir),
            common_dir: clean(common_dir),
        })
    }

    /// What moves a branch or changes what a commit holds, records where refs were, or makes
    /// git run programs: each must be read-only for the agent's commands. Whether each is a
    /// folder.
    ///
    /// All of `refs` and `logs`, not only branches: a stash the agent forges under
    /// `refs/stash` is restored outside the sandbox when the runner performs `git stash pop`,
    /// and a replace ref (`refs/replace/`) makes git show one tree for another. `info` holds
    /// `grafts` and attributes; `objects/info` holds `alternates`. What honest work writes in
    /// the git folder — objects and the index — stays writable.
    pub fn enforcement_paths(&self) -> Vec<(PathBuf, bool)> {
        let c = &self.common_dir;
        let mut out = vec![
            (c.join("HEAD"), false),
            (c.join("packed-refs"), false),
            (c.join("refs"), true),
            (c.join("logs"), true),
            (c.join("hooks"), true),
            (c.join("config"), false),
            (c.join("info"), true),
            (c.join("objects").join("info"), true),
        ];
        // A submodule's git folder holds a configuration git runs programs from when the
        // runner's git looks into the submodule; `shallow` cuts the history git reads, which
        // could hide commits from the runner's checks. Listed only when there: a stand-in
        // for a missing one would break git.
        for name in ["modules", "shallow"] {
            let p = c.join(name);
            if let Ok(m) = std::fs::symlink_metadata(&p) {
                out.push((p, m.is_dir()));
            }
        }
        if self.git_dir != self.common_dir {
            // A linked work tree's own HEAD, reflog and configuration.
            out.push((self.git_dir.join("HEAD"), false));
            out.push((self.git_dir.join("logs"), true));
            out.push((self.git_dir.join("config.worktree"), false));
        }
        out
    }
}

/// What git keeps while a merge, cherry-pick, revert or rebase is in progress: with these, a
/// plain `git commit` makes a merge commit or continues another operation. The agent's
/// commands can write them (they sit in the git folder beside the index), so the runner
/// commits only with what it left there itself.
const IN_PROGRESS: &[&str] = &[
    "MERGE_HEAD",
    "MERGE_MODE",
    "CHERRY_PICK_HEAD",
    "REVERT_HEAD",
    "rebase-merge",
    "rebase-apply",
    "sequencer",
];

/// A digest of the operation in progress in the repository (empty when there is none).
pub fn in_progress(layout: &GitLayout) -> String {
    let mut seen = String::new();
    for name in IN_PROGRESS {
        let path = layout.git_dir.join(name);
        let mut files: Vec<PathBuf> = Vec::new();
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                let mut stack = vec![path.clone()];
                while let Some(dir) = stack.pop() {
                    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                        let p = entry.path();
                        if entry.file_type().is_ok_and(|t| t.is_dir()) {
                            stack.push(p);
                        } else {
                            files.push(p);
                        }
                    }
                }
            }
            Ok(_) => files.push(path.clone()),
            Err(_) => continue,
        }
        files.sort();
        for f in files {
            let content = crate::fsutil::read_regular(&f)
                .unwrap_or_else(|e| format!("unreadable: {:?}", e.kind()).into_bytes());
            seen.push_str(&format!(
                "{}={}\n",
                f.display(),
                crate::policy::sha256_hex(&content)
            ));
        }
    }
    if seen.is_empty() {
        String::new()
    } else {
        crate::policy::sha256_hex(seen.as_bytes())
    }
}

/// Where the runner records the operation in progress it left.
fn in_progress_record(state_dir: &Path) -> PathBuf {
    state_dir.join("in-progress")
}

/// Records the operation in progress now as the runner's own.
pub fn record_in_progress(state_dir: &Path, layout: &GitLayout) -> std::io::Result<()> {
    crate::fsutil::write_atomic(
        &in_progress_record(state_dir),
        in_progress(layout).as_bytes(),
        crate::fsutil::Durability::Renamed,
    )
}

/// Whether the operation in progress (if any) is the one the runner left.
pub fn in_progress_is_known(state_dir: &Path, layout: &GitLayout) -> bool {
    let now = in_progress(layout);
    let recorded = crate::fsutil::read_regular(&in_progress_record(state_dir))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    now == recorded
}

/// Package managers' caches outside the project that installs and builds write, by the
/// program whose presence makes them needed. Only caches whose content is checked on use or
/// that hold sources, never a folder on `PATH` or one whose programs something else starts
/// outside the confinement: npm's `_npx` and uv's cache hold programs Claude Code starts as
/// MCP servers, so they stay read-only.
pub const CACHES: &[(&str, &[&str])] = &[
    ("npm", &[".npm/_cacache"]),
    ("pip", &[".cache/pip"]),
    ("pip3", &[".cache/pip"]),
    ("cargo", &[".cargo/registry", ".cargo/git"]),
    ("go", &["go/pkg/mod", ".cache/go-build"]),
    ("mvn", &[".m2/repository"]),
    ("gradle", &[".gradle/caches"]),
    ("yarn", &[".cache/yarn"]),
];

/// Environment variables that let a process publish (push, merge on a server, release) with
/// the user's identity.
pub const HIDDEN_ENV: &[&str] = &[
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITLAB_TOKEN",
    "GL_TOKEN",
    "GLAB_TOKEN",
    "CI_JOB_TOKEN",
    "BITBUCKET_TOKEN",
    "GITEA_TOKEN",
    "NPM_TOKEN",
    "NODE_AUTH_TOKEN",
    "CARGO_REGISTRY_TOKEN",
    "TWINE_PASSWORD",
    "TWINE_USERNAME",
    "UV_PUBLISH_TOKEN",
    "POETRY_PYPI_TOKEN_PYPI",
    "GEM_HOST_API_KEY",
    "SSH_AUTH_SOCK",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
];

/// Credential files (relative to the home folder) that let a process publish.
pub const HIDDEN_FILES: &[&str] = &[
    ".ssh",
    ".git-credentials",
    ".config/git/credentials",
    ".netrc",
    ".config/gh",
    ".config/glab-cli",
    ".config/hub",
    ".npmrc",
    ".pypirc",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".gem/credentials",
    ".docker/config.json",
];

/// Registries package installs reach: the only network the agent's commands get by default.
/// Code hosts (`github.com`, `gitlab.com`) are left out: with a token found anywhere they
/// merge and publish on the server, where no git hook sees it.
pub const REGISTRIES: &[&str] = &[
    "registry.npmjs.org",
    "registry.yarnpkg.com",
    "pypi.org",
    "files.pythonhosted.org",
    "crates.io",
    "index.crates.io",
    "static.crates.io",
    "proxy.golang.org",
    "sum.golang.org",
    "repo.maven.apache.org",
    "repo1.maven.org",
    "plugins.gradle.org",
    "services.gradle.org",
    "rubygems.org",
    "index.rubygems.org",
    "registry.bun.sh",
    "deb.debian.org",
    "archive.ubuntu.com",
];

/// What the governed agent's processes may and may not do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confinement {
    /// The project folder: writable, but for `read_only` inside it.
    pub project: PathBuf,
    /// Files and folders the agent's commands may not write (absolute).
    pub read_only: Vec<PathBuf>,
    /// Folders outside the project they may write (package managers' caches).
    #[serde(default)]
    pub writable: Vec<PathBuf>,
    /// Credential files and folders they may not read.
    #[serde(default)]
    pub hidden_files: Vec<PathBuf>,
    /// Environment variables they do not get.
    #[serde(default)]
    pub hidden_env: Vec<String>,
    /// The domains they may reach.
    #[serde(default)]
    pub domains: Vec<String>,
}

/// What a confinement is made for.
pub struct Inputs<'a> {
    pub project: &'a Path,
    pub bundle: &'a Path,
    pub state_dir: &'a Path,
    pub binary: Option<&'a Path>,
    pub home: Option<&'a Path>,
    /// The host's folders in the project and the home folder (`.claude`): what it reads or
    /// runs outside the sandbox.
    pub host_dirs: &'a [&'a str],
    /// The folders of `PATH`: never made writable.
    pub path_dirs: Vec<PathBuf>,
    /// Whether a program is installed (decides which caches are needed).
    pub has_program: &'a dyn Fn(&str) -> bool,
}

impl Confinement {
    /// The confinement of a project: every file enforcement stands on read-only.
    pub fn new(inputs: &Inputs) -> Confinement {
        let project = absolute(inputs.project);
        let mut read_only: Vec<PathBuf> = Vec::new();
        if let Some(layout) = GitLayout::discover(&project) {
            read_only.extend(layout.enforcement_paths().into_iter().map(|(p, _)| p));
        }
        // Inside the work tree only what exists: a stand-in the sandbox mounts for a missing
        // file shows up to git as an untracked special file, and `git add -A` fails on it.
        for rel in inputs
            .host_dirs
            .iter()
            .copied()
            .chain([".agentspec", "agentspec.toml"])
        {
            let p = project.join(rel);
            if std::fs::symlink_metadata(&p).is_ok() {
                read_only.push(p);
            }
        }
        read_only.push(absolute(inputs.bundle));
        read_only.push(absolute(inputs.state_dir));
        if let Some(binary) = inputs.binary {
            read_only.push(absolute(binary));
        }
        let mut writable = Vec::new();
        let mut hidden_files = Vec::new();
        if let Some(home) = inputs.home {
            read_only.push(home.join(".gitconfig"));
            read_only.push(home.join(".config").join("git"));
            read_only.extend(inputs.host_dirs.iter().map(|d| home.join(d)));
            for (program, dirs) in CACHES {
                if !(inputs.has_program)(program) {
                    continue;
                }
                for dir in *dirs {
                    let p = home.join(dir);
                    let on_path = inputs
                        .path_dirs
                        .iter()
                        .any(|d| d.starts_with(&p) || p.starts_with(d));
                    if !on_path && !writable.contains(&p) {
                        writable.push(p);
                    }
                }
            }
            hidden_files.extend(HIDDEN_FILES.iter().map(|f| home.join(f)));
        }
        dedup(&mut read_only);
        Confinement {
            project,
            read_only,
            writable,
            hidden_files,
            hidden_env: HIDDEN_ENV.iter().map(|s| (*s).to_owned()).collect(),
            domains: REGISTRIES.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Makes every read-only path inside a git folder exist, so that the sandbox can mount it
    /// read-only (a missing one becomes a stand-in git cannot read: `packed-refs` missing
    /// breaks every git command), and the writable caches, so that a tool can write into
    /// them (the sandbox cannot create them). Run outside the confinement, before each
    /// command; cheap when everything is there.
    pub fn prepare(&self) -> std::io::Result<()> {
        if let Some(layout) = GitLayout::discover(&self.project) {
            for (path, is_dir) in layout.enforcement_paths() {
                if !self.read_only.contains(&path) || std::fs::symlink_metadata(&path).is_ok() {
                    continue;
                }
                if is_dir {
                    std::fs::create_dir_all(&path)?;
                } else if path
                    .file_name()
                    .is_some_and(|n| n != "config.worktree" && n != "config")
                {
                    std::fs::create_dir_all(crate::fsutil::parent_dir(&path))?;
                    // Empty is valid for both: git reads an empty `packed-refs` and `logs/HEAD`
                    // as holding nothing.
                    std::fs::OpenOptions::new()
                        .create_new(true)
                        .write(true)
                        .open(&path)
                        .map(|_| ())
                        .or_else(|e| {
                            if e.kind() == std::io::ErrorKind::AlreadyExists {
                                Ok(())
                            } else {
                                Err(e)
                            }
                        })?;
                }
            }
        }
        for dir in &self.writable {
            if std::fs::symlink_metadata(dir).is_err() {
                // Best effort: a cache that cannot be made only costs the tool its cache.
                let _ = std::fs::create_dir_all(dir);
            }
        }
        Ok(())
    }

    /// `program args` run under this confinement through bubblewrap: the whole file system
    /// read-only but the project, a private `/tmp` and the caches; the enforcement paths
    /// read-only inside the project; credentials hidden; namespaces of its own (no network
    /// but loopback, no other process visible) and no capabilities; a new session that dies
    /// with the runner.
    pub fn command(&self, bwrap: &Path, program: &str, args: &[String], cwd: &Path) -> Command {
        let mut cmd = Command::new(bwrap);
        let bind = |cmd: &mut Command, flag: &str, p: &Path| {
            cmd.arg(flag).arg(p).arg(p);
        };
        // Every namespace of its own (user, pid, network, ipc, uts, cgroup) and no
        // capabilities: without a pid namespace, `/proc/<pid>/root` of a process outside
        // reaches the real file system past every read-only mount (found by the second
        // adversarial round).
        cmd.args([
            "--die-with-parent",
            "--new-session",
            "--unshare-all",
            "--cap-drop",
            "ALL",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
        ]);
        bind(&mut cmd, "--bind", &self.project);
        // Every folder between the project and a read-only path a mount point of its own: a
        // mount point cannot be renamed, so the folder holding a read-only path cannot be
        // moved away and replaced by a writable copy (`mv .git/refs x && mkdir .git/refs`).
        let mut ancestors: Vec<PathBuf> = Vec::new();
        for path in self
            .read_only
            .iter()
            .filter(|p| p.starts_with(&self.project))
        {
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.project && d.starts_with(&self.project)) {
                if !ancestors.iter().any(|a| a == d) {
                    ancestors.push(d.to_path_buf());
                }
                dir = d.parent();
            }
        }
        // Outermost first, so that an inner mount is not hidden by its folder's.
        ancestors.sort_by_key(|a| a.components().count());
        for dir in ancestors.iter().filter(|d| d.is_dir()) {
            bind(&mut cmd, "--bind", dir);
        }
        for dir in self.writable.iter().filter(|d| d.is_dir()) {
            bind(&mut cmd, "--bind", dir);
        }
        // A missing path is left alone: outside the project it cannot be made (everything
        // there is read-only), and inside it `prepare` made every one git needs.
        for path in self
            .read_only
            .iter()
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
        {
            bind(&mut cmd, "--ro-bind", path);
        }
        for path in &self.hidden_files {
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.is_dir() => {
                    cmd.arg("--tmpfs").arg(path);
                }
                Ok(_) => {
                    cmd.arg("--ro-bind").arg("/dev/null").arg(path);
                }
                Err(_) => {}
            }
        }
        for name in &self.hidden_env {
            cmd.arg("--unsetenv").arg(name);
        }
        cmd.arg("--chdir")
            .arg(cwd)
            .arg("--")
            .arg(program)
            .args(args);
        cmd
    }
}

/// bubblewrap, when it is installed and can make a sandbox on this machine.
pub fn bubblewrap() -> Option<PathBuf> {
    let path = find_program("bwrap")?;
    let works = Command::new(&path)
        .args([
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--unshare-net",
            "--",
            "/bin/true",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    works.then_some(path)
}

/// A program on `PATH` (or an absolute path to one), as a path.
pub fn find_program(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    let paths: OsString = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    std::fs::canonicalize(&abs).unwrap_or(abs)
}

fn dedup(paths: &mut Vec<PathBuf>) {
    let mut seen = std::collections::BTreeSet::new();
    paths.retain(|p| seen.insert(p.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn enforcement_paths_are_made_and_caches_stay_off_path() {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("p");
        std::fs::create_dir_all(project.join(".claude")).unwrap();
        git(&project, &["init", "-q"]);
        let home = tmp.path().join("home");
        let has = |p: &str| p == "cargo" || p == "npm";
        let c = Confinement::new(&Inputs {
            project: &project,
            bundle: &project.join(".agentspec/bundle"),
            state_dir: &tmp.path().join("state"),
            binary: None,
            host_dirs: &[".claude"],
            home: Some(&home),
            path_dirs: vec![home.join(".cargo/bin")],
            has_program: &has,
        });
        let git_dir = std::fs::canonicalize(project.join(".git")).unwrap();
        assert!(c.read_only.contains(&git_dir.join("refs")));
        assert!(c.read_only.contains(&git_dir.join("packed-refs")));
        // Missing work-tree paths are left out: the sandbox's stand-in would break `git add`.
        let real = std::fs::canonicalize(&project).unwrap();
        assert!(!c.read_only.contains(&real.join("agentspec.toml")));
        assert!(c.read_only.contains(&real.join(".claude")));
        assert!(c.writable.contains(&home.join(".cargo/registry")));
        assert!(c.writable.contains(&home.join(".npm/_cacache")));
        assert!(!c.writable.iter().any(|w| w.ends_with(".cache/pip")));
        assert!(
            !c.writable
                .iter()
                .any(|w| w.starts_with(home.join(".cargo/bin")))
        );
        c.prepare().unwrap();
        assert!(git_dir.join("packed-refs").is_file());
        assert!(git_dir.join("logs").is_dir());
        assert!(git_dir.join("objects/info").is_dir());
        assert!(home.join(".cargo/registry").is_dir());
    }
}
