//! The policy bundle format: a manifest plus one policy per agent, and loading a bundle with
//! verification. This module depends on nothing that parses Markdown or runs rules, so a host
//! that only enforces bundles can use it alone.
//!
//! Versioning: additive changes (new optional fields) keep [`FORMAT_VERSION`]; anything that
//! changes the meaning of an existing field bumps it, and [`Bundle::load`] refuses versions it
//! does not know.

pub mod decide;
pub mod done;
pub mod permission;
pub mod protect;
pub mod shell;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The bundle format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 3;

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Bundle format version; a loader refuses versions it does not know.
    pub format_version: u32,
    /// The agentspec version that wrote the bundle.
    pub agentspec_version: String,
    /// sha256 over the sorted `path sha256` lines of every agent file: the bundle's identity.
    pub revision: String,
    /// One entry per agent, sorted by name.
    pub agents: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// The agent's `name`, as Claude Code registers it (`agent_type` in hook events).
    pub name: String,
    /// The policy file, relative to the bundle directory (`agents/<file>.json`).
    pub path: String,
    /// sha256 of the policy file's bytes.
    pub sha256: String,
}

/// `agents/<name>.json`: everything the runner enforces for one agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentPolicy {
    pub format_version: u32,
    pub name: String,
    pub description: String,
    /// `model` as written; `None` means inherit.
    pub model: Option<String>,
    pub source: SourceRef,
    pub tools: ToolPolicy,
    /// The protocol compiled into a state machine; `None` when the agent has none.
    pub protocol: Option<ProtocolMachine>,
    /// Definition-of-Done items with how each is verified.
    pub done: Vec<DoneRequirement>,
    /// What the runner checks itself before the agent may finish (`[done]` in
    /// `agentspec.toml`).
    #[serde(default, skip_serializing_if = "DoneChecks::is_empty")]
    pub checks: DoneChecks,
    /// The skills whose protocol or Definition of Done the policy holds (those the agent
    /// preloads or names in its body), with the file each was compiled from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<SkillSource>,
}

/// A skill an agent's policy was compiled from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillSource {
    /// The skill's name as the host knows it (its folder's name).
    pub name: String,
    /// Its `SKILL.md`, relative to where `agentspec build` ran, with `/` separators.
    pub path: String,
    /// sha256 of the file's bytes.
    pub sha256: String,
}

impl AgentPolicy {
    /// Renames the tools its rules name, as the host's `aliases` say (`(old, new)`): a host
    /// that still accepts an old tool name maps it here and in its events alike, so that a
    /// rule and a call name one tool one way.
    pub fn rename_tools(&mut self, aliases: &[(String, String)]) {
        let rename = |tool: &mut String| {
            if let Some((_, new)) = aliases.iter().find(|(old, _)| old == tool) {
                tool.clone_from(new);
            }
        };
        for rule in self
            .tools
            .allow
            .iter_mut()
            .chain(self.tools.deny.iter_mut())
        {
            rename(&mut rule.tool);
        }
        self.tools.removed.iter_mut().for_each(rename);
        for gate in self.protocol.iter_mut().flat_map(|p| p.gates.iter_mut()) {
            if let GateAction::Tool { rule } = &mut gate.action {
                rename(&mut rule.tool);
            }
        }
    }
}

/// Where the policy came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// The agent file, relative to where `agentspec build` ran, with `/` separators.
    pub path: String,
    /// sha256 of the agent file's bytes.
    pub sha256: String,
}

/// A 1-based line in the source file, so the runner can point back to the Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceLine {
    pub line: u32,
}

/// A permission rule: a tool and an optional specifier pattern (`Bash(git commit *)`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionRule {
    pub tool: String,
    /// The pattern inside the parentheses; `*` matches any text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specifier: Option<String>,
}

impl PermissionRule {
    pub fn tool(tool: &str) -> Self {
        Self {
            tool: tool.to_owned(),
            specifier: None,
        }
    }

