//! Self-protection: the files and the program enforcement stands on, kept out of the governed
//! agent's reach.
//!
//! Pure: the caller names the protected locations (project, bundle, state directory, the
//! agentspec binary) and gives a function that resolves symbolic links; [`Protected::check`]
//! says why an action would change one of them, or run agentspec itself. Paths are matched two
//! ways: resolved against the working directory (and the `cd`s before them) to an absolute
//! path compared with the protected roots, and by their components anywhere in the path
//! (`.claude/settings.json`, `.git/hooks`, ...), which also catches other checkouts and paths
//! whose directory is not known. Glob patterns count for every name they can match.

use std::path::{Component, Path, PathBuf};

use super::decide::Action;
use super::shell::programs::{self, READ_ONLY, component_can_be};
use super::shell::words::{Word, WordKind};
use super::shell::{self, Analysis};

/// Component sequences that are protected wherever they appear, with what they are: agentspec's
/// own and git's. A host adds its own ([`HostFiles`]).
const PATTERNS: &[(&[&str], &str)] = &[
    (&[".agentspec"], "the agentspec bundle and its files"),
    (&["agentspec.toml"], "agentspec's configuration"),
    (&[".git", "hooks"], "git's hooks"),
    (&[".git", "config"], "git's configuration"),
    (&[".git", "config.worktree"], "git's configuration"),
    (&[".gitconfig"], "git's user configuration"),
    (&[".config", "git", "config"], "git's user configuration"),
];

/// Names of protected files and folders, and samples of the files inside them, to test a
/// name pattern against; a host adds its own.
const PROTECTED_NAMES: &[&str] = &[
    ".agentspec",
    "bundle",
    "manifest.json",
    "agent.json",
    "agentspec.toml",
    ".git",
    "hooks",
    "pre-commit",
    "config",
    "agentspec",
    "audit.jsonl",
];

/// What the agent host keeps within the agent's reach and runs or reads outside its sandbox:
/// its settings (the hooks), agent definitions, MCP configuration. The host adapter names them;
/// the policy names no host.
#[derive(Debug, Clone, Default)]
pub struct HostFiles {
    /// Component sequences protected wherever they appear (`.claude/settings.json`), with what
    /// they are.
    pub patterns: Vec<(Vec<String>, String)>,
    /// Paths under the user's home folder, with what they are.
    pub home: Vec<(String, String)>,
    /// Names (and samples of names inside them) a name pattern is tested against.
    pub names: Vec<String>,
    /// Text that marks code given to an interpreter as touching them.
    pub markers: Vec<String>,
}

impl HostFiles {
    /// From static tables, as a host adapter writes them.
    pub fn from_tables(
        patterns: &[(&[&str], &str)],
        home: &[(&str, &str)],
        names: &[&str],
        markers: &[&str],
    ) -> HostFiles {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
        HostFiles {
            patterns: patterns
                .iter()
                .map(|(p, what)| (owned(p), (*what).to_owned()))
                .collect(),
            home: home
                .iter()
                .map(|(p, what)| ((*p).to_owned(), (*what).to_owned()))
                .collect(),
            names: owned(names),
            markers: owned(markers),
        }
    }
}

/// agentspec subcommands that change nothing: the governed agent may run them.
const READ_ONLY_SUBCOMMANDS: &[&str] = &["check", "inspect", "explain", "schema", "help"];

/// Whether a copy takes whole folders (`cp -r`, `cp -a`, `rsync -a`, `scp -r`): what it writes
/// under the destination is not known from the sources' names.
fn copies_folders(program: &str, args: &[Word]) -> bool {
    let short: &[char] = match program {
        "cp" => &['r', 'R', 'a'],
        "rsync" => &['r', 'a'],
        "scp" => &['r'],
        _ => return false,
    };
    args.iter().take_while(|w| w.text != "--").any(|w| {
        let t = w.text.as_str();
        matches!(t, "--recursive" | "--archive")
            || (t.starts_with('-') && !t.starts_with("--") && t[1..].contains(short))
    })
}

/// Programs whose every operand is something they remove or change in place.
const CHANGES_OPERANDS: &[&str] = &[
    "rm", "unlink", "rmdir", "shred", "truncate", "touch", "chmod", "chown", "chgrp", "chattr",
    "setfacl",
];

/// Programs whose last operand (or `-t DIR`) is where they write; the others are read.
const COPIES: &[&str] = &["cp", "install", "rsync", "scp"];

/// git subcommands that write files of the work tree or git's own files named on the command
/// line.
const GIT_WRITES: &[&str] = &[
    "checkout", "restore", "rm", "mv", "apply", "am", "stash", "reset", "clean", "switch",
    "worktree",
];

/// git subcommands that may rewrite files of the work tree, besides [`GIT_WRITES`].
const GIT_UPDATES_WORK_TREE: &[&str] = &[
    "read-tree",
    "checkout-index",
    "merge",
    "pull",
    "rebase",
    "cherry-pick",
    "revert",
    "sparse-checkout",
    "submodule",
    "init",
    "clone",
    "config",
    "update-index",
    "bisect",
];

/// Environment variables whose value is known well enough to place a path.
const TEMPORARY: &[&str] = &["TMPDIR", "TMP", "TEMP", "RUNNER_TEMP"];

/// What the check needs to know of the machine, given by the caller (the runner reads the
/// file system and git; tests give fixed answers).
pub trait Probe {
    /// An absolute path with the symbolic links of its existing part followed.
    fn resolve(&self, path: &Path) -> PathBuf;
    /// The text of a file the command reads (a patch), if it can be read.
    fn read(&self, path: &Path) -> Option<String>;
    /// Which of the protected files in the repository at `dir` git would change: modified
    /// tracked files, untracked files, ignored files.
    fn uncommitted(&self, dir: &Path) -> Uncommitted;
    /// Whether `name` is a commit (or stash) whose protected files differ from the work
    /// tree's in the repository at `dir`; `false` when it names no commit (a new branch, a
    /// path).
    fn differs(&self, dir: &Path, name: &str) -> bool;
    /// Whether the commit `name` holds any protected file at all (a stash's untracked files,
    /// which `git stash pop` writes); `false` when it names no commit.
    fn holds(&self, dir: &Path, name: &str) -> bool;
}

/// Protected files that differ from the last commit, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uncommitted {
    pub modified: bool,
    pub untracked: bool,
    pub ignored: bool,
}

/// How an operation touches a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Touch {
    /// It writes the path (or into it, when it is a folder).
    Write,
    /// It removes, moves, links or changes the path with everything below it: a folder that
    /// holds a protected file counts too.
    Remove,
}

/// One protected location.
#[derive(Debug, Clone)]
struct Root {
    path: PathBuf,
    what: String,
}

/// The locations enforcement stands on.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    roots: Vec<Root>,
    /// [`PATTERNS`] and the host's.
    patterns: Vec<(Vec<String>, String)>,
    /// [`PROTECTED_NAMES`] and the host's.
    names: Vec<String>,
    home: Option<PathBuf>,
    /// The agentspec binary the hooks run.
    binary: Option<PathBuf>,
    /// Text that marks code given to an interpreter as touching agentspec's files.
    markers: Vec<String>,
}

impl Protected {
    /// The locations of a project: its settings, agent files, configuration, git hooks and
    /// configuration, the bundle, the runner's state directory and the binary.
    pub fn new(
        project: &Path,
        bundle: &Path,
        state: &Path,
        binary: Option<&Path>,
        home: Option<&Path>,
        host: &HostFiles,
    ) -> Protected {
        let patterns: Vec<(Vec<String>, String)> = host
            .patterns
            .iter()
            .cloned()
            .chain(PATTERNS.iter().map(|(p, what)| {
                (
                    p.iter().map(|c| (*c).to_owned()).collect(),
                    (*what).to_owned(),
                )
            }))
            .collect();
        let names = host
            .names
            .iter()
            .cloned()
            .chain(PROTECTED_NAMES.iter().map(|n| (*n).to_owned()))
            .collect();
        let mut roots = vec![
            Root {
                path: normalize(bundle),
                what: "the agentspec bundle".to_owned(),
            },
            Root {
                path: normalize(state),
                what: "the runner's state and audit log".to_owned(),
            },
        ];
        for (pattern, what) in &patterns {
            let mut path = normalize(project);
            path.extend(pattern.iter());
            roots.push(Root {
                path,
                what: what.clone(),
            });
        }
        if let Some(home) = home {
            for (name, what) in &host.home {
                roots.push(Root {
                    path: normalize(&home.join(name)),
                    what: what.clone(),
                });
            }
            // What runs outside the sandbox later: the host's own configuration (above), the
            // shell startup files a host's shell snapshot reads, ssh's configuration (a
            // `ProxyCommand` runs when the runner pushes) and the forges' command-line tools
            // (their aliases run when the runner merges).
            for (name, what) in [
                (".ssh", "ssh's keys and configuration"),
                (".config/gh", "GitHub CLI's configuration"),
                (".config/glab-cli", "GitLab CLI's configuration"),
                (".bashrc", "a shell startup file"),
                (".bash_profile", "a shell startup file"),
                (".bash_login", "a shell startup file"),
                (".profile", "a shell startup file"),
                (".zshrc", "a shell startup file"),
                (".zprofile", "a shell startup file"),
                (".zshenv", "a shell startup file"),
            ] {
                roots.push(Root {
                    path: normalize(&home.join(name)),
                    what: what.to_owned(),
                });
            }
        }
        roots.push(Root {
            path: PathBuf::from("/etc/gitconfig"),
            what: "git's system configuration".to_owned(),
        });
        if let Some(binary) = binary {
            roots.push(Root {
                path: normalize(binary),
                what: "the agentspec binary".to_owned(),
            });
        }
        let mut markers = host.markers.clone();
        markers.extend([
            "agentspec".to_owned(),
            ".git/hooks".to_owned(),
            ".git/config".to_owned(),
            "hooksPath".to_owned(),
        ]);
        markers.push(state.display().to_string());
        markers.push(bundle.display().to_string());
        Protected {
            roots,
            patterns,
            names,
            home: home.map(normalize),
            binary: binary.map(normalize),
            markers,
        }
    }

