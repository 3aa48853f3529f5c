//! The Definition of Done, judged when an agent stops: each item met, not applicable (the
//! agent's `n/a` with a reason, for an item its checklist verifies), or unmet with why; and the
//! one message that lists everything still open when the stop is refused.
//!
//! What the runner checks itself — a `[done.commands]` command, a report threshold, the test
//! evidence — must be met: an `n/a` for it is refused with the reason. The forms of a
//! checklist answer are listed in `docs/definition-of-done.md` and tested in `tests/done.rs`.

use serde::Serialize;

use super::decide::{AgentState, CheckOutcome, CheckStatus, WorkTree};
use super::{AgentPolicy, DoneChecks, DoneRequirement, ReportKind, Threshold, Verify};

/// What the Definition of Done is judged on when the agent stops.
#[derive(Debug, Clone, Copy, Default)]
pub struct StopContext<'a> {
    /// The agent's final message.
    pub last_message: &'a str,
    /// The work tree now, when the runner could tell.
    pub work: Option<&'a WorkTree>,
    /// The checks the runner ran itself.
    pub checks: &'a [CheckOutcome],
}

/// Where one item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    Met,
    /// The agent answered that it does not apply to the task, with a reason.
    NotApplicable,
    Unmet,
}

/// Where one Definition-of-Done item stands, and what decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemVerdict {
    pub id: String,
    pub group: Option<String>,
    pub text: String,
    pub status: ItemStatus,
    /// What decided it: the command and exit code, the report and value, the checklist line,
    /// or what is missing.
    pub evidence: String,
    /// For an item not applicable: the agent's reason, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How the runner checks it ([`how_checked`]).
    pub checked_by: String,
    /// Whether the agent may answer it `n/a`.
    pub may_be_not_applicable: bool,
    /// The runner checks it itself (a command, a report, test evidence), not the checklist.
    pub checked_by_runner: bool,
}

impl ItemVerdict {
    /// Met, or not applicable with a reason: nothing keeps the agent from stopping.
    pub fn settled(&self) -> bool {
        self.status != ItemStatus::Unmet
    }
}

/// How the runner checks an item, in words.
pub fn how_checked(policy: &AgentPolicy, item: &DoneRequirement) -> String {
    match &item.verify {
        Verify::Command { command } => format!("the runner's run of `{command}`"),
        Verify::Report { .. } => format!(
            "the coverage report of the runner's run of `{}`",
            policy.checks.test.as_deref().unwrap_or("")
        ),
        Verify::Evidence { .. } => match &policy.checks.test {
            Some(test) => format!("the runner's run of `{test}`"),
            None => "a plain passing run of the test suite on the work as it is".to_owned(),
        },
        Verify::Attest if item.required => {
            "the final message's checklist: `- [x]` ([done] required: no n/a)".to_owned()
        }
        Verify::Attest => {
            "the final message's checklist: `- [x]`, or `- [n/a] ... — <reason>`".to_owned()
        }
    }
}

/// Each Definition-of-Done item, with where it stands and what decided it.
pub fn done_verdicts(
    policy: &AgentPolicy,
    state: &AgentState,
    ctx: &StopContext<'_>,
) -> Vec<ItemVerdict> {
    // Answers given at the refused stops of this sequence first: a later line wins.
    let mut message = state.done_answers.join("\n");
    message.push('\n');
    message.push_str(ctx.last_message);
    let lines = checklist(&message);
    let answers = assign(&lines, &policy.done);
    policy
        .done
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let checked = match &item.verify {
                Verify::Command { command } => Some(command_verdict(ctx, command)),
                Verify::Evidence { .. } => Some(test_verdict(&policy.checks, state, ctx)),
                Verify::Report { report } => {
                    Some(report_verdict(&policy.checks, ctx, item, *report))
                }
                Verify::Attest => None,
            };
            let answer = answers.item(i, item);
            let (status, evidence, reason) = match checked {
                Some((true, evidence)) => (ItemStatus::Met, evidence, None),
                Some((false, evidence)) => match answer {
                    Some(a) if a.kind == AnswerKind::NotApplicable => (
                        ItemStatus::Unmet,
                        format!(
                            "{evidence} (`{}` answers it n/a, but the runner checks it: it must be met)",
                            a.line
                        ),
                        None,
                    ),
                    _ => (ItemStatus::Unmet, evidence, None),
                },
                None => attest_verdict(answer, item),
            };
            ItemVerdict {
                id: item.id.clone(),
                group: item.group.clone(),
                text: item.text.clone(),
                status,
                evidence,
                reason,
                checked_by: how_checked(policy, item),
                may_be_not_applicable: item.may_be_not_applicable(),
                checked_by_runner: item.verify != Verify::Attest,
            }
        })
        .collect()
}

