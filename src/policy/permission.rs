//! Permission rules (`Tool` or `Tool(specifier)`) and the one matcher the linter, the compiler
//! and the runner share: `*` in a specifier matches any text; `prefix *` also matches `prefix`
//! alone (the space is a word boundary); the old suffix form `prefix:*` means `prefix *`. Tool
//! names are compared as written (a host's old names for a tool are mapped before they get
//! here: [`crate::policy::AgentPolicy::rename_tools`]); `mcp__server` and `mcp__server__*`
//! cover every tool of the server; in a gate's tool name `*` matches any text
//! (`mcp__*__*commit*`).

use super::PermissionRule;

/// Why a rule does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the rule is empty")]
    Empty,
    #[error("`(` without a closing `)`")]
    Unclosed,
    #[error("unexpected `{0}` after `)`")]
    Trailing(String),
    #[error("`)` without an opening `(`")]
    Unopened,
}

impl PermissionRule {
    /// Parses `Tool` or `Tool(specifier)`.
    pub fn parse(text: &str) -> Result<PermissionRule, RuleError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RuleError::Empty);
        }
        match text.find('(') {
            None if text.contains(')') => Err(RuleError::Unopened),
            None => Ok(PermissionRule::tool(text)),
            Some(open) => {
                let close = text
                    .rfind(')')
                    .filter(|&c| c > open)
                    .ok_or(RuleError::Unclosed)?;
                let trailing = text[close + 1..].trim();
                if !trailing.is_empty() {
                    return Err(RuleError::Trailing(trailing.to_owned()));
                }
                Ok(PermissionRule {
                    tool: text[..open].trim_end().to_owned(),
                    specifier: Some(text[open + 1..close].to_owned()),
                })
            }
        }
    }

    /// Whether the rule's tool part names `tool` (a tool as the host calls it).
    pub fn names_tool(&self, tool: &str) -> bool {
        tool_matches(&self.tool, tool)
    }

    /// Whether every call this rule allows, `other` allows too: the whitelist entry `self`
    /// covers the agent's entry `other`.
    pub fn covers(&self, other: &PermissionRule) -> bool {
        if self.tool == "*" {
            return true;
        }
        if !tool_covers(&self.tool, &other.tool) {
            return false;
        }
        match (&self.specifier, &other.specifier) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(mine), Some(theirs)) => pattern_covers(mine, theirs),
        }
    }
}

/// `mcp__server__tool` as (server, tool); `mcp__server` as (server, None).
fn mcp_parts(name: &str) -> Option<(&str, Option<&str>)> {
    let rest = name.strip_prefix("mcp__")?;
    Some(match rest.split_once("__") {
        Some((server, tool)) => (server, Some(tool)),
        None => (rest, None),
    })
}

/// Whether the rule's tool part `pattern` names the concrete tool `tool`.
pub fn tool_matches(pattern: &str, tool: &str) -> bool {
    if pattern == "*" || pattern == tool {
        return true;
    }
    if let (Some((ps, pt)), Some((ts, Some(tt)))) = (mcp_parts(pattern), mcp_parts(tool))
        && !pattern.contains("*__")
        && !ps.contains('*')
    {
        return ps == ts && pt.is_none_or(|pt| pt == "*" || wildcard(pt, tt));
    }
    pattern.contains('*') && wildcard(pattern, tool)
}

/// Whether the tool part `mine` names every tool `theirs` names.
fn tool_covers(mine: &str, theirs: &str) -> bool {
    if mine == theirs {
        return true;
    }
    match (mcp_parts(mine), mcp_parts(theirs)) {
        (Some((ms, mt)), Some((ts, tt))) => {
            ms == ts
                && match (mt, tt) {
                    (None | Some("*"), _) => true,
                    (Some(m), Some(t)) => m == t || pattern_covers(m, t),
                    (Some(_), None) => false,
                }
        }
        _ => mine.contains('*') && pattern_covers(mine, theirs),
    }
}

/// Claude Code's specifier matching of `pattern` against `text`.
pub fn specifier_matches(pattern: &str, text: &str) -> bool {
    let pattern = normalize(pattern);
    if let Some(prefix) = pattern.strip_suffix(" *")
        && !prefix.contains('*')
    {
        return text == prefix
            || text
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(' '));
    }
    wildcard(&pattern, text)
}

