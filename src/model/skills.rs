//! Which skills an agent uses: those its frontmatter preloads (`skills:`) and those its
//! body names as a skill (``the `task-executor` skill's protocol``, ``use skill `pdf` ``),
//! so that a skill's protocol and Definition of Done can be compiled into the agent's policy.

use crate::parse::markdown::Body;
use crate::source::Span;

/// A skill an agent names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillRef {
    /// The name as written (`task-executor`, `workflow/task-executor`, `plugin:skill`).
    pub name: String,
    pub span: Span,
    /// Preloaded by the frontmatter's `skills:`, rather than named in the body.
    pub preload: bool,
}

/// The longest name taken for a skill reference.
const MAX_REF_LEN: usize = 128;

/// The skills `body` names: inline code right before the word "skill" (``the `x` skill``) or
/// right after it (``skill `x` ``), outside code fences.
pub fn named_in_body(body: &Body, text: &str) -> Vec<SkillRef> {
    let mut found = Vec::new();
    let Some(body_text) = text.get(body.span.start..body.span.end) else {
        return found;
    };
    let fenced = |at: usize| {
        body.fences
            .iter()
            .any(|f| f.span.start <= at && at < f.span.end)
    };
    // Only the lines with the word "skill" are looked at: found in one pass over the body.
    let lower = body_text.to_ascii_lowercase();
    let mut next_line = 0;
    for hit in memchr::memmem::find_iter(lower.as_bytes(), b"skill") {
        if hit < next_line {
            continue;
        }
        let start = body_text[..hit].rfind('\n').map_or(0, |i| i + 1);
        let end = body_text[hit..]
            .find('\n')
            .map_or(body_text.len(), |i| hit + i);
        next_line = end;
        let line = &body_text[start..end];
        let offset = body.span.start + start;
        if fenced(offset) {
            continue;
        }
        for (s, e) in code_spans(line) {
            let name = &line[s + 1..e - 1];
            if looks_like_a_name(name)
                && (starts_with_word(&line[e..], "skill") || ends_with_word(&line[..s], "skill"))
            {
                found.push(SkillRef {
                    name: name.to_owned(),
                    span: Span::new(offset + s + 1, offset + e - 1),
                    preload: false,
                });
            }
        }
    }
    found
}

/// The byte ranges of single-backtick code spans on a line, backticks included.
fn code_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open = None;
    for (i, b) in line.bytes().enumerate() {
        if b == b'`' {
            match open {
                None => open = Some(i),
                Some(start) => {
                    spans.push((start, i + 1));
                    open = None;
                }
            }
        }
    }
    spans
}

fn looks_like_a_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_REF_LEN
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | ':' | '.'))
}

/// `rest` starts with `word` (after spaces), as a whole word: "skill", "skill's", "skill." but
/// not "skillset".
fn starts_with_word(rest: &str, word: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.get(..word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric())
}

/// `before` ends with `word` (and spaces or a colon), as a whole word: "the skill " but not
/// "reskill ".
fn ends_with_word(before: &str, word: &str) -> bool {
    let before = before.trim_end_matches([' ', '\t', ':']);
    if before.len() < word.len() || !before.is_char_boundary(before.len() - word.len()) {
        return false;
    }
    let (head, tail) = before.split_at(before.len() - word.len());
    tail.eq_ignore_ascii_case(word) && !head.ends_with(|c: char| c.is_alphanumeric())
}

/// Whether the reference `name` designates a skill named `skill` whose folder is `folder`
/// (relative to its `skills` folder, with `/`): the name itself, the folder path, or the last
/// part of a path or a `plugin:` name.
pub fn designates(name: &str, skill: &str, folder: &str) -> bool {
    let last = name.rsplit(['/', ':']).next().unwrap_or(name);
    name == skill
        || name == folder
        || last == skill
        || (!folder.is_empty() && folder.ends_with(&format!("/{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(body: &str) -> Vec<String> {
        let text = format!("---\nname: a\ndescription: b\n---\n{body}");
        let doc = crate::parse::parse(&text);
        named_in_body(doc.body(&text), &text)
            .into_iter()
            .map(|r| {
                assert_eq!(&text[r.span.start..r.span.end], r.name);
                r.name
            })
            .collect()
    }

    #[test]
    fn a_skill_is_named_by_code_next_to_the_word_skill() {
        assert_eq!(
            refs("You MUST adhere to the `workflow/task-executor` skill's protocol.\n"),
            ["workflow/task-executor"]
        );
        assert_eq!(refs("Use skill `pdf` for forms.\n"), ["pdf"]);
        assert_eq!(refs("Run the Skill: `deploy`\n"), ["deploy"]);
        assert!(refs("Run `npm test` skillfully.\n").is_empty());
        assert!(refs("Run `npm test` first.\n").is_empty());
        assert!(refs("```\nthe `x` skill\n```\n").is_empty());
    }

    #[test]
    fn a_reference_designates_by_name_folder_or_last_part() {
        assert!(designates(
            "task-executor",
            "task-executor",
            "workflow/task-executor"
        ));
        assert!(designates(
            "workflow/task-executor",
            "task-executor",
            "workflow/task-executor"
        ));
        assert!(designates(
            "plugin:task-executor",
            "task-executor",
            "task-executor"
        ));
        assert!(!designates("other", "task-executor", "task-executor"));
    }
}
