//! Which files `check` looks at.
//!
//! - A file named on the command line is always checked, unless `only_agent_files` is set
//!   (`--only-agent-files`, for pre-commit): then it goes through the rules below like a file
//!   found in a directory.
//! - In a directory (the current one when no path is given), walked recursively with
//!   `.gitignore` honoured: every `.md` file under a folder named `agents` (project agents in
//!   `.claude/agents/`, plugin agents in `<plugin>/agents/`), plus any other `.md` file whose
//!   frontmatter opens on line 1 and has a top-level `name:` key, except `SKILL.md` files and
//!   files under `skills/` or `commands/` folders (skills and slash commands share the format
//!   but are not agents); an `agents` folder inside a `skills/` or `commands/` folder holds a
//!   skill's prompt files, not agents, and follows that exception. Under `.claude/agents/`
//!   there is no exception: Claude Code reads every `.md` file there at any depth (measured:
//!   `.claude/agents/x/skills/y/agents/z.md` is loaded), and the agents tree of such a file is
//!   `.claude/agents/` itself.
//!   A documentation file there (`README.md`, `CHANGELOG.md`, `CONTRIBUTING.md`, ...) is an
//!   agent only when its frontmatter opens on line 1 with a `name:` key: Claude Code skips a
//!   file without frontmatter in a project's agents folder silently. In a plugin's `agents/`
//!   such a file loads as an agent, and is one.
//! - Claude Code settings files (`.claude/settings.json`, `.claude/settings.local.json`): their
//!   `hooks` are checked as the selected release reads them, with their permission rules and
//!   the scripts their hooks run; and the project's MCP servers (`.mcp.json`).
//! - A file under `<plugin>/agents/` where `<plugin>/.claude-plugin/plugin.json` exists follows
//!   plugin rules.
//! - The order is sorted by path, so output is deterministic.

use std::path::{Path, PathBuf};

use crate::dialect::claude_skill::SKILL_FILE;
use crate::dialect::{Family, Home, home};

/// A file that was selected for checking.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub plugin: bool,
    pub tree: Option<PathBuf>,
    /// Found outside the folders its host reads: kept only if its opening says it is one
    /// ([`keeps`]: for an agent, frontmatter with a `name:` key).
    pub needs_name: bool,
}

/// A directory entry that could not be read while walking.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

pub fn discover(paths: &[PathBuf], only_agent_files: bool) -> (Vec<Candidate>, Vec<WalkError>) {
    let (found, errors, _) = discover_watched(paths, only_agent_files);
    (found, errors)
}

/// Every path whose state decided a discovery: the folders walked (a file added, removed or
/// renamed in one changes its modification time), the ignore files that could apply, and the
/// files whose presence made a folder a plugin root or a settings file checked. While each is
/// as it was (and a missing one still missing), the same paths give the same candidates.
#[derive(Debug)]
pub struct Watched {
    pub paths: Vec<PathBuf>,
    /// False when the discovery depended on something not watched (a `.git` file: a worktree
    /// or submodule, whose exclude file lives in another repository's folder).
    pub complete: bool,
}

impl Default for Watched {
    fn default() -> Self {
        Watched {
            paths: Vec::new(),
            complete: true,
        }
    }
}

/// [`discover`], with what it depended on.
pub fn discover_watched(
    paths: &[PathBuf],
    only_agent_files: bool,
) -> (Vec<Candidate>, Vec<WalkError>, Watched) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut roots = PluginRoots::default();
    let mut watched = Watched::default();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found, &mut errors, &mut roots, &mut watched);
        } else if only_agent_files {
            found.extend(select(path, &mut roots));
            if let Some(parent) = path.parent() {
                watch_above(parent, &mut watched);
            }
        } else {
            // Named files are always checked, even when missing (that is reported).
            found.push(candidate(path, &mut roots));
        }
        watched.paths.push(path.clone());
    }
    found.sort();
    found.dedup_by(|a, b| a.path == b.path);
    watched
        .paths
        .extend(roots.0.into_keys().map(|dir| dir.join(PLUGIN_MANIFEST)));
    watched.paths.extend(roots.1);
    watched.paths.extend(global_ignore_files());
    watched.paths.sort();
    watched.paths.dedup();
    (found, errors, watched)
}

