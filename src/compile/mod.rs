//! [`AgentSpec`] to [`policy`](crate::policy) bundle, and writing bundles.
//!
//! A bundle is built in memory as a map from relative path to bytes, so that writing it,
//! comparing it with what is on disk (`build --check`) and testing it share one code path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::AgentSpec;
use crate::model::inspect::effective_tools;
use crate::model::protocol::{Comparison, Protocol, StepKind};
use crate::policy::shell::git::GitOperation;
use crate::policy::{
    self, AgentPolicy, DoneChecks, DoneRequirement, FORMAT_VERSION, Gate, GateAction, Manifest,
    ManifestEntry, PermissionRule, ProtocolMachine, ReportKind, SkillSource, SourceLine, SourceRef,
    State, Threshold, ToolPolicy, Transition, Verify,
};
use crate::source::{LineIndex, SourceFile};

/// The Claude Code settings fragment written next to the policies.
pub const SETTINGS_FILE: &str = "claude-settings.json";

/// One agent to compile.
pub struct Unit<'a> {
    pub spec: &'a AgentSpec,
    pub source: &'a SourceFile,
    /// The source path as recorded in the bundle.
    pub path: String,
    /// The skills the agent uses (preloaded or named in its body) that were found, in the
    /// order the agent names them: their protocols and Definitions of Done are the agent's
    /// too.
    pub skills: Vec<SkillUnit<'a>>,
}

/// A skill found for an agent.
#[derive(Clone)]
pub struct SkillUnit<'a> {
    /// The name the host gives it: its folder's name.
    pub name: String,
    pub spec: &'a AgentSpec,
    pub source: &'a SourceFile,
    /// The source path as recorded in the bundle.
    pub path: String,
    /// The `skills` folder it is in.
    pub tree: std::path::PathBuf,
}

/// The skill of `found` a reference of the agent at `agent` designates, as Claude Code
/// resolves it: a skill of the agent's own project or plugin before any other, its folder's
/// name before a `name:` alias; `plugin:skill` only among that plugin's skills; the last part
/// of a path (`workflow/task-executor`).
pub fn resolve<'a, 'f>(
    reference: &crate::model::skills::SkillRef,
    agent: &Path,
    found: &'f [SkillUnit<'a>],
) -> Option<&'f SkillUnit<'a>> {
    let (plugin, rest) = match reference.name.split_once(':') {
        Some((p, r)) => (Some(p), r),
        None => (None, reference.name.as_str()),
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let roots = crate::dialect::skill_roots(agent);
    let in_plugin = |s: &&SkillUnit| {
        plugin.is_none_or(|p| {
            s.tree
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == p)
        })
    };
    let alias = |s: &&SkillUnit| s.spec.name.as_ref().is_some_and(|n| n.value == name);
    let scoped = |s: &&SkillUnit| roots.contains(&s.tree);
    let candidates: Vec<&SkillUnit> = found.iter().filter(in_plugin).collect();
    let pick = |in_scope: bool, by_alias: bool| {
        candidates
            .iter()
            .copied()
            .find(|s| scoped(s) == in_scope && if by_alias { alias(s) } else { s.name == name })
    };
    pick(true, false)
        .or_else(|| pick(true, true))
        .or_else(|| pick(false, false))
        .or_else(|| pick(false, true))
}

/// The skills of `found` that the agent at `agent_path` names (`skills:` first, then its
/// body), each once, in that order.
pub fn skills_of<'a>(
    agent: &AgentSpec,
    agent_path: &Path,
    found: &[SkillUnit<'a>],
) -> Vec<SkillUnit<'a>> {
    let mut out: Vec<SkillUnit<'a>> = Vec::new();
    for reference in &agent.skill_refs {
        if let Some(skill) = resolve(reference, agent_path, found)
            && !out.iter().any(|s| s.path == skill.path)
        {
            out.push(skill.clone());
        }
    }
    out
}

