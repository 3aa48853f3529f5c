use crate::diagnostics::Diagnostic;
use crate::model::tools::ToolList;
use crate::policy::permission::specifier_matches;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a `` !`command` `` line (or a line of a ```` ```! ```` block) in a slash command
    /// or a skill that runs a command
    /// which is not read-only and that no `Bash` entry of its `allowed-tools` allows. Each
    /// command of a pipeline or a list (`|`, `||`, `&&`, `;`) is checked on its own, as
    /// Claude Code checks them; read-only ones (`echo`, `ls`, `cat`, `head`, `git status`,
    /// `git diff`, ...) need no permission.
    ///
    /// ## Why is this bad?
    /// Claude Code runs such lines before the prompt is sent and puts their output in it.
    /// When one of them is not allowed, the whole command fails ("Shell command permission
    /// check failed", measured with 2.1.332 headless): nothing is sent to the model.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// description: Stage everything and show the result
    /// ---
    /// Staged: !`git add -A && git status --short`
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// description: Stage everything and show the result
    /// allowed-tools: Bash(git add *)
    /// ---
    /// Staged: !`git add -A && git status --short`
    /// ```
    pub RULE = { code: "AS753", name: "shell-line-not-allowed", label: "not allowed by allowed-tools", category: Skills, severity: Warning, fix: None, dialects: ["claude-command", "claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let rules = bash_rules(cx.spec.tools.as_ref());
    // `` !`cmd` `` in prose, and each line of a ```` ```! ```` block, which runs too.
    let mut commands: Vec<(usize, &str)> = super::prose_lines(cx)
        .flat_map(|(offset, line)| {
            shell_lines(line)
                .into_iter()
                .map(move |(start, command)| (offset + start, command))
        })
        .collect();
    let body = cx.doc.body(cx.text());
    for fence in body.fences.iter().filter(|f| f.lang == "!") {
        let content = cx.slice(fence.content);
        let mut offset = fence.content.start;
        for line in content.split_inclusive('\n') {
            let command = line.trim_end_matches(['\n', '\r']);
            let lead = command.len() - command.trim_start().len();
            if !command.trim().is_empty() && !command.trim_start().starts_with('#') {
                commands.push((offset + lead, command.trim()));
            }
            offset += line.len();
        }
    }
    for (at, command) in commands {
        // Claude Code checks each command of a pipeline or a list on its own. Read-only
        // commands need no permission (measured: `echo`, `ls | head` and `git status | wc -l`
        // run with no `allowed-tools`).
        let denied = parts(command)
            .into_iter()
            .find(|(part, writes)| {
                (*writes || !read_only(part))
                    && !rules.iter().any(|r| match r {
                        None => true,
                        Some(pattern) => specifier_matches(pattern, part),
                    })
            })
            .map(|(part, _)| part);
        if let Some(part) = denied {
            out.push(
                RULE.diag(
                    Span::new(at, at + command.len()),
                    format!("`{command}` runs before the prompt is sent, and `allowed-tools` does not allow `{part}`: Claude Code refuses the whole command"),
                )
                .with_help(format!("add `Bash({})` to `allowed-tools`", suggested(&part))),
            );
        }
    }
}

/// The `Bash` entries of an `allowed-tools` list, by their patterns; `None` is `Bash`
/// alone, which allows every command.
fn bash_rules(tools: Option<&ToolList>) -> Vec<Option<String>> {
    tools
        .iter()
        .flat_map(|t| &t.entries)
        .filter(|e| e.syntax_error.is_none() && e.name == "Bash")
        .map(|e| e.specifier.as_ref().map(|(s, _)| s.clone()))
        .collect()
}

/// Programs that only read, which Claude Code runs without asking.
const READ_ONLY: &[&str] = &[
    "echo", "printf", "cat", "head", "tail", "wc", "ls", "pwd", "date", "whoami", "hostname",
    "uname", "df", "du", "ps", "which", "type", "env", "printenv", "grep", "egrep", "fgrep", "rg",
    "sort", "uniq", "cut", "tr", "jq", "basename", "dirname", "realpath", "readlink", "stat",
    "file", "test", "[", "true", "false", "diff", "cmp", "tree", "id", "nproc", "uptime",
];

/// Read-only `git` subcommands.
const GIT_READ_ONLY: &[&str] = &[
    "status",
    "diff",
    "log",
    "show",
    "rev-parse",
    "describe",
    "ls-files",
    "blame",
    "shortlog",
    "for-each-ref",
    "show-ref",
    "merge-base",
    "count-objects",
    "whatchanged",
    "name-rev",
    "branch",
    "remote",
    "tag",
    "config",
    "grep",
    "ls-tree",
    "cat-file",
    "rev-list",
    "reflog",
];

/// Whether a simple command only reads: a read-only program (`git` with a read-only
/// subcommand), and no output written to a file. `find` with `-delete` or `-exec` and `sed -i`
/// write; `git branch NAME`, `git tag NAME`, `git config KEY VALUE` are taken as reads only
/// without arguments beyond options.
fn read_only(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let Some(program) = words.first() else {
        return true;
    };
    let program = program.rsplit('/').next().unwrap_or(program);
    if program == "git" {
        let sub = words.iter().skip(1).find(|w| !w.starts_with('-'));
        return match sub {
            Some(&("branch" | "tag" | "config" | "remote")) => words
                .iter()
                .skip(2)
                .all(|w| w.starts_with('-') || *w == "show" || *w == "list"),
            Some(s) => GIT_READ_ONLY.contains(s),
            None => true,
        };
    }
    if program == "find" {
        return !words
            .iter()
            .any(|w| matches!(*w, "-delete" | "-exec" | "-execdir" | "-ok"));
    }
    if program == "command" {
        return words.get(1).is_some_and(|w| *w == "-v" || *w == "-V");
    }
    READ_ONLY.contains(&program)
}

/// The simple commands of a command line, each with whether it writes its output to a file:
/// split at `|`, `||`, `&&`, `;` and `&` outside quotes (`2>&1` is a redirection), the
/// redirections (`2>/dev/null`, `> out`, `< in`) left out of the text.
fn parts(command: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c) => current.push(c),
            (None, '\\') => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '&') if current.ends_with(['>', '<']) => current.push(c),
            (None, '|' | ';' | '&') => {
                if matches!(chars.peek(), Some('|' | '&')) {
                    chars.next();
                }
                parts.push(std::mem::take(&mut current));
            }
            (None, c) => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| without_redirections(p))
        .filter(|(p, _)| !p.is_empty())
        .collect()
}

