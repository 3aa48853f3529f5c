//! `agentspec hooks install`.

use std::process::ExitCode;

use crate::cli::Status;
use crate::cli::args::InstallArgs;

pub(crate) fn install(args: &InstallArgs) -> ExitCode {
    match crate::runner::install::install(
        &args.bundle,
        &args.settings,
        &args.binary,
        args.main_agent.as_deref(),
        args.sandbox,
    ) {
        Ok(installed) => {
            eprintln!(
                "agentspec: installed the hooks of {} into {}",
                args.bundle.display(),
                args.settings.display()
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
    }
}
