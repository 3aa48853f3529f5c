//! The streamed multi-file run of `agentspec check`: every file checked on the checking pool
//! and rendered as soon as its report is final, the cross-file rules over what each file left
//! behind, and the content cache. It sits above [`lint`](crate::lint), which checks one file and
//! knows neither the cache nor the renderers (as ruff keeps its cache out of its linter).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::lint::{
    Checked, Facts, FileReport, Input, Raw, check_one, finish, hash, on_pool, project_diagnostics,
    unreadable,
};
use crate::rules::FileSettings;
use crate::source::SourceFile;

/// A file for [`check_streamed`]: read from disk by the checking pool, or given.
#[derive(Debug)]
pub enum Job {
    /// Read from disk; with `needs_name`, kept only if its opening says it is a file to check
    /// (`discover::keeps`).
    Read {
        path: PathBuf,
        plugin: bool,
        tree: Option<PathBuf>,
        needs_name: bool,
    },
    /// Content already in memory (standard input, fixed files).
    Given(Input),
}

impl Job {
    /// The job's input, read if needed; `None` for a file that turns out not to be an agent.
    pub fn into_input(self) -> Option<Input> {
        match self {
            Job::Given(input) => Some(input),
            read => read.input(),
        }
    }

    fn input(&self) -> Option<Input> {
        match self {
            Job::Read {
                path,
                plugin,
                tree,
                needs_name,
            } => {
                let input = Input::read(path.clone(), *plugin, tree.clone());
                let keep = !needs_name
                    || input
                        .content
                        .as_deref()
                        .is_ok_and(|bytes| crate::discover::keeps(path, bytes));
                keep.then_some(input)
            }
            Job::Given(input) => Some(input.clone()),
        }
    }
}

/// A file a cross-file rule reported on, to finish again with that rule's findings.
struct Redo<'j> {
    index: usize,
    job: &'j Job,
    first_hash: u128,
    raw: Option<Raw>,
    diagnostics: Vec<Diagnostic>,
}

/// Settings resolved for one set of matching overrides, with their fingerprint.
type Shared = (Arc<FileSettings>, u128);

/// One file's outcome in [`check_streamed`] until the cross-file rules have run.
struct Held<T> {
    facts: Facts,
    output: T,
    /// Hash of the content checked, to tell whether a second read sees the same file.
    hash: u128,
    /// What finishing the file again needs, kept only for a file a cross-file rule may report
    /// on (an agent with a name that loads).
    raw: Option<Raw>,
}

