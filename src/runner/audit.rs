//! The audit log: one JSON line per event, each chained to the line before by its sha256,
//! with a head record beside it so that a removed, changed or truncated line is noticed.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{LOCK_TIMEOUT, Lock, RunnerError, create_state_dir, perform, write_atomic};
use crate::policy::decide::Decision;

/// What the line is about: the host's event as it came.
pub struct Subject<'a> {
    pub session: &'a str,
    /// The host's name for the event.
    pub event: &'a str,
    pub tool: Option<&'a str>,
    pub tool_use_id: Option<&'a str>,
    /// The host's input, whole, so that a replay is exact.
    pub input: &'a Value,
}

/// What one audit line records beside the host's input.
pub struct Entry<'a> {
    pub agent: Option<&'a str>,
    pub decision: &'a Decision,
    pub note: &'a str,
    /// The work-tree fingerprint the decision used.
    pub work: Option<Value>,
    /// The Definition-of-Done checks the runner ran.
    pub checks: Option<Value>,
    /// At a stop: each Definition-of-Done item's verdict (met, not applicable with the
    /// agent's reason, unmet).
    pub done: Option<Value>,
    /// The command the runner performed for the agent, and what came of it.
    pub performed: Option<&'a perform::Outcome>,
    /// The call ran confined (the gates judged it so).
    pub confined: bool,
    /// The command ran outside the project's root folder (a test run there is no evidence).
    pub outside_root: bool,
}

impl<'a> Entry<'a> {
    /// A line with nothing beside the decision.
    pub fn of(
        agent: Option<&'a str>,
        decision: &'a Decision,
        note: &'a str,
        confined: bool,
    ) -> Entry<'a> {
        Entry {
            agent,
            decision,
            note,
            work: None,
            checks: None,
            done: None,
            performed: None,
            confined,
            outside_root: false,
        }
    }
}

/// Appends a line to the audit log in `state_dir`, chained to the line before and recorded
/// in the head beside it.
pub fn append(
    state_dir: &Path,
    subject: &Subject,
    bundle_revision: &str,
    entry: Entry,
) -> Result<(), RunnerError> {
    let Entry {
        agent,
        decision,
        note,
        work,
        checks,
        done,
        performed,
        confined,
        outside_root,
    } = entry;
    create_state_dir(state_dir)?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let (kind, reason, rule) = match decision {
        Decision::Allow => ("allow", None, None),
        Decision::Deny { reason, rule } => ("deny", Some(reason.as_str()), Some(rule.as_str())),
        Decision::Ask { reason } => ("ask", Some(reason.as_str()), None),
        Decision::Block { reason, rule } => ("block", Some(reason.as_str()), Some(rule.as_str())),
    };
    let input_text = subject.input.to_string();
    // Inputs are kept whole up to a size; beyond it, their digest.
    let input_record = if input_text.len() <= AUDIT_INPUT_LIMIT {
        subject.input.clone()
    } else {
        json!({
            "omitted": true,
            "bytes": input_text.len(),
            "sha256": crate::policy::sha256_hex(input_text.as_bytes()),
        })
    };
    let path = state_dir.join(AUDIT_FILE);
    let _lock = Lock::acquire(&state_dir.join("audit.lock"), LOCK_TIMEOUT)?;
    let state_err =
        |p: &Path, e: std::io::Error| RunnerError::State(format!("{}: {e}", p.display()));
    let head_path = state_dir.join(AUDIT_HEAD);
    let mut head = read_head(&head_path)?;
    let last = last_line(&path).map_err(|e| state_err(&path, e))?;
    let prev = last
        .as_deref()
        .map_or_else(|| AUDIT_GENESIS.to_owned(), crate::policy::sha256_hex);
    let one_ahead = last
        .as_deref()
        .and_then(|l| serde_json::from_slice::<Value>(l).ok())
        .is_some_and(|v| v.get("prev").and_then(Value::as_str) == Some(head.last.as_str()));
    if prev != head.last && one_ahead {
        // A hook stopped between appending its line and recording it: the line is intact
        // and chained, so the head catches up.
        head = AuditHead {
            lines: head.lines + 1,
            last: prev.clone(),
        };
    } else if prev != head.last {
        return Err(RunnerError::State(format!(
            "the audit log {} does not end where it did (lines were removed or changed); `agentspec run replay --verify` shows where",
            path.display()
        )));
    }
    let mut entry = json!({
        "id": format!("{}-{}-{}", now.as_secs(), now.subsec_nanos(), std::process::id()),
        // sha256 of the previous line: a removed or edited line breaks the chain.
        "prev": prev,
        "time": now.as_secs_f64(),
        "session": subject.session,
        "agent": agent,
        "event": subject.event,
        "tool": subject.tool,
        "tool_use_id": subject.tool_use_id,
        "decision": kind,
        "reason": reason,
        "rule": rule,
        "note": if note.is_empty() { Value::Null } else { Value::String(note.to_owned()) },
        "bundle_revision": bundle_revision,
        // The work-tree fingerprint the decision used, so that a replay is exact.
        "work": work,
        // The Definition-of-Done checks the runner ran, with their results.
        "checks": checks,
        "done": done,
        // The command the runner performed for the agent (a confined session's commit, push
        // or ref write), with its exit code and output.
        "performed": performed,
        "confined": confined,
        "outside_root": outside_root,
        // The whole hook input, so that `agentspec run replay` can replay the log exactly.
        "input": input_record,
    });
    // The agent's text reaches the reason and the verdicts (a checklist line is quoted): a line
    // stays within what the log's reader accepts, the largest parts kept as their digest.
    for key in ["done", "reason", "checks", "performed", "work"] {
        if entry.to_string().len() <= AUDIT_LINE_LIMIT {
            break;
        }
        if let Some(part) = entry.get_mut(key) {
            let text = part.to_string();
            *part = json!({
                "omitted": true,
                "bytes": text.len(),
                "sha256": crate::policy::sha256_hex(text.as_bytes()),
            });
        }
    }
    let line = entry.to_string();
    let mut file = crate::fsutil::open_regular(&path, OpenOptions::new().create(true).append(true))
        .map_err(|e| state_err(&path, e))?;
    file.write_all(format!("{line}\n").as_bytes())
        .map_err(|e| state_err(&path, e))?;
    let next = AuditHead {
        lines: head.lines + 1,
        last: crate::policy::sha256_hex(line.as_bytes()),
    };
    let bytes = serde_json::to_vec(&next).map_err(|e| RunnerError::State(e.to_string()))?;
    write_atomic(&head_path, &bytes).map_err(|e| state_err(&head_path, e))?;
    Ok(())
}

