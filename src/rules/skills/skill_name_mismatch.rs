use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a skill whose `name` is not the name of its folder.
    ///
    /// ## Why is this bad?
    /// The Agent Skills standard requires the two to match, and hosts differ in which one
    /// they use. Claude Code (2.1.328 and 2.1.332, measured) names the skill after its folder
    /// and shows `name` only as an alias, and only when the alias is free; other hosts use
    /// `name`. The user types one name, an agent's `skills:` or another host names the other.
    ///
    /// ## Example
    /// `.claude/skills/pdf/SKILL.md`:
    ///
    /// ```markdown
    /// ---
    /// name: pdf-tools
    /// description: Fills PDF forms
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// name: pdf
    /// description: Fills PDF forms
    /// ---
    /// ```
    pub RULE = { code: "AS703", name: "skill-name-mismatch", label: "not the folder's name", category: Skills, severity: Warning, fix: Sometimes, dialects: ["claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let (Some(name), Some(folder)) = (&cx.spec.name, super::folder_name(&cx.source.path)) else {
        return;
    };
    if !cx.spec.load.loads() || name.value == folder || folder == "skills" {
        return;
    }
    let mut diag = RULE
        .diag(
            name.span,
            format!("the skill is named `{}`, its folder `{folder}`", name.value),
        )
        .with_help(
            "the Agent Skills standard requires `name` to be the folder's name: rename one of them",
        );
    // Only a plain scalar is replaced: a quoted one keeps its quotes out of the fix.
    if cx.slice(name.span) == name.value && crate::dialect::claude_skill::valid_name(folder) {
        diag = diag.with_fix(
            Fix::changes_behaviour(vec![Edit::replace(name.span, folder)])
                .titled(format!("Rename the skill `{folder}`")),
        );
    }
    out.push(diag);
}