    /// Protects `paths` too, each described as `what`.
    pub fn also(&mut self, paths: &[PathBuf], what: &str) {
        for path in paths {
            let path = normalize(path);
            if !self.roots.iter().any(|r| r.path == path) {
                self.roots.push(Root {
                    path,
                    what: what.to_owned(),
                });
            }
        }
    }

    /// Why `action`, run in `cwd`, would change a protected location or run agentspec; `None`
    /// when it does neither.
    pub fn check(&self, action: &Action, cwd: &Path, probe: &dyn Probe) -> Option<String> {
        let ctx = Context {
            protected: self,
            cwd,
            probe,
            left: std::cell::Cell::new(MAX_CHECKED),
        };
        match action {
            Action::Edit { path } => ctx
                .touches(&Word::literal(path.clone()), &[], Touch::Write)
                .map(|what| format!("`{path}` is {what}")),
            Action::Shell { command } => ctx.shell(command),
            Action::Spawn { .. } | Action::Other { .. } => None,
        }
    }
}

struct Context<'a> {
    protected: &'a Protected,
    cwd: &'a Path,
    probe: &'a dyn Probe,
    /// Paths still to check before the command counts as too large to check (which fails
    /// closed): 300 `eval` words of 6 KB each took seconds.
    left: std::cell::Cell<usize>,
}

/// The most words one command may have checked as paths.
const MAX_CHECKED: usize = 2_000;

