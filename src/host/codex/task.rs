//! Codex as the host of `agentspec run task`: `codex exec --json` for the first turn, then
//! `codex exec resume THREAD` for each answer (measured with 0.169.0: the session id, which the
//! hooks key the session on, stays the thread's). The agent's own text becomes the session's
//! developer instructions (`-c developer_instructions=...`), as `claude --agent` makes it the
//! system prompt.

use std::cell::RefCell;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::runner::task::{Host, Progress};

/// Codex, headless.
pub struct Codex {
    pub binary: PathBuf,
    /// The agent's instructions (its file's body).
    pub instructions: Option<String>,
    pub workdir: PathBuf,
    pub extra_args: Vec<String>,
    /// The thread of the first turn, which later turns resume.
    pub thread: RefCell<Option<String>>,
}

/// The body of an agent file: the text after its frontmatter.
pub fn body_of(text: &str) -> &str {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return &rest[offset..];
        }
    }
    text
}

impl Host for Codex {
    fn turn(
        &self,
        prompt: &str,
        resume: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<String, String> {
        let mut cmd = Command::new(&self.binary);
        cmd.args([
            "exec",
            "--json",
            "--skip-git-repo-check",
            "--color",
            "never",
        ]);
        if let Some(text) = &self.instructions {
            // A JSON string is a TOML basic string but for DEL, which TOML wants escaped.
            cmd.arg("-c").arg(format!(
                "developer_instructions={}",
                Value::String(text.clone())
                    .to_string()
                    .replace('\u{7f}', "\\u007F")
            ));
        }
        cmd.args(&self.extra_args);
        let thread = self.thread.borrow().clone();
        match (&thread, resume) {
            (Some(id), true) => {
                cmd.arg("resume").arg(id).arg(prompt);
            }
            _ => {
                cmd.arg(prompt);
            }
        }
        cmd.current_dir(&self.workdir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.binary.display()))?;
        // Codex writes a line per hook to stderr: read it meanwhile, or a long turn fills the
        // pipe and Codex blocks.
        let stderr = child.stderr.take().map(|mut e| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut e, &mut text);
                text
            })
        });
        let mut session = thread.unwrap_or_default();
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
                if kind == "thread.started"
                    && let Some(id) = v.get("thread_id").and_then(Value::as_str)
                {
                    if session.is_empty() {
                        session = id.to_owned();
                        *self.thread.borrow_mut() = Some(session.clone());
                    }
                    progress(Progress::Session(id.to_owned()));
                }
                let item = v.get("item").unwrap_or(&Value::Null);
                let item_kind = item.get("type").and_then(Value::as_str).unwrap_or("");
                let field = |k: &str| {
                    item.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                match (kind, item_kind) {
                    ("item.started", "command_execution") => progress(Progress::ToolCall {
                        tool: "Bash".to_owned(),
                        summary: field("command"),
                    }),
                    ("item.completed", "command_execution") => {
                        let text = field("aggregated_output");
                        progress(Progress::ToolResult {
                            denied_by_agentspec: text.contains("blocked by PreToolUse hook"),
                            text,
                        });
                    }
                    ("item.completed", "file_change") => progress(Progress::ToolCall {
                        tool: "apply_patch".to_owned(),
                        summary: item
                            .get("changes")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(|c| c.get("path").and_then(Value::as_str))
                            .collect::<Vec<_>>()
                            .join(", "),
                    }),
                    ("item.completed", "agent_message") => {
                        progress(Progress::Message(field("text")));
                    }
                    _ => {}
                }
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        let err = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
        if !status.success() {
            return Err(format!("codex exited with {status}: {}", err.trim()));
        }
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_follows_the_frontmatter() {
        assert_eq!(body_of("---\nname: a\n---\nBody\n"), "Body\n");
        assert_eq!(body_of("No frontmatter"), "No frontmatter");
        assert_eq!(body_of("---\nunclosed\n"), "---\nunclosed\n");
    }
}
