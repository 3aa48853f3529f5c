//! Operations the runner performs for a confined agent: the agent's processes cannot move a
//! branch or push (see [`confine`](super::confine)), so when the gates allow a commit or a push
//! — and for the few everyday git commands that write refs without being gated (`git stash`,
//! making and switching branches, `git fetch`, `git tag`) — the runner runs exactly that
//! command itself, outside the confinement, and tells the host what came of it.
//!
//! Only a command the runner can run exactly as written is performed: one `&&` chain of
//! `cd DIR` and a single `git` (or `gh`/`glab`) command whose every word is literal, with no
//! wrapper, redirection, substitution or variable. Anything else that commits or pushes is
//! refused with the plain form to use. The repository's own git hooks run for the commit,
//! confined (`AGENTSPEC_CONFINE_HOOKS`, read by `run git-hook`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::policy::shell::words::Word;
use crate::policy::shell::{self, Analysis};

/// How long a performed command may take (the installed PreToolUse hooks allow 300 s).
pub const PERFORM_TIMEOUT: Duration = Duration::from_secs(240);
/// Output kept for the agent.
const OUTPUT_TAIL: usize = 8000;
/// The environment variable that tells `run git-hook` to confine the repository's own hooks.
pub const CONFINE_HOOKS_ENV: &str = "AGENTSPEC_CONFINE_HOOKS";

/// One command of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `git`, `gh` or `glab`.
    pub program: String,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    /// `GIT_AUTHOR_*` / `GIT_COMMITTER_*` assignments written before the command.
    pub env: Vec<(String, String)>,
}

impl Step {
    /// The command as the agent can read it.
    pub fn display(&self) -> String {
        let mut words = vec![self.program.clone()];
        words.extend(self.args.iter().map(|a| quote(a)));
        words.join(" ")
    }
}

/// What the runner will run for one tool call: its git commands in order, each only when the
/// one before succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// It commits or pushes under the gates (not an everyday ref write).
    pub gated: bool,
    /// The repositories it names (`git push NAME`, `git fetch NAME`): each must be a remote
    /// the repository's own configuration names, not a path or URL the agent chose.
    pub remotes: Vec<String>,
    /// The branches it switches to: each must be a branch of the repository (not a commit
    /// the agent made, a tag or a path), whose files git writes outside the sandbox.
    pub branches: Vec<String>,
}

impl Plan {
    /// The commands as the agent can read them.
    pub fn display(&self) -> String {
        self.steps
            .iter()
            .map(Step::display)
            .collect::<Vec<_>>()
            .join(" && ")
    }

    /// The folder of the last command (where its commit or ref write happens).
    pub fn cwd(&self) -> &Path {
        self.steps
            .last()
            .map_or(Path::new("."), |s| s.cwd.as_path())
    }
}

fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Everyday git commands that write refs without committing or pushing: what the runner
/// performs for a confined agent at any time (the sandbox keeps refs read-only).
fn routine(args: &[String]) -> bool {
    let Some((sub, rest)) = args.split_first() else {
        return false;
    };
    let flags: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .filter(|a| a.starts_with('-'))
        .collect();
    let operands: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    match sub.as_str() {
        // `git stash` resets the work tree with a write of HEAD (the same commit), which a
        // read-only HEAD refuses.
        // Only stashes by their place in the stash list: `git stash apply <commit>` would
        // write any commit's files outside the sandbox.
        "stash" => {
            let by_place = |o: &&str| {
                o.chars().all(|c| c.is_ascii_digit())
                    || o.strip_prefix("stash@{")
                        .and_then(|r| r.strip_suffix('}'))
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            };
            match operands.split_first() {
                None | Some((&("push" | "save"), _)) => true,
                Some((&("pop" | "apply" | "drop" | "show"), places)) => places.iter().all(by_place),
                Some((&("clear" | "list"), rest)) => rest.is_empty(),
                _ => false,
            }
        }
        // A new branch at HEAD (no start point), or a switch to a branch.
        "checkout" | "switch" => {
            let creates = flags.iter().any(|f| matches!(*f, "-b" | "-c" | "--create"));
            let allowed = flags
                .iter()
                .all(|f| matches!(*f, "-b" | "-c" | "--create" | "-q" | "--quiet"));
            allowed && operands.len() == 1 && (creates || !rest.iter().any(|a| a == "--"))
        }
        "branch" => flags.is_empty() && operands.len() == 1,
        // Remote-tracking refs only: a refspec could move a local branch.
        "fetch" => {
            !operands.iter().any(|o| o.contains(':'))
                && flags
                    .iter()
                    .all(|f| matches!(*f, "--all" | "--prune" | "-p" | "--tags" | "-q" | "--quiet"))
        }
        // A tag at HEAD: a tag names known ground for later sessions, so never another
        // commit (which could be one the agent made by hand).
        "tag" => {
            let annotated = flags.iter().any(|f| matches!(*f, "-a" | "--annotate"));
            let message = rest.iter().position(|a| a == "-m");
            let names: Vec<&str> = rest
                .iter()
                .enumerate()
                .filter(|(i, a)| !a.starts_with('-') && message.is_none_or(|m| *i != m + 1))
                .map(|(_, a)| a.as_str())
                .collect();
            flags
                .iter()
                .all(|f| matches!(*f, "-a" | "--annotate" | "-m"))
                && (message.is_none() || annotated || flags.contains(&"-m"))
                && names.len() == 1
        }
        _ => false,
    }
}

/// The options the runner passes on, by git subcommand, and the ones among them that take a
/// value in the next word. Anything else is refused: an option can make git read a file the
/// sandbox hides (`commit -F ~/.ssh/id_rsa`), run a program (`rebase --exec`,
/// `fetch --upload-pack`, a merge strategy), reach another repository, or skip the
/// repository's own hooks (`--no-verify`: the user's secret scanner or linter would not run
/// for a commit the runner makes).
const OPTIONS: &[(&str, &[&str], &[&str])] = &[
    (
        "add",
        &[
            "-A",
            "--all",
            "-u",
            "--update",
            "-v",
            "--verbose",
            "-f",
            "--force",
            "-N",
            "--intent-to-add",
            "--ignore-removal",
            "--no-ignore-removal",
        ],
        &[],
    ),
    (
        "commit",
        &[
            "-a",
            "--all",
            "-q",
            "--quiet",
            "-v",
            "--verbose",
            "--allow-empty",
            "--allow-empty-message",
            "-s",
            "--signoff",
            "--no-signoff",
            "--no-edit",
            "--amend",
            "--no-gpg-sign",
            "--reset-author",
            "--no-status",
            "--status",
        ],
        &[
            "-m",
            "--message",
            "--author",
            "--date",
            "--cleanup",
            "--trailer",
        ],
    ),
    (
        "push",
        &[
            "-u",
            "--set-upstream",
            "--tags",
            "--follow-tags",
            "-q",
            "--quiet",
            "-v",
            "--verbose",
            "--dry-run",
            "-n",
            "--atomic",
            "--all",
            "--force-with-lease",
            "-f",
            "--force",
            "--porcelain",
            "--prune",
            "--delete",
            "-d",
        ],
        &["-o", "--push-option"],
    ),
    (
        "merge",
        &[
            "--no-edit",
            "--edit",
            "--no-ff",
            "--ff",
            "--ff-only",
            "--squash",
            "--commit",
            "--no-commit",
            "-q",
            "--quiet",
            "-v",
            "--abort",
            "--continue",
            "--quit",
            "--stat",
            "--no-stat",
            "--log",
            "--no-log",
            "--signoff",
        ],
        &["-m", "--message"],
    ),
    (
        "pull",
        &[
            "--rebase",
            "--no-rebase",
            "--ff-only",
            "--ff",
            "--no-ff",
            "--no-edit",
            "-q",
            "--quiet",
            "-v",
            "--autostash",
            "--no-autostash",
            "--prune",
            "-p",
            "--tags",
        ],
        &[],
    ),
    (
        "cherry-pick",
        &[
            "--no-edit",
            "-x",
            "--continue",
            "--abort",
            "--skip",
            "--quit",
            "-s",
            "--signoff",
            "--ff",
            "--allow-empty",
        ],
        &["-m", "--mainline"],
    ),
    (
        "revert",
        &[
            "--no-edit",
            "--edit",
            "--continue",
            "--abort",
            "--skip",
            "--quit",
            "-s",
            "--signoff",
        ],
        &["-m", "--mainline"],
    ),
    (
        "rebase",
        &[
            "--continue",
            "--abort",
            "--skip",
            "--quit",
            "-q",
            "--quiet",
            "-v",
            "--autostash",
            "--no-autostash",
            "--autosquash",
            "--no-autosquash",
            "--keep-empty",
            "--committer-date-is-author-date",
            "--root",
        ],
        &["--onto"],
    ),
    (
        "am",
        &[
            "--continue",
            "--abort",
            "--skip",
            "--quit",
            "-3",
            "--3way",
            "-q",
            "--quiet",
            "-s",
            "--signoff",
        ],
        &[],
    ),
    (
        "stash",
        &[
            "-u",
            "--include-untracked",
            "-q",
            "--quiet",
            "--index",
            "-k",
            "--keep-index",
            "--no-keep-index",
        ],
        &["-m", "--message"],
    ),
    ("checkout", &["-b", "-q", "--quiet"], &[]),
    ("switch", &["-c", "--create", "-q", "--quiet"], &[]),
    ("branch", &[], &[]),
    (
        "fetch",
        &["--all", "--prune", "-p", "--tags", "-q", "--quiet", "-v"],
        &[],
    ),
    ("tag", &["-a", "--annotate"], &["-m", "--message"]),
];

