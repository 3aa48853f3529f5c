//! `agentspec inspect`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::args::ListFormat;
use crate::cli::{Status, config_for, print};
use crate::discover;
use crate::lint;
use crate::render;

use super::build::build_options;

/// Inspects one agent file, or each agent file under a directory (found as `check` finds
/// them).
pub(crate) fn inspect(
    path: &std::path::Path,
    format: ListFormat,
    config: Option<PathBuf>,
    claude_code: Option<&crate::release::Target>,
) -> ExitCode {
    if path.join("manifest.json").is_file() {
        return inspect_bundle(path, format);
    }
    let config = match config_for(config.as_deref(), false, path, claude_code) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    // The same reading, roles and model as `check`.
    let (candidates, _) = discover::discover(&[path.to_path_buf()], false);
    let candidates: Vec<_> = candidates
        .into_iter()
        .filter(|c| !crate::model::settings::is_settings_file(&c.path))
        .collect();
    let reports = lint::check_inputs(discover::read_all(candidates), &config);
    if reports.is_empty() {
        if path.is_dir() {
            eprintln!(
                "agentspec: no agent files under {}: agents are the `.md` files under `.claude/agents/` and plugins' `agents/` folders; name a file to inspect it anyway",
                path.display()
            );
        } else {
            eprintln!("agentspec: nothing to inspect at {}", path.display());
        }
        return Status::Failure.into();
    }
    let project_skills = project_skills(&reports, &config);
    let skills = skills_found(&reports, &project_skills);
    let mut inspections = Vec::new();
    let mut human = Vec::new();
    let mut status = Status::Clean;
    for report in &reports {
        let shown = render::display_path(&report.path);
        let Some(spec) = &report.spec else {
            let why = report
                .diagnostics
                .first()
                .map_or("unreadable", |d| d.message.as_str());
            eprintln!("agentspec: cannot inspect {shown}: {why}");
            status = Status::Failure;
            continue;
        };
        let release = config
            .claude_code
            .releases()
            .last()
            .copied()
            .unwrap_or(crate::release::newest());
        let inspection = crate::model::inspect::inspect(&shown, spec, release);
        if matches!(format, ListFormat::Human) {
            let unit = crate::compile::Unit {
                spec,
                source: &report.source,
                path: shown.clone(),
                skills: crate::compile::skills_of(spec, &report.path, &skills),
            };
            let policy =
                crate::compile::compile_agent(&unit, &build_options(&config, String::new()));
            let mut text = inspect_human(&inspection);
            if policy.protocol.as_ref().is_some_and(|p| p.skill.is_some()) {
                text = text.replace("\nNo protocol found.", "\nNo protocol of its own.");
            }
            let mut skills_text = skills_human(spec, &report.path, &skills, &policy);
            for conflict in crate::compile::protocol_conflicts(&unit) {
                skills_text.push_str(&format!("  warning: {conflict}\n"));
            }
            human.push(text + &skills_text + &done_checks_human(&policy));
        }
        inspections.push(inspection);
    }
    let text = match format {
        // One file: its inspection; a directory: the list of them.
        ListFormat::Json if !path.is_dir() => inspections
            .first()
            .and_then(|i| serde_json::to_string_pretty(i).ok())
            .map_or_else(String::new, |s| s + "\n"),
        ListFormat::Json => serde_json::to_string_pretty(&inspections).unwrap_or_default() + "\n",
        ListFormat::Human => human.join("\n"),
    };
    if !text.is_empty() && print(&text) == Status::Failure {
        return Status::Failure.into();
    }
    status.into()
}