/// Checks every job on the checking pool and turns each file's final report into `render`'s
/// output as soon as the file is checked, so that a run holds per file only its [`Facts`] and
/// its output, never its text or model. The cross-file rules then run over the facts; the few
/// files they report on are read and checked again (a file that changed in between is reported
/// as unreadable rather than with stale positions) and rendered anew. Outputs keep job order;
/// jobs filtered out (files outside agents folders without `name:`) give none.
///
/// With a cache, a file whose content, path and settings match an entry is not checked again:
/// its report is rebuilt from the entry and its text.
pub fn check_streamed<T: Send>(
    jobs: Vec<Job>,
    config: &Config,
    cache: Option<&crate::cache::Cache>,
    render: &(dyn Fn(&FileReport) -> T + Sync),
) -> Vec<T> {
    let settings = Resolved::new(config);
    let config = &settings;
    on_pool(|| {
        let mut held: Vec<(usize, Held<T>)> = jobs
            .par_iter()
            .enumerate()
            .filter_map(|(i, job)| Some((i, first_pass(job, config, cache, render)?)))
            .collect();
        let facts: Vec<&Facts> = held.iter().map(|(_, h)| &h.facts).collect();
        let mut found: std::collections::BTreeMap<usize, Vec<Diagnostic>> = Default::default();
        for (i, diag) in project_diagnostics(&facts) {
            found.entry(i).or_default().push(diag);
        }
        let redo: Vec<Redo> = found
            .into_iter()
            .filter_map(|(i, diagnostics)| {
                let (j, h) = held.get_mut(i)?;
                Some(Redo {
                    index: i,
                    job: &jobs[*j],
                    first_hash: h.hash,
                    raw: h.raw.take(),
                    diagnostics,
                })
            })
            .collect();
        let redone: Vec<(usize, T)> = redo
            .into_par_iter()
            .map(|redo| {
                let Redo {
                    index: i,
                    job,
                    first_hash,
                    raw,
                    diagnostics,
                } = redo;
                let changed = |path: PathBuf, tree: Option<PathBuf>, settings| {
                    let message = "the file changed while it was being checked; check it again";
                    render(&finish(unreadable(
                        path,
                        tree,
                        settings,
                        message.to_owned(),
                    )))
                };
                let Some(input) = job.input() else {
                    // Read again, it is no longer an agent (it lost its `name:`).
                    let (path, tree) = match job {
                        Job::Read { path, tree, .. } => (path.clone(), tree.clone()),
                        Job::Given(input) => (input.path.clone(), input.tree.clone()),
                    };
                    let (settings, _) = config.for_path(&path);
                    return (i, changed(path, tree, settings));
                };
                let (settings, _) = config.for_path(&input.path);
                let same = input
                    .content
                    .as_deref()
                    .is_ok_and(|b| hash(b) == first_hash);
                let mut checked = match (same, raw, input.content) {
                    (true, Some(raw), Ok(bytes)) => Checked::from_raw(
                        SourceFile::from_bytes(input.path, bytes),
                        settings,
                        input.tree,
                        raw,
                    ),
                    (true, None, content) => check_one(Input { content, ..input }, settings),
                    (_, _, _) => return (i, changed(input.path, input.tree, settings)),
                };
                checked.diagnostics.extend(diagnostics);
                (i, render(&finish(checked)))
            })
            .collect();
        for (i, output) in redone {
            if let Some((_, h)) = held.get_mut(i) {
                h.output = output;
            }
        }
        held.into_iter().map(|(_, h)| h.output).collect()
    })
}

/// The settings of each distinct set of matching overrides, resolved once per run (with their
/// fingerprint for the cache), so that files share them and what they build on first use.
struct Resolved<'c> {
    config: &'c Config,
    memo: std::sync::Mutex<std::collections::HashMap<Vec<usize>, Shared>>,
}

impl<'c> Resolved<'c> {
    fn new(config: &'c Config) -> Resolved<'c> {
        Resolved {
            config,
            memo: Default::default(),
        }
    }

    fn for_path(&self, path: &Path) -> Shared {
        let matched = self.config.overrides_for(path);
        if let Ok(memo) = self.memo.lock()
            && let Some(found) = memo.get(&matched)
        {
            return found.clone();
        }
        let settings = Arc::new(self.config.for_overrides(&matched));
        let resolved = (settings.clone(), settings.fingerprint());
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert(matched, resolved.clone());
        }
        resolved
    }
}

