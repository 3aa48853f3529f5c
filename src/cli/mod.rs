//! The command line: the only place that prints or exits.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::diagnostics::render::{self, Summary};
use crate::discover;
use crate::lint::{self, Input};
use crate::rules::{self, RULES};

/// The exit status of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No errors (and warnings within limits).
    Clean = 0,
    /// Problems were found.
    Problems = 1,
    /// agentspec could not do its job: bad arguments, unreadable configuration.
    Failure = 2,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

#[derive(Parser)]
#[command(
    name = "agentspec",
    version,
    about = "Lint, compile and enforce Markdown agent definitions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check agent files and report problems.
    Check(CheckArgs),
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Show what agentspec understood of one agent file: frontmatter, effective tools,
    /// protocol steps, Definition of Done.
    Inspect {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        /// Use this configuration file instead of the nearest `agentspec.toml`.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Compile agents into a policy bundle (manifest, one policy per agent, and a Claude Code
    /// settings fragment with the runner's hooks).
    Build(BuildArgs),
    /// Enforce a bundle.
    Run {
        #[command(subcommand)]
        command: RunCommand,
    },
    /// Install the bundle's hooks into Claude Code's settings.
    Hooks {
        #[command(subcommand)]
        command: HooksCommand,
    },
    /// Check that the installed hooks can enforce: binary, bundle and settings file.
    Doctor {
        /// The settings file to check.
        #[arg(long, default_value = ".claude/settings.json")]
        settings: PathBuf,
    },
    /// Print a JSON Schema: bundle, config, frontmatter, inspect, event or decision.
    Schema {
        #[arg(value_enum)]
        name: SchemaName,
    },
    /// Run the language server on stdin/stdout (diagnostics, quick fixes, hover, completion,
    /// document symbols).
    Lsp,
    /// Print one rule's documentation.
    Explain {
        /// A rule code (`AS101`) or name (`unknown-key`).
        rule: String,
    },
}

