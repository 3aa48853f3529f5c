//! `agentspec check`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::args::{CheckArgs, Format};
use crate::cli::{Status, config_for, emit, print};
use crate::config::Config;
use crate::diagnostics::render::{self, Summary};
use crate::discover;
use crate::lint::{self, Input};
use crate::rules;

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    let start = args
        .stdin_filename
        .clone()
        .or_else(|| args.paths.first().cloned())
        .unwrap_or_else(|| PathBuf::from("."));
    let mut config = config_for(args.config.as_deref(), args.isolated, &start)?;
    for s in args.select.iter().flatten().chain(&args.ignore) {
        if !rules::is_valid_selector(s) {
            let hint = rules::suggest_selector(s)
                .map(|x| format!("; did you mean `{x}`?"))
                .unwrap_or_default();
            return Err(format!("unknown rule `{s}`{hint}"));
        }
    }
    config.cli_select.clone_from(&args.select);
    config.cli_ignore.clone_from(&args.ignore);
    if let Some(target) = &args.claude_code {
        config.claude_code = target.clone();
    }
    Ok(config)
}

pub(crate) fn check(args: CheckArgs) -> ExitCode {
    let config = match load_config(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("agentspec: {message}");
            return Status::Failure.into();
        }
    };
    let mut inputs = if let Some(path) = &args.stdin_filename {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("agentspec: cannot read standard input: {e}");
            return Status::Failure.into();
        }
        let candidate = discover::discover(std::slice::from_ref(path), false).0;
        let (plugin, tree) = candidate
            .first()
            .map_or((false, None), |c| (c.plugin, c.tree.clone()));
        vec![Input {
            path: path.clone(),
            content: Ok(bytes),
            plugin,
            tree,
        }]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let (candidates, walk_errors) = discover::discover(&paths, args.only_agent_files);
        for e in &walk_errors {
            eprintln!("agentspec: {}: {}", e.path.display(), e.message);
        }
        discover::read_all(candidates)
    };
    let mut status = Status::Clean;
    if args.fix || args.diff {
        match apply_fixes(&args, &mut inputs, &config) {
            Ok(changed) => {
                if args.diff && changed {
                    status = Status::Problems;
                }
            }
            Err(failure) => status = failure,
        }
        if args.diff || (args.fix && args.stdin_filename.is_some()) {
            // The diff, or the fixed document, is the output.
            return status.into();
        }
    }
    let reports = lint::check_inputs(inputs, &config);
    let text = report_text(&args, &reports);
    if !args.silent && emit(&text, args.output_file.as_deref()) == Status::Failure {
        return Status::Failure.into();
    }
    let summary = Summary::of(&reports);
    let too_many_warnings = (args.strict && summary.warnings > 0)
        || args.max_warnings.is_some_and(|max| summary.warnings > max);
    if status == Status::Failure {
        status.into()
    } else if summary.errors > 0 || too_many_warnings {
        Status::Problems.into()
    } else {
        Status::Clean.into()
    }
}

/// The report in the chosen format (or the statistics).
fn report_text(args: &CheckArgs, reports: &[lint::FileReport]) -> String {
    if args.statistics {
        let stats = render::statistics(reports);
        return match args.format {
            Format::Json => render::statistics_json(&stats),
            _ => render::statistics_human(&stats),
        };
    }
    match args.format {
        Format::Human => {
            let terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
            let style = render::Style {
                color: !args.no_color && terminal && std::env::var_os("NO_COLOR").is_none(),
                width: if terminal {
                    terminal_size::terminal_size().map_or(render::Style::PLAIN.width, |(w, _)| {
                        usize::from(w.0).max(40)
                    })
                } else {
                    render::Style::PLAIN.width
                },
            };
            if args.quiet {
                render::human_diagnostics(reports, style)
            } else {
                render::human(reports, style)
            }
        }
        Format::Concise => render::concise(reports),
        Format::Json => render::json(reports),
        Format::Sarif => render::sarif(reports, &render::Root::detect()),
        Format::Github => render::github(reports, &render::Root::detect()),
        Format::Junit => render::junit(reports),
        Format::Gitlab => render::gitlab(reports, &render::Root::detect()),
    }
}

