//! One shell word as the shell would see it after quote removal, or what it depends on at run
//! time, and the command substitutions it runs.

use brush_parser::word::{WordPiece, WordPieceWithSource};

/// What a word is known to be before the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordKind {
    /// Quotes and escapes removed; nothing left to expand.
    Literal,
    /// Literal except for unquoted pattern characters (`*`, `?`, `[`), so that pathname
    /// expansion can turn it into other words; `text` holds the pattern.
    Glob,
    /// Depends on an expansion (a parameter, a substitution, brace or arithmetic expansion);
    /// `text` is the word as written.
    Dynamic,
}

/// A word of a command line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Word {
    pub text: String,
    pub kind: WordKind,
}

impl Word {
    pub fn literal(text: impl Into<String>) -> Word {
        Word {
            text: text.into(),
            kind: WordKind::Literal,
        }
    }

    /// The text when nothing is left to expand.
    pub fn as_literal(&self) -> Option<&str> {
        (self.kind == WordKind::Literal).then_some(self.text.as_str())
    }
}

/// A word resolved, plus the command substitutions it runs (their inner text) and the
/// constructs that make it unknowable beyond being dynamic.
#[derive(Debug, Default)]
pub struct Resolved {
    pub word: Option<Word>,
    pub substitutions: Vec<String>,
    /// Arithmetic text that another shell could read as commands (`$((cmd))` is two nested
    /// subshells for some shells).
    pub maybe_commands: Vec<String>,
    /// Reasons the word cannot be analysed at all (a substitution inside a parameter
    /// expansion, a word the parser rejects).
    pub unknowable: Vec<String>,
}

/// Characters that mean nothing special to the shell inside a word.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_./:=,@%+^".contains(c)
}

/// Words with more braces open at once than this are not parsed.
const MAX_UNMATCHED_BRACES: usize = 8;

/// The most `open` characters open at once (nested, or never closed by `close`) outside
/// single quotes and escapes.
pub(crate) fn most_open(text: &str, open: char, close: char) -> usize {
    let (mut depth, mut most) = (0usize, 0usize);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == '\'' {
            chars.by_ref().find(|c| *c == '\'');
        } else if c == open {
            depth += 1;
            most = most.max(depth);
        } else if c == close {
            depth = depth.saturating_sub(1);
        }
    }
    most
}

/// An upper bound of how deeply the shell's constructs nest in `text`: groups, subshells,
/// substitutions and expansions (`(`, `{`, `` ` ``), and compound commands (`if`, `case`,
/// `while`, `until`, `for`, `select` up to their `fi`, `esac`, `done`), counted together,
/// outside single quotes. It may count more than the shell would (a `{` in double quotes),
/// never less, so that text within the bound is safe to give a recursive parser.
pub(crate) fn nesting(text: &str) -> usize {
    // Each kind is counted on its own, so that a closer of one kind never takes a level off
    // another (a `case` pattern's `)` closes no parenthesis).
    let (mut parens, mut braces, mut keywords, mut backticks) = (0usize, 0usize, 0usize, 0usize);
    let mut most = 0usize;
    let mut word = String::new();
    let mut at_word_start = true;
    let mut chars = text.chars().peekable();
    let keyword = |word: &str, keywords: &mut usize| match word {
        "if" | "case" | "while" | "until" | "for" | "select" => *keywords += 1,
        "fi" | "esac" | "done" => *keywords = keywords.saturating_sub(1),
        _ => {}
    };
    while let Some(c) = chars.next() {
        let word_char = c.is_alphanumeric() || c == '_';
        if word_char {
            if at_word_start || !word.is_empty() {
                word.push(c);
            }
            at_word_start = false;
            continue;
        }
        if !word.is_empty() {
            keyword(&word, &mut keywords);
            word.clear();
        }
        at_word_start =
            c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '{' | '!' | '`' | ')' | '}');
        match c {
            '\\' => {
                chars.next();
            }
            '\'' => {
                chars.by_ref().find(|c| *c == '\'');
            }
            '(' => parens += 1,
            ')' => parens = parens.saturating_sub(1),
            '{' => braces += 1,
            '}' => braces = braces.saturating_sub(1),
            '`' => backticks = if backticks == 0 { 1 } else { 0 },
            _ => {}
        }
        most = most.max(parens + braces + keywords + backticks);
    }
    if !word.is_empty() {
        keyword(&word, &mut keywords);
    }
    most.max(parens + braces + keywords + backticks)
}