impl Context<'_> {
    fn shell(&self, text: &str) -> Option<String> {
        let analysis = shell::analyze(text);
        for target in &analysis.write_targets {
            if let Some(what) = self.touches(&target.path, &target.cd, Touch::Write) {
                return Some(format!("the command writes `{}`, {what}", target.path.text));
            }
        }
        // A command that makes files from content agentspec does not see (a patch, an
        // archive) or links may not share its text with others that could write through them.
        let alone = analysis.commands.len() <= 1 && analysis.write_targets.is_empty();
        let mut read_only = Vec::new();
        for command in &analysis.commands {
            if let Some(reason) = self.command(command, alone) {
                return Some(reason);
            }
            let program = command.program.as_deref().unwrap_or("");
            let args = command.argv.get(1..).unwrap_or(&[]);
            if matches!(
                self.runs_agentspec(command, program, args),
                Agentspec::ReadOnly
            ) {
                read_only.push(command.text.as_str());
            }
        }
        self.opaque(&analysis, text, &read_only)
    }

    /// Code agentspec cannot see into that names agentspec's files or the program.
    fn opaque(&self, analysis: &Analysis, text: &str, read_only: &[&str]) -> Option<String> {
        // agentspec run by its path reads as a script file: not opaque when it only checks.
        let opaque = analysis.opaque.iter().find(|o| {
            !read_only
                .iter()
                .any(|r| o.construct.contains(r) || r.contains(&o.construct))
        })?;
        let lower = text.to_ascii_lowercase();
        let marker = self
            .protected
            .markers
            .iter()
            .find(|m| !m.is_empty() && lower.contains(&m.to_ascii_lowercase()))?;
        Some(format!(
            "agentspec cannot see what this command runs ({}: `{}`) and it mentions `{marker}`, which enforcement depends on",
            opaque.reason, opaque.construct
        ))
    }

    fn command(&self, command: &shell::Command, alone: bool) -> Option<String> {
        let program = command.program.as_deref().unwrap_or("");
        let args = command.argv.get(1..).unwrap_or(&[]);
        match self.runs_agentspec(command, program, args) {
            Agentspec::Refused(reason) => return Some(reason),
            Agentspec::ReadOnly => return None,
            Agentspec::Not => {}
        }
        if command.extra_args
            && !command.wrappers.iter().any(|w| w == "find")
            && self.changes_files(command, program)
        {
            let wrapper = command.wrappers.last().map_or("xargs", String::as_str);
            return Some(format!(
                "`{wrapper}` gives `{program}` paths only known at run time (from its input), which could be agentspec's files; name the files in the command"
            ));
        }
        let operands: Vec<&Word> = operands(args);
        // `find -exec rm {} ;`: find puts each path it found in place of `{}`, and the find
        // command itself is checked with its starting points and name filters.
        let from_find = command.wrappers.iter().any(|w| w == "find");
        let found = |word: &Word, touch: Touch| {
            if from_find && word.text == "{}" {
                return None;
            }
            self.touches(word, &command.cd, touch)
                .map(|what| format!("`{program}` changes `{}`, {what}", word.text))
        };
        if program == "ln" || program == "link" {
            return self.link(command, &operands, alone);
        }
        if program == "patch" {
            if let Some(r) = option_values(args, &["-d", "--directory"])
                .iter()
                .find_map(|d| self.touches(d, &command.cd, Touch::Remove))
            {
                return Some(format!(
                    "`patch -d` applies the patch in a folder that holds {r}"
                ));
            }
            let files: Vec<Word> = option_value(args, &["-i", "--input"]).into_iter().collect();
            return self.patch(command, &files, alone);
        }
        if let Some(why) = extraction_escapes(program, args) {
            return Some(why);
        }
        if let Some(dirs) = extraction(program, args) {
            return self.extraction(command, program, &dirs, alone);
        }
        if CHANGES_OPERANDS.contains(&program) || program == "mv" {
            // `mv` takes its sources away and writes its target.
            let last = operands.len().saturating_sub(1);
            for (i, word) in operands.iter().enumerate() {
                if program == "mv" && i == last && operands.len() > 1 {
                    if let Some(r) = self.destination(command, word, &operands[..last]) {
                        return Some(r);
                    }
                } else if let Some(r) = found(word, Touch::Remove) {
                    return Some(r);
                }
            }
            return None;
        }
        if COPIES.contains(&program) {
            // A copy that links (`cp -l`, `cp -s`, `rsync --link-dest`) gives the source a
            // second name that writes reach: checked like `ln`.
            if let Some(r) = self.linking_copy(command, program, args, &operands, alone) {
                return Some(r);
            }
            let target = option_value(args, &["-t", "--target-directory"]);
            let (sources, destination): (&[&Word], Option<&Word>) = match target.as_ref() {
                Some(dir) => (&operands[..], Some(dir)),
                None => match operands.split_last() {
                    Some((last, rest)) if !rest.is_empty() => (rest, Some(*last)),
                    _ => (&operands[..], None),
                },
            };
            if let Some(d) = destination
                && copies_folders(program, args)
                && let Some(what) = self.touches(d, &command.cd, Touch::Remove)
            {
                // A folder's contents go anywhere under the destination: one that holds a
                // protected file is written whatever the sources are called.
                return Some(format!(
                    "`{program}` copies folders into `{}`, which holds {what}",
                    d.text
                ));
            }
            return destination.and_then(|d| self.destination(command, d, sources));
        }
        if let Some(why) = installs_git_hooks(program, args) {
            return Some(why);
        }
        match program {
            "tee" => {
                return operands.iter().find_map(|w| found(w, Touch::Write));
            }
            "sed" | "gsed" | "perl" | "ruby"
                if args
                    .iter()
                    .any(|w| w.text.starts_with("-i") || w.text.starts_with("--in-place")) =>
            {
                // sed's first operand is its script, unless `-e` or `-f` gives it.
                let script_given = args.iter().any(|w| {
                    matches!(w.text.as_str(), "-e" | "-f")
                        || programs::option_is(&w.text, "--expression")
                        || programs::option_is(&w.text, "--file")
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && w.text[1..].contains(['e', 'f']))
                });
                let skip = usize::from(matches!(program, "sed" | "gsed") && !script_given);
                return operands
                    .iter()
                    .skip(skip)
                    .find_map(|w| found(w, Touch::Write));
            }
            "dd" => {
                return args
                    .iter()
                    .filter_map(|w| w.text.strip_prefix("of="))
                    .find_map(|p| found(&Word::literal(p), Touch::Write));
            }
            "git" => return self.git(command, args, alone),
            "find"
                if args.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "-delete"
                            | "-exec"
                            | "-execdir"
                            | "-ok"
                            | "-okdir"
                            | "-fprint"
                            | "-fprint0"
                            | "-fprintf"
                            | "-fls"
                    )
                }) =>
            {
                // The files it prints into.
                let outputs: Vec<&Word> = args
                    .windows(2)
                    .filter(|w| {
                        matches!(
                            w[0].text.as_str(),
                            "-fprint" | "-fprint0" | "-fprintf" | "-fls"
                        )
                    })
                    .map(|w| &w[1])
                    .collect();
                if let Some(r) = outputs.iter().find_map(|w| found(w, Touch::Write)) {
                    return Some(r);
                }
                // What it deletes or runs on lies anywhere below its starting points, unless
                // a name filter leaves out every protected name.
                let filters: Vec<&str> = args
                    .windows(2)
                    .filter(|w| matches!(w[0].text.as_str(), "-name" | "-iname"))
                    .map(|w| w[1].text.as_str())
                    .collect();
                let spares = !filters.is_empty()
                    && args.iter().all(|w| {
                        !matches!(
                            w.text.as_str(),
                            "-o" | "-or" | "-path" | "-wholename" | "-regex"
                        )
                    })
                    && filters
                        .iter()
                        .all(|f| !self.protected.names.iter().any(|n| component_can_be(f, n)));
                if spares {
                    return None;
                }
                return args
                    .iter()
                    .take_while(|w| !w.text.starts_with(['-', '(', '!']))
                    .find_map(|w| found(w, Touch::Remove));
            }
            // Without an action that deletes, runs or prints into a file, `find` only reads.
            "find" => return None,
            _ => {}
        }
        if READ_ONLY.contains(&program) && program != "git" {
            return None;
        }
        // Any other program pointed at a protected file may change it (an editor, a
        // formatter, an archive tool, a script, `sort -o`, `sed 'w FILE'`, awk's `print >`):
        // the argument, an option's value, or a word of a script given inline. Parts only
        // known at run time count when they expand to a known place.
        // A quoted pattern is given to the program as written: its `*` and `?` only match
        // files when the program expands patterns itself (a linter, a formatter), and then
        // only below the folder written before the first wildcard.
        let expands_patterns = std::iter::once(program)
            .chain(args.iter().map(|w| programs::base_name(&w.text)))
            .any(|p| PATTERN_PROGRAMS.contains(&p));
        args.iter()
            .flat_map(|arg| {
                let quoted = arg.kind == WordKind::Literal;
                pieces(arg).into_iter().map(move |w| (quoted, w))
            })
            .filter(|(quoted, w)| {
                !(*quoted && w.text.contains(['*', '?', '[']))
                    || (expands_patterns && self.pattern_reaches(w, &command.cd))
            })
            .map(|(_, w)| w)
            .filter(|w| w.kind != WordKind::Dynamic || self.expand(&w.text).is_some())
            .find_map(|w| {
                self.touches(&w, &command.cd, Touch::Write).map(|what| {
                    format!(
                        "`{program}` is given `{}`, {what}; only the user changes it",
                        w.text
                    )
                })
            })
    }

    /// Whether a pattern a program expands itself can name a protected file: the folder
    /// written before its first wildcard holds one.
    fn pattern_reaches(&self, word: &Word, cd: &[Word]) -> bool {
        let mut folder: Vec<&str> = Vec::new();
        for part in word.text.split('/') {
            if part.contains(['*', '?', '[']) {
                break;
            }
            folder.push(part);
        }
        let folder = if folder.is_empty() || folder == [""] && !word.text.starts_with('/') {
            ".".to_owned()
        } else {
            folder.join("/")
        };
        self.touches(&Word::literal(folder), cd, Touch::Remove)
            .is_some()
    }

    /// The destination of a copy or move: the folder itself, or each source's name in it.
    fn destination(
        &self,
        command: &shell::Command,
        destination: &Word,
        sources: &[&Word],
    ) -> Option<String> {
        let program = command.program.as_deref().unwrap_or("");
        let report = |path: &str, what: String| format!("`{program}` writes `{path}`, {what}");
        if let Some(what) = self.touches(destination, &command.cd, Touch::Write) {
            return Some(report(&destination.text, what));
        }
        for source in sources {
            let name = source
                .text
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            if name.is_empty() {
                continue;
            }
            let inside = Word {
                text: format!("{}/{name}", destination.text.trim_end_matches('/')),
                kind: if source.kind == WordKind::Dynamic {
                    WordKind::Dynamic
                } else {
                    destination.kind
                },
            };
            if let Some(what) = self.touches(&inside, &command.cd, Touch::Write) {
                return Some(report(&inside.text, what));
            }
        }
        None
    }

    fn git(&self, command: &shell::Command, args: &[Word], alone: bool) -> Option<String> {
        let invocation = command.git.as_ref()?;
        let sub = invocation.subcommand.as_deref().unwrap_or("");
        let rest: Vec<&Word> = args.iter().skip_while(|w| w.text != sub).skip(1).collect();
        // `git -C DIR` resolves paths from DIR.
        let moved;
        let command = if invocation.location.iter().any(|(name, _)| name == "-C") {
            let mut c = command.clone();
            c.cd.extend(
                invocation
                    .location
                    .iter()
                    .filter(|(name, _)| name == "-C")
                    .map(|(_, w)| w.clone()),
            );
            moved = c;
            &moved
        } else {
            command
        };
        let report = |w: &Word, what: String| format!("`git {sub}` writes `{}`, {what}", w.text);
        // Another work tree or repository: pathspecs and checks are no longer relative to
        // the one agentspec looks at.
        let elsewhere = invocation
            .location
            .iter()
            .filter(|(name, _)| name != "-C")
            .map(|(_, w)| w)
            .chain(
                command
                    .assignments
                    .iter()
                    .filter(|(name, _)| {
                        matches!(
                            name.as_str(),
                            "GIT_WORK_TREE" | "GIT_DIR" | "GIT_INDEX_FILE"
                        )
                    })
                    .map(|(_, w)| w),
            );
        if GIT_WRITES.contains(&sub) || GIT_UPDATES_WORK_TREE.contains(&sub) {
            for w in elsewhere {
                if let Some(what) = self.touches(w, &command.cd, Touch::Remove) {
                    return Some(format!(
                        "`git {sub}` with another repository or work tree (`{}`) writes files agentspec cannot place, in a folder that holds {what}; run git in the work tree itself",
                        w.text
                    ));
                }
            }
        }
        // Files named by an option: `log --output`, `format-patch -o`, `archive -o`,
        // `checkout-index --prefix`, `init --separate-git-dir`, `bundle create FILE`.
        let mut outputs = option_values(args, &["--output"]);
        match sub {
            "format-patch" => outputs.extend(option_values(args, &["-o", "--output-directory"])),
            "archive" => outputs.extend(option_values(args, &["-o"])),
            "init" | "clone" => {
                outputs.extend(option_values(args, &["--separate-git-dir", "--template"]))
            }
            "bundle" if rest.first().is_some_and(|w| w.text == "create") => {
                outputs.extend(operands_of(&rest).get(1).map(|w| (*w).clone()))
            }
            _ => {}
        }
        if let Some(r) = outputs.iter().find_map(|w| {
            self.touches(w, &command.cd, Touch::Write)
                .map(|what| report(w, what))
        }) {
            return Some(r);
        }
        if sub == "checkout-index"
            && let Some(r) = option_values(args, &["--prefix"]).iter().find_map(|w| {
                self.touches(w, &command.cd, Touch::Remove)
                    .map(|what| report(w, what))
            })
        {
            return Some(r);
        }
        // A repository made or made again where agentspec's files are (templates copy hooks
        // into `.git/hooks`), or a clone into such a folder.
        if matches!(sub, "init" | "clone") {
            let operands = operands_of(&rest);
            let target = match sub {
                "init" => operands.first().copied(),
                _ => operands.get(1).copied(),
            };
            let here = Word::literal(".");
            let target = target.unwrap_or(&here);
            if let Some(what) = self.touches(target, &command.cd, Touch::Remove) {
                return Some(format!(
                    "`git {sub}` makes a repository in `{}`, which holds {what}",
                    target.text
                ));
            }
        }
        if matches!(sub, "apply" | "am") {
            let all: Vec<Word> = rest.iter().map(|w| (*w).clone()).collect();
            if option_values(&all, &["--directory"]).iter().any(|d| {
                // The patch's paths are placed under the folder: it holds or is protected.
                self.touches(d, &command.cd, Touch::Remove).is_some()
            }) || rest.iter().any(|w| w.text == "--unsafe-paths")
            {
                return Some(format!(
                    "`git {sub} --directory` places the patch's files in a folder that holds agentspec's files or the host's settings"
                ));
            }
            let files: Vec<Word> = operands_of(&rest).into_iter().cloned().collect();
            return self.patch(command, &files, alone);
        }
        if let Some(reason) = self.discards(command, sub, &rest) {
            return Some(reason);
        }
        if let Some(reason) = self.brings_in(command, sub, &rest) {
            return Some(reason);
        }
        if sub == "config" {
            return self.git_config(command, &rest);
        }
        if sub == "maintenance"
            && rest
                .iter()
                .map(|w| w.text.as_str())
                .find(|a| !a.starts_with('-'))
                .is_some_and(|a| matches!(a, "register" | "unregister" | "start" | "stop"))
        {
            return Some(
                "`git maintenance` writes git's configuration (the user's and the repository's)"
                    .to_owned(),
            );
        }
        if !GIT_WRITES.contains(&sub) {
            return None;
        }
        if let Some(r) = self.pathspecs(command, sub, &rest) {
            return Some(r);
        }
        rest.iter().find_map(|w| {
            self.touches(w, &command.cd, Touch::Remove)
                .map(|what| format!("`git {sub}` changes `{}`, {what}", w.text))
        })
    }

    /// git's own pathspec syntax: magic (`:/`, `:!x`, `:(icase)`, `:(glob)`) can name any
    /// file of the repository, and a wildcard matches across folders (`*.md` matches
    /// `.claude/agents/a.md`), so a wildcard stands for the folder before it; paths read from
    /// a file are unknown.
    fn pathspecs(&self, command: &shell::Command, sub: &str, rest: &[&Word]) -> Option<String> {
        if rest
            .iter()
            .any(|w| programs::option_is(&w.text, "--pathspec-from-file"))
        {
            return Some(format!(
                "`git {sub} --pathspec-from-file` changes paths agentspec cannot see; name them in the command"
            ));
        }
        for w in rest {
            if w.text.starts_with(':') && w.text.len() > 1 {
                return Some(format!(
                    "`git {sub}` is given the pathspec `{}`, whose magic can name agentspec's files or the host's settings; name the paths plainly",
                    w.text
                ));
            }
            if w.text.starts_with('-') {
                continue;
            }
            if let Some(at) = w.text.find(['*', '?', '[']) {
                let folder = w.text[..at].rsplit_once('/').map_or(".", |(dir, _)| dir);
                let folder = if folder.is_empty() { "/" } else { folder };
                if let Some(what) = self.touches(&Word::literal(folder), &command.cd, Touch::Remove)
                {
                    return Some(format!(
                        "`git {sub}` is given `{}`, and git's wildcards match across folders: it can change {what}",
                        w.text
                    ));
                }
            }
        }
        None
    }

    /// `git config`: reading is free; writing git's configuration files is not (they name
    /// the hooks folder, programs git runs, and the user that commits). `--file` elsewhere is.
    fn git_config(&self, command: &shell::Command, rest: &[&Word]) -> Option<String> {
        let has = |names: &[&str]| {
            rest.iter()
                .any(|w| names.iter().any(|o| programs::option_is(&w.text, o)))
        };
        let operands = operands_of(rest);
        let action = operands.first().map(|w| w.text.as_str()).unwrap_or("");
        let writes = has(&[
            "--unset",
            "--unset-all",
            "--add",
            "--replace-all",
            "--remove-section",
            "--rename-section",
            "--edit",
        ]) || rest.iter().any(|w| w.text == "-e")
            || matches!(
                action,
                "set" | "unset" | "edit" | "rename-section" | "remove-section"
            )
            || (!matches!(action, "get" | "list") && operands.len() >= 2);
        if !writes || has(&["--blob"]) {
            return None;
        }
        let all: Vec<Word> = rest.iter().map(|w| (*w).clone()).collect();
        let files = option_values(&all, &["--file", "-f"]);
        if files.is_empty() {
            return Some(
                "`git config` changes git's configuration, which git's hooks and enforcement depend on; only the user changes it"
                    .to_owned(),
            );
        }
        files.iter().find_map(|w| {
            self.touches(w, &command.cd, Touch::Write)
                .map(|what| format!("`git config` changes `{}`, {what}", w.text))
        })
    }

    /// `ln`: the link's name is written; its target may not be a protected file, nor a folder
    /// that holds one when the same command goes on (it could write through the link).
    fn link(&self, command: &shell::Command, operands: &[&Word], alone: bool) -> Option<String> {
        let (targets, name): (&[&Word], Option<&Word>) = match operands.split_last() {
            Some((last, rest)) if !rest.is_empty() => (rest, Some(*last)),
            _ => (operands, None),
        };
        if let Some(name) = name
            && let Some(what) = self.touches(name, &command.cd, Touch::Write)
        {
            return Some(format!("`ln` makes `{}`, {what}", name.text));
        }
        for target in targets {
            if let Some(what) = self.touches(target, &command.cd, Touch::Write) {
                return Some(format!("`ln` links to `{}`, {what}", target.text));
            }
            if !alone && let Some(what) = self.touches(target, &command.cd, Touch::Remove) {
                return Some(format!(
                    "`ln` links to `{}`, which holds {what}, and the command goes on (it could write through the link); run `ln` on its own",
                    target.text
                ));
            }
        }
        None
    }

    /// Whether a program may change the files it is given: anything but the read-only
    /// programs and git's subcommands that leave the work tree and git's files alone.
    fn changes_files(&self, command: &shell::Command, program: &str) -> bool {
        if program == "git" {
            let sub = command
                .git
                .as_ref()
                .and_then(|g| g.subcommand.as_deref())
                .unwrap_or("");
            return GIT_WRITES.contains(&sub) || GIT_UPDATES_WORK_TREE.contains(&sub);
        }
        !READ_ONLY.contains(&program)
    }

    /// `cp -l`/`--link`, `cp -s`/`--symbolic-link` (alone or among short flags, as in `-al`)
    /// and `rsync --link-dest DIR`: the sources, or the folder linked from, are checked as
    /// `ln` checks what it links to.
    fn linking_copy(
        &self,
        command: &shell::Command,
        program: &str,
        args: &[Word],
        operands: &[&Word],
        alone: bool,
    ) -> Option<String> {
        if program == "rsync" {
            let linked = option_values(args, &["--link-dest", "--copy-dest", "--compare-dest"]);
            let words: Vec<&Word> = linked.iter().collect();
            return self.link_targets(command, program, &words, true);
        }
        if program != "cp" {
            return None;
        }
        let flags: Vec<&str> = args
            .iter()
            .take_while(|w| w.text != "--")
            .map(|w| w.text.as_str())
            .collect();
        let short = |c: char| {
            flags
                .iter()
                .any(|f| f.starts_with('-') && !f.starts_with("--") && f[1..].contains(c))
        };
        let hard = short('l') || flags.contains(&"--link");
        if !hard && !short('s') && !flags.contains(&"--symbolic-link") {
            return None;
        }
        let target = option_value(args, &["-t", "--target-directory"]);
        let sources: Vec<&Word> = match target {
            Some(_) => operands.to_vec(),
            None => operands
                .split_last()
                .map(|(_, rest)| rest.to_vec())
                .unwrap_or_default(),
        };
        // Hard links to files in a folder stay writable after the command: refused even
        // when the copy runs on its own.
        self.link_targets(command, program, &sources, !alone || hard)
    }

    fn link_targets(
        &self,
        command: &shell::Command,
        program: &str,
        targets: &[&Word],
        holding: bool,
    ) -> Option<String> {
        for target in targets {
            if let Some(what) = self.touches(target, &command.cd, Touch::Write) {
                return Some(format!(
                    "`{program}` links to `{}`, {what}; a write through the link would change it",
                    target.text
                ));
            }
            if holding && let Some(what) = self.touches(target, &command.cd, Touch::Remove) {
                return Some(format!(
                    "`{program}` links to `{}`, which holds {what}; a write through the links would change it",
                    target.text
                ));
            }
        }
        None
    }

    /// A patch (`git apply`, `git am`, `patch`): every file it names is read; one that changes
    /// a protected file or makes a symbolic link is refused, and so is a patch agentspec
    /// cannot read.
    fn patch(&self, command: &shell::Command, files: &[Word], alone: bool) -> Option<String> {
        let program = command.argv_text();
        if !alone {
            return Some(format!(
                "`{program}` makes files agentspec only sees by reading the patch, and the command goes on; run it on its own"
            ));
        }
        if files.is_empty() {
            return Some(format!(
                "`{program}` reads its patch from standard input, which agentspec cannot read; give the patch file as an argument"
            ));
        }
        for file in files {
            let text = absolute(self.cwd, &command.cd, &file.text)
                .filter(|_| file.kind != WordKind::Dynamic)
                .and_then(|p| self.probe.read(&p));
            let Some(text) = text else {
                return Some(format!(
                    "agentspec cannot read the patch `{}` to see what it changes",
                    file.text
                ));
            };
            for line in text.lines() {
                if line.contains(" 120000")
                    && (line.starts_with("new ")
                        || line.starts_with("index ")
                        || line.starts_with("old mode")
                        || line.starts_with("deleted file mode"))
                {
                    return Some(format!(
                        "the patch `{}` makes a symbolic link; make links with `ln`, which agentspec can check",
                        file.text
                    ));
                }
                for path in patch_paths(line) {
                    // With and without the `a/`, `b/` prefix git and `patch -p1` strip.
                    let stripped = path.split_once('/').map_or(path, |(_, rest)| rest);
                    for candidate in [path, stripped] {
                        if let Some(what) =
                            self.touches(&Word::literal(candidate), &command.cd, Touch::Remove)
                        {
                            return Some(format!(
                                "the patch `{}` changes `{candidate}`, {what}",
                                file.text
                            ));
                        }
                    }
                }
            }
        }
        None
    }

    /// An archive unpacked (`tar -x`, `unzip`, ...): not into a folder that holds protected
    /// files, and not followed by other commands.
    fn extraction(
        &self,
        command: &shell::Command,
        program: &str,
        dirs: &[Word],
        alone: bool,
    ) -> Option<String> {
        if !alone {
            return Some(format!(
                "`{program}` unpacks files and links agentspec cannot see, and the command goes on; run it on its own"
            ));
        }
        let here = [Word::literal(".")];
        let dirs = if dirs.is_empty() { &here[..] } else { dirs };
        dirs.iter().find_map(|dir| {
            self.touches(dir, &command.cd, Touch::Remove).map(|what| {
                format!(
                    "`{program}` unpacks an archive into `{}`, which holds {what}; unpack it into a subfolder",
                    dir.text
                )
            })
        })
    }

    /// git commands that write another commit's, the index's or a stash's files into the work
    /// tree: refused when that content differs from the work tree in agentspec's files or
    /// the host's settings (the agent can make any commit or index with `git hash-object`,
    /// `git commit-tree` or `git update-index`).
    fn brings_in(&self, command: &shell::Command, sub: &str, rest: &[&Word]) -> Option<String> {
        let flag = |names: &[&str]| rest.iter().any(|w| names.contains(&w.text.as_str()));
        let short = |c: char| {
            rest.iter()
                .any(|w| w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains(c))
        };
        match sub {
            "checkout-index" if flag(&["-a", "--all", "--stdin"]) || short('a') => {
                return Some("`git checkout-index --all` writes every file the index holds, agentspec's and the host's settings among them; check out the paths you need by name".to_owned());
            }
            "read-tree" if flag(&["-u"]) || short('u') => {
                return Some("`git read-tree -u` writes a whole tree into the work tree, agentspec's and the host's settings among them".to_owned());
            }
            _ => {}
        }
        let reset_writes = sub == "reset" && flag(&["--hard", "--keep", "--merge"]);
        let stash_applies = sub == "stash"
            && rest
                .first()
                .is_some_and(|w| matches!(w.text.as_str(), "pop" | "apply" | "branch"));
        let takes_commits = matches!(
            sub,
            "checkout" | "switch" | "merge" | "cherry-pick" | "revert" | "rebase"
        ) || reset_writes
            || stash_applies;
        if !takes_commits {
            return None;
        }
        // Paths after `--`: only they are written, and they are checked as paths.
        if matches!(sub, "checkout" | "reset") && rest.iter().any(|w| w.text == "--") {
            return None;
        }
        let words: Vec<&Word> = rest
            .iter()
            .copied()
            .take_while(|w| w.text != "--")
            .filter(|w| !w.text.starts_with('-'))
            .filter(|w| !(stash_applies && matches!(w.text.as_str(), "pop" | "apply" | "branch")))
            .collect();
        let dir = absolute(self.cwd, &command.cd, ".")?;
        let default_stash = Word::literal("stash@{0}");
        let words = if stash_applies && words.iter().all(|w| !w.text.starts_with("stash@")) {
            let mut w = words;
            w.push(&default_stash);
            w
        } else {
            words
        };
        for word in words {
            let Some(text) = word.as_literal() else {
                return Some(format!(
                    "`git {sub}` is given `{}`, only known at run time, and could bring in other versions of agentspec's files or the host's settings",
                    word.text
                ));
            };
            // `revert` and `cherry-pick` apply the change between a commit and a parent:
            // both sides count.
            let mut names = vec![text.to_owned()];
            if matches!(sub, "revert" | "cherry-pick") {
                names.extend((1..=3).map(|n| format!("{text}^{n}")));
            }
            // A stash restores its untracked files too, from its third parent.
            if stash_applies && self.probe.holds(&dir, &format!("{text}^3")) {
                return Some(format!(
                    "`git {sub} {text}` would restore untracked files among agentspec's files or the host's settings (the hooks)"
                ));
            }
            if names.iter().any(|n| self.probe.differs(&dir, n)) {
                return Some(format!(
                    "`git {sub} {text}` would write a version of agentspec's files or the host's settings (the hooks) that differs from the work tree's"
                ));
            }
        }
        None
    }

    /// git commands that throw away uncommitted changes, untracked or ignored files, when
    /// protected files are among them.
    fn discards(&self, command: &shell::Command, sub: &str, rest: &[&Word]) -> Option<String> {
        let has = |names: &[&str]| {
            rest.iter().any(|w| {
                names
                    .iter()
                    .any(|n| programs::option_is(&w.text, n) || w.text == *n)
            })
        };
        let short = |c: char| {
            rest.iter()
                .any(|w| w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains(c))
        };
        let pathspecs = operands_of(rest);
        let (modified, untracked, ignored) = match sub {
            "stash" => {
                let action = pathspecs.first().map(|w| w.text.as_str());
                if !matches!(action, None | Some("push" | "save" | "-u" | "-a")) {
                    return None;
                }
                let all = has(&["--all"]) || short('a');
                (
                    true,
                    all || has(&["--include-untracked"]) || short('u'),
                    all,
                )
            }
            "reset" => (has(&["--hard", "--merge", "--keep"]), false, false),
            "clean" => (false, !has(&["-X"]), short('x') || has(&["-X"])),
            "checkout" | "switch" => (
                has(&["--force", "--discard-changes"]) || short('f'),
                false,
                false,
            ),
            "read-tree" | "checkout-index" => (true, false, false),
            _ => return None,
        };
        if !(modified || untracked || ignored) {
            return None;
        }
        // With paths, only what they name is touched (checked like any other argument).
        let named = matches!(sub, "clean" | "checkout-index")
            || (sub == "stash" && rest.iter().any(|w| w.text == "--"));
        if named && pathspecs.iter().any(|w| !w.text.is_empty()) {
            return None;
        }
        let dir = absolute(self.cwd, &command.cd, ".")?;
        let found = self.probe.uncommitted(&dir);
        let hit = (modified && found.modified)
            || (untracked && found.untracked)
            || (ignored && found.ignored);
        hit.then(|| {
            format!(
                "`git {sub}` would throw away uncommitted changes to agentspec's files or the host's settings (the hooks); commit them first, or name the paths to {sub}"
            )
        })
    }

    /// Running agentspec itself: only the host calls the hook.
    fn runs_agentspec(&self, command: &shell::Command, program: &str, args: &[Word]) -> Agentspec {
        let argv0 = command.argv.first().map(|w| w.text.as_str()).unwrap_or("");
        let is_binary = program.eq_ignore_ascii_case("agentspec")
            || self.protected.binary.as_ref().is_some_and(|b| {
                argv0.contains('/')
                    && self
                        .probe
                        .resolve(&absolute(self.cwd, &command.cd, argv0).unwrap_or_default())
                        == *b
            });
        if is_binary {
            let sub = args.iter().find(|w| !w.text.starts_with('-'));
            let read_only = match sub {
                None => true,
                Some(sub) => {
                    READ_ONLY_SUBCOMMANDS.contains(&sub.text.as_str())
                        && !args.iter().any(|w| {
                            w.text.starts_with("--fix") || w.text.starts_with("--unsafe-fixes")
                        })
                }
            };
            if !read_only {
                return Agentspec::Refused(format!(
                    "the agent may not run `agentspec {}`: the runner takes events only from the agent host, and the bundle and hooks are the user's to change",
                    sub.map(|w| w.text.as_str()).unwrap_or("")
                ));
            }
            return Agentspec::ReadOnly;
        }
        // Any program handed the hook's own arguments (`cargo run -- run hook --bundle ..`, a
        // copy of the binary under another name).
        let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
        let hook_call = texts
            .windows(2)
            .any(|pair| pair[0] == "run" && matches!(pair[1], "hook" | "git-hook" | "events"))
            && texts
                .iter()
                .any(|t| t.starts_with("--bundle") || t.starts_with("--state-dir"));
        if hook_call {
            return Agentspec::Refused(format!(
                "`{}` is given the runner's hook arguments; the runner takes events only from the agent host",
                command.argv_text()
            ));
        }
        Agentspec::Not
    }

    /// What protected location `word` (written after the `cd`s in `cd`) names, if any.
    fn touches(&self, word: &Word, cd: &[Word], touch: Touch) -> Option<String> {
        let left = self.left.get();
        if left == 0 {
            return Some(
                "one of too many words to check (the command is too large to check for agentspec's files)"
                    .to_owned(),
            );
        }
        self.left.set(left - 1);
        let text = word.text.as_str();
        if text.is_empty() || text == "/dev/null" || text.starts_with("/dev/fd/") {
            return None;
        }
        let placed = self.place(word, cd);
        let path = match placed {
            Placed::Unknown if touch == Touch::Remove || word.kind == WordKind::Dynamic => {
                return Some(format!(
                    "a path only known at run time; agentspec cannot tell it is not one of its own files ({})",
                    "write a literal path"
                ));
            }
            Placed::Unknown => None,
            Placed::Temporary => return None,
            Placed::At(path) => Some(path),
        };
        if let Some(path) = path {
            let resolved = self.probe.resolve(&path);
            for candidate in [&path, &resolved] {
                for root in &self.protected.roots {
                    if covers(candidate, &root.path, touch) {
                        return Some(root.what.clone());
                    }
                }
                if touch == Touch::Write
                    && candidate
                        .file_name()
                        .is_some_and(|n| n.eq_ignore_ascii_case("agentspec"))
                    && !candidate.is_dir()
                {
                    return Some("an agentspec binary".to_owned());
                }
            }
        }
        // Wherever it is: the same names in any checkout or folder.
        let parts: Vec<&str> = text
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        self.protected.patterns.iter().find_map(|(pattern, what)| {
            let pattern: Vec<&str> = pattern.iter().map(String::as_str).collect();
            matches_anywhere(&parts, &pattern, touch).then(|| what.clone())
        })
    }

    /// Where a word points.
    fn place(&self, word: &Word, cd: &[Word]) -> Placed {
        let text = word.text.as_str();
        let mut text = text.to_owned();
        if word.kind == WordKind::Dynamic {
            let Some(expanded) = self.expand(&text) else {
                return Placed::Unknown;
            };
            if expanded.is_empty() {
                return Placed::Temporary;
            }
            text = expanded;
        }
        match absolute(self.cwd, cd, &self.home_expanded(&text)) {
            Some(path) => Placed::At(path),
            None => Placed::Unknown,
        }
    }

    /// A dynamic path whose only expansions are well-known variables; `Some("")` for a
    /// temporary folder, `None` when it could be anywhere.
    fn expand(&self, text: &str) -> Option<String> {
        let unquoted = text.replace('"', "");
        let text = unquoted.as_str();
        let (head, rest) = match text.find('/') {
            Some(i) => (&text[..i], &text[i..]),
            None => (text, ""),
        };
        if rest.contains(['$', '`']) {
            return None;
        }
        let name = head
            .trim_start_matches('$')
            .trim_start_matches('{')
            .trim_end_matches('}');
        let name = name.split(":-").next().unwrap_or(name);
        if head.starts_with("$(mktemp") || TEMPORARY.contains(&name) {
            return Some(String::new());
        }
        match name {
            "HOME" => self
                .protected
                .home
                .as_ref()
                .map(|h| format!("{}{rest}", h.display())),
            "PWD" => Some(format!("{}{rest}", self.cwd.display())),
            _ => None,
        }
    }

    fn home_expanded(&self, text: &str) -> String {
        match (text.strip_prefix('~'), &self.protected.home) {
            (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
                format!("{}{rest}", home.display())
            }
            _ => text.to_owned(),
        }
    }
}

