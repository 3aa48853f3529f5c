//! git as git sees it: global options, the subcommand, and what the invocation does to
//! branches and remotes.

use super::words::Word;

/// What a git invocation does that a gate can be about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum GitOperation {
    /// Creates a commit on a branch or moves a branch to a new commit.
    Commit,
    /// Sends commits to another repository.
    Push,
}

impl GitOperation {
    pub fn as_str(self) -> &'static str {
        match self {
            GitOperation::Commit => "commit",
            GitOperation::Push => "push",
        }
    }
}

/// One git invocation, analysed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GitInvocation {
    /// The subcommand, when it is a literal word.
    pub subcommand: Option<String>,
    /// The operations it performs.
    pub operations: Vec<GitOperation>,
    /// `-C`, `--git-dir` and `--work-tree` as given (they choose another repository).
    pub location: Vec<(String, Word)>,
    /// It writes a file named by an option (`--output`, `format-patch -o`).
    pub writes: bool,
    /// Why what it runs cannot be known, if so.
    pub opaque: Option<String>,
    /// Shell text it runs (`submodule foreach`, `rebase --exec`, `bisect run`), to analyse.
    pub runs: Vec<String>,
    /// It sends commits without git's `pre-push` hook (`send-pack`, `push --no-verify`).
    pub skips_hooks: bool,
}

/// Global options that take a value in the next word (or after `=`).
const GLOBAL_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--super-prefix",
    "--config-env",
    "--attr-source",
    "--list-cmds",
];

/// Global options without a value.
const GLOBAL_FLAGS: &[&str] = &[
    "-p",
    "--paginate",
    "-P",
    "--no-pager",
    "--bare",
    "--no-replace-objects",
    "--no-lazy-fetch",
    "--no-optional-locks",
    "--no-advice",
    "--literal-pathspecs",
    "--glob-pathspecs",
    "--noglob-pathspecs",
    "--icase-pathspecs",
    "--html-path",
    "--man-path",
    "--info-path",
];

/// Configuration keys that only change how git formats, names or paces its work; every other
/// key may make git run a program (`core.pager`, `*.textconv`, `tar.*.command`,
/// `trailer.*.cmd`, ...), read other configuration or rewrite URLs, and setting it while a gate
/// is closed is opaque. Lower case; `*` is one or more dotted parts.
const SAFE_KEYS: &[&str] = &[
    "user.*",
    "author.*",
    "committer.*",
    "color.*",
    "advice.*",
    "log.*",
    "status.*",
    "column.*",
    "i18n.*",
    "branch.*",
    "core.quotepath",
    "core.autocrlf",
    "core.safecrlf",
    "core.filemode",
    "core.ignorecase",
    "core.abbrev",
    "core.whitespace",
    "core.eol",
    "core.precomposeunicode",
    "init.defaultbranch",
    "commit.gpgsign",
    "commit.verbose",
    "commit.cleanup",
    "tag.gpgsign",
    "tag.sort",
    "pull.rebase",
    "pull.ff",
    "merge.ff",
    "merge.conflictstyle",
    "push.default",
    "push.autosetupremote",
    "diff.renames",
    "diff.algorithm",
    "diff.noprefix",
    "diff.mnemonicprefix",
    "diff.colormoved",
    "fetch.prune",
    "fetch.prunetags",
    "rebase.autosquash",
    "rebase.autostash",
    "rebase.updaterefs",
    "safe.directory",
    "gc.auto",
    "gc.autodetach",
];

/// Whether setting `key` may make git run something else (any key outside [`SAFE_KEYS`]).
pub fn runs_program(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    !SAFE_KEYS
        .iter()
        .any(|pattern| match pattern.strip_suffix(".*") {
            Some(section) => key
                .strip_prefix(section)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1),
            None => key == *pattern,
        })
}