/// Build options that come from configuration.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Definition-of-Done commands by item id or group slug.
    pub done_commands: BTreeMap<String, String>,
    /// Items that must be met (no `n/a`), by item id or group slug (`[done] required`).
    pub done_required: Vec<String>,
    /// What the runner checks itself at the Stop gate.
    pub done_checks: DoneChecks,
    /// The bundle directory as the hooks should name it.
    pub bundle_dir: String,
    /// The Claude Code releases the bundle is for (the newest measured when empty): the
    /// allowlist leaves out the built-in tools none of them offers in any seat.
    pub releases: Vec<&'static crate::release::Release>,
    /// Tools the configuration declares (`[known] tools`): kept in the allowlist.
    pub known_tools: Vec<String>,
}

/// A bundle in memory: relative path → file content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltBundle {
    pub files: BTreeMap<String, String>,
}

fn line(index: &LineIndex, text: &str, offset: usize) -> SourceLine {
    SourceLine {
        line: u32::try_from(index.line_col(text, offset).line).unwrap_or(u32::MAX),
    }
}

/// A file name for an agent: letters, digits, `-`, `_` and `.` kept, anything else `_`, no
/// leading dot; it can never leave the `agents/` folder.
pub fn file_stem(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    let mut stem: String = trimmed.chars().take(100).collect();
    if stem.is_empty() {
        stem = "agent".to_owned();
    }
    stem
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    if out.is_empty() {
        "item".to_owned()
    } else {
        out
    }
}

/// Compiles one agent file's text, read as a project agent (`.md` under `.claude/agents/`),
/// with the default options: for tools and tests that start from Markdown.
pub fn compile_markdown(path: &str, text: &str) -> AgentPolicy {
    let doc = crate::parse::parse(text);
    let role = crate::model::FileRole {
        plugin: false,
        markdown: true,
        ..Default::default()
    };
    let spec = AgentSpec::build_with(&doc, text, role, &Default::default());
    let source = SourceFile::new(path, text.to_owned());
    compile_agent(
        &Unit {
            spec: &spec,
            source: &source,
            path: path.into(),
            skills: Vec::new(),
        },
        &Options::default(),
    )
}

/// The allowed rules, less those naming a built-in tool that no target release offers an agent
/// in any seat (`TodoWrite`, measured), unless `[known] tools` declares it. The allowlist is a
/// ceiling: a tool a seat does not get (`Grep` next to `Bash` on Linux, `AskUserQuestion` in a
/// subagent, `PowerShell` off Windows) stays, as another seat or platform grants it, and a
/// refusal of it there would be false.
fn granted_rules<'a>(
    tools: &'a crate::model::inspect::EffectiveTools,
    options: &Options,
) -> Vec<&'a str> {
    let newest = [crate::release::newest()];
    let releases = if options.releases.is_empty() {
        &newest[..]
    } else {
        &options.releases[..]
    };
    tools
        .allowed
        .iter()
        .map(String::as_str)
        .filter(|rule| {
            let tool = rule.split_once('(').map_or(*rule, |(t, _)| t);
            !crate::vocab::is_tool(tool)
                || options.known_tools.iter().any(|k| k == tool)
                || releases.iter().any(|r| r.offered(tool).is_some())
        })
        .collect()
}