/// Whether a command runs agentspec.
enum Agentspec {
    Not,
    /// A subcommand that changes nothing.
    ReadOnly,
    Refused(String),
}

enum Placed {
    At(PathBuf),
    /// A temporary folder of the system.
    Temporary,
    Unknown,
}

/// The folders an archive tool unpacks into (none given: the current one), when it unpacks.
fn extraction(program: &str, args: &[Word]) -> Option<Vec<Word>> {
    let first = args.first().map(|w| w.text.as_str()).unwrap_or("");
    // Each tool's own option for the folder: `unzip -o` overwrites, `7z -o` names the folder.
    let (unpacks, options): (bool, &[&str]) = match program {
        "tar" | "bsdtar" | "gtar" => (
            args.iter().any(|w| {
                matches!(w.text.as_str(), "--extract" | "--get")
                    || (w.text.starts_with('-')
                        && !w.text.starts_with("--")
                        && w.text.contains('x'))
            }) || (!first.starts_with('-') && first.contains('x')),
            &["-C", "--directory"],
        ),
        "unzip" => (true, &["-d"]),
        "unar" => (true, &["-o", "-output-directory", "--output-directory"]),
        "cpio" => (
            args.iter().any(|w| {
                w.text == "--extract"
                    || (w.text.starts_with('-')
                        && !w.text.starts_with("--")
                        && w.text.contains('i'))
            }),
            &["-D", "--directory"],
        ),
        "7z" | "7za" | "7zr" => (matches!(first, "x" | "e"), &["-o"]),
        "jar" => (first.starts_with('x') || first.starts_with("-x"), &["-C"]),
        _ => (false, &[]),
    };
    unpacks.then(|| option_values(args, options))
}