/// A simple command's words without its redirections, and whether one of them writes to a
/// file (not `/dev/null`, not another descriptor).
fn without_redirections(part: &str) -> (String, bool) {
    let mut words = Vec::new();
    let mut writes = false;
    let mut target_next: Option<bool> = None;
    for word in part.split_whitespace() {
        if let Some(output) = target_next.take() {
            writes |= output && word != "/dev/null";
            continue;
        }
        let op = word.trim_start_matches(|c: char| c.is_ascii_digit());
        if op.starts_with('>') || op.starts_with('<') {
            let output = op.starts_with('>');
            let target = op.trim_start_matches(['>', '<']);
            if target.is_empty() {
                target_next = Some(output);
            } else if output && !target.starts_with('&') && target != "/dev/null" {
                writes = true;
            }
            continue;
        }
        words.push(word);
    }
    (words.join(" "), writes)
}

/// The commands of `` !`...` `` on a line (the `!` at the start or after a space), with their
/// offsets.
fn shell_lines(line: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(d) = line[i..].find("!`") {
        let bang = i + d;
        let start = bang + 2;
        // Claude Code runs `!` only at the start of a line or after a space: the `!` of
        // ``add `!` after the scope`` is text (measured).
        if line[..bang]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
        {
            i = start;
            continue;
        }
        let Some(len) = line[start..].find('`') else {
            break;
        };
        let command = &line[start..start + len];
        if !command.trim().is_empty() {
            found.push((start, command));
        }
        i = start + len + 1;
    }
    found
}

/// A permission rule for the command: its first word (two for `git`, `npm` and the like)
/// followed by `*`.
fn suggested(command: &str) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    let two = matches!(
        words.first().copied(),
        Some("git" | "npm" | "pnpm" | "yarn" | "cargo" | "gh" | "docker" | "kubectl" | "go")
    );
    let head = if two && words.len() > 1 {
        words[..2].join(" ")
    } else {
        words.first().copied().unwrap_or("").to_owned()
    };
    format!("{head} *")
}
