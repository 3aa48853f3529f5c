//! The git that git starts opens only the project's repository.
//!
//! git starts git in other repositories by itself: in each submodule the index records, to see
//! whether it is modified (`git stash`, `git add -A`, `git commit -a`, `git switch BRANCH`,
//! `git rebase --autostash`), and in the submodules it fetches or pushes. That git reads the
//! other repository's configuration, which runs programs (`core.fsmonitor`, a
//! `filter.<driver>.clean`, `remote.<name>.uploadpack`). The agent's commands can make a
//! repository inside the project and record it in the index (`git update-index --cacheinfo
//! 160000,...`), so a git the runner starts outside the sandbox — a command it performs, its
//! own work-tree fingerprint — would run the agent's programs with the runner's rights. No
//! configuration stops every such start (measured with git 2.47: `git stash` looks into a
//! gitlink whatever `diff.ignoreSubmodules` says).
//!
//! So every git the runner starts gets `GIT_EXEC_PATH` pointing at a folder of its own in the
//! state folder, which the agent cannot write: each program of git's own folder by a link,
//! except `git`, whose link is the agentspec binary. git starts git through that folder
//! (`run_command` resolves `git` there first); agentspec, started as `git`, finds the
//! repository that git would open and runs the real git only when it is the project's own, or
//! a submodule's under `<git dir>/modules` while that folder is read-only to the agent — with
//! `GIT_DIR` set to the folder it checked, so that nothing can be swapped in between.
//! Anything else ends with status 128, and the git that started it fails: closed.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The real git's own folder (`git --exec-path`), where the guard finds the real `git`.
pub const REAL_ENV: &str = "AGENTSPEC_GIT_REAL_EXEC_PATH";
/// The repositories git may open, as JSON ([`Allowed`]).
pub const ALLOW_ENV: &str = "AGENTSPEC_GIT_ALLOW";

/// The git folders git may open: exactly these, or any folder below one of `under`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowed {
    pub dirs: Vec<PathBuf>,
    pub under: Vec<PathBuf>,
}

impl Allowed {
    /// The project's repository (its git folder and common folder); with
    /// `modules_protected`, also its submodules' repositories under `<common>/modules`, whose
    /// configuration the agent cannot write.
    pub fn project(layout: &super::confine::GitLayout, modules_protected: bool) -> Allowed {
        let mut dirs = vec![layout.git_dir.clone()];
        if layout.common_dir != layout.git_dir {
            dirs.push(layout.common_dir.clone());
        }
        let under = if modules_protected {
            vec![layout.common_dir.join("modules")]
        } else {
            Vec::new()
        };
        Allowed { dirs, under }
    }

    fn admits(&self, dir: &Path) -> bool {
        self.dirs.iter().any(|d| d == dir)
            || self
                .under
                .iter()
                .any(|u| dir.starts_with(u) && dir != u.as_path())
    }
}

/// The folder that sends the git started by git through the guard, and what the guard is told.
#[derive(Debug, Clone)]
pub struct Guard {
    pub exec_dir: PathBuf,
    pub real_exec_path: PathBuf,
    pub allowed: Allowed,
}

impl Guard {
    /// Makes (or finds, when made before) the folder under `state_dir` for the git on `PATH`
    /// and the agentspec binary `binary`.
    pub fn prepare(state_dir: &Path, binary: &Path, allowed: Allowed) -> Result<Guard, String> {
        let out = std::process::Command::new("git")
            .arg("--exec-path")
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let real = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !out.status.success() || real.is_empty() {
            return Err("`git --exec-path` names no folder".to_owned());
        }
        let real_exec_path =
            std::fs::canonicalize(&real).map_err(|e| format!("git's own folder {real}: {e}"))?;
        let binary = std::fs::canonicalize(binary)
            .map_err(|e| format!("the agentspec binary {}: {e}", binary.display()))?;
        // Named after what it links: another git (or another set of its programs, after an
        // upgrade) or another binary gets a folder of its own.
        let mut names: Vec<OsString> = std::fs::read_dir(&real_exec_path)
            .map_err(|e| format!("git's own folder {}: {e}", real_exec_path.display()))?
            .flatten()
            .map(|e| e.file_name())
            .collect();
        names.sort();
        let mut identity = format!("{}\n{}\n", real_exec_path.display(), binary.display());
        for name in &names {
            identity.push_str(&name.to_string_lossy());
            identity.push('\n');
        }
        let key = crate::policy::sha256_hex(identity.as_bytes());
        let parent = state_dir.join("git-exec");
        let exec_dir = parent.join(&key[..16]);
        if !exec_dir.join("git").exists() {
            make_exec_dir(&parent, &exec_dir, &real_exec_path, &binary)?;
        }
        Ok(Guard {
            exec_dir,
            real_exec_path,
            allowed,
        })
    }