/// The paths one line of a patch names.
fn patch_paths(line: &str) -> Vec<&str> {
    fn cut(s: &str) -> &str {
        s.split('\t').next().unwrap_or(s).trim()
    }
    if let Some(rest) = line.strip_prefix("diff --git ") {
        return rest
            .split(' ')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
    }
    for prefix in [
        "--- ",
        "+++ ",
        "rename to ",
        "rename from ",
        "copy to ",
        "copy from ",
    ] {
        if let Some(rest) = line.strip_prefix(prefix) {
            let path = cut(rest);
            return if path == "/dev/null" {
                Vec::new()
            } else {
                vec![path]
            };
        }
    }
    Vec::new()
}

/// Operands of a command: its arguments that are not options (everything after `--`).
fn operands(args: &[Word]) -> Vec<&Word> {
    let mut out = Vec::new();
    let mut options_done = false;
    for w in args {
        if !options_done && w.text == "--" {
            options_done = true;
        } else if options_done || !w.text.starts_with('-') || w.text == "-" {
            out.push(w);
        }
    }
    out
}

fn operands_of<'a>(args: &[&'a Word]) -> Vec<&'a Word> {
    args.iter()
        .copied()
        .filter(|w| !w.text.starts_with('-'))
        .collect()
}

/// An archive tool told to write outside the folder it unpacks into, or to link files it
/// only learns at run time: `tar -P`/`--absolute-names` (absolute names and hard-link
/// targets), `unzip -:` (`../` kept), `cpio -i` without `--no-absolute-filenames`, `cpio -p`
/// and `pax` with links (`-l`).
fn extraction_escapes(program: &str, args: &[Word]) -> Option<String> {
    let texts: Vec<&str> = args
        .iter()
        .take_while(|w| w.text != "--")
        .map(|w| w.text.as_str())
        .collect();
    let short = |c: char| {
        texts
            .iter()
            .any(|t| t.starts_with('-') && !t.starts_with("--") && t[1..].contains(c))
    };
    let why = match program {
        "tar" | "bsdtar" | "gtar" => {
            // Old-style options: the first word without a dash (`xPf`).
            let old_style = texts.first().is_some_and(|t| {
                !t.starts_with('-') && t.chars().all(|c| c.is_ascii_alphabetic()) && t.contains('P')
            });
            (short('P') || old_style || texts.contains(&"--absolute-names"))
                .then_some("`tar -P` writes absolute file names and hard-link targets, anywhere")
        }
        "unzip" => {
            short(':').then_some("`unzip -:` writes files outside the folder it unpacks into")
        }
        "cpio" => {
            let extract = short('i') || texts.contains(&"--extract");
            let pass = short('p') || texts.contains(&"--pass-through");
            if extract && !texts.contains(&"--no-absolute-filenames") {
                Some("`cpio -i` writes absolute file names anywhere; add `--no-absolute-filenames`")
            } else if pass && (short('l') || texts.contains(&"--link")) {
                Some("`cpio -p -l` links files it reads from its input, agentspec's among them")
            } else {
                None
            }
        }
        "pax" => short('l').then_some("`pax -l` links files, agentspec's among them"),
        _ => None,
    };
    why.map(str::to_owned)
}