    /// The rule in Claude Code's settings syntax.
    pub fn to_rule_string(&self) -> String {
        match &self.specifier {
            Some(s) => format!("{}({s})", self.tool),
            None => self.tool.clone(),
        }
    }
}

/// The effective tool policy, resolved with Claude Code's semantics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolPolicy {
    /// No `tools` in the agent (or `*`): every tool except `removed`.
    pub inherits_all: bool,
    /// What the agent may use (when not inheriting all); legacy aliases mapped.
    pub allow: Vec<PermissionRule>,
    /// Tools removed by `disallowedTools` (a specifier there removes the whole tool).
    pub removed: Vec<String>,
    /// Narrower denials the author wrote as `disallowedTools` entries with a specifier; Claude
    /// Code applies them to the whole tool, the bundle's settings fragment as written.
    pub deny: Vec<PermissionRule>,
}

/// The protocol as a state machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtocolMachine {
    /// The protocol's title in the agent file.
    pub title: String,
    /// One state per step, in order; the agent starts before the first.
    pub states: Vec<State>,
    pub transitions: Vec<Transition>,
    /// Actions that need an earlier step to have been passed.
    pub gates: Vec<Gate>,
    /// The skill the protocol is written in (one of the policy's `skills`), when it is not
    /// the agent's own; its states' lines are lines of that skill's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// `step-<number>`.
    pub id: String,
    pub step: u64,
    /// The step kind (`acknowledge`, `await-approval`, ...).
    pub kind: String,
    pub lead: String,
    /// For `await-approval`: the word the user must answer with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub source: SourceLine,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub from: String,
    pub to: String,
    /// `next` (the step is done), `approved` (the user answered with the token) or `revise`
    /// (changes were requested).
    pub on: String,
}

/// An action that is denied until `requires` has been passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// What is gated: a tool call matching a permission rule, or `stop` (finishing the task).
    pub action: GateAction,
    /// The state that must have been passed.
    pub requires: String,
    /// For an approval gate: the token the user must have answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Why, in words the runner shows when it denies.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "type", deny_unknown_fields)]
pub enum GateAction {
    /// A git operation, whichever way a command performs it: the command analysis sees
    /// through wrappers, shells and git's own options, and the runner's git hooks refuse the
    /// operation when a command hides it.
    Git { operation: shell::git::GitOperation },
    /// A tool call whose tool name matches the rule (`*` in the name matches any text, as in
    /// `mcp__*__*commit*`).
    Tool { rule: PermissionRule },
    /// The agent ending its task.
    Stop,
}

/// One Definition-of-Done item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneRequirement {
    /// Stable id: `<group>/<item>` slugs, made unique with a suffix.
    pub id: String,
    pub group: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    pub verify: Verify,
    /// Named in `[done] required`: the item must be met; the agent may not answer it as not
    /// applicable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    pub source: SourceLine,
    /// The skill the item is written in, when it is not the agent's own file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
}

impl DoneRequirement {
    /// Whether the agent may answer the item `n/a: <reason>`: only an item its checklist
    /// verifies. What the runner checks itself (a command, a report, test evidence) and what
    /// `[done] required` names must be met.
    pub fn may_be_not_applicable(&self) -> bool {
        !self.required && self.verify == Verify::Attest
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub metric: Option<String>,
    /// `<`, `<=`, `>`, `>=` or `=`.
    pub comparison: String,
    pub value: f64,
    pub unit: Option<String>,
}

impl AgentPolicy {
    /// The commands the runner runs when the agent stops: each `[done.commands]` command,
    /// and the test command when a test or report item depends on it; in a fixed order,
    /// without repeats.
    pub fn check_commands(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in &self.done {
            let command = match &item.verify {
                Verify::Command { command } => Some(command),
                Verify::Evidence { .. } | Verify::Report { .. } => self.checks.test.as_ref(),
                Verify::Attest => None,
            };
            if let Some(c) = command
                && !out.contains(c)
            {
                out.push(c.clone());
            }
        }
        out
    }

