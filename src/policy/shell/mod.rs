//! Static analysis of a shell command, on a real parse (brush-parser).
//!
//! Pure: text in, [`Analysis`] out, no I/O. For every simple command that can run — in lists,
//! pipelines, subshells, groups, `if`/`while`/`for`/`case` bodies, function bodies, command and
//! process substitutions (also inside double quotes), here-documents fed to a shell, `bash -c`
//! and `eval` strings — the analysis gives its *effective* argv: quotes and escapes removed,
//! wrappers such as `env`, `sudo`, `timeout`, `xargs` and `find -exec` seen through, and
//! `/usr/bin/git` read as `git`. git invocations are parsed as git parses them
//! ([`git::GitInvocation`]).
//!
//! What cannot be resolved statically is reported as *opaque*, with the reason: a command name
//! from an expansion, `eval` of non-literal text, `source`, a script file, code given to an
//! interpreter, a function or alias defined in the command and then called, assignments to
//! `PATH` or to git's environment, git configuration that runs programs, and anything the
//! parser rejects. A caller that enforces a gate treats opaque as "could be anything".

pub mod git;
pub mod programs;
pub mod words;

use brush_parser::ast;

use git::{GitInvocation, GitOperation};
use programs::Runs;
use words::{Word, WordKind};

/// Nesting deeper than this (`bash -c` inside `eval` inside `$(...)`...) is opaque.
const MAX_DEPTH: usize = 12;
/// Commands longer than this are not analysed (opaque).
pub const MAX_LEN: usize = 128 * 1024;
/// At most this many simple commands are analysed.
const MAX_COMMANDS: usize = 4096;

/// At most this much text is given to the parser for one command, nested texts (`eval`,
/// `bash -c`, probes of text that may be shell) counted each time: 300 nested `eval`s made
/// the analysis parse its text thousands of times (found by fuzzing the hook: 2 s, 20 s
/// under the fuzzer's instrumentation).
const MAX_PARSED: usize = 4 * 1024 * 1024;

/// At most this many commands are resolved for one command text, the commands found in other
/// commands' arguments counted each time (300 `eval` words resolved each other's arguments
/// again and again).
const MAX_RESOLVED: usize = 50_000;

thread_local! {
    /// Text given to the parser so far in the current [`analyze`].
    static PARSED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Commands resolved so far in the current [`analyze`].
    static RESOLVED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Text with more `(` open at once than this is not parsed.
const MAX_PARENTHESES: usize = 16;

/// Text whose constructs nest deeper than this ([`words::nesting`]) is not parsed: the parser
/// recurses once per level, and a command of 1,500 nested `{ ... }` groups overflowed the
/// hook's stack (Claude Code then ran the command unchecked). Real commands nest a few levels.
pub const MAX_NESTING: usize = 40;

/// `case` statements nested deeper than this are not parsed: brush-parser 0.4 backtracks
/// exponentially over a malformed one inside many (found by fuzzing: 24 took over 20 s).
const MAX_CASE_NESTING: usize = 8;

/// Ten digits or more right before `<` or `>`: a descriptor number beyond `i32`.
fn overflowing_descriptor(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut run = 0usize;
    for &b in bytes {
        if b.is_ascii_digit() {
            run += 1;
        } else {
            if run >= 10 && (b == b'<' || b == b'>') {
                return true;
            }
            run = 0;
        }
    }
    false
}

/// Why text with a [`bodiless_here_document`] is opaque.
const NO_BODY: &str = "a here-document has no body, so the shell would not run it as written";

/// A here-document operator (`<<`, not `<<<`, outside quotes and arithmetic) with no line
/// after it that could hold its body. The shell never runs such text as written (the body
/// is missing), and brush-parser 0.4 queues tokens without end on some of it — a delimiter
/// that is only blanks it does not treat as blanks (`\r`, `\f`), or one inside `$(` —
/// (measured: 4 GB in three seconds on `a $(b <<  c `), so it is not parsed.
fn bodiless_here_document(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut arithmetic = 0usize;
    // A `<<` inside double quotes (in a `$(` there) counts when the quote never closes.
    let mut quoted_here = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if escaped {
            escaped = false;
        } else if single {
            single = b != b'\'';
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            double = !double;
        } else if b == b'\'' && !double {
            single = true;
        } else if !double && bytes[i..].starts_with(b"((") {
            arithmetic += 1;
            i += 1;
        } else if !double && arithmetic > 0 && bytes[i..].starts_with(b"))") {
            arithmetic -= 1;
            i += 1;
        } else if arithmetic == 0
            && bytes[i..].starts_with(b"<<")
            && bytes.get(i + 2) != Some(&b'<')
            && (i == 0 || bytes[i - 1] != b'<')
            && !bytes[i..].contains(&b'\n')
        {
            if !double {
                return true;
            }
            quoted_here = true;
        }
        i += 1;
    }
    double && quoted_here
}

/// One simple command that can run, as the shell would run it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Command {
    /// The effective argv: wrappers removed, quotes and escapes removed.
    pub argv: Vec<Word>,
    /// The program as looked up: the last path component of `argv[0]`, when literal.
    pub program: Option<String>,
    /// The wrappers it ran under, outermost first (`sudo`, `env`).
    pub wrappers: Vec<String>,
    /// Environment assignments for this command (`A=1 cmd`, `env A=1 cmd`).
    pub assignments: Vec<(String, Word)>,
    /// The wrapper adds arguments only known at run time (`xargs`, `find -exec`).
    pub extra_args: bool,
    /// It runs with a cleared or reset environment (`env -i`, `sudo`).
    pub clears_env: bool,
    /// The directory changes (`cd DIR`) that precede it in the same command text.
    pub cd: Vec<Word>,
    /// It writes a file through a redirection or an output option.
    pub writes: bool,
    /// The git invocation, when the program is git.
    pub git: Option<GitInvocation>,
    /// The simple command as written.
    pub text: String,
}

