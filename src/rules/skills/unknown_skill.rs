use crate::diagnostics::Diagnostic;
use crate::dialect::Family;
use crate::model::skills::designates;
use crate::rules::ProjectEntry;

declare_rule! {
    /// ## What it does
    /// Reports a skill an agent preloads (`skills:`) or names in its body as a skill
    /// (``follow the `task-executor` skill``) that none of the skills checked in the same run
    /// is. A reference matches a skill's folder (the name Claude Code gives it), its `name`
    /// (an alias Claude Code accepts too), or the last part of a path or of a `plugin:` name
    /// (``the `workflow/task-executor` skill`` is the skill `task-executor`). Slash commands
    /// count too: Claude Code lists them with the skills and runs both through the Skill tool.
    /// The skills of the agent's project and plugin are read from disk too, so a run over
    /// some files only (pre-commit) knows them. When no skill is found at all (the skills are
    /// the user's or a plugin's, not the repository's), nothing is reported; a warning, not
    /// an error, since a skill of the user's own can exist where agentspec does not look.
    ///
    /// ## Why is this bad?
    /// A preloaded skill that does not exist is left out of the agent's context without a
    /// word, and a protocol the agent is told to follow from a skill is not there to follow:
    /// agentspec cannot compile it into the agent's policy either.
    ///
    /// ## Example
    /// An agent with `skills: [task-executer]` in a project whose skill is
    /// `.claude/skills/task-executor/SKILL.md`.
    ///
    /// Use instead:
    /// `skills: [task-executor]`.
    pub RULE = { code: "AS706", name: "unknown-skill", label: "no such skill", category: Skills, severity: Warning, fix: None, dialects: ["claude-agent"] }
}

pub fn check(entries: &[ProjectEntry]) -> Vec<(usize, Diagnostic)> {
    let mut skills: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.family == Family::Skill && e.loads_somewhere)
        .filter_map(|e| {
            let folder = skill_folder(e)?;
            let name = e.name.map_or_else(
                || folder.rsplit('/').next().unwrap_or(&folder).to_owned(),
                |(n, _)| n.to_owned(),
            );
            Some((name, folder))
        })
        .collect();
    // Claude Code lists slash commands with the skills, and runs both through the Skill tool:
    // an agent naming a command as a skill names something that exists.
    skills.extend(
        entries
            .iter()
            .filter(|e| e.family == Family::Command && e.loads_somewhere)
            .filter_map(|e| {
                let name = super::command_shadowed_by_skill::command_name(e)?;
                Some((name.clone(), name))
            }),
    );
    let mut out = Vec::new();
    // Each `skills` folder is read once, however many agents it serves.
    let mut folders: std::collections::HashMap<std::path::PathBuf, Vec<String>> =
        std::collections::HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.family != Family::Agent || entry.uses.is_empty() {
            continue;
        }
        // The skills of the agent's project and plugin on disk too: a run over some files
        // only (pre-commit's staged files) still knows the others.
        let mut known = skills.clone();
        for root in crate::dialect::skill_roots(entry.path) {
            let names = folders.entry(root).or_insert_with_key(|root| on_disk(root));
            known.extend(names.iter().map(|f| (f.clone(), f.clone())));
        }
        if known.is_empty() {
            // No skill anywhere: the skills are the user's or a plugin's, not visible here.
            continue;
        }
        for (name, span) in entry.uses {
            if known
                .iter()
                .any(|(skill, folder)| designates(name, skill, folder))
            {
                continue;
            }
            let mut names: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let hint = crate::vocab::did_you_mean(name, names.iter().copied());
            let help = match hint {
                Some(h) => format!("did you mean `{h}`?"),
                None => format!(
                    "the skills found: {}; a skill of your own (`~/.claude/skills/`) or of a plugin is not seen here",
                    list(&names)
                ),
            };
            out.push((
                i,
                RULE.diag(*span, format!("no skill `{name}` was found"))
                    .with_help(help),
            ));
        }
    }
    out
}

/// The folder names of the skills in a `skills` folder.
fn on_disk(root: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.path()
                .join(crate::dialect::claude_skill::SKILL_FILE)
                .is_file()
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A skill's folder relative to its `skills` folder, with `/`.
fn skill_folder(entry: &ProjectEntry) -> Option<String> {
    let folder = entry.path.parent()?;
    let relative = entry.tree.and_then(|t| folder.strip_prefix(t).ok())?;
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn list(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