/// The value of an option given as `-t DIR`, `-tDIR`, `--target-directory=DIR`: the first.
fn option_value(args: &[Word], names: &[&str]) -> Option<Word> {
    option_values(args, names).into_iter().next()
}

/// Every value of the options `names` (`-o FILE`, `-oFILE`, `--output=FILE`, `--output FILE`),
/// in order; options after `--` are operands.
fn option_values(args: &[Word], names: &[&str]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut iter = args.iter();
    while let Some(w) = iter.next() {
        if w.text == "--" {
            break;
        }
        for name in names {
            if w.text == *name {
                out.extend(iter.next().cloned());
                break;
            }
            if let Some(v) = w.text.strip_prefix(&format!("{name}=")) {
                out.push(Word {
                    text: v.to_owned(),
                    kind: w.kind,
                });
                break;
            }
            if name.len() == 2
                && !name.starts_with("--")
                && let Some(v) = w.text.strip_prefix(name).filter(|v| !v.is_empty())
            {
                out.push(Word {
                    text: v.to_owned(),
                    kind: w.kind,
                });
                break;
            }
        }
    }
    out
}

/// The parts of an argument that may name a file: the argument, an option's value
/// (`--output=FILE`, `-oFILE`), and the words of a script given inline (`sed 'w FILE'`,
/// `awk '{print > "FILE"}'`).
fn pieces(word: &Word) -> Vec<Word> {
    let text = word.text.as_str();
    let mut out = vec![word.clone()];
    let mut push = |t: &str| {
        if !t.is_empty() && !out.iter().any(|w| w.text == t) {
            out.push(Word {
                text: t.to_owned(),
                kind: if t.contains(['$', '`']) {
                    WordKind::Dynamic
                } else if t.contains(['*', '?', '[']) {
                    WordKind::Glob
                } else {
                    WordKind::Literal
                },
            });
        }
    };
    if let Some((option, value)) = text.split_once('=')
        && option.starts_with('-')
    {
        push(value);
    }
    if let Some(rest) = text.strip_prefix('-')
        && !rest.starts_with('-')
    {
        // A short option with its value attached: `-oFILE`.
        let mut chars = rest.chars();
        chars.next();
        push(chars.as_str());
    }
    for part in text.split(|c: char| c.is_whitespace() || "'\"\\<>|;(){},=`".contains(c)) {
        push(part);
    }
    out
}

