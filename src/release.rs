//! What each Claude Code release does differently, in one place.
//!
//! agentspec predicts what a given Claude Code release does with a file. The names and
//! behaviours that differ between releases are the fields of [`Release`]; [`RELEASES`] lists
//! every release agentspec was measured against, oldest first. A [`Target`] is the set of
//! releases a project runs (`claude-code` in `agentspec.toml`, `--claude-code`): a file is
//! reported as not loading when it fails in any of them, and the report says in which.
//!
//! Where the truth comes from: `tests/differential/` runs the real CLI of every release here on
//! the loader fixtures (`fixtures/*/verdicts-VERSION.json`); `vocab.json` in the shared loader
//! notes lists the names each release's program knows. Adding a release is described in the
//! README's design notes (`scripts/record-truth.sh VERSION`).
//!
//! Identical in every release so far, and so kept in [`crate::vocab`]: the 23 frontmatter keys,
//! the tool names, aliases and retired names, and the allowed values of `permissionMode`,
//! `effort`, `memory` and `isolation`. When a release changes one of them, it moves here.

use std::fmt;

/// A Claude Code version, `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// Reads `2.1.332` (a trailing ` (Claude Code)`, as `claude --version` prints, is allowed).
    pub fn parse(text: &str) -> Option<Version> {
        let word = text.split_whitespace().next()?;
        let number = |p: &str| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        let mut parts = word.split('.').map(number);
        let version = Version(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(version)
    }

    fn next(self) -> Version {
        Version(self.0, self.1, self.2.saturating_add(1))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// Which of several agents with the same `name` Claude Code keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// The file the file system lists last: it can differ from one machine to the next.
    ListingOrder,
    /// The file whose path (relative to the agents folder) sorts last, compared as JavaScript
    /// compares strings (UTF-16 code units).
    SortedPathLast,
}

const V2_1_328: Version = Version(2, 1, 328);
const V2_1_332: Version = Version(2, 1, 332);

/// What one release does, where releases differ.
#[derive(Debug)]
pub struct Release {
    pub version: Version,
    pub duplicates: Duplicates,
}

/// Every hook event, with the first release that knows it (in `hooks` of an agent file and of a
/// settings file). 2.1.328's 33 come from `vocab.json` (read from its program); each was
/// measured in a settings file and an agent file: an unknown event is logged as such, these are
/// not. 2.1.332 adds `PreSkillShellCommand`.
static HOOK_EVENTS: &[(&str, Version)] = &[
    ("PreToolUse", V2_1_328),
    ("PostToolUse", V2_1_328),
    ("PostToolUseFailure", V2_1_328),
    ("PostToolBatch", V2_1_328),
    ("Notification", V2_1_328),
    ("UserPromptSubmit", V2_1_328),
    ("UserPromptExpansion", V2_1_328),
    ("SessionStart", V2_1_328),
    ("SessionEnd", V2_1_328),
    ("Stop", V2_1_328),
    ("StopFailure", V2_1_328),
    ("SubagentStart", V2_1_328),
    ("SubagentStop", V2_1_328),
    ("PreCompact", V2_1_328),
    ("PostCompact", V2_1_328),
    ("PreModelSwitch", V2_1_328),
    ("PostModelSwitch", V2_1_328),
    ("PermissionRequest", V2_1_328),
    ("PermissionDenied", V2_1_328),
    ("Setup", V2_1_328),
    ("TeammateIdle", V2_1_328),
    ("TaskCreated", V2_1_328),
    ("TaskCompleted", V2_1_328),
    ("Elicitation", V2_1_328),
    ("ElicitationResult", V2_1_328),
    ("ConfigChange", V2_1_328),
    ("WorktreeCreate", V2_1_328),
    ("WorktreeRemove", V2_1_328),
    ("InstructionsLoaded", V2_1_328),
    ("CwdChanged", V2_1_328),
    ("FileChanged", V2_1_328),
    ("DirectoryAdded", V2_1_328),
    ("MessageDisplay", V2_1_328),
    ("PreSkillShellCommand", V2_1_332),
];

/// *Guard* events, with the first release in which they guard: a malformed entry makes whatever
/// holds it unloadable (the agent) or skipped whole (a settings file), since an unloadable guard
/// may be what enforces the permissions beside it. Written outside `hooks` anywhere in the
/// frontmatter (except under `metadata` and `mcpServers`), a guard event refuses the agent too.
static GUARD_EVENTS: &[(&str, Version)] = &[
    ("PreToolUse", V2_1_328),
    ("PermissionRequest", V2_1_328),
    ("PreSkillShellCommand", V2_1_332),
];

impl Release {
    /// The hook events this release knows.
    pub fn hook_events(&self) -> impl Iterator<Item = &'static str> + '_ {
        HOOK_EVENTS
            .iter()
            .filter(|(_, since)| *since <= self.version)
            .map(|(e, _)| *e)
    }

    pub fn knows_event(&self, event: &str) -> bool {
        self.hook_events().any(|e| e == event)
    }

    /// Whether `event` is a guard event in this release.
    pub fn guards(&self, event: &str) -> bool {
        GUARD_EVENTS
            .iter()
            .any(|(e, since)| *e == event && *since <= self.version)
    }
}

/// Every release agentspec knows, oldest first. The knowledge of a release holds from its
/// version up to the next one's; the oldest also stands for anything before it.
pub static RELEASES: &[Release] = &[
    Release {
        version: V2_1_328,
        duplicates: Duplicates::ListingOrder,
    },
    Release {
        version: V2_1_332,
        duplicates: Duplicates::SortedPathLast,
    },
];

/// The newest release agentspec knows.
pub fn newest() -> &'static Release {
    &RELEASES[RELEASES.len() - 1]
}

