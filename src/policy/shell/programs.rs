//! What well-known programs do with their arguments: wrappers that run another command,
//! shells and interpreters that run code given as text, and the few that only look a command
//! up. Tables are data; the walk in `mod.rs` applies them.

use super::words::{Word, WordKind};

/// What a program does with its arguments.
#[derive(Debug)]
pub enum Runs {
    /// It runs the command in `argv` (what follows the wrapper's own options).
    Command {
        argv: Vec<Word>,
        /// `NAME=VALUE` assignments the wrapper makes (`env A=1 cmd`).
        assignments: Vec<(String, Word)>,
        /// Variables it removes from the environment (`env -u NAME`).
        unsets: Vec<String>,
        /// It clears or resets the environment (`env -i`, `sudo`, `exec -c`).
        clears_env: bool,
        /// It adds arguments only known at run time (`xargs`).
        extra_args: bool,
    },
    /// It runs shell text (`bash -c TEXT`, `su -c TEXT`, `watch CMD`).
    Script(Word),
    /// It reads shell commands from its standard input.
    StandardInput,
    /// It does not run a command (`command -v git`, `env` without a command).
    Nothing,
    /// It runs something agentspec cannot see.
    Opaque(String),
}

fn command(argv: Vec<Word>) -> Runs {
    Runs::Command {
        argv,
        assignments: Vec::new(),
        unsets: Vec::new(),
        clears_env: false,
        extra_args: false,
    }
}

/// Whether the argument `arg` is the option `full` the way getopt and git's option parser read
/// it: the long option with or without `=value`, or any unambiguous abbreviation of it (`--upl=`
/// for `--upload-pack`, at least two letters); a short option alone or with its value glued on.
pub fn option_is(arg: &str, full: &str) -> bool {
    if let Some(long) = full.strip_prefix("--") {
        let Some(given) = arg.strip_prefix("--") else {
            return false;
        };
        let name = given.split('=').next().unwrap_or(given);
        return name == long || (name.len() >= 2 && long.starts_with(name));
    }
    arg == full || (full.len() == 2 && arg.starts_with(full) && !arg.starts_with("--"))
}

/// Whether any argument (before `--`) is one of `options`.
pub fn has_option(args: &[Word], options: &[&str]) -> bool {
    args.iter()
        .map(|w| w.text.as_str())
        .take_while(|a| *a != "--")
        .any(|a| options.iter().any(|o| option_is(a, o)))
}

/// The program's name as the shell looks it up: `/usr/bin/git` is `git`.
pub fn base_name(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// Skips leading options: `with_value` take the next word (or a glued value); a word that
/// does not start with `-` (or `--` itself) ends the options. Returns the index of the first
/// operand.
fn skip_options(args: &[Word], with_value: &[&str], long_with_value: &[&str]) -> usize {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            return i + 1;
        }
        if !a.starts_with('-') || a == "-" {
            return i;
        }
        if a.starts_with("--") {
            let name = a.split('=').next().unwrap_or(a);
            i += if long_with_value.contains(&name) && !a.contains('=') {
                2
            } else {
                1
            };
            continue;
        }
        // `-n 5`, `-n5`: a value glued to the letter is part of the same word.
        i += if with_value.contains(&a) { 2 } else { 1 };
    }
    // An option that takes a value may come last, without one.
    i.min(args.len())
}

