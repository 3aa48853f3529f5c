//! `agentspec build`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::args::BuildArgs;
use crate::cli::{Status, config_for, relative_display};
use crate::config::Config;
use crate::discover;
use crate::lint;
use crate::render;

/// What `build` takes from the configuration.
pub(crate) fn build_options(config: &Config, bundle_dir: String) -> crate::compile::Options {
    crate::compile::Options {
        done_commands: config.options.done.commands.clone(),
        done_required: config.options.done.required_items(),
        done_checks: crate::policy::DoneChecks {
            test: config.options.done.test.clone(),
            timeout_secs: config
                .options
                .done
                .timeout
                .unwrap_or(crate::policy::DEFAULT_CHECK_TIMEOUT),
            junit: config.options.done.reports.junit.clone(),
            coverage: config.options.done.reports.coverage.clone(),
        },
        bundle_dir,
        releases: config.claude_code.releases().to_vec(),
        known_tools: config.options.known.tools.clone(),
    }
}

pub(crate) fn build(args: &BuildArgs) -> ExitCode {
    let start = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = match config_for(
        args.config.as_deref(),
        args.isolated,
        &start,
        args.claude_code.as_ref(),
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("agentspec: {e}");
            return Status::Failure.into();
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (candidates, _) = discover::discover(&paths, false);
    // Agents only: settings files are `check`'s and `doctor`'s business, not the bundle's.
    let candidates = candidates
        .into_iter()
        .filter(|c| !crate::model::settings::is_settings_file(&c.path))
        .filter(|c| !config.excludes(&c.path) || args.paths.contains(&c.path))
        .collect();
    let reports = lint::check_inputs(discover::read_all(candidates), &config);
    let broken: Vec<&lint::FileReport> = reports
        .iter()
        .filter(|r| r.count(crate::diagnostics::Severity::Error) > 0)
        .collect();
    if !broken.is_empty() {
        let errors: Vec<lint::FileReport> = broken
            .iter()
            .map(|r| {
                let mut r = (*r).clone();
                r.diagnostics
                    .retain(|d| d.severity == crate::diagnostics::Severity::Error);
                r
            })
            .collect();
        eprint!("{}", render::concise(&errors));
        let files = render::plural(broken.len(), "file");
        let have = if broken.len() == 1 { "has" } else { "have" };
        if !args.keep_going {
            if args.check {
                eprintln!(
                    "agentspec: cannot check {} against the agents: {files} {have} errors (fix them; --keep-going compares the agents without errors)",
                    args.output.display()
                );
            } else {
                eprintln!(
                    "agentspec: not building: {files} {have} errors (--keep-going builds the others)"
                );
            }
            return Status::Problems.into();
        }
    }
    let project_skills = crate::cli::commands::inspect::project_skills(&reports, &config);
    let skills = crate::cli::commands::inspect::skills_found(&reports, &project_skills);
    let mut names = std::collections::BTreeMap::new();
    let mut units = Vec::new();
    for report in &reports {
        let Some(spec) = report.spec.as_ref() else {
            continue;
        };
        if spec.role.family != crate::dialect::Family::Agent {
            continue;
        }
        if report.count(crate::diagnostics::Severity::Error) > 0
            || spec.load != crate::model::Load::Loads
        {
            continue;
        }
        let Some(name) = spec.name.as_ref().map(|n| n.value.clone()) else {
            continue;
        };
        let path = relative_display(&report.path);
        if let Some(first) = names.get(&name) {
            eprintln!("agentspec: skipping {path}: agent `{name}` is already built from {first}");
            continue;
        }
        names.insert(name, path.clone());
        let unit = crate::compile::Unit {
            spec,
            source: &report.source,
            path,
            skills: crate::compile::skills_of(spec, &report.path, &skills),
        };
        for conflict in crate::compile::protocol_conflicts(&unit) {
            eprintln!("agentspec: warning: {}: {conflict}", unit.path);
        }
        for reference in &spec.skill_refs {
            if crate::compile::resolve(reference, &report.path, &skills).is_none() {
                eprintln!(
                    "agentspec: warning: {}: no skill `{}` was found; what it says is not compiled into the policy",
                    unit.path, reference.name
                );
            }
        }
        units.push(unit);
    }
    let options = build_options(&config, render::display_path(&args.output));
    let bundle = crate::compile::build(&units, &options);
    let status = if broken.is_empty() {
        Status::Clean
    } else {
        Status::Problems
    };
    if args.check {
        let diffs = crate::compile::differences(&args.output, &bundle);
        let out = args.output.display();
        if diffs.is_empty() && broken.is_empty() {
            eprintln!("agentspec: {out} is up to date");
            return Status::Clean.into();
        }
        for d in &diffs {
            eprintln!("agentspec: {out}: {d}");
        }
        let stale: Vec<&str> = diffs
            .iter()
            .filter_map(|d| d.strip_prefix("agents/"))
            .filter_map(|d| d.split(".json").next())
            .collect();
        if !diffs.is_empty() {
            let which = if stale.is_empty() {
                String::new()
            } else {
                format!(" (agents: {})", stale.join(", "))
            };
            let output = if args.output == std::path::Path::new(".agentspec/bundle") {
                String::new()
            } else {
                format!(" -o {}", args.output.display())
            };
            eprintln!(
                "agentspec: the bundle is stale{which}; run `agentspec build{output}` to update it"
            );
        }
        if !broken.is_empty() {
            let note = if diffs.is_empty() {
                format!("; {out} matches the agents without errors")
            } else {
                String::new()
            };
            eprintln!(
                "agentspec: {} with errors {} left out of the comparison{note}",
                render::plural(broken.len(), "file"),
                if broken.len() == 1 { "was" } else { "were" },
            );
        }
        return Status::Problems.into();
    }
    if let Err(e) = crate::compile::write_atomically(&args.output, &bundle) {
        eprintln!("agentspec: cannot write {}: {e}", args.output.display());
        return Status::Failure.into();
    }
    let revision = bundle
        .files
        .get("manifest.json")
        .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        .and_then(|m| {
            m["revision"]
                .as_str()
                .map(|r| r.chars().take(12).collect::<String>())
        })
        .unwrap_or_default();
    eprintln!(
        "agentspec: built {} into {} (revision {revision})",
        render::plural(units.len(), "agent"),
        args.output.display()
    );
    for note in crate::compile::check_notes(&bundle, &options.done_checks, &options.done_required) {
        eprintln!("agentspec: note: {note}");
    }
    status.into()
}
