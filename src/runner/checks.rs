//! The Definition-of-Done checks the runner runs itself when an agent stops: the commands
//! `[done.commands]` and `[done] test` name, each in the project root with a time limit, and
//! the reports the test command writes. A passing result is cached per command and work
//! tree, so an unchanged tree is not tested twice.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::policy::decide::{CheckOutcome, CheckStatus, ReportReading};
use crate::policy::{AgentPolicy, ReportKind};

/// Output kept per command: its end, where test runners print their summary.
const TAIL_BYTES: usize = 4000;
/// Lines of output shown to the model.
const TAIL_LINES: usize = 30;
/// A report larger than this is not read.
const MAX_REPORT: u64 = 64 * 1024 * 1024;

/// Runs (or takes from the cache) every check of `policy` on the work tree `tree`; under
/// `confinement` when the session's commands are confined (a test suite is project code the
/// agent wrote: it runs with no more rights than the agent's own commands).
pub fn run(
    policy: &AgentPolicy,
    root: &Path,
    tree: Option<&str>,
    cache: &Path,
    confinement: Option<&super::confine::Confinement>,
) -> Vec<CheckOutcome> {
    let timeout = Duration::from_secs(policy.checks.timeout_secs);
    policy
        .check_commands()
        .into_iter()
        .map(|command| {
            let key = cache_key(&command, tree, policy);
            let file = cache.join(format!("{key}.json"));
            if let Some(hit) = tree.and_then(|_| cached(&file, &command, tree)) {
                return hit;
            }
            let is_test = policy.checks.test.as_deref() == Some(command.as_str());
            if is_test {
                // What the run leaves is what it wrote: reports from before do not count.
                for path in [&policy.checks.junit, &policy.checks.coverage]
                    .into_iter()
                    .flatten()
                {
                    let full = root.join(path);
                    if std::fs::symlink_metadata(&full)
                        .is_ok_and(|m| m.is_file() || m.file_type().is_symlink())
                    {
                        let _ = std::fs::remove_file(&full);
                    }
                }
            }
            let (mut outcome, started_at) = run_one(&command, root, timeout, confinement);
            outcome.tree = tree.map(str::to_owned);
            if is_test {
                outcome.reports = read_reports(policy, root, started_at);
            }
            if outcome.status == CheckStatus::Passed && tree.is_some() {
                store(&file, &outcome);
            }
            outcome
        })
        .collect()
}

fn cache_key(command: &str, tree: Option<&str>, policy: &AgentPolicy) -> String {
    let reports = format!("{:?}{:?}", policy.checks.junit, policy.checks.coverage);
    crate::policy::sha256_hex(
        format!(
            "{}\0{command}\0{}\0{reports}",
            env!("CARGO_PKG_VERSION"),
            tree.unwrap_or("")
        )
        .as_bytes(),
    )
}

/// A cached outcome, when it is one for this command and tree; anything else is ignored.
fn cached(file: &Path, command: &str, tree: Option<&str>) -> Option<CheckOutcome> {
    let text = crate::fsutil::read_regular(file).ok()?;
    let outcome: CheckOutcome = serde_json::from_slice(&text).ok()?;
    (outcome.command == command
        && outcome.tree.as_deref() == tree
        && outcome.status == CheckStatus::Passed)
        .then_some(outcome)
}

fn store(file: &Path, outcome: &CheckOutcome) {
    if let Some(dir) = file.parent()
        && std::fs::create_dir_all(dir).is_ok()
        && let Ok(text) = serde_json::to_vec(outcome)
    {
        // A cache that cannot be written only costs a second run.
        let _ = crate::fsutil::write_atomic(file, &text, crate::fsutil::Durability::Renamed);
    }
}