pub fn compile_agent(unit: &Unit, options: &Options) -> AgentPolicy {
    let spec = unit.spec;
    let text = &unit.source.text;
    let index = LineIndex::new(text);
    let tools = effective_tools(spec);
    let allow = granted_rules(&tools, options)
        .into_iter()
        .map(|rule| PermissionRule::parse(rule).unwrap_or_else(|_| PermissionRule::tool(rule)))
        .collect();
    let deny = spec
        .disallowed_tools
        .iter()
        .flat_map(|l| &l.entries)
        .filter(|e| e.syntax_error.is_none() && e.specifier.is_some())
        .map(|e| PermissionRule {
            tool: e.name.clone(),
            specifier: e.specifier.as_ref().map(|(s, _)| s.clone()),
        })
        .collect();
    // The agent's own protocol, unless it leaves a commit ungated and a skill it uses gates it
    // (the stricter one holds); else the first protocol of a skill it uses.
    let from_skill = |gating: bool| {
        unit.skills.iter().find_map(|skill| {
            let text = &skill.source.text;
            main_protocol(skill.spec)
                .filter(|p| !gating || gates_commit(p))
                .map(|p| ProtocolMachine {
                    skill: Some(skill.name.clone()),
                    ..machine(p, &LineIndex::new(text), text)
                })
        })
    };
    let protocol = match main_protocol(spec) {
        Some(own) if gates_commit(own) => Some(machine(own, &index, text)),
        Some(own) => from_skill(true).or_else(|| Some(machine(own, &index, text))),
        // Of the skills' protocols, one that gates the commit first.
        None => from_skill(true).or_else(|| from_skill(false)),
    };
    let mut done = done_requirements(spec, &index, text, options, None);
    for skill in &unit.skills {
        let text = &skill.source.text;
        let items = done_requirements(
            skill.spec,
            &LineIndex::new(text),
            text,
            options,
            Some(&skill.name),
        );
        // Ids stay unique across the agent and its skills: a skill's item that collides gets
        // the skill's name in front.
        for mut item in items {
            if done.iter().any(|d| d.id == item.id) {
                let base = format!("{}/{}", skill.name, item.id);
                item.id = base.clone();
                let mut n = 2;
                while done.iter().any(|d| d.id == item.id) {
                    item.id = format!("{base}-{n}");
                    n += 1;
                }
            }
            done.push(item);
        }
    }
    let skills = unit
        .skills
        .iter()
        .map(|s| SkillSource {
            name: s.name.clone(),
            path: s.path.clone(),
            sha256: policy::sha256_hex(s.source.text.as_bytes()),
        })
        .collect();
    AgentPolicy {
        format_version: FORMAT_VERSION,
        name: spec
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        description: spec
            .description
            .as_ref()
            .map(|d| d.value.replace("\\n", "\n"))
            .unwrap_or_default(),
        model: spec
            .model
            .as_ref()
            .map(|m| m.value.trim().to_owned())
            .filter(|m| !m.is_empty() && !m.eq_ignore_ascii_case("inherit")),
        source: SourceRef {
            path: unit.path.clone(),
            sha256: policy::sha256_hex(text.as_bytes()),
        },
        tools: ToolPolicy {
            inherits_all: tools.inherits_all,
            allow,
            removed: tools.removed.clone(),
            deny,
        },
        protocol,
        done,
        checks: options.done_checks.clone(),
        skills,
    }
}

/// Where an agent's own protocol and the protocol of a skill it uses disagree on what gates
/// a commit: one waits for the user's approval before committing and the other does not, or
/// they wait for different answers. The one that gates the commit is compiled; of two that
/// do, the agent's own.
pub fn protocol_conflicts(unit: &Unit) -> Vec<String> {
    let Some(own) = main_protocol(unit.spec) else {
        // No protocol of its own: one skill's is compiled; say which when several have one.
        let with: Vec<&SkillUnit> = unit
            .skills
            .iter()
            .filter(|s| main_protocol(s.spec).is_some())
            .collect();
        if with.len() < 2 {
            return Vec::new();
        }
        let chosen = with
            .iter()
            .find(|s| main_protocol(s.spec).is_some_and(gates_commit))
            .unwrap_or(&with[0]);
        let names: Vec<String> = with.iter().map(|s| format!("`{}`", s.name)).collect();
        return vec![format!(
            "the skills {} each have a protocol; the skill `{}`'s is enforced{}",
            names.join(", "),
            chosen.name,
            if main_protocol(chosen.spec).is_some_and(gates_commit) {
                " (it waits for approval before committing)"
            } else {
                ""
            }
        )];
    };
    let gate = |p: &Protocol| {
        let wait = p.steps.iter().find(|s| s.kind == StepKind::AwaitApproval);
        (gates_commit(p), wait.and_then(|w| w.token.clone()))
    };
    let (own_before, own_token) = gate(own);
    let mut out = Vec::new();
    for skill in &unit.skills {
        let Some(theirs) = main_protocol(skill.spec) else {
            continue;
        };
        let (before, token) = gate(theirs);
        if before && !own_before {
            out.push(format!(
                "the skill `{}`'s protocol waits for the user's approval before committing and the agent's own does not; the skill's protocol is enforced",
                skill.name
            ));
        } else if own_before && !before {
            out.push(format!(
                "the agent's protocol waits for the user's approval before committing and the skill `{}`'s does not; the agent's own protocol is enforced",
                skill.name
            ));
        } else if before && token != own_token {
            out.push(format!(
                "the agent's protocol waits for {} and the skill `{}`'s for {}; the agent's own protocol is enforced",
                own_token.as_deref().map_or_else(|| "approval".to_owned(), |t| format!("`{t}`")),
                skill.name,
                token.as_deref().map_or_else(|| "approval".to_owned(), |t| format!("`{t}`"))
            ));
        }
    }
    out
}