/// What Claude Code grants, seat by seat: one line when every seat gets the same.
fn grants_human(s: &mut String, g: &crate::model::grants::Grants) {
    use crate::model::grants::Grant;
    use std::fmt::Write as _;
    let text = |grant: &Grant| match grant {
        Grant::Tools(t) if t.is_empty() => "no tools".to_owned(),
        Grant::Tools(t) => t.join(", "),
        Grant::NotStarted { not_started } => format!("not started: {not_started}"),
    };
    let seats = [
        ("as a subagent", &g.subagent),
        ("as the session's agent (-p)", &g.main),
        ("as an interactive subagent", &g.interactive_subagent),
        ("as the interactive session's agent", &g.interactive_main),
    ];
    let _ = writeln!(s, "  granted by Claude Code {}:", g.release);
    if seats.iter().all(|(_, grant)| *grant == seats[0].1) {
        let _ = writeln!(s, "    in every seat: {}", text(seats[0].1));
    } else {
        for (seat, grant) in seats {
            let _ = writeln!(s, "    {seat}: {}", text(grant));
        }
    }
    if !g.mcp.is_empty() {
        let _ = writeln!(
            s,
            "    when their server is connected: {}",
            g.mcp.join(", ")
        );
    }
    if !g.notes.is_empty() {
        let _ = writeln!(s, "  not granted in every seat:");
    }
    for note in &g.notes {
        let _ = writeln!(s, "    {}: {}", note.tool, note.why);
    }
}

/// The skills of the projects and plugins the reports' agents are in (`.claude/skills/`, a
/// plugin's `skills/`), checked
/// as `check` does, for the agents that use them when the skills were not among the paths
/// given.
pub(crate) fn project_skills(
    reports: &[lint::FileReport],
    config: &crate::config::Config,
) -> Vec<lint::FileReport> {
    let mut folders: Vec<std::path::PathBuf> = reports
        .iter()
        .filter(|r| r.spec.as_ref().is_some_and(|s| !s.skill_refs.is_empty()))
        .flat_map(|r| crate::dialect::skill_roots(&r.path))
        .filter(|d| d.is_dir())
        .collect();
    folders.sort();
    folders.dedup();
    if folders.is_empty() {
        return Vec::new();
    }
    let (candidates, _) = discover::discover(&folders, false);
    let known: std::collections::BTreeSet<&std::path::Path> =
        reports.iter().map(|r| r.path.as_path()).collect();
    let candidates = candidates
        .into_iter()
        .filter(|c| !known.contains(c.path.as_path()))
        .collect();
    lint::check_inputs(discover::read_all(candidates), config)
}

/// The skills among the reports that Claude Code loads, by the name it gives them (the
/// folder's), for the agents that use them.
pub(crate) fn skills_found<'a>(
    reports: &'a [lint::FileReport],
    project_skills: &'a [lint::FileReport],
) -> Vec<crate::compile::SkillUnit<'a>> {
    reports
        .iter()
        .chain(project_skills)
        .filter_map(|r| {
            let spec = r.spec.as_ref()?;
            if spec.role.family != crate::dialect::Family::Skill || !spec.load.loads() {
                return None;
            }
            let name = r.path.parent()?.file_name()?.to_string_lossy().into_owned();
            Some(crate::compile::SkillUnit {
                name,
                spec,
                source: &r.source,
                path: crate::cli::relative_display(&r.path),
                tree: r.path.parent()?.parent()?.to_path_buf(),
            })
        })
        .collect()
}

