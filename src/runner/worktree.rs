//! The work-tree fingerprint an approval is bound to, computed with git: HEAD, the tree of
//! every file git could commit (tracked and untracked, ignored files left out, written through
//! a temporary index so the real one is untouched), and whether the index stages only
//! committed or work-tree content.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::policy::decide::WorkTree;
use crate::policy::shell::Analysis;

/// How long one git command may take before the runner gives up (and fails closed).
pub const GIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a git operation happens: the directory it runs in and git's own location options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub dir: PathBuf,
    /// `--git-dir=...`, `--work-tree=...` as given to the operation.
    pub git_args: Vec<String>,
    /// Folders left out of the fingerprint: the runner's own state, which changes with every
    /// event.
    pub exclude: Vec<PathBuf>,
}

impl Location {
    /// A directory, with no options and nothing left out.
    pub fn at(dir: impl Into<PathBuf>) -> Location {
        Location {
            dir: dir.into(),
            git_args: Vec::new(),
            exclude: Vec::new(),
        }
    }
}

/// The parent of `commit`; `None` for a root commit.
pub fn parent_of(
    loc: &Location,
    commit: &str,
    deadline: Instant,
) -> Result<Option<String>, String> {
    let (ok, parent, _) = git(
        loc,
        &["rev-parse", "--verify", "--quiet", &format!("{commit}^1")],
        Index::Default,
        deadline,
    )?;
    Ok(ok.then(|| parent.trim().to_owned()))
}

/// The location of the first gated git operation in `analysis`, run from `cwd`: its `cd`
/// steps and its `-C`, `--git-dir`, `--work-tree` options applied. An error when one of them
/// is only known at run time.
pub fn location(cwd: &Path, analysis: &Analysis) -> Result<Location, String> {
    let command = analysis
        .commands
        .iter()
        .find(|c| c.git.as_ref().is_some_and(|g| !g.operations.is_empty()));
    let mut loc = Location::at(cwd);
    let Some(command) = command else {
        return Ok(loc);
    };
    let unknown = |what: &str| {
        format!(
            "the repository of `{}` depends on `{what}`, which is only known at run time; run git from the project directory",
            command.text
        )
    };
    for step in &command.cd {
        let dir = step.as_literal().ok_or_else(|| unknown(&step.text))?;
        if dir == "-" || dir.starts_with('~') {
            return Err(unknown(dir));
        }
        loc.dir = loc.dir.join(dir);
    }
    if let Some(git) = &command.git {
        for (option, value) in &git.location {
            let v = value.as_literal().ok_or_else(|| unknown(&value.text))?;
            match option.as_str() {
                "-C" => loc.dir = loc.dir.join(v),
                other => loc.git_args.push(format!("{other}={v}")),
            }
        }
    }
    Ok(loc)
}

/// Which index a git command reads.
#[derive(Debug, Clone, Copy)]
pub enum Index<'a> {
    /// The repository's own (`GIT_INDEX_FILE` removed from the environment).
    Default,
    /// Whatever the environment names: inside a git hook, the index being committed.
    Inherited,
    /// A temporary copy.
    Temp(&'a Path),
}

/// Runs git with the location's options; (success, stdout, stderr) or an error message.
pub fn git(
    loc: &Location,
    args: &[&str],
    index: Index,
    deadline: Instant,
) -> Result<(bool, String, String), String> {
    // Inside a git hook, the git that runs the hook (its `GIT_EXEC_PATH`): another git on
    // PATH may not read a repository the newer one made.
    let program = std::env::var_os("GIT_EXEC_PATH")
        .map(|dir| PathBuf::from(dir).join("git"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("git"));
    let mut cmd = Command::new(program);
    // The git it starts in another repository goes through the guard (a submodule whose
    // configuration the agent wrote).
    cmd.envs(super::gitguard::env()?);
    // The runner's own git calls run no hooks and no file-system monitor.
    cmd.args([
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.hooksPath=/dev/null",
    ])
    .args(&loc.git_args)
    .args(args)
    .current_dir(&loc.dir)
    // Messages are matched ("not a git repository"): keep them in English.
    .env("LC_ALL", "C")
    // A replace ref would show another object in place of the real one: the runner compares
    // real content.
    .env("GIT_NO_REPLACE_OBJECTS", "1")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    match index {
        Index::Default => {
            cmd.env_remove("GIT_INDEX_FILE");
        }
        Index::Inherited => {}
        Index::Temp(path) => {
            cmd.env("GIT_INDEX_FILE", path);
        }
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("`git {}` timed out", args.join(" ")));
            }
            Err(e) => return Err(format!("`git {}`: {e}", args.join(" "))),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    Ok((status.success(), out, err))
}