/// Where a plugin root keeps its manifest.
const PLUGIN_MANIFEST: &str = ".claude-plugin/plugin.json";

/// The ignore files a walk reads in each folder (the `ignore` crate's standard filters).
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// The user's global git ignore file (as the `ignore` crate finds it) and every git
/// configuration file that may name another one.
fn global_ignore_files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|x| !x.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut out: Vec<PathBuf> = ignore::gitignore::gitconfig_excludes_path()
        .into_iter()
        .collect();
    if let Some(home) = home {
        out.push(home.join(".gitconfig"));
    }
    if let Some(xdg) = xdg {
        out.push(xdg.join("git/config"));
        out.push(xdg.join("git/ignore"));
    }
    for var in ["GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"] {
        out.extend(
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        );
    }
    out.push(PathBuf::from("/etc/gitconfig"));
    out
}

/// The environment that decides which global ignore files apply: part of a remembered walk's
/// key.
pub const IGNORE_ENVIRONMENT: [&str; 5] = [
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
];

/// The ignore files above `root` that apply to it (read through a link to the root as well),
/// and the `SKILL.md` files above it that decide whether its files belong to a skill.
fn watch_above(root: &Path, watched: &mut Watched) {
    let mut tops: Vec<PathBuf> = std::path::absolute(root).into_iter().collect();
    tops.extend(std::fs::canonicalize(root));
    for top in tops {
        for dir in top.ancestors() {
            for name in IGNORE_FILES {
                watched.paths.push(dir.join(name));
            }
            watched.paths.push(dir.join(SKILL_FILE));
            let git = dir.join(".git");
            if git.is_file() {
                // A worktree or a submodule: its exclude file is elsewhere.
                watched.complete = false;
            }
            watched.paths.push(git.join("info/exclude"));
        }
    }
}