#[derive(Subcommand)]
enum RunCommand {
    /// The Claude Code hook: one event on stdin, Claude Code's answer on stdout. Fails closed:
    /// any error exits 2 with the reason on stderr.
    Hook {
        #[arg(long)]
        bundle: PathBuf,
        /// Where session state and the audit log live (default: `$XDG_STATE_HOME/agentspec/<hash>`,
        /// outside the project).
        #[arg(long)]
        state_dir: Option<PathBuf>,
        /// The agent whose policy governs the main session.
        #[arg(long)]
        main_agent: Option<String>,
    },
    /// Replay a recorded session (the runner's audit log, captured hook events, or a Claude
    /// Code transcript) and report every violation; exit 1 if any.
    Replay {
        #[arg(long, required_unless_present = "verify")]
        bundle: Option<PathBuf>,
        /// Check the audit log's hash chain and its recorded end instead of replaying: exit 1
        /// when a line was removed, changed or moved, or the end was cut off.
        #[arg(long)]
        verify: bool,
        /// The agent whose policy applies when the recording does not name one.
        #[arg(long)]
        agent: Option<String>,
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// The git hooks' backstop (installed by `hooks install` through the settings' `env`):
    /// refuses a commit or push the session has not approved, then runs the repository's own
    /// hook. Fails closed: any error exits 1, which makes git abort.
    #[command(name = "git-hook")]
    GitHook {
        #[arg(long)]
        bundle: PathBuf,
        #[arg(long)]
        state_dir: PathBuf,
        #[arg(long)]
        main_agent: Option<String>,
        /// The hook's name (`pre-commit`, `pre-push`, `reference-transaction`, ...).
        name: String,
        /// The arguments git gave the hook.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Line-delimited JSON events on stdin, one JSON decision per line on stdout.
    Events {
        #[arg(long)]
        bundle: PathBuf,
    },
    /// Handle one task end to end with Claude Code, enforced by the bundle; asks the person at
    /// the terminal when the agent stops for approval.
    ///
    /// Prints a report with each Definition-of-Done item, met or not, and its evidence.
    /// Exit codes: 0 the Definition of Done is met; 1 items are unmet; 2 agentspec or Claude
    /// Code failed; 3 the agent asked for approval and got no answer; 4 the agent's last
    /// action was denied and it did nothing after it.
    Task {
        #[arg(long)]
        bundle: PathBuf,
        #[arg(long)]
        agent: String,
        /// Answer `yes` to every approval request without asking.
        #[arg(long)]
        approve: bool,
        /// The Claude Code binary.
        #[arg(long, default_value = "claude")]
        claude: PathBuf,
        /// Approval rounds before giving up.
        #[arg(long, default_value_t = 5)]
        max_rounds: u32,
        prompt: String,
        /// Extra arguments for the host, after `--`.
        #[arg(last = true)]
        host_args: Vec<String>,
    },
}

#[derive(Subcommand)]
enum HooksCommand {
    /// Merge the bundle's hooks and permissions.deny rules into a settings file.
    Install {
        #[arg(long, default_value = ".agentspec/bundle")]
        bundle: PathBuf,
        #[arg(long, default_value = ".claude/settings.json")]
        settings: PathBuf,
        /// The agentspec command the hooks run (default: `agentspec` from PATH).
        #[arg(long, default_value = "agentspec")]
        binary: String,
        /// The agent whose policy governs the main session (events without `agent_type`).
        #[arg(long)]
        main_agent: Option<String>,
        /// Also turn on Claude Code's sandbox with writes to agentspec's files denied, so that
        /// project code the agent runs cannot change them either (needs bubblewrap and socat
        /// on Linux; without them Claude Code runs commands unsandboxed, with a warning).
        #[arg(long)]
        sandbox: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaName {
    Bundle,
    Config,
    Frontmatter,
    Inspect,
    Event,
    Decision,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Files or directories to build (default: the current directory).
    paths: Vec<PathBuf>,
    /// The bundle directory.
    #[arg(short, long, default_value = ".agentspec/bundle")]
    output: PathBuf,
    /// Build the agents without errors even when other files have errors (still exits 1).
    #[arg(long)]
    keep_going: bool,
    /// Write nothing; exit 1 when the bundle on disk differs from what would be built.
    #[arg(long)]
    check: bool,
    /// Use this configuration file instead of the nearest `agentspec.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore every `agentspec.toml`.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Each diagnostic with its source snippet, then a summary.
    Human,
    /// One line per diagnostic: `path:line:col: CODE [severity] message`.
    Concise,
    /// agentspec's JSON report.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// JUnit XML, one test suite per file.
    Junit,
    /// GitLab Code Quality report.
    Gitlab,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human, alias = "output-format")]
    format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(short, long)]
    output_file: Option<PathBuf>,
    /// Print diagnostics, but no summary line and no fix report.
    #[arg(short, long)]
    quiet: bool,
    /// Print nothing; only the exit status tells.
    #[arg(short, long, conflicts_with = "quiet")]
    silent: bool,
    /// Print how many diagnostics each rule produced instead of the diagnostics.
    #[arg(long)]
    statistics: bool,
    /// Apply safe fixes, then report what remains.
    #[arg(long)]
    fix: bool,
    /// Apply unsafe fixes too (with `--fix` or `--diff`).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when there is one.
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Apply the discovery rules to files named on the command line too, so that Markdown
    /// files that are not agents are skipped (for pre-commit and other tools that pass every
    /// changed file).
    #[arg(long)]
    only_agent_files: bool,
    /// Use this configuration file instead of the nearest `agentspec.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore every `agentspec.toml`.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
    /// The Claude Code release(s) to predict: a version (`2.1.328`) or a range (`>=2.1.328`);
    /// overrides `claude-code` in `agentspec.toml`. Default: the newest release agentspec knows.
    #[arg(long, value_name = "VERSION", value_parser = crate::release::Target::parse)]
    claude_code: Option<crate::release::Target>,
    /// Only these rules (codes, prefixes, names or categories; comma-separated).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Fail when there are more than this many warnings.
    #[arg(long)]
    max_warnings: Option<usize>,
    /// Fail on any warning.
    #[arg(long)]
    strict: bool,
    /// Check the document on standard input as if it were at this path.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Never color the human output.
    #[arg(long)]
    no_color: bool,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                Status::Failure.into()
            } else {
                Status::Clean.into()
            };
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => print(&rules_listing(format)).into(),
        Command::Build(args) => build(&args),
        Command::Run {
            command:
                RunCommand::Hook {
                    bundle,
                    state_dir,
                    main_agent,
                },
        } => run_hook(bundle, state_dir, main_agent),
        Command::Run {
            command:
                RunCommand::Replay {
                    bundle,
                    verify,
                    agent,
                    file,
                    format,
                },
        } => match bundle {
            Some(bundle) if !verify => run_replay(&bundle, agent.as_deref(), &file, format),
            _ => verify_audit(&file),
        },
        Command::Run {
            command: RunCommand::Events { bundle },
        } => run_events(&bundle),
        Command::Run {
            command:
                RunCommand::GitHook {
                    bundle,
                    state_dir,
                    main_agent,
                    name,
                    args,
                },
        } => run_git_hook(
            crate::runner::githooks::GitHookOptions {
                bundle,
                state_dir,
                main_agent,
            },
            &name,
            &args,
        ),
        Command::Run {
            command:
                RunCommand::Task {
                    bundle,
                    agent,
                    approve,
                    claude,
                    max_rounds,
                    prompt,
                    host_args,
                },
        } => run_task(
            &bundle, &agent, approve, claude, max_rounds, &prompt, host_args,
        ),
        Command::Hooks {
            command:
                HooksCommand::Install {
                    bundle,
                    settings,
                    binary,
                    main_agent,
                    sandbox,
                },
        } => match crate::runner::install::install(
            &bundle,
            &settings,
            &binary,
            main_agent.as_deref(),
            sandbox,
        ) {
            Ok(installed) => {
                eprintln!(
                    "agentspec: installed the hooks of {} into {}",
                    bundle.display(),
                    settings.display()
                );
                eprintln!(
                    "agentspec: the runner keeps its state and audit log in {} (outside the project; nothing to ignore in git)",
                    installed.state_dir.display()
                );
                for w in &installed.warnings {
                    eprintln!("agentspec: warning: {w}");
                }
                Status::Clean.into()
            }
            Err(e) => {
                eprintln!("agentspec: {e}");
                Status::Failure.into()
            }
        },
        Command::Doctor { settings } => {
            let project = settings
                .parent()
                .and_then(|p| p.parent())
                .map(std::path::Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."));
            let project = if project.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                project
            };
            // The releases the project runs, from its `agentspec.toml` (the newest known when
            // there is none or it does not load; `check` reports a broken configuration).
            let target = Config::discover(&project)
                .and_then(|p| Config::load(&p).ok())
                .map(|c| c.claude_code)
                .unwrap_or_default();
            let findings = crate::runner::install::doctor(&settings, &project, &target);
            let mut text = String::new();
            let newest = crate::release::newest().version;
            match crate::runner::install::installed_claude_version() {
                Some(v) if v > newest => text.push_str(&format!(
                    "WARN claude --version is {v}, newer than the newest release agentspec knows ({newest}): its predictions may be wrong for it; update agentspec\n"
                )),
                Some(v) => text.push_str(&format!(
                    "ok   claude --version is {v} (agentspec checks for Claude Code {target})\n"
                )),
                None => text.push_str(&format!(
                    "note claude is not on PATH or did not answer `--version` (agentspec checks for Claude Code {target})\n"
                )),
            }
            for f in &findings {
                text.push_str(&format!(
                    "{} {}\n",
                    if f.ok { "ok  " } else { "FAIL" },
                    f.message
                ));
            }
            let _ = print(&text);
            if findings.iter().all(|f| f.ok) {
                Status::Clean.into()
            } else {
                Status::Problems.into()
            }
        }
        Command::Schema { name } => print(&schema_text(name)).into(),
        Command::Lsp => ExitCode::from(u8::try_from(crate::lsp::run_stdio()).unwrap_or(1)),
        Command::Inspect {
            file,
            format,
            config,
        } => inspect(&file, format, config),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => print(&explain(r.meta)).into(),
            None => {
                let hint = rules::suggest_selector(&rule)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                eprintln!("agentspec: unknown rule `{rule}`{hint}");
                Status::Failure.into()
            }
        },
    }
}

