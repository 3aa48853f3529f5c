use crate::diagnostics::{Diagnostic, Related};
use crate::dialect::Family;
use crate::rules::ProjectEntry;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a slash command that has the name of a skill of the same project: the command
    /// `.claude/commands/deploy.md` and the skill `.claude/skills/deploy/SKILL.md`. A command's
    /// name is its path under `commands/` with `:` between folders (`sub:deploy`); a skill's
    /// is its folder's name.
    ///
    /// ## Why is this bad?
    /// Claude Code keeps the skill and drops the command without a word (measured with
    /// 2.1.328 and 2.1.332): `/deploy` runs the skill, and the command never runs.
    ///
    /// ## Example
    /// `.claude/commands/deploy.md` beside `.claude/skills/deploy/SKILL.md`.
    ///
    /// Use instead:
    /// Rename the command, or fold it into the skill.
    pub RULE = { code: "AS755", name: "command-shadowed-by-skill", label: "a skill has this name", category: Skills, severity: Warning, fix: None, dialects: ["claude-command"] }
}

pub fn check(entries: &[ProjectEntry]) -> Vec<(usize, Diagnostic)> {
    let skills: Vec<(usize, &str, Option<&std::path::Path>)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.family == Family::Skill && e.loads_somewhere)
        .filter_map(|(i, e)| {
            let folder = super::folder_name(e.path)?;
            let project = e.tree.and_then(std::path::Path::parent);
            Some((i, folder, project))
        })
        .collect();
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.family != Family::Command {
            continue;
        }
        let (Some(name), Some(commands)) = (command_name(entry), entry.tree) else {
            continue;
        };
        let project = commands.parent();
        if let Some((j, _, _)) = skills
            .iter()
            .find(|(_, folder, p)| *folder == name && *p == project)
        {
            out.push((
                i,
                RULE.diag(
                    Span::empty(0),
                    format!("the command `/{name}` never runs: the skill `{name}` has its name, and Claude Code keeps the skill"),
                )
                .with_related(Related {
                    path: entries[*j].path.to_path_buf(),
                    span: Span::empty(0),
                    message: "the skill that wins".to_owned(),
                }),
            ));
        }
    }
    out
}

/// A command's name: its path under its `commands` folder, `.md` dropped, `:` between
/// folders.
pub(super) fn command_name(entry: &ProjectEntry) -> Option<String> {
    let relative = entry.path.strip_prefix(entry.tree?).ok()?;
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last
        .strip_suffix(".md")
        .or_else(|| last.strip_suffix(".MD"))?;
    parts.push(stem.to_owned());
    Some(parts.join(":"))
}