fn walk(
    root: &Path,
    found: &mut Vec<Candidate>,
    errors: &mut Vec<WalkError>,
    roots: &mut PluginRoots,
    watched: &mut Watched,
) {
    // The project's own settings files are checked even when `.gitignore` lists them, as it
    // usually lists `settings.local.json`: Claude Code reads them all the same.
    for name in ["settings.json", "settings.local.json"] {
        let path = root.join(".claude").join(name);
        if path.is_file() {
            found.extend(select(&path, roots));
        }
        watched.paths.push(path);
    }
    // The ignore files of the folders above, and git's exclude file, apply too (the folders
    // themselves are not watched: `/tmp` changes all the time).
    watch_above(root, watched);
    let dirs = std::sync::Mutex::new(Vec::new());
    // Repositories inside the tree: their exclude files apply below them.
    let repos = std::sync::Arc::new(std::sync::Mutex::new((Vec::new(), true)));
    let seen_repos = repos.clone();
    // Walked on every core: a large tree has thousands of folders, and each costs a few
    // look-ups for ignore files. The files are sorted afterwards, so the order they are found
    // in does not matter.
    let files = std::sync::Mutex::new(Vec::new());
    let failures = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |e| {
            if e.file_name() == ".git"
                && let Ok(mut repos) = seen_repos.lock()
            {
                if e.file_type().is_some_and(|t| t.is_dir()) {
                    repos.0.push(e.path().join("info/exclude"));
                } else {
                    repos.1 = false;
                }
            }
            e.file_name() != ".git" && e.file_name() != "node_modules"
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let kind = entry.file_type();
                        let is_file = kind.is_some_and(|t| t.is_file() || t.is_symlink());
                        let is_dir = kind.is_some_and(|t| t.is_dir());
                        // A folder, and an ignore file in one (one added or removed changes
                        // the folder; one edited changes itself).
                        let watch = is_dir
                            || (is_file && IGNORE_FILES.iter().any(|n| entry.file_name() == *n));
                        if watch && let Ok(mut dirs) = dirs.lock() {
                            dirs.push(entry.path().to_path_buf());
                        }
                        if is_file && let Ok(mut files) = files.lock() {
                            files.push(entry.into_path());
                        }
                    }
                    Err(err) => {
                        if let Ok(mut failures) = failures.lock() {
                            failures.push(err.to_string());
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    watched.paths.extend(dirs.into_inner().unwrap_or_default());
    let (excludes, complete) = repos
        .lock()
        .map(|mut r| (std::mem::take(&mut r.0), r.1))
        .unwrap_or_default();
    watched.paths.extend(excludes);
    watched.complete &= complete;
    let mut files = files.into_inner().unwrap_or_default();
    files.sort();
    for path in files {
        found.extend(select(&path, roots));
    }
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort();
    errors.extend(failures.into_iter().map(|message| WalkError {
        path: root.to_path_buf(),
        message,
    }));
}

/// Whether a document (an editor buffer, say) is a file agentspec checks by the discovery
/// rules, given its path and content; the candidate carries its plugin role and tree.
pub fn agent_file(path: &Path, content: &[u8]) -> Option<Candidate> {
    select(path, &mut PluginRoots::default()).filter(|c| !c.needs_name || keeps(path, content))
}

/// The keys that make a Markdown file in a `commands` folder outside `.claude/` a command: a
/// command's own, or an agent's written by mistake.
const COMMAND_KEYS: &[&str] = &[
    "allowed-tools",
    "argument-hint",
    "arguments",
    "disable-model-invocation",
    "model",
    "when_to_use",
    "tools",
    "args",
];

/// Whether a file found outside the folders its host reads (`needs_name`) is one to check, by
/// its opening: an agent's frontmatter names it; a Markdown file under a `skills` folder that
/// is not a `SKILL.md` is reported (it never loads) when its frontmatter has a `name`; a
/// Markdown file in a `commands` folder outside `.claude/` is a command when its frontmatter
/// has a command's key, or a `description` and no `title` (a documentation page's).
pub fn keeps(path: &Path, content: &[u8]) -> bool {
    let dialect = crate::dialect::of_path(path);
    match dialect.family {
        Family::Skill => crate::parse::opens_with_frontmatter_key(content, &["name"]),
        Family::Command => crate::parse::frontmatter_keys(content).is_some_and(|keys| {
            let has = |k: &str| keys.iter().any(|key| key == k);
            COMMAND_KEYS.iter().any(|k| has(k)) || (has("description") && !has("title"))
        }),
        Family::Agent => crate::parse::opens_with_named_frontmatter(content),
        Family::Config => true,
    }
}

/// The skill folder a file of a `skills` tree belongs to: the nearest folder between the file
/// and `skills` that holds a `SKILL.md`.
fn skill_folder<'p>(path: &'p Path, skills: &Path, roots: &mut PluginRoots) -> Option<&'p Path> {
    path.parent()?
        .ancestors()
        .take_while(|a| *a != skills)
        .find(|a| roots.has_skill_file(a))
}

