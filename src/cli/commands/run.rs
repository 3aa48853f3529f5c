//! `agentspec run`: the hook, the git hook, replay, events and task.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::args::{HostName, ListFormat, RunCommand};
use crate::cli::{Status, print};

pub(crate) fn run(command: RunCommand) -> ExitCode {
    match command {
        RunCommand::Hook {
            host,
            bundle,
            state_dir,
            main_agent,
            confined,
        } => run_hook(host, bundle, state_dir, main_agent, confined),
        RunCommand::Replay {
            bundle,
            verify,
            agent,
            file,
            format,
        } => match bundle {
            Some(bundle) if !verify => run_replay(&bundle, agent.as_deref(), &file, format),
            _ => verify_audit(&file),
        },
        RunCommand::Events { bundle } => run_events(&bundle),
        RunCommand::GitHook {
            bundle,
            state_dir,
            main_agent,
            name,
            args,
        } => run_git_hook(
            crate::runner::githooks::GitHookOptions {
                bundle,
                state_dir,
                main_agent,
            },
            &name,
            &args,
        ),
        RunCommand::Task {
            bundle,
            agent,
            approve,
            host,
            claude,
            codex,
            max_rounds,
            prompt,
            host_args,
        } => run_task(
            &bundle,
            &agent,
            approve,
            match host {
                HostName::ClaudeCode => claude,
                HostName::Codex => codex,
            },
            host,
            max_rounds,
            &prompt,
            host_args,
        ),
    }
}

/// A hook that has not answered by then exits 2 (blocked): well under the `timeout` the
/// installed hook entries give Claude Code, after which Claude Code would let the action
/// through.
const HOOK_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// Exits 2 with `message` once `deadline` has passed, whatever the hook is waiting for.
/// The runner may extend it through `extended` while it runs Definition-of-Done checks or a
/// command, within the time the installed hooks allow.
fn watchdog(
    deadline: std::time::Duration,
    extended: std::sync::Arc<crate::runner::Deadline>,
    message: &'static str,
) -> std::sync::Arc<std::sync::atomic::AtomicU8> {
    let code = std::sync::Arc::new(std::sync::atomic::AtomicU8::new(2));
    let exit_code = code.clone();
    let start = std::time::Instant::now();
    std::thread::spawn(move || {
        loop {
            if start.elapsed() >= deadline + extended.extra() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        eprintln!("{message}");
        std::process::exit(i32::from(
            exit_code.load(std::sync::atomic::Ordering::SeqCst),
        ));
    });
    code
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

fn run_hook(
    host: crate::cli::args::HostName,
    bundle: PathBuf,
    state_dir: Option<PathBuf>,
    main_agent: Option<String>,
    confined: bool,
) -> ExitCode {
    let deadline = std::sync::Arc::new(crate::runner::Deadline::default());
    let timeout_code = watchdog(
        hook_deadline(),
        deadline.clone(),
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
            return Err((format!("cannot read the hook input: {e}"), String::new()));
        }
        if input.len() > crate::runner::MAX_INPUT {
            return Err((
                format!(
                    "the hook input is larger than {} bytes",
                    crate::runner::MAX_INPUT
                ),
                String::new(),
            ));
        }
        let input = String::from_utf8(input)
            .map_err(|_| ("the hook input is not UTF-8".to_owned(), String::new()))?;
        if host == HostName::Codex && crate::host::codex::error_reply(&input, "").0.exit_code == 0 {
            // A stop already blocked once: a runner that does not finish in time lets it end
            // (Codex has no loop guard).
            timeout_code.store(0, std::sync::atomic::Ordering::SeqCst);
        }
        let state_dir = match state_dir {
            Some(dir) => dir,
            None => crate::runner::default_state_dir(&bundle)
                .map_err(|e| (e.to_string(), input.clone()))?,
        };
        let options = crate::engine::Options {
            bundle: bundle.clone(),
            state_dir,
            main_agent,
            confined,
            deadline,
        };
        match host {
            HostName::ClaudeCode => crate::host::claude_code::handle_hook(&input, &options),
            HostName::Codex => crate::host::codex::handle_hook(&input, &options),
        }
        .map_err(|e| (e.to_string(), input))
    });
    match result {
        Ok(Ok(reply)) => {
            if !reply.stdout.is_empty() && print(&(reply.stdout + "\n")) == Status::Failure {
                return ExitCode::from(2);
            }
            ExitCode::from(u8::try_from(reply.exit_code).unwrap_or(2))
        }
        Ok(Err((message, input))) if host == HostName::Codex => {
            // A stop blocked once already ends: Codex would call the model without end.
            let (reply, blocked) = crate::host::codex::error_reply(&input, &message);
            if blocked {
                eprintln!("agentspec: blocked because the policy could not be checked: {message}");
            } else {
                let _ = print(&(reply.stdout + "\n"));
            }
            ExitCode::from(u8::try_from(reply.exit_code).unwrap_or(2))
        }
        Ok(Err((message, _))) => {
            eprintln!("agentspec: blocked because the policy could not be checked: {message}");
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("agentspec: blocked because the runner failed internally");
            // A Codex stop already blocked once ends instead (see the watchdog).
            ExitCode::from(timeout_code.load(std::sync::atomic::Ordering::SeqCst))
        }
    }
}