/// Wrappers: programs that run the rest of their arguments as a command.
pub fn wrapper(program: &str, args: &[Word]) -> Option<Runs> {
    let rest = |from: usize| args.get(from..).map(<[Word]>::to_vec).unwrap_or_default();
    Some(match program {
        "env" => env(args),
        "command" => {
            let at = skip_options(args, &[], &[]);
            if args[..at]
                .iter()
                .any(|w| matches!(w.text.as_str(), "-v" | "-V" | "-pv" | "-pV"))
            {
                Runs::Nothing
            } else {
                command(rest(at))
            }
        }
        "builtin" | "nohup" | "chronic" | "catchsegv" | "unbuffer" | "setsid" | "time" => command(
            rest(skip_options(args, &["-f", "-o"], &["--format", "--output"])),
        ),
        "exec" => {
            let at = skip_options(args, &["-a"], &[]);
            let clears = args[..at]
                .iter()
                .any(|w| w.text.starts_with('-') && w.text.contains('c'));
            Runs::Command {
                argv: rest(at),
                assignments: Vec::new(),
                unsets: Vec::new(),
                clears_env: clears,
                extra_args: false,
            }
        }
        "nice" => command(rest(skip_options(args, &["-n"], &["--adjustment"]))),
        "ionice" => command(rest(skip_options(
            args,
            &["-c", "-n", "-p", "-P", "-u"],
            &["--class", "--classdata"],
        ))),
        "stdbuf" => command(rest(skip_options(
            args,
            &["-i", "-o", "-e"],
            &["--input", "--output", "--error"],
        ))),
        "timeout" => {
            let at = skip_options(args, &["-k", "-s"], &["--kill-after", "--signal"]);
            // The duration comes first.
            command(rest(at + 1))
        }
        "taskset" => {
            let at = skip_options(args, &[], &[]);
            if args[..at].iter().any(|w| w.text.contains('p')) {
                Runs::Nothing
            } else if args[..at].iter().any(|w| w.text.contains('c')) || at < args.len() {
                command(rest(at + 1))
            } else {
                Runs::Nothing
            }
        }
        "chrt" => {
            let at = skip_options(
                args,
                &["-T", "-P", "-D"],
                &["--sched-runtime", "--sched-period", "--sched-deadline"],
            );
            command(rest(at + 1))
        }
        "caffeinate" => command(rest(skip_options(args, &["-t", "-w"], &[]))),
        "flock" => {
            let at = skip_options(
                args,
                &["-w", "-E", "-c"],
                &["--timeout", "--conflict-exit-code", "--command"],
            );
            if let Some(i) = args[..at.min(args.len())]
                .iter()
                .position(|w| w.text == "-c" || w.text == "--command")
            {
                match args.get(i + 1) {
                    Some(script) => Runs::Script(script.clone()),
                    None => Runs::Nothing,
                }
            } else if let Some(i) = args.iter().skip(at + 1).position(|w| w.text == "-c") {
                match args.get(at + 1 + i + 1) {
                    Some(script) => Runs::Script(script.clone()),
                    None => Runs::Nothing,
                }
            } else {
                // `flock FILE cmd args`.
                command(rest(at + 1))
            }
        }
        "sudo" | "doas" => sudo(program, args),
        "xargs" => xargs(args),
        "strace" | "ltrace"
            if args
                .iter()
                .any(|w| w.text == "-E" || w.text.starts_with("--env")) =>
        {
            // `-E VAR=VAL` sets and `-E VAR` removes a variable of the traced command.
            let mut assignments = Vec::new();
            let mut unsets = Vec::new();
            for pair in args.windows(2).filter(|p| p[0].text == "-E") {
                match pair[1].text.split_once('=') {
                    Some((n, v)) => assignments.push((n.to_owned(), Word::literal(v))),
                    None => unsets.push(pair[1].text.clone()),
                }
            }
            let at = skip_options(
                args,
                &[
                    "-e", "-o", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-S", "-X", "-P",
                    "-n",
                ],
                &[],
            );
            Runs::Command {
                argv: rest(at),
                assignments,
                unsets,
                clears_env: false,
                extra_args: false,
            }
        }
        "strace" | "ltrace" => command(rest(skip_options(
            args,
            &[
                "-e", "-o", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-S", "-X", "-P", "-n",
            ],
            &[],
        ))),
        "valgrind" => command(rest(skip_options(args, &[], &[]))),
        "busybox" => command(rest(0)),
        "watch" => {
            let at = skip_options(args, &["-n"], &["--interval"]);
            let exec = args[..at]
                .iter()
                .any(|w| w.text == "-x" || w.text == "--exec");
            if exec {
                command(rest(at))
            } else {
                join_script(&args[at..])
            }
        }
        "script" => match args
            .iter()
            .position(|w| w.text == "-c" || w.text == "--command")
        {
            Some(i) => args
                .get(i + 1)
                .map_or(Runs::Nothing, |s| Runs::Script(s.clone())),
            None => Runs::Opaque("`script` starts an interactive shell".to_owned()),
        },
        "su" | "runuser" => {
            let login = args
                .iter()
                .any(|w| matches!(w.text.as_str(), "-" | "-l" | "--login"));
            if login {
                Runs::Opaque(format!(
                    "`{program} -l` starts a login shell with a reset environment, which switches agentspec's git hooks off"
                ))
            } else {
                match args
                    .iter()
                    .position(|w| w.text == "-c" || w.text == "--command")
                {
                    Some(i) => args
                        .get(i + 1)
                        .map_or(Runs::Nothing, |s| Runs::Script(s.clone())),
                    None => Runs::Opaque(format!("`{program}` starts a shell")),
                }
            }
        }
        "ssh" => {
            let at = skip_options(
                args,
                &[
                    "-p", "-i", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-b", "-c", "-e", "-m",
                    "-O", "-Q", "-S", "-W", "-w", "-E", "-B", "-I",
                ],
                &[],
            );
            // The host, then the command as shell text on the other side.
            if args.len() > at + 1 {
                join_script(&args[at + 1..])
            } else {
                Runs::Nothing
            }
        }
        "compgen" | "complete" => {
            match args
                .iter()
                .position(|w| w.text == "-C" || (w.text.starts_with("-C") && w.text.len() > 2))
            {
                Some(i) if args[i].text == "-C" => args
                    .get(i + 1)
                    .map_or(Runs::Nothing, |s| Runs::Script(s.clone())),
                Some(i) => Runs::Script(Word {
                    text: args[i].text[2..].to_owned(),
                    kind: args[i].kind,
                }),
                None => Runs::Nothing,
            }
        }
        "trap" => match args.first() {
            Some(w) if w.text.starts_with('-') => Runs::Nothing,
            Some(action) => Runs::Script(action.clone()),
            None => Runs::Nothing,
        },
        _ => return None,
    })
}

/// Words joined with spaces, run by a shell (`watch`, `ssh`).
fn join_script(words: &[Word]) -> Runs {
    if words.is_empty() {
        return Runs::Nothing;
    }
    if words.iter().any(|w| w.kind != WordKind::Literal) {
        return Runs::Opaque("it runs shell text only known at run time".to_owned());
    }
    let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    Runs::Script(Word::literal(text.join(" ")))
}