/// Whether a protocol waits for the user's approval before a commit step.
fn gates_commit(p: &Protocol) -> bool {
    let wait = p.steps.iter().find(|s| s.kind == StepKind::AwaitApproval);
    let commit = p.steps.iter().find(|s| s.kind == StepKind::Commit);
    matches!((wait, commit), (Some(w), Some(c)) if w.number < c.number)
}

/// The protocol of a file that is compiled: its longest, the first of equals.
fn main_protocol(spec: &AgentSpec) -> Option<&Protocol> {
    spec.protocols
        .iter()
        .max_by_key(|p| (p.steps.len(), std::cmp::Reverse(p.span.start)))
}

/// MCP tool names that commit, push or merge (`*` matches any text).
pub const MCP_GATED: &[&str] = &["mcp__*__*commit*", "mcp__*__*push*", "mcp__*__*merge*"];

fn state_id(step: u64) -> String {
    format!("step-{step}")
}

fn machine(protocol: &Protocol, index: &LineIndex, text: &str) -> ProtocolMachine {
    let states: Vec<State> = protocol
        .steps
        .iter()
        .map(|s| State {
            id: state_id(s.number),
            step: s.number,
            kind: s.kind.as_str().to_owned(),
            lead: s.lead.clone(),
            token: s.token.clone(),
            source: line(index, text, s.span.start),
        })
        .collect();
    let mut transitions = Vec::new();
    for pair in protocol.steps.windows(2) {
        let on = if pair[0].kind == StepKind::AwaitApproval {
            "approved"
        } else {
            "next"
        };
        transitions.push(Transition {
            from: state_id(pair[0].number),
            to: state_id(pair[1].number),
            on: on.to_owned(),
        });
    }
    let revise = protocol.steps.iter().find(|s| s.kind == StepKind::Revise);
    if let Some(revise) = revise {
        if let Some(wait) = protocol
            .steps
            .iter()
            .find(|s| s.kind == StepKind::AwaitApproval)
        {
            transitions.push(Transition {
                from: state_id(wait.number),
                to: state_id(revise.number),
                on: "revise".to_owned(),
            });
        }
        if let Some(target) = revise
            .returns_to
            .filter(|t| protocol.steps.iter().any(|s| s.number == *t))
        {
            transitions.push(Transition {
                from: state_id(revise.number),
                to: state_id(target),
                on: "next".to_owned(),
            });
        }
    }
    let mut gates = Vec::new();
    // Gates only where the protocol asks for them: an approval step and a commit step.
    let commit = protocol.steps.iter().find(|s| s.kind == StepKind::Commit);
    let approval = protocol
        .steps
        .iter()
        .find(|s| s.kind == StepKind::AwaitApproval)
        .or_else(|| {
            protocol
                .steps
                .iter()
                .find(|s| s.kind == StepKind::RequestApproval)
        });
    if let (Some(approval), Some(_)) = (approval, commit) {
        let token = approval.token.clone();
        let reason = |what: &str| match &token {
            Some(t) => format!(
                "the protocol requires the user's approval (`{t}`) before {what} (step {}: {})",
                approval.number, approval.lead
            ),
            None => format!(
                "the protocol requires approval before {what} (step {}: {})",
                approval.number, approval.lead
            ),
        };
        for operation in [GitOperation::Commit, GitOperation::Push] {
            gates.push(Gate {
                action: GateAction::Git { operation },
                requires: state_id(approval.number),
                token: token.clone(),
                reason: reason(&format!("`git {}`", operation.as_str())),
            });
        }
        // Tools of MCP servers that commit, push or merge on the agent's behalf.
        for pattern in MCP_GATED {
            gates.push(Gate {
                action: GateAction::Tool {
                    rule: PermissionRule::tool(pattern),
                },
                requires: state_id(approval.number),
                token: token.clone(),
                reason: reason("a tool that commits, pushes or merges"),
            });
        }
    }
    let report = protocol.steps.iter().find(|s| s.kind == StepKind::Report);
    if let (Some(commit), Some(_), Some(_)) = (commit, report, approval) {
        gates.push(Gate {
            action: GateAction::Stop,
            requires: state_id(commit.number),
            token: None,
            reason: format!(
                "the protocol commits (step {}) before it reports completion",
                commit.number
            ),
        });
    }
    ProtocolMachine {
        title: protocol.title.clone(),
        states,
        transitions,
        gates,
        skill: None,
    }
}