/// The absolute path of `path` written after `cd`s, lexically normalised; `None` when a `cd`
/// goes somewhere only known at run time.
fn absolute(cwd: &Path, cd: &[Word], path: &str) -> Option<PathBuf> {
    if path.starts_with('/') {
        return Some(normalize(Path::new(path)));
    }
    let mut dir = cwd.to_path_buf();
    for step in cd {
        if step.kind == WordKind::Dynamic || step.text == "-" || step.text.starts_with('~') {
            return None;
        }
        dir = if step.text.starts_with('/') {
            PathBuf::from(&step.text)
        } else {
            dir.join(&step.text)
        };
    }
    Some(normalize(&dir.join(path)))
}

/// `.` and `..` removed without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `target` (glob patterns allowed in its components) is `root`, inside it, or — for
/// a removal — a folder that holds it.
fn covers(target: &Path, root: &Path, touch: Touch) -> bool {
    let t: Vec<String> = target
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let r: Vec<String> = root
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if t.len() < r.len() && touch != Touch::Remove {
        return false;
    }
    t.iter()
        .zip(&r)
        .all(|(t, r)| t == r || component_can_be(t, r))
}

/// Programs that expand file patterns themselves (`eslint 'src/**/*.ts'`).
const PATTERN_PROGRAMS: &[&str] = &[
    "eslint",
    "prettier",
    "biome",
    "stylelint",
    "markdownlint",
    "markdownlint-cli2",
    "dprint",
    "rome",
    "standard",
    "xo",
    "tslint",
    "jscodeshift",
    "rimraf",
    "del-cli",
    "cpy",
    "copyfiles",
    "glob",
];

/// Whether the components `parts` contain `pattern` (the path is in it), or — for a removal —
/// end with the start of it (the path holds it).
fn matches_anywhere(parts: &[&str], pattern: &[&str], touch: Touch) -> bool {
    (0..parts.len()).any(|start| {
        let tail = &parts[start..];
        let n = tail.len().min(pattern.len());
        let prefix_ok = tail[..n]
            .iter()
            .zip(&pattern[..n])
            .all(|(t, p)| component_can_be(t, p));
        prefix_ok && (tail.len() >= pattern.len() || touch == Touch::Remove)
    })
}

/// Programs that install git hooks (into `.git/hooks`, or by setting `core.hooksPath`), the
/// hooks agentspec's own stand on.
fn installs_git_hooks(program: &str, args: &[Word]) -> Option<String> {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let installs = match program {
        "pre-commit" => matches!(
            texts.first(),
            Some(&("install" | "uninstall" | "install-hooks" | "init-templatedir"))
        ),
        "husky" => matches!(
            texts.first(),
            None | Some(&("install" | "init" | "set" | "add" | "uninstall"))
        ),
        "lefthook" | "overcommit" => matches!(
            texts.first(),
            Some(&("install" | "uninstall" | "add" | "--install" | "--uninstall"))
        ),
        "simple-git-hooks" | "git-hooks" | "githooks" => true,
        "npx" | "pnpx" | "bunx" => {
            let rest: Vec<Word> = args
                .iter()
                .skip_while(|w| w.text.starts_with('-'))
                .cloned()
                .collect();
            return rest.split_first().and_then(|(p, a)| {
                if p.text == "npx" {
                    None
                } else {
                    installs_git_hooks(&p.text, a)
                }
            });
        }
        _ => false,
    };
    installs
        .then(|| format!("`{program}` installs git hooks, which agentspec's enforcement stands on"))
}

#[cfg(test)]
mod tests {

    /// A host with its configuration in `.hostcfg/` (test data: the policy itself names no
    /// host; each host adapter hands its own tables in).
    fn test_host() -> HostFiles {
        HostFiles::from_tables(
            &[
                (&[".hostcfg", "settings.json"], "the host's settings"),
                (&[".hostcfg", "settings.local.json"], "the host's settings"),
                (&[".hostcfg", "agents"], "the agent definitions"),
                (&[".hostcfg"], "the host's configuration"),
                (&[".mcp.json"], "the project's MCP servers"),
            ],
            &[
                (".hostcfg/settings.json", "the host's user settings"),
                (".hostcfg", "the host's user configuration"),
                (".hostcfg.json", "the host's MCP servers"),
            ],
            &[
                ".hostcfg",
                "settings.json",
                "settings.local.json",
                "agents",
                "agent.md",
            ],
            &[".hostcfg", "disableAllHooks"],
        )
    }
    use super::*;

    fn protected() -> Protected {
        Protected::new(
            Path::new("/p"),
            Path::new("/p/.agentspec/bundle"),
            Path::new("/home/u/.local/state/agentspec/abc"),
            Some(Path::new("/usr/local/bin/agentspec")),
            Some(Path::new("/home/u")),
            &test_host(),
        )
    }

    struct Fixed;

    impl Probe for Fixed {
        fn resolve(&self, path: &Path) -> PathBuf {
            path.to_path_buf()
        }
        fn read(&self, path: &Path) -> Option<String> {
            match path.to_str()? {
                "/p/src/ok.patch" => Some(
                    "diff --git a/src/x.rs b/src/x.rs\n--- a/src/x.rs\n+++ b/src/x.rs\n".into(),
                ),
                "/p/src/settings.patch" => {
                    Some("--- a/.hostcfg/settings.json\n+++ b/.hostcfg/settings.json\n".into())
                }
                "/p/src/link.patch" => Some("diff --git a/ab b/ab\nnew file mode 120000\n".into()),
                _ => None,
            }
        }
        fn differs(&self, _: &Path, name: &str) -> bool {
            name.starts_with("evil") || name == "stashlike^2"
        }
        fn holds(&self, _: &Path, name: &str) -> bool {
            name == "stash@{1}^3"
        }
        fn uncommitted(&self, _: &Path) -> Uncommitted {
            Uncommitted {
                modified: true,
                untracked: false,
                ignored: true,
            }
        }
    }

    fn shell(command: &str) -> Option<String> {
        protected().check(
            &Action::Shell {
                command: command.to_owned(),
            },
            Path::new("/p/src"),
            &Fixed,
        )
    }

    #[test]
    fn folder_copies_into_a_folder_that_holds_protected_files() {
        // Found by the adversarial review of the session engine: a folder copied over an
        // ancestor of the state folder, the project or the home folder.
        for attack in [
            "cp -r /tmp/s/. /home/u/.local/state",
            "cp -a /tmp/s/agentspec /home/u/.local/state/",
            "cp -rT /tmp/s /p",
            "rsync -a /tmp/s/ /p/",
            "rsync --archive /tmp/s/ /home/u/",
            "cp -R /tmp/s/. ~",
        ] {
            assert!(shell(attack).is_some(), "{attack}");
        }
        for honest in [
            "cp -r /p/src /p/build",
            "cp -a /p/src/. /p/dist/",
            "rsync -a /p/src/ /tmp/backup/",
            "cp /tmp/s/a.txt /p/",
        ] {
            assert_eq!(shell(honest), None, "{honest}");
        }
    }

    #[test]
    fn writers_named_in_options_and_scripts() {
        // Found by the second adversarial review.
        for attack in [
            "git log -1 --format=tformat:x --output=../.hostcfg/settings.json",
            "git diff --output ../.hostcfg/settings.local.json",
            "git log -1 --output=/home/u/.local/state/agentspec/abc/s.session.json",
            "git format-patch -1 -o ../.hostcfg/agents",
            "git archive -o ../.agentspec/bundle/manifest.json HEAD",
            "git checkout-index -a --prefix=../.hostcfg/",
            "git init ..",
            "cd .. && git init --template=/tmp/t",
            "git -C .. init",
            "git -C .. checkout -- .hostcfg/settings.json",
            "git --work-tree=../.hostcfg restore -s HEAD -- .",
            "GIT_WORK_TREE=.. git checkout HEAD -- .",
            "git config user.email a@b.c",
            "git config --global core.pager cat",
            "git config set user.name x",
            "git config -f ../.git/config core.hooksPath x",
            "sed -n 'w ../.hostcfg/settings.json' a.txt",
            "sed -n 's/a/b/w ../.hostcfg/settings.json' a.txt",
            "cd ../.hostcfg && sed -n 'w settings.json' /p/a.txt",
            "awk '{print > \"../.hostcfg/settings.json\"}' a.txt",
            "awk \"{print > \\\"$HOME/.gitconfig\\\"}\" a.txt",
            "sort -o../.hostcfg/settings.json a.txt",
            "sort a.txt --output=../agentspec.toml",
            "find . -fprint ../.hostcfg/settings.json",
            "find . -name '*.txt' -fprint ../.hostcfg/settings.json",
            "unzip -o x.zip -d ../.hostcfg",
            "unzip x.zip -d..",
            "7z x a.7z -o../.hostcfg",
        ] {
            assert!(shell(attack).is_some(), "{attack}");
        }
        for honest in [
            "git log --output=/tmp/log -1",
            "git format-patch -1 -o patches",
            "git -C .. status",
            "git -C lib checkout -- x.rs",
            "sed -n 'w out.txt' a.txt",
            "awk '{print $1}' a.txt",
            "awk '$1 > 5' a.txt",
            "sort -o sorted.txt a.txt",
            "find . -name '*.txt' -fprint list.txt",
            "unzip -o x.zip -d vendor",
            "git init scratch",
        ] {
            assert_eq!(shell(honest), None, "{honest}");
        }
    }