/// Definition-of-Done items not settled yet, as `id` strings.
pub fn unmet_done(policy: &AgentPolicy, state: &AgentState, ctx: &StopContext<'_>) -> Vec<String> {
    done_verdicts(policy, state, ctx)
        .into_iter()
        .filter(|v| !v.settled())
        .map(|v| v.id)
        .collect()
}

/// The runner's own run of `command`, on the tree as it is now.
fn own_run<'a>(ctx: &StopContext<'a>, command: &str) -> Option<&'a CheckOutcome> {
    ctx.checks.iter().find(|c| {
        c.command == command
            && match (ctx.work, &c.tree) {
                (Some(w), Some(t)) => w.content() == *t,
                (None, None) => true,
                _ => false,
            }
    })
}

/// The runner's own passing run of `test` on the tree as it is now, or the unmet verdict.
fn passed_run<'a>(ctx: &StopContext<'a>, test: &str) -> Result<&'a CheckOutcome, (bool, String)> {
    let Some(run) = own_run(ctx, test) else {
        return Err((
            false,
            format!("`{test}` has not run on the work as it is now"),
        ));
    };
    if run.status != CheckStatus::Passed {
        return Err((false, describe_run(run)));
    }
    Ok(run)
}

fn describe_run(c: &CheckOutcome) -> String {
    let how = match c.status {
        CheckStatus::Passed => "passed".to_owned(),
        CheckStatus::Failed => format!(
            "failed (exit code {})",
            c.exit_code
                .map_or_else(|| "none".to_owned(), |e| e.to_string())
        ),
        CheckStatus::TimedOut => "timed out".to_owned(),
        CheckStatus::Error => "could not run".to_owned(),
    };
    let tail = c.tail.trim();
    if c.status == CheckStatus::Passed || tail.is_empty() {
        format!("`{}` {how}", c.command)
    } else {
        format!("`{}` {how}:\n{tail}", c.command)
    }
}

fn command_verdict(ctx: &StopContext<'_>, command: &str) -> (bool, String) {
    match own_run(ctx, command) {
        Some(c) => (c.status == CheckStatus::Passed, describe_run(c)),
        None => (
            false,
            format!("`{command}` has not run on the work as it is now"),
        ),
    }
}

fn test_verdict(checks: &DoneChecks, state: &AgentState, ctx: &StopContext<'_>) -> (bool, String) {
    if let Some(test) = &checks.test {
        let run = match passed_run(ctx, test) {
            Ok(run) => run,
            Err(unmet) => return unmet,
        };
        if checks.junit.is_some() {
            return junit_verdict(run);
        }
        return (true, describe_run(run));
    }
    let fresh = match (ctx.work, &state.tests_passed_on) {
        (Some(w), Some(t)) => w.content() == *t,
        // No git work tree to compare: only the file tools' edits make the evidence stale.
        (None, _) => state.last_test_pass > 0 && state.last_test_pass > state.last_edit,
        (Some(_), None) => false,
    };
    if fresh {
        (
            true,
            "a plain run of the test suite passed on the work as it is now".to_owned(),
        )
    } else if state.last_test_pass > 0 || state.tests_passed_on.is_some() {
        (
            false,
            "the work changed after the tests last passed; run the test suite again".to_owned(),
        )
    } else {
        (false, "no plain run of the test suite has passed (e.g. `npm test`, `cargo test`, `pytest`, `go test ./...`, without `|| true`, `; ...`, `&`, pipes, filters or flags that skip tests)".to_owned())
    }
}

fn junit_verdict(run: &CheckOutcome) -> (bool, String) {
    let Some(r) = run.reports.iter().find(|r| r.report == ReportKind::Junit) else {
        return (
            false,
            format!("`{}` passed but wrote no JUnit report", run.command),
        );
    };
    if let Some(e) = &r.error {
        return (false, format!("{}: {e}", r.path));
    }
    if !r.fresh {
        return (
            false,
            format!("{} was not written by `{}`", r.path, run.command),
        );
    }
    let tests = r.tests.unwrap_or(0);
    let bad = r.failures.unwrap_or(0) + r.errors.unwrap_or(0);
    let summary = format!("{}: {tests} tests, {bad} failed", r.path);
    (tests > 0 && bad == 0, summary)
}