fn comparison(c: Comparison) -> &'static str {
    match c {
        Comparison::Lt => "<",
        Comparison::Le => "<=",
        Comparison::Gt => ">",
        Comparison::Ge => ">=",
        Comparison::Eq => "=",
    }
}

/// How the runner verifies one item: a command configured for it (by id, then by group),
/// a coverage threshold from the configured report, test evidence, or the agent's checklist.
pub fn verification(
    id: &str,
    group: Option<&str>,
    text: &str,
    has_threshold: bool,
    options: &Options,
) -> Verify {
    if let Some(command) = options
        .done_commands
        .get(id)
        .or_else(|| group.and_then(|g| options.done_commands.get(g)))
    {
        return Verify::Command {
            command: command.clone(),
        };
    }
    let lower = text.to_lowercase();
    if lower.contains("coverage") && has_threshold {
        return if options.done_checks.coverage.is_some() && options.done_checks.test.is_some() {
            Verify::Report {
                report: ReportKind::Coverage,
            }
        } else {
            Verify::Attest
        };
    }
    // A passing test run shows that tests pass, not a number (`p95 < 100 ms`) nor tests a
    // plain run of the suite does not hold (load, performance, end-to-end, manual testing):
    // those stay the agent's to answer, `n/a` when the task has none.
    const OUTSIDE_THE_SUITE: &[&str] = &[
        "load",
        "performance",
        "perf",
        "stress",
        "soak",
        "benchmark",
        "penetration",
        "pen test",
        "pentest",
        "smoke",
        "e2e",
        "end-to-end",
        "end to end",
        "manual",
        "staging",
        "k6",
        "locust",
        "jmeter",
        "lighthouse",
        "accessibility",
        "a11y",
        "visual",
        "user acceptance",
        "uat",
    ];
    // ... unless the item is about the suite too (`All tests pass (unit, integration, e2e)`).
    const THE_SUITE: &[&str] = &["unit", "integration", "suite", "all tests"];
    // A whole word (a plural `s` allowed).
    let word_at = |w: &str| {
        lower.match_indices(w).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let mut after = lower[at + w.len()..].chars();
            let next = match after.next() {
                Some('s') => after.next(),
                other => other,
            };
            before.is_none_or(|c| !c.is_alphanumeric()) && next.is_none_or(|c| !c.is_alphanumeric())
        })
    };
    let outside =
        OUTSIDE_THE_SUITE.iter().any(|w| word_at(w)) && !THE_SUITE.iter().any(|w| word_at(w));
    if lower.contains("test") && !has_threshold && !outside {
        return Verify::Evidence {
            event: "tests-passed-after-last-edit".to_owned(),
        };
    }
    Verify::Attest
}