/// Writes to stdout; a closed pipe ends quietly.
fn print(text: &str) -> Status {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Status::Clean,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Clean,
        Err(e) => {
            eprintln!("agentspec: cannot write output: {e}");
            Status::Failure
        }
    }
}

/// The configuration: none with `isolated`, else the explicit file, else the nearest
/// `agentspec.toml` above `start`, else the defaults.
fn config_for(
    explicit: Option<&std::path::Path>,
    isolated: bool,
    start: &std::path::Path,
) -> Result<Config, String> {
    if isolated {
        return Ok(Config::default());
    }
    match explicit
        .map(std::path::Path::to_path_buf)
        .or_else(|| Config::discover(start))
    {
        Some(p) => Config::load(&p).map_err(|e| e.to_string()),
        None => Ok(Config::default()),
    }
}

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    let start = args
        .stdin_filename
        .clone()
        .or_else(|| args.paths.first().cloned())
        .unwrap_or_else(|| PathBuf::from("."));
    let mut config = config_for(args.config.as_deref(), args.isolated, &start)?;
    for s in args.select.iter().flatten().chain(&args.ignore) {
        if !rules::is_valid_selector(s) {
            let hint = rules::suggest_selector(s)
                .map(|x| format!("; did you mean `{x}`?"))
                .unwrap_or_default();
            return Err(format!("unknown rule `{s}`{hint}"));
        }
    }
    config.cli_select.clone_from(&args.select);
    config.cli_ignore.clone_from(&args.ignore);
    if let Some(target) = &args.claude_code {
        config.claude_code = target.clone();
    }
    Ok(config)
}

fn check(args: CheckArgs) -> ExitCode {
    let config = match load_config(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("agentspec: {message}");
            return Status::Failure.into();
        }
    };
    let mut inputs = if let Some(path) = &args.stdin_filename {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("agentspec: cannot read standard input: {e}");
            return Status::Failure.into();
        }
        let candidate = discover::discover(std::slice::from_ref(path), false).0;
        let (plugin, tree) = candidate
            .first()
            .map_or((false, None), |c| (c.plugin, c.tree.clone()));
        vec![Input {
            path: path.clone(),
            content: Ok(bytes),
            plugin,
            tree,
        }]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let (candidates, walk_errors) = discover::discover(&paths, args.only_agent_files);
        for e in &walk_errors {
            eprintln!("agentspec: {}: {}", e.path.display(), e.message);
        }
        discover::read_all(candidates)
    };
    let mut status = Status::Clean;
    if args.fix || args.diff {
        match apply_fixes(&args, &mut inputs, &config) {
            Ok(changed) => {
                if args.diff && changed {
                    status = Status::Problems;
                }
            }
            Err(failure) => status = failure,
        }
        if args.diff || (args.fix && args.stdin_filename.is_some()) {
            // The diff, or the fixed document, is the output.
            return status.into();
        }
    }
    let reports = lint::check_inputs(inputs, &config);
    let text = report_text(&args, &reports);
    if !args.silent && emit(&text, args.output_file.as_deref()) == Status::Failure {
        return Status::Failure.into();
    }
    let summary = Summary::of(&reports);
    let too_many_warnings = (args.strict && summary.warnings > 0)
        || args.max_warnings.is_some_and(|max| summary.warnings > max);
    if status == Status::Failure {
        status.into()
    } else if summary.errors > 0 || too_many_warnings {
        Status::Problems.into()
    } else {
        Status::Clean.into()
    }
}

/// The report in the chosen format (or the statistics).
fn report_text(args: &CheckArgs, reports: &[lint::FileReport]) -> String {
    if args.statistics {
        let stats = render::statistics(reports);
        return match args.format {
            Format::Json => render::statistics_json(&stats),
            _ => render::statistics_human(&stats),
        };
    }
    match args.format {
        Format::Human => {
            let color = !args.no_color
                && args.output_file.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            if args.quiet {
                render::human_diagnostics(reports, color)
            } else {
                render::human(reports, color)
            }
        }
        Format::Concise => render::concise(reports),
        Format::Json => render::json(reports),
        Format::Sarif => render::sarif(reports, &render::Root::detect()),
        Format::Github => render::github(reports, &render::Root::detect()),
        Format::Junit => render::junit(reports),
        Format::Gitlab => render::gitlab(reports, &render::Root::detect()),
    }
}

/// Prints `text`, or writes it atomically to `file` (creating its directory).
fn emit(text: &str, file: Option<&std::path::Path>) -> Status {
    let Some(file) = file else {
        return print(text);
    };
    let written = std::fs::create_dir_all(crate::fsutil::parent_dir(file)).and_then(|()| {
        crate::fsutil::write_atomic(file, text.as_bytes(), crate::fsutil::Durability::Synced)
    });
    match written {
        Ok(()) => Status::Clean,
        Err(e) => {
            eprintln!("agentspec: cannot write {}: {e}", file.display());
            Status::Failure
        }
    }
}