/// `--fix` and `--diff`: fixes every readable input, then writes the changes (`--fix`), prints
/// them as a diff (`--diff`) or prints the fixed document (`--fix` with `--stdin-filename`).
/// Inputs get their fixed content, so the report that follows is about what remains. Returns
/// whether anything changed.
fn apply_fixes(args: &CheckArgs, inputs: &mut [Input], config: &Config) -> Result<bool, Status> {
    use rayon::prelude::*;
    let unsafe_fixes = args.unsafe_fixes;
    let results: Vec<Option<crate::fix::Fixed>> = lint::on_pool(|| {
        inputs
            .par_iter()
            .map(|input| {
                let bytes = input.content.as_ref().ok()?;
                // Never rewrite a file agentspec cannot read exactly: binary or invalid UTF-8.
                if bytes.contains(&0) {
                    return None;
                }
                let text = std::str::from_utf8(bytes).ok()?;
                Some(crate::fix::fix_text(
                    &input.path,
                    text,
                    input.plugin,
                    config,
                    unsafe_fixes,
                ))
            })
            .collect()
    });
    let mut diff = String::new();
    let mut changed_files = 0;
    let mut fixed_total = 0;
    let mut failure = false;
    for (input, fixed) in inputs.iter_mut().zip(results) {
        let Some(fixed) = fixed else {
            if args.stdin_filename.is_some()
                && let Ok(bytes) = &input.content
            {
                // Standard input that cannot be fixed goes back unchanged.
                let _ = std::io::stdout().write_all(bytes);
            }
            continue;
        };
        let original = match &input.content {
            Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Err(_) => continue,
        };
        if !fixed.refused.is_empty() && !args.quiet && !args.silent {
            eprintln!(
                "agentspec: {}: left out fixes for {} (they would make the file parse worse)",
                render::display_path(&input.path),
                fixed.refused.join(", ")
            );
        }
        if args.stdin_filename.is_some() && args.fix {
            let _ = print(&fixed.text);
            continue;
        }
        if !fixed.changed(&original) {
            continue;
        }
        changed_files += 1;
        fixed_total += fixed.count();
        let path = render::display_path(&input.path);
        if args.diff {
            diff.push_str(&crate::fix::unified_diff(&path, &original, &fixed.text));
            continue;
        }
        match write_fixed(&input.path, &original, &fixed.text) {
            Ok(()) => {
                if !args.quiet && !args.silent {
                    let codes: Vec<String> = fixed
                        .fixed
                        .iter()
                        .map(|(code, n)| format!("{code} x{n}"))
                        .collect();
                    eprintln!("agentspec: fixed {path}: {}", codes.join(", "));
                }
                input.content = Ok(fixed.text.into_bytes());
            }
            Err(e) => {
                eprintln!("agentspec: cannot write the fixes of {path}: {e}");
                failure = true;
            }
        }
    }
    if args.diff && !args.silent {
        let _ = print(&diff);
    }
    if !args.quiet && !args.silent && args.stdin_filename.is_none() {
        let verb = if args.diff { "Would fix" } else { "Fixed" };
        eprintln!(
            "agentspec: {verb} {} in {}.",
            render::plural(fixed_total, "problem"),
            render::plural(changed_files, "file")
        );
    }
    if failure {
        Err(Status::Failure)
    } else {
        Ok(changed_files > 0)
    }
}

/// Writes a fixed file atomically, unless it is read-only or changed on disk since it was read.
fn write_fixed(path: &std::path::Path, original: &str, fixed: &str) -> std::io::Result<()> {
    if std::fs::metadata(path)?.permissions().readonly() {
        return Err(std::io::Error::other(
            "the file is read-only; it was left alone",
        ));
    }
    let now = std::fs::read(path)?;
    if now != original.as_bytes() {
        return Err(std::io::Error::other(
            "the file changed since it was read; it was left alone",
        ));
    }
    crate::fsutil::write_atomic(path, fixed.as_bytes(), crate::fsutil::Durability::Synced)
}