    /// The environment of a git the runner starts.
    pub fn env(&self) -> Vec<(OsString, OsString)> {
        vec![
            (
                "GIT_EXEC_PATH".into(),
                self.exec_dir.clone().into_os_string(),
            ),
            (
                REAL_ENV.into(),
                self.real_exec_path.clone().into_os_string(),
            ),
            (
                ALLOW_ENV.into(),
                serde_json::to_string(&self.allowed)
                    .unwrap_or_default()
                    .into(),
            ),
        ]
    }
}

/// The links, made in a fresh folder and renamed into place (another event may be making the
/// same folder: the first rename wins, and both are the same).
fn make_exec_dir(parent: &Path, exec_dir: &Path, real: &Path, binary: &Path) -> Result<(), String> {
    let fail = |what: &str, e: std::io::Error| format!("cannot make {what}: {e}");
    std::fs::create_dir_all(parent).map_err(|e| fail(&parent.display().to_string(), e))?;
    let temp = tempfile::Builder::new()
        .prefix(".making-")
        .tempdir_in(parent)
        .map_err(|e| fail("a folder for git's programs", e))?;
    let entries = std::fs::read_dir(real).map_err(|e| fail(&real.display().to_string(), e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == "git" {
            continue;
        }
        std::os::unix::fs::symlink(entry.path(), temp.path().join(&name))
            .map_err(|e| fail(&format!("a link to {}", entry.path().display()), e))?;
    }
    std::os::unix::fs::symlink(binary, temp.path().join("git"))
        .map_err(|e| fail("the link to the guard", e))?;
    let made = temp.keep();
    if let Err(e) = std::fs::rename(&made, exec_dir) {
        let _ = std::fs::remove_dir_all(&made);
        if !exec_dir.join("git").exists() {
            return Err(fail(&exec_dir.display().to_string(), e));
        }
    }
    Ok(())
}

/// More repositories git may open, found when the first git starts (the local destinations
/// of the project's remotes).
pub type Extra = Box<dyn Fn() -> Vec<PathBuf> + Send + Sync>;

/// What the guard of this process is made from, once armed.
struct Armed {
    state_dir: PathBuf,
    binary: PathBuf,
    allowed: Allowed,
    extra: Extra,
}

static ARMED: OnceLock<Armed> = OnceLock::new();
static PREPARED: OnceLock<Result<Guard, String>> = OnceLock::new();

/// Sends every git this process starts from now on through a guard that admits `allowed`
/// (the first call wins). The folder is made when the first git starts.
pub fn arm(state_dir: &Path, binary: &Path, allowed: Allowed, extra: Extra) {
    let _ = ARMED.set(Armed {
        state_dir: state_dir.to_path_buf(),
        binary: binary.to_path_buf(),
        allowed,
        extra,
    });
}

/// The environment that sends a git this process starts through its guard: none when the
/// process armed none, an error when the guard cannot be made (the git must not start).
pub fn env() -> Result<Vec<(OsString, OsString)>, String> {
    let Some(armed) = ARMED.get() else {
        return Ok(Vec::new());
    };
    PREPARED
        .get_or_init(|| {
            let mut allowed = armed.allowed.clone();
            allowed.dirs.extend((armed.extra)());
            Guard::prepare(&armed.state_dir, &armed.binary, allowed)
        })
        .as_ref()
        .map(Guard::env)
        .map_err(|e| format!("cannot guard the git that git starts: {e}"))
}

/// The git folders of the project's remotes that are repositories on this machine (`/srv/x.git`,
/// `../remote.git`, `file://...`), as the project's configuration names them, leaving out those
/// inside `writable` (where the agent could have made the repository and its configuration). A
/// push to such a remote runs git there (`receive-pack` starts `git unpack-objects`).
pub fn local_remotes(project: &Path, writable: &[PathBuf]) -> Vec<PathBuf> {
    let Ok(out) = std::process::Command::new("git")
        .args(["config", "--get-regexp", r"^remote\..*\.(push)?url$"])
        .current_dir(project)
        .env_remove("GIT_DIR")
        .env_remove("GIT_CONFIG_PARAMETERS")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    let writable: Vec<PathBuf> = writable
        .iter()
        .map(|w| std::fs::canonicalize(w).unwrap_or_else(|_| w.clone()))
        .collect();
    let mut out_dirs = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((_, url)) = line.split_once(' ') else {
            continue;
        };
        let Some(path) = local_path(url) else {
            continue;
        };
        let Some(dir) = discover(&project.join(path)).and_then(|(d, _)| resolve(&d).ok()) else {
            continue;
        };
        if !writable.iter().any(|w| dir.starts_with(w)) && !out_dirs.contains(&dir) {
            out_dirs.push(dir);
        }
    }
    out_dirs
}

