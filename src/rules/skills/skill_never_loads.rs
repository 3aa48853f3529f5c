use crate::diagnostics::Diagnostic;
use crate::model::{Load, Skip, frontmatter_span};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a skill file Claude Code never loads: a flat `skills/pdf.md`, a file in a
    /// folder that has no `SKILL.md`, a `skill.md` or `SKILL.MD` (the name is read exactly),
    /// or a `SKILL.md` nested deeper than `skills/<name>/` (one folder level is read) in a
    /// folder Claude Code reads skills from (`.claude/skills/`, a plugin's `skills/`; a
    /// library of skills kept elsewhere may sort them into category folders). A file
    /// other than a `SKILL.md` is reported only when it looks like a skill (its frontmatter
    /// has a `name` or a `description`); the other files of a skill's folder are what the
    /// skill refers to. Measured with Claude Code 2.1.328 and 2.1.332.
    ///
    /// ## Why is this bad?
    /// A skill is a folder: Claude Code reads `skills/<name>/SKILL.md` and nothing else. A
    /// flat file is never offered to the model and never runs, and nothing says so.
    ///
    /// ## Example
    /// `.claude/skills/pdf.md`:
    ///
    /// ```markdown
    /// ---
    /// name: pdf
    /// description: Fills PDF forms
    /// ---
    /// ```
    ///
    /// Use instead:
    /// Move it to `.claude/skills/pdf/SKILL.md`.
    pub RULE = { code: "AS701", name: "skill-never-loads", label: "never loads as a skill", category: Skills, severity: Error, fix: None, dialects: ["claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let nested = match &cx.spec.load {
        Load::Skipped(Skip::NotSkillFile) => false,
        Load::Skipped(Skip::NestedSkill) => true,
        _ => return,
    };
    let name = cx
        .spec
        .name
        .as_ref()
        .map(|n| n.value.as_str())
        .or_else(|| cx.source.path.file_stem().and_then(|s| s.to_str()))
        .unwrap_or("name");
    let lowercase = cx
        .source
        .path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case(crate::dialect::claude_skill::SKILL_FILE));
    let folder = super::folder_name(&cx.source.path).unwrap_or(name);
    let (message, help) = if nested {
        (
            "Claude Code never loads this skill: it reads `skills/<name>/SKILL.md`, one folder level, and this one is deeper",
            format!("move the folder up to `skills/{folder}/`"),
        )
    } else if lowercase {
        (
            "Claude Code never loads this file as a skill: only a folder's `SKILL.md` is one",
            "rename the file to `SKILL.md`: the name is read in capitals, with a lowercase `.md`"
                .to_owned(),
        )
    } else {
        (
            "Claude Code never loads this file as a skill: only a folder's `SKILL.md` is one",
            format!("move it to `skills/{name}/SKILL.md`, a folder of its own"),
        )
    };
    out.push(RULE.diag(frontmatter_span(cx.doc), message).with_help(help));
}