/// Subcommands whose first operand names a repository (a remote).
const NAMES_REMOTE: &[&str] = &["push", "fetch", "pull"];

/// Why the runner will not run these git arguments, if it will not; the remotes they name.
fn check_git_args(args: &[String]) -> Result<Vec<String>, String> {
    let Some((sub, rest)) = args.split_first() else {
        return Err("it names no git subcommand".to_owned());
    };
    let Some((_, flags, valued)) = OPTIONS.iter().find(|(name, _, _)| name == sub) else {
        return Err(format!("agentspec does not run `git {sub}` for the agent"));
    };
    let mut operands = Vec::new();
    let mut i = 0;
    let mut after_dashes = false;
    while i < rest.len() {
        let a = rest[i].as_str();
        i += 1;
        if after_dashes || !a.starts_with('-') || a == "-" {
            operands.push(a);
            continue;
        }
        if a == "--" {
            after_dashes = true;
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, _)) if a.starts_with("--") => (n, true),
            _ => (a, false),
        };
        if flags.contains(&name) && !inline {
            continue;
        }
        if valued.contains(&name) {
            if !inline {
                i += 1;
            }
            continue;
        }
        if name == "--force-with-lease" {
            continue;
        }
        // Bundled short options (`-qm message`, `-am`, `-mmessage`).
        if !a.starts_with("--") && short_cluster(a, flags, valued, &mut i) {
            continue;
        }
        return Err(format!(
            "agentspec runs `git {sub}` only with plain options, and `{a}` is not one of them (it could read a file, run a program or reach another repository)"
        ));
    }
    let mut remotes = Vec::new();
    if NAMES_REMOTE.contains(&sub.as_str())
        && let Some(first) = operands.first()
    {
        remotes.push((*first).to_owned());
    }
    if *sub == "fetch" && operands.iter().skip(1).any(|o| o.contains(':')) {
        return Err("a refspec given to `git fetch` could move a local branch".to_owned());
    }
    Ok(remotes)
}

/// Whether `-xyz` is a cluster of allowed short options, the last one possibly taking a value
/// (attached, or the next word: then `i` moves past it).
fn short_cluster(cluster: &str, flags: &[&str], valued: &[&str], i: &mut usize) -> bool {
    let letters: Vec<char> = cluster.chars().skip(1).collect();
    for (k, c) in letters.iter().enumerate() {
        let option = format!("-{c}");
        if flags.contains(&option.as_str()) {
            continue;
        }
        if valued.contains(&option.as_str()) {
            if k + 1 == letters.len() {
                *i += 1;
            }
            return true;
        }
        return false;
    }
    !letters.is_empty()
}