/// What the runner could check and does not, for want of configuration: threshold items
/// left to the agent's checklist, and reports that no test command of the runner writes.
pub fn check_notes(bundle: &BuiltBundle, checks: &DoneChecks, required: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    if checks.test.is_none() && (checks.coverage.is_some() || checks.junit.is_some()) {
        notes.push(
            "[done.reports] is read only after the runner's own test run; set [done] test in agentspec.toml".to_owned(),
        );
    }
    for (path, text) in &bundle.files {
        let Ok(policy) = serde_json::from_str::<AgentPolicy>(text) else {
            continue;
        };
        if !path.starts_with("agents/") {
            continue;
        }
        for item in &policy.done {
            for r in required {
                if *r == item.id || item.id.split('/').next() == Some(r.as_str()) {
                    named.insert(r.as_str());
                }
            }
            let coverage = item.text.to_lowercase().contains("coverage");
            if item.verify == Verify::Attest && coverage && !item.thresholds.is_empty() {
                notes.push(format!(
                    "{}: `{}` could be checked from a coverage report; set [done] test and [done.reports] coverage in agentspec.toml",
                    policy.name, item.id
                ));
            }
        }
    }
    for r in required {
        if !named.contains(r.as_str()) {
            notes.push(format!(
                "[done] required names `{r}`, which is no item id or group of any agent (`agentspec inspect` shows the ids)"
            ));
        }
    }
    notes
}

fn done_requirements(
    spec: &AgentSpec,
    index: &LineIndex,
    text: &str,
    options: &Options,
    skill: Option<&String>,
) -> Vec<DoneRequirement> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for done in &spec.done {
        for group in &done.groups {
            for item in &group.items {
                let base = format!(
                    "{}/{}",
                    group
                        .name
                        .as_deref()
                        .map_or_else(|| "done".to_owned(), slug),
                    slug(&item.text)
                );
                let mut id = base.clone();
                let mut n = 2;
                while !seen.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                let group_slug = group.name.as_deref().map(slug);
                let verify = verification(
                    &id,
                    group_slug.as_deref(),
                    &item.text,
                    !item.thresholds.is_empty(),
                    options,
                );
                let required = options
                    .done_required
                    .iter()
                    .any(|r| *r == id || group_slug.as_deref() == Some(r.as_str()));
                out.push(DoneRequirement {
                    id,
                    group: group.name.clone(),
                    text: item.text.clone(),
                    thresholds: item
                        .thresholds
                        .iter()
                        .map(|t| Threshold {
                            metric: t.metric.clone(),
                            comparison: comparison(t.comparison).to_owned(),
                            value: t.value,
                            unit: t.unit.clone(),
                        })
                        .collect(),
                    verify,
                    required,
                    source: line(index, text, item.span.start),
                    skill: skill.cloned(),
                });
            }
        }
    }
    out
}

/// Compiles every unit into a bundle (policies, manifest and the settings fragment).
pub fn build(units: &[Unit], options: &Options) -> BuiltBundle {
    let mut files = BTreeMap::new();
    let mut entries = Vec::new();
    let mut stems = BTreeSet::new();
    let mut deny = BTreeSet::new();
    let mut policies: Vec<AgentPolicy> = units.iter().map(|u| compile_agent(u, options)).collect();
    policies.sort_by(|a, b| (&a.name, &a.source.path).cmp(&(&b.name, &b.source.path)));
    let stop_checks = policies
        .iter()
        .map(AgentPolicy::check_seconds)
        .max()
        .unwrap_or(0);
    for policy in policies {
        let base = file_stem(&policy.name);
        let mut stem = base.clone();
        let mut n = 2;
        while !stems.insert(stem.to_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        let path = format!("agents/{stem}.json");
        let content = policy::canonical_json(&policy);
        entries.push(ManifestEntry {
            name: policy.name.clone(),
            path: path.clone(),
            sha256: policy::sha256_hex(content.as_bytes()),
        });
        deny.extend(policy.tools.deny.iter().map(PermissionRule::to_rule_string));
        files.insert(path, content);
    }
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        agentspec_version: env!("CARGO_PKG_VERSION").to_owned(),
        revision: policy::revision(entries.iter().map(|e| (e.path.as_str(), e.sha256.as_str()))),
        agents: entries,
    };
    files.insert(
        "manifest.json".to_owned(),
        policy::canonical_json(&manifest),
    );
    files.insert(
        SETTINGS_FILE.to_owned(),
        policy::canonical_json(&settings_fragment(&deny, &options.bundle_dir, stop_checks)),
    );
    BuiltBundle { files }
}

