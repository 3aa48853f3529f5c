//! How a Claude Code release reads hook definitions, in an agent's frontmatter and in a
//! settings file, as measured with the real CLIs (`fixtures/loader-hooks/`,
//! `fixtures/loader-release/`, every measured release).
//!
//! - A *guard* event's entry (see [`Release::guards`]) is validated strictly: a
//!   malformed one refuses the agent, and skips a settings file whole. `null` is ignored.
//! - Any other event's malformed entry is dropped with a log line; the file loads. An entry
//!   of any event that holds a guard event's key anywhere inside refuses the agent too.
//! - Outside `hooks` (anywhere in the frontmatter except under `metadata` and `mcpServers`): a
//!   guard event's key with a value other than `null` or `[]`, or a map that looks like a
//!   matcher group (a `hooks` key holding a non-empty list) anywhere but directly under a known
//!   event's key, refuses the agent ("declared at the frontmatter top level, outside hooks").
//!
//! The matcher-group schema: `matcher` a string if present; `hooks` a list of maps, each with a
//! `type` the release knows and the fields of that type as the release's settings schema has them
//! ([`crate::release::HOOK_TYPES`]: read from each program, the refusals measured). Unknown keys
//! are dropped silently, which is how `holdsTools` reads before 2.1.329 (from 2.1.329 on, it
//! must be a boolean).

use crate::parse::yaml::{Node, Value};
use crate::release::{FieldType, Release};
use crate::source::Span;

/// What the release does about one problem in hook definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The agent is not loaded; a settings file is skipped whole.
    Refused,
    /// The entry is dropped; everything else loads.
    Ignored,
}

/// What is wrong, for the advice that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `hooks` itself is not a map.
    NotAMap,
    /// A guard event's key inside another event's entry.
    GuardInside,
    /// An event's entry is not a list of valid matcher groups.
    Entry,
}

impl Kind {
    /// How to write it instead.
    pub fn advice(self) -> &'static str {
        match self {
            Kind::NotAMap => {
                "`hooks` maps events to lists of matcher groups; `hooks: {}` is the empty form"
            }
            Kind::GuardInside => {
                "give the guard hook its own event under `hooks:`; a matcher group holds `matcher` and `hooks`"
            }
            Kind::Entry => {
                "an event holds a list of matcher groups: `- matcher: Bash` with `hooks: [{type: command, command: ./check.sh}]`"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookProblem {
    pub span: Span,
    pub message: String,
    pub effect: Effect,
    pub kind: Kind,
}

/// Problems with the `hooks` value of an agent file or a settings file, as `release` reads it.
/// Unknown events are left to the caller (they are dropped, which is a warning of its own).
pub fn hooks_section(hooks: &Node, release: &Release) -> Vec<HookProblem> {
    let entries = match &hooks.value {
        Value::Null => return Vec::new(),
        Value::Map(entries) => entries,
        other => {
            return vec![HookProblem {
                span: hooks.span,
                message: format!("`hooks` is {}, not a map of events", other.a_kind()),
                effect: Effect::Refused,
                kind: Kind::NotAMap,
            }];
        }
    };
    let mut problems = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(event) = entry.key.key_str() else {
            continue;
        };
        // Of a repeated event, only the last entry is read (YAML and JSON.parse alike).
        if entries[i + 1..]
            .iter()
            .any(|e| e.key.key_str() == Some(event))
        {
            continue;
        }
        let guard = release.guards(event);
        if guard && entry.value.value == Value::Null {
            continue;
        }
        if !guard && let Some((span, key)) = guard_key_inside(&entry.value, release) {
            problems.push(HookProblem {
                span,
                message: format!(
                    "`hooks.{event}` holds a `{key}` key (a guard hook event) inside its entry"
                ),
                effect: Effect::Refused,
                kind: Kind::GuardInside,
            });
            continue;
        }
        if !release.knows_event(event) {
            continue;
        }
        for (span, message) in matcher_groups_problems(&entry.value, event, release) {
            problems.push(HookProblem {
                span,
                message,
                effect: if guard {
                    Effect::Refused
                } else {
                    Effect::Ignored
                },
                kind: Kind::Entry,
            });
        }
    }
    problems
}

/// Guard hooks written outside `hooks` in an agent's frontmatter: the first one found.
pub fn stray_guard(fields: &[super::Field], release: &Release) -> Option<(Span, String)> {
    for field in fields {
        let key = field.key.value.as_str();
        if matches!(key, "hooks" | "metadata" | "mcpServers") {
            continue;
        }
        if release.guards(key) && present(&field.value) {
            return Some((
                field.key.span,
                format!("`{key}` hook definitions are written outside `hooks`"),
            ));
        }
        if let Some(found) = stray_inside(&field.value, key, release) {
            return Some(found);
        }
    }
    None
}

fn stray_inside(node: &Node, parent_key: &str, release: &Release) -> Option<(Span, String)> {
    match &node.value {
        Value::Map(entries) => {
            let looks_like_group = entries.iter().any(|e| {
                e.key.key_str() == Some("hooks")
                    && matches!(&e.value.value, Value::Seq(items) if !items.is_empty())
            });
            if looks_like_group && !release.knows_event(parent_key) {
                return Some((
                    node.span,
                    format!(
                        "a hook matcher group is written under `{parent_key}`, outside `hooks`"
                    ),
                ));
            }
            for e in entries {
                let key = e.key.key_str().unwrap_or("");
                if release.guards(key) && present(&e.value) {
                    return Some((
                        e.key.span,
                        format!("`{key}` hook definitions are written outside `hooks`"),
                    ));
                }
                if let Some(found) = stray_inside(&e.value, key, release) {
                    return Some(found);
                }
            }
            None
        }
        Value::Seq(items) => items
            .iter()
            .find_map(|i| stray_inside(i, parent_key, release)),
        _ => None,
    }
}

/// A value the release takes as a declaration: anything but `null` and `[]`.
fn present(node: &Node) -> bool {
    match &node.value {
        Value::Null => false,
        Value::Seq(items) => !items.is_empty(),
        _ => true,
    }
}

/// A guard event's key (with a declaring value) anywhere inside `node`: its span and name.
fn guard_key_inside<'a>(node: &'a Node, release: &Release) -> Option<(Span, &'a str)> {
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|e| {
            let key = e.key.key_str().unwrap_or("");
            if release.guards(key) && present(&e.value) {
                Some((e.key.span, key))
            } else {
                guard_key_inside(&e.value, release)
            }
        }),
        Value::Seq(items) => items.iter().find_map(|i| guard_key_inside(i, release)),
        _ => None,
    }
}

