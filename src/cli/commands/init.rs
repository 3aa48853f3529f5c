//! `agentspec init`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::Status;
use crate::cli::args::{BuildArgs, InstallArgs};
use crate::config::{FILE_NAME, TEMPLATE};

/// Writes `agentspec.toml` (unless there is one) and, with `hooks` (or a `main_agent`), builds
/// the bundle and installs its hooks, as `agentspec build` and `agentspec hooks install
/// --main-agent` would. Without a main agent and with several agents in the bundle, a person at
/// a terminal is asked which one governs the main session; otherwise `init` says how to choose.
pub(crate) fn init(hooks: bool, main_agent: Option<String>) -> ExitCode {
    let hooks = hooks || main_agent.is_some();
    let config = Path::new(FILE_NAME);
    if config.exists() {
        eprintln!("agentspec: {FILE_NAME} exists; left as it is");
    } else {
        let written = crate::fsutil::write_atomic(
            config,
            TEMPLATE.as_bytes(),
            crate::fsutil::Durability::Synced,
        );
        if let Err(e) = written {
            eprintln!("agentspec: cannot write {FILE_NAME}: {e}");
            return Status::Failure.into();
        }
        eprintln!("agentspec: wrote {FILE_NAME} (every option, commented out)");
    }
    if !hooks {
        eprintln!(
            "agentspec: next: `agentspec check` lints the agents; `agentspec init --hooks` also enforces them in Claude Code"
        );
        return Status::Clean.into();
    }
    let bundle = PathBuf::from(".agentspec/bundle");
    let built = super::build::build(&BuildArgs {
        paths: Vec::new(),
        output: bundle.clone(),
        keep_going: false,
        check: false,
        config: None,
        isolated: false,
        claude_code: None,
    });
    if built != ExitCode::from(Status::Clean as u8) {
        eprintln!(
            "agentspec: the hooks were not installed: fix the errors above, then run `agentspec init --hooks` again"
        );
        return built;
    }
    let main_agent = match main_agent {
        Some(name) => Some(name),
        None => choose_main_agent(&bundle),
    };
    super::hooks::install(&InstallArgs {
        bundle,
        settings: PathBuf::from(".claude/settings.json"),
        binary: None,
        main_agent,
        no_sandbox: false,
        sandbox: false,
        host: crate::cli::args::HostName::ClaudeCode,
        project: PathBuf::from("."),
        codex_home: None,
    })
}

/// The agent to govern the main session with, when `init` was not told: asked of a person at a
/// terminal when the bundle has several agents (Enter for none); else none, with a note of how
/// to choose one later.
fn choose_main_agent(bundle: &Path) -> Option<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let names: Vec<String> = crate::policy::Bundle::load(bundle)
        .map(|b| b.agents.keys().cloned().collect())
        .unwrap_or_default();
    if names.is_empty() {
        return None;
    }
    let how = format!(
        "`agentspec init --main-agent NAME` (or `agentspec hooks install --main-agent NAME`) makes one govern the main session too; the bundle's agents: {}",
        names.join(", ")
    );
    if names.len() == 1 || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        eprintln!(
            "agentspec: the main Claude Code session is not governed, only the subagents the bundle names: {how}"
        );
        return None;
    }
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "agentspec: which agent governs the main Claude Code session? (the others govern their subagents)"
    );
    for (i, name) in names.iter().enumerate() {
        let _ = writeln!(err, "  {}. {name}", i + 1);
    }
    let _ = write!(err, "number or name, Enter for none: ");
    let _ = err.flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return None;
    }
    let answer = answer.trim();
    let chosen = answer
        .parse::<usize>()
        .ok()
        .and_then(|n| names.get(n.checked_sub(1)?))
        .or_else(|| names.iter().find(|n| n.as_str() == answer))
        .cloned();
    if chosen.is_none() {
        eprintln!("agentspec: the main session is not governed: {how}");
    }
    chosen
}
