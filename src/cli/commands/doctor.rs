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
    // The releases the project runs, from its `agentspec.toml` (the installed, else the newest
    // measured, when there is none or it does not load; `check` reports a broken configuration).
    let mut target = Config::discover(&project)
        .and_then(|p| Config::load(&p).ok())
        .map(|c| c.claude_code)
        .unwrap_or_default();
    let installed = crate::release::installed();
    if target.source() == crate::release::Source::Default
        && let Some(found) = &installed
    {
        target = crate::release::Target::exactly(found.version)
            .from_source(crate::release::Source::Installed);
    }
    let findings = crate::host::claude_code::install::doctor(settings, &project, &target);
    let text = release_report(installed.as_ref(), &target);
    report(text, &findings)
}

/// What `doctor` says of the installed Claude Code against the releases agentspec predicts
/// for: a warning when they differ or when the installed release was never measured.
fn release_report(
    installed: Option<&crate::release::Installed>,
    target: &crate::release::Target,
) -> String {
    use crate::release::{Target, measured, newest, oldest};
    let Some(found) = installed else {
        let program = std::env::var_os(crate::release::PROGRAM_VARIABLE);
        let why = match program {
            Some(p) if p.is_empty() => format!(
                "{} is set empty, so no `claude` was looked up",
                crate::release::PROGRAM_VARIABLE
            ),
            Some(p) => format!(
                "{} names `{}`, which is not there or did not answer `--version` as Claude Code does",
                crate::release::PROGRAM_VARIABLE,
                std::path::Path::new(&p).display()
            ),
            None => "claude is not on PATH, or did not answer `--version` as Claude Code does"
                .to_owned(),
        };
        return format!("note {why}: agentspec checks for Claude Code {target}\n");
    };
    let v = found.version;
    let mut text = String::new();
    if !target.admits(v) {
        text.push_str(&format!(
            "WARN the installed Claude Code is {v}, but agentspec.toml sets `claude-code = \"{}\"`: verdicts are for a release you do not run; set `claude-code = \"{v}\"`, or remove the key to follow the installed release\n",
            target.written()
        ));
    }
    if !measured(v) {
        let assumed = Target::exactly(v).versions_text();
        let (which, advice) = if v > newest().version {
            ("newer than", "Update agentspec, or measure it")
        } else {
            ("older than", "Update Claude Code, or measure it")
        };
        text.push_str(&format!(
            "WARN the installed Claude Code is {v}, {which} every release agentspec measured ({} to {}): agentspec has not measured {v}; verdicts assume {assumed}. {advice} with `scripts/record-truth.sh {v}`\n",
            oldest().version,
            newest().version
        ));
    }
    if text.is_empty() {
        text.push_str(&format!(
            "ok   the installed Claude Code ({}) is {v}, a release agentspec measured (agentspec checks for Claude Code {target})\n",
            found.path.display()
        ));
    }
    text
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