/// `--fix` and `--diff`: fixes every readable input, then writes the changes (`--fix`), prints
/// them as a diff (`--diff`) or prints the fixed document (`--fix` with `--stdin-filename`).
/// Inputs get their fixed content, so the report that follows is about what remains. Returns
/// whether anything changed.
fn apply_fixes(args: &CheckArgs, inputs: &mut [Input], config: &Config) -> Result<bool, Status> {
    use rayon::prelude::*;
    let unsafe_fixes = args.unsafe_fixes;
    let results: Vec<Option<crate::fix::Fixed>> = lint::on_pool(|| {
        inputs
            .par_iter()
            .map(|input| {
                let bytes = input.content.as_ref().ok()?;
                // Never rewrite a file agentspec cannot read exactly: binary or invalid UTF-8.
                if bytes.contains(&0) {
                    return None;
                }
                let text = std::str::from_utf8(bytes).ok()?;
                Some(crate::fix::fix_text(
                    &input.path,
                    text,
                    input.plugin,
                    config,
                    unsafe_fixes,
                ))
            })
            .collect()
    });
    let mut diff = String::new();
    let mut changed_files = 0;
    let mut fixed_total = 0;
    let mut failure = false;
    for (input, fixed) in inputs.iter_mut().zip(results) {
        let Some(fixed) = fixed else {
            if args.stdin_filename.is_some()
                && let Ok(bytes) = &input.content
            {
                // Standard input that cannot be fixed goes back unchanged.
                let _ = std::io::stdout().write_all(bytes);
            }
            continue;
        };
        let original = match &input.content {
            Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Err(_) => continue,
        };
        if !fixed.refused.is_empty() && !args.quiet && !args.silent {
            eprintln!(
                "agentspec: {}: left out fixes for {} (they would make the file parse worse)",
                render::display_path(&input.path),
                fixed.refused.join(", ")
            );
        }
        if args.stdin_filename.is_some() && args.fix {
            let _ = print(&fixed.text);
            continue;
        }
        if !fixed.changed(&original) {
            continue;
        }
        changed_files += 1;
        fixed_total += fixed.count();
        let path = render::display_path(&input.path);
        if args.diff {
            diff.push_str(&crate::fix::unified_diff(&path, &original, &fixed.text));
            continue;
        }
        match write_fixed(&input.path, &original, &fixed.text) {
            Ok(()) => {
                if !args.quiet && !args.silent {
                    let codes: Vec<String> = fixed
                        .fixed
                        .iter()
                        .map(|(code, n)| format!("{code} x{n}"))
                        .collect();
                    eprintln!("agentspec: fixed {path}: {}", codes.join(", "));
                }
                input.content = Ok(fixed.text.into_bytes());
            }
            Err(e) => {
                eprintln!("agentspec: cannot write the fixes of {path}: {e}");
                failure = true;
            }
        }
    }
    if args.diff && !args.silent {
        let _ = print(&diff);
    }
    if !args.quiet && !args.silent && args.stdin_filename.is_none() {
        let verb = if args.diff { "Would fix" } else { "Fixed" };
        eprintln!(
            "agentspec: {verb} {} in {}.",
            render::plural(fixed_total, "problem"),
            render::plural(changed_files, "file")
        );
    }
    if failure {
        Err(Status::Failure)
    } else {
        Ok(changed_files > 0)
    }
}

/// Writes a fixed file atomically, unless it is read-only or changed on disk since it was read.
fn write_fixed(path: &std::path::Path, original: &str, fixed: &str) -> std::io::Result<()> {
    if std::fs::metadata(path)?.permissions().readonly() {
        return Err(std::io::Error::other(
            "the file is read-only; it was left alone",
        ));
    }
    let now = std::fs::read(path)?;
    if now != original.as_bytes() {
        return Err(std::io::Error::other(
            "the file changed since it was read; it was left alone",
        ));
    }
    crate::fsutil::write_atomic(path, fixed.as_bytes(), crate::fsutil::Durability::Synced)
}