/// Why an event's value is not a list of valid matcher groups: that it is not a list, else every
/// problem of every group and hook entry (each field the release refuses is its own problem, so
/// that each is said with the releases it holds in).
pub fn matcher_groups_problems(node: &Node, event: &str, release: &Release) -> Vec<(Span, String)> {
    let groups = match &node.value {
        Value::Seq(groups) => groups,
        other => {
            return vec![(
                node.span,
                format!(
                    "`hooks.{event}` is {}, not a list of matcher groups",
                    other.a_kind()
                ),
            )];
        }
    };
    let mut problems = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let at = format!("`hooks.{event}[{g}]`");
        let Value::Map(fields) = &group.value else {
            problems.push((
                group.span,
                format!("{at} is {}, not a matcher group", group.value.a_kind()),
            ));
            continue;
        };
        if let Some(m) = field(fields, "matcher")
            && !matches!(m.value, Value::Str(_))
        {
            problems.push((
                m.span,
                format!("{at}: `matcher` is {}, not a string", m.value.a_kind()),
            ));
        }
        let Some(hooks) = field(fields, "hooks") else {
            problems.push((group.span, format!("{at} has no `hooks` list")));
            continue;
        };
        let Value::Seq(items) = &hooks.value else {
            problems.push((
                hooks.span,
                format!("{at}: `hooks` is {}, not a list", hooks.value.a_kind()),
            ));
            continue;
        };
        for (h, item) in items.iter().enumerate() {
            problems.extend(
                hook_entry_problems(item, release)
                    .into_iter()
                    .map(|(span, why)| (span, format!("`hooks.{event}[{g}].hooks[{h}]`: {why}"))),
            );
        }
    }
    problems
}

fn field<'a>(fields: &'a [crate::parse::yaml::Entry], key: &str) -> Option<&'a Node> {
    fields
        .iter()
        .rev()
        .find(|e| e.key.key_str() == Some(key))
        .map(|e| &e.value)
}

/// What is wrong with a hook entry, as `release`'s schema for its `type` reads it: a problem
/// with the entry or its `type`, else every field the schema refuses, in the schema's order.
fn hook_entry_problems(item: &Node, release: &Release) -> Vec<(Span, String)> {
    let Value::Map(fields) = &item.value else {
        return vec![(
            item.span,
            format!("the entry is {}, not a hook map", item.value.a_kind()),
        )];
    };
    let Some(kind) = field(fields, "type") else {
        return vec![(item.span, "no `type`".to_owned())];
    };
    let Some(schema) = kind.value.as_str().and_then(|k| release.hook_fields(k)) else {
        let known: Vec<String> = release.hook_types().map(|t| format!("`{t}`")).collect();
        return vec![(
            kind.span,
            format!(
                "unknown `type` {} (Claude Code knows {})",
                type_text(&kind.value),
                match known.split_last() {
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                    None => String::new(),
                }
            ),
        )];
    };
    schema
        .filter_map(|f| match field(fields, f.key) {
            None if f.required => Some((item.span, format!("no `{}`", f.key))),
            Some(value) if !fits(&value.value, f.ty) => Some((
                value.span,
                format!(
                    "`{}` is {}, not {}",
                    f.key,
                    shown(&value.value),
                    words(f.ty)
                ),
            )),
            _ => None,
        })
        .collect()
}