/// The releases a project runs.
#[derive(Debug, Clone)]
pub struct Target {
    /// As written (`2.1.332`, `>=2.1.328`); empty for the default.
    written: String,
    releases: Vec<&'static Release>,
    /// No upper bound: the target reaches past the newest known release.
    open_ended: bool,
}

impl Default for Target {
    /// The newest known release.
    fn default() -> Target {
        Target {
            written: String::new(),
            releases: vec![newest()],
            open_ended: false,
        }
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        self.versions().eq(other.versions())
    }
}

impl Target {
    /// Reads a version (`2.1.332`: that version exactly) or a range of comparisons joined by
    /// commas (`>=2.1.328`, `>=2.1.328, <2.1.332`; operators `>=` `>` `<=` `<` `=`).
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        // Half-open [low, high): the versions the range admits.
        let mut low = Version(0, 0, 0);
        let mut high: Option<Version> = None;
        let mut narrow_high = |v: Version| {
            high = Some(high.map_or(v, |h| h.min(v)));
        };
        if text.is_empty() {
            return Err("a Claude Code version or range is empty".to_owned());
        }
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!("`{text}` has an empty comparison"));
            }
            let (op, rest) = [">=", "<=", ">", "<", "="]
                .iter()
                .find_map(|op| part.strip_prefix(op).map(|r| (*op, r.trim())))
                .unwrap_or(("=", part));
            let Some(v) = Version::parse(rest).filter(|_| !rest.contains(' ')) else {
                return Err(format!(
                    "`{part}` is not a Claude Code version (`2.1.332`) or comparison (`>=2.1.328`)"
                ));
            };
            match op {
                ">=" => low = low.max(v),
                ">" => low = low.max(v.next()),
                "<=" => narrow_high(v.next()),
                "<" => narrow_high(v),
                _ => {
                    low = low.max(v);
                    narrow_high(v.next());
                }
            }
        }
        if high.is_some_and(|h| h <= low) {
            return Err(format!("`{text}` admits no version"));
        }
        let releases = RELEASES
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                // The release governs [its version, the next release's version).
                let start = if *i == 0 { Version(0, 0, 0) } else { r.version };
                let end = RELEASES.get(i + 1).map(|n| n.version);
                let lo = start.max(low);
                let hi = match (end, high) {
                    (Some(e), Some(h)) => Some(e.min(h)),
                    (e, h) => e.or(h),
                };
                hi.is_none_or(|hi| lo < hi)
            })
            .map(|(_, r)| r)
            .collect();
        Ok(Target {
            written: text.to_owned(),
            releases,
            open_ended: high.is_none(),
        })
    }

    /// The releases whose behaviour the target covers, oldest first.
    pub fn releases(&self) -> &[&'static Release] {
        &self.releases
    }

    pub fn versions(&self) -> impl Iterator<Item = Version> + '_ {
        self.releases.iter().map(|r| r.version)
    }

    /// Whether `event` is a hook event in every release of the target.
    pub fn knows_event(&self, event: &str) -> bool {
        self.releases.iter().all(|r| r.knows_event(event))
    }

    /// Whether `event` is a hook event in some release of the target.
    pub fn some_knows_event(&self, event: &str) -> bool {
        self.releases.iter().any(|r| r.knows_event(event))
    }

    /// What `find` reports for each release of the target: each distinct finding once, in the
    /// order first found, with the releases it holds in.
    pub fn gather<T: PartialEq>(
        &self,
        mut find: impl FnMut(&Release) -> Vec<T>,
    ) -> Vec<(T, Vec<Version>)> {
        let mut found: Vec<(T, Vec<Version>)> = Vec::new();
        for release in &self.releases {
            for item in find(release) {
                match found.iter_mut().find(|(f, _)| *f == item) {
                    Some((_, versions)) => versions.push(release.version),
                    None => found.push((item, vec![release.version])),
                }
            }
        }
        found
    }

    /// Says in which releases of the target something holds, given the versions where it does;
    /// `None` when it holds in all of them (nothing to qualify).
    /// `in Claude Code 2.1.332 and later`, `in Claude Code 2.1.328`, ...
    pub fn qualifier(&self, holds: &[Version]) -> Option<String> {
        if holds.len() == self.releases.len() {
            return None;
        }
        let newest_known = newest().version;
        let listed: Vec<String> = holds.iter().map(Version::to_string).collect();
        let last = self.releases.last().map(|r| r.version);
        let suffix = self.open_ended
            && holds.len() == 1
            && holds.last().copied() == last
            && last == Some(newest_known);
        Some(if suffix {
            format!("in Claude Code {} and later", listed.join(", "))
        } else {
            format!("in Claude Code {}", listed.join(", "))
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<String> = self.versions().map(|v| v.to_string()).collect();
        if self.written.is_empty() || self.written == versions.join(", ") {
            write!(f, "{}", versions.join(", "))
        } else {
            write!(f, "{} ({})", self.written, versions.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(text: &str) -> Vec<String> {
        Target::parse(text)
            .map(|t| t.versions().map(|v| v.to_string()).collect())
            .unwrap_or_else(|e| vec![e])
    }

    #[test]
    fn a_version_selects_the_release_that_governs_it() {
        assert_eq!(versions("2.1.332"), ["2.1.332"]);
        assert_eq!(versions("2.1.328"), ["2.1.328"]);
        assert_eq!(versions("2.1.330"), ["2.1.328"]);
        assert_eq!(versions("2.1.400"), ["2.1.332"]);
        assert_eq!(versions("2.0.1"), ["2.1.328"]);
        assert_eq!(versions("=2.1.332"), ["2.1.332"]);
    }

    #[test]
    fn a_range_selects_every_release_it_reaches() {
        assert_eq!(versions(">=2.1.328"), ["2.1.328", "2.1.332"]);
        assert_eq!(versions(">=2.1.329"), ["2.1.328", "2.1.332"]);
        assert_eq!(versions(">2.1.330"), ["2.1.328", "2.1.332"]);
        assert_eq!(versions(">2.1.331"), ["2.1.332"]);
        assert_eq!(versions(">=2.1.332"), ["2.1.332"]);
        assert_eq!(versions("<2.1.332"), ["2.1.328"]);
        assert_eq!(versions("<=2.1.332"), ["2.1.328", "2.1.332"]);
        assert_eq!(versions(">=2.1.328, <2.1.332"), ["2.1.328"]);
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "latest",
            "+2.+1.+332",
            "2.1.332,",
            "2.1",
            ">=2.1.332, <2.1.328",
            "2.1.332.1",
            "~2.1.0",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Version::parse("2.1.332 (Claude Code)"),
            Some(Version(2, 1, 332))
        );
    }

    #[test]
    fn qualifiers_name_the_releases() {
        let both = Target::parse(">=2.1.328").unwrap();
        assert_eq!(
            both.qualifier(&[Version(2, 1, 328), Version(2, 1, 332)]),
            None
        );
        assert_eq!(
            both.qualifier(&[Version(2, 1, 332)]).as_deref(),
            Some("in Claude Code 2.1.332 and later")
        );
        assert_eq!(
            both.qualifier(&[Version(2, 1, 328)]).as_deref(),
            Some("in Claude Code 2.1.328")
        );
        assert_eq!(Target::default().qualifier(&[Version(2, 1, 332)]), None);
        let bounded = Target::parse(">=2.1.328, <2.1.400").unwrap();
        assert_eq!(
            bounded.qualifier(&[Version(2, 1, 332)]).as_deref(),
            Some("in Claude Code 2.1.332")
        );
    }

    #[test]
    fn each_release_knows_its_guards_as_events() {
        for r in RELEASES {
            for (g, _) in GUARD_EVENTS.iter().filter(|(g, _)| r.guards(g)) {
                assert!(r.knows_event(g), "{g} in {}", r.version);
            }
        }
        assert_eq!(RELEASES[0].hook_events().count(), 33);
        assert_eq!(RELEASES[1].hook_events().count(), 34);
        assert!(RELEASES.windows(2).all(|w| w[0].version < w[1].version));
    }
}
