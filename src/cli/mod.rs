//! The command line: the only place that prints or exits.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::config::Config;
use crate::render;

mod args;
mod commands;

use args::{Cli, Command, HooksCommand};

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

pub fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    if let Some(argv0) = argv.next()
        && crate::runner::gitguard::started_as_guard(&argv0)
    {
        return guard_git(&argv.collect::<Vec<_>>());
    }
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
        Command::Check(args) => commands::check::check(args),
        Command::Rules { format } => print(&commands::rules::listing(format)).into(),
        Command::Explain { rule } => commands::rules::explain(&rule),
        Command::Build(args) => commands::build::build(&args),
        Command::Inspect {
            file,
            format,
            config,
            claude_code,
        } => commands::inspect::inspect(&file, format, config, claude_code.as_ref()),
        Command::Run { command } => commands::run::run(command),
        Command::Hooks {
            command: HooksCommand::Install(args),
        } => commands::hooks::install(&args),
        Command::Doctor {
            settings,
            host,
            project,
            codex_home,
        } => match host {
            args::HostName::ClaudeCode => commands::doctor::doctor(&settings),
            args::HostName::Codex => {
                commands::doctor::doctor_codex(&project, codex_home.as_deref())
            }
        },
        Command::Schema { name } => print(&commands::schema::text(name)).into(),
        Command::Init { hooks, main_agent } => commands::init::init(hooks, main_agent),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "agentspec",
                &mut out,
            );
            print(&String::from_utf8_lossy(&out)).into()
        }
        Command::Lsp => ExitCode::from(u8::try_from(crate::lsp::run_stdio()).unwrap_or(1)),
    }
}

/// agentspec started as `git` by a git the runner started: runs the real git on the project's
/// repository, and nothing on another (status 128, as git's own fatal errors).
fn guard_git(args: &[std::ffi::OsString]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let refused = |why: String| {
        eprintln!("agentspec: {why}");
        ExitCode::from(128)
    };
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => return refused(format!("cannot read the current folder: {e}")),
    };
    match crate::runner::gitguard::admit(args, &cwd, &|k| std::env::var_os(k)) {
        Ok(admitted) => {
            let e = std::process::Command::new(&admitted.program)
                .args(&admitted.args)
                .envs(admitted.set_env)
                .exec();
            refused(format!("cannot run {}: {e}", admitted.program.display()))
        }
        Err(why) => refused(why),
    }
}

/// Writes to stdout; a closed pipe ends quietly.
pub(crate) fn print(text: &str) -> Status {
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
///
/// The Claude Code target: `flag` (`--claude-code`), else the file's, else the installed
/// release, which is only looked up when neither gives one.
pub(crate) fn config_for(
    explicit: Option<&std::path::Path>,
    isolated: bool,
    start: &std::path::Path,
    flag: Option<&crate::release::Target>,
) -> Result<Config, String> {
    let mut config = config_file(explicit, isolated, start)?;
    if let Some(target) = flag {
        config.claude_code = target.clone();
    }
    config.detect_release();
    Ok(config)
}

/// The configuration as the file (or its absence) gives it.
fn config_file(
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
        Some(p) => Config::load(&p).map_err(|e| match &e {
            crate::config::ConfigError::Invalid {
                path,
                message,
                span: Some(span),
                text,
            } => {
                let label = message.split(';').next().unwrap_or(message);
                let style = render::Style {
                    color: std::io::stderr().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none(),
                    ..render::Style::PLAIN
                };
                format!(
                    "{e}\n{}",
                    render::snippet(&render::display_path(path), text, *span, label, style)
                )
            }
            _ => e.to_string(),
        }),
        None => Ok(Config::default()),
    }
}

/// Prints `text`, or writes it atomically to `file` (creating its directory).
/// Writes `bytes` to `file` atomically, creating its folder; says why when it cannot.
pub(crate) fn emit_to(bytes: &[u8], file: &std::path::Path) -> Status {
    let written = std::fs::create_dir_all(crate::fsutil::parent_dir(file))
        .and_then(|()| crate::fsutil::write_atomic(file, bytes, crate::fsutil::Durability::Synced));
    match written {
        Ok(()) => Status::Clean,
        Err(e) => {
            eprintln!("agentspec: cannot write {}: {e}", file.display());
            Status::Failure
        }
    }
}

pub(crate) fn relative_display(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let rel = cwd
        .as_deref()
        .and_then(|c| absolute.strip_prefix(c).ok())
        .map_or_else(|| path.to_path_buf(), std::path::Path::to_path_buf);
    render::display_path(&rel)
}