fn rules_listing(format: ListFormat) -> String {
    match format {
        ListFormat::Json => {
            let list: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.meta.code,
                        "name": r.meta.name,
                        "category": r.meta.category,
                        "severity": r.meta.severity,
                        "fix": r.meta.fix,
                        "summary": r.meta.summary(),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Human => {
            let mut s = String::new();
            for r in RULES {
                let fix = match r.meta.fix {
                    rules::FixAvailability::None => " ",
                    _ => "🛠",
                };
                s.push_str(&format!(
                    "{:<6} {:<32} {:<12} {:<8} {fix} {}\n",
                    r.meta.code,
                    r.meta.name,
                    r.meta.category.as_str(),
                    r.meta.severity.as_str(),
                    r.meta.summary()
                ));
            }
            s
        }
    }
}

/// One rule's documentation as Markdown.
pub fn explain(meta: &rules::RuleMeta) -> String {
    let fix = match meta.fix {
        rules::FixAvailability::None => "no fix",
        rules::FixAvailability::Sometimes => "fix sometimes available",
        rules::FixAvailability::Always => "fix available",
    };
    format!(
        "# {} ({})\n\nCategory: {} · default severity: {} · {fix}\n\n{}\n",
        meta.name,
        meta.code,
        meta.category.as_str(),
        meta.severity.as_str(),
        meta.doc_text().trim_end()
    )
}

fn inspect(file: &std::path::Path, format: ListFormat, config: Option<PathBuf>) -> ExitCode {
    let config = match config_for(config.as_deref(), false, file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    // The same reading, roles and model as `check`.
    let (candidates, _) = discover::discover(&[file.to_path_buf()], false);
    let mut reports = lint::check_inputs(discover::read_all(candidates), &config);
    let Some(report) = reports.pop() else {
        eprintln!("agentspec: nothing to inspect at {}", file.display());
        return Status::Failure.into();
    };
    let Some(spec) = report.spec else {
        let why = report
            .diagnostics
            .first()
            .map_or("unreadable", |d| d.message.as_str());
        eprintln!("agentspec: cannot inspect {}: {why}", file.display());
        return Status::Failure.into();
    };
    let inspection = crate::model::inspect::inspect(&render::display_path(file), &spec);
    let text = match format {
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&inspection).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Human => {
            let unit = crate::compile::Unit {
                spec: &spec,
                source: &report.source,
                path: render::display_path(file),
            };
            let policy =
                crate::compile::compile_agent(&unit, &build_options(&config, String::new()));
            inspect_human(&inspection) + &done_checks_human(&policy)
        }
    };
    print(&text).into()
}

/// What `build` takes from the configuration.
fn build_options(config: &Config, bundle_dir: String) -> crate::compile::Options {
    crate::compile::Options {
        done_commands: config.options.done.commands.clone(),
        done_checks: crate::policy::DoneChecks {
            test: config.options.done.test.clone(),
            timeout_secs: config
                .options
                .done
                .timeout
                .unwrap_or(crate::policy::DEFAULT_CHECK_TIMEOUT),
            junit: config.options.done.reports.junit.clone(),
            coverage: config.options.done.reports.coverage.clone(),
        },
        bundle_dir,
    }
}

/// How the runner will check each Definition-of-Done item, as `build` compiles it with this
/// configuration.
fn done_checks_human(policy: &crate::policy::AgentPolicy) -> String {
    use crate::policy::Verify;
    use std::fmt::Write;
    let mut s = String::new();
    if policy.done.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "\nHow the runner checks each item (agentspec.toml [done])"
    );
    for item in &policy.done {
        let how = match &item.verify {
            Verify::Command { command } => format!("runs `{command}`"),
            Verify::Report { .. } => format!(
                "coverage report from `{}`",
                policy.checks.test.as_deref().unwrap_or("")
            ),
            Verify::Evidence { .. } => match &policy.checks.test {
                Some(test) => format!("runs `{test}`"),
                None => "a plain passing test run on the current work tree".to_owned(),
            },
            Verify::Attest if !item.thresholds.is_empty() && item.text.to_lowercase().contains("coverage") => {
                "checklist line (a coverage report could check it: [done] test, [done.reports] coverage)".to_owned()
            }
            Verify::Attest => "checklist line `- [x] ...` in the final message".to_owned(),
        };
        let _ = writeln!(s, "  {}: {how}", item.id);
    }
    s
}

fn inspect_human(i: &crate::model::inspect::Inspection) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "{}", i.path);
    match (&i.agent, &i.skipped_because) {
        (Some(agent), _) => {
            let _ = writeln!(s, "  loads as agent `{agent}`");
        }
        (None, Some(why)) => {
            let _ = writeln!(s, "  does not load: {why}");
        }
        (None, None) => {}
    }
    let _ = writeln!(s, "\nFrontmatter");
    for f in &i.frontmatter {
        let mut value = f.value.to_string();
        if value.chars().count() > 80 {
            value = value.chars().take(77).collect::<String>() + "...";
        }
        let unknown = if f.known {
            ""
        } else {
            "   (not read by Claude Code)"
        };
        let _ = writeln!(s, "  {}: {value}{unknown}", f.key);
    }
    let _ = writeln!(s, "\nTools");
    let t = &i.tools;
    if t.inherits_all {
        let _ = writeln!(s, "  every tool of the session");
    }
    if !t.allowed.is_empty() {
        let _ = writeln!(s, "  allowed:    {}", t.allowed.join(", "));
    }
    if !t.removed.is_empty() {
        let _ = writeln!(s, "  removed:    {}", t.removed.join(", "));
    }
    if !t.unresolved.is_empty() {
        let _ = writeln!(s, "  unresolved: {}", t.unresolved.join(", "));
    }
    if !t.inherits_all && t.allowed.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for p in &i.protocols {
        let _ = writeln!(s, "\nProtocol: {} ({} steps)", p.title, p.steps.len());
        for step in &p.steps {
            let mut extra = String::new();
            if let Some(token) = &step.token {
                let _ = write!(extra, " token={token}");
            }
            if let Some(to) = step.returns_to {
                let _ = write!(extra, " returns-to={to}");
            }
            let _ = writeln!(
                s,
                "  {:>2}. {:<17} {}{extra}",
                step.number,
                step.kind.as_str(),
                step.lead
            );
        }
    }
    for d in &i.definitions_of_done {
        let items: usize = d.groups.iter().map(|g| g.items.len()).sum();
        let _ = writeln!(
            s,
            "\nDefinition of Done: {} ({} groups, {items} items)",
            d.title,
            d.groups.len()
        );
        for g in &d.groups {
            let _ = writeln!(s, "  {}", g.name.as_deref().unwrap_or("(ungrouped)"));
            for item in &g.items {
                let box_ = match item.checked {
                    Some(true) => "[x] ",
                    Some(false) => "[ ] ",
                    None => "",
                };
                let thresholds: Vec<String> = item
                    .thresholds
                    .iter()
                    .map(|t| {
                        let op = serde_json::to_value(t.comparison)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        format!(
                            "{} {op} {}{}",
                            t.metric.as_deref().unwrap_or("?"),
                            t.value,
                            t.unit.as_deref().unwrap_or("")
                        )
                    })
                    .collect();
                let th = if thresholds.is_empty() {
                    String::new()
                } else {
                    format!("   [{}]", thresholds.join("; "))
                };
                let _ = writeln!(s, "    - {box_}{}{th}", item.text);
            }
        }
    }
    if i.protocols.is_empty() {
        let _ = writeln!(s, "\nNo protocol found.");
    }
    if i.definitions_of_done.is_empty() {
        let _ = writeln!(s, "No Definition of Done found.");
    }
    s
}

