//! Claude Code as the host: its tool names and inputs mapped onto the decision core's
//! [`Action`]s. The only place that knows `Bash`, `Edit` or `Agent`.

use serde_json::Value;

use crate::policy::decide::Action;

/// Tools that change files.
const EDIT_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit", "NotebookEdit"];

/// The action of a tool call; an error for an input Claude Code never sends (a `command` that
/// is not a string), so that the runner refuses it instead of guessing.
pub fn action(tool: &str, input: &Value) -> Result<Action, String> {
    let string = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
    let required = |key: &str| {
        string(key).ok_or_else(|| format!("`{tool}` input has no string `{key}`: {input}"))
    };
    Ok(match tool {
        "Bash" => Action::Shell {
            command: required("command")?,
        },
        _ if EDIT_TOOLS.contains(&tool) => Action::Edit {
            path: string("file_path")
                .or_else(|| string("notebook_path"))
                .ok_or_else(|| format!("`{tool}` input has no string `file_path`: {input}"))?,
        },
        "Agent" | "Task" => Action::Spawn {
            agent: string("subagent_type"),
        },
        _ => Action::Other {
            target: ["file_path", "path", "url", "pattern", "notebook_path"]
                .iter()
                .find_map(|k| string(k)),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tools_map_to_actions() {
        assert_eq!(
            action("Bash", &json!({"command": "ls"})),
            Ok(Action::Shell {
                command: "ls".into()
            })
        );
        assert_eq!(
            action("Edit", &json!({"file_path": "/p/a.ts"})),
            Ok(Action::Edit {
                path: "/p/a.ts".into()
            })
        );
        assert_eq!(
            action("Task", &json!({"subagent_type": "backend"})),
            Ok(Action::Spawn {
                agent: Some("backend".into())
            })
        );
        assert!(action("Bash", &json!({"command": ["git", "commit"]})).is_err());
        assert!(action("Write", &json!({"content": "x"})).is_err());
        assert_eq!(
            action("WebFetch", &json!({"url": "https://x"})),
            Ok(Action::Other {
                target: Some("https://x".into())
            })
        );
    }
}