/// A compiled bundle: per agent, each Definition-of-Done item with how the runner checks it
/// and whether the agent may answer it `n/a`.
fn inspect_bundle(dir: &std::path::Path, format: ListFormat) -> ExitCode {
    let bundle = match crate::policy::Bundle::load(dir) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    let text = match format {
        ListFormat::Human => bundle
            .agents
            .values()
            .map(|p| {
                format!(
                    "{} (bundle {})\n{}",
                    p.name,
                    dir.display(),
                    done_checks_human(p)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ListFormat::Json => {
            let agents: Vec<serde_json::Value> = bundle
                .agents
                .values()
                .map(|p| {
                    let done: Vec<serde_json::Value> = p
                        .done
                        .iter()
                        .map(|d| {
                            serde_json::json!({
                                "id": d.id,
                                "group": d.group,
                                "text": d.text,
                                "checked_by": crate::policy::decide::how_checked(p, d),
                                "may_be_not_applicable": d.may_be_not_applicable(),
                            })
                        })
                        .collect();
                    serde_json::json!({"agent": p.name, "done": done})
                })
                .collect();
            serde_json::to_string_pretty(&agents).unwrap_or_default() + "\n"
        }
    };
    if print(&text) == Status::Failure {
        return Status::Failure.into();
    }
    Status::Clean.into()
}

/// How the runner will check each Definition-of-Done item, as `build` compiles it with this
/// configuration.
fn done_checks_human(policy: &crate::policy::AgentPolicy) -> String {
    use crate::policy::Verify;
    use std::fmt::Write;
    let mut s = String::new();
    if policy.done.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "\nHow the runner checks each item (agentspec.toml [done])"
    );
    for item in &policy.done {
        let mut how = crate::policy::decide::how_checked(policy, item);
        if item.verify == Verify::Attest
            && !item.thresholds.is_empty()
            && item.text.to_lowercase().contains("coverage")
        {
            how.push_str(
                " (a coverage report could check it: [done] test, [done.reports] coverage)",
            );
        }
        if item.verify != Verify::Attest {
            how.push_str("; must be met (no n/a)");
        }
        let _ = writeln!(s, "  {}: {how}", item.id);
    }
    s
}

/// The skills an agent uses: which were found and compiled into its policy, the protocol taken
/// from one, and the references that name no skill found.
fn skills_human(
    spec: &crate::model::AgentSpec,
    path: &std::path::Path,
    found: &[crate::compile::SkillUnit],
    policy: &crate::policy::AgentPolicy,
) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if spec.skill_refs.is_empty() {
        return s;
    }
    let _ = writeln!(s, "\nSkills the agent uses");
    for r in &spec.skill_refs {
        let how = if r.preload {
            "preloaded (`skills:`)"
        } else {
            "named in the body"
        };
        match crate::compile::resolve(r, path, found) {
            Some(k) => {
                let _ = writeln!(
                    s,
                    "  {}: {how}, {} (compiled into the policy)",
                    r.name, k.path
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  {}: {how}; no such skill was found, so its protocol is not compiled",
                    r.name
                );
            }
        }
    }
    if let Some(machine) = &policy.protocol
        && let Some(skill) = &machine.skill
    {
        let _ = writeln!(
            s,
            "\nProtocol from the skill `{skill}`: {} ({} steps)",
            machine.title,
            machine.states.len()
        );
        for state in &machine.states {
            let token = state
                .token
                .as_ref()
                .map(|t| format!(" token={t}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  {:>2}. {:<17} {}{token}",
                state.step, state.kind, state.lead
            );
        }
        for gate in &machine.gates {
            let _ = writeln!(
                s,
                "  gate: {} needs {}",
                gate_action(&gate.action),
                gate.requires
            );
        }
    }
    let from_skills: Vec<&crate::policy::DoneRequirement> =
        policy.done.iter().filter(|d| d.skill.is_some()).collect();
    if !from_skills.is_empty() {
        let _ = writeln!(s, "\nDefinition of Done from skills");
        for item in from_skills {
            let _ = writeln!(
                s,
                "  {} ({}): {}",
                item.id,
                item.skill.as_deref().unwrap_or(""),
                item.text
            );
        }
    }
    s
}

/// A gate's action in a few words.
fn gate_action(action: &crate::policy::GateAction) -> String {
    use crate::policy::GateAction;
    match action {
        GateAction::Git { operation } => format!("git {}", operation.as_str()),
        GateAction::Tool { rule } => format!("the tool `{}`", rule.to_rule_string()),
        GateAction::Stop => "finishing the task".to_owned(),
    }
}

fn inspect_human(i: &crate::model::inspect::Inspection) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "{}", i.path);
    let path = std::path::Path::new(&i.path);
    let family = crate::dialect::of_path(path).family;
    let host = crate::dialect::of_path(path).host;
    match (&i.agent, &i.skipped_because) {
        (Some(_), _) if family == crate::dialect::Family::Skill => {
            let folder = path
                .parent()
                .and_then(std::path::Path::file_name)
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let _ = writeln!(s, "  loads as skill `{folder}` (its folder's name)");
        }
        (Some(_), _) if family == crate::dialect::Family::Command => {
            let _ = writeln!(s, "  loads as a slash command");
        }
        (Some(agent), _) => {
            let _ = writeln!(s, "  loads as agent `{agent}`");
        }
        (None, Some(why)) => {
            let _ = writeln!(s, "  does not load: {why}");
        }
        (None, None) => {}
    }
    if i.loads {
        let _ = writeln!(s, "\nFrontmatter");
    } else {
        let _ = writeln!(
            s,
            "\nFrontmatter (what agentspec made of it; {host} skips the file)"
        );
    }
    for f in &i.frontmatter {
        let mut value = f.value.to_string();
        if value.chars().count() > 80 {
            value = value.chars().take(77).collect::<String>() + "...";
        }
        let unknown = if f.known {
            String::new()
        } else {
            format!("   (not read by {host})")
        };
        let _ = writeln!(s, "  {}: {value}{unknown}", f.key);
    }
    let _ = writeln!(s, "\nTools");
    let t = &i.tools;
    if !i.loads {
        let _ = writeln!(s, "  none: {host} does not load the agent");
    } else {
        if t.inherits_all {
            let _ = writeln!(s, "  every tool of the session");
        }
        if !t.allowed.is_empty() {
            let _ = writeln!(s, "  allowed:    {}", t.allowed.join(", "));
        }
        if !t.removed.is_empty() {
            let _ = writeln!(s, "  removed:    {}", t.removed.join(", "));
        }
        if !t.unresolved.is_empty() {
            let _ = writeln!(s, "  unresolved: {}", t.unresolved.join(", "));
        }
        if !t.inherits_all && t.allowed.is_empty() {
            let _ = writeln!(s, "  none");
        }
        if let Some(g) = &i.granted {
            grants_human(&mut s, g);
        }
    }
    for p in &i.protocols {
        let _ = writeln!(s, "\nProtocol: {} ({} steps)", p.title, p.steps.len());
        for step in &p.steps {
            let mut extra = String::new();
            if let Some(token) = &step.token {
                let _ = write!(extra, " token={token}");
            }
            if let Some(to) = step.returns_to {
                let _ = write!(extra, " returns-to={to}");
            }
            let _ = writeln!(
                s,
                "  {:>2}. {:<17} {}{extra}",
                step.number,
                step.kind.as_str(),
                step.lead
            );
        }
    }
    for d in &i.definitions_of_done {
        let items: usize = d.groups.iter().map(|g| g.items.len()).sum();
        let _ = writeln!(
            s,
            "\nDefinition of Done: {} ({} groups, {items} items)",
            d.title,
            d.groups.len()
        );
        for g in &d.groups {
            let _ = writeln!(s, "  {}", g.name.as_deref().unwrap_or("(ungrouped)"));
            for item in &g.items {
                let box_ = match item.checked {
                    Some(true) => "[x] ",
                    Some(false) => "[ ] ",
                    None => "",
                };
                let thresholds: Vec<String> = item
                    .thresholds
                    .iter()
                    .map(|t| {
                        let op = serde_json::to_value(t.comparison)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        format!(
                            "{} {op} {}{}",
                            t.metric.as_deref().unwrap_or("?"),
                            t.value,
                            t.unit.as_deref().unwrap_or("")
                        )
                    })
                    .collect();
                let th = if thresholds.is_empty() {
                    String::new()
                } else {
                    format!("   [{}]", thresholds.join("; "))
                };
                let _ = writeln!(s, "    - {box_}{}{th}", item.text);
            }
        }
    }
    if i.protocols.is_empty() {
        let _ = writeln!(s, "\nNo protocol found.");
    }
    if i.definitions_of_done.is_empty() {
        let _ = writeln!(s, "No Definition of Done found.");
    }
    s
}