/// Runs git; its trimmed output, or an error when it fails.
pub fn git_ok(
    loc: &Location,
    args: &[&str],
    index: Index,
    deadline: Instant,
) -> Result<String, String> {
    let (ok, out, err) = git(loc, args, index, deadline)?;
    if ok {
        Ok(out.trim().to_owned())
    } else {
        Err(format!("`git {}` failed: {}", args.join(" "), err.trim()))
    }
}

/// Paths two trees disagree on.
pub fn differing(
    loc: &Location,
    a: &str,
    b: &str,
    deadline: Instant,
) -> Result<Vec<String>, String> {
    if a == b {
        return Ok(Vec::new());
    }
    let out = git_ok(
        loc,
        &["diff-tree", "-r", "--name-only", "-z", a, b],
        Index::Default,
        deadline,
    )?;
    Ok(out
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The fingerprint at `loc`; `Ok(None)` outside a git repository.
pub fn fingerprint(loc: &Location) -> Result<Option<WorkTree>, String> {
    let deadline = Instant::now() + GIT_TIMEOUT;
    let (ok, out, err) = match git(
        loc,
        &["rev-parse", "--git-path", "index"],
        Index::Default,
        deadline,
    ) {
        Ok(found) => found,
        // No git to ask, and no repository for it to read: there is no work tree.
        Err(_) if !loc.dir.ancestors().any(|d| d.join(".git").exists()) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !ok {
        if err.contains("not a git repository") {
            return Ok(None);
        }
        return Err(format!("git rev-parse failed: {}", err.trim()));
    }
    let index_path = loc.dir.join(out.trim());
    let (has_head, head, _) = git(
        loc,
        &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        Index::Default,
        deadline,
    )?;
    let head = has_head.then(|| head.trim().to_owned());
    // The index as it is (fails with unmerged paths).
    let (index_ok, index_tree, _) = git(loc, &["write-tree"], Index::Default, deadline)?;
    let index_tree = index_ok.then(|| index_tree.trim().to_owned());
    // Everything git could commit, through a copy of the index.
    let temp = tempfile::Builder::new()
        .prefix("agentspec-index-")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary index: {e}"))?;
    let temp_path = temp.path().to_path_buf();
    match std::fs::copy(&index_path, &temp_path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_file(&temp_path);
        }
        Err(e) => return Err(format!("cannot copy the index: {e}")),
    }
    // `git update-index --assume-unchanged` / `--skip-worktree` make `git add` skip a file's
    // changes: the copy loses those marks, so every change counts.
    let listed = git_ok(
        loc,
        &["ls-files", "-v", "-z", "--", ":(top)"],
        Index::Temp(&temp_path),
        deadline,
    )?;
    // One flag per call: git applies only one of `--no-assume-unchanged` and
    // `--no-skip-worktree` when both are given.
    let assumed: fn(&str) -> bool = |tag| tag.chars().any(|c| c.is_ascii_lowercase());
    let skipped: fn(&str) -> bool = |tag| tag == "S" || tag == "s";
    for (flag, marked) in [
        ("--no-assume-unchanged", assumed),
        ("--no-skip-worktree", skipped),
    ] {
        let paths: Vec<&str> = listed
            .split('\0')
            .filter_map(|entry| {
                let (tag, path) = entry.split_once(' ')?;
                marked(tag).then_some(path)
            })
            .collect();
        for chunk in paths.chunks(200) {
            let mut args = vec!["update-index", flag, "--"];
            args.extend(chunk.iter().copied());
            git_ok(loc, &args, Index::Temp(&temp_path), deadline)?;
        }
    }
    git_ok(
        loc,
        &["add", "-A", "--", ":(top)"],
        Index::Temp(&temp_path),
        deadline,
    )?;
    if !loc.exclude.is_empty() {
        let top = git_ok(
            loc,
            &["rev-parse", "--show-toplevel"],
            Index::Default,
            deadline,
        )?;
        let top = std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(&top));
        for dir in &loc.exclude {
            let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            if let Ok(rel) = dir.strip_prefix(&top) {
                let spec = format!(":(top){}", rel.display());
                git_ok(
                    loc,
                    &[
                        "rm",
                        "-r",
                        "-q",
                        "--cached",
                        "--ignore-unmatch",
                        "--",
                        &spec,
                    ],
                    Index::Temp(&temp_path),
                    deadline,
                )?;
            }
        }
    }
    let tree = git_ok(loc, &["write-tree"], Index::Temp(&temp_path), deadline)?;
    let nested = nested_digest(loc, &temp_path, deadline)?;
    let head_tree = tree_of(loc, head.as_deref(), deadline)?;
    let index_consistent = match &index_tree {
        None => false,
        Some(i) => composed_of(loc, i, &tree, &head_tree, deadline)?,
    };
    Ok(Some(WorkTree {
        head,
        tree,
        index_consistent,
        nested,
    }))
}

/// Files and bytes [`nested_digest`] reads; beyond them (a large submodule) it takes each
/// file's size and modification time instead of its content.
const NESTED_FILES: usize = 20_000;
const NESTED_BYTES: u64 = 256 * 1024 * 1024;

/// A digest of the files of every repository the index copy records as a gitlink (mode
/// 160000): git records such a folder as a commit id, so an edit inside it leaves the tree
/// unchanged. `None` when there is none.
fn nested_digest(
    loc: &Location,
    index: &Path,
    deadline: Instant,
) -> Result<Option<String>, String> {
    use sha2::{Digest, Sha256};
    let listed = git_ok(loc, &["ls-files", "-s", "-z"], Index::Temp(index), deadline)?;
    let mut links: Vec<&str> = listed
        .split('\0')
        .filter_map(|entry| {
            let (meta, path) = entry.split_once('\t')?;
            meta.starts_with("160000 ").then_some(path)
        })
        .collect();
    if links.is_empty() {
        return Ok(None);
    }
    links.sort_unstable();
    let top = git_ok(
        loc,
        &["rev-parse", "--show-toplevel"],
        Index::Default,
        deadline,
    )?;
    let top = PathBuf::from(top.trim());
    let mut hasher = Sha256::new();
    let (mut files, mut bytes) = (0usize, 0u64);
    let mut pending: Vec<PathBuf> = links.iter().map(|l| top.join(l)).collect();
    while let Some(path) = pending.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(&top)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if meta.is_dir() {
            let Ok(entries) = std::fs::read_dir(&path) else {
                hasher.update(format!("u {rel}\0").as_bytes());
                continue;
            };
            let mut names: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n != ".git"))
                .collect();
            names.sort();
            hasher.update(format!("d {rel}\0").as_bytes());
            pending.extend(names.into_iter().rev());
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).unwrap_or_default();
            hasher.update(format!("l {rel}\0{}\0", target.display()).as_bytes());
        } else if meta.is_file() {
            files += 1;
            bytes += meta.len();
            let content =
                (files <= NESTED_FILES && bytes <= NESTED_BYTES && Instant::now() < deadline)
                    .then(|| std::fs::read(&path).ok())
                    .flatten();
            match content {
                Some(content) => {
                    hasher.update(format!("f {rel}\0{}\0", content.len()).as_bytes());
                    hasher.update(&content);
                }
                None => {
                    let modified = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .unwrap_or_default();
                    hasher.update(
                        format!("m {rel}\0{}\0{}\0", meta.len(), modified.as_nanos()).as_bytes(),
                    );
                }
            }
        }
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Some(digest))
}

/// Whether the tree `tree` holds, path by path, the version in `work` or in `head` (all three
/// git tree ids): nothing that is in neither.
pub fn composed_of(
    loc: &Location,
    tree: &str,
    work: &str,
    head: &str,
    deadline: Instant,
) -> Result<bool, String> {
    if tree == work || tree == head {
        return Ok(true);
    }
    let from_work = differing(loc, tree, work, deadline)?;
    let from_head = differing(loc, tree, head, deadline)?;
    Ok(!from_work.iter().any(|p| from_head.contains(p)))
}

/// The tree of `commit`, or git's empty tree for `None`.
pub fn tree_of(loc: &Location, commit: Option<&str>, deadline: Instant) -> Result<String, String> {
    match commit {
        Some(c) => git_ok(
            loc,
            &["rev-parse", &format!("{c}^{{tree}}")],
            Index::Default,
            deadline,
        ),
        None => git_ok(
            loc,
            &["hash-object", "-t", "tree", "/dev/null"],
            Index::Default,
            deadline,
        ),
    }
}
