//! `agentspec init`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::Status;
use crate::cli::args::{BuildArgs, InstallArgs};
use crate::config::{FILE_NAME, TEMPLATE};

/// Writes `agentspec.toml` (unless there is one) and, with `hooks`, builds the bundle and
/// installs its hooks, as `agentspec build` and `agentspec hooks install` would.
pub(crate) fn init(hooks: bool) -> ExitCode {
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
    });
    if built != ExitCode::from(Status::Clean as u8) {
        eprintln!(
            "agentspec: the hooks were not installed: fix the errors above, then run `agentspec init --hooks` again"
        );
        return built;
    }
    super::hooks::install(&InstallArgs {
        bundle,
        settings: PathBuf::from(".claude/settings.json"),
        binary: None,
        main_agent: None,
        no_sandbox: false,
        sandbox: false,
        host: crate::cli::args::HostName::ClaudeCode,
        project: PathBuf::from("."),
        codex_home: None,
    })
}