fn report_verdict(
    checks: &DoneChecks,
    ctx: &StopContext<'_>,
    item: &DoneRequirement,
    kind: ReportKind,
) -> (bool, String) {
    let Some(test) = &checks.test else {
        return (
            false,
            "no test command is configured to write the report".to_owned(),
        );
    };
    let run = match passed_run(ctx, test) {
        Ok(run) => run,
        Err(unmet) => return unmet,
    };
    let Some(r) = run.reports.iter().find(|r| r.report == kind) else {
        return (false, format!("`{test}` wrote no report"));
    };
    if let Some(e) = &r.error {
        return (false, format!("{}: {e}", r.path));
    }
    if !r.fresh {
        return (false, format!("{} was not written by `{test}`", r.path));
    }
    let Some(value) = r.line_percent else {
        return (false, format!("{} holds no line coverage", r.path));
    };
    let failed: Vec<&Threshold> = item
        .thresholds
        .iter()
        .filter(|t| !compare(value, &t.comparison, t.value))
        .collect();
    let shown = format!("{}: line coverage {value:.2} %", r.path);
    match failed.first() {
        None => (true, shown),
        Some(t) => (
            false,
            format!("{shown}, not {} {} %", t.comparison, t.value),
        ),
    }
}

fn compare(value: f64, comparison: &str, bound: f64) -> bool {
    match comparison {
        "<" => value < bound,
        "<=" => value <= bound,
        ">" => value > bound,
        ">=" => value >= bound,
        _ => (value - bound).abs() < 1e-9,
    }
}

/// How a checklist line marks what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// `[x]`.
    Done,
    /// `[ ]`, or ticked and crossed out.
    Open,
    /// `[n/a]`, `[-]`, or a line that starts with `n/a:`.
    NotApplicable,
}

/// One line of a Markdown checklist in the agent's final message.
#[derive(Debug, Clone, PartialEq)]
struct ChecklistLine {
    mark: Mark,
    /// The marks that cross a ticked line out (`~~`, `❌`, `⏳`, ...) found on it: the line is
    /// open unless the item's own text holds each of them.
    crossings: Vec<&'static str>,
    /// The line as written, kept whole for the later stops of the sequence.
    full: String,
    /// The words after the box: (compared form, as written).
    words: Vec<(String, String)>,
    line: String,
}

/// A word as compared: lower-cased, punctuation around it dropped (`%`, `/`, `<`, `>`, `=` and
/// `'` kept), typographic quotes made plain.
fn word(raw: &str) -> String {
    raw.replace(['’', '‘'], "'")
        .trim_matches(|c: char| !c.is_alphanumeric() && !"%/<>=≤≥'".contains(c))
        .to_lowercase()
}

/// The compared words of a text, empty ones left out.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(word)
        .filter(|w| !w.is_empty())
        .collect()
}

/// The checklist lines of a message, outside code fences and HTML comments: `- [x] text`,
/// `* [ ] text`, `1. [n/a] text — reason`, `- n/a: text — reason`.
fn checklist(message: &str) -> Vec<ChecklistLine> {
    let mut out = Vec::new();
    let (mut fence, mut comment) = (false, false);
    for raw in message.lines() {
        let l = raw.trim_start();
        if comment {
            comment = !l.contains("-->");
            continue;
        }
        if l.starts_with("```") || l.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if l.starts_with("<!--") {
            comment = !l.contains("-->");
            continue;
        }
        let digits = l.len() - l.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let rest = if digits > 0 {
            l[digits..]
                .strip_prefix(". ")
                .or_else(|| l[digits..].strip_prefix(") "))
        } else {
            l.strip_prefix("- ")
                .or_else(|| l.strip_prefix("* "))
                .or_else(|| l.strip_prefix("+ "))
        };
        let Some(rest) = rest.map(str::trim_start) else {
            // A line of its own that starts with `n/a:` answers too.
            out.extend(not_applicable_line(raw, l));
            continue;
        };
        // Struck through, crossed out or pending is not done.
        let crossings: Vec<&'static str> = CROSSINGS
            .iter()
            .copied()
            .filter(|c| rest.contains(c))
            .collect();
        let boxed = |open: &str| {
            rest.get(..open.len())
                .filter(|b| b.eq_ignore_ascii_case(open))
                .map(|_| &rest[open.len()..])
        };
        let (mark, rest) = if let Some(r) = boxed("[x]") {
            (Mark::Done, r)
        } else if let Some(r) = boxed("[ ]") {
            (Mark::Open, r)
        } else if let Some(r) = ["[n/a]", "[na]", "[-]"].into_iter().find_map(boxed) {
            (Mark::NotApplicable, r)
        } else {
            out.extend(not_applicable_line(raw, rest));
            continue;
        };
        out.push(ChecklistLine {
            mark,
            crossings,
            full: raw.trim().to_owned(),
            words: split(rest),
            line: shown(raw),
        });
    }
    out
}