/// Checks one job, or rebuilds its report from the cache; `None` for a job filtered out.
fn first_pass<T>(
    job: &Job,
    config: &Resolved,
    cache: Option<&crate::cache::Cache>,
    render: &(dyn Fn(&FileReport) -> T + Sync),
) -> Option<Held<T>> {
    let path = match job {
        Job::Read { path, .. } => path,
        Job::Given(input) => &input.path,
    };
    let (settings, fingerprint) = config.for_path(path);
    // What is found in a skill, a command or a configuration file depends on other files too
    // (where it sits among them, the files it links to, the scripts its hooks run): their
    // findings are not cached, only agents' are, whose findings come from their content.
    let cache =
        cache.filter(|_| crate::dialect::of_path(path).family == crate::dialect::Family::Agent);
    // The file's signature before it is read (and the time before that): what a later run may
    // trust instead of reading it.
    let recorded_ns = crate::cache::now_ns();
    let stat = match (cache, job) {
        (Some(_), Job::Read { path, .. }) => crate::cache::Stat::of(path),
        _ => None,
    };
    if let (
        Some(cache),
        Some(stat),
        Job::Read {
            path,
            plugin,
            tree,
            needs_name,
        },
    ) = (cache, &stat, job)
        && let Some(hit) = cache.by_stat(
            path,
            *plugin,
            tree.as_deref(),
            stat,
            (&settings, fingerprint),
        )
    {
        if *needs_name && !hit.named {
            // Found outside an agents folder, and its content has no `name:`: not an agent,
            // as reading it would find.
            return None;
        }
        let keep = keeps_raw(&hit.facts).then(|| hit.raw.clone());
        if hit.finished_empty {
            // Nothing to show: the report needs no text, and the file is not read.
            let shown = Raw {
                diagnostics: Vec::new(),
                ..hit.raw
            };
            let source = SourceFile::new(path.clone(), String::new());
            let report = finish(Checked::from_raw(source, settings, tree.clone(), shown));
            return Some(Held {
                output: render(&report),
                facts: hit.facts,
                hash: hit.content,
                raw: keep,
            });
        }
        // The report shows text: read it, and use the entry only for the content it is about.
        let input = job.input()?;
        if let Ok(bytes) = &input.content
            && hash(bytes) == hit.content
        {
            let source = SourceFile::from_bytes(input.path, bytes.clone());
            let report = finish(Checked::from_raw(source, settings, input.tree, hit.raw));
            return Some(Held {
                output: render(&report),
                facts: hit.facts,
                hash: hit.content,
                raw: keep,
            });
        }
        return Some(check_fresh(
            input,
            (settings, fingerprint),
            Some(cache),
            (Some(*stat), recorded_ns),
            render,
        ));
    }
    let input = job.input()?;
    Some(check_fresh(
        input,
        (settings, fingerprint),
        cache,
        (stat, recorded_ns),
        render,
    ))
}

/// Whether a run keeps a file's raw findings for the cross-file rules' second look: only for
/// an agent with a name that loads, or one that names skills, which the cross-file rules may
/// report on.
fn keeps_raw(facts: &Facts) -> bool {
    ((facts.name.is_some() && facts.loads_somewhere) || !facts.uses.is_empty())
        && !facts.project_rules.is_empty()
}

/// Checks a file read from disk or given, using a cache entry for the same content if there
/// is one, and records the outcome (with the signature `stat` taken before reading).
fn check_fresh<T>(
    input: Input,
    (settings, fingerprint): (Arc<FileSettings>, u128),
    cache: Option<&crate::cache::Cache>,
    (stat, recorded_ns): (Option<crate::cache::Stat>, i128),
    render: &(dyn Fn(&FileReport) -> T + Sync),
) -> Held<T> {
    let content_hash = input.content.as_deref().map_or(0, hash);
    let key = cache.and_then(|c| c.key(&input, content_hash, fingerprint));
    let hit = match (cache, key) {
        (Some(cache), Some(key)) => cache.get(&input, key, &settings),
        _ => None,
    };
    let path = input.path.clone();
    let (checked, facts, fresh) = match hit {
        Some(hit) => {
            let Input {
                path,
                content,
                tree,
                ..
            } = input;
            let source = SourceFile::from_bytes(path, content.unwrap_or_default());
            (
                Checked::from_raw(source, settings, tree, hit.raw),
                hit.facts,
                false,
            )
        }
        None => {
            let checked = check_one(input, settings);
            let facts = Facts::of(&checked);
            (checked, facts, true)
        }
    };
    // A new entry, or a known one with the signature a later run can trust. Content that is
    // not UTF-8 is not kept: its findings point into the decoded text, which the cache cannot
    // check against the bytes.
    let named = crate::discover::keeps(&checked.source.path, checked.source.text.as_bytes());
    let record = if checked.source.invalid_utf8_at.is_some() {
        None
    } else if fresh || stat.is_some() {
        cache.zip(key)
    } else {
        None
    };
    let raw = (record.is_some() || keeps_raw(&facts)).then(|| checked.raw());
    let report = finish(checked);
    if let (Some((cache, key)), Some(raw)) = (record, &raw) {
        cache.put(
            &path,
            crate::cache::Record {
                key,
                raw,
                facts: &facts,
                content: content_hash,
                stat,
                recorded_ns,
                finished_empty: report.diagnostics.is_empty(),
                named,
            },
        );
    }
    Held {
        output: render(&report),
        raw: raw.filter(|_| keeps_raw(&facts)),
        facts,
        hash: content_hash,
    }
}