fn env(args: &[Word]) -> Runs {
    let mut unsets = Vec::new();
    let mut clears = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        match a {
            "-i" | "--ignore-environment" | "-" => clears = true,
            "-u" | "--unset" => {
                if let Some(n) = args.get(i + 1) {
                    unsets.push(n.text.clone());
                }
                i += 1;
            }
            "-C" | "--chdir" => i += 1,
            "-S" | "--split-string" => {
                // `env -S 'cmd args'` splits the string into words, like a shell would.
                return match args.get(i + 1) {
                    Some(s) => Runs::Script(s.clone()),
                    None => Runs::Nothing,
                };
            }
            "--" => {
                i += 1;
                break;
            }
            _ if a.starts_with("--unset=") => unsets.push(a["--unset=".len()..].to_owned()),
            _ if a.starts_with("--split-string=") => {
                return Runs::Script(Word::literal(&a["--split-string=".len()..]));
            }
            _ if a.starts_with("-u") && a.len() > 2 => unsets.push(a[2..].to_owned()),
            _ if a.starts_with("-S") && a.len() > 2 => return Runs::Script(Word::literal(&a[2..])),
            _ if a.starts_with("-") && !a.contains('=') => {
                if a.starts_with('-') && !a.starts_with("--") && a.contains('i') {
                    clears = true;
                }
            }
            _ => break,
        }
        i += 1;
    }
    let mut assignments = Vec::new();
    while let Some(w) = args.get(i) {
        match w.text.split_once('=') {
            Some((name, value)) if is_name(name) => {
                let value = if w.kind == WordKind::Literal {
                    Word::literal(value)
                } else {
                    Word {
                        text: value.to_owned(),
                        kind: WordKind::Dynamic,
                    }
                };
                assignments.push((name.to_owned(), value));
                i += 1;
            }
            _ => break,
        }
    }
    if i >= args.len() {
        return Runs::Nothing;
    }
    Runs::Command {
        argv: args[i..].to_vec(),
        assignments,
        unsets,
        clears_env: clears,
        extra_args: false,
    }
}

fn sudo(program: &str, args: &[Word]) -> Runs {
    let with_value: &[&str] = if program == "doas" {
        &["-u", "-C"]
    } else {
        &[
            "-u", "-g", "-C", "-D", "-p", "-r", "-t", "-U", "-T", "-R", "-c",
        ]
    };
    let at = skip_options(
        args,
        with_value,
        &[
            "--user",
            "--group",
            "--close-from",
            "--chdir",
            "--prompt",
            "--role",
            "--type",
            "--other-user",
            "--command-timeout",
            "--chroot",
        ],
    );
    let options = &args[..at.min(args.len())];
    let keeps_env = options
        .iter()
        .any(|w| w.text == "-E" || w.text.starts_with("--preserve-env"));
    if options
        .iter()
        .any(|w| matches!(w.text.as_str(), "-e" | "--edit"))
    {
        return Runs::Nothing;
    }
    let argv = args.get(at..).map(<[Word]>::to_vec).unwrap_or_default();
    if argv.is_empty() {
        let shell = options
            .iter()
            .any(|w| matches!(w.text.as_str(), "-s" | "-i" | "--shell" | "--login"));
        return if shell {
            Runs::Opaque(format!("`{program}` starts a shell"))
        } else {
            Runs::Nothing
        };
    }
    Runs::Command {
        argv,
        assignments: Vec::new(),
        unsets: Vec::new(),
        clears_env: !keeps_env,
        extra_args: false,
    }
}

fn xargs(args: &[Word]) -> Runs {
    let with_value = ["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s"];
    let long = [
        "--arg-file",
        "--delimiter",
        "--eof",
        "--replace",
        "--max-lines",
        "--max-args",
        "--max-procs",
        "--max-chars",
        "--process-slot-var",
    ];
    let mut replace: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') {
            break;
        }
        if a == "-I" {
            replace = args.get(i + 1).map(|w| w.text.clone());
            i += 2;
            continue;
        }
        if let Some(r) = a.strip_prefix("--replace=") {
            replace = Some(r.to_owned());
        } else if a == "-i" || a == "--replace" {
            replace = Some("{}".to_owned());
        } else if let Some(r) = a.strip_prefix("-i") {
            replace = Some(r.to_owned());
        } else if let Some(r) = a.strip_prefix("-I") {
            replace = Some(r.to_owned());
        }
        let name = a.split('=').next().unwrap_or(a);
        i += if with_value.contains(&a) || (long.contains(&name) && !a.contains('=')) {
            2
        } else {
            1
        };
    }
    let mut argv: Vec<Word> = args.get(i..).map(<[Word]>::to_vec).unwrap_or_default();
    if argv.is_empty() {
        argv.push(Word::literal("echo"));
    }
    if let Some(r) = replace.filter(|r| !r.is_empty()) {
        for w in &mut argv {
            if w.text.contains(&r) {
                w.kind = WordKind::Dynamic;
            }
        }
    }
    Runs::Command {
        argv,
        assignments: Vec::new(),
        unsets: Vec::new(),
        clears_env: false,
        extra_args: true,
    }
}

/// `find ... -exec cmd {} ;`: the commands it runs, each with the file names as dynamic
/// words; whether it writes (`-delete`, `-fprint`).
pub fn find_exec(args: &[Word]) -> (Vec<Vec<Word>>, bool) {
    let mut commands = Vec::new();
    let mut writes = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if matches!(a, "-delete" | "-fprint" | "-fprint0" | "-fprintf" | "-fls") {
            writes = true;
        }
        if matches!(a, "-exec" | "-execdir" | "-ok" | "-okdir") {
            let start = i + 1;
            let mut end = start;
            while end < args.len() && !matches!(args[end].text.as_str(), ";" | "+") {
                end += 1;
            }
            let argv: Vec<Word> = args[start..end]
                .iter()
                .map(|w| {
                    if w.text.contains("{}") {
                        Word {
                            text: w.text.clone(),
                            kind: WordKind::Dynamic,
                        }
                    } else {
                        w.clone()
                    }
                })
                .collect();
            if !argv.is_empty() {
                commands.push(argv);
            }
            i = end + 1;
            continue;
        }
        i += 1;
    }
    (commands, writes)
}

