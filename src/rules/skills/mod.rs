//! Rules for skills (`SKILL.md`) and slash commands (`commands/**/*.md`).

use std::path::Path;

pub mod agent_key_in_command;
pub mod arguments_without_hint;
pub mod command_shadowed_by_skill;
pub mod invalid_skill_name;
pub mod missing_file_reference;
pub mod missing_skill_file;
pub mod shell_line_not_allowed;
pub mod skill_description;
pub mod skill_name_mismatch;
pub mod skill_never_loads;
pub mod unknown_skill;

/// The name of the folder a `SKILL.md` is in: the name the Agent Skills standard wants in
/// `name`.
pub(crate) fn folder_name(path: &Path) -> Option<&str> {
    path.parent()?.file_name()?.to_str()
}

/// The body's lines outside code fences, each with its offset in the text.
pub(crate) fn prose_lines<'t>(
    cx: &'t crate::rules::FileContext,
) -> impl Iterator<Item = (usize, &'t str)> + 't {
    let body = cx.doc.body(cx.text());
    let start = body.span.start;
    let text = cx.text().get(start..body.span.end).unwrap_or("");
    let mut offset = start;
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        let fenced = body
            .fences
            .iter()
            .any(|f| f.span.start <= at && at < f.span.end);
        (!fenced).then_some((at, line.trim_end_matches(['\n', '\r'])))
    })
}