/// The branch `git checkout BRANCH` / `git switch BRANCH` switches to (not when it makes one).
fn switches_to(args: &[String]) -> Option<String> {
    let (sub, rest) = args.split_first()?;
    if !matches!(sub.as_str(), "checkout" | "switch")
        || rest
            .iter()
            .any(|a| matches!(a.as_str(), "-b" | "-c" | "--create"))
    {
        return None;
    }
    rest.iter().find(|a| !a.starts_with('-')).cloned()
}

/// gh and glab options that read a file (`--body-file`) or take another repository.
fn check_forge_args(program: &str, args: &[String]) -> Result<(), String> {
    match args.iter().find(|a| {
        let name = a.split_once('=').map_or(a.as_str(), |(n, _)| n);
        name.contains("file") || matches!(name, "-F" | "-R" | "--repo" | "--hostname")
    }) {
        Some(a) => Err(format!(
            "agentspec runs `{program}` only with plain options, and `{a}` is not one of them (it could read a file or act on another repository)"
        )),
        None => Ok(()),
    }
}

/// Commands that only stage content for the commit beside it: run first, in the same plan.
fn stages(args: &[String]) -> bool {
    args.first().is_some_and(|sub| sub == "add")
        && !args.iter().any(|a| {
            a.starts_with("--pathspec-from-file")
                || a == "-e"
                || a == "--edit"
                || a == "-p"
                || a == "--patch"
                || a == "-i"
                || a == "--interactive"
        })
}