/// Shells: `bash -c TEXT` runs TEXT; `bash FILE` runs a script; `bash` alone reads its
/// standard input.
pub const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "fish", "rbash", "pdksh", "oksh",
];

pub fn shell(args: &[Word]) -> Runs {
    let mut command_mode = false;
    let mut stdin_mode = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" || a == "-" {
            i += 1;
            break;
        }
        if matches!(a, "--rcfile" | "--init-file") {
            return Runs::Opaque(format!("`{a}` makes the shell read another file"));
        }
        if a == "-c" || a == "--command" {
            command_mode = true;
            i += 1;
            continue;
        }
        if a.starts_with("--") {
            i += 1;
            continue;
        }
        if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            let letters = &a[1..];
            if letters.contains('c') && a.starts_with('-') {
                command_mode = true;
            }
            if letters.contains('s') && a.starts_with('-') {
                stdin_mode = true;
            }
            // `-o name` / `+O name` take the next word.
            i += if letters.ends_with('o') || letters.ends_with('O') {
                2
            } else {
                1
            };
            continue;
        }
        break;
    }
    if command_mode {
        return match args.get(i) {
            Some(script) => Runs::Script(script.clone()),
            None => Runs::Nothing,
        };
    }
    if stdin_mode || i >= args.len() {
        return Runs::StandardInput;
    }
    Runs::Opaque(format!(
        "`{}` is a script file, which agentspec cannot see into",
        args[i].text
    ))
}

/// Interpreters, and the options that give them code as text.
const INTERPRETERS: &[(&str, &[&str])] = &[
    ("python", &["-c"]),
    ("pypy", &["-c"]),
    ("node", &["-e", "--eval", "-p", "--print"]),
    ("nodejs", &["-e", "--eval", "-p", "--print"]),
    ("perl", &["-e", "-E"]),
    ("ruby", &["-e"]),
    ("php", &["-r"]),
    ("lua", &["-e"]),
    ("luajit", &["-e"]),
    ("rscript", &["-e"]),
    ("r", &["-e"]),
    ("osascript", &["-e"]),
    (
        "pwsh",
        &["-c", "-command", "-encodedcommand", "-ec", "-file", "-f"],
    ),
    (
        "powershell",
        &["-c", "-command", "-encodedcommand", "-ec", "-file", "-f"],
    ),
    ("julia", &["-e", "-E", "--eval", "--print"]),
    ("groovy", &["-e"]),
    ("tclsh", &[]),
    ("wish", &[]),
    ("expect", &["-c"]),
    (
        "gdb",
        &[
            "-ex",
            "-x",
            "--command",
            "--eval-command",
            "-batch",
            "--batch",
        ],
    ),
    ("lldb", &["-o", "-s", "--one-line", "--source"]),
    ("tsx", &["-e", "--eval", "-p", "--print"]),
    ("ts-node", &["-e", "--eval", "-p", "--print"]),
];

/// Programs that run commands written in the text they read on standard input (`sqlite3
/// .shell`, `ed !cmd`, `m4 esyscmd`, `dc !`, `psql \\!`): fed from a here-document, a
/// here-string or a pipe, what they run cannot be seen.
pub const STDIN_INTERPRETERS: &[&str] = &[
    "sqlite3", "ed", "red", "ex", "m4", "dc", "psql", "mysql", "gdb", "lldb", "expect", "tclsh",
    "wish", "ftp", "sftp", "irb", "octave", "julia",
];

/// Python modules that are tools run on the project (`python -m pytest`); any other `-m`
/// module may run code from its arguments (`python -m timeit 'code'`).
const TOOL_MODULES: &[&str] = &[
    "pytest",
    "unittest",
    "pip",
    "venv",
    "virtualenv",
    "mypy",
    "black",
    "ruff",
    "flake8",
    "pylint",
    "isort",
    "coverage",
    "build",
    "twine",
    "tox",
    "nox",
    "pyflakes",
    "py_compile",
    "compileall",
    "json.tool",
    "pydoc",
    "ensurepip",
    "pipx",
    "poetry",
    "hatch",
    "pdm",
    "uv",
    "bandit",
    "pyright",
    "nose2",
    "doctest",
    "sphinx",
    "mkdocs",
    "maturin",
    "setuptools_scm",
];

/// Normalises `python3.12` to `python`, `Rscript` to `rscript`.
fn interpreter_family(program: &str) -> String {
    let lower = program.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    trimmed.to_owned()
}

