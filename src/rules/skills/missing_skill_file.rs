use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;

declare_rule! {
    /// ## What it does
    /// Reports a Markdown link in a `SKILL.md` to a file of the skill's folder that does not
    /// exist: `[the form guide](reference/forms.md)`. Links outside code blocks count; web
    /// addresses, absolute paths and placeholders do not.
    ///
    /// ## Why is this bad?
    /// A skill is loaded a piece at a time: the model reads the other files of its folder
    /// when the instructions send it there. A missing file is an instruction the model cannot
    /// follow, found only at run time.
    ///
    /// ## Example
    /// `.claude/skills/pdf/SKILL.md` with no `reference.md` beside it:
    ///
    /// ```markdown
    /// ---
    /// name: pdf
    /// description: Fills PDF forms
    /// ---
    /// Read [the reference](reference.md) first.
    /// ```
    ///
    /// Use instead:
    /// Add `reference.md` to the skill's folder, or fix the link.
    pub RULE = { code: "AS705", name: "missing-skill-file", label: "no such file in the skill's folder", category: Skills, severity: Warning, fix: None, dialects: ["claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    if cx.spec.role.place != crate::model::Place::Read {
        return;
    }
    let Some(folder) = cx.source.path.parent() else {
        return;
    };
    for (offset, line) in super::prose_lines(cx) {
        for (start, target) in link_targets(line) {
            let Some(relative) = local_path(target) else {
                continue;
            };
            if !folder.join(relative).exists() && !folder.join(percent_decoded(relative)).exists() {
                out.push(RULE.diag(
                    crate::source::Span::new(offset + start, offset + start + target.len()),
                    format!(
                        "`{relative}` does not exist (the link is read from the skill's folder)"
                    ),
                ));
            }
        }
    }
}

/// The targets of Markdown links on a line (`[text](target)`), with their offsets; links inside
/// inline code (`` `[text](x.md)` ``) are examples, not links.
fn link_targets(line: &str) -> Vec<(usize, &str)> {
    let code = code_ranges(line);
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(i) = line[rest..].find("](") {
        let start = rest + i + 2;
        if code.iter().any(|(a, b)| (*a..*b).contains(&start)) {
            rest = start;
            continue;
        }
        let Some(len) = line[start..].find(')') else {
            break;
        };
        let target = line[start..start + len]
            .split_whitespace()
            .next()
            .unwrap_or("");
        if !target.is_empty() {
            found.push((start, target));
        }
        rest = start + len;
    }
    found
}

/// A link target with `%XX` escapes decoded (`guide%20v2.md` is `guide v2.md`).
fn percent_decoded(target: &str) -> String {
    let bytes = target.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'%'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The byte ranges of inline code spans on a line (between single backticks).
fn code_ranges(line: &str) -> Vec<(usize, usize)> {
    let ticks: Vec<usize> = line.match_indices('`').map(|(i, _)| i).collect();
    ticks
        .chunks(2)
        .filter(|p| p.len() == 2)
        .map(|p| (p[0], p[1]))
        .collect()
}

/// A link target that names a file beside the skill: relative, no scheme, no anchor only, no
/// placeholder; the anchor is dropped.
fn local_path(target: &str) -> Option<&str> {
    let path = target.split(['#', '?']).next()?;
    let remote = path.contains("://") || path.starts_with("mailto:");
    let placeholder = path.contains(['{', '<', '$', '*']);
    (!path.is_empty()
        && !remote
        && !placeholder
        && !path.starts_with('/')
        && !path.starts_with('~'))
    .then_some(path)
}