impl Command {
    /// The command this one runs as `argv`, under `wrapper`, in the same environment and
    /// directory.
    fn runs(&self, wrapper: &str, argv: Vec<Word>) -> Command {
        Command {
            argv,
            program: None,
            wrappers: vec![wrapper.to_owned()],
            assignments: self.assignments.clone(),
            extra_args: self.extra_args,
            clears_env: self.clears_env,
            cd: self.cd.clone(),
            writes: false,
            git: None,
            text: self.text.clone(),
        }
    }

    /// The effective argv as text (dynamic words as written).
    pub fn argv_text(&self) -> String {
        self.argv
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Something in the command that the analysis cannot see into.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Opaque {
    /// The construct, as written (shortened).
    pub construct: String,
    /// Why it is opaque.
    pub reason: String,
}

/// A file a redirection writes, and where the shell is when it does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WriteTarget {
    pub path: Word,
    /// The directory changes before it, in order.
    pub cd: Vec<Word>,
}

/// The analysis of one command text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Analysis {
    pub commands: Vec<Command>,
    pub opaque: Vec<Opaque>,
    /// Targets of redirections that write (`> file`, `>> file`, `&> file`).
    pub redirect_writes: Vec<String>,
    /// The same targets with the `cd`s that precede them, to resolve relative paths.
    pub write_targets: Vec<WriteTarget>,
    /// Command and process substitutions it runs.
    pub substitutions: usize,
    /// The environment variables it sets, exports or unsets, by name, wherever in the text (`*`
    /// when it runs a command with a cleared environment, which is opaque in itself, and which
    /// agentspec's git hooks refuse for want of a session): the engine refuses a change of the
    /// variables the host names its sessions by.
    pub variables: Vec<String>,
}

impl Analysis {
    /// Every git operation it performs.
    pub fn git_operations(&self) -> Vec<GitOperation> {
        let mut ops: Vec<GitOperation> = self
            .commands
            .iter()
            .filter_map(|c| c.git.as_ref())
            .flat_map(|g| g.operations.iter().copied())
            .collect();
        ops.sort();
        ops
    }

    /// The commands that perform `op`.
    pub fn performing(&self, op: GitOperation) -> impl Iterator<Item = &Command> {
        self.commands
            .iter()
            .filter(move |c| c.git.as_ref().is_some_and(|g| g.operations.contains(&op)))
    }

    pub fn is_opaque(&self) -> bool {
        !self.opaque.is_empty()
    }
}

/// Whether an opaque part is text the analysis could not read at all (too long, too deep,
/// rejected by the parser), rather than a construct it read and cannot see into.
pub fn unread(opaque: &Opaque) -> bool {
    [
        "too long",
        "too deeply",
        "too many parts",
        "too much work",
        "the shell parser",
        "NUL byte",
    ]
    .iter()
    .any(|m| opaque.reason.contains(m))
}

/// Whether raw text names git and one of the operations the gates cover, as words.
pub fn names_gated_git(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    (has("git") || words.iter().any(|w| w.starts_with("git-")))
        && [
            "commit",
            "push",
            "merge",
            "pull",
            "rebase",
            "cherry-pick",
            "revert",
            "am",
            "update-ref",
            "commit-tree",
            "send-pack",
            "fast-import",
            "filter-branch",
        ]
        .iter()
        .any(|w| has(w))
}

pub(crate) fn parser_options() -> brush_parser::ParserOptions {
    brush_parser::ParserOptions::default()
}

/// The number of simple commands when the text is one `&&` chain of simple commands run in
/// the foreground, so that its exit status is non-zero when any of them fails. `;` between commands, `||`, `&`, `!`,
/// pipes, subshells, groups, loops and function definitions can each hide a failure.
/// `None` for anything else, text that does not parse or that [`analyze`] finds opaque.
pub fn plain_chain(text: &str) -> Option<usize> {
    if analyze(text).is_opaque() {
        return None;
    }
    let parsed = std::panic::catch_unwind(|| {
        let options = parser_options();
        let mut parser =
            brush_parser::Parser::new(std::io::BufReader::new(text.as_bytes()), &options);
        parser.parse_program()
    });
    let Ok(Ok(program)) = parsed else {
        return None;
    };
    let [complete] = program.complete_commands.as_slice() else {
        return None;
    };
    let [ast::CompoundListItem(and_or, separator)] = complete.0.as_slice() else {
        return None;
    };
    if matches!(separator, ast::SeparatorOperator::Async) {
        return None;
    }
    let mut pipelines = vec![&and_or.first];
    for next in &and_or.additional {
        match next {
            ast::AndOr::And(p) => pipelines.push(p),
            ast::AndOr::Or(_) => return None,
        }
    }
    pipelines
        .iter()
        .all(|p| {
            !p.bang && p.timed.is_none() && matches!(p.seq.as_slice(), [ast::Command::Simple(_)])
        })
        .then_some(pipelines.len())
}

/// Analyses a command as the Bash tool would run it.
pub fn analyze(text: &str) -> Analysis {
    // The same command is analysed several times for one event (does it need the work tree,
    // what is decided, what it did); the last result is kept per thread.
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Analysis)>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Some(hit) = LAST.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(t, _)| t == text)
            .map(|(_, a)| a.clone())
    }) {
        return hit;
    }
    let outer = (
        PARSED.with(|p| p.replace(0)),
        RESOLVED.with(|r| r.replace(0)),
    );
    let mut walker = Walker::default();
    walker.text(text, 0);
    PARSED.with(|p| p.set(outer.0));
    RESOLVED.with(|r| r.set(outer.1));
    let analysis = walker.out;
    LAST.with(|last| *last.borrow_mut() = Some((text.to_owned(), analysis.clone())));
    analysis
}

#[derive(Default)]
struct Walker {
    out: Analysis,
    /// Functions and aliases defined so far in this command.
    functions: Vec<String>,
    aliases: Vec<String>,
    /// `cd` targets seen so far, in order.
    cd: Vec<Word>,
    /// The text being walked (spans in the syntax tree point into it), and whether it is ASCII
    /// (then character positions are byte positions).
    source: String,
    source_ascii: bool,
    /// A `cd` went to a directory only known at run time (`cd -`, `cd "$X"`, `popd`):
    /// relative paths written after it could be anywhere, git's folder included.
    cwd_unknown: bool,
}