/// The checklist lines of a message, as written (what [`AgentState::done_answers`] keeps).
pub fn checklist_lines(message: &str) -> Vec<String> {
    checklist(message).into_iter().map(|l| l.full).collect()
}

/// A line without a box that starts with `n/a:` (the words after it name the item and the
/// reason); `None` for any other.
fn not_applicable_line(raw: &str, text: &str) -> Option<ChecklistLine> {
    let w = split(text);
    let n = not_applicable_marker(&w)?;
    Some(ChecklistLine {
        mark: Mark::NotApplicable,
        crossings: Vec::new(),
        full: raw.trim().to_owned(),
        words: w[n..].to_vec(),
        line: shown(raw),
    })
}

/// Marks that cross a ticked line out.
const CROSSINGS: &[&str] = &["~~", "❌", "✗", "✘", "✖", "⏳", "⌛", "⚠", "🚧", "⛔", "🔴"];

/// A line as quoted back (in a refusal, a verdict, the audit log): at most 200 characters.
fn shown(raw: &str) -> String {
    let line = raw.trim();
    match line.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

fn split(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .map(|raw| (word(raw), raw.to_owned()))
        .collect()
}

/// How many words at the start say "not applicable" (`n/a`, `N/A:`, `not applicable`), if any.
fn not_applicable_marker(words: &[(String, String)]) -> Option<usize> {
    let compared: Vec<&str> = words
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|w| !w.is_empty())
        .take(2)
        .collect();
    let skipped = words.iter().take_while(|(w, _)| w.is_empty()).count();
    match compared.as_slice() {
        ["n/a", ..] | ["not-applicable", ..] => Some(skipped + 1),
        ["not", "applicable"] => {
            let second = words
                .iter()
                .enumerate()
                .skip(skipped + 1)
                .find(|(_, (w, _))| !w.is_empty())
                .map_or(words.len(), |(i, _)| i + 1);
            Some(second)
        }
        _ => None,
    }
}

/// What a line says about the target it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnswerKind {
    Done,
    Open,
    NotApplicable,
    /// `n/a` without a reason.
    NoReason,
    /// Ticked with more text after the item's: a note may take the claim back.
    Added,
}

#[derive(Debug, Clone, PartialEq)]
struct Answer<'a> {
    kind: AnswerKind,
    reason: Option<String>,
    line: &'a str,
}

/// How many words of `line` the target `target` covers from the start, when it covers all of
/// the target (words that compare empty, such as `—`, are skipped).
fn covers(line: &[(String, String)], target: &[String]) -> Option<usize> {
    if target.is_empty() {
        return None;
    }
    let mut t = 0;
    for (i, (w, _)) in line.iter().enumerate() {
        if t == target.len() {
            return Some(i);
        }
        if w.is_empty() {
            continue;
        }
        if *w != target[t] {
            return None;
        }
        t += 1;
    }
    (t == target.len()).then_some(line.len())
}

/// The answer of `line` for the target whose words end at `end`.
fn answer_of<'a>(line: &'a ChecklistLine, end: usize, text: &str) -> Answer<'a> {
    let rest = &line.words[end..];
    // A tick crossed out by a mark the item's own text does not hold is open.
    let crossed = line.crossings.iter().any(|c| !text.contains(c));
    let marker = not_applicable_marker(rest);
    let reason_words = match (line.mark, marker) {
        (Mark::NotApplicable, Some(n)) => Some(&rest[n..]),
        (Mark::NotApplicable, None) => Some(rest),
        (_, Some(n)) => Some(&rest[n..]),
        (_, None) => None,
    };
    let kind = match (line.mark, reason_words) {
        (_, Some(r)) => {
            let reason = reason_text(r);
            return Answer {
                kind: if reason.is_some() {
                    AnswerKind::NotApplicable
                } else {
                    AnswerKind::NoReason
                },
                reason,
                line: &line.line,
            };
        }
        (Mark::Done, None) if crossed => AnswerKind::Open,
        (Mark::Done, None) if rest.iter().all(|(w, _)| w.is_empty()) => AnswerKind::Done,
        (Mark::Done, None) => AnswerKind::Added,
        _ => AnswerKind::Open,
    };
    Answer {
        kind,
        reason: None,
        line: &line.line,
    }
}

