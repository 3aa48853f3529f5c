//! `agentspec doctor`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Status, print};
use crate::config::Config;

pub(crate) fn doctor(settings: &Path) -> ExitCode {
    let project = settings
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
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
    let findings = crate::host::claude_code::install::doctor(settings, &project, &target);
    let mut text = String::new();
    let newest = crate::release::newest().version;
    match crate::host::claude_code::install::installed_claude_version() {
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
    report(text, &findings)
}

/// `agentspec doctor --host codex`.
pub(crate) fn doctor_codex(project: &Path, codex_home: Option<&Path>) -> ExitCode {
    let findings = crate::host::codex::install::doctor(project, codex_home);
    report(String::new(), &findings)
}

/// Prints `text` and one line per finding; exit 1 when any failed.
fn report(mut text: String, findings: &[crate::host::claude_code::install::Finding]) -> ExitCode {
    for f in findings {
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