/// The hook events the runner handles, and whether their hooks take a tool matcher.
pub const HOOK_EVENTS: &[(&str, bool)] = &[
    ("PreToolUse", true),
    ("PostToolUse", true),
    ("PostToolUseFailure", true),
    ("UserPromptSubmit", false),
    ("Stop", false),
    ("SubagentStop", false),
    ("SessionStart", false),
];

/// Claude Code settings: the static `permissions.deny` rules and the runner's hooks.
/// Seconds Claude Code gives each installed hook before it lets the action through; the
/// runner's own deadline is well under it.
pub const HOOK_TIMEOUT: u64 = 30;

/// The settings fragment; `stop_checks` is the longest the Definition-of-Done checks of any
/// agent can take, in seconds, which the Stop hooks' timeout adds.
pub fn settings_fragment(
    deny: &BTreeSet<String>,
    bundle_dir: &str,
    stop_checks: u64,
) -> serde_json::Value {
    let command = format!("agentspec run hook --bundle {}", shell_quote(bundle_dir));
    let mut hooks = serde_json::Map::new();
    for (event, matcher) in HOOK_EVENTS {
        let timeout = if matches!(*event, "Stop" | "SubagentStop") && stop_checks > 0 {
            HOOK_TIMEOUT + stop_checks + 10
        } else {
            HOOK_TIMEOUT
        };
        let mut group = serde_json::json!({
            "hooks": [{"type": "command", "command": command, "timeout": timeout}]
        });
        if *matcher {
            group["matcher"] = serde_json::Value::String("*".to_owned());
        }
        hooks.insert((*event).to_owned(), serde_json::json!([group]));
    }
    serde_json::json!({
        "permissions": {"deny": deny.iter().collect::<Vec<_>>()},
        "hooks": hooks,
    })
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Files that differ between the bundle on disk and `bundle` (missing, changed or extra).
pub fn differences(dir: &Path, bundle: &BuiltBundle) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, content) in &bundle.files {
        match std::fs::read_to_string(dir.join(rel)) {
            Ok(on_disk) if on_disk == *content => {}
            Ok(_) => out.push(format!("{rel} differs")),
            Err(_) => out.push(format!("{rel} is missing")),
        }
    }
    let mut on_disk = Vec::new();
    for sub in ["", "agents"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            for e in entries.flatten() {
                if e.file_type().is_ok_and(|t| t.is_file()) {
                    let name = e.file_name().to_string_lossy().into_owned();
                    on_disk.push(if sub.is_empty() {
                        name
                    } else {
                        format!("{sub}/{name}")
                    });
                }
            }
        }
    }
    on_disk.sort();
    for rel in on_disk {
        if !bundle.files.contains_key(&rel) {
            out.push(format!("{rel} should not be there"));
        }
    }
    out
}

/// Writes the bundle to `dir` so that `dir` never holds a half-written bundle: everything
/// goes to a temporary sibling directory first, which then replaces `dir` by renaming.
pub fn write_atomically(dir: &Path, bundle: &BuiltBundle) -> std::io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = dir
        .file_name()
        .map_or_else(|| "bundle".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;
    for (rel, content) in &bundle.files {
        let path = staging.path().join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, content)?;
        std::fs::File::open(&path)?.sync_all()?;
    }
    let staged = staging.keep();
    if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)?
            .keep();
        // `old` exists and is empty; rename over it needs it gone.
        std::fs::remove_dir(&old)?;
        std::fs::rename(dir, &old)?;
        if let Err(e) = std::fs::rename(&staged, dir) {
            // Put the previous bundle back.
            let _ = std::fs::rename(&old, dir);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else if let Err(e) = std::fs::rename(&staged, dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_stay_inside_the_folder() {
        assert_eq!(file_stem("../x"), "_x");
        assert_eq!(file_stem("a/b"), "a_b");
        assert_eq!(file_stem("..."), "agent");
        assert_eq!(file_stem("Upper Name"), "Upper_Name");
        assert_eq!(file_stem("powershell-5.1-expert"), "powershell-5.1-expert");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Unit tests: >90% coverage"), "unit-tests-90-coverage");
        assert_eq!(slug("!!!"), "item");
    }
}