/// The reason as written, separators around it dropped; `None` when it says nothing.
fn reason_text(words: &[(String, String)]) -> Option<String> {
    let joined = words
        .iter()
        .map(|(_, raw)| raw.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut text = joined
        .trim_start_matches(|c: char| c.is_whitespace() || "—–-:;,.(".contains(c))
        .trim_end()
        .to_owned();
    if text.ends_with(')') && !text.contains('(') {
        text.pop();
    }
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    (letters >= 2).then_some(text)
}

/// What a line answers: an item, or a whole group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Item(usize),
    Group(usize),
}

/// The lines of the message, each given to the item or group it names best (the longest
/// name it starts with: an item's text or id, a group's name or slug).
struct Answers<'a> {
    lines: &'a [ChecklistLine],
    /// Per line: what it answers and where the name ends.
    given: Vec<Vec<(Target, usize)>>,
    /// The group of each item, as an index into `groups`.
    item_group: Vec<Option<usize>>,
}

fn assign<'a>(lines: &'a [ChecklistLine], items: &[DoneRequirement]) -> Answers<'a> {
    let mut groups: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut item_group = Vec::new();
    for item in items {
        let Some(name) = &item.group else {
            item_group.push(None);
            continue;
        };
        let slug = item.id.split('/').next().unwrap_or_default().to_owned();
        let key = (words(name), vec![slug]);
        let at = match groups.iter().position(|g| *g == key) {
            Some(at) => at,
            None => {
                groups.push(key);
                groups.len() - 1
            }
        };
        item_group.push(Some(at));
    }
    let targets: Vec<(Target, Vec<String>)> = items
        .iter()
        .enumerate()
        .flat_map(|(i, item)| {
            [
                (Target::Item(i), words(&item.text)),
                (Target::Item(i), vec![item.id.to_lowercase()]),
            ]
        })
        .chain(groups.iter().enumerate().flat_map(|(g, (name, slug))| {
            [
                (Target::Group(g), name.clone()),
                (Target::Group(g), slug.clone()),
            ]
        }))
        .collect();
    let given = lines
        .iter()
        .map(|line| {
            let matched: Vec<(Target, usize, usize)> = targets
                .iter()
                .filter_map(|(t, words)| {
                    covers(&line.words, words).map(|end| (*t, words.len(), end))
                })
                .collect();
            let Some(longest) = matched.iter().map(|(_, len, _)| *len).max() else {
                return Vec::new();
            };
            // Every item the line names as well as any other (items of the same text in two
            // groups); a group only when no item is named as well.
            let best: Vec<(Target, usize)> = matched
                .iter()
                .filter(|(_, len, _)| *len == longest)
                .map(|(t, _, end)| (*t, *end))
                .collect();
            let items: Vec<(Target, usize)> = best
                .iter()
                .copied()
                .filter(|(t, _)| matches!(t, Target::Item(_)))
                .collect();
            if items.is_empty() { best } else { items }
        })
        .collect();
    Answers {
        lines,
        given,
        item_group,
    }
}

impl<'a> Answers<'a> {
    /// The item's answer: its own last line, else its group's last `n/a` line.
    fn item(&self, i: usize, item: &DoneRequirement) -> Option<Answer<'a>> {
        // The last line for the target: its position and answer.
        let last = |target: Target| {
            self.lines
                .iter()
                .zip(&self.given)
                .enumerate()
                .rev()
                .find_map(|(at, (line, given))| {
                    given
                        .iter()
                        .find(|(t, _)| *t == target)
                        .map(|(_, end)| (at, answer_of(line, *end, &item.text)))
                })
        };
        let own = last(Target::Item(i));
        // The group's `n/a`, when the item may be n/a.
        let group = self
            .item_group
            .get(i)
            .copied()
            .flatten()
            .and_then(|g| last(Target::Group(g)))
            .filter(|(_, a)| {
                item.may_be_not_applicable()
                    && matches!(a.kind, AnswerKind::NotApplicable | AnswerKind::NoReason)
            });
        // The later of the two: an answer replaces an earlier one.
        match (own, group) {
            (Some((o, a)), Some((g, b))) => Some(if g > o { b } else { a }),
            (Some((_, a)), None) | (None, Some((_, a))) => Some(a),
            (None, None) => None,
        }
    }
}

