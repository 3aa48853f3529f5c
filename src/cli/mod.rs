//! The command line: the only place that prints or exits.

pub mod discover;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::diagnostics::render::{self, Summary};
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
    /// Print one rule's documentation.
    Explain {
        /// A rule code (`AS101`) or name (`unknown-key`).
        rule: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Concise,
    Json,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Use this configuration file instead of the nearest `agentspec.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore every `agentspec.toml`.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
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

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    let mut config = if args.isolated {
        Config::default()
    } else {
        let path = match &args.config {
            Some(p) => Some(p.clone()),
            None => {
                let start = args
                    .stdin_filename
                    .clone()
                    .or_else(|| args.paths.first().cloned())
                    .unwrap_or_else(|| PathBuf::from("."));
                Config::discover(&start)
            }
        };
        match path {
            Some(p) => Config::load(&p).map_err(|e| e.to_string())?,
            None => Config::default(),
        }
    };
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
    let reports = if let Some(path) = &args.stdin_filename {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("agentspec: cannot read standard input: {e}");
            return Status::Failure.into();
        }
        let candidate = discover::discover(std::slice::from_ref(path)).0;
        let (plugin, tree) = candidate
            .first()
            .map_or((false, None), |c| (c.plugin, c.tree.clone()));
        lint::check_inputs(
            vec![Input {
                path: path.clone(),
                content: Ok(bytes),
                plugin,
                tree,
            }],
            &config,
        )
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let (candidates, walk_errors) = discover::discover(&paths);
        for e in &walk_errors {
            eprintln!("agentspec: {}: {}", e.path.display(), e.message);
        }
        lint::check_inputs(discover::read_all(candidates), &config)
    };
    let text = match args.format {
        Format::Human => {
            let color = !args.no_color
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            render::human(&reports, color)
        }
        Format::Concise => render::concise(&reports),
        Format::Json => render::json(&reports),
    };
    if print(&text) == Status::Failure {
        return Status::Failure.into();
    }
    let summary = Summary::of(&reports);
    let too_many_warnings = (args.strict && summary.warnings > 0)
        || args.max_warnings.is_some_and(|max| summary.warnings > max);
    if summary.errors > 0 || too_many_warnings {
        Status::Problems.into()
    } else {
        Status::Clean.into()
    }
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