/// Whether `program` runs code it is given (`python -c`, `node -e`, a script file), with the
/// reason; `None` when it is not an interpreter or runs a module.
pub fn interpreter(program: &str, args: &[Word]) -> Option<Option<String>> {
    let family = interpreter_family(program);
    let (_, code_flags) = INTERPRETERS.iter().find(|(name, _)| *name == family)?;
    for (i, w) in args.iter().enumerate() {
        let a = w.text.as_str();
        let lower = a.to_ascii_lowercase();
        let clustered_code = a.starts_with('-')
            && !a.starts_with("--")
            && code_flags
                .iter()
                .any(|f| f.len() == 2 && a.len() > 2 && a[1..].contains(&f[1..]));
        if code_flags.contains(&lower.as_str())
            || code_flags
                .iter()
                .any(|f| f.starts_with("--") && lower.starts_with(&format!("{f}=")))
            || clustered_code
        {
            return Some(Some(format!("`{program} {a}` runs code given as text")));
        }
        if family == "node" && a == "--test" {
            return Some(None);
        }
        if matches!(family.as_str(), "python" | "pypy") && a == "-m" {
            let module = args.get(i + 1).map_or("", |m| m.text.as_str());
            let tool = TOOL_MODULES
                .iter()
                .any(|t| module == *t || module.starts_with(&format!("{t}.")));
            return Some((!tool).then(|| {
                format!(
                    "`{program} -m {module}` runs a module that may run code from its arguments"
                )
            }));
        }
        if !a.starts_with('-') {
            return Some(Some(format!(
                "`{program} {a}` runs a script file, which agentspec cannot see into"
            )));
        }
    }
    if args
        .iter()
        .any(|w| matches!(w.text.as_str(), "--version" | "-V" | "--help" | "-h" | "-v"))
    {
        return Some(None);
    }
    let reads_stdin = matches!(
        family.as_str(),
        "python" | "pypy" | "node" | "nodejs" | "perl" | "ruby" | "php" | "lua" | "luajit"
    );
    if reads_stdin && args.iter().all(|w| w.text.starts_with('-')) {
        return Some(Some(format!(
            "`{program}` reads code from its standard input"
        )));
    }
    Some(None)
}

/// awk programs that run commands (`system()`, `| "cmd"`, `"cmd" | getline`).
pub fn awk(args: &[Word]) -> Option<String> {
    let mut i = 0;
    let mut program: Option<&Word> = None;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "-f"
            || a.starts_with("--file")
            || (a.starts_with("-f") && a.len() > 2 && !a.starts_with("-F"))
        {
            return Some("the awk program comes from a file".to_owned());
        }
        if a == "-e" || a == "--source" {
            program = args.get(i + 1);
            break;
        }
        if matches!(a, "-F" | "-v" | "--assign" | "--field-separator") {
            i += 2;
            continue;
        }
        if a == "--" {
            program = args.get(i + 1);
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += 1;
            continue;
        }
        program = Some(&args[i]);
        break;
    }
    let p = program?;
    if p.kind != WordKind::Literal {
        return Some("the awk program is only known at run time".to_owned());
    }
    let t = &p.text;
    if t.contains("system") || t.contains('|') || t.contains("getline") {
        return Some("the awk program runs commands".to_owned());
    }
    None
}

/// GNU sed's `e` command and `s///e` flag run shell commands.
pub fn sed(args: &[Word]) -> Option<String> {
    let mut scripts: Vec<Word> = Vec::new();
    let mut explicit = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].text.as_str();
        if a == "--" {
            if !explicit && let Some(s) = args.get(i + 1) {
                scripts.push(s.clone());
            }
            break;
        }
        if option_is(a, "--file")
            || (a.starts_with('-') && !a.starts_with("--") && a[1..].contains('f'))
        {
            return Some("the sed script comes from a file".to_owned());
        }
        if option_is(a, "--expression") {
            explicit = true;
            match a.split_once('=') {
                Some((_, v)) => scripts.push(Word {
                    text: v.to_owned(),
                    kind: args[i].kind,
                }),
                None => scripts.extend(args.get(i + 1).cloned()),
            }
            i += if a.contains('=') { 1 } else { 2 };
            continue;
        }
        if a.starts_with('-') && !a.starts_with("--") && a.len() > 1 {
            // A cluster such as `-ne`: `e` takes the rest of the word or the next one.
            if let Some(at) = a[1..].find('e') {
                explicit = true;
                let rest = &a[at + 2..];
                if rest.is_empty() {
                    scripts.extend(args.get(i + 1).cloned());
                    i += 2;
                } else {
                    scripts.push(Word {
                        text: rest.to_owned(),
                        kind: args[i].kind,
                    });
                    i += 1;
                }
                continue;
            }
            i += if a == "-l" { 2 } else { 1 };
            continue;
        }
        if a.starts_with("--") {
            i += if option_is(a, "--line-length") && !a.contains('=') {
                2
            } else {
                1
            };
            continue;
        }
        if !explicit {
            scripts.push(args[i].clone());
            break;
        }
        i += 1;
    }
    for s in scripts {
        if s.kind != WordKind::Literal {
            return Some("the sed script is only known at run time".to_owned());
        }
        if sed_runs_commands(&s.text) {
            return Some("the sed script runs shell commands (`e`)".to_owned());
        }
    }
    None
}

