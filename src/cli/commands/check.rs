//! `agentspec check`.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::batch::{self, Job};
use crate::cache::Cache;
use crate::cli::args::{CheckArgs, Format};
use crate::cli::{Status, config_for, print};
use crate::config::Config;
use crate::discover;
use crate::lint::{self, Input};
use crate::render;
use crate::rules;

/// Whether discovery found a file to check: an agent, skill or command where the host reads
/// them, a settings file, or a file elsewhere whose opening says what it is.
fn holds_an_agent(candidates: &[discover::Candidate]) -> bool {
    candidates.iter().any(|c| {
        !c.needs_name
            || crate::fsutil::read_regular(&c.path)
                .is_ok_and(|bytes| discover::keeps(&c.path, &bytes))
    })
}

fn load_config(args: &CheckArgs) -> Result<Config, String> {
    let start = args
        .stdin_filename
        .clone()
        .or_else(|| args.paths.first().cloned())
        .unwrap_or_else(|| PathBuf::from("."));
    let mut config = config_for(
        args.config.as_deref(),
        args.isolated,
        &start,
        args.claude_code.as_ref(),
    )?;
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
    let use_cache = !args.no_cache && args.stdin_filename.is_none();
    let cache_dir = Cache::dir_for(args.cache_dir.as_deref(), config.path.as_deref());
    // The pack is read beside the walk: both take a while on a large tree, and reading the
    // pack is one thread's work.
    let opening = use_cache.then(|| {
        let dir = cache_dir.clone();
        std::thread::spawn(move || Cache::open(&dir))
    });
    let jobs = if let Some(path) = &args.stdin_filename {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("agentspec: cannot read standard input: {e}");
            return Status::Failure.into();
        }
        let candidate = discover::discover(std::slice::from_ref(path), false).0;
        let (plugin, tree) = candidate
            .first()
            .map_or((false, None), |c| (c.plugin, c.tree.clone()));
        vec![Job::Given(Input {
            path: path.clone(),
            content: Ok(bytes),
            plugin,
            tree,
        })]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        // A path that is not there is a mistake in the command, as clap reports one: exit 2,
        // nothing checked (a file that is there but unreadable is a finding, AS000).
        if let Some(missing) = paths.iter().find(|p| {
            std::fs::symlink_metadata(p).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        }) {
            eprintln!(
                "error: the path '{}' does not exist\n\nUsage: agentspec check [OPTIONS] [PATHS]...\n\nFor more information, try '--help'.",
                missing.display()
            );
            return Status::Failure.into();
        }
        let (candidates, walk_errors) = if use_cache {
            crate::cache::discover(&cache_dir, &paths, args.only_agent_files)
        } else {
            discover::discover(&paths, args.only_agent_files)
        };
        // What `exclude` leaves out, unless named on the command line (and not for pre-commit).
        let candidates: Vec<discover::Candidate> = candidates
            .into_iter()
            .filter(|c| {
                !config.excludes(&c.path)
                    || (!args.only_agent_files && args.paths.contains(&c.path))
            })
            .collect();
        for e in &walk_errors {
            eprintln!("agentspec: {}: {}", e.path.display(), e.message);
        }
        if !args.paths.is_empty()
            && walk_errors.is_empty()
            && args.paths.iter().all(|p| p.is_dir())
            && !holds_an_agent(&candidates)
        {
            // Folders given on purpose that hold nothing agentspec checks: not a pass.
            let listed = args
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            eprintln!(
                "agentspec: nothing to check in {listed}: agentspec checks agents (the Markdown files of `.claude/agents/` and other `agents/` folders, and Markdown files whose frontmatter has a `name:` key), skills (`SKILL.md`, and Markdown files in `skills/` folders that look like skills), slash commands (the Markdown files of `commands/` folders) and Claude Code's settings files"
            );
            return Status::Failure.into();
        }
        candidates
            .into_iter()
            .map(|c| Job::Read {
                path: c.path,
                plugin: c.plugin,
                tree: c.tree,
                needs_name: c.needs_name,
            })
            .collect()
    };
    let mut status = Status::Clean;
    let jobs = if args.fix || args.diff {
        // Fixing needs every file's content in memory, as it checks each file until no fix
        // applies; the report that follows is about the fixed content.
        let mut inputs = lint::on_pool(|| read_jobs(jobs));
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
        inputs.into_iter().map(Job::Given).collect()
    } else {
        jobs
    };
    let cache = opening.map(|opening| opening.join().unwrap_or_else(|_| Cache::open(&cache_dir)));
    let format = format(&args);
    let parts = batch::check_streamed(jobs, &config, cache.as_ref(), &|report| {
        render::stream::part(&format, report)
    });
    if let Some(cache) = cache {
        let pack = cache.pack_path().to_path_buf();
        if let Err(e) = cache.save() {
            eprintln!(
                "agentspec: cannot write the cache {}: {e} (use --no-cache or --cache-dir)",
                pack.display()
            );
        }
    }
    let tally = match write_report(&args, &format, &parts, &config.claude_code) {
        Ok(tally) => tally,
        Err(message) => {
            eprintln!("agentspec: {message}");
            return Status::Failure.into();
        }
    };
    let summary = tally.summary;
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

/// Reads every job's file (in parallel), keeping job order.
fn read_jobs(jobs: Vec<Job>) -> Vec<Input> {
    use rayon::prelude::*;
    jobs.into_par_iter().filter_map(Job::into_input).collect()
}

/// Writes the report to standard output, or atomically to `--output-file`; nothing with
/// `--silent`. Returns the totals.
fn write_report(
    args: &CheckArgs,
    format: &render::stream::Format,
    parts: &[render::stream::Part],
    target: &crate::release::Target,
) -> Result<render::stream::Tally, String> {
    if args.silent {
        return render::stream::write(format, parts, target, &mut std::io::sink())
            .map_err(|e| e.to_string());
    }
    match &args.output_file {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let written =
                render::stream::write(format, parts, target, &mut out).and_then(|tally| {
                    out.flush()?;
                    Ok(tally)
                });
            match written {
                Ok(tally) => Ok(tally),
                // A closed pipe (`| head`) ends the output, not the check.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    render::stream::write(format, parts, target, &mut std::io::sink())
                        .map_err(|e| e.to_string())
                }
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
        Some(file) => {
            let mut bytes = Vec::new();
            let tally = render::stream::write(format, parts, target, &mut bytes)
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            match crate::cli::emit_to(&bytes, file) {
                Status::Failure => Err(format!("cannot write {}", file.display())),
                _ => Ok(tally),
            }
        }
    }
}

/// The output format the arguments ask for.
fn format(args: &CheckArgs) -> render::stream::Format {
    use render::stream::Format as F;
    if args.statistics {
        return F::Statistics {
            json: matches!(args.format, Format::Json),
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
            F::Human {
                style,
                quiet: args.quiet,
            }
        }
        Format::Concise => F::Concise,
        Format::Json => F::Json,
        Format::Sarif => F::Sarif(render::Root::detect()),
        Format::Github => F::Github(render::Root::detect()),
        Format::Junit => F::Junit,
        Format::Gitlab => F::Gitlab(render::Root::detect()),
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