/// How deeply `case` statements nest in `text`, at most (`case` and `esac` words outside single
/// quotes).
pub(crate) fn case_nesting(text: &str) -> usize {
    let (mut depth, mut most) = (0usize, 0usize);
    let mut in_single = false;
    for word in text.split(|c: char| {
        if c == '\'' {
            in_single = !in_single;
        }
        in_single || !(c.is_alphanumeric() || c == '_')
    }) {
        match word {
            "case" => {
                depth += 1;
                most = most.max(depth);
            }
            "esac" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    most
}

/// A run of 19 digits or more (beyond `i64`) after `~`, `{` or `..`, optionally signed.
fn overflowing_number(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let before = &raw[..start];
            let before = before.strip_suffix(['+', '-']).unwrap_or(before);
            if i - start >= 19
                && (before.ends_with('~') || before.ends_with('{') || before.ends_with(".."))
            {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

/// Resolves `raw` (a word as written, quotes included).
pub fn resolve(raw: &str) -> Resolved {
    let mut out = Resolved::default();
    // Most words need no parsing: nothing to unquote, expand or match.
    if !raw.is_empty() && raw.chars().all(plain) {
        out.word = Some(Word::literal(raw));
        return out;
    }
    // The word parser backtracks exponentially over unmatched braces (measured: 16 take a
    // quarter of a second, 20 take eleven); no command anyone writes has more than a few.
    // The word parser (brush-parser 0.4) also panics on a number that overflows in a tilde
    // prefix (`~+99999999999999999999`) or a brace sequence (`{1..99999999999999999999}`).
    let refused = if most_open(raw, '{', '}') > MAX_UNMATCHED_BRACES {
        Some("has more unmatched `{` than agentspec analyses")
    } else if overflowing_number(raw) {
        Some("has a number too large for the shell")
    } else {
        None
    };
    if let Some(why) = refused {
        out.unknowable.push(format!(
            "the word `{}` {why}",
            raw.chars().take(40).collect::<String>()
        ));
        out.word = Some(Word {
            text: raw.to_owned(),
            kind: WordKind::Dynamic,
        });
        return out;
    }
    let options = super::parser_options();
    let pieces = match brush_parser::word::parse(raw, &options) {
        Ok(p) => p,
        Err(e) => {
            out.unknowable
                .push(format!("the word `{raw}` cannot be parsed: {e}"));
            out.word = Some(Word {
                text: raw.to_owned(),
                kind: WordKind::Dynamic,
            });
            return out;
        }
    };
    let mut text = String::new();
    let mut kind = WordKind::Literal;
    walk(raw, &pieces, false, &mut text, &mut kind, &mut out);
    if kind == WordKind::Literal && has_brace_expansion(raw) {
        kind = WordKind::Dynamic;
    }
    out.word = Some(if kind == WordKind::Dynamic {
        Word {
            text: raw.to_owned(),
            kind,
        }
    } else {
        Word { text, kind }
    });
    out
}

fn walk(
    raw: &str,
    pieces: &[WordPieceWithSource],
    quoted: bool,
    text: &mut String,
    kind: &mut WordKind,
    out: &mut Resolved,
) {
    let dynamic = |kind: &mut WordKind| *kind = WordKind::Dynamic;
    for p in pieces {
        match &p.piece {
            WordPiece::Text(t) => {
                let bracket = t.find('[').is_some_and(|i| t[i + 1..].contains(']'));
                if !quoted && (t.contains(['*', '?']) || bracket) && *kind == WordKind::Literal {
                    *kind = WordKind::Glob;
                }
                text.push_str(t);
            }
            WordPiece::SingleQuotedText(t) => text.push_str(t),
            WordPiece::AnsiCQuotedText(t) => match ansi_c(t) {
                Some(decoded) => text.push_str(&decoded),
                None => dynamic(kind),
            },
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                walk(raw, inner, true, text, kind, out);
            }
            WordPiece::EscapeSequence(e) => {
                // `\x` is `x`; inside double quotes a backslash only escapes `$`, `` ` ``,
                // `"`, `\` and a newline.
                let c = e.strip_prefix('\\').unwrap_or(e);
                if quoted && !c.starts_with(['$', '`', '"', '\\', '\n']) {
                    text.push_str(e);
                } else if c != "\n" {
                    text.push_str(c);
                }
            }
            WordPiece::TildeExpansion(_) => {
                text.push_str(raw.get(p.start_index..p.end_index).unwrap_or("~"));
            }
            WordPiece::CommandSubstitution(inner)
            | WordPiece::BackquotedCommandSubstitution(inner) => {
                out.substitutions.push(inner.clone());
                dynamic(kind);
            }
            WordPiece::ParameterExpansion(_) => {
                let source = raw.get(p.start_index..p.end_index).unwrap_or(raw);
                if source.contains("$(")
                    || source.contains('`')
                    || source.contains("<(")
                    || source.contains(">(")
                {
                    out.unknowable.push(format!(
                        "`{source}` runs a command inside a parameter expansion"
                    ));
                }
                if evaluates_arithmetic(source) {
                    out.unknowable.push(format!(
                        "`{source}` evaluates a variable as arithmetic, which runs any command hidden in its value"
                    ));
                }
                dynamic(kind);
            }
            WordPiece::ArithmeticExpression(expr) => {
                out.maybe_commands.push(expr.value.clone());
                if names_variable(&expr.value) {
                    out.unknowable.push(format!(
                        "`$(({}))` evaluates a variable as arithmetic, which runs any command hidden in its value",
                        expr.value
                    ));
                }
                match brush_parser::word::parse(&expr.value, &super::parser_options()) {
                    Ok(inner) => {
                        let mut ignored = String::new();
                        let mut inner_kind = WordKind::Literal;
                        walk(
                            &expr.value,
                            &inner,
                            true,
                            &mut ignored,
                            &mut inner_kind,
                            out,
                        );
                    }
                    Err(_) => out.unknowable.push(format!(
                        "the arithmetic expression `{}` cannot be parsed",
                        expr.value
                    )),
                }
                dynamic(kind);
            }
        }
    }
}

/// Whether arithmetic text refers to a variable: bash evaluates a variable's value as
/// arithmetic again, array subscripts and `$(...)` in it included, so `x='a[$(cmd)]';
/// [[ $x -eq 0 ]]` runs `cmd`.
pub fn names_variable(expr: &str) -> bool {
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit() {
            // A number, with a base or hex digits (`16#ff`, `0x1F`).
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'#') {
                i += 1;
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            return true;
        }
        i += 1;
    }
    false
}

/// A parameter expansion that evaluates arithmetic on text that names a variable: an array
/// subscript (`${a[i]}`) or a substring offset (`${x:i}`).
fn evaluates_arithmetic(source: &str) -> bool {
    let inner = source
        .strip_prefix("${")
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or("");
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '!' || c == '#'))
        .unwrap_or(inner.len());
    let rest = &inner[name_end..];
    if let Some(index) = rest.strip_prefix('[') {
        let index = index.split(']').next().unwrap_or("");
        if index != "@" && index != "*" && names_variable(index) {
            return true;
        }
    }
    if let Some(offset) = rest.strip_prefix(':')
        && !offset.starts_with(['-', '=', '+', '?'])
    {
        return names_variable(offset);
    }
    false
}

