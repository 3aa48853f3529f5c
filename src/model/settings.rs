//! A Claude Code settings file (`.claude/settings.json`, `.claude/settings.local.json`) and
//! what each release does with its `hooks`, as measured with the real CLIs
//! (`fixtures/settings/`, every measured release):
//!
//! - Not valid JSON, or not an object, or `hooks` not an object: the file is skipped whole
//!   ("Invalid setting skipped"): none of its settings apply and none of its hooks run.
//! - A malformed entry of a guard event (`PreToolUse`, `PermissionRequest`, and from 2.1.332
//!   on `PreSkillShellCommand`): the file is skipped whole too. `null` is dropped.
//! - A malformed entry of any other event, or an unknown event: that entry is dropped.

use std::path::Path;

use crate::model::hooks::{Effect, hooks_section};
use crate::parse::yaml::{Entry, Node, Value};
use crate::release::{Target, Version};
use crate::source::Span;

/// Whether `path` is a project settings file Claude Code reads.
pub fn is_settings_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "settings.json" || n == "settings.local.json")
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == ".claude")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The release skips the whole file.
    Skipped,
    /// The release drops this hook entry.
    EntryIgnored,
    /// The release does not know this hook event and drops the entry.
    UnknownEvent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub span: Span,
    pub message: String,
    pub kind: Kind,
    /// How to write it instead (empty when there is nothing to add).
    pub advice: &'static str,
    /// The releases of the target that do this.
    pub versions: Vec<Version>,
}

/// What the target's releases do with a settings file's text.
pub fn check(text: &str, target: &Target) -> Vec<Finding> {
    let all: Vec<Version> = target.versions().collect();
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return vec![Finding {
                span: Span::empty(offset_of(text, e.line(), e.column())),
                message: format!("the file is not valid JSON: {e}"),
                kind: Kind::Skipped,
                advice: "",
                versions: all,
            }];
        }
    };
    let Some(object) = json.as_object() else {
        return vec![Finding {
            span: Span::new(0, text.len()),
            message: "the file is not a JSON object".to_owned(),
            kind: Kind::Skipped,
            advice: "",
            versions: all,
        }];
    };
    let Some(hooks_json) = object.get("hooks") else {
        return Vec::new();
    };
    // JSON is YAML: the YAML reader gives the spans; the JSON reader is the fallback.
    let hooks = crate::parse::yaml::parse(text, 0)
        .root
        .and_then(|root| match root.value {
            Value::Map(entries) => entries
                .into_iter()
                .rev()
                .find(|e| e.key.key_str() == Some("hooks"))
                .map(|e| e.value),
            _ => None,
        })
        .unwrap_or_else(|| from_json(hooks_json));
    let found = target.gather(|release| {
        let mut found: Vec<(Span, String, Kind, &'static str)> = hooks_section(&hooks, release)
            .into_iter()
            .map(|p| {
                let kind = match p.effect {
                    Effect::Refused => Kind::Skipped,
                    Effect::Ignored => Kind::EntryIgnored,
                };
                (p.span, p.message, kind, p.kind.advice())
            })
            .collect();
        if let Value::Map(entries) = &hooks.value {
            for entry in entries {
                if let Some(event) = entry.key.key_str()
                    && !release.knows_event(event)
                {
                    found.push((
                        entry.key.span,
                        format!("unknown hook event `{event}`"),
                        Kind::UnknownEvent,
                        "",
                    ));
                }
            }
        }
        found
    });
    found
        .into_iter()
        .map(|((span, message, kind, advice), versions)| Finding {
            span,
            message,
            kind,
            advice,
            versions,
        })
        .collect()
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    crate::source::clamp_to_char_boundary(text, (start + column.saturating_sub(1)).min(text.len()))
}

fn from_json(value: &serde_json::Value) -> Node {
    let span = Span::empty(0);
    let node = |value| Node { value, span };
    node(match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i128::from(i)),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(items) => Value::Seq(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Entry {
                    key: node(Value::Str(k.clone())),
                    value: from_json(v),
                })
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, target: &str) -> Vec<(Kind, String)> {
        let target = Target::parse(target).unwrap();
        check(text, &target)
            .into_iter()
            .map(|f| {
                let v: Vec<String> = f.versions.iter().map(|v| v.to_string()).collect();
                (f.kind, v.join(","))
            })
            .collect()
    }

    #[test]
    fn guard_entries_skip_the_file_per_release() {
        let pssc = r#"{"hooks": {"PreSkillShellCommand": "nope"}}"#;
        assert_eq!(
            kinds(pssc, ">=2.1.328"),
            [
                (
                    Kind::UnknownEvent,
                    "2.1.328,2.1.329,2.1.330,2.1.331".to_owned()
                ),
                (Kind::Skipped, "2.1.332".to_owned())
            ]
        );
        let pre = r#"{"hooks": {"PreToolUse": ["nope"]}}"#;
        assert_eq!(
            kinds(pre, "2.1.328"),
            [(Kind::Skipped, "2.1.328".to_owned())]
        );
        let stop = r#"{"hooks": {"Stop": "nope"}}"#;
        assert_eq!(
            kinds(stop, "2.1.332"),
            [(Kind::EntryIgnored, "2.1.332".to_owned())]
        );
        assert_eq!(kinds("{", "2.1.332")[0].0, Kind::Skipped);
        assert!(kinds(r#"{"hooks": {"Stop": []}}"#, ">=2.1.328").is_empty());
        // `holdsTools` is read from 2.1.329 on: before, a string there is an unknown key.
        let holds = r#"{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "true", "holdsTools": "yes"}]}]}}"#;
        assert_eq!(
            kinds(holds, "<=2.1.330"),
            [(Kind::Skipped, "2.1.329,2.1.330".to_owned())]
        );
    }

    /// Each field a release refuses is its own finding, with the releases that refuse it: a
    /// field every release refuses is not said to hold in the releases before another field
    /// arrived.
    #[test]
    fn every_refused_field_of_an_entry_is_said_with_its_releases() {
        let text = r#"{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "true", "holdsTools": "yes", "rewakeMessage": ""}]}]}}"#;
        let target = Target::parse(">=2.1.328").unwrap();
        let found: Vec<(String, Vec<String>)> = check(text, &target)
            .into_iter()
            .map(|f| {
                (
                    f.message,
                    f.versions.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect();
        let all: Vec<String> = target.versions().map(|v| v.to_string()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        let versions_of = |field: &str| {
            found
                .iter()
                .find(|(m, _)| m.contains(field))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(versions_of("`holdsTools`").as_deref(), Some(&all[1..]));
        assert_eq!(versions_of("`rewakeMessage`").as_deref(), Some(&all[..]));
    }

    #[test]
    fn settings_files_by_path() {
        assert!(is_settings_file(Path::new("p/.claude/settings.json")));
        assert!(is_settings_file(Path::new(".claude/settings.local.json")));
        assert!(!is_settings_file(Path::new("p/settings.json")));
    }
}