/// The path of a remote's URL when it names a folder on this machine.
fn local_path(url: &str) -> Option<&str> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(rest);
    }
    if url.contains("://") {
        return None;
    }
    // `host:path` is scp-like ssh, unless a `/` comes before the colon.
    match (url.find(':'), url.find('/')) {
        (Some(colon), Some(slash)) if colon < slash => None,
        (Some(_), None) => None,
        _ => Some(url),
    }
}

/// Takes the guard out of the environment `cmd` inherits, for a program that runs in the
/// sandbox (a repository hook of a commit the runner makes): there git may open any
/// repository the agent can, and a hook that works in another one (its tool's cache) keeps
/// working.
pub fn unguarded(cmd: &mut std::process::Command) {
    let Some(exec_dir) = std::env::var_os("GIT_EXEC_PATH")
        .filter(|_| std::env::var_os(REAL_ENV).is_some())
        .map(PathBuf::from)
    else {
        return;
    };
    cmd.env_remove("GIT_EXEC_PATH")
        .env_remove(REAL_ENV)
        .env_remove(ALLOW_ENV);
    // git puts its program folder first on a hook's `PATH`.
    if let Some(path) = std::env::var_os("PATH") {
        let kept: Vec<PathBuf> = std::env::split_paths(&path)
            .filter(|p| *p != exec_dir)
            .collect();
        if let Ok(joined) = std::env::join_paths(kept) {
            cmd.env("PATH", joined);
        }
    }
}

/// Whether agentspec was started as the guard: as `git`, with the guard's environment.
pub fn started_as_guard(argv0: &OsStr) -> bool {
    Path::new(argv0).file_name() == Some(OsStr::new("git"))
}

/// What the guard runs: the real git, its arguments, and the environment it sets.
#[derive(Debug, PartialEq, Eq)]
pub struct Admitted {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub set_env: Vec<(OsString, PathBuf)>,
}

/// The guard's decision for a git started with `args` in `cwd` and the environment `env`
/// (read through the function, so that it can be tested).
pub fn admit(
    args: &[OsString],
    cwd: &Path,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Result<Admitted, String> {
    let real = env(REAL_ENV).ok_or("agentspec was started as `git` outside the runner")?;
    let allowed: Allowed = env(ALLOW_ENV)
        .and_then(|a| serde_json::from_str(&a.to_string_lossy()).ok())
        .ok_or("the repositories git may open are not given")?;
    let program = Path::new(&real).join("git");
    let mut args = args.to_vec();
    // git's own options before the subcommand that say where the repository is.
    let mut dir = cwd.to_path_buf();
    let mut git_dir_arg: Option<(usize, bool)> = None;
    let mut bare = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].to_string_lossy().into_owned();
        if !a.starts_with('-') || a == "--" {
            break;
        }
        let takes_value = matches!(
            a.as_str(),
            "-C" | "-c"
                | "--git-dir"
                | "--work-tree"
                | "--namespace"
                | "--config-env"
                | "--super-prefix"
                | "--attr-source"
        );
        match a.as_str() {
            "-C" => {
                if let Some(v) = args.get(i + 1) {
                    dir = dir.join(v);
                }
            }
            "--git-dir" => git_dir_arg = Some((i + 1, false)),
            "--bare" => bare = true,
            _ if a.starts_with("--git-dir=") => git_dir_arg = Some((i, true)),
            _ => {}
        }
        i += if takes_value { 2 } else { 1 };
    }
    let named = match git_dir_arg {
        Some((at, inline)) => {
            let Some(value) = args.get(at) else {
                return Err("`--git-dir` names no folder".to_owned());
            };
            let text = value.to_string_lossy();
            let path = if inline {
                text.trim_start_matches("--git-dir=").to_owned()
            } else {
                text.into_owned()
            };
            Some(dir.join(path))
        }
        None => env("GIT_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| dir.join(d)),
    };
    let (found, top) = match named {
        Some(path) => (path, None),
        None if bare => (dir.clone(), None),
        None => discover(&dir).ok_or_else(|| format!("{} is in no repository", dir.display()))?,
    };
    let git_dir = resolve(&found)?;
    if !allowed.admits(&git_dir) {
        return Err(format!(
            "git may not open the repository at {} (from {}): outside the sandbox, agentspec lets git open only the project's own repository and its submodules' under `.git/modules` (a repository made in the work tree could run the agent's programs); take it out of the index (`git rm --cached PATH`), or ask the user to add it as a submodule",
            git_dir.display(),
            dir.display()
        ));
    }
    let mut set_env = Vec::new();
    match git_dir_arg {
        Some((at, inline)) => {
            args[at] = if inline {
                let mut v = OsString::from("--git-dir=");
                v.push(&git_dir);
                v
            } else {
                git_dir.clone().into_os_string()
            };
        }
        None if !bare => set_env.push((OsString::from("GIT_DIR"), git_dir.clone())),
        None => {}
    }
    if let Some(top) = top
        && env("GIT_WORK_TREE").is_none()
    {
        set_env.push((OsString::from("GIT_WORK_TREE"), top));
    }
    Ok(Admitted {
        program,
        args,
        set_env,
    })
}

