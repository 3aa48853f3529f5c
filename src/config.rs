//! `agentspec.toml`: options as written, resolved into per-file settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::Severity;
use crate::model::protocol::{StepKind, Vocabulary};
use crate::release::Target;
pub use crate::rules::settings::FileSettings;
use crate::rules::{self, RULES};
use crate::source::Span;

pub const FILE_NAME: &str = "agentspec.toml";

/// The `agentspec.toml` that `agentspec init` writes: every option, commented out.
pub const TEMPLATE: &str = include_str!("agentspec.template.toml");

/// The contents of `agentspec.toml`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// The Claude Code release(s) the project runs: a version (`2.1.332`) or a range
    /// (`>=2.1.328`). agentspec predicts what each of them does and reports a file that fails
    /// in any. Default: the release of the `claude` on PATH, else the newest measured.
    pub claude_code: Option<String>,
    /// Rules to run, by code (`AS101`), code prefix (`AS1`), name (`unknown-key`), category
    /// (`tools`) or `ALL`. Default: every rule.
    pub select: Option<Vec<String>>,
    /// Rules not to run, in the same forms as `select`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule (code or name): `error`, `warning`, `info` or `off`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// The team's tool policy.
    #[serde(default)]
    pub tools: ToolsOptions,
    /// Names agentspec should accept beyond Claude Code's own.
    #[serde(default)]
    pub known: KnownOptions,
    /// Protocol extraction and the steps every protocol must have.
    #[serde(default)]
    pub protocol: ProtocolOptions,
    /// Definition-of-Done extraction and requirement.
    #[serde(default)]
    pub done: DoneOptions,
    /// Settings for some paths only; later entries win.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Files discovery leaves out, as globs relative to this file's folder
    /// (`templates/**`, `.github/ISSUE_TEMPLATE/**`): not checked, built or read by the
    /// language server when found in a folder. A file named on the command line is still
    /// checked, unless `--only-agent-files` is given (as pre-commit does).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// More globs to leave out, added to `exclude` (the name ruff uses for the same thing;
    /// agentspec has no default exclusions, so the two differ only in name).
    #[serde(default)]
    pub extend_exclude: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProtocolOptions {
    /// Step kinds every agent's protocol must have (`acknowledge`, `plan`, `implement`,
    /// `test`, `stop`, `request-approval`, `await-approval`, `revise`, `commit`, `report`,
    /// `handoff`). Default: none, so plain agents are never flagged.
    pub required: Option<Vec<String>>,
    /// Extra heading words that name a protocol section (beyond protocol, workflow, process,
    /// procedure, steps).
    #[serde(default)]
    pub headings: Vec<String>,
    /// Extra lexicon phrases per step kind, e.g. `commit = ["push the branch"]`.
    #[serde(default)]
    pub lexicon: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DoneOptions {
    /// `true`: every agent must have a Definition of Done (AS601). A list: the items (ids as
    /// `agentspec inspect` shows them, or group slugs) the agent must meet; it may not answer
    /// them `n/a`.
    pub required: Option<DoneRequired>,
    /// Extra heading phrases that name a Definition of Done.
    #[serde(default)]
    pub headings: Vec<String>,
    /// Commands that verify Definition-of-Done items, by item id (as `agentspec build`
    /// writes it, e.g. `testing/unit-tests-90-coverage`): the runner runs them instead of
    /// trusting the agent.
    #[serde(default)]
    pub commands: BTreeMap<String, String>,
    /// The project's test command (`cargo test`, `npm test`): the runner runs it when an
    /// agent stops, and only its result verifies the test items.
    pub test: Option<String>,
    /// Seconds each check command may run (default 120); the Stop hook's timeout grows to
    /// match.
    pub timeout: Option<u64>,
    /// Machine-readable reports the test command writes.
    #[serde(default)]
    pub reports: DoneReports,
}

/// `[done] required`: a switch for every agent, or the items that must be met.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DoneRequired {
    Every(bool),
    Items(Vec<String>),
}

impl DoneOptions {
    /// Whether every agent must have a Definition of Done.
    pub fn every_agent(&self) -> bool {
        self.required == Some(DoneRequired::Every(true))
    }