/// The old `prefix:*` as `prefix *`.
fn normalize(pattern: &str) -> String {
    match pattern.strip_suffix(":*") {
        Some(prefix) => format!("{prefix} *"),
        None => pattern.to_owned(),
    }
}

/// Whether every text `other` matches, `pattern` matches too. Sound: `other`'s `*` is taken as
/// text, which only a wildcard of `pattern` can absorb, and that wildcard absorbs whatever the
/// `*` stands for.
pub fn pattern_covers(pattern: &str, other: &str) -> bool {
    let other = normalize(other);
    if specifier_matches(pattern, &other) {
        // `npm test *` also matches `npm test` alone: that text must be covered too.
        return match other.strip_suffix(" *") {
            Some(prefix) if !prefix.contains('*') => specifier_matches(pattern, prefix),
            _ => true,
        };
    }
    false
}

/// `*` matches any text (including none); everything else is literal.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(parts[0]) else {
        return false;
    };
    let last = parts.len() - 1;
    for part in &parts[1..last] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= parts[last].len() && rest.ends_with(parts[last])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> PermissionRule {
        PermissionRule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parsing() {
        assert_eq!(
            rule("Bash(git commit *)").specifier.as_deref(),
            Some("git commit *")
        );
        assert_eq!(rule(" Read ").tool, "Read");
        assert_eq!(PermissionRule::parse("Bash(x"), Err(RuleError::Unclosed));
        assert_eq!(
            PermissionRule::parse("Bash(x) y"),
            Err(RuleError::Trailing("y".into()))
        );
        assert_eq!(PermissionRule::parse("Bash)"), Err(RuleError::Unopened));
        assert_eq!(PermissionRule::parse(""), Err(RuleError::Empty));
    }

    #[test]
    fn specifiers() {
        assert!(specifier_matches("git commit *", "git commit -m x"));
        assert!(specifier_matches("git commit *", "git commit"));
        assert!(!specifier_matches("git commit *", "git committee"));
        assert!(specifier_matches("git commit:*", "git commit -m x"));
        assert!(specifier_matches("ls*", "lsof"));
        assert!(specifier_matches(
            "npm run * --silent",
            "npm run build --silent"
        ));
        assert!(!specifier_matches("npm test", "npm test --watch"));
        assert!(specifier_matches("*", ""));
        assert!(!specifier_matches("a*b", "ab*"));
        assert!(specifier_matches("a*b*", "axxbyy"));
    }

    #[test]
    fn coverage() {
        let covers = |a: &str, b: &str| rule(a).covers(&rule(b));
        assert!(covers("Read", "Read"));
        assert!(covers("Read", "Read(src/**)"));
        assert!(covers("Bash(npm test *)", "Bash(npm test unit)"));
        assert!(covers("Bash(npm test *)", "Bash(npm test *)"));
        assert!(covers("Bash(npm test *)", "Bash(npm test)"));
        assert!(covers("Bash(npm *)", "Bash(npm test *)"));
        assert!(covers("Bash(npm test*)", "Bash(npm test *)"));
        assert!(!covers("Bash(npm test x*)", "Bash(npm test *)"));
        assert!(!covers("Bash(npm test *)", "Bash"));
        assert!(!covers("Bash(npm test *)", "Bash(rm -rf /)"));
        assert!(!covers("Bash(npm test *)", "Bash(npm *)"));
        assert!(covers("mcp__github__*", "mcp__github__create_issue"));
        assert!(covers("mcp__github", "mcp__github__create_issue"));
        assert!(!covers("mcp__github__create_issue", "mcp__github"));
        assert!(!covers("mcp__github__*", "mcp__gitlab__x"));
        assert!(!covers("Agent", "Task"), "old names are the host's to map");
        assert!(covers("*", "Bash"));
    }

    #[test]
    fn tool_names() {
        assert!(!tool_matches("Agent", "Task"));
        assert!(tool_matches("mcp__github", "mcp__github__create_pr"));
        assert!(tool_matches("mcp__github__*", "mcp__github__create_pr"));
        assert!(!tool_matches("mcp__github__x", "mcp__github__create_pr"));
        assert!(tool_matches("mcp__*__*commit*", "mcp__git__git_commit"));
        assert!(tool_matches("mcp__*__*push*", "mcp__github__push_files"));
        assert!(!tool_matches(
            "mcp__*__*commit*",
            "mcp__github__create_issue"
        ));
        assert!(!tool_matches("Bash", "Bashful"));
    }
}