/// The audit log's file name in the state directory.
pub const AUDIT_FILE: &str = "audit.jsonl";
/// Where the audit log's last line is recorded, so that a truncated log is noticed.
pub const AUDIT_HEAD: &str = "audit.head";
/// Hook inputs longer than this are recorded by their sha256.
pub const AUDIT_INPUT_LIMIT: usize = 16 * 1024;

/// The longest line the runner writes to the audit log (what its reader accepts is larger).
const AUDIT_LINE_LIMIT: usize = AUDIT_INPUT_LIMIT * 4;
/// The `prev` of the first line.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many lines the audit log has and the sha256 of its last line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditHead {
    pub lines: u64,
    pub last: String,
}

impl Default for AuditHead {
    fn default() -> AuditHead {
        AuditHead {
            lines: 0,
            last: AUDIT_GENESIS.to_owned(),
        }
    }
}

/// The recorded head; the genesis when there is none.
pub fn read_head(path: &Path) -> Result<AuditHead, RunnerError> {
    match crate::fsutil::read_regular(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| RunnerError::State(format!("{} is corrupt: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AuditHead::default()),
        Err(e) => Err(RunnerError::State(format!("{}: {e}", path.display()))),
    }
}

/// The last line of the audit log (`None` when it is empty), read from its end.
fn last_line(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match crate::fsutil::open_regular(path, OpenOptions::new().read(true)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    // A line holds at most AUDIT_INPUT_LIMIT of input plus the decision: well under this.
    let window = (AUDIT_INPUT_LIMIT as u64) * 8;
    let start = len.saturating_sub(window);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let text = tail.strip_suffix(b"\n").unwrap_or(&tail);
    if text.is_empty() {
        return Ok(None);
    }
    let last = match text.iter().rposition(|b| *b == b'\n') {
        Some(i) => &text[i + 1..],
        None if start == 0 => text,
        None => {
            return Err(std::io::Error::other(
                "the audit log's last line is longer than any line agentspec writes",
            ));
        }
    };
    Ok(Some(last.to_vec()))
}

/// What `run replay --verify` found in an audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditCheck {
    pub lines: u64,
    /// Each break in the chain, or disagreement with the recorded head, with its line.
    pub problems: Vec<String>,
}

/// Checks an audit log's hash chain (each line's `prev` is the sha256 of the line before) and
/// that it ends where the head record beside it (`audit.head`) says: a removed, edited or
/// reordered line and a truncated end are each reported.
pub fn verify_audit(path: &std::path::Path) -> Result<AuditCheck, String> {
    let bytes =
        crate::fsutil::read_regular(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut check = AuditCheck::default();
    let mut prev = AUDIT_GENESIS.to_owned();
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        check
            .problems
            .push("the last line is cut short (no newline at the end)".to_owned());
    }
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        if body.is_empty() {
            break;
        }
        let n = i + 1;
        check.lines += 1;
        let recorded = serde_json::from_slice::<Value>(line)
            .ok()
            .and_then(|v| v.get("prev").and_then(Value::as_str).map(str::to_owned));
        match recorded {
            None => check
                .problems
                .push(format!("line {n}: not an audit record with `prev`")),
            Some(p) if p != prev => check.problems.push(format!(
                "line {n}: the chain breaks here (a line before it was removed, changed or moved)"
            )),
            Some(_) => {}
        }
        prev = crate::policy::sha256_hex(line);
    }
    let head_path = crate::fsutil::parent_dir(path).join(AUDIT_HEAD);
    match crate::fsutil::read_regular(&head_path) {
        Ok(head) => match serde_json::from_slice::<AuditHead>(&head) {
            Ok(head) if head.last == prev && head.lines == check.lines => {}
            Ok(head) if head.lines > check.lines || head.last != prev => {
                check.problems.push(format!(
                    "the log ends at line {} but {} records {} lines ending elsewhere: lines were removed from the end or the last one changed",
                    check.lines,
                    head_path.display(),
                    head.lines
                ));
            }
            Ok(_) => {}
            Err(e) => check
                .problems
                .push(format!("{} is corrupt: {e}", head_path.display())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if check.lines > 0 {
                check.problems.push(format!(
                    "{} is missing: a truncated end cannot be ruled out",
                    head_path.display()
                ));
            }
        }
        Err(e) => check.problems.push(format!("{}: {e}", head_path.display())),
    }
    Ok(check)
}