/// git's own commands (builtins and the commands shipped with it). A subcommand outside this
/// list is an alias or an external `git-<name>` program, which can run anything.
const KNOWN: &[&str] = &[
    "add",
    "am",
    "annotate",
    "apply",
    "archimport",
    "archive",
    "backfill",
    "bisect",
    "blame",
    "branch",
    "bugreport",
    "bundle",
    "cat-file",
    "check-attr",
    "check-ignore",
    "check-mailmap",
    "check-ref-format",
    "checkout",
    "checkout-index",
    "cherry",
    "cherry-pick",
    "citool",
    "clean",
    "clone",
    "column",
    "commit",
    "commit-graph",
    "commit-tree",
    "config",
    "count-objects",
    "credential",
    "credential-cache",
    "credential-store",
    "cvsexportcommit",
    "cvsimport",
    "cvsserver",
    "daemon",
    "describe",
    "diagnose",
    "diff",
    "diff-files",
    "diff-index",
    "diff-pairs",
    "diff-tree",
    "difftool",
    "fast-export",
    "fast-import",
    "fetch",
    "fetch-pack",
    "filter-branch",
    "fmt-merge-msg",
    "for-each-ref",
    "for-each-repo",
    "format-patch",
    "fsck",
    "fsmonitor--daemon",
    "gc",
    "get-tar-commit-id",
    "grep",
    "gui",
    "hash-object",
    "help",
    "hook",
    "http-backend",
    "imap-send",
    "index-pack",
    "init",
    "instaweb",
    "interpret-trailers",
    "log",
    "ls-files",
    "ls-remote",
    "ls-tree",
    "mailinfo",
    "mailsplit",
    "maintenance",
    "merge",
    "merge-base",
    "merge-file",
    "merge-index",
    "merge-one-file",
    "merge-tree",
    "mergetool",
    "mktag",
    "mktree",
    "multi-pack-index",
    "mv",
    "name-rev",
    "notes",
    "p4",
    "pack-objects",
    "pack-redundant",
    "pack-refs",
    "patch-id",
    "prune",
    "prune-packed",
    "pull",
    "push",
    "quiltimport",
    "range-diff",
    "read-tree",
    "rebase",
    "receive-pack",
    "reflog",
    "refs",
    "remote",
    "repack",
    "replace",
    "replay",
    "repo",
    "request-pull",
    "rerere",
    "reset",
    "restore",
    "rev-list",
    "rev-parse",
    "revert",
    "rm",
    "scalar",
    "send-email",
    "send-pack",
    "shortlog",
    "show",
    "show-branch",
    "show-index",
    "show-ref",
    "sparse-checkout",
    "stage",
    "stash",
    "status",
    "stripspace",
    "submodule",
    "subtree",
    "svn",
    "switch",
    "symbolic-ref",
    "tag",
    "unpack-file",
    "unpack-objects",
    "update-index",
    "update-ref",
    "update-server-info",
    "upload-archive",
    "upload-pack",
    "var",
    "verify-commit",
    "verify-pack",
    "verify-tag",
    "version",
    "whatchanged",
    "worktree",
    "write-tree",
    "init-db",
    "lfs",
];

/// Whether an argument list (before `--`) holds one of `flags`, abbreviations included (git's
/// option parser accepts any unambiguous prefix of a long option).
fn has_flag(args: &[Word], flags: &[&str]) -> bool {
    super::programs::has_option(args, flags)
}

/// Options of git's history-changing commands that take a value in the next word.
const TAKES_VALUE: &[&str] = &[
    "-m",
    "-F",
    "-C",
    "-c",
    "-t",
    "-X",
    "-s",
    "-x",
    "--message",
    "--file",
    "--author",
    "--date",
    "--template",
    "--trailer",
    "--strategy",
    "--strategy-option",
    "--cleanup",
    "--fixup",
    "--squash",
    "--reuse-message",
    "--reedit-message",
    "--into-name",
    "--mainline",
    "--onto",
    "--exec",
    "--gpg-sign",
    "--pathspec-from-file",
];

/// [`has_flag`] for flags that turn a gated operation off (`--dry-run`, `--abort`): a word that
/// is the value of another option (`git commit -m --dry-run`) is not one.
fn has_off_flag(args: &[Word], flags: &[&str]) -> bool {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            return false;
        }
        if flags.iter().any(|f| super::programs::option_is(a, f)) {
            return true;
        }
        let takes_value = !a.contains('=')
            && TAKES_VALUE
                .iter()
                .any(|o| a == *o || (o.starts_with("--") && super::programs::option_is(a, o)));
        i += if takes_value { 2 } else { 1 };
    }
    false
}