    #[test]
    fn links_and_other_versions_of_protected_files() {
        // Found by the third adversarial review: a hard link is a second name that writes
        // reach, and a crafted index or commit brings in any content.
        for attack in [
            "cp -l ../.hostcfg/settings.json x",
            "cp --link /home/u/.local/state/agentspec/abc/s.session.json /tmp/s",
            "cp -al ../.hostcfg /tmp/c",
            "cp -rl ../.hostcfg /tmp/c",
            "cp -s ../.hostcfg/settings.json x",
            "cp -l -t /tmp ../.hostcfg/agents/a.md",
            "link ../.hostcfg/settings.json x",
            "rsync -a --link-dest=../.hostcfg src/ /tmp/d",
            "git checkout-index -a -f",
            "git checkout-index --all --force",
            "git update-index --index-info < i.txt && git checkout-index -f -a",
            "git read-tree -u --reset HEAD",
            "git read-tree -mu HEAD",
            "git checkout evil",
            "git switch --detach evil",
            "git reset --hard evil",
            "git merge evil",
            "git cherry-pick evil",
            "git stash apply evil",
            "git checkout \"$C\"",
            // Found by the fourth review: paths from input, archives that write anywhere,
            // pathspecs, patches placed elsewhere, the other side of a revert.
            "echo ../.hostcfg/settings.json | xargs ln -t /tmp/x",
            "xargs cp -l -t /tmp/x < list.txt",
            "echo a b | xargs link",
            "git ls-files -m | xargs git checkout --",
            "git diff --name-only | xargs git restore",
            "tar -xPf /tmp/e.tar -C /tmp/z",
            "tar xPf /tmp/e.tar",
            "tar --absolute-names -xf /tmp/e.tar -C /tmp/z",
            "cpio -i < a.cpio",
            "unzip -: a.zip -d /tmp/z",
            "cd .. && git checkout -- '*.md'",
            "git checkout -- ':/'",
            "git checkout -- ':!f'",
            "git restore ':(glob)**/*.md'",
            "git restore --source=HEAD~1 --pathspec-from-file=l.txt",
            "cd .. && git checkout -- '*backend*'",
            "git apply --directory=.hostcfg/agents p1.patch",
            "patch -d ../.hostcfg/agents -p1 -i /p/src/ok.patch",
            "git revert -n -m 2 stashlike",
        ] {
            assert!(shell(attack).is_some(), "{attack}");
        }
        for honest in [
            "cp -r src /tmp/src",
            "cp -l a.txt b.txt",
            "cp -a lib /tmp/lib",
            "git checkout main",
            "git checkout -b feature",
            "git switch -c feature",
            "git reset --soft evil",
            "git reset evil",
            "git checkout evil -- x.rs",
            "git merge --abort",
            "git ls-files | xargs grep -l TODO",
            "find . -name '*.pyc' | xargs wc -l",
            "git ls-files -m | xargs git add",
            "tar -xf /tmp/e.tar -C /tmp/z",
            "cpio -i --no-absolute-filenames < a.cpio",
            "git checkout -- 'lib/*.rs'",
            "patch -d lib -p1 -i /p/src/ok.patch",
            "find . -name \"*.py\" -not -path \"./.git/*\"",
            "find .. -path '*/.hostcfg/*'",
        ] {
            assert_eq!(shell(honest), None, "{honest}");
        }
    }

    #[test]
    fn covers_inside_and_holding() {
        let root = Path::new("/p/.hostcfg/agents");
        assert!(covers(
            Path::new("/p/.hostcfg/agents/a.md"),
            root,
            Touch::Write
        ));
        assert!(!covers(Path::new("/p/.hostcfg"), root, Touch::Write));
        assert!(covers(Path::new("/p/.hostcfg"), root, Touch::Remove));
        assert!(covers(Path::new("/p/.h*"), root, Touch::Remove));
        assert!(!covers(Path::new("/p/src"), root, Touch::Remove));
    }

    #[test]
    fn a_stash_that_restores_protected_untracked_files_is_refused() {
        assert!(shell("git stash pop stash@{1}").is_some());
        assert!(shell("git stash apply").is_none());
    }

    #[test]
    fn hook_installers_and_maintenance_write_what_enforcement_stands_on() {
        for command in [
            "pre-commit install",
            "npx husky init",
            "husky",
            "lefthook install",
            "git maintenance register",
            "git maintenance start",
        ] {
            assert!(shell(command).is_some(), "{command}");
        }
        for command in [
            "pre-commit run --all-files",
            "git maintenance run --auto",
            "npx husky --help",
        ] {
            assert_eq!(shell(command), None, "{command}");
        }
    }

    #[test]
    fn quoted_patterns_and_scripts_are_not_paths() {
        for honest in [
            "sed -i 's/a*/b/' notes.txt",
            "psql -c 'select count(*) from users'",
            "npx eslint 'src/**/*.ts'",
            "find src -name '*.orig' -exec rm {} \\;",
        ] {
            assert_eq!(shell(honest), None, "{honest}");
        }
        // A pattern a formatter expands below the project's root can reach the settings.
        assert!(shell("cd .. && npx prettier --write '**/*.json'").is_some());
        assert!(shell("sed -i 's/x/y/' ../.hostcfg/settings.json").is_some());
    }

    #[test]
    fn writes_and_removals() {
        assert!(shell("echo {} > ../.hostcfg/settings.json").is_some());
        assert!(shell("cd .. && rm -rf .hostcfg").is_some());
        assert!(shell("rm -rf ..").is_some());
        assert!(shell("cp x.json ../.hostcfg/settings.local.json").is_some());
        assert!(shell("cp settings.json ../.hostcfg/").is_some());
        assert!(shell("sed -i s/a/b/ /p/.hostcfg/agents/a.md").is_some());
        assert!(shell("git config core.hooksPath /dev/null").is_some());
        assert!(shell("rm -rf ~/.local/state/agentspec").is_some());
        assert!(shell("echo x > $HOME/.hostcfg/settings.json").is_some());
        assert!(shell("agentspec run hook --bundle b < e.json").is_some());
        assert!(shell("/tmp/x run hook --bundle b").is_some());
        assert!(shell("python3 -c \"open('.hostcfg/settings.json','w')\"").is_some());
        assert!(shell("find .. -name \"*.json\" -delete").is_some());
        assert!(shell("cd .. && find . -name '*.json' -delete").is_some());
        assert!(shell("git apply settings.patch").is_some());
        assert!(shell("git apply link.patch").is_some());
        assert!(shell("git apply ok.patch && echo x > ab").is_some());
        assert!(shell("patch -p1 < ok.patch").is_some());
        assert!(shell("git apply missing.patch").is_some());
        assert!(shell("cd .. && tar xf a.tar").is_some());
        assert!(shell("tar xf a.tar -C vendor && echo > vendor/l/x").is_some());
        assert!(shell("ln -s /p ab && echo {} > ab/.hostcfg/settings.json").is_some());
        assert!(shell("git stash").is_some());
        assert!(shell("git reset --hard").is_some());
        assert!(shell("git clean -fdx").is_some());
        assert!(shell("echo '[diff]' >> ~/.gitconfig").is_some());
        // Honest work.
        assert_eq!(shell("git apply ok.patch"), None);
        assert_eq!(shell("tar xzf a.tgz -C vendor"), None);
        assert_eq!(shell("ln -s ../lib vendor"), None);
        assert_eq!(shell("ln -s /tmp lnk"), None);
        assert_eq!(shell("git clean -fd"), None);
        assert_eq!(shell("git stash list"), None);
        assert_eq!(shell("git checkout main && git pull"), None);
        assert_eq!(shell("cp a.txt ."), None);
        assert_eq!(shell("echo hi > out.txt && rm -rf build"), None);
        assert_eq!(shell("cat ../.hostcfg/settings.json"), None);
        assert_eq!(shell("git config user.email"), None);
        assert_eq!(shell("git config --get core.hooksPath"), None);
        assert_eq!(
            shell("git config -f ../.gitmodules submodule.x.url u"),
            None
        );
        assert_eq!(shell("agentspec check ../.hostcfg/agents"), None);
        assert_eq!(shell("echo x > \"$TMPDIR/out\""), None);
        assert_eq!(shell("git diff ../.hostcfg/settings.json"), None);
        assert_eq!(shell("npm test"), None);
    }
}