/// Unquoted `{a,b}` or `{1..3}` (brace expansion turns one word into several).
fn has_brace_expansion(raw: &str) -> bool {
    if !raw.contains('{') {
        return false;
    }
    matches!(
        brush_parser::word::parse_brace_expansions(raw, &super::parser_options()),
        Ok(Some(parts)) if parts.iter().any(|p| matches!(p, brush_parser::word::BraceExpressionOrText::Expr(_)))
    )
}

/// Decodes the body of `$'...'`; `None` for escapes it does not know.
fn ansi_c(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'e' | 'E' => out.push('\u{1b}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' | '\'' | '"' | '?' => out.push(e),
            '0'..='7' => {
                let mut value = e.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value & 0xff)?);
            }
            'x' | 'u' | 'U' => {
                let max = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut value = 0u32;
                let mut n = 0;
                while n < max {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            value = value.checked_mul(16)?.checked_add(d)?;
                            chars.next();
                            n += 1;
                        }
                        None => break,
                    }
                }
                if n == 0 {
                    return None;
                }
                out.push(char::from_u32(value)?);
            }
            'c' => {
                let ctl = chars.next()?;
                out.push(char::from_u32(u32::from(ctl) & 0x1f)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(raw: &str) -> Option<String> {
        resolve(raw)
            .word
            .and_then(|w| w.as_literal().map(str::to_owned))
    }

    #[test]
    fn quote_removal() {
        assert_eq!(lit("g\\it").as_deref(), Some("git"));
        assert_eq!(lit("\"git\"").as_deref(), Some("git"));
        assert_eq!(lit("'com'mit").as_deref(), Some("commit"));
        assert_eq!(lit("$'\\x67it'").as_deref(), Some("git"));
        assert_eq!(lit("$'\\147it'").as_deref(), Some("git"));
        assert_eq!(lit("\"a\\b\"").as_deref(), Some("a\\b"));
        assert_eq!(lit("\"a\\\"b\"").as_deref(), Some("a\"b"));
        assert_eq!(lit("$x"), None);
        assert_eq!(lit("{commit,x}"), None);
        let r = resolve("\"a $(git commit) b\"");
        assert_eq!(r.substitutions, vec!["git commit".to_owned()]);
        assert_eq!(resolve("*.md").word.map(|w| w.kind), Some(WordKind::Glob));
        assert_eq!(
            resolve("'*.md'").word.map(|w| w.kind),
            Some(WordKind::Literal)
        );
        assert!(!resolve("${x:-$(git commit)}").unknowable.is_empty());
    }
}