/// Runs one command with `bash -c` in `root`, standard input closed, output captured; the
/// whole process group is killed at the time limit. The outcome, and when the run started.
fn run_one(
    command: &str,
    root: &Path,
    timeout: Duration,
    confinement: Option<&super::confine::Confinement>,
) -> (CheckOutcome, SystemTime) {
    use std::os::unix::process::CommandExt;
    let started_at = SystemTime::now();
    let outcome = |status, exit_code, tail: String| {
        let outcome = CheckOutcome {
            command: command.to_owned(),
            status,
            exit_code,
            tail,
            tree: None,
            reports: Vec::new(),
        };
        (outcome, started_at)
    };
    let shell = if Path::new("/bin/bash").exists() {
        "/bin/bash"
    } else {
        "/bin/sh"
    };
    let mut cmd = match confinement {
        None => {
            let mut cmd = Command::new(shell);
            cmd.arg("-c").arg(command).current_dir(root);
            cmd
        }
        Some(c) => match super::confine::bubblewrap() {
            Some(bwrap) => c.command(&bwrap, shell, &["-c".to_owned(), command.to_owned()], root),
            None => {
                return outcome(
                    CheckStatus::Error,
                    None,
                    "cannot run the check confined: bubblewrap is missing or cannot make a sandbox here".to_owned(),
                );
            }
        },
    };
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return outcome(
                CheckStatus::Error,
                None,
                format!("cannot run `{shell}`: {e}"),
            );
        }
    };
    // Each reader sends what it kept; a process the command left behind may hold the pipe
    // open, so the runner waits for the readers only briefly.
    let (sender, received) = std::sync::mpsc::channel::<(usize, Vec<u8>)>();
    let readers: usize = [
        child
            .stdout
            .take()
            .map(|o| Box::new(o) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|e| Box::new(e) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .enumerate()
    .map(|(i, mut r)| {
        let sender = sender.clone();
        std::thread::spawn(move || {
            // Keep the end only; read everything so the command never blocks on a full pipe.
            let mut kept: Vec<u8> = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 {
                    break;
                }
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > 2 * TAIL_BYTES {
                    kept.drain(..kept.len() - TAIL_BYTES);
                }
            }
            let _ = sender.send((i, kept));
        })
    })
    .count();
    drop(sender);
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) | Err(_) => {
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let mut parts: Vec<(usize, Vec<u8>)> = Vec::new();
    let until = Instant::now() + Duration::from_secs(2);
    while parts.len() < readers {
        let left = until.saturating_duration_since(Instant::now());
        match received.recv_timeout(left) {
            Ok(part) => parts.push(part),
            Err(_) => break,
        }
    }
    parts.sort_by_key(|(i, _)| *i);
    let output: Vec<u8> = parts.into_iter().flat_map(|(_, p)| p).collect();
    let tail = tail(&String::from_utf8_lossy(&output));
    match status {
        None => outcome(
            CheckStatus::TimedOut,
            None,
            format!(
                "{tail}\n(stopped after {} s: the time limit, `[done] timeout` in agentspec.toml)",
                timeout.as_secs()
            )
            .trim()
            .to_owned(),
        ),
        Some(s) if s.success() => outcome(CheckStatus::Passed, s.code(), tail),
        Some(s) => outcome(CheckStatus::Failed, s.code(), tail),
    }
}

/// Kills the command's process group (what it started in the background included).
fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.len().saturating_sub(TAIL_LINES);
    let text = lines[start..].join("\n");
    let cut = text.len().saturating_sub(TAIL_BYTES);
    let mut at = cut;
    while !text.is_char_boundary(at) {
        at += 1;
    }
    text[at..].to_owned()
}

fn read_reports(policy: &AgentPolicy, root: &Path, started_at: SystemTime) -> Vec<ReportReading> {
    let mut out = Vec::new();
    if let Some(path) = &policy.checks.junit {
        out.push(read_report(ReportKind::Junit, path, root, started_at));
    }
    if let Some(path) = &policy.checks.coverage {
        out.push(read_report(ReportKind::Coverage, path, root, started_at));
    }
    out
}

fn read_report(kind: ReportKind, path: &str, root: &Path, started_at: SystemTime) -> ReportReading {
    let mut reading = ReportReading {
        report: kind,
        path: path.to_owned(),
        fresh: false,
        tests: None,
        failures: None,
        errors: None,
        line_percent: None,
        error: None,
    };
    // Inside the project, and the file itself: a link could name a report written by
    // anything, at any time.
    if Path::new(path).is_absolute()
        || Path::new(path)
            .components()
            .any(|c| c == std::path::Component::ParentDir)
    {
        reading.error = Some("the path leaves the project".to_owned());
        return reading;
    }
    let full: PathBuf = root.join(path);
    if std::fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_symlink()) {
        reading.error = Some("it is a symbolic link, not the report the run wrote".to_owned());
        return reading;
    }
    let meta = std::fs::metadata(&full);
    // The runner removed it before the run; a file system's clock may round the time the
    // run wrote it down by a few milliseconds.
    let earliest = started_at
        .checked_sub(Duration::from_millis(50))
        .unwrap_or(started_at);
    reading.fresh = meta
        .as_ref()
        .is_ok_and(|m| m.modified().is_ok_and(|t| t >= earliest));
    if meta.as_ref().is_ok_and(|m| m.len() > MAX_REPORT) {
        reading.error = Some(format!("larger than {MAX_REPORT} bytes"));
        return reading;
    }
    let text = match crate::fsutil::read_regular(&full) {
        Ok(t) => String::from_utf8_lossy(&t).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            reading.error = Some("the test command did not write it".to_owned());
            return reading;
        }
        Err(e) => {
            reading.error = Some(format!("cannot read it: {e}"));
            return reading;
        }
    };
    let parsed = match kind {
        ReportKind::Junit => super::reports::junit(&text).map(|c| {
            reading.tests = Some(c.tests);
            reading.failures = Some(c.failures);
            reading.errors = Some(c.errors);
        }),
        ReportKind::Coverage => super::reports::line_coverage(&text).map(|p| {
            reading.line_percent = Some(p);
        }),
    };
    if let Err(e) = parsed {
        reading.error = Some(e.to_string());
    }
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_cut_to_its_end_on_a_character_boundary() {
        let long = "é".repeat(10_000);
        let t = tail(&long);
        assert!(t.len() <= TAIL_BYTES);
        let many: String = (0..100).map(|i| format!("line {i}\n")).collect();
        assert!(tail(&many).starts_with("line 70"));
    }
}