/// The text of a JSON Schema, as committed in `schemas/`.
pub fn schema_json(name: &str) -> Option<String> {
    let value = match name {
        "bundle" => crate::policy::bundle_schema(),
        "config" => serde_json::to_value(schemars::schema_for!(crate::config::Options)).ok()?,
        "frontmatter" => crate::model::frontmatter_schema::frontmatter_schema(),
        "inspect" => {
            serde_json::to_value(schemars::schema_for!(crate::model::inspect::Inspection)).ok()?
        }
        "event" => {
            serde_json::to_value(schemars::schema_for!(crate::runner::replay::StreamEvent)).ok()?
        }
        "decision" => {
            serde_json::to_value(schemars::schema_for!(crate::policy::decide::Decision)).ok()?
        }
        _ => return None,
    };
    Some(serde_json::to_string_pretty(&value).ok()? + "\n")
}

fn schema_text(name: SchemaName) -> String {
    let name = match name {
        SchemaName::Bundle => "bundle",
        SchemaName::Config => "config",
        SchemaName::Frontmatter => "frontmatter",
        SchemaName::Inspect => "inspect",
        SchemaName::Event => "event",
        SchemaName::Decision => "decision",
    };
    schema_json(name).unwrap_or_default()
}

fn relative_display(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let rel = cwd
        .as_deref()
        .and_then(|c| absolute.strip_prefix(c).ok())
        .map_or_else(|| path.to_path_buf(), std::path::Path::to_path_buf);
    render::display_path(&rel)
}

fn build(args: &BuildArgs) -> ExitCode {
    let start = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = match config_for(args.config.as_deref(), args.isolated, &start) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (candidates, _) = discover::discover(&paths, false);
    // Agents only: settings files are `check`'s and `doctor`'s business, not the bundle's.
    let candidates = candidates
        .into_iter()
        .filter(|c| !crate::model::settings::is_settings_file(&c.path))
        .collect();
    let reports = lint::check_inputs(discover::read_all(candidates), &config);
    let broken: Vec<&lint::FileReport> = reports
        .iter()
        .filter(|r| r.count(crate::diagnostics::Severity::Error) > 0)
        .collect();
    if !broken.is_empty() {
        let errors: Vec<lint::FileReport> = broken
            .iter()
            .map(|r| {
                let mut r = (*r).clone();
                r.diagnostics
                    .retain(|d| d.severity == crate::diagnostics::Severity::Error);
                r
            })
            .collect();
        eprint!("{}", render::concise(&errors));
        if !args.keep_going {
            eprintln!(
                "agentspec: not building: {} files have errors (--keep-going builds the others)",
                broken.len()
            );
            return Status::Problems.into();
        }
    }
    let mut names = std::collections::BTreeMap::new();
    let mut units = Vec::new();
    for report in &reports {
        let Some(spec) = report.spec.as_ref() else {
            continue;
        };
        if report.count(crate::diagnostics::Severity::Error) > 0
            || spec.load != crate::model::Load::Loads
        {
            continue;
        }
        let Some(name) = spec.name.as_ref().map(|n| n.value.clone()) else {
            continue;
        };
        let path = relative_display(&report.path);
        if let Some(first) = names.get(&name) {
            eprintln!("agentspec: skipping {path}: agent `{name}` is already built from {first}");
            continue;
        }
        names.insert(name, path.clone());
        units.push(crate::compile::Unit {
            spec,
            source: &report.source,
            path,
        });
    }
    let options = build_options(&config, render::display_path(&args.output));
    let bundle = crate::compile::build(&units, &options);
    let status = if broken.is_empty() {
        Status::Clean
    } else {
        Status::Problems
    };
    if args.check {
        let diffs = crate::compile::differences(&args.output, &bundle);
        if diffs.is_empty() {
            eprintln!("agentspec: {} is up to date", args.output.display());
            return status.into();
        }
        for d in &diffs {
            eprintln!("agentspec: {}: {d}", args.output.display());
        }
        eprintln!("agentspec: the bundle is stale; run `agentspec build` to update it");
        return Status::Problems.into();
    }
    if let Err(e) = crate::compile::write_atomically(&args.output, &bundle) {
        eprintln!("agentspec: cannot write {}: {e}", args.output.display());
        return Status::Failure.into();
    }
    let revision = bundle
        .files
        .get("manifest.json")
        .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        .and_then(|m| {
            m["revision"]
                .as_str()
                .map(|r| r.chars().take(12).collect::<String>())
        })
        .unwrap_or_default();
    eprintln!(
        "agentspec: built {} agents into {} (revision {revision})",
        units.len(),
        args.output.display()
    );
    for note in crate::compile::check_notes(&bundle, &options.done_checks) {
        eprintln!("agentspec: note: {note}");
    }
    status.into()
}

