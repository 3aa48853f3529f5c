use crate::diagnostics::Diagnostic;
use crate::rules::FileContext;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports a command or skill whose text reads its arguments (`$ARGUMENTS`, `$1`,
    /// `$ARGUMENTS[0]`) but whose frontmatter has no `argument-hint`.
    ///
    /// ## Why is this bad?
    /// The user sees `/name` with nothing after it and does not know the command takes
    /// arguments; run without them, `$ARGUMENTS` becomes empty text and the prompt asks
    /// about nothing.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// description: Fix an issue
    /// ---
    /// Fix issue #$1 following our coding standards.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// description: Fix an issue
    /// argument-hint: "<issue-number>"
    /// ---
    /// Fix issue #$1 following our coding standards.
    /// ```
    pub RULE = { code: "AS752", name: "arguments-without-hint", label: "reads arguments nobody is told of", category: Skills, severity: Info, fix: None, dialects: ["claude-command", "claude-skill"] }
}

pub fn check(cx: &FileContext, out: &mut Vec<Diagnostic>) {
    // A hint written under an agent's key (`args`) is AS751's to report, once.
    let hinted = ["argument-hint", "arguments"]
        .into_iter()
        .chain(
            crate::dialect::claude_command::AGENT_KEY_FIXES
                .iter()
                .filter(|(_, instead)| *instead == "argument-hint")
                .map(|(key, _)| *key),
        )
        .any(|key| cx.spec.field(key).is_some());
    if hinted {
        return;
    }
    if let Some((at, len)) = super::prose_lines(cx)
        .find_map(|(offset, line)| first_argument(line).map(|(i, len)| (offset + i, len)))
    {
        out.push(
            RULE.diag(
                Span::new(at, at + len),
                "the text reads its arguments, and there is no `argument-hint` to say what they are",
            )
            .with_help("add `argument-hint:` with what to type after `/name` (`[message]`, `<file>`)"),
        );
    }
}

/// The first `$ARGUMENTS` or `$<digit>` on a line, with its length.
fn first_argument(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(d) = line[i..].find('$') {
        let at = i + d;
        let rest = &line[at + 1..];
        if rest.starts_with("ARGUMENTS") {
            return Some((at, 10));
        }
        if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
            return Some((at, 2));
        }
        i = at + 1;
    }
    None
}