fn run_git_hook(
    options: crate::runner::githooks::GitHookOptions,
    name: &str,
    args: &[String],
) -> ExitCode {
    use crate::runner::githooks;
    let _ = watchdog(
        hook_deadline(),
        std::sync::Arc::default(),
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
        githooks::check(
            name,
            args,
            &text,
            &githooks::Caller::from_env(
                if std::env::var_os(crate::host::codex::SESSION.marker).is_some() {
                    crate::host::codex::SESSION
                } else {
                    crate::host::claude_code::SESSION
                },
            ),
            &options,
        )?;
        // A commit the runner makes for a confined agent: the repository's hooks run confined.
        let confinement = if std::env::var_os(crate::runner::perform::CONFINE_HOOKS_ENV).is_some() {
            let record =
                crate::runner::record::read(&options.state_dir).map_err(|e| e.to_string())?;
            Some(record.and_then(|r| r.confinement).ok_or_else(|| {
                "agentspec: refused because the install record holds no confinement for the repository's hooks".to_owned()
            })?)
        } else {
            None
        };
        githooks::chain(
            name,
            args,
            &stdin,
            &githooks::hooks_dir(&options.state_dir),
            confinement.as_ref(),
        )
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
    match crate::runner::audit::verify_audit(file) {
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
    bundle_dir: &std::path::Path,
    agent: Option<&str>,
    file: &std::path::Path,
    format: ListFormat,
) -> ExitCode {
    let bundle = match load_bundle(bundle_dir) {
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
    let report =
        match crate::host::claude_code::recording::replay(bundle_dir, &bundle, &text, agent) {
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
            for na in &report.not_applicable_at_end {
                let _ = writeln!(s, "not applicable, in the agent's words: {na}");
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

fn run_events(bundle_dir: &std::path::Path) -> ExitCode {
    let bundle = match load_bundle(bundle_dir) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let options = match crate::runner::default_state_dir(bundle_dir) {
        Ok(state_dir) => crate::host::events::StreamOptions {
            bundle: std::path::absolute(bundle_dir).unwrap_or_else(|_| bundle_dir.to_path_buf()),
            state_dir: state_dir.join("events"),
        },
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("agentspec: cannot read standard input: {e}");
        return Status::Failure.into();
    }
    print(&crate::host::events::stream(&options, &bundle, &input)).into()
}

#[allow(clippy::too_many_arguments)]
fn run_task(
    bundle_dir: &std::path::Path,
    agent: &str,
    approve: bool,
    program: PathBuf,
    host_name: HostName,
    max_rounds: u32,
    prompt: &str,
    host_args: Vec<String>,
) -> ExitCode {
    use crate::runner::task::{self, Progress};
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
    let project = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // Kept until the task ends: Claude Code reads the hooks from it.
    let mut _settings_file = None;
    let host: Box<dyn task::Host> = match host_name {
        HostName::ClaudeCode => {
            match claude_task_host(&absolute, agent, &project, program, host_args) {
                Ok((host, file)) => {
                    _settings_file = Some(file);
                    host
                }
                Err(code) => return code,
            }
        }
        HostName::Codex => {
            match codex_task_host(&bundle, &absolute, agent, &project, program, host_args) {
                Ok(host) => host,
                Err(code) => return code,
            }
        }
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

/// Claude Code for `run task`: the hooks of `hooks install` in a settings file of their own,
/// given with `--settings` (the same binary, the same confinement).
fn claude_task_host(
    bundle: &std::path::Path,
    agent: &str,
    project: &std::path::Path,
    program: PathBuf,
    host_args: Vec<String>,
) -> Result<(Box<dyn crate::runner::task::Host>, tempfile::NamedTempFile), ExitCode> {
    let settings_file = tempfile::Builder::new()
        .prefix("agentspec-task-")
        .suffix(".json")
        .tempfile()
        .map_err(|e| {
            eprintln!("agentspec: cannot create the settings file: {e}");
            ExitCode::from(Status::Failure)
        })?;
    let options = crate::host::claude_code::install::InstallOptions {
        bundle_dir: bundle,
        settings_path: settings_file.path(),
        project: Some(project),
        binary: None,
        main_agent: Some(agent),
        sandbox: crate::host::claude_code::install::SandboxChoice::Auto,
    };
    let prepared = crate::host::claude_code::install::prepare(&options, serde_json::Map::new())
        .map_err(|e| {
            eprintln!("agentspec: {e}");
            ExitCode::from(Status::Failure)
        })?;
    for w in &prepared.installed.warnings {
        eprintln!("agentspec: warning: {w}");
    }
    std::fs::write(
        settings_file.path(),
        serde_json::Value::Object(prepared.settings).to_string(),
    )
    .map_err(|e| {
        eprintln!("agentspec: cannot write the settings file: {e}");
        ExitCode::from(Status::Failure)
    })?;
    let host = crate::host::claude_code::task::ClaudeCode {
        binary: program,
        agent: agent.to_owned(),
        settings: settings_file.path().to_path_buf(),
        workdir: project.to_path_buf(),
        extra_args: host_args,
    };
    Ok((Box::new(host), settings_file))
}

/// Codex for `run task`: the project's hooks installed and trusted as `hooks install --host
/// codex --main-agent AGENT` does (Codex reads hooks only from its files), and the agent's
/// text as the session's developer instructions.
fn codex_task_host(
    bundle: &crate::policy::Bundle,
    bundle_dir: &std::path::Path,
    agent: &str,
    project: &std::path::Path,
    program: PathBuf,
    host_args: Vec<String>,
) -> Result<Box<dyn crate::runner::task::Host>, ExitCode> {
    let installed =
        crate::host::codex::install::install(&crate::host::codex::install::InstallOptions {
            bundle_dir,
            project,
            binary: None,
            main_agent: Some(agent),
            codex_home: None,
            state_dir: None,
        })
        .map_err(|e| {
            eprintln!("agentspec: {e}");
            ExitCode::from(Status::Failure)
        })?;
    eprintln!(
        "agentspec: installed and trusted the hooks in {} for `{agent}`",
        installed.hooks_file.display()
    );
    let instructions = bundle
        .agents
        .get(agent)
        .map(|p| project.join(&p.source.path))
        .and_then(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            if path.extension().is_some_and(|e| e == "toml") {
                // A Codex agent: its instructions, decoded.
                let table: toml::Table = text.parse().ok()?;
                table
                    .get(crate::parse::toml_doc::BODY_KEY)
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
            } else {
                Some(crate::host::codex::task::body_of(&text).to_owned())
            }
        })
        .map(|text| text.trim().to_owned())
        .filter(|t| !t.is_empty());
    if instructions.is_none() {
        eprintln!(
            "agentspec: warning: the agent's file was not found from here; Codex runs without its instructions"
        );
    }
    Ok(Box::new(crate::host::codex::task::Codex {
        binary: program,
        instructions,
        workdir: project.to_path_buf(),
        extra_args: host_args,
        thread: std::cell::RefCell::new(None),
    }))
}