    /// The longest the checks can take, in seconds.
    pub fn check_seconds(&self) -> u64 {
        let n = u64::try_from(self.check_commands().len()).unwrap_or(u64::MAX);
        self.checks.timeout_secs.saturating_mul(n)
    }
}

/// What the runner runs and reads itself at the Stop gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneChecks {
    /// The project's test command (`[done] test`): the runner runs it, and it alone
    /// verifies the test items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    /// Seconds each command may run before it counts as failed.
    #[serde(default = "default_check_timeout")]
    pub timeout_secs: u64,
    /// JUnit XML the test command writes, relative to the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub junit: Option<String>,
    /// Coverage report the test command writes (lcov, Cobertura XML, or a JSON summary),
    /// relative to the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
}

/// The check commands' default time limit, in seconds.
pub const DEFAULT_CHECK_TIMEOUT: u64 = 120;

fn default_check_timeout() -> u64 {
    DEFAULT_CHECK_TIMEOUT
}

impl Default for DoneChecks {
    fn default() -> Self {
        DoneChecks {
            test: None,
            timeout_secs: DEFAULT_CHECK_TIMEOUT,
            junit: None,
            coverage: None,
        }
    }
}

impl DoneChecks {
    /// Nothing configured: the field is left out of the policy file.
    pub fn is_empty(&self) -> bool {
        *self == DoneChecks::default()
    }
}

/// A machine-readable report the runner reads.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// JUnit XML: test counts, failures and errors.
    Junit,
    /// Line coverage in percent.
    Coverage,
}

/// How the runner decides that an item is met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "mode", deny_unknown_fields)]
pub enum Verify {
    /// An observed event, e.g. `tests-passed-after-last-edit`.
    Evidence { event: String },
    /// The agent's final message marks the item done.
    Attest,
    /// A command configured in `agentspec.toml`: the runner runs it, and it must succeed
    /// on the work tree as it is when the agent stops.
    Command { command: String },
    /// A report written by the runner's own run of the test command, on the work tree as it
    /// is when the agent stops, must meet the item's thresholds.
    Report { report: ReportKind },
}

/// A loaded and verified bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub manifest: Manifest,
    pub agents: BTreeMap<String, AgentPolicy>,
    /// sha256 of `manifest.json`'s bytes: with every policy's sha256 in it, this names the
    /// exact bundle (the runner pins it per session).
    pub digest: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON: {message}")]
    Json { path: PathBuf, message: String },
    #[error("{path} does not match the bundle schema: {message}")]
    Schema { path: PathBuf, message: String },
    #[error(
        "{path}: bundle format version {found} is not supported (this agentspec reads {FORMAT_VERSION})"
    )]
    Version { path: PathBuf, found: u64 },
    #[error("{path} was modified: its sha256 is {actual}, the manifest says {expected}")]
    Tampered {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("the manifest's revision {expected} does not match its entries ({actual})")]
    Revision { expected: String, actual: String },
    #[error("{path} is not listed in the manifest")]
    Foreign { path: PathBuf },
    #[error("manifest entry `{name}` points outside the bundle: {path}")]
    Escape { name: String, path: String },
}

/// Hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The revision of a set of `(path, sha256)` entries.
pub fn revision<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut lines: Vec<String> = entries
        .into_iter()
        .map(|(path, sha)| format!("{path} {sha}\n"))
        .collect();
    lines.sort();
    sha256_hex(lines.concat().as_bytes())
}

