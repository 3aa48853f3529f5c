use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports an `@path` file reference in a slash command that names no file. Claude Code
    /// resolves the path from the project's folder (the one holding `.claude/`).
    ///
    /// ## Why is this bad?
    /// Claude Code puts the file's content into the prompt; a missing file leaves the `@path`
    /// text as it is, and the model works without what the command meant to show it.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// description: Review the API
    /// ---
    /// Review @src/no-such-file.ts for consistency.
    /// ```
    ///
    /// Use instead:
    /// Name a file that exists, relative to the project's folder.
    pub RULE = { code: "AS754", name: "missing-file-reference", label: "no such file", category: Skills, severity: Warning, fix: None, dialects: ["claude-command"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    let Some(project) = project_dir(&cx.source.path) else {
        return;
    };
    for (offset, line) in super::prose_lines(cx) {
        for (start, path) in references(line) {
            if !project.join(path).exists() {
                out.push(RULE.diag(
                    Span::new(offset + start, offset + start + path.len()),
                    format!("`{path}` is not a file of the project"),
                ));
            }
        }
    }
}

/// The project folder of a command under `.claude/commands/`: the folder holding `.claude`.
/// Commands elsewhere (a plugin's, a collection's) are resolved against the project that
/// installs them, which is not known.
fn project_dir(path: &std::path::Path) -> Option<&std::path::Path> {
    let commands = crate::dialect::folder_named(path, "commands")?;
    let claude = commands.parent()?;
    (claude.file_name()? == ".claude")
        .then(|| claude.parent())
        .flatten()
}

/// `@path` references on a line: an `@` at the start or after a space, followed by a path
/// with a `/` or a `.` in it (not an e-mail address, a decorator or a mention), outside
/// inline code.
fn references(line: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut in_code = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => in_code = !in_code,
            b'@' if !in_code && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'(') => {
                let start = i + 1;
                let len = line[start..]
                    .find(|c: char| {
                        c.is_whitespace() || matches!(c, ')' | ',' | ';' | '`' | '"' | '\'')
                    })
                    .unwrap_or(line.len() - start);
                let path = line[start..start + len].trim_end_matches(['.', ':']);
                // A file: its last part has an extension (`@src/api.ts`, not `@angular/core`,
                // `@app.route` or a mention); relative to the project (not `~/`, not `/`).
                let last = path.rsplit('/').next().unwrap_or(path);
                let has_extension = last.rsplit_once('.').is_some_and(|(stem, ext)| {
                    !stem.is_empty()
                        && (1..=5).contains(&ext.len())
                        && ext.chars().all(|c| c.is_ascii_alphanumeric())
                        && ext.chars().any(|c| c.is_ascii_lowercase())
                });
                let relative = !path.starts_with(['/', '~']);
                let placeholder = path.contains(['$', '{', '<', '*']);
                let decorator = !path.contains('/') && path.contains('(');
                if has_extension
                    && relative
                    && !placeholder
                    && !decorator
                    && !path.starts_with("http")
                {
                    found.push((start, path));
                }
                i = start + len;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}