/// The commands to perform for `analysis` (the agent's command text `text`, run in `cwd`):
/// `Ok(None)` when it writes no ref the confinement keeps read-only, or an everyday ref
/// write in a form the runner does not run (it runs confined and fails there); an error when
/// it commits or pushes in a form the runner cannot run exactly.
pub fn plan(analysis: &Analysis, text: &str, cwd: &Path) -> Result<Option<Plan>, String> {
    let gated = !analysis.git_operations().is_empty();
    let refusal = |why: &str| -> Result<Option<Plan>, String> {
        if gated {
            Err(format!(
                "agentspec makes approved commits and pushes itself (the agent's commands cannot move a branch or push), and runs them exactly as written: {why}. Run the git commands on their own, with literal words (e.g. `git add -A && git commit -m \"message\"`, `git push origin main`)"
            ))
        } else {
            Ok(None)
        }
    };
    let is_git =
        |c: &shell::Command| c.git.is_some() || matches!(c.program.as_deref(), Some("gh" | "glab"));
    let git_commands: Vec<&shell::Command> =
        analysis.commands.iter().filter(|c| is_git(c)).collect();
    if git_commands.is_empty() {
        return if gated {
            Err("agentspec makes approved commits and pushes itself, with git; this command commits or pushes with another program. Run `git commit` / `git push` directly".to_owned())
        } else {
            Ok(None)
        };
    }
    let mut steps = Vec::new();
    for command in &git_commands {
        let program = command.program.clone().unwrap_or_default();
        let args: Option<Vec<String>> = command
            .argv
            .iter()
            .skip(1)
            .map(|w| w.as_literal().map(str::to_owned))
            .collect();
        let Some(args) = args else {
            return refusal("a word of it is only known at run time");
        };
        steps.push((command, program, args));
    }
    // The one command that writes refs, and git commands that only stage for it.
    let writers: Vec<usize> = steps
        .iter()
        .enumerate()
        .filter(|(_, (c, program, args))| {
            if gated {
                c.git.as_ref().is_some_and(|g| !g.operations.is_empty())
                    || (program != "git" && c.git.is_some())
            } else {
                program == "git" && routine(args)
            }
        })
        .map(|(i, _)| i)
        .collect();
    let [writer] = writers.as_slice() else {
        return if writers.is_empty() {
            Ok(None)
        } else {
            refusal(
                "this command runs more than one git command that commits, pushes or moves a ref",
            )
        };
    };
    if steps
        .iter()
        .enumerate()
        .any(|(i, (_, program, args))| i != *writer && !(program == "git" && stages(args)))
    {
        return refusal("it runs other git commands than `git add` with it");
    }
    if shell::plain_chain(text).is_none() || analysis.is_opaque() {
        return refusal("it is not one plain `&&` chain of commands");
    }
    if analysis.substitutions > 0 || !analysis.redirect_writes.is_empty() {
        return refusal("it has a substitution or a redirection");
    }
    let others_are_cd = analysis
        .commands
        .iter()
        .all(|c| is_git(c) || c.program.as_deref() == Some("cd"));
    if !others_are_cd {
        return refusal("it runs other commands than `cd` and git with it");
    }
    let mut out = Vec::new();
    let mut remotes = Vec::new();
    let mut branches = Vec::new();
    for (command, program, args) in steps {
        if !matches!(program.as_str(), "git" | "gh" | "glab")
            || command.argv.first().and_then(Word::as_literal) != Some(program.as_str())
        {
            return refusal("the program is not named plainly as `git`");
        }
        if program == "git" {
            // No global option (`-C`, `--git-dir`, `-c key=value`): the subcommand comes first.
            let subcommand = command.git.as_ref().and_then(|g| g.subcommand.as_deref());
            if args.first().map(String::as_str) != subcommand
                || command.git.as_ref().is_some_and(|g| !g.location.is_empty())
            {
                return refusal(
                    "git's own options (`-C`, `--git-dir`, `-c`) come before the subcommand",
                );
            }
            match check_git_args(&args) {
                Ok(named) => remotes.extend(named),
                Err(why) => return refusal(&why),
            }
            if let Some(branch) = switches_to(&args) {
                branches.push(branch);
            }
        } else if let Err(why) = check_forge_args(&program, &args) {
            return refusal(&why);
        }
        if !command.wrappers.is_empty() || command.extra_args || command.writes {
            return refusal("it has a wrapper or writes a file");
        }
        let mut env = Vec::new();
        for (name, value) in &command.assignments {
            let (true, Some(value)) = (
                name.starts_with("GIT_AUTHOR_") || name.starts_with("GIT_COMMITTER_"),
                value.as_literal(),
            ) else {
                return refusal("it sets environment variables");
            };
            env.push((name.clone(), value.to_owned()));
        }
        let mut dir = cwd.to_path_buf();
        for step in &command.cd {
            match step.as_literal() {
                Some(d) if !d.is_empty() && d != "-" => dir = dir.join(d),
                _ => return refusal("it changes to a folder only known at run time"),
            }
        }
        out.push(Step {
            program,
            args,
            cwd: dir,
            env,
        });
    }
    Ok(Some(Plan {
        steps: out,
        gated,
        remotes,
        branches,
    }))
}

/// What came of a performed command.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub command: String,
    /// Its exit code; `None` when it did not exit (a timeout, or it could not start).
    pub exit_code: Option<i32>,
    /// The end of its output (standard output and error, interleaved as they came).
    pub output: String,
    /// The commit HEAD names afterwards, when the command succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
}