/// The value of an option given as `--opt=V`, `--opt V` or `-o V`.
fn option_values<'a>(args: &'a [Word], long: &str, short: Option<&str>) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            break;
        }
        let long_form = super::programs::option_is(a, long);
        if (long_form && !a.contains('=')) || short == Some(a) {
            if let Some(v) = args.get(i + 1) {
                out.push(v);
            }
            i += 2;
            continue;
        }
        if long_form {
            out.push(&args[i]);
        }
        i += 1;
    }
    out
}

/// The value in `--option=value`; any other word as it is.
fn value_of(w: &Word) -> &str {
    match w.text.split_once('=') {
        Some((_, value)) if w.text.starts_with("--") => value,
        _ => &w.text,
    }
}

/// Analyses `git` + `args` (everything after the program name).
pub fn analyse(args: &[Word]) -> GitInvocation {
    let mut inv = GitInvocation {
        subcommand: None,
        operations: Vec::new(),
        location: Vec::new(),
        writes: false,
        opaque: None,
        runs: Vec::new(),
        skips_hooks: false,
    };
    let mut i = 0;
    let opaque = |inv: &mut GitInvocation, why: String| {
        if inv.opaque.is_none() {
            inv.opaque = Some(why);
        }
    };
    // Global options.
    while i < args.len() {
        let w = &args[i];
        let Some(a) = w.as_literal() else {
            opaque(
                &mut inv,
                format!("git option `{}` is only known at run time", w.text),
            );
            return inv;
        };
        if !a.starts_with('-') {
            break;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (a, None),
        };
        // `-cKEY=VALUE` and `-Cpath` glued to the letter.
        let (name, inline) = match (name, inline) {
            (n, None)
                if n.len() > 2
                    && (n.starts_with("-c") || n.starts_with("-C"))
                    && !n.starts_with("--") =>
            {
                (&n[..2], Some(&a[2..]))
            }
            other => other,
        };
        if name == "--exec-path" {
            if inline.is_some() {
                opaque(
                    &mut inv,
                    "`--exec-path=` makes git run its commands from another folder".to_owned(),
                );
            }
            i += 1;
            continue;
        }
        if GLOBAL_FLAGS.contains(&name)
            || name == "-v"
            || name == "--version"
            || name == "-h"
            || name == "--help"
        {
            if matches!(name, "-v" | "--version" | "-h" | "--help") {
                return inv;
            }
            i += 1;
            continue;
        }
        if GLOBAL_WITH_VALUE.contains(&name) {
            let value = match inline {
                Some(v) => Some(Word::literal(v)),
                None => {
                    i += 1;
                    args.get(i).cloned()
                }
            };
            let Some(value) = value else {
                return inv;
            };
            match name {
                "-c" | "--config-env" => match value.as_literal() {
                    Some(kv) => {
                        let key = kv.split('=').next().unwrap_or(kv);
                        if runs_program(key) {
                            opaque(
                                &mut inv,
                                format!(
                                    "`git {name} {kv}` sets `{key}`, which makes git run another program"
                                ),
                            );
                        }
                    }
                    None => opaque(
                        &mut inv,
                        format!(
                            "`git {name} {}` sets configuration only known at run time",
                            value.text
                        ),
                    ),
                },
                "-C" | "--git-dir" | "--work-tree" => {
                    if name == "--work-tree" && super::programs::is_git_internal(&value.text) {
                        opaque(
                            &mut inv,
                            "`--work-tree` inside git's own folder makes checkouts write refs and objects".to_owned(),
                        );
                    }
                    inv.location.push((name.to_owned(), value));
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // An unknown global option: git refuses it, but do not guess.
        opaque(
            &mut inv,
            format!("`git {a}` is not an option agentspec knows"),
        );
        return inv;
    }
    let Some(sub_word) = args.get(i) else {
        return inv;
    };
    let Some(sub) = sub_word.as_literal() else {
        opaque(
            &mut inv,
            format!(
                "the git subcommand `{}` is only known at run time",
                sub_word.text
            ),
        );
        return inv;
    };
    let sub = sub.to_owned();
    let rest = &args[i + 1..];
    inv.subcommand = Some(sub.clone());
    classify(&sub, rest, &mut inv);
    // Changing refs of another repository (`git --git-dir=../remote.git branch -f main X`) can
    // publish commits as a push does.
    let elsewhere = inv.location.iter().any(|(_, w)| {
        w.as_literal()
            .is_none_or(|p| !matches!(p, "." | "./" | ".git" | "./.git"))
    });
    if elsewhere && writes_refs(&sub, rest) && inv.operations.is_empty() {
        inv.operations.push(GitOperation::Push);
    }
    // `ext::` URLs (a remote, a submodule, a fetch) make git run a command.
    if let Some(url) = rest.iter().find(|w| w.text.contains("ext::")) {
        inv.opaque = Some(format!(
            "`{}` uses git's `ext::` transport, which runs a command",
            url.text
        ));
    }
    if inv.opaque.is_none() && !KNOWN.contains(&sub.as_str()) {
        inv.opaque = Some(format!(
            "`git {sub}` is not a git command, so it is an alias or an external program"
        ));
    }
    inv
}

fn classify(sub: &str, rest: &[Word], inv: &mut GitInvocation) {
    use GitOperation::{Commit, Push};
    let first = rest.first().map(|w| w.text.as_str());
    let unless = |flags: &[&str], op: GitOperation| (!has_off_flag(rest, flags)).then_some(op);
    let operation = match sub {
        "commit" => unless(&["--dry-run", "-h"], Commit),
        "merge" => unless(&["--abort", "--quit", "-h"], Commit),
        "pull" | "commit-tree" | "update-ref" | "filter-branch" | "fast-import" | "citool"
        | "gui" | "replay" | "quiltimport" | "archimport" | "cvsimport" => Some(Commit),
        "cherry-pick" | "revert" => {
            unless(&["--abort", "--quit", "-n", "--no-commit", "-h"], Commit)
        }
        "am" | "rebase" => unless(
            &["--abort", "--quit", "--show-current-patch", "--edit-todo"],
            Commit,
        ),
        "replace" => {
            has_flag(rest, &["--edit", "-e", "--graft", "--convert-graft-file"]).then_some(Commit)
        }
        // A commit object written by hand is `commit-tree`'s work.
        "hash-object" => {
            // Short options bundle (`-wtcommit`, `-w -tcommit`); `--type` abbreviates.
            let mut writes = false;
            let mut commit_type = false;
            let mut expect_type = false;
            for w in rest {
                let t = w.text.as_str();
                if expect_type {
                    commit_type |= t == "commit";
                    expect_type = false;
                } else if let Some(long) = t.strip_prefix("--") {
                    let (name, value) = long.split_once('=').unwrap_or((long, ""));
                    if !name.is_empty() && "type".starts_with(name) {
                        if long.contains('=') {
                            commit_type |= value == "commit";
                        } else {
                            expect_type = true;
                        }
                    }
                } else if let Some(short) = t.strip_prefix('-') {
                    for (i, c) in short.char_indices() {
                        match c {
                            'w' => writes = true,
                            't' => {
                                let value = &short[i + 1..];
                                if value.is_empty() {
                                    expect_type = true;
                                } else {
                                    commit_type |= value == "commit";
                                }
                                break;
                            }
                            _ => {}
                        }
                    }
                }
            }
            (commit_type && writes).then_some(Commit)
        }
        "subtree" => match first {
            Some("push") => Some(Push),
            Some("add" | "merge" | "pull" | "split") => Some(Commit),
            _ => None,
        },
        "submodule" => (rest.iter().any(|w| w.text == "update")
            && has_flag(rest, &["--merge", "--rebase"]))
        .then_some(Commit),
        "push" | "send-email" | "send-pack" => Some(Push),
        // Fetching from a repository on this machine publishes its commits into another one
        // (`git -C ../other fetch ../project`) or moves refs by hand (`git fetch . a:b`).
        "fetch" => rest
            .iter()
            .map(|w| w.text.as_str())
            .find(|a| !a.starts_with('-'))
            .filter(|repo| {
                *repo == "."
                    || repo.starts_with(['/', '~'])
                    || repo.starts_with("./")
                    || repo.starts_with("../")
                    || repo.starts_with("file:")
            })
            .map(|_| Push),
        // `git symbolic-ref refs/heads/main refs/stash` makes a branch an alias of any ref.
        "symbolic-ref" => {
            (rest.iter().filter(|w| !w.text.starts_with('-')).count() >= 2).then_some(Commit)
        }
        "svn" => match first {
            Some("dcommit" | "set-tree") => Some(Push),
            Some("rebase" | "fetch") => Some(Commit),
            _ => None,
        },
        "p4" => match first {
            Some("submit") => Some(Push),
            Some("rebase" | "sync") => Some(Commit),
            _ => None,
        },
        _ => None,
    };
    inv.operations.extend(operation);
    match sub {
        "am" | "rebase" => {
            for v in option_values(rest, "--exec", Some("-x")) {
                let text = value_of(v);
                inv.runs.push(text.to_owned());
            }
        }
        "submodule" => submodule_foreach(rest, inv),
        "bisect" if first == Some("run") => {
            if rest[1..].iter().any(|w| w.as_literal().is_none()) {
                inv.opaque =
                    Some("`git bisect run` runs a command only known at run time".to_owned());
            } else {
                let argv: Vec<String> = rest[1..].iter().map(|w| shell_quote(&w.text)).collect();
                inv.runs.push(argv.join(" "));
            }
        }
        "config" => config(rest, inv),
        "merge-index" => {
            inv.opaque = Some("`git merge-index` runs another program".to_owned());
        }
        "send-pack" | "receive-pack" => {
            inv.skips_hooks = true;
        }
        "push" if has_flag(rest, &["--no-verify", "--receive-pack", "--exec"]) => {
            inv.skips_hooks = true;
            inv.opaque = Some(
                "`git push --no-verify` skips the git hooks agentspec relies on, and `--receive-pack` runs another program".to_owned(),
            );
        }
        "difftool" if has_flag(rest, &["--extcmd", "-x"]) => {
            inv.opaque = Some("`git difftool --extcmd` runs another program".to_owned());
        }
        "grep" if has_flag(rest, &["-O", "--open-files-in-pager"]) => {
            inv.opaque = Some("`git grep -O` runs a pager program".to_owned());
        }
        "clone" | "fetch" | "ls-remote" | "archive" | "pull" => {
            let program = ["--upload-pack", "--exec", "--template"];
            if has_flag(rest, &program) || (sub == "clone" && has_flag(rest, &["-u"])) {
                inv.opaque = Some(format!("`git {sub}` is told to run another program"));
            }
            for v in option_values(rest, "--config", Some("-c")) {
                let kv = value_of(v);
                if runs_program(kv.split('=').next().unwrap_or(kv)) {
                    inv.opaque = Some(format!("`git {sub} -c {kv}` makes git run another program"));
                }
            }
        }
        _ => {}
    }
    if has_flag(rest, &["--output"])
        || (sub == "format-patch" && has_flag(rest, &["-o", "--output-directory"]))
    {
        inv.writes = true;
        let into_git = option_values(rest, "--output", Some("-o")).iter().any(|v| {
            let path = value_of(v);
            super::programs::is_git_internal(path)
        });
        if into_git {
            inv.opaque = Some("`--output` writes into git's own files".to_owned());
        }
    }
}

/// Subcommands that create, move or delete refs or write objects into a repository.
fn writes_refs(sub: &str, rest: &[Word]) -> bool {
    let positional = rest.iter().filter(|w| !w.text.starts_with('-')).count();
    match sub {
        "branch" | "tag" => {
            positional > 0
                || rest.iter().any(|w| {
                    w.text.starts_with('-')
                        && !matches!(
                            w.text.as_str(),
                            "-l" | "--list"
                                | "-a"
                                | "--all"
                                | "-r"
                                | "--remotes"
                                | "-v"
                                | "-vv"
                                | "--contains"
                                | "--merged"
                                | "--no-merged"
                                | "--sort"
                                | "--format"
                        )
                })
        }
        "reset" | "update-ref" | "symbolic-ref" | "unpack-objects" | "index-pack"
        | "receive-pack" | "replace" | "notes" | "checkout" | "switch" | "merge" | "pull"
        | "fetch" | "am" | "cherry-pick" | "revert" | "rebase" | "commit" | "stash"
        | "fast-import" => true,
        "bundle" => rest.first().is_some_and(|w| w.text == "unbundle"),
        _ => false,
    }
}

/// `git submodule foreach [--recursive] <command>`: the command is shell text.
fn submodule_foreach(rest: &[Word], inv: &mut GitInvocation) {
    let words: Vec<&str> = rest.iter().map(|w| w.text.as_str()).collect();
    let Some(at) = words.iter().position(|w| *w == "foreach") else {
        return;
    };
    let command: Vec<&str> = words[at + 1..]
        .iter()
        .copied()
        .skip_while(|w| w.starts_with("--"))
        .collect();
    if rest.iter().any(|w| w.as_literal().is_none()) {
        inv.opaque =
            Some("`git submodule foreach` runs a command only known at run time".to_owned());
    } else if !command.is_empty() {
        inv.runs.push(command.join(" "));
    }
}

/// `git config` that sets a key which runs programs, or opens an editor.
fn config(rest: &[Word], inv: &mut GitInvocation) {
    let words: Vec<&Word> = rest.iter().collect();
    if words.iter().any(|w| w.as_literal().is_none()) {
        // `git config "$k" x`: the key is not known.
        let sets = words.len() >= 2;
        if sets {
            inv.opaque = Some("`git config` sets a key only known at run time".to_owned());
        }
        return;
    }
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    if texts.iter().any(|t| matches!(*t, "-e" | "--edit" | "edit")) {
        inv.opaque = Some("`git config --edit` opens an editor on the configuration".to_owned());
        return;
    }
    let reading = texts.iter().any(|t| {
        matches!(
            *t,
            "--get"
                | "--get-all"
                | "--get-regexp"
                | "--get-urlmatch"
                | "-l"
                | "--list"
                | "get"
                | "list"
                | "--show-origin"
                | "--show-scope"
                | "--get-color"
                | "--get-colorbool"
        )
    });
    if reading {
        return;
    }
    // Options that take a value, so that the value is not taken for the key.
    let with_value = [
        "-f",
        "--file",
        "--blob",
        "--type",
        "--default",
        "--comment",
        "--value",
    ];
    let mut positional = Vec::new();
    let mut i = 0;
    while i < texts.len() {
        let t = texts[i];
        if with_value.contains(&t) {
            i += 2;
            continue;
        }
        if !t.starts_with('-')
            && !matches!(t, "set" | "unset" | "rename-section" | "remove-section")
        {
            positional.push(t);
        }
        i += 1;
    }
    if let Some(key) = positional.first()
        && (positional.len() >= 2
            || texts
                .iter()
                .any(|t| t.starts_with("--add") || t.starts_with("--replace")))
        && runs_program(key)
    {
        inv.opaque = Some(format!("`git config {key}` makes git run another program"));
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(args: &[&str]) -> GitInvocation {
        let words: Vec<Word> = args.iter().map(|a| Word::literal(*a)).collect();
        analyse(&words)
    }

    #[test]
    fn program_keys() {
        assert!(runs_program("core.hooksPath"));
        assert!(runs_program("alias.ci"));
        assert!(runs_program("diff.foo.textconv"));
        assert!(runs_program("diff.a.b.textconv"));
        assert!(runs_program("includeIf.gitdir:~/x.path"));
        assert!(!runs_program("user.name"));
        assert!(!runs_program("core.quotepath"));
        assert!(!runs_program("diff.renames"));
    }

    #[test]
    fn globals_and_subcommands() {
        assert_eq!(
            g(&["-C", ".", "commit"]).operations,
            vec![GitOperation::Commit]
        );
        assert_eq!(
            g(&["--no-pager", "-c", "user.name=x", "commit", "-m", "x"]).operations,
            vec![GitOperation::Commit]
        );
        assert!(g(&["commit", "--dry-run"]).operations.is_empty());
        assert!(
            g(&["-c", "core.hooksPath=/dev/null", "status"])
                .opaque
                .is_some()
        );
        assert!(g(&["-ccore.pager=sh", "log"]).opaque.is_some());
        assert!(g(&["ci", "-m", "x"]).opaque.is_some());
        assert!(g(&["config", "alias.ci", "commit"]).opaque.is_some());
        assert!(g(&["config", "--get", "alias.ci"]).opaque.is_none());
        assert!(g(&["config", "user.name", "x"]).opaque.is_none());
        assert_eq!(g(&["push"]).operations, vec![GitOperation::Push]);
        assert!(g(&["log", "--output=x"]).writes);
    }
}