/// The repository git finds from `dir`: the first folder up that holds `.git` (and that
/// folder, the work tree's top), or that is a git folder itself.
fn discover(dir: &Path) -> Option<(PathBuf, Option<PathBuf>)> {
    let start = std::fs::canonicalize(dir).ok()?;
    for d in start.ancestors() {
        let dot = d.join(".git");
        if std::fs::symlink_metadata(&dot).is_ok() {
            return Some((dot, Some(d.to_path_buf())));
        }
        if d.join("HEAD").is_file() && d.join("objects").is_dir() && d.join("refs").is_dir() {
            return Some((d.to_path_buf(), None));
        }
    }
    None
}

/// The git folder `path` stands for: itself, or the folder a `gitdir:` file names; with every
/// link resolved.
fn resolve(path: &Path) -> Result<PathBuf, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("the git folder {}: {e}", path.display()))?;
    let dir = if meta.is_file() {
        let bytes =
            crate::fsutil::read_regular(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let pointed = text
            .trim()
            .strip_prefix("gitdir:")
            .ok_or_else(|| format!("{} is not a `gitdir:` file", path.display()))?
            .trim()
            .to_owned();
        path.parent().unwrap_or(Path::new("/")).join(pointed)
    } else {
        path.to_path_buf()
    };
    std::fs::canonicalize(&dir).map_err(|e| format!("the git folder {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_urls_of_this_machine_name_local_remotes() {
        assert_eq!(super::local_path("../remote.git"), Some("../remote.git"));
        assert_eq!(super::local_path("/srv/repo.git"), Some("/srv/repo.git"));
        assert_eq!(super::local_path("file:///srv/r.git"), Some("/srv/r.git"));
        assert_eq!(super::local_path("./a:b/r.git"), Some("./a:b/r.git"));
        assert_eq!(super::local_path("git@github.com:o/r.git"), None);
        assert_eq!(super::local_path("https://github.com/o/r"), None);
        assert_eq!(super::local_path("host:repo"), None);
    }

    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(ok.status.success(), "git {args:?}: {ok:?}");
    }

    fn env_of(pairs: Vec<(&'static str, OsString)>) -> impl Fn(&str) -> Option<OsString> {
        move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    }

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_folder_links_gits_programs_with_the_guard_in_place_of_git() {
        let state = tempfile::tempdir().unwrap();
        let binary = state.path().join("agentspec");
        std::fs::write(&binary, "").unwrap();
        let guard = Guard::prepare(state.path(), &binary, Allowed::default()).unwrap();
        assert_eq!(
            std::fs::read_link(guard.exec_dir.join("git")).unwrap(),
            std::fs::canonicalize(&binary).unwrap()
        );
        let mut linked = 0;
        for entry in std::fs::read_dir(&guard.real_exec_path).unwrap().flatten() {
            if entry.file_name() != "git" {
                let link = guard.exec_dir.join(entry.file_name());
                assert_eq!(std::fs::read_link(&link).unwrap(), entry.path());
                linked += 1;
            }
        }
        assert!(linked > 0);
        let again = Guard::prepare(state.path(), &binary, Allowed::default()).unwrap();
        assert_eq!(again.exec_dir, guard.exec_dir);
        let env = again.env();
        assert_eq!(env[0].1, guard.exec_dir.clone().into_os_string());
    }

    #[test]
    fn only_the_projects_repository_and_protected_submodules_are_opened() {
        let root = tempfile::tempdir().unwrap();
        let project = std::fs::canonicalize(root.path()).unwrap().join("p");
        std::fs::create_dir(&project).unwrap();
        git(&project, &["init", "-q"]);
        let nested = project.join("sub");
        std::fs::create_dir(&nested).unwrap();
        git(&nested, &["init", "-q"]);
        let modules = project.join(".git/modules/lib");
        std::fs::create_dir_all(&modules).unwrap();
        git(&modules, &["init", "-q", "--bare"]);
        let lib = project.join("lib");
        std::fs::create_dir(&lib).unwrap();
        std::fs::write(lib.join(".git"), "gitdir: ../.git/modules/lib\n").unwrap();
        let forged = project.join("forged");
        std::fs::create_dir(&forged).unwrap();
        std::fs::write(forged.join(".git"), "gitdir: ../sub/.git\n").unwrap();

        let layout = crate::runner::confine::GitLayout::discover(&project).unwrap();
        let allowed = serde_json::to_string(&Allowed::project(&layout, true)).unwrap();
        let base = vec![
            (REAL_ENV, OsString::from("/usr/lib/git-core")),
            (ALLOW_ENV, OsString::from(&allowed)),
        ];
        let with = |extra: Vec<(&'static str, OsString)>| {
            let mut all = base.clone();
            all.extend(extra);
            env_of(all)
        };
        // The project, found from a folder inside it: git's folder and the work tree are fixed.
        let ok = admit(&os(&["status"]), &project.join("src"), &with(vec![])).unwrap_err();
        assert!(ok.contains("src"), "{ok}");
        std::fs::create_dir(project.join("src")).unwrap();
        let ok = admit(&os(&["status"]), &project.join("src"), &with(vec![])).unwrap();
        assert_eq!(ok.program, Path::new("/usr/lib/git-core/git"));
        assert_eq!(
            ok.set_env,
            [
                (OsString::from("GIT_DIR"), project.join(".git")),
                (OsString::from("GIT_WORK_TREE"), project.clone())
            ]
        );
        // What git does for a submodule: `cd sub; GIT_DIR=.git git status`.
        let sub_env = || with(vec![("GIT_DIR", OsString::from(".git"))]);
        let refused = admit(&os(&["status", "--porcelain=2"]), &nested, &sub_env()).unwrap_err();
        assert!(refused.contains("sub/.git"), "{refused}");
        let ok = admit(&os(&["status"]), &lib, &sub_env()).unwrap();
        assert_eq!(ok.set_env, [(OsString::from("GIT_DIR"), modules.clone())]);
        assert!(admit(&os(&["status"]), &forged, &sub_env()).is_err());
        // Found without `GIT_DIR`, named by an option, or through `-C`.
        assert!(admit(&os(&["status"]), &nested, &with(vec![])).is_err());
        assert!(admit(&os(&["-C", "sub", "status"]), &project, &with(vec![])).is_err());
        assert!(admit(&os(&["--git-dir=sub/.git", "log"]), &project, &with(vec![])).is_err());
        assert!(
            admit(
                &os(&["--git-dir", "sub/.git", "log"]),
                &project,
                &with(vec![])
            )
            .is_err()
        );
        let ok = admit(&os(&["--git-dir", ".git", "log"]), &project, &with(vec![])).unwrap();
        assert_eq!(ok.args[1], project.join(".git").into_os_string());
        // Submodules under an unprotected `.git/modules` are the agent's.
        let unprotected = serde_json::to_string(&Allowed::project(&layout, false)).unwrap();
        let env = env_of(vec![
            (REAL_ENV, OsString::from("/usr/lib/git-core")),
            (ALLOW_ENV, OsString::from(unprotected)),
            ("GIT_DIR", OsString::from(".git")),
        ]);
        assert!(admit(&os(&["status"]), &lib, &env).is_err());
        // Outside the runner, agentspec started as `git` runs nothing.
        assert!(admit(&os(&["status"]), &project, &env_of(vec![])).is_err());
    }
}