impl Outcome {
    pub fn success(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// What the agent reads as the tool's result.
    pub fn report(&self) -> String {
        let how = match self.exit_code {
            Some(0) => "it succeeded".to_owned(),
            Some(code) => format!("it failed with exit code {code}"),
            None => "it did not finish".to_owned(),
        };
        let mut text = self.output.trim_end().to_owned();
        if !text.is_empty() {
            text.push('\n');
        }
        let head = self
            .head
            .as_deref()
            .map(|h| format!("; HEAD is now {}", &h[..h.len().min(12)]))
            .unwrap_or_default();
        text.push_str(&format!(
            "[agentspec ran `{}` for you, outside the sandbox; {how}{head}]",
            self.command
        ));
        text
    }

    /// A shell command that prints [`report`](Self::report) and exits with the command's
    /// status: what the host runs in place of the agent's command, so the agent reads the
    /// result as the tool's own.
    pub fn echo_command(&self) -> String {
        let report = self.report().replace('\'', "'\\''");
        let code = self.exit_code.unwrap_or(1);
        if code == 0 {
            format!("printf '%s\\n' '{report}'")
        } else {
            format!("printf '%s\\n' '{report}'; exit {code}")
        }
    }
}

/// Runs `plan`'s commands in order, each only when the one before succeeded, with the
/// session's identity (the host's session variables and the session's id, so that agentspec's
/// git hooks check them as the session's), git pointed at agentspec's hooks, no editor or
/// terminal prompt, standard input closed; each process group is killed when `timeout` is
/// spent.
pub fn run(
    plan: &Plan,
    session: (super::SessionVariables, &str),
    hooks_dir: &Path,
    timeout: Duration,
) -> Outcome {
    let deadline = Instant::now() + timeout;
    let mut output = String::new();
    let mut exit_code = Some(0);
    for step in &plan.steps {
        let (code, text) = run_step(step, session, hooks_dir, deadline);
        output.push_str(&text);
        exit_code = code;
        if code != Some(0) {
            break;
        }
    }
    let start = output.len().saturating_sub(OUTPUT_TAIL);
    let start = (start..=output.len())
        .find(|i| output.is_char_boundary(*i))
        .unwrap_or(output.len());
    Outcome {
        command: plan.display(),
        exit_code,
        output: output[start..].to_owned(),
        head: None,
    }
}

fn run_step(
    step: &Step,
    session: (super::SessionVariables, &str),
    hooks_dir: &Path,
    deadline: Instant,
) -> (Option<i32>, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(&step.program);
    if step.program == "git" {
        cmd.arg("-c")
            .arg(format!("core.hooksPath={}", hooks_dir.display()));
        // git starts git in the submodules it looks into: only through the guard.
        match super::gitguard::env() {
            Ok(env) => {
                cmd.envs(env);
            }
            Err(e) => return (None, format!("{e}\n")),
        }
    }
    cmd.args(&step.args)
        .current_dir(&step.cwd)
        .envs(step.env.iter().map(|(k, v)| (k, v)))
        .env(session.0.marker, "1")
        .env(session.0.id, session.1)
        .env(CONFINE_HOOKS_ENV, "1")
        // git shows a replace ref's object in place of the real one: the commit made must be
        // of the real content.
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("GIT_EDITOR", "true")
        .env("GIT_SEQUENCE_EDITOR", "true")
        .env("GIT_MERGE_AUTOEDIT", "no")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GH_PROMPT_DISABLED", "1")
        .stdin(Stdio::null())
        .process_group(0);
    let (reader, writer) = match std::io::pipe() {
        Ok(p) => p,
        Err(e) => return (None, format!("cannot make a pipe: {e}")),
    };
    let writer2 = match writer.try_clone() {
        Ok(w) => w,
        Err(e) => return (None, format!("cannot make a pipe: {e}")),
    };
    cmd.stdout(writer).stderr(writer2);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (None, format!("cannot run {}: {e}\n", step.program)),
    };
    // The pipe's write ends now belong to the child only.
    drop(cmd);
    let collector = std::thread::spawn(move || {
        let mut reader = reader;
        let mut kept: Vec<u8> = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > 2 * OUTPUT_TAIL {
                kept.drain(..kept.len() - OUTPUT_TAIL);
            }
        }
        kept
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let pid = child.id();
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    // A process the command left behind could hold the pipe open: wait a little only.
    let wait_until = Instant::now() + Duration::from_secs(2);
    while !collector.is_finished() && Instant::now() < wait_until {
        std::thread::sleep(Duration::from_millis(5));
    }
    let bytes = if collector.is_finished() {
        collector.join().unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut output = String::from_utf8_lossy(&bytes).into_owned();
    if status.is_none() {
        output.push_str("\n(stopped: it did not finish in time)\n");
    }
    (status.and_then(|s| s.code()), output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(text: &str) -> Result<Option<Plan>, String> {
        plan(&shell::analyze(text), text, Path::new("/p"))
    }

    #[test]
    fn plain_commits_and_pushes_are_performed_as_written() {
        let p = planned("git commit -m 'add the parser'").unwrap().unwrap();
        assert_eq!(p.steps[0].args, ["commit", "-m", "add the parser"]);
        assert!(p.gated);
        let p = planned("cd sub && GIT_AUTHOR_NAME=x git push origin main")
            .unwrap()
            .unwrap();
        assert_eq!(p.cwd(), Path::new("/p/sub"));
        assert_eq!(
            p.steps[0].env,
            [("GIT_AUTHOR_NAME".to_owned(), "x".to_owned())]
        );
        assert_eq!(p.display(), "git push origin main");
        let p = planned("git add -A && git commit -m x").unwrap().unwrap();
        assert_eq!(p.display(), "git add -A && git commit -m x");
        for bundled in ["git commit -qm x", "git commit -am x", "git commit -mx"] {
            assert!(planned(bundled).unwrap().is_some(), "{bundled}");
        }
        assert!(planned("git commit -qF secret").is_err());
        // The repository's own hooks run for every commit the runner makes.
        for skipping in [
            "git commit --no-verify -m x",
            "git commit -nm x",
            "git merge --no-verify f",
        ] {
            assert!(planned(skipping).is_err(), "{skipping}");
        }
    }

    #[test]
    fn disguised_commits_are_refused_with_the_plain_form() {
        for text in [
            "bash -c 'git commit -m x'",
            "git commit -m \"$(cat msg)\"",
            "git add -p && git commit -m x",
            "git commit -m a && git push",
            "sudo git commit -m x",
            "git commit -m x > out.txt",
            "npm version patch",
            "git commit -m a; git commit -m b",
            "git commit -F /home/u/.ssh/id_rsa",
            "git commit -t template.txt -m x",
            "git -c core.fsmonitor=./evil.sh commit -m x",
            "git -C sub commit -m x",
            "git rebase --exec 'sh evil.sh' main",
            "git merge -s ours feature",
            "git push --receive-pack=evil origin main",
            "gh pr merge 1 --body-file secrets.txt",
            "git --git-dir=sub/.git stash",
        ] {
            let r = planned(text);
            assert!(r.is_err(), "{text}: {r:?}");
        }
    }

    #[test]
    fn everyday_ref_writes_are_performed_other_commands_are_not() {
        for text in [
            "git stash",
            "git stash pop",
            "git stash apply stash@{1}",
            "git checkout -b feature/x",
            "git switch main",
            "git branch topic",
            "git fetch origin",
            "git tag v1.0",
            "git tag -a v1.0 -m 'first release'",
        ] {
            let p = planned(text).unwrap();
            assert!(p.as_ref().is_some_and(|p| !p.gated), "{text}: {p:?}");
        }
        for text in [
            "git status",
            "git diff HEAD",
            "git checkout -- src/a.rs",
            "git fetch origin main:main",
            "git -c core.fsmonitor=./evil.sh stash",
            "git branch -f main HEAD~1",
            "git tag v1 0123abc",
            "git stash apply 0123abc",
            "ls",
            "npm test",
        ] {
            assert_eq!(planned(text), Ok(None), "{text}");
        }
    }

    #[test]
    fn the_report_reads_as_the_tools_result_and_keeps_the_status() {
        let out = Outcome {
            command: "git commit -m 'it'\\''s'".to_owned(),
            exit_code: Some(1),
            output: "nothing to commit\n".to_owned(),
            head: None,
        };
        let echo = out.echo_command();
        let ran = Command::new("sh").arg("-c").arg(&echo).output().unwrap();
        assert_eq!(ran.status.code(), Some(1));
        let text = String::from_utf8(ran.stdout).unwrap();
        assert!(
            text.starts_with("nothing to commit\n[agentspec ran `git commit"),
            "{text}"
        );
        assert!(text.contains("it failed with exit code 1"), "{text}");
    }
}