/// The pieces of a simple command while it is read.
#[derive(Default)]
struct Parts {
    argv: Vec<Word>,
    assignments: Vec<(String, Word)>,
    /// Literal here-document or here-string text on standard input (`Some(None)`: not
    /// literal).
    stdin_text: Option<Option<String>>,
}

/// The text between two character positions (the parser counts characters, not bytes).
fn char_slice(text: &str, ascii: bool, start: usize, end: usize) -> Option<&str> {
    if ascii {
        return text.get(start..end);
    }
    let byte = |n: usize| {
        text.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .nth(n)
    };
    text.get(byte(start)?..byte(end)?)
}

/// How a simple command's standard input is fed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Inherited,
    Pipe,
}

fn shorten(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() > 120 {
        let mut s: String = t.chars().take(117).collect();
        s.push_str("...");
        s
    } else {
        t.to_owned()
    }
}

impl Walker {
    /// Records a variable the command changes.
    fn changes_variable(&mut self, name: &str) {
        if !self.out.variables.iter().any(|v| v == name) {
            self.out.variables.push(name.to_owned());
        }
    }

    fn opaque(&mut self, construct: &str, reason: impl Into<String>) {
        let o = Opaque {
            construct: shorten(construct),
            reason: reason.into(),
        };
        if !self.out.opaque.contains(&o) {
            self.out.opaque.push(o);
        }
    }

