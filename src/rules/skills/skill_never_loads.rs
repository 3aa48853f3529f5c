use crate::diagnostics::Diagnostic;
use crate::model::{Load, Skip, frontmatter_span};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a Markdown file in a `skills` folder that Claude Code never loads as a skill:
    /// a flat `skills/pdf.md`, or a file in a folder that has no `SKILL.md`. It is reported
    /// only when the file looks like a skill (its frontmatter has a `name` or a
    /// `description`); the other files of a skill's folder are what the skill refers to.
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
    if cx.spec.load != Load::Skipped(Skip::NotSkillFile) {
        return;
    }
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
    let help = if lowercase {
        "rename the file to `SKILL.md`, in capitals".to_owned()
    } else {
        format!("move it to `skills/{name}/SKILL.md`, a folder of its own")
    };
    out.push(
        RULE.diag(
            frontmatter_span(cx.doc),
            "Claude Code never loads this file as a skill: only a folder's `SKILL.md` is one",
        )
        .with_help(help),
    );
}
