//! The hosts: each turns its own input into the engine's calls and the engine's outcomes into
//! its replies, and owns what only it knows (its settings, files, install and doctor).

pub mod claude_code;
pub mod codex;
pub mod events;

use crate::runner::RunnerError;

/// A hook input as received (refused with a NUL byte anywhere: no host sends one), and the
/// host's view of it.
pub(crate) fn read_input<T: serde::de::DeserializeOwned>(
    input_json: &str,
) -> Result<(serde_json::Value, T), RunnerError> {
    if input_json.contains('\0') || input_json.contains("\\u0000") {
        return Err(RunnerError::Input(
            "the hook input contains a NUL byte".to_owned(),
        ));
    }
    let raw: serde_json::Value =
        serde_json::from_str(input_json).map_err(|e| RunnerError::Input(e.to_string()))?;
    let input =
        serde_json::from_value(raw.clone()).map_err(|e| RunnerError::Input(e.to_string()))?;
    Ok((raw, input))
}

/// What a host's events look like, for [`validate`].
pub(crate) struct EventShape<'a> {
    /// The host, as messages name it.
    pub host: &'a str,
    /// Every event name it sends.
    pub known: &'a [&'a str],
    /// The events that carry a tool call.
    pub tool_events: &'a [&'a str],
}

/// Refuses an input the host never sends: an unknown event name, an empty session id, a
/// `tool_input` that is not an object, a tool event without a tool name.
pub(crate) fn validate(
    shape: &EventShape,
    event: &str,
    session_id: &str,
    tool_input: Option<&serde_json::Value>,
    tool_name: Option<&str>,
) -> Result<(), RunnerError> {
    if !shape.known.contains(&event) {
        return Err(RunnerError::Input(format!(
            "`{event}` is not a hook event {} sends",
            shape.host
        )));
    }
    if session_id.trim().is_empty() {
        return Err(RunnerError::Input("`session_id` is empty".to_owned()));
    }
    if tool_input.is_some_and(|v| !v.is_object()) {
        return Err(RunnerError::Input(
            "`tool_input` is not a JSON object".to_owned(),
        ));
    }
    if shape.tool_events.contains(&event) && tool_name.is_none_or(str::is_empty) {
        return Err(RunnerError::Input(format!(
            "a `{event}` event without `tool_name`"
        )));
    }
    Ok(())
}