/// A hook that has not answered by then exits 2 (blocked): well under the `timeout` the
/// installed hook entries give Claude Code, after which Claude Code would let the action
/// through.
const HOOK_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// Exits 2 with `message` once `deadline` has passed, whatever the hook is waiting for.
/// The runner may extend it while it runs Definition-of-Done checks
/// ([`crate::runner::EXTRA_TIME_MS`]), within the time the installed Stop hooks allow.
fn watchdog(deadline: std::time::Duration, message: &'static str) {
    let start = std::time::Instant::now();
    std::thread::spawn(move || {
        loop {
            let extra = crate::runner::EXTRA_TIME_MS.load(std::sync::atomic::Ordering::SeqCst);
            if start.elapsed() >= deadline + std::time::Duration::from_millis(extra) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        eprintln!("{message}");
        std::process::exit(2);
    });
}

/// The hook's deadline: [`HOOK_DEADLINE`], or shorter when `AGENTSPEC_HOOK_DEADLINE_MS` says
/// so (never longer: past Claude Code's own timeout the action would go through).
fn hook_deadline() -> std::time::Duration {
    std::env::var("AGENTSPEC_HOOK_DEADLINE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(std::time::Duration::from_millis)
        .map_or(HOOK_DEADLINE, |d| d.min(HOOK_DEADLINE))
}

fn run_hook(bundle: PathBuf, state_dir: Option<PathBuf>, main_agent: Option<String>) -> ExitCode {
    watchdog(
        hook_deadline(),
        "agentspec: blocked because the policy check did not finish in time",
    );
    // Fail closed: whatever goes wrong, answer exit 2 (Claude Code treats exit 1, crashes and
    // bad JSON as "allow").
    let result = std::panic::catch_unwind(|| {
        let mut input = Vec::new();
        if let Err(e) = std::io::stdin()
            .take(crate::runner::MAX_INPUT as u64 + 1)
            .read_to_end(&mut input)
        {
            return Err(format!("cannot read the hook input: {e}"));
        }
        if input.len() > crate::runner::MAX_INPUT {
            return Err(format!(
                "the hook input is larger than {} bytes",
                crate::runner::MAX_INPUT
            ));
        }
        let input =
            String::from_utf8(input).map_err(|_| "the hook input is not UTF-8".to_owned())?;
        let state_dir = match state_dir {
            Some(dir) => dir,
            None => crate::runner::default_state_dir(&bundle).map_err(|e| e.to_string())?,
        };
        let options = crate::runner::HookOptions {
            bundle: bundle.clone(),
            state_dir,
            main_agent,
        };
        crate::runner::handle_hook(&input, &options).map_err(|e| e.to_string())
    });
    match result {
        Ok(Ok(reply)) => {
            if !reply.stdout.is_empty() && print(&(reply.stdout + "\n")) == Status::Failure {
                return ExitCode::from(2);
            }
            ExitCode::from(u8::try_from(reply.exit_code).unwrap_or(2))
        }
        Ok(Err(message)) => {
            eprintln!("agentspec: blocked because the policy could not be checked: {message}");
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("agentspec: blocked because the runner failed internally");
            ExitCode::from(2)
        }
    }
}

fn run_git_hook(
    options: crate::runner::githooks::GitHookOptions,
    name: &str,
    args: &[String],
) -> ExitCode {
    use crate::runner::githooks;
    watchdog(
        hook_deadline(),
        "agentspec: refused because the git hook did not finish in time",
    );
    // Fail closed: a non-zero exit makes git abort the commit or push.
    let result = std::panic::catch_unwind(|| {
        let mut stdin = Vec::new();
        // Only some hooks get input; the others get an empty or closed stdin.
        if githooks::READS_INPUT.contains(&name) {
            std::io::stdin()
                .read_to_end(&mut stdin)
                .map_err(|e| format!("cannot read the hook input: {e}"))?;
        }
        let text = String::from_utf8_lossy(&stdin).into_owned();
        githooks::check(name, args, &text, &githooks::Caller::from_env(), &options)?;
        githooks::chain(name, args, &stdin, &githooks::hooks_dir(&options.state_dir))
    });
    match result {
        Ok(Ok(code)) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Ok(Err(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(_) => {
            eprintln!("agentspec: refused because the git hook failed internally");
            ExitCode::from(1)
        }
    }
}

fn load_bundle(dir: &std::path::Path) -> Result<crate::policy::Bundle, ExitCode> {
    crate::policy::Bundle::load(dir).map_err(|e| {
        eprintln!("agentspec: {e}");
        ExitCode::from(Status::Failure as u8)
    })
}

fn verify_audit(file: &std::path::Path) -> ExitCode {
    match crate::runner::replay::verify_audit(file) {
        Ok(check) if check.problems.is_empty() => print(&format!(
            "{}: {} {}, chain intact, ends where the head record says\n",
            file.display(),
            check.lines,
            if check.lines == 1 { "line" } else { "lines" }
        ))
        .into(),
        Ok(check) => {
            let mut text = String::new();
            for p in &check.problems {
                text.push_str(&format!("{}: {p}\n", file.display()));
            }
            let _ = print(&text);
            Status::Problems.into()
        }
        Err(e) => {
            eprintln!("agentspec: cannot verify the audit log: {e}");
            Status::Failure.into()
        }
    }
}

fn run_replay(
    bundle: &std::path::Path,
    agent: Option<&str>,
    file: &std::path::Path,
    format: ListFormat,
) -> ExitCode {
    let bundle = match load_bundle(bundle) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("agentspec: cannot read {}: {e}", file.display());
            return Status::Failure.into();
        }
    };
    let report = match crate::runner::replay::replay(&bundle, &text, agent) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    let out = match format {
        ListFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        ListFormat::Human => {
            use std::fmt::Write as _;
            let mut s = String::new();
            for v in &report.violations {
                let (what, reason) = match &v.decision {
                    crate::policy::decide::Decision::Deny { reason, rule } => {
                        ("denied", format!("{reason} ({rule})"))
                    }
                    crate::policy::decide::Decision::Block { reason, rule } => {
                        ("blocked", format!("{reason} ({rule})"))
                    }
                    crate::policy::decide::Decision::Ask { reason } => ("asked", reason.clone()),
                    crate::policy::decide::Decision::Allow => ("allowed", String::new()),
                };
                let _ = writeln!(
                    s,
                    "{}:{}: {} {what}: {reason}",
                    file.display(),
                    v.line,
                    v.event
                );
            }
            if !report.unmet_at_end.is_empty() {
                let _ = writeln!(
                    s,
                    "finished with the Definition of Done unmet: {}",
                    report.unmet_at_end.join(", ")
                );
            }
            let _ = writeln!(
                s,
                "{} events replayed{}, {} violations",
                report.events,
                if report.approximate {
                    " (from a transcript: approximate)"
                } else {
                    ""
                },
                report.violations.len()
            );
            s
        }
    };
    let _ = print(&out);
    if report.violations.is_empty() {
        Status::Clean.into()
    } else {
        Status::Problems.into()
    }
}

fn run_events(bundle: &std::path::Path) -> ExitCode {
    let bundle = match load_bundle(bundle) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("agentspec: cannot read standard input: {e}");
        return Status::Failure.into();
    }
    print(&crate::runner::replay::stream(&bundle, &input)).into()
}

fn run_task(
    bundle_dir: &std::path::Path,
    agent: &str,
    approve: bool,
    claude: PathBuf,
    max_rounds: u32,
    prompt: &str,
    host_args: Vec<String>,
) -> ExitCode {
    use crate::runner::task::{self, Host, Progress};
    let bundle = match load_bundle(bundle_dir) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if !bundle.agents.contains_key(agent) {
        eprintln!("agentspec: the bundle has no agent `{agent}`");
        return Status::Failure.into();
    }
    let absolute = std::path::absolute(bundle_dir).unwrap_or_else(|_| bundle_dir.to_path_buf());
    let state_dir = match crate::runner::default_state_dir(&absolute) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    if let Err(e) = crate::runner::create_state_dir(&state_dir) {
        eprintln!("agentspec: {e}");
        return Status::Failure.into();
    }
    let exe = std::env::current_exe()
        .map_or_else(|_| "agentspec".to_owned(), |p| p.display().to_string());
    let stop_checks = bundle
        .agents
        .values()
        .map(crate::policy::AgentPolicy::check_seconds)
        .max()
        .unwrap_or(0);
    let fragment = crate::compile::settings_fragment(
        &Default::default(),
        &absolute.display().to_string(),
        stop_checks,
    );
    let mut settings = serde_json::Map::new();
    let command = crate::runner::install::hook_command(
        &exe,
        &crate::runner::githooks::sh_quote(&absolute.display().to_string()),
        Some(agent),
    );
    let project = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let protection = crate::runner::install::protection_rules(&project, &absolute, &state_dir);
    crate::runner::install::merge(&mut settings, &fragment, &command, &protection);
    let hooks = crate::runner::githooks::hooks_dir(&state_dir);
    if let Err(e) =
        crate::runner::githooks::write_hooks(&hooks, &exe, &absolute, &state_dir, Some(agent))
    {
        eprintln!(
            "agentspec: cannot write the git hooks in {}: {e}",
            hooks.display()
        );
        return Status::Failure.into();
    }
    crate::runner::githooks::merge_env(&mut settings, &hooks);
    let settings_file = match tempfile::Builder::new()
        .prefix("agentspec-task-")
        .suffix(".json")
        .tempfile()
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!("agentspec: cannot create the settings file: {e}");
            return Status::Failure.into();
        }
    };
    if let Err(e) = std::fs::write(
        settings_file.path(),
        serde_json::Value::Object(settings).to_string(),
    ) {
        eprintln!("agentspec: cannot write the settings file: {e}");
        return Status::Failure.into();
    }
    let host = task::ClaudeCode {
        binary: claude,
        agent: agent.to_owned(),
        settings: settings_file.path().to_path_buf(),
        workdir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        extra_args: host_args,
    };
    let mut last_message = String::new();
    let mut session = String::new();
    let mut answer = prompt.to_owned();
    let mut unanswered = false;
    for round in 0..=max_rounds {
        let mut show = |p: Progress| match p {
            Progress::Session(id) => eprintln!("agentspec: session {id}"),
            Progress::ToolCall { tool, summary } => eprintln!("  → {tool} {summary}"),
            Progress::ToolResult {
                denied_by_agentspec: true,
                text,
            } => {
                eprintln!(
                    "  ✗ denied: {}",
                    text.trim_start_matches(|c: char| c != ':')
                        .trim_start_matches(':')
                        .trim()
                );
            }
            Progress::ToolResult { .. } => {}
            Progress::Message(m) => {
                eprintln!("  {}", m.lines().next().unwrap_or(""));
                last_message = m;
            }
        };
        match host.turn(&answer, round > 0, &mut show) {
            Ok(id) => {
                // `--continue` reports a new session id, but the hooks keep the first one.
                if session.is_empty() {
                    session = id;
                }
            }
            Err(e) => {
                eprintln!("agentspec: {e}");
                return Status::Failure.into();
            }
        }
        if !task::awaiting_approval(&state_dir, &session) {
            break;
        }
        eprintln!(
            "agentspec: the agent asks for approval:\n  {}",
            last_message.replace('\n', "\n  ")
        );
        answer = if approve {
            eprintln!("agentspec: answering `yes` (--approve)");
            "yes".to_owned()
        } else {
            eprint!("your answer> ");
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() || line.trim().is_empty() {
                eprintln!("agentspec: no answer; stopping");
                unanswered = true;
                break;
            }
            line.trim().to_owned()
        };
    }
    let mut report = task::report(&bundle, agent, &state_dir, &session, &last_message);
    report.unanswered = unanswered || task::awaiting_approval(&state_dir, &session);
    let _ = print(&report.render());
    ExitCode::from(report.exit_code())
}