/// What discovery does with a Markdown file, by the folder it is in:
/// - under `.claude/agents/`: an agent, at any depth;
/// - under a `skills` folder: a `SKILL.md` is a skill; another file of a skill's folder is
///   one of the files the skill refers to, not checked on its own; any other Markdown file
///   there never loads, and is reported when it looks like a skill;
/// - under a `commands` folder: a slash command (outside `.claude/` and plugins, only when it
///   opens with frontmatter);
/// - under another `agents` folder (a plugin's): an agent, unless that folder is itself in a
///   skill or a commands folder (a skill's prompt files);
/// - anywhere else: an agent if its frontmatter names it, a skill if it is a `SKILL.md`.
fn select(path: &Path, roots: &mut PluginRoots) -> Option<Candidate> {
    if crate::model::settings::is_settings_file(path) || crate::rules::config::is_mcp_file(path) {
        return Some(Candidate {
            tree: None,
            ..candidate(path, roots)
        });
    }
    if crate::dialect::codex_agent::is_codex_agent(path) {
        let tree = path
            .ancestors()
            .skip(1)
            .find(|a| a.ends_with(".codex/agents"))
            .map(Path::to_path_buf);
        return Some(Candidate {
            tree,
            ..candidate(path, roots)
        });
    }
    if !is_md(path) {
        return None;
    }
    // Codex reads only `.toml` files in its agents folder (measured); no host reads the rest.
    if path
        .ancestors()
        .skip(1)
        .any(|a| a.ends_with(".codex/agents"))
    {
        return None;
    }
    if project_agents_dir(path).is_some() {
        return Some(agent_candidate(path, roots));
    }
    let is_skill_file = path.file_name().is_some_and(|n| n == SKILL_FILE);
    match home(path) {
        Some((Home::Skills, skills)) => {
            if is_skill_file {
                // A `SKILL.md` inside another skill's folder (a template, an example) is one
                // of that skill's files.
                let inner = path
                    .parent()
                    .is_some_and(|dir| skill_folder(dir, skills, roots).is_some());
                return (!inner).then(|| tree_candidate(path, skills, false));
            }
            if skill_folder(path, skills, roots).is_some() || is_documentation(path) {
                return None;
            }
            Some(tree_candidate(path, skills, true))
        }
        Some((Home::Commands, commands)) => {
            let read_by_host = commands.parent().is_some_and(|p| {
                p.file_name().is_some_and(|n| n == ".claude") || roots.is_plugin_root(p)
            });
            let needs_frontmatter = !read_by_host || is_documentation(path);
            Some(tree_candidate(path, commands, needs_frontmatter))
        }
        Some((Home::Agents, agents)) if !under_skill_or_command(agents) => {
            Some(agent_candidate(path, roots))
        }
        Some((Home::Agents, _)) => None,
        None if is_skill_file => Some(tree_candidate(path, path.parent()?, false)),
        // GitHub's issue, discussion and pull-request templates have a `name:` too; no host
        // reads them as agents.
        None if is_github_template(path) => None,
        None => Some(Candidate {
            needs_name: true,
            ..candidate(path, roots)
        }),
    }
}

/// A file of an agents folder. A README (or another documentation file) in a project's
/// agents folder is documentation unless it opens as an agent: Claude Code skips a file
/// without frontmatter there, silently (measured). In a plugin's it loads, so it is an agent.
fn agent_candidate(path: &Path, roots: &mut PluginRoots) -> Candidate {
    let found = candidate(path, roots);
    let documentation = !found.plugin && is_documentation(path);
    Candidate {
        needs_name: documentation,
        ..found
    }
}

/// A skill or a command: its tree is the `skills` or `commands` folder, where names must be
/// unique.
fn tree_candidate(path: &Path, tree: &Path, needs_name: bool) -> Candidate {
    Candidate {
        path: path.to_path_buf(),
        plugin: false,
        tree: Some(tree.to_path_buf()),
        needs_name,
    }
}

/// A file in one of GitHub's template folders (`.github/ISSUE_TEMPLATE/`, ...).
fn is_github_template(path: &Path) -> bool {
    path.ancestors().skip(1).any(|a| {
        a.file_name().is_some_and(|n| {
            n == "ISSUE_TEMPLATE" || n == "DISCUSSION_TEMPLATE" || n == "PULL_REQUEST_TEMPLATE"
        }) && a
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == ".github")
    })
}

/// A file named as a repository's documentation is (`README.md`, `CHANGELOG.md`, ...).
fn is_documentation(path: &Path) -> bool {
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return false;
    };
    let stem = stem.to_ascii_uppercase();
    [
        "README",
        "CHANGELOG",
        "CONTRIBUTING",
        "LICENSE",
        "CODE_OF_CONDUCT",
        "SECURITY",
        "NOTICE",
    ]
    .contains(&stem.as_str())
}

