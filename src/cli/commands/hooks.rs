//! `agentspec hooks install`.

use std::process::ExitCode;

use crate::cli::Status;
use crate::cli::args::InstallArgs;

pub(crate) fn install(args: &InstallArgs) -> ExitCode {
    if args.host == crate::cli::args::HostName::Codex {
        return install_codex(args);
    }
    use crate::host::claude_code::install::{InstallOptions, SandboxChoice};
    let sandbox = if args.no_sandbox {
        SandboxChoice::Off
    } else if args.sandbox {
        SandboxChoice::On
    } else {
        SandboxChoice::Auto
    };
    match crate::host::claude_code::install::install(&InstallOptions {
        bundle_dir: &args.bundle,
        settings_path: &args.settings,
        project: None,
        binary: args.binary.as_deref(),
        main_agent: args.main_agent.as_deref(),
        sandbox,
    }) {
        Ok(installed) => {
            eprintln!(
                "agentspec: installed the hooks of {} into {}",
                args.bundle.display(),
                args.settings.display()
            );
            eprintln!("agentspec: the hooks run {}", installed.binary.display());
            eprintln!(
                "agentspec: the runner keeps its state and audit log in {} (outside the project; nothing to ignore in git)",
                installed.state_dir.display()
            );
            if installed.confined {
                eprintln!(
                    "agentspec: confined: Claude Code's sandbox is on; the agent's commands cannot move a branch, push, or change git's hooks and configuration or agentspec's files, and agentspec makes the commits and pushes the user approves"
                );
            }
            for w in &installed.warnings {
                eprintln!("agentspec: warning: {w}");
            }
            Status::Clean.into()
        }
        Err(e) => {
            eprintln!("agentspec: {e}");
            Status::Failure.into()
        }
    }
}

fn install_codex(args: &InstallArgs) -> ExitCode {
    if args.no_sandbox {
        eprintln!(
            "agentspec: --no-sandbox does not apply to Codex: its workspace-write sandbox is what keeps .git out of the agent's reach"
        );
        return Status::Failure.into();
    }
    match crate::host::codex::install::install(&crate::host::codex::install::InstallOptions {
        bundle_dir: &args.bundle,
        project: &args.project,
        binary: args.binary.as_deref(),
        main_agent: args.main_agent.as_deref(),
        codex_home: args.codex_home.as_deref(),
        state_dir: None,
    }) {
        Ok(installed) => {
            eprintln!(
                "agentspec: installed the hooks of {} into {}",
                args.bundle.display(),
                installed.hooks_file.display()
            );
            eprintln!(
                "agentspec: trusted the project and its {} agentspec hook entries in {} (Codex skips untrusted hooks without a word)",
                installed.trusted,
                installed.config_file.display()
            );
            eprintln!(
                "agentspec: {} asks for the workspace-write sandbox: the agent's commands cannot write .git, and agentspec makes the commits and pushes the user approves",
                installed.project_config.display()
            );
            eprintln!("agentspec: the hooks run {}", installed.binary.display());
            eprintln!(
                "agentspec: the runner keeps its state and audit log in {}",
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
    }
}
