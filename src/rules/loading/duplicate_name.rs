use crate::diagnostics::{Diagnostic, Related};
use crate::release::Duplicates;
use crate::rules::ProjectEntry;

declare_rule! {
    /// ## What it does
    /// Reports agents that share a `name` within one agents tree (a `.claude/agents/` folder
    /// with its sub-folders, or one plugin's `agents/` folder). Every file involved is
    /// reported. Files in different trees that share a name are reported as a warning: they
    /// collide as soon as they are installed side by side, as agent collections usually are.
    ///
    /// ## Why is this bad?
    /// `name` is the agent's identity. With two files of the same name only one is active and
    /// the other silently never runs. Which one depends on the release: Claude Code 2.1.330
    /// and later keep the file whose path (relative to the agents folder) sorts last, compared
    /// as JavaScript compares strings (`a.md` beats `B.md`, `x.md` beats `x-v2.md`); 2.1.328
    /// and 2.1.329 keep the one the file system lists last, which can differ from one machine
    /// to the next. The message names the file that wins in each selected release. Codex (custom
    /// agents in `.codex/agents/`, measured with 0.169.0) keeps the file whose path sorts
    /// first and warns "duplicate agent role name" on stderr. A Codex agent and a Claude Code
    /// agent of the same name load in their own hosts, but one bundle governs both by name
    /// with one policy: an error too.
    ///
    /// ## Example
    /// `.claude/agents/review.md` and `.claude/agents/old/review-v1.md` both with
    /// `name: reviewer`.
    ///
    /// Use instead:
    /// Give each agent its own `name`, or delete the stale copy.
    pub RULE = { code: "AS009", name: "duplicate-name", label: "another agent has this name", category: Loading, severity: Error, fix: None, dialects: ["claude-agent", "codex-agent"] }
}

pub fn check(entries: &[ProjectEntry]) -> Vec<(usize, Diagnostic)> {
    // Codex's agents and Claude Code's do not collide in the hosts, but one bundle governs
    // both by name: the clash is reported across hosts too.
    let mut by_name: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, entry) in entries.iter().enumerate() {
        // A file counts if some selected release loads it.
        if let Some((name, _)) = entry.name
            && entry.loads_somewhere
            && entry.family == crate::dialect::Family::Agent
        {
            by_name.entry(name).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    let is_codex = |i: usize| crate::dialect::codex_agent::is_codex_agent(entries[i].path);
    for (name, files) in by_name {
        if files.len() < 2 {
            continue;
        }
        for &i in &files {
            let entry = &entries[i];
            let same_tree: Vec<usize> = files
                .iter()
                .copied()
                .filter(|&j| j != i && entries[j].tree == entry.tree)
                .collect();
            let others: Vec<usize> = if same_tree.is_empty() {
                files.iter().copied().filter(|&j| j != i).collect()
            } else {
                same_tree.clone()
            };
            let Some((_, span)) = entry.name else {
                continue;
            };
            let codex = is_codex(i);
            let other_host = files.iter().any(|&j| j != i && is_codex(j) != codex);
            let mut diag = if same_tree.is_empty() && other_host {
                RULE.diag(
                    span,
                    format!(
                        "agent name `{name}` is also the name of {} agent: one bundle governs both by this name, with one policy",
                        if codex { "a Claude Code" } else { "a Codex" }
                    ),
                )
                .with_help("the runner would govern one of them with the other's protocol; give each agent its own `name`")
            } else if same_tree.is_empty() {
                let mut d = RULE.diag(
                    span,
                    format!("agent name `{name}` is also used in another agents folder"),
                );
                d.severity = crate::diagnostics::Severity::Warning;
                d.with_help("installed side by side, only one of them loads; give each agent its own `name`")
            } else {
                let mut group: Vec<usize> = same_tree.clone();
                group.push(i);
                RULE.diag(
                    span,
                    format!(
                        "agent name `{name}` is used by {} files in this agents folder",
                        same_tree.len() + 1
                    ),
                )
                .with_help(format!(
                    "{}; give each agent its own `name`",
                    if codex {
                        codex_winner(entries, &group, i)
                    } else {
                        winners(entries, &group, i)
                    }
                ))
            };
            for j in others {
                let other = &entries[j];
                if let Some((_, span)) = other.name {
                    diag = diag.with_related(Related {
                        path: other.path.to_path_buf(),
                        span,
                        message: format!("`{name}` is also defined here"),
                    });
                }
            }
            out.push((i, diag));
        }
    }
    out
}

/// An entry's path relative to its agents folder, with `/` between folders (as the hosts
/// compare paths).
fn relative_path(e: &ProjectEntry) -> String {
    e.tree
        .and_then(|t| e.path.strip_prefix(t).ok())
        .unwrap_or(e.path)
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

/// Which file of `group` (one `.codex/agents` folder) Codex keeps: the first by path, sorted
/// (measured with 0.169.0: `aa.toml` over `zz.toml`, `a/x.toml` over `x.toml`).
fn codex_winner(entries: &[ProjectEntry], group: &[usize], this: usize) -> String {
    let relative = |j: usize| relative_path(&entries[j]);
    let Some(winner) = group.iter().copied().min_by_key(|&j| relative(j)) else {
        return String::new();
    };
    format!(
        "only one of them loads: Codex keeps `{}` (its path sorts first): {}",
        relative(winner),
        if winner == this {
            "this file loads"
        } else {
            "this file is skipped"
        }
    )
}

/// Which file of `group` (one agents folder) each selected release keeps, said from the point
/// of view of `this`; releases that keep the same file are said once, as a range.
fn winners(entries: &[ProjectEntry], group: &[usize], this: usize) -> String {
    let target = &entries[this].target;
    let relative = |j: usize| relative_path(&entries[j]);
    let found = target.gather(|release| {
        let part = match release.duplicates() {
            Duplicates::ListingOrder => "the file the file system lists last loads, which can differ from one machine to the next".to_owned(),
            Duplicates::SortedPathLast => {
                let Some(winner) = group
                    .iter()
                    .copied()
                    .max_by(|&a, &b| relative(a).encode_utf16().cmp(relative(b).encode_utf16()))
                else {
                    return Vec::new();
                };
                let verdict = if winner == this {
                    "this file loads"
                } else {
                    "this file is skipped"
                };
                format!("`{}` loads (its path sorts last): {verdict}", relative(winner))
            }
        };
        vec![part]
    });
    let parts: Vec<String> = found
        .into_iter()
        .map(|(part, versions)| {
            let which = target
                .qualifier(&versions)
                .unwrap_or_else(|| format!("in Claude Code {}", target.versions_text()));
            format!("{which} {part}")
        })
        .collect();
    format!("only one of them loads: {}", parts.join("; "))
}