fn sed_runs_commands(script: &str) -> bool {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut at_command = true;
    while i < chars.len() {
        let c = chars[i];
        if at_command {
            match c {
                ' ' | '\t' | ';' | '\n' | '{' | '}' | '!' => {}
                '0'..='9' | '$' | ',' | '~' | '+' => {}
                '/' | '\\' => {
                    // An address regex: skip to its closing delimiter.
                    let delim = if c == '\\' {
                        i += 1;
                        chars.get(i).copied().unwrap_or('/')
                    } else {
                        '/'
                    };
                    i += 1;
                    while i < chars.len() && chars[i] != delim {
                        if chars[i] == '\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                'e' => return true,
                's' | 'y' => {
                    let Some(&delim) = chars.get(i + 1) else {
                        return false;
                    };
                    i += 2;
                    for _ in 0..2 {
                        while i < chars.len() && chars[i] != delim {
                            if chars[i] == '\\' {
                                i += 1;
                            }
                            i += 1;
                        }
                        i += 1;
                    }
                    while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                        if chars[i] == 'e' && c == 's' {
                            return true;
                        }
                        if chars[i] == 'w' {
                            break;
                        }
                        i += 1;
                    }
                    at_command = false;
                    continue;
                }
                _ => at_command = false,
            }
        } else if c == ';' || c == '\n' || c == '}' || c == '{' {
            at_command = true;
        }
        i += 1;
    }
    false
}

/// Editors and multiplexers that run commands given on their command line.
pub fn runs_commands_otherwise(program: &str, args: &[Word]) -> Option<String> {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    match program {
        "vi" | "vim" | "nvim" | "ex" | "view" | "gvim" | "vimdiff" => texts
            .iter()
            .any(|a| a.starts_with('+') || matches!(*a, "-c" | "--cmd" | "-S" | "-s" | "-u"))
            .then(|| format!("`{program}` is told to run editor commands")),
        "emacs" | "emacsclient" => texts
            .iter()
            .any(|a| {
                a.starts_with("--eval")
                    || a.starts_with("-l")
                    || a.starts_with("--load")
                    || *a == "-f"
                    || a.starts_with("--funcall")
                    || *a == "-e"
            })
            .then(|| format!("`{program}` is told to run Lisp code")),
        "tmux" | "screen" | "byobu" => {
            let harmless = texts.is_empty()
                || texts.iter().all(|a| {
                    matches!(
                        *a,
                        "ls" | "list-sessions"
                            | "-ls"
                            | "-list"
                            | "has-session"
                            | "kill-server"
                            | "-V"
                    )
                });
            (!harmless).then(|| format!("`{program}` runs commands in another terminal"))
        }
        "at" | "batch" | "crontab" | "systemd-run" | "parallel" | "nsenter" | "unshare"
        | "chroot" | "firejail" | "bwrap" | "proot" => {
            Some(format!("`{program}` runs commands agentspec cannot see"))
        }
        "docker" | "podman" | "nerdctl" | "kubectl" | "oc" => texts
            .iter()
            .any(|a| matches!(*a, "run" | "exec" | "start" | "create" | "debug" | "cp"))
            .then(|| format!("`{program}` runs commands in a container")),
        "tar" | "gtar" | "bsdtar" => has_option(
            args,
            &[
                "--checkpoint-action",
                "--to-command",
                "--use-compress-program",
                "-I",
                "--info-script",
                "--new-volume-script",
                "-F",
                "--rsh-command",
                "--rmt-command",
            ],
        )
        .then(|| "`tar` is told to run another program".to_owned()),
        "make" | "gmake" => (has_option(args, &["--eval", "-E"])
            || args.windows(2).any(|w| {
                matches!(w[0].text.as_str(), "-f" | "--file" | "--makefile")
                    && matches!(w[1].text.as_str(), "-" | "/dev/stdin")
            })
            || texts
                .iter()
                .any(|a| matches!(*a, "-f-" | "--file=-" | "--makefile=-")))
        .then(|| {
            "`make` runs recipe text given on the command line or its standard input".to_owned()
        }),
        "man" => has_option(args, &["--pager", "-P", "--html", "-H"])
            .then(|| "`man` is told to run another program".to_owned()),
        "rsync" => has_option(args, &["--rsh", "-e", "--rsync-path"])
            .then(|| "`rsync` is told to run another program".to_owned()),
        "zip" => has_option(args, &["-TT", "--unzip-command"])
            .then(|| "`zip` is told to run another program".to_owned()),
        "sqlite3" => texts
            .iter()
            .any(|a| {
                a.contains(".shell")
                    || a.contains(".system")
                    || a.starts_with("-cmd")
                    || a.contains(".once")
                    || a.contains(".output")
            })
            .then(|| "`sqlite3` is told to run shell commands".to_owned()),
        "m4" => texts
            .iter()
            .any(|a| a.contains("syscmd"))
            .then(|| "`m4` is told to run shell commands".to_owned()),
        "dc" => (!texts.is_empty()).then(|| "`dc` runs commands (`!`) from its program".to_owned()),
        "ed" | "red" => texts
            .iter()
            .any(|a| a.contains('!'))
            .then(|| "`ed` is told to run shell commands".to_owned()),
        "bun" => has_option(args, &["-e", "--eval", "-p", "--print"])
            .then(|| "`bun --eval` runs code given as text".to_owned()),
        "deno" => texts
            .first()
            .is_some_and(|a| *a == "eval" || *a == "repl")
            .then(|| "`deno eval` runs code given as text".to_owned()),
        "npx" | "npm" | "pnpm" | "yarn" => has_option(args, &["-c", "--call"])
            .then(|| format!("`{program} --call` runs shell text")),
        "entr" => has_option(args, &["-s"]).then(|| "`entr -s` runs shell text".to_owned()),
        "compgen" | "complete" => {
            has_option(args, &["-F"]).then(|| "`compgen -F` calls a shell function".to_owned())
        }
        "hash" => texts
            .iter()
            .any(|a| a.starts_with("-p"))
            .then(|| "`hash -p` makes a command name run another program".to_owned()),
        "enable" => texts
            .iter()
            .any(|a| a.starts_with("-f"))
            .then(|| "`enable -f` loads a builtin from a file".to_owned()),
        _ => None,
    }
}

/// `NAME` is a shell variable name.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// git environment that only names people, dates and tracing; any other `GIT_*` variable can
/// change what git runs, which repository it works on or which configuration it reads.
const SAFE_GIT_VARIABLES: &[&str] = &[
    "GIT_TERMINAL_PROMPT",
    "GIT_FLUSH",
    "GIT_OPTIONAL_LOCKS",
    "GIT_MERGE_AUTOEDIT",
    "GIT_MERGE_VERBOSITY",
    "GIT_ADVICE",
    "GIT_PROGRESS_DELAY",
    "GIT_CURL_VERBOSE",
    "GIT_REDACT_COOKIES",
];

/// The commit's author and committer, and their dates.
pub fn names_people(name: &str) -> bool {
    let person = name
        .strip_prefix("GIT_AUTHOR_")
        .or_else(|| name.strip_prefix("GIT_COMMITTER_"));
    matches!(person, Some("NAME" | "EMAIL" | "DATE"))
}

/// Variables whose value changes which program a command name runs, or what git runs, or how
/// the runner's git hooks find the session: assigning, exporting or unsetting them is opaque.
pub fn is_sensitive_variable(name: &str) -> bool {
    if let Some(rest) = name.strip_prefix("GIT_") {
        return !SAFE_GIT_VARIABLES.contains(&name)
            && !names_people(name)
            && !rest.starts_with("TRACE")
            && !rest.ends_with("_PATHSPECS");
    }
    matches!(
        name,
        "PATH"
            | "PAGER"
            | "EDITOR"
            | "VISUAL"
            | "BASH_ENV"
            | "ENV"
            | "LD_PRELOAD"
            | "LD_LIBRARY_PATH"
            | "LD_AUDIT"
            | "SHELLOPTS"
            | "BASHOPTS"
            | "PROMPT_COMMAND"
            | "CDPATH"
            | "XDG_CONFIG_HOME"
            | "HOME"
            | "MANPAGER"
            | "MANOPT"
            | "BROWSER"
            | "LESSOPEN"
            | "LESSCLOSE"
            | "GCONV_PATH"
            | "PERL5OPT"
            | "RUBYOPT"
            | "PYTHONSTARTUP"
            | "JAVA_TOOL_OPTIONS"
            | "_JAVA_OPTIONS"
            | "JDK_JAVA_OPTIONS"
            | "SSH_ASKPASS"
            | "SUDO_ASKPASS"
            | "ZDOTDIR"
            | "PS1"
            | "PS2"
            | "PS3"
            | "PS4"
    ) || name.starts_with("DYLD_")
        || name.starts_with("AGENTSPEC_")
        || name.starts_with("BASH_FUNC_")
}

/// Programs that stand for git.
pub fn is_git(program: &str) -> bool {
    program == "git" || program == "hub"
}

/// `git-commit` (git's dashed form, still installed under `git --exec-path`) as `git commit`.
pub fn dashed_git(program: &str) -> Option<&str> {
    program.strip_prefix("git-").filter(|s| !s.is_empty())
}

/// Path-qualified programs that are package binaries or build wrappers, not the agent's
/// own scripts: `./gradlew test`, `node_modules/.bin/jest`.
pub fn is_project_tool(path: &str) -> bool {
    let name = base_name(path);
    path.contains("node_modules/.bin/")
        || path.contains(".venv/bin/")
        || path.contains("venv/bin/")
        || matches!(
            name,
            "gradlew" | "mvnw" | "sbt" | "pants" | "bazelw" | "bazel"
        )
        || path.starts_with("/usr/")
        || path.starts_with("/bin/")
        || path.starts_with("/sbin/")
        || path.starts_with("/opt/")
        || path.starts_with("/nix/")
}

/// `gh` (GitHub's CLI) commands that change a remote repository as a push does.
pub fn gh_pushes(args: &[Word]) -> bool {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    matches!(texts.as_slice(), ["pr", "merge", ..] | ["repo", "sync", ..])
}

/// `glab` commands that merge on the server, where no git hook sees it.
pub fn glab_pushes(args: &[Word]) -> bool {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    matches!(
        texts.as_slice(),
        ["mr", "merge" | "accept", ..] | ["repo", "mirror", ..]
    )
}

/// The git operations a package manager's release command performs: `npm version 1.2.3`
/// (also `yarn`, `pnpm`) commits and tags the version bump; `lerna version` commits, tags and
/// pushes, `lerna publish` too.
pub fn release_operations(program: &str, args: &[Word]) -> Vec<super::git::GitOperation> {
    use super::git::GitOperation::{Commit, Push};
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let no_git = |flags: &[&str]| {
        texts.iter().any(|a| {
            flags
                .iter()
                .any(|f| a == f || a.starts_with(&format!("{f}=")))
        })
    };
    match (program, texts.as_slice()) {
        ("npm" | "pnpm", ["version", bump, ..]) if !bump.starts_with('-') || texts.len() > 2 => {
            if no_git(&["--no-git-tag-version", "--git-tag-version=false"]) {
                Vec::new()
            } else {
                vec![Commit]
            }
        }
        ("yarn", ["version", ..]) if !no_git(&["--no-git-tag-version"]) => vec![Commit],
        ("lerna", ["version" | "publish", ..]) => {
            let mut ops = Vec::new();
            if !no_git(&["--no-git-tag-version"]) {
                ops.push(Commit);
            }
            if !no_git(&["--no-push"]) {
                ops.push(Push);
            }
            ops
        }
        _ => Vec::new(),
    }
}

/// Environment variables a command may set and still be matched by `Bash(...)` allow rules:
/// they change no program that runs and name no file that is written.
pub const NEUTRAL_VARIABLES: &[&str] = &[
    "CI",
    "NODE_ENV",
    "RUST_BACKTRACE",
    "RUST_LOG",
    "TERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "DEBUG",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "COLUMNS",
    "LINES",
];

/// Whether one path component, as written (a glob pattern allowed), can name `name`.
pub fn component_can_be(component: &str, name: &str) -> bool {
    // Case-insensitive file systems (macOS, Windows) read `.GIT` as `.git`.
    if !component.contains(['*', '?', '[']) {
        return component.eq_ignore_ascii_case(name);
    }
    globset::GlobBuilder::new(component)
        .literal_separator(true)
        .case_insensitive(true)
        .build()
        .map_or(true, |g| g.compile_matcher().is_match(name))
}

/// A component with every glob construct replaced by one character it can stand for
/// (`remote.gi[t]` → `remote.git`, `*.git` → `x.git`), to test suffixes.
fn shadow(component: &str) -> String {
    let mut out = String::new();
    let mut chars = component.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => out.push('x'),
            '[' => {
                let class: String = chars.by_ref().take_while(|c| *c != ']').collect();
                // A negated class can stand for almost anything: assume the worst, `t`.
                out.push(
                    if class.starts_with(['!', '^']) {
                        Some('t')
                    } else {
                        class
                            .chars()
                            .find(|c| *c == 't')
                            .or_else(|| class.chars().next())
                    }
                    .unwrap_or('x'),
                );
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a path (glob patterns allowed) can name git's own files: a `.git` folder, a bare
/// repository's (`*.git`) `refs`, `objects`, `HEAD`, `packed-refs`, `hooks` or `config`, any
/// `refs/heads/` or `packed-refs`.
pub fn is_git_internal(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let inside_bare = ["refs", "objects", "HEAD", "packed-refs", "hooks", "config"];
    parts.iter().enumerate().any(|(i, p)| {
        component_can_be(p, ".git")
            || (shadow(p).to_ascii_lowercase().ends_with(".git")
                && parts
                    .get(i + 1)
                    .is_some_and(|next| inside_bare.iter().any(|n| component_can_be(next, n))))
            || (component_can_be(p, "refs")
                && parts
                    .get(i + 1)
                    .is_some_and(|next| component_can_be(next, "heads")))
    }) || parts
        .last()
        .is_some_and(|p| component_can_be(p, "packed-refs"))
}

/// Whether a path (glob patterns allowed) names a git repository folder itself (`.git`,
/// `remote.git`): linking to one opens its refs to plain writes.
pub fn is_repository_folder(path: &str) -> bool {
    path.split('/')
        .filter(|p| !p.is_empty())
        .any(|p| component_can_be(p, ".git") || shadow(p).to_ascii_lowercase().ends_with(".git"))
}

/// Programs that write the files named in their arguments.
pub const FILE_WRITERS: &[&str] = &[
    "cp", "mv", "ln", "install", "tee", "dd", "rsync", "truncate", "touch", "rm", "unlink",
    "chmod", "chown", "mkdir", "rmdir", "sed", "gsed", "patch", "tar", "unzip", "shred", "sort",
    "split", "csplit", "uniq",
];

/// Programs that only read the files named in their arguments.
pub const READ_ONLY: &[&str] = &[
    "cat",
    "head",
    "tail",
    "less",
    "more",
    "grep",
    "egrep",
    "fgrep",
    "rg",
    "ag",
    "ack",
    "ls",
    "stat",
    "file",
    "wc",
    "od",
    "xxd",
    "hexdump",
    "strings",
    "readlink",
    "realpath",
    "test",
    "[",
    "du",
    "tree",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "cmp",
    "jq",
    "yq",
    "echo",
    "printf",
    "bat",
    "git",
    "cd",
    "pushd",
];

/// A program that may write pointed at git's own files (an argument, or an option's value, in
/// a `.git` folder); `ln` with an argument only known at run time too (it could link to one).
pub fn writes_git_internals(program: &str, args: &[Word]) -> Option<String> {
    if READ_ONLY.contains(&program) {
        return None;
    }
    if program == "ln" {
        if args.iter().any(|w| w.kind == WordKind::Dynamic) {
            return Some("`ln` links a path only known at run time".to_owned());
        }
        if let Some(w) = args.iter().find(|w| is_repository_folder(&w.text)) {
            return Some(format!("`ln` links a git repository folder (`{}`)", w.text));
        }
    }
    args.iter()
        .map(|w| {
            let t = w.text.as_str();
            t.strip_prefix("of=")
                .or_else(|| {
                    t.split_once('=')
                        .filter(|_| t.starts_with('-'))
                        .map(|(_, v)| v)
                })
                .unwrap_or(t)
        })
        .find(|a| is_git_internal(a))
        .map(|a| format!("`{program}` may change git's own files (`{a}`)"))
}

/// Programs that only print, search or look things up: a `git commit` among their arguments is
/// text, not a command.
pub const NON_EXECUTING: &[&str] = &[
    "echo", "printf", "grep", "egrep", "fgrep", "rg", "ag", "ack", "which", "whereis", "type",
    "apropos", "whatis", "cat", "head", "tail", "less", "more", "wc", "sort", "uniq", "cut", "tr",
    "column", "jq", "yq", "test", "[", "ls", "stat", "file", "du", "df", "diff", "cmp", "comm",
    "basename", "dirname", "realpath", "readlink", "date", "sleep", "true", "false", "read", "pwd",
    "set", "shift", "exit", "return", "wait", "kill", "apt", "apt-get", "dnf", "yum", "brew",
    "pip", "pip3", "touch", "mkdir", "rm", "cp", "mv", "chmod", "ln", "curl", "wget", "command",
    "hash",
];
