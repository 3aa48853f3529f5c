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
    // The hooks call `agentspec` from PATH when it is there (it survives reinstalls), else
    // this very binary: a hook whose command is missing would block every action.
    let binary = if on_path("agentspec") {
        "agentspec".to_owned()
    } else {
        match std::env::current_exe() {
            Ok(exe) => {
                eprintln!(
                    "agentspec: `agentspec` is not on PATH; the hooks run {}",
                    exe.display()
                );
                exe.display().to_string()
            }
            Err(e) => {
                eprintln!(
                    "agentspec: `agentspec` is not on PATH and this binary's path is unknown ({e}); install it (README, Install) and run `agentspec init --hooks` again"
                );
                return Status::Failure.into();
            }
        }
    };
    super::hooks::install(&InstallArgs {
        bundle,
        settings: PathBuf::from(".claude/settings.json"),
        binary,
        main_agent: None,
        sandbox: false,
    })
}

/// Whether an executable file `name` is in a directory on PATH.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let file = dir.join(name);
            file.is_file()
                && std::fs::metadata(&file).is_ok_and(|m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.permissions().mode() & 0o111 != 0
                })
        })
    })
}