const NOT_ANSWERED: &str = "not answered in the final message's checklist";

/// An item its checklist verifies: met by its own line ticked exactly; not applicable by an
/// `n/a` line with a reason (its own, or its group's) unless it must be met.
fn attest_verdict(
    answer: Option<Answer<'_>>,
    item: &DoneRequirement,
) -> (ItemStatus, String, Option<String>) {
    let Some(a) = answer else {
        return (ItemStatus::Unmet, NOT_ANSWERED.to_owned(), None);
    };
    match a.kind {
        AnswerKind::Done => (ItemStatus::Met, format!("checklist: `{}`", a.line), None),
        AnswerKind::NotApplicable if item.may_be_not_applicable() => (
            ItemStatus::NotApplicable,
            format!("checklist: `{}`", a.line),
            a.reason,
        ),
        AnswerKind::NotApplicable | AnswerKind::NoReason if item.required => (
            ItemStatus::Unmet,
            format!(
                "`{}` answers it n/a, but `[done] required` names it: it must be met",
                a.line
            ),
            None,
        ),
        AnswerKind::NotApplicable => (ItemStatus::Unmet, format!("`{}`", a.line), None),
        AnswerKind::NoReason => (
            ItemStatus::Unmet,
            format!(
                "`{}` gives no reason; say why it does not apply: `- [n/a] {} — <reason>`",
                a.line, item.text
            ),
            None,
        ),
        AnswerKind::Open => (
            ItemStatus::Unmet,
            format!("marked open: `{}`", a.line),
            None,
        ),
        AnswerKind::Added => (
            ItemStatus::Unmet,
            format!(
                "`{}` adds to the item's text; tick the item's line exactly",
                a.line
            ),
            None,
        ),
    }
}

/// The reason a stop is refused: every item still open, grouped, each with the line that
/// answers it; what the runner checks itself first, with why it is unmet.
pub fn block_message(verdicts: &[ItemVerdict]) -> String {
    use std::fmt::Write as _;
    let open: Vec<&ItemVerdict> = verdicts.iter().filter(|v| !v.settled()).collect();
    let mut s = String::new();
    if open.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "The Definition of Done is not met yet: {} of {} items are open. Answer each in your final message, one line per item, and stop again (answers you gave since your first stop stand):",
        open.len(),
        verdicts.len()
    );
    let _ = writeln!(s, "- `- [x] <item>` when it is done;");
    let _ = writeln!(
        s,
        "- `- [n/a] <item> — <reason>` when it does not apply to this task; `- [n/a] <group> — <reason>` answers a whole group."
    );
    let checked: Vec<&&ItemVerdict> = open.iter().filter(|v| v.checked_by_runner).collect();
    if !checked.is_empty() {
        let _ = writeln!(
            s,
            "\nChecked by the runner (it must be met; n/a is not accepted):"
        );
        for v in &checked {
            let evidence = v.evidence.replace('\n', "\n  ");
            let _ = writeln!(s, "- {}: {evidence}", v.text);
        }
    }
    let required: Vec<&&ItemVerdict> = open
        .iter()
        .filter(|v| !v.checked_by_runner && !v.may_be_not_applicable)
        .collect();
    if !required.is_empty() {
        let _ = writeln!(
            s,
            "\nRequired by the project (`[done] required`; n/a is not accepted):"
        );
        for v in &required {
            let _ = writeln!(s, "- [ ] {}", v.text);
        }
    }
    let answerable: Vec<&&ItemVerdict> = open.iter().filter(|v| !v.checked_by_runner).collect();
    let optional: Vec<&&&ItemVerdict> = answerable
        .iter()
        .filter(|v| v.may_be_not_applicable)
        .collect();
    if !optional.is_empty() {
        let _ = writeln!(s, "\nTo answer:");
        let mut group: Option<&Option<String>> = None;
        for v in &optional {
            if group != Some(&v.group) {
                let _ = writeln!(s, "{}:", v.group.as_deref().unwrap_or("(no group)"));
                group = Some(&v.group);
            }
            let _ = writeln!(s, "- [ ] {}", v.text);
        }
    }
    if !answerable.is_empty() {
        let notes: Vec<&&&ItemVerdict> = answerable
            .iter()
            .filter(|v| v.evidence != NOT_ANSWERED)
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(s, "\nAbout your checklist so far:");
            for v in notes {
                let _ = writeln!(s, "- {}: {}", v.text, v.evidence);
            }
        }
    }
    s.truncate(s.trim_end().len());
    s
}