/// Whether `value` has type `ty`.
fn fits(value: &Value, ty: FieldType) -> bool {
    let string = |v: &Value| matches!(v, Value::Str(_));
    match ty {
        FieldType::String => string(value),
        FieldType::NonEmptyString => matches!(value, Value::Str(s) if !s.is_empty()),
        FieldType::Url => matches!(value, Value::Str(s) if parses_as_url(s)),
        FieldType::Boolean => matches!(value, Value::Bool(_)),
        FieldType::Positive => match value {
            Value::Int(n) => *n > 0,
            Value::Float(f) => *f > 0.0,
            _ => false,
        },
        FieldType::ListOfStrings => {
            matches!(value, Value::Seq(items) if items.iter().all(|i| string(&i.value)))
        }
        FieldType::MapOfStrings => {
            matches!(value, Value::Map(entries) if entries.iter().all(|e| string(&e.value.value)))
        }
        FieldType::Map => matches!(value, Value::Map(_)),
        FieldType::OneOf(values) => value.as_str().is_some_and(|v| values.contains(&v)),
        FieldType::Lenient(_) => true,
    }
}

/// A type in words, after "not": `a string`, `` `bash` or `powershell` ``.
fn words(ty: FieldType) -> String {
    match ty {
        FieldType::String => "a string".to_owned(),
        FieldType::NonEmptyString => "a non-empty string".to_owned(),
        FieldType::Url => "a URL (`https://host/path`)".to_owned(),
        FieldType::Boolean => "a boolean".to_owned(),
        FieldType::Positive => "a number above 0".to_owned(),
        FieldType::ListOfStrings => "a list of strings".to_owned(),
        FieldType::MapOfStrings => "a map of strings".to_owned(),
        FieldType::Map => "a map".to_owned(),
        FieldType::OneOf(values) => {
            let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            quoted.join(" or ")
        }
        FieldType::Lenient(_) => "anything".to_owned(),
    }
}

/// Whether the release's schema takes `text` as a URL: the string, trimmed as JavaScript's
/// `trim()` trims (Unicode white space and U+FEFF, but not U+0085), is one the WHATWG URL
/// parser (`new URL(...)`) accepts; the `url` crate implements that parser, host rules (IPv4,
/// IPv6, IDNA) included.
fn parses_as_url(text: &str) -> bool {
    let trimmed =
        text.trim_matches(|c: char| (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}');
    url::Url::parse(trimmed).is_ok()
}

/// A scalar as written (`0`, `the string "30"`), anything else by its kind.
fn shown(value: &Value) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) if s.chars().count() <= 40 => format!("the string \"{s}\""),
        other => other.a_kind().to_owned(),
    }
}

fn type_text(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("`{s}`"),
        other => other.a_kind().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::RELEASES;

    fn frontmatter(yaml: &str) -> Vec<super::super::Field> {
        let text = format!("---\nname: x\ndescription: d\n{yaml}---\n");
        let doc = crate::parse::parse(&text);
        super::super::AgentSpec::build(&doc, &text, Default::default()).fields
    }

    fn refused(yaml: &str, release: usize) -> bool {
        let fields = frontmatter(yaml);
        let r = if release == 0 {
            &RELEASES[0]
        } else {
            crate::release::newest()
        };
        stray_guard(&fields, r).is_some()
            || fields
                .iter()
                .filter(|f| f.key.value == "hooks")
                .flat_map(|f| hooks_section(&f.value, r))
                .any(|p| p.effect == Effect::Refused)
    }

    const GROUP: &str =
        "    - matcher: Bash\n      hooks:\n        - type: command\n          command: \"true\"\n";

    #[test]
    fn guard_entries_are_strict_and_others_are_dropped() {
        assert!(refused("hooks:\n  PreToolUse: x\n", 0));
        assert!(!refused("hooks:\n  Stop: x\n", 0));
        assert!(!refused("hooks:\n  PreSkillShellCommand: x\n", 0));
        assert!(refused("hooks:\n  PreSkillShellCommand: x\n", 1));
        assert!(!refused("hooks:\n  PreSkillShellCommand:\n", 1));
        assert!(refused("hooks:\n  Stop:\n    PreToolUse: x\n", 0));
        assert!(refused(
            "hooks:\n  PreToolUse:\n    - hooks:\n        - type: command\n          command: x\n          timeout: -1\n",
            0
        ));
        assert!(!refused(&format!("hooks:\n  PreToolUse:\n{GROUP}"), 1));
    }

    #[test]
    fn guards_outside_hooks_refuse_the_agent() {
        assert!(refused("PreToolUse: x\n", 0));
        assert!(!refused("PreToolUse: []\n", 0));
        assert!(refused(&format!("foo:\n{GROUP}"), 0));
        assert!(!refused(&format!("Stop:\n{GROUP}"), 0));
        assert!(refused(&format!("PreSkillShellCommand:\n{GROUP}"), 0));
        assert!(!refused("metadata:\n  PreToolUse: x\n", 0));
        assert!(!refused("extra:\n  PreSkillShellCommand: x\n", 0));
        assert!(refused("extra:\n  PreSkillShellCommand: x\n", 1));
    }
}