fn is_md(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

/// The `.claude/agents` folder the file is in, at any depth.
fn project_agents_dir(path: &Path) -> Option<&Path> {
    path.parent()?.ancestors().find(|a| {
        a.file_name().is_some_and(|n| n == "agents")
            && a.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == ".claude")
    })
}

/// The agents folder the file belongs to: its `.claude/agents`, else the nearest `agents`.
fn agents_dir(path: &Path) -> Option<&Path> {
    project_agents_dir(path).or_else(|| {
        path.parent()?
            .ancestors()
            .find(|a| a.file_name().is_some_and(|n| n == "agents"))
    })
}

/// `dir` is inside a `skills/` or `commands/` folder. An `agents/` folder there holds a skill's
/// prompt files, which Claude Code never loads as agents (it reads `.claude/agents/**` and
/// `<plugin>/agents/**` only).
fn under_skill_or_command(dir: &Path) -> bool {
    dir.ancestors()
        .take_while(|a| crate::dialect::within_run(a))
        .any(|a| {
            a.file_name()
                .is_some_and(|n| n == "skills" || n == "commands")
        })
}

/// Which folders are plugin roots (hold `.claude-plugin/plugin.json`), asked once per folder
/// in one discovery, as every agent file of an agents folder asks about the same folder.
#[derive(Default)]
struct PluginRoots(
    std::collections::HashMap<PathBuf, bool>,
    /// Every `SKILL.md` looked for (what made a file part of a skill), for [`Watched`].
    Vec<PathBuf>,
);

impl PluginRoots {
    /// Whether `dir` holds a `SKILL.md` (remembered as looked for).
    fn has_skill_file(&mut self, dir: &Path) -> bool {
        let file = dir.join(SKILL_FILE);
        let is = file.is_file();
        self.1.push(file);
        is
    }

    fn is_plugin_root(&mut self, dir: &Path) -> bool {
        if let Some(known) = self.0.get(dir) {
            return *known;
        }
        let is = dir.join(PLUGIN_MANIFEST).is_file();
        self.0.insert(dir.to_path_buf(), is);
        is
    }
}

fn candidate(path: &Path, roots: &mut PluginRoots) -> Candidate {
    let agents = agents_dir(path);
    let plugin = agents
        .and_then(Path::parent)
        .is_some_and(|p| roots.is_plugin_root(p));
    let tree = agents.or_else(|| path.parent()).map(Path::to_path_buf);
    Candidate {
        path: path.to_path_buf(),
        plugin,
        tree,
        needs_name: false,
    }
}

/// Reads every candidate, dropping those found outside an agents folder that turn out not to
/// be agents.
pub fn read_all(candidates: Vec<Candidate>) -> Vec<Input> {
    use rayon::prelude::*;
    candidates
        .into_par_iter()
        .map(|c| (c.needs_name, Input::read(c.path, c.plugin, c.tree)))
        .filter(|(needs_name, input)| {
            !needs_name
                || input
                    .content
                    .as_deref()
                    .is_ok_and(|bytes| keeps(&input.path, bytes))
        })
        .map(|(_, input)| input)
        .collect()
}

/// Files larger than this are not parsed.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A file to check.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub content: Result<Vec<u8>, String>,
    /// Under a plugin's `agents/` folder.
    pub plugin: bool,
    /// The agents tree it belongs to, for duplicate names.
    pub tree: Option<PathBuf>,
}

impl Input {
    /// Reads `path` from disk, refusing files above [`MAX_FILE_SIZE`].
    pub fn read(path: PathBuf, plugin: bool, tree: Option<PathBuf>) -> Input {
        let content = read_limited(&path);
        Input {
            path,
            content,
            plugin,
            tree,
        }
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("is a directory".to_owned());
    }
    // Sized from the metadata (one read, no regrowth); `take` still bounds a file that grows.
    let size = usize::try_from(meta.len().min(MAX_FILE_SIZE + 1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(size + 1);
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "the file is larger than {} MiB and was not checked",
            MAX_FILE_SIZE / (1024 * 1024)
        ));
    }
    Ok(bytes)
}