    /// Parses and walks shell text.
    fn text(&mut self, text: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.opaque(text, "the command nests shells too deeply to analyse");
            return;
        }
        if text.len() > MAX_LEN {
            self.opaque(text, "the command is too long to analyse");
            return;
        }
        if text.contains('\0') {
            self.opaque(text, "the command contains a NUL byte");
            return;
        }
        // The parser (brush-parser 0.4) backtracks exponentially over a long run of `(`
        // (measured: 24 take half a second) and panics on a redirection's descriptor number
        // beyond `i32`.
        if words::most_open(text, '(', ')') > MAX_PARENTHESES {
            self.opaque(text, "the command nests parentheses too deeply to analyse");
            return;
        }
        if words::case_nesting(text) > MAX_CASE_NESTING {
            self.opaque(text, "the command nests `case` too deeply to analyse");
            return;
        }
        if words::nesting(text) > MAX_NESTING {
            self.opaque(
                text,
                "the command nests its constructs too deeply to analyse",
            );
            return;
        }
        let parsed = PARSED.with(|p| {
            let n = p.get().saturating_add(text.len());
            p.set(n);
            n
        });
        if parsed > MAX_PARSED {
            self.opaque(text, "the command takes too much work to analyse");
            return;
        }
        if bodiless_here_document(text) {
            self.opaque(text, NO_BODY);
            return;
        }
        if overflowing_descriptor(text) {
            self.opaque(
                text,
                "a redirection's descriptor number is too large for the shell",
            );
            return;
        }
        let parsed = std::panic::catch_unwind(|| {
            let options = parser_options();
            let mut parser =
                brush_parser::Parser::new(std::io::BufReader::new(text.as_bytes()), &options);
            parser.parse_program()
        });
        match parsed {
            Ok(Ok(program)) => {
                let outer = std::mem::replace(&mut self.source, text.to_owned());
                let outer_ascii = std::mem::replace(&mut self.source_ascii, text.is_ascii());
                for complete in &program.complete_commands {
                    self.compound_list(complete, depth);
                }
                self.source = outer;
                self.source_ascii = outer_ascii;
            }
            Ok(Err(e)) => self.opaque(text, format!("the shell parser rejects it: {e}")),
            Err(_) => self.opaque(text, "the shell parser failed on it"),
        }
    }

    /// Walks text that a shell might run, ignoring it when it does not parse.
    fn text_if_it_parses(&mut self, text: &str, depth: usize) {
        let mut probe = Walker::default();
        probe.text(text, depth + 1);
        if probe
            .out
            .opaque
            .iter()
            .all(|o| !o.reason.starts_with("the shell parser") && o.reason != NO_BODY)
        {
            self.text(text, depth + 1);
        }
    }

    fn compound_list(&mut self, list: &ast::CompoundList, depth: usize) {
        for ast::CompoundListItem(and_or, _) in &list.0 {
            self.pipeline(&and_or.first, depth);
            for next in &and_or.additional {
                match next {
                    ast::AndOr::And(p) | ast::AndOr::Or(p) => self.pipeline(p, depth),
                }
            }
        }
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, depth: usize) {
        for (i, command) in pipeline.seq.iter().enumerate() {
            let input = if i == 0 {
                Input::Inherited
            } else {
                Input::Pipe
            };
            self.command(command, input, depth);
        }
    }

    fn command(&mut self, command: &ast::Command, input: Input, depth: usize) {
        if self.out.commands.len() >= MAX_COMMANDS {
            self.opaque("", "the command has too many parts to analyse");
            return;
        }
        match command {
            ast::Command::Simple(simple) => self.simple(simple, input, depth),
            ast::Command::Compound(compound, redirects) => {
                self.compound(compound, depth);
                if let Some(list) = redirects {
                    for r in &list.0 {
                        self.redirect(r, depth);
                    }
                }
            }
            ast::Command::Function(def) => {
                let name = def.fname.value.clone();
                if name == "command_not_found_handle" {
                    self.opaque(
                        &name,
                        "a `command_not_found_handle` function runs for every unknown command",
                    );
                }
                self.functions.push(name);
                // The body runs when the function is called; analysing it keeps what it does
                // visible even though the call itself is opaque.
                self.compound(&def.body.0, depth);
                if let Some(list) = &def.body.1 {
                    for r in &list.0 {
                        self.redirect(r, depth);
                    }
                }
            }
            ast::Command::ExtendedTest(test, redirects) => {
                self.extended_test(&test.expr, depth);
                if let Some(list) = redirects {
                    for r in &list.0 {
                        self.redirect(r, depth);
                    }
                }
            }
        }
    }

    fn extended_test(&mut self, expr: &ast::ExtendedTestExpr, depth: usize) {
        match expr {
            ast::ExtendedTestExpr::And(a, b) | ast::ExtendedTestExpr::Or(a, b) => {
                self.extended_test(a, depth);
                self.extended_test(b, depth);
            }
            ast::ExtendedTestExpr::Not(a) | ast::ExtendedTestExpr::Parenthesized(a) => {
                self.extended_test(a, depth);
            }
            ast::ExtendedTestExpr::UnaryTest(_, w) => {
                self.word(&w.value, depth);
            }
            ast::ExtendedTestExpr::BinaryTest(predicate, a, b) => {
                let left = self.word(&a.value, depth);
                let right = self.word(&b.value, depth);
                use ast::BinaryPredicate as P;
                let arithmetic = matches!(
                    predicate,
                    P::ArithmeticEqualTo
                        | P::ArithmeticNotEqualTo
                        | P::ArithmeticLessThan
                        | P::ArithmeticLessThanOrEqualTo
                        | P::ArithmeticGreaterThan
                        | P::ArithmeticGreaterThanOrEqualTo
                );
                if arithmetic
                    && [&left, &right]
                        .iter()
                        .any(|w| w.kind != WordKind::Literal || words::names_variable(&w.text))
                {
                    self.opaque(
                        &format!("{} {}", a.value, b.value),
                        "`[[ ... -eq ... ]]` evaluates its operands as arithmetic, which runs any command hidden in a variable's value",
                    );
                }
            }
        }
    }

    fn compound(&mut self, compound: &ast::CompoundCommand, depth: usize) {
        match compound {
            ast::CompoundCommand::Arithmetic(a) => {
                // The parser reads `( ( cmd ) )` as `((cmd))` too; bash only treats `((`
                // written together as arithmetic.
                let written = char_slice(
                    &self.source,
                    self.source_ascii,
                    a.loc.start.index,
                    a.loc.end.index,
                )
                .unwrap_or("((");
                if written.starts_with("((") {
                    self.arithmetic(&a.expr.value, depth);
                } else {
                    self.text(&a.expr.value, depth + 1);
                }
            }
            ast::CompoundCommand::ArithmeticForClause(f) => {
                for e in [&f.initializer, &f.condition, &f.updater]
                    .into_iter()
                    .flatten()
                {
                    self.arithmetic(&e.value, depth);
                }
                self.compound_list(&f.body.list, depth);
            }
            ast::CompoundCommand::BraceGroup(g) => self.compound_list(&g.list, depth),
            ast::CompoundCommand::Subshell(s) => {
                // A subshell's `cd` does not outlive it.
                let saved = self.cd.len();
                self.compound_list(&s.list, depth);
                self.cd.truncate(saved);
            }
            ast::CompoundCommand::ForClause(f) => {
                self.assigned_name(&f.variable_name, &format!("for {} in ...", f.variable_name));
                for w in f.values.iter().flatten() {
                    self.word(&w.value, depth);
                }
                self.compound_list(&f.body.list, depth);
            }
            ast::CompoundCommand::CaseClause(c) => {
                self.word(&c.value.value, depth);
                for item in &c.cases {
                    for p in &item.patterns {
                        self.word(&p.value, depth);
                    }
                    if let Some(cmd) = &item.cmd {
                        self.compound_list(cmd, depth);
                    }
                }
            }
            ast::CompoundCommand::IfClause(i) => {
                self.compound_list(&i.condition, depth);
                self.compound_list(&i.then, depth);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.compound_list(c, depth);
                    }
                    self.compound_list(&e.body, depth);
                }
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.compound_list(&w.0, depth);
                self.compound_list(&w.1.list, depth);
            }
            ast::CompoundCommand::Coprocess(c) => self.command(&c.body, Input::Inherited, depth),
        }
    }

    /// Arithmetic can run substitutions, and a POSIX shell reads `((cmd))` as two nested
    /// subshells: resolved as the `$((...))` word it would be.
    fn arithmetic(&mut self, expr: &str, depth: usize) {
        self.word(&format!("$(({expr}))"), depth);
    }

    /// A variable the command assigns (by any means): sensitive names are opaque.
    fn assigned_name(&mut self, name: &str, construct: &str) {
        self.changes_variable(name);
        if programs::is_sensitive_variable(name) {
            self.opaque(
                construct,
                format!("it changes `{name}`, which changes what commands run"),
            );
        }
    }

    /// A value assigned to a variable that holds command-substitution syntax as text: a later
    /// arithmetic or prompt expansion can run it.
    fn assigned_value(&mut self, value: &Word, construct: &str) {
        if value.kind == WordKind::Literal
            && (value.text.contains("$(") || value.text.contains('`'))
        {
            self.opaque(
                construct,
                "the value holds a command substitution as text, which a later expansion can run",
            );
        }
    }

    /// Resolves one word, analysing the substitutions it runs.
    fn word(&mut self, raw: &str, depth: usize) -> Word {
        let resolved = words::resolve(raw);
        for inner in &resolved.substitutions {
            self.out.substitutions += 1;
            self.text(inner, depth + 1);
        }
        for text in &resolved.maybe_commands {
            self.text_if_it_parses(text, depth);
        }
        for why in resolved.unknowable {
            self.opaque(raw, why);
        }
        resolved.word.unwrap_or_else(|| Word {
            text: raw.to_owned(),
            kind: WordKind::Dynamic,
        })
    }

    /// A file a redirection writes: git's own files are opaque, and so is a relative path
    /// after a `cd` to a directory only known at run time.
    fn write_target(&mut self, word: &Word, raw: &str) {
        if word.text == "/dev/null" {
            return;
        }
        if programs::is_git_internal(&word.text) {
            self.opaque(raw, "it writes git's own files");
        }
        if self.cwd_unknown && !word.text.starts_with('/') {
            self.opaque(
                raw,
                "it writes a relative path after a `cd` to a directory only known at run time",
            );
        }
        self.out.redirect_writes.push(word.text.clone());
        self.out.write_targets.push(WriteTarget {
            path: word.clone(),
            cd: self.cd.clone(),
        });
    }

    /// A redirection: notes writes, walks process substitutions; returns literal here-doc or
    /// here-string text fed to standard input (`Some(None)` when it is not literal).
    fn redirect(&mut self, r: &ast::IoRedirect, depth: usize) -> Option<Option<String>> {
        match r {
            ast::IoRedirect::File(fd, kind, target) => {
                // `< file`: standard input from a file, whose text is not known.
                let reads_stdin = matches!(kind, ast::IoFileRedirectKind::Read)
                    && fd.is_none_or(|fd| fd == 0)
                    && matches!(target, ast::IoFileRedirectTarget::Filename(_));
                let writes = matches!(
                    kind,
                    ast::IoFileRedirectKind::Write
                        | ast::IoFileRedirectKind::Append
                        | ast::IoFileRedirectKind::ReadAndWrite
                        | ast::IoFileRedirectKind::Clobber
                        | ast::IoFileRedirectKind::DuplicateOutput
                );
                match target {
                    ast::IoFileRedirectTarget::Filename(w) => {
                        let word = self.word(&w.value, depth);
                        if writes {
                            self.write_target(&word, &w.value);
                        }
                    }
                    ast::IoFileRedirectTarget::Duplicate(w) => {
                        let word = self.word(&w.value, depth);
                        let fd = word.text.trim_end_matches('-');
                        if writes && !fd.is_empty() && !fd.chars().all(|c| c.is_ascii_digit()) {
                            self.write_target(&word, &w.value);
                        }
                    }
                    ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                        self.out.substitutions += 1;
                        let saved = self.cd.len();
                        self.compound_list(&sub.list, depth + 1);
                        self.cd.truncate(saved);
                    }
                    ast::IoFileRedirectTarget::Fd(_) => {}
                }
                reads_stdin.then_some(None)
            }
            ast::IoRedirect::OutputAndError(w, _) => {
                let word = self.word(&w.value, depth);
                self.write_target(&word, &w.value);
                None
            }
            ast::IoRedirect::HereString(_, w) => {
                let word = self.word(&w.value, depth);
                Some(word.as_literal().map(|t| format!("{t}\n")))
            }
            ast::IoRedirect::HereDocument(_, doc) => {
                if !doc.requires_expansion {
                    return Some(Some(doc.doc.value.clone()));
                }
                // An unquoted delimiter: the body is expanded first, substitutions included.
                match brush_parser::word::parse_heredoc(&doc.doc.value, &parser_options()) {
                    Ok(pieces) => {
                        let mut literal = true;
                        let mut text = String::new();
                        for p in &pieces {
                            match &p.piece {
                                brush_parser::word::WordPiece::Text(t) => text.push_str(t),
                                brush_parser::word::WordPiece::EscapeSequence(e) => {
                                    text.push_str(e.strip_prefix('\\').unwrap_or(e));
                                }
                                brush_parser::word::WordPiece::CommandSubstitution(inner)
                                | brush_parser::word::WordPiece::BackquotedCommandSubstitution(
                                    inner,
                                ) => {
                                    self.out.substitutions += 1;
                                    self.text(inner, depth + 1);
                                    literal = false;
                                }
                                _ => literal = false,
                            }
                        }
                        Some(literal.then_some(text))
                    }
                    Err(_) => {
                        self.opaque(&doc.doc.value, "the here-document cannot be parsed");
                        Some(None)
                    }
                }
            }
        }
    }

    /// One prefix or suffix item of a simple command.
    fn item(
        &mut self,
        item: &ast::CommandPrefixOrSuffixItem,
        in_prefix: bool,
        parts: &mut Parts,
        depth: usize,
    ) {
        match item {
            ast::CommandPrefixOrSuffixItem::IoRedirect(r) => {
                if let Some(t) = self.redirect(r, depth) {
                    parts.stdin_text = Some(t);
                }
            }
            ast::CommandPrefixOrSuffixItem::Word(w) => {
                let word = self.word(&w.value, depth);
                parts.argv.push(word);
            }
            ast::CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                let value = match &a.value {
                    ast::AssignmentValue::Scalar(v) => self.word(&v.value, depth),
                    ast::AssignmentValue::Array(items) => {
                        for (k, v) in items {
                            if let Some(k) = k {
                                self.word(&k.value, depth);
                            }
                            self.word(&v.value, depth);
                        }
                        Word {
                            text: a.value.to_string(),
                            kind: WordKind::Dynamic,
                        }
                    }
                };
                let name = match &a.name {
                    ast::AssignmentName::VariableName(n) => n.clone(),
                    ast::AssignmentName::ArrayElementName(n, index) => {
                        if words::names_variable(index) {
                            self.opaque(
                                &w.value,
                                "an array subscript is arithmetic, which runs any command hidden in a variable's value",
                            );
                        }
                        n.clone()
                    }
                };
                self.assigned_value(&value, &w.value);
                if in_prefix || parts.argv.is_empty() {
                    parts.assignments.push((name, value));
                } else {
                    // `export A=1`, `declare A=1`: an argument of a declaration builtin.
                    let word = self.word(&w.value, depth);
                    parts.argv.push(word);
                }
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                self.out.substitutions += 1;
                let saved = self.cd.len();
                self.compound_list(&sub.list, depth + 1);
                self.cd.truncate(saved);
                parts.argv.push(Word {
                    text: "<(...)".to_owned(),
                    kind: WordKind::Dynamic,
                });
            }
        }
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, input: Input, depth: usize) {
        use brush_parser::ast::SourceLocation;
        let text = simple
            .location()
            .and_then(|span| {
                char_slice(
                    &self.source,
                    self.source_ascii,
                    span.start.index,
                    span.end.index,
                )
            })
            .map_or_else(|| simple.to_string(), str::to_owned);
        let mut parts = Parts::default();
        let before = self.out.redirect_writes.len();
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            self.item(item, true, &mut parts, depth);
        }
        if let Some(name) = &simple.word_or_name {
            let w = self.word(&name.value, depth);
            parts.argv.push(w);
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            self.item(item, false, &mut parts, depth);
        }
        let Parts {
            argv,
            assignments,
            stdin_text,
        } = parts;
        for (name, _) in &assignments {
            self.changes_variable(name);
            if programs::is_sensitive_variable(name) {
                self.opaque(
                    &text,
                    format!("it sets `{name}`, which changes what commands run"),
                );
            }
        }
        let writes = self.out.redirect_writes.len() > before;
        if argv.is_empty() {
            return;
        }
        let mut cmd = Command {
            argv,
            program: None,
            wrappers: Vec::new(),
            assignments,
            extra_args: false,
            clears_env: false,
            cd: self.cd.clone(),
            writes,
            git: None,
            text,
        };
        self.resolve(&mut cmd, input, stdin_text, depth);
    }

    /// Sees through wrappers, then records what the program does.
    fn resolve(
        &mut self,
        cmd: &mut Command,
        input: Input,
        stdin_text: Option<Option<String>>,
        depth: usize,
    ) {
        let resolved = RESOLVED.with(|r| {
            let n = r.get().saturating_add(1);
            r.set(n);
            n
        });
        if resolved > MAX_RESOLVED {
            self.opaque(&cmd.text, "the command takes too much work to analyse");
            self.push(cmd);
            return;
        }
        for _ in 0..32 {
            let Some(first) = cmd.argv.first().cloned() else {
                return;
            };
            let Some(name) = first.as_literal().map(str::to_owned) else {
                self.opaque(
                    &cmd.text,
                    format!(
                        "the command name `{}` is only known at run time",
                        first.text
                    ),
                );
                self.push(cmd);
                return;
            };
            if name.is_empty() {
                return;
            }
            let base = programs::base_name(&name).to_owned();
            if name.contains('/') && !programs::is_project_tool(&name) {
                self.opaque(
                    &cmd.text,
                    format!("`{name}` is a script file, which agentspec cannot see into"),
                );
                cmd.program = Some(base);
                self.push(cmd);
                return;
            }
            cmd.program = Some(base.clone());
            if self.functions.contains(&name) {
                self.opaque(
                    &cmd.text,
                    format!("`{name}` is a function defined in the same command"),
                );
                self.push(cmd);
                return;
            }
            if self.aliases.contains(&name) {
                self.opaque(
                    &cmd.text,
                    format!("`{name}` is an alias defined in the same command"),
                );
                self.push(cmd);
                return;
            }
            let args: Vec<Word> = cmd.argv[1..].to_vec();
            if let Some(runs) = programs::wrapper(&base, &args) {
                cmd.wrappers.push(base.clone());
                match runs {
                    Runs::Command {
                        argv,
                        assignments,
                        unsets,
                        clears_env,
                        extra_args,
                    } => {
                        for (n, _) in &assignments {
                            self.changes_variable(n);
                            if programs::is_sensitive_variable(n) {
                                self.opaque(
                                    &cmd.text,
                                    format!("it sets `{n}`, which changes what commands run"),
                                );
                            }
                        }
                        for n in &unsets {
                            self.changes_variable(n);
                            if programs::is_sensitive_variable(n) {
                                self.opaque(
                                    &cmd.text,
                                    format!("it unsets `{n}`, which agentspec's git hooks rely on"),
                                );
                            }
                        }
                        if clears_env {
                            self.changes_variable("*");
                            self.opaque(
                                &cmd.text,
                                format!("`{base}` runs the command with a cleared environment, which switches agentspec's git hooks off"),
                            );
                        }
                        cmd.assignments.extend(assignments);
                        cmd.clears_env |= clears_env;
                        cmd.extra_args |= extra_args;
                        if argv.is_empty() {
                            return;
                        }
                        cmd.argv = argv;
                        continue;
                    }
                    Runs::Script(script) => {
                        self.script(&cmd.text, &script, depth);
                        self.push(cmd);
                        return;
                    }
                    Runs::StandardInput => {
                        self.stdin_shell(cmd, input, stdin_text.clone(), depth);
                        return;
                    }
                    Runs::Nothing => {
                        self.push(cmd);
                        return;
                    }
                    Runs::Opaque(why) => {
                        self.opaque(&cmd.text, why);
                        self.push(cmd);
                        return;
                    }
                }
            }
            if base == "find" {
                let (commands, writes) = programs::find_exec(&args);
                cmd.writes |= writes;
                self.push(cmd);
                for argv in commands {
                    let mut inner = cmd.runs("find", argv);
                    inner.extra_args = true;
                    self.resolve(&mut inner, Input::Inherited, None, depth);
                }
                return;
            }
            self.program(cmd, &base, &args, input, stdin_text, depth);
            return;
        }
        self.opaque(
            &cmd.text,
            "the command wraps itself too many times to analyse",
        );
    }

    /// A program agentspec does not know may run a command given in its arguments (`setpriv
    /// git ...`, `npm exec -- git ...`, `poetry run bash -c ...`): an argument that names git,
    /// a shell, an interpreter, `eval` or a wrapper starts a command that is analysed as one
    /// when it performs a gated operation or is opaque in itself.
    fn commands_in_arguments(&mut self, cmd: &Command, args: &[Word], depth: usize) {
        // An argument that reads as shell text performing a gated operation
        // (`tool --exec 'git commit ...'`) is taken as one.
        for w in args {
            let Some(text) = w.as_literal() else { continue };
            // `--exec=git commit ...`: the value after an option's `=`.
            let text = match text.split_once('=') {
                Some((option, value)) if option.starts_with('-') => value,
                _ => text,
            };
            if !text.contains([' ', ';', '&', '|', '\n']) {
                continue;
            }
            let mut probe = Walker::default();
            probe.text(text, depth + 1);
            // A variable the text would change counts whether or not it is taken as a command.
            for v in &probe.out.variables {
                self.changes_variable(v);
            }
            if !probe.out.git_operations().is_empty() {
                self.out.commands.extend(probe.out.commands);
            }
        }
        for (i, w) in args.iter().enumerate() {
            let Some(word) = w.as_literal() else { continue };
            // A scoped package (`npm install -D @types/node`) is a name, not a program run
            // by its path.
            if word.starts_with('@') {
                continue;
            }
            let name = programs::base_name(word);
            let starts_command = programs::is_git(name)
                || programs::dashed_git(name).is_some()
                || programs::SHELLS.contains(&name)
                || name == "eval"
                || programs::wrapper(name, &[]).is_some()
                || programs::interpreter(name, &[]).is_some();
            if !starts_command {
                continue;
            }
            let mut probe = Walker {
                functions: self.functions.clone(),
                aliases: self.aliases.clone(),
                cd: cmd.cd.clone(),
                ..Walker::default()
            };
            let program = cmd.program.clone().unwrap_or_default();
            let mut inner = cmd.runs(&program, args[i..].to_vec());
            probe.resolve(&mut inner, Input::Inherited, None, depth + 1);
            for v in &probe.out.variables {
                self.changes_variable(v);
            }
            let gated = !probe.out.git_operations().is_empty();
            // An unknown git subcommand here is more likely a package name (`apt install git
            // curl`) than an alias.
            let opaque: Vec<Opaque> = probe
                .out
                .opaque
                .into_iter()
                .filter(|o| {
                    !o.reason.contains("is not a git command")
                        && !o.reason.contains("from its standard input")
                })
                .collect();
            if gated || !opaque.is_empty() {
                self.out.commands.extend(probe.out.commands);
                for o in opaque {
                    self.opaque(&o.construct, o.reason);
                }
                self.out.substitutions += probe.out.substitutions;
                self.out.redirect_writes.extend(probe.out.redirect_writes);
                self.out.write_targets.extend(probe.out.write_targets);
                return;
            }
        }
    }

    fn push(&mut self, cmd: &Command) {
        self.out.commands.push(cmd.clone());
    }

    /// Shell text run by a wrapper or a shell.
    fn script(&mut self, construct: &str, script: &Word, depth: usize) {
        match script.as_literal() {
            Some(text) => self.text(text, depth + 1),
            None => self.opaque(construct, "it runs shell text only known at run time"),
        }
    }

    /// A shell reading commands from its standard input.
    fn stdin_shell(
        &mut self,
        cmd: &Command,
        input: Input,
        stdin_text: Option<Option<String>>,
        depth: usize,
    ) {
        match (stdin_text, input) {
            (Some(Some(text)), _) => self.text(&text, depth + 1),
            (Some(None), _) => {
                self.opaque(
                    &cmd.text,
                    "the shell reads commands from a here-document only known at run time",
                );
            }
            (None, Input::Pipe) => {
                self.opaque(&cmd.text, "the shell reads commands from a pipe");
            }
            (None, Input::Inherited) => {
                self.opaque(
                    &cmd.text,
                    "the shell reads commands from its standard input",
                );
            }
        }
        self.push(cmd);
    }

    fn program(
        &mut self,
        cmd: &mut Command,
        base: &str,
        args: &[Word],
        input: Input,
        stdin_text: Option<Option<String>>,
        depth: usize,
    ) {
        let text = cmd.text.clone();
        if let Some(why) = programs::writes_git_internals(base, args) {
            self.opaque(&text, why);
        }
        if programs::STDIN_INTERPRETERS.contains(&base)
            && (stdin_text.is_some() || input == Input::Pipe)
        {
            self.opaque(
                &text,
                format!("`{base}` runs commands written in its standard input, which agentspec cannot see"),
            );
        }
        if self.cwd_unknown
            && programs::FILE_WRITERS.contains(&base)
            && args
                .iter()
                .any(|w| !w.text.starts_with(['-', '/']) && w.kind != WordKind::Dynamic)
        {
            self.opaque(
                &text,
                "it writes a relative path after a `cd` to a directory only known at run time",
            );
        }
        match base {
            _ if programs::SHELLS.contains(&base) => match programs::shell(args) {
                Runs::Script(script) => self.script(&text, &script, depth),
                Runs::StandardInput => {
                    self.stdin_shell(cmd, input, stdin_text, depth);
                    return;
                }
                Runs::Opaque(why) => self.opaque(&text, why),
                _ => {}
            },
            "eval" => {
                if args.iter().all(|w| w.kind == WordKind::Literal) {
                    let joined: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
                    self.text(&joined.join(" "), depth + 1);
                } else {
                    self.opaque(&text, "`eval` runs text only known at run time");
                }
            }
            "source" | "." => {
                self.opaque(
                    &text,
                    format!("`{base}` runs a file in this shell, which agentspec cannot see into"),
                );
            }
            "alias" => {
                for w in args {
                    if let Some((name, _)) = w.text.split_once('=') {
                        self.aliases.push(name.to_owned());
                    }
                }
            }
            "unalias" => {}
            "cd" | "pushd" => {
                let target = args
                    .iter()
                    .find(|w| !w.text.starts_with('-') || w.text == "-")
                    .cloned()
                    .unwrap_or_else(|| Word::literal("~"));
                if programs::is_git_internal(&target.text)
                    || programs::is_repository_folder(&target.text)
                {
                    self.opaque(
                        &text,
                        "it changes into git's own folder, where any write changes refs or objects",
                    );
                }
                if target.kind == WordKind::Dynamic || target.text == "-" {
                    self.cwd_unknown = true;
                }
                self.cd.push(target);
            }
            "popd" => {
                self.cwd_unknown = true;
                self.cd.push(Word {
                    text: "popd".to_owned(),
                    kind: WordKind::Dynamic,
                });
            }
            "export" | "declare" | "typeset" | "local" | "readonly" | "unset" => {
                let removes = base == "unset"
                    || args
                        .iter()
                        .any(|w| w.text == "-n" || w.text.starts_with('+'));
                for w in args.iter().filter(|w| !w.text.starts_with(['-', '+'])) {
                    let name = w.text.split('=').next().unwrap_or(&w.text);
                    let assigns = w.text.contains('=');
                    if assigns || removes {
                        self.changes_variable(name);
                    }
                    if programs::is_sensitive_variable(name) && (assigns || removes) {
                        self.opaque(
                            &text,
                            format!("it changes `{name}`, which changes what commands run"),
                        );
                    }
                    if w.kind == WordKind::Dynamic && (assigns || removes) {
                        self.opaque(
                            &text,
                            format!("`{base}` changes a variable only known at run time"),
                        );
                    }
                }
                for (name, _) in &cmd.assignments {
                    self.changes_variable(name);
                    if programs::is_sensitive_variable(name) {
                        self.opaque(
                            &text,
                            format!("it changes `{name}`, which changes what commands run"),
                        );
                    }
                }
                if base != "unset"
                    && args.iter().any(|w| {
                        w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && (w.text.contains('n') || w.text.contains('i'))
                    })
                {
                    self.opaque(
                        &text,
                        format!("`{base} -n` makes a name refer to another variable, and `-i` evaluates values as arithmetic"),
                    );
                }
                for w in args.iter().filter(|w| w.text.contains('=')) {
                    let value = w.text.split_once('=').map_or("", |(_, v)| v);
                    self.assigned_value(&Word::literal(value), &text);
                }
            }
            "printf" => {
                if let Some(i) = args.iter().position(|w| w.text == "-v") {
                    match args.get(i + 1).and_then(Word::as_literal) {
                        Some(name) => self.assigned_name(name, &text),
                        None => self.opaque(
                            &text,
                            "`printf -v` assigns a variable only known at run time",
                        ),
                    }
                }
            }
            "read" | "mapfile" | "readarray" | "getopts" => {
                if args.iter().any(|w| w.text.starts_with("-C")) {
                    self.opaque(&text, format!("`{base} -C` runs a callback"));
                }
                let with_value = [
                    "-d", "-i", "-n", "-N", "-p", "-t", "-u", "-O", "-s", "-c", "-C",
                ];
                let mut i = 0;
                let mut names = Vec::new();
                while i < args.len() {
                    let a = &args[i];
                    if with_value.contains(&a.text.as_str()) {
                        i += 2;
                        continue;
                    }
                    if a.text == "-a" {
                        names.extend(args.get(i + 1).cloned());
                        i += 2;
                        continue;
                    }
                    if !a.text.starts_with('-') {
                        names.push(a.clone());
                    }
                    i += 1;
                }
                // `getopts OPTSTRING NAME`: the first operand is not a variable.
                if base == "getopts" && !names.is_empty() {
                    names.remove(0);
                }
                for n in names {
                    match n.as_literal() {
                        Some(name) => self.assigned_name(name, &text),
                        None => self.opaque(
                            &text,
                            format!("`{base}` assigns a variable only known at run time"),
                        ),
                    }
                }
            }
            "let" => {
                if args.iter().any(|w| words::names_variable(&w.text)) {
                    self.opaque(&text, "`let` evaluates arithmetic, which runs any command hidden in a variable's value");
                }
            }
            "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => {
                if let Some(why) = programs::awk(args) {
                    self.opaque(&text, why);
                }
            }
            "sed" | "gsed" => {
                if let Some(why) = programs::sed(args) {
                    self.opaque(&text, why);
                }
            }
            "npm" | "pnpm" | "yarn" | "lerna"
                if !programs::release_operations(base, args).is_empty() =>
            {
                cmd.git = Some(GitInvocation {
                    subcommand: None,
                    operations: programs::release_operations(base, args),
                    location: Vec::new(),
                    writes: false,
                    opaque: None,
                    runs: Vec::new(),
                    skips_hooks: false,
                });
            }
            "gh" | "glab" => {
                let pushes = if base == "gh" {
                    programs::gh_pushes(args)
                } else {
                    programs::glab_pushes(args)
                };
                if pushes {
                    cmd.git = Some(GitInvocation {
                        subcommand: None,
                        operations: vec![GitOperation::Push],
                        location: Vec::new(),
                        writes: false,
                        opaque: None,
                        runs: Vec::new(),
                        skips_hooks: false,
                    });
                }
            }
            _ if programs::is_git(base) || programs::dashed_git(base).is_some() => {
                let mut git_args = args.to_vec();
                if let Some(sub) = programs::dashed_git(base) {
                    git_args.insert(0, Word::literal(sub));
                }
                let mut inv = git::analyse(&git_args);
                if cmd.extra_args && inv.subcommand.is_none() && inv.opaque.is_none() {
                    // `echo commit | xargs git`: the subcommand arrives at run time.
                    inv.opaque = Some("git's subcommand is added at run time".to_owned());
                }
                if let Some(why) = &inv.opaque {
                    self.opaque(&text, why.clone());
                }
                for run in &inv.runs {
                    self.text(run, depth + 1);
                }
                cmd.writes |= inv.writes;
                cmd.git = Some(inv);
            }
            _ => {
                if let Some(Some(why)) = programs::interpreter(base, args) {
                    self.opaque(&text, why);
                } else if let Some(why) = programs::runs_commands_otherwise(base, args) {
                    self.opaque(&text, why);
                } else if !programs::NON_EXECUTING.contains(&base) {
                    self.commands_in_arguments(cmd, args, depth);
                }
            }
        }
        if args
            .iter()
            .any(|w| w.text.starts_with("--output") || w.text.starts_with("--out-file"))
        {
            cmd.writes = true;
        }
        self.push(cmd);
    }
}