    /// The items (ids or group slugs) that must be met.
    pub fn required_items(&self) -> Vec<String> {
        match &self.required {
            Some(DoneRequired::Items(items)) => items.clone(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DoneReports {
    /// JUnit XML (test counts, failures, errors), relative to the project root.
    pub junit: Option<String>,
    /// Line coverage: lcov (`lcov.info`), Cobertura XML (`coverage.xml`), or a JSON summary
    /// (istanbul's `coverage-summary.json`, `cargo llvm-cov --json`), relative to the
    /// project root.
    pub coverage: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ToolsOptions {
    /// The team's tool whitelist, in permission-rule form (`Read`, `Bash(npm test *)`,
    /// `mcp__github__*`): an agent that grants anything outside it is an error.
    pub allow: Option<Vec<String>>,
    /// An agent without `tools` (which inherits every tool) is an error.
    pub require_explicit: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KnownOptions {
    /// Extra tool names, e.g. tools added by your setup.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Extra frontmatter keys your team uses on purpose.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Extra model names, e.g. models served through a gateway.
    #[serde(default)]
    pub models: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// Glob patterns, relative to the directory of `agentspec.toml`.
    pub files: Vec<String>,
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub tools: ToolsOptions,
    #[serde(default)]
    pub protocol: ProtocolOverride,
    #[serde(default)]
    pub done: DoneOverride,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProtocolOverride {
    /// Step kinds required under these paths.
    pub required: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DoneOverride {
    /// Whether a Definition of Done is required under these paths.
    pub required: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", location(path, text, *span))]
    Invalid {
        path: PathBuf,
        message: String,
        /// Where in the file, when known.
        span: Option<Span>,
        /// The file's text, for a snippet.
        text: String,
    },
}

/// `path:line:column`, or the path alone.
fn location(path: &Path, text: &str, span: Option<Span>) -> String {
    match span {
        Some(span) => {
            let at = crate::source::LineIndex::new(text).line_col(text, span.start);
            format!("{}:{}:{}", path.display(), at.line, at.column)
        }
        None => path.display().to_string(),
    }
}

/// Where a validation message's first backticked word (`AS999`, `reqired`) is written in
/// `text`, as a string value or a key.
fn locate(text: &str, message: &str) -> Option<Span> {
    let word = message.split('`').nth(1).filter(|w| !w.is_empty())?;
    let quoted = format!("\"{word}\"");
    text.find(&quoted)
        .map(|i| Span::new(i, i + quoted.len()))
        .or_else(|| {
            text.match_indices(word)
                .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
                .map(|(i, _)| Span::new(i, i + word.len()))
        })
}

/// A loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub options: Options,
    /// The directory globs are relative to.
    pub root: PathBuf,
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
    overrides: Vec<GlobSet>,
    exclude: GlobSet,
    /// Selectors given on the command line, applied after the file's.
    pub cli_select: Option<Vec<String>>,
    pub cli_ignore: Vec<String>,
    /// The Claude Code releases: `--claude-code`, else `claude-code` in the file, else (after
    /// [`Config::detect_release`]) the installed release, else the newest measured.
    pub claude_code: Target,
}

impl Config {
    /// Without a target from the command line or the file, targets the installed Claude Code
    /// ([`Target::detected`]).
    pub fn detect_release(&mut self) {
        if self.claude_code.source() == crate::release::Source::Default {
            self.claude_code = Target::detected();
        }
    }

    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::parse(&text, path, root)
    }

    pub fn parse(text: &str, path: &Path, root: PathBuf) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            span: locate(text, &message),
            message,
            text: text.to_owned(),
        };
        let options: Options = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe_toml_error(&e),
            span: e.span().map(|s| Span::new(s.start, s.end)),
            text: text.to_owned(),
        })?;
        validate(&options).map_err(invalid)?;
        let claude_code = match &options.claude_code {
            Some(text) => Target::parse(text)
                .map_err(|e| invalid(format!("`claude-code`: {e}")))?
                .from_source(crate::release::Source::Config),
            None => Target::default(),
        };
        let overrides = options
            .overrides
            .iter()
            .map(|o| {
                let mut builder = GlobSetBuilder::new();
                for pattern in &o.files {
                    let glob = Glob::new(pattern).map_err(|e| {
                        invalid(format!("invalid glob `{pattern}` in `overrides`: {e}"))
                    })?;
                    builder.add(glob);
                }
                builder
                    .build()
                    .map_err(|e| invalid(format!("invalid `overrides.files`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut builder = GlobSetBuilder::new();
        for (key, patterns) in [
            ("exclude", &options.exclude),
            ("extend-exclude", &options.extend_exclude),
        ] {
            for pattern in patterns {
                let glob = Glob::new(pattern)
                    .map_err(|e| invalid(format!("invalid glob `{pattern}` in `{key}`: {e}")))?;
                builder.add(glob);
            }
        }
        let exclude = builder
            .build()
            .map_err(|e| invalid(format!("invalid `exclude`: {e}")))?;
        Ok(Config {
            options,
            root: std::path::absolute(&root).unwrap_or(root),
            path: Some(path.to_path_buf()),
            overrides,
            exclude,
            cli_select: None,
            cli_ignore: Vec::new(),
            claude_code,
        })
    }

    /// Finds `agentspec.toml` in `start` or the nearest ancestor.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).ok()?;
        let dir = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        dir.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Whether `exclude` leaves `path` out (a glob matches it or a folder above it).
    pub fn excludes(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }

    /// The settings that apply to `path`.
    pub fn for_path(&self, path: &Path) -> FileSettings {
        self.for_overrides(&self.overrides_for(path))
    }

    /// Which `[[overrides]]` apply to `path`, by index: all that decides its settings.
    pub fn overrides_for(&self, path: &Path) -> Vec<usize> {
        if self.overrides.is_empty() {
            return Vec::new();
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, set)| set.is_match(relative))
            .map(|(i, _)| i)
            .collect()
    }

    /// The settings with the overrides `matched` (from [`Config::overrides_for`]) applied.
    pub fn for_overrides(&self, matched: &[usize]) -> FileSettings {
        let mut settings = FileSettings::default();
        let o = &self.options;
        apply_selection(&mut settings, o.select.as_deref(), &o.ignore, &o.severity);
        apply_tools(&mut settings, &o.tools);
        settings.known_tools.clone_from(&o.known.tools);
        settings.known_keys.clone_from(&o.known.keys);
        settings.known_models.clone_from(&o.known.models);
        settings.required_steps = step_kinds(o.protocol.required.as_deref().unwrap_or_default());
        settings.done_required = o.done.every_agent();
        settings.claude_code = self.claude_code.clone();
        settings.vocabulary = Vocabulary::new(
            o.protocol.headings.clone(),
            o.done.headings.clone(),
            o.protocol
                .lexicon
                .iter()
                .filter_map(|(k, v)| StepKind::parse(k).map(|k| (k, v)))
                .flat_map(|(k, v)| v.iter().map(move |p| (k, p.to_lowercase())))
                .collect(),
        );
        for over in matched.iter().filter_map(|&i| o.overrides.get(i)) {
            apply_selection(
                &mut settings,
                over.select.as_deref(),
                &over.ignore,
                &over.severity,
            );
            apply_tools(&mut settings, &over.tools);
            if let Some(required) = &over.protocol.required {
                settings.required_steps = step_kinds(required);
            }
            if let Some(required) = over.done.required {
                settings.done_required = required;
            }
        }
        apply_selection(
            &mut settings,
            self.cli_select.as_deref(),
            &self.cli_ignore,
            &BTreeMap::new(),
        );
        settings
    }
}

fn apply_selection(
    settings: &mut FileSettings,
    select: Option<&[String]>,
    ignore: &[String],
    severity: &BTreeMap<String, String>,
) {
    for (i, rule) in RULES.iter().enumerate() {
        let meta = rule.meta;
        if let Some(select) = select {
            let on = select.iter().any(|s| rules::selects(s, meta));
            settings.rules[i] = on.then(|| settings.rules[i].unwrap_or(meta.severity));
        }
        if ignore.iter().any(|s| rules::selects(s, meta)) {
            settings.rules[i] = None;
        }
        for (selector, level) in severity {
            if rules::selects(selector, meta) {
                settings.rules[i] = Severity::parse(level);
            }
        }
    }
}

fn step_kinds(names: &[String]) -> Vec<StepKind> {
    names.iter().filter_map(|n| StepKind::parse(n)).collect()
}

fn apply_tools(settings: &mut FileSettings, tools: &ToolsOptions) {
    if let Some(allow) = &tools.allow {
        settings.tools_allow = Some(allow.clone());
    }
    if let Some(explicit) = tools.require_explicit {
        settings.require_explicit = explicit;
    }
}

fn validate(options: &Options) -> Result<(), String> {
    let check_selectors = |list: &[String], key: &str| -> Result<(), String> {
        for s in list {
            if !rules::is_valid_selector(s) {
                let hint = rules::suggest_selector(s)
                    .map(|x| format!("; did you mean `{x}`?"))
                    .unwrap_or_default();
                return Err(format!("unknown rule `{s}` in `{key}`{hint}"));
            }
        }
        Ok(())
    };
    let check_severity = |map: &BTreeMap<String, String>, key: &str| -> Result<(), String> {
        for (rule, level) in map {
            check_selectors(std::slice::from_ref(rule), key)?;
            if Severity::parse(level).is_none() && level != "off" {
                return Err(format!(
                    "invalid severity `{level}` for `{rule}` in `{key}`; expected `error`, `warning`, `info` or `off`"
                ));
            }
        }
        Ok(())
    };
    let check_kinds = |names: &[String], key: &str| -> Result<(), String> {
        for name in names {
            if StepKind::parse(name).is_none() {
                let kinds = StepKind::ALL.iter().map(|k| k.as_str());
                let hint = crate::vocab::did_you_mean(name, kinds)
                    .map(|x| format!("; did you mean `{x}`?"))
                    .unwrap_or_default();
                return Err(format!("unknown step kind `{name}` in `{key}`{hint}"));
            }
        }
        Ok(())
    };
    check_kinds(
        options.protocol.required.as_deref().unwrap_or_default(),
        "protocol.required",
    )?;
    let lexicon_kinds: Vec<String> = options.protocol.lexicon.keys().cloned().collect();
    check_kinds(&lexicon_kinds, "protocol.lexicon")?;
    for over in &options.overrides {
        check_kinds(
            over.protocol.required.as_deref().unwrap_or_default(),
            "overrides.protocol.required",
        )?;
    }
    check_selectors(options.select.as_deref().unwrap_or_default(), "select")?;
    check_selectors(&options.ignore, "ignore")?;
    check_severity(&options.severity, "severity")?;
    for over in &options.overrides {
        check_selectors(
            over.select.as_deref().unwrap_or_default(),
            "overrides.select",
        )?;
        check_selectors(&over.ignore, "overrides.ignore")?;
        check_severity(&over.severity, "overrides.severity")?;
    }
    Ok(())
}

/// Adds "did you mean" to serde's unknown-field errors and keeps toml's location.
fn describe_toml_error(error: &toml::de::Error) -> String {
    let message = error.message();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        let hint = crate::vocab::did_you_mean(field, expected.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| {
                if expected.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; expected one of {}",
                        expected
                            .iter()
                            .map(|e| format!("`{e}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            });
        return format!("unknown key `{field}`{hint}");
    }
    message.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("agentspec.toml"), PathBuf::from("/repo"))
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let err = parse("selct = []").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("agentspec.toml:1:1: unknown key `selct`; did you mean `select`?")
        );
    }

    #[test]
    fn unknown_rules_are_refused() {
        let err = parse("ignore = [\"unknown-tol\"]")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "agentspec.toml:1:11: unknown rule `unknown-tol` in `ignore`; did you mean `unknown-tool`?"
            )
        );
    }

    #[test]
    fn overrides_apply_by_path() -> Result<(), ConfigError> {
        let config = parse(
            "ignore = [\"AS101\"]\n[severity]\nunknown-tool = \"error\"\n[[overrides]]\nfiles = [\"legacy/**\"]\nignore = [\"tools\"]\n",
        )?;
        let main = config.for_path(Path::new("/repo/a.md"));
        assert_eq!(main.severity_of("AS101"), None);
        assert_eq!(main.severity_of("AS201"), Some(Severity::Error));
        let legacy = config.for_path(Path::new("/repo/legacy/x/a.md"));
        assert_eq!(legacy.severity_of("AS201"), None);
        assert_eq!(legacy.severity_of("AS001"), Some(Severity::Error));
        Ok(())
    }
}
