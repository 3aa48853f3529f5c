//! Claude Code as the host of `agentspec run task`: one headless turn at a time.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::runner::task::{Host, Progress};

/// Claude Code, headless: `claude -p PROMPT --agent NAME --output-format stream-json`, with the
/// bundle's hooks passed through `--settings` (the user's settings files are not touched).
pub struct ClaudeCode {
    pub binary: PathBuf,
    pub agent: String,
    pub settings: PathBuf,
    pub workdir: PathBuf,
    pub extra_args: Vec<String>,
}

impl Host for ClaudeCode {
    fn turn(
        &self,
        prompt: &str,
        resume: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<String, String> {
        let mut cmd = Command::new(&self.binary);
        cmd.arg("-p").arg(prompt);
        if resume {
            cmd.arg("--continue");
        }
        cmd.args([
            "--agent",
            &self.agent,
            "--output-format",
            "stream-json",
            "--verbose",
            "--settings",
        ])
        .arg(&self.settings)
        .args(&self.extra_args)
        .current_dir(&self.workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.binary.display()))?;
        let mut session = String::new();
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if let Some(id) = v.get("session_id").and_then(Value::as_str)
                    && session.is_empty()
                {
                    session = id.to_owned();
                    progress(Progress::Session(session.clone()));
                }
                for block in v
                    .pointer("/message/content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    match (
                        v.get("type").and_then(Value::as_str),
                        block.get("type").and_then(Value::as_str),
                    ) {
                        (Some("assistant"), Some("tool_use")) => {
                            let tool = block
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned();
                            let input = block.get("input").cloned().unwrap_or(Value::Null);
                            let summary = input
                                .get("command")
                                .or_else(|| input.get("file_path"))
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned();
                            progress(Progress::ToolCall { tool, summary });
                        }
                        (Some("assistant"), Some("text")) => {
                            progress(Progress::Message(
                                block
                                    .get("text")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_owned(),
                            ));
                        }
                        (Some("user"), Some("tool_result")) => {
                            let text = match block.get("content") {
                                Some(Value::String(s)) => s.clone(),
                                Some(other) => other.to_string(),
                                None => String::new(),
                            };
                            let denied = block.get("is_error").and_then(Value::as_bool)
                                == Some(true)
                                && text.contains("hook error");
                            progress(Progress::ToolResult {
                                denied_by_agentspec: denied,
                                text,
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            return Err(format!(
                "the agent host exited with {status}: {}",
                err.trim()
            ));
        }
        Ok(session)
    }
}