/// Canonical JSON: keys sorted at every level, two-space indentation, a final newline. The
/// same value always gives the same bytes.
pub fn canonical_json<T: Serialize>(value: &T) -> String {
    fn sort(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let sorted: BTreeMap<String, serde_json::Value> =
                    map.into_iter().map(|(k, v)| (k, sort(v))).collect();
                serde_json::Value::Object(sorted.into_iter().collect())
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(sort).collect())
            }
            other => other,
        }
    }
    let value = serde_json::to_value(value).map(sort).unwrap_or_default();
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of a bundle: the manifest and the agent policy.
pub fn bundle_schema() -> serde_json::Value {
    #[derive(JsonSchema)]
    #[allow(dead_code, reason = "only its schema is used")]
    /// A policy bundle: `manifest.json` and one `agents/<name>.json` per agent.
    struct BundleFiles {
        manifest: Manifest,
        agent: AgentPolicy,
    }
    serde_json::to_value(schemars::schema_for!(BundleFiles)).unwrap_or_default()
}

/// A validator for `#/properties/<part>` of the bundle schema, keeping its `$defs`.
fn validator(
    schema_root: &serde_json::Value,
    part: &str,
    path: &Path,
) -> Result<jsonschema::Validator, BundleError> {
    let mut schema = schema_root
        .get("properties")
        .and_then(|p| p.get(part))
        .cloned()
        .unwrap_or_default();
    if let (Some(obj), Some(defs)) = (schema.as_object_mut(), schema_root.get("$defs")) {
        obj.insert("$defs".to_owned(), defs.clone());
    }
    jsonschema::validator_for(&schema).map_err(|e| BundleError::Schema {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn validate_against(
    validator: &jsonschema::Validator,
    value: &serde_json::Value,
    path: &Path,
) -> Result<(), BundleError> {
    if let Some(error) = validator.iter_errors(value).next() {
        return Err(BundleError::Schema {
            path: path.to_path_buf(),
            message: format!("{error} at {}", error.instance_path()),
        });
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, BundleError> {
    // A FIFO or device in place of a bundle file must not make the hook wait.
    crate::fsutil::read_regular(path).map_err(|source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn parse_json(bytes: &[u8], path: &Path) -> Result<serde_json::Value, BundleError> {
    serde_json::from_slice(bytes).map_err(|e| BundleError::Json {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn check_version(value: &serde_json::Value, path: &Path) -> Result<(), BundleError> {
    let found = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    match found {
        Some(v) if v == u64::from(FORMAT_VERSION) => Ok(()),
        Some(v) => Err(BundleError::Version {
            path: path.to_path_buf(),
            found: v,
        }),
        None => Err(BundleError::Schema {
            path: path.to_path_buf(),
            message: "`format_version` is missing".to_owned(),
        }),
    }
}

/// Remembers which exact file contents passed schema validation, so that a process started
/// per event (the hook) does not compile the JSON Schemas again for bytes it already checked.
/// Keys name the agentspec version, the schema part and the file's sha256; every other check
/// (format version, hashes, revision, foreign files, typed parsing) still runs every time.
pub trait ValidationMemo {
    fn validated(&self, key: &str) -> bool;
    fn remember(&self, key: &str);
}

fn memo_key(part: &str, bytes: &[u8]) -> String {
    format!("{}-{part}-{}", env!("CARGO_PKG_VERSION"), sha256_hex(bytes))
}

/// Validates `value` against the schema part unless `memo` knows these bytes passed; the
/// validator is compiled on first use and kept in `compiled`.
fn validate_part(
    schema: &serde_json::Value,
    part: &str,
    (value, bytes, path): (&serde_json::Value, &[u8], &Path),
    memo: Option<&dyn ValidationMemo>,
    compiled: &mut Option<jsonschema::Validator>,
) -> Result<(), BundleError> {
    let key = memo.map(|_| memo_key(part, bytes));
    if let (Some(memo), Some(key)) = (memo, &key)
        && memo.validated(key)
    {
        return Ok(());
    }
    if compiled.is_none() {
        *compiled = Some(validator(schema, part, path)?);
    }
    if let Some(v) = compiled {
        validate_against(v, value, path)?;
    }
    if let (Some(memo), Some(key)) = (memo, &key) {
        memo.remember(key);
    }
    Ok(())
}

impl Bundle {
    /// Loads a bundle and verifies all of it: schema, format version, every file's sha256,
    /// the revision, and that `agents/` holds nothing the manifest does not list.
    pub fn load(dir: &Path) -> Result<Bundle, BundleError> {
        Bundle::load_selected(dir, None, None)
    }

    /// Loads and verifies the manifest (schema, version, revision, no foreign files) and only
    /// the policies of `agents`, for a hook that enforces them: everything it uses is verified,
    /// and nothing else is read.
    pub fn load_agents(dir: &Path, agents: &[&str]) -> Result<Bundle, BundleError> {
        Bundle::load_selected(dir, Some(agents), None)
    }

    /// [`Bundle::load_agents`], skipping the schema validation of file contents `memo` has
    /// seen pass before.
    pub fn load_agents_with(
        dir: &Path,
        agents: &[&str],
        memo: &dyn ValidationMemo,
    ) -> Result<Bundle, BundleError> {
        Bundle::load_selected(dir, Some(agents), Some(memo))
    }

    fn load_selected(
        dir: &Path,
        only: Option<&[&str]>,
        memo: Option<&dyn ValidationMemo>,
    ) -> Result<Bundle, BundleError> {
        // The committed schema file, kept equal to `bundle_schema()` by a test; parsing it is
        // cheaper than generating it on every hook.
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/bundle.schema.json"))
                .unwrap_or_else(|_| bundle_schema());
        let manifest_path = dir.join("manifest.json");
        let bytes = read(&manifest_path)?;
        let digest = sha256_hex(&bytes);
        let value = parse_json(&bytes, &manifest_path)?;
        check_version(&value, &manifest_path)?;
        validate_part(
            &schema,
            "manifest",
            (&value, &bytes, &manifest_path),
            memo,
            &mut None,
        )?;
        let manifest: Manifest =
            serde_json::from_value(value).map_err(|e| BundleError::Schema {
                path: manifest_path.clone(),
                message: e.to_string(),
            })?;
        let actual = revision(
            manifest
                .agents
                .iter()
                .map(|e| (e.path.as_str(), e.sha256.as_str())),
        );
        if actual != manifest.revision {
            return Err(BundleError::Revision {
                expected: manifest.revision.clone(),
                actual,
            });
        }
        let mut agents = BTreeMap::new();
        let mut agent_validator = None;
        for entry in &manifest.agents {
            let file = entry.path.strip_prefix("agents/").unwrap_or("");
            let escapes =
                file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\']);
            if escapes {
                return Err(BundleError::Escape {
                    name: entry.name.clone(),
                    path: entry.path.clone(),
                });
            }
            if only.is_some_and(|names| !names.contains(&entry.name.as_str())) {
                continue;
            }
            let path = dir.join(&entry.path);
            let bytes = read(&path)?;
            let sha = sha256_hex(&bytes);
            if sha != entry.sha256 {
                return Err(BundleError::Tampered {
                    path,
                    expected: entry.sha256.clone(),
                    actual: sha,
                });
            }
            let value = parse_json(&bytes, &path)?;
            check_version(&value, &path)?;
            validate_part(
                &schema,
                "agent",
                (&value, &bytes, &path),
                memo,
                &mut agent_validator,
            )?;
            let policy: AgentPolicy =
                serde_json::from_value(value).map_err(|e| BundleError::Schema {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            agents.insert(entry.name.clone(), policy);
        }
        let listed: Vec<&str> = manifest.agents.iter().map(|e| e.path.as_str()).collect();
        if let Ok(entries) = std::fs::read_dir(dir.join("agents")) {
            for entry in entries.flatten() {
                let rel = format!("agents/{}", entry.file_name().to_string_lossy());
                if !listed.contains(&rel.as_str()) {
                    return Err(BundleError::Foreign { path: entry.path() });
                }
            }
        }
        Ok(Bundle {
            manifest,
            agents,
            digest,
        })
    }
}
