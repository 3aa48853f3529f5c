//! Protocol steps and the Definition of Done, read from the body.
//!
//! A *protocol* is a numbered list (or numbered headings: `### 1. ...`, `### Step 1: ...`) in a
//! section whose heading names a protocol, workflow, process, procedure or steps, or a numbered
//! list right after a paragraph that names one (`**EXECUTION PROTOCOL**: ... protocol:`).
//! Each step gets a kind from a keyword lexicon (data, extendable in `agentspec.toml`) or from
//! an annotation, which wins:
//!
//! ```markdown
//! <!-- agentspec: step=await-approval token=yes -->
//! 6. **WAIT** until the reviewer answers
//! ```
//!
//! The annotation sits on the line before the item or inside it; its keys are `step` (a kind),
//! `token` (the approval word) and `returns` (the step a revise step goes back to).
//!
//! A *Definition of Done* is the content of a section titled Definition of Done, DoD, done
//! criteria or completion criteria (configurable), or what follows a lead-in paragraph such as
//! "Before marking a task complete:" or "Definition of Done:" up to the next heading, including
//! what a
//! ```` ```markdown ```` fence inside it holds; never one inside a worked example. Acceptance
//! criteria are a product's (a PRD template's user stories), not the agent's own finish line:
//! add the phrase to `[done] headings` where they are. Groups are headings, bold lines and
//! lines ending in `:` that items follow; items are task boxes, `✅` lines, bullets, and bold or
//! plain lines one per line under a group.

use schemars::JsonSchema;
use serde::Serialize;

use crate::parse::markdown::{Body, ListItem};
use crate::parse::mojibake;
use crate::source::Span;

/// What a protocol step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    Acknowledge,
    Plan,
    Implement,
    Test,
    Stop,
    RequestApproval,
    AwaitApproval,
    Revise,
    Commit,
    Report,
    Handoff,
    Custom,
}

impl StepKind {
    /// Steps that make a protocol a task-execution protocol: what `agentspec build` compiles
    /// into gates.
    pub fn is_gate(self) -> bool {
        matches!(
            self,
            StepKind::Commit | StepKind::RequestApproval | StepKind::AwaitApproval
        )
    }

    pub const ALL: &[StepKind] = &[
        StepKind::Acknowledge,
        StepKind::Plan,
        StepKind::Implement,
        StepKind::Test,
        StepKind::Stop,
        StepKind::RequestApproval,
        StepKind::AwaitApproval,
        StepKind::Revise,
        StepKind::Commit,
        StepKind::Report,
        StepKind::Handoff,
        StepKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Acknowledge => "acknowledge",
            StepKind::Plan => "plan",
            StepKind::Implement => "implement",
            StepKind::Test => "test",
            StepKind::Stop => "stop",
            StepKind::RequestApproval => "request-approval",
            StepKind::AwaitApproval => "await-approval",
            StepKind::Revise => "revise",
            StepKind::Commit => "commit",
            StepKind::Report => "report",
            StepKind::Handoff => "handoff",
            StepKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<StepKind> {
        StepKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// The default lexicon: phrases (lowercase, matched at word boundaries) per step kind.
pub const LEXICON: &[(StepKind, &[&str])] = &[
    (
        StepKind::Acknowledge,
        &[
            "acknowledge",
            "acknowledgement",
            "confirm receipt",
            "restate the task",
        ],
    ),
    (
        StepKind::Plan,
        &[
            "plan",
            "planning",
            "outline the approach",
            "design the approach",
        ],
    ),
    (
        StepKind::Implement,
        &[
            "implement",
            "implementation",
            "write the code",
            "write code",
            "make the change",
            "make the changes",
            "code the",
        ],
    ),
    (
        StepKind::Test,
        &[
            "run tests",
            "run the tests",
            "run test",
            "execute tests",
            "test",
            "tests",
            "testing",
            "verify",
        ],
    ),
    (StepKind::Stop, &["stop", "pause", "halt"]),
    (
        StepKind::RequestApproval,
        &[
            "ask for approval",
            "request approval",
            "ask for review",
            "request review",
            "seek approval",
            "ask the user to approve",
            "ask for confirmation",
            "ask the user for approval",
            "request user approval",
            "get approval",
            "obtain approval",
            "present for approval",
            "ask for sign-off",
        ],
    ),
    (
        StepKind::AwaitApproval,
        &[
            "wait for approval",
            "wait for the user to reply",
            "wait for user to reply",
            "wait for the user to respond",
            "wait for user to respond",
            "wait for the user to approve",
            "wait for user to approve",
            "wait for the user's approval",
            "wait for the user's answer",
            "wait for the user's reply",
            "wait for the user's response",
            "wait for user response",
            "await the user's approval",
            "await user approval",
            "do not proceed until approved",
            "do not proceed until the user",
            "do not proceed without the user",
            "wait for explicit approval",
            "wait for user approval",
            "wait for their approval",
            "wait for their answer",
            "wait for confirmation",
            "wait for a reply",
            "wait for the reply",
            "wait for review",
            "wait for sign-off",
            "wait for the go-ahead",
            "wait until approved",
            "wait until the user",
            "await approval",
            "await explicit approval",
            "await confirmation",
            "awaiting approval",
            "do not proceed without approval",
            "until approved",
            "until the user approves",
            "until the user confirms",
        ],
    ),
    (
        StepKind::Revise,
        &[
            "changes needed",
            "changes requested",
            "if changes",
            "revise",
            "address feedback",
            "corrections",
            "rework",
            "go back to step",
        ],
    ),
    (
        StepKind::Commit,
        &[
            "git commit",
            "commit the changes",
            "commit changes",
            "commit your changes",
            "commit the code",
            "commit the work",
            "commit the fix",
            "commit all changes",
            "commit with",
            "commit and push",
            "commit and hand",
            "then commit",
            "create a commit",
            "make a commit",
            "commit to git",
            "commit it",
            "git push",
            "push the changes",
            "push your changes",
            "push the branch",
            "push to the remote",
            "push to remote",
        ],
    ),
    (StepKind::Report, &["report", "summarize", "summary"]),
    (
        StepKind::Handoff,
        &[
            "hand back",
            "hand off",
            "handoff",
            "hand over",
            "return control",
            "handing control",
        ],
    ),
];

/// A step whose lead is only one of these words (`**WAIT**`, `**Commit**:`) has that kind;
/// elsewhere the bare word classifies nothing (`async/await`, `pre-commit hooks`).
pub const LEAD_WORDS: &[(StepKind, &[&str])] = &[
    (StepKind::AwaitApproval, &["wait", "await"]),
    (
        StepKind::Commit,
        &["commit", "git commit", "commit changes", "push"],
    ),
];

/// Heading words that name a protocol section.
pub const PROTOCOL_HEADINGS: &[&str] = &["protocol", "workflow", "process", "procedure", "steps"];

/// Heading phrases that name a Definition of Done.
pub const DONE_HEADINGS: &[&str] = &[
    "definition of done",
    "dod",
    "done criteria",
    "completion criteria",
];

/// A paragraph that opens a Definition of Done without a heading of its own ("Before marking
/// a task complete:"): one of these verbs, then within a few words one of [`DONE_WORDS`], the
/// paragraph ending in `:`.
const DONE_LEAD_INS: &[&str] = &[
    "before marking",
    "before declaring",
    "before calling",
    "before considering",
    "before reporting",
];
const DONE_WORDS: &[&str] = &["complete", "completed", "done", "finished"];

/// Extraction settings: the defaults plus what `agentspec.toml` adds.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub protocol_headings: Vec<String>,
    pub done_headings: Vec<String>,
    pub lexicon: Vec<(StepKind, String)>,
    /// Every lexicon phrase in one automaton, built on first use.
    matcher: std::sync::OnceLock<Option<(aho_corasick::AhoCorasick, Vec<StepKind>)>>,
    /// The protocol and Definition-of-Done heading words, built on first use.
    heading_words: std::sync::OnceLock<(Words, Words)>,
}

/// Words as one automaton over lower-cased text: [`Words::named_in`] is true when one of them
/// occurs as a whole word.
#[derive(Debug, Clone)]
struct Words(Option<aho_corasick::AhoCorasick>);

impl Words {
    fn new<'a>(words: impl Iterator<Item = &'a str>) -> Words {
        let lower: Vec<String> = words
            .map(str::to_lowercase)
            .filter(|w| !w.is_empty())
            .collect();
        Words(aho_corasick::AhoCorasick::new(lower).ok())
    }

    fn named_in(&self, text: &str) -> bool {
        let Some(ac) = &self.0 else {
            return false;
        };
        let lower = text.to_lowercase();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        ac.find_overlapping_iter(&lower).any(|m| {
            boundary(lower[..m.start()].chars().next_back())
                && boundary(lower[m.end()..].chars().next())
        })
    }
}

impl Vocabulary {
    pub fn new(
        protocol_headings: Vec<String>,
        done_headings: Vec<String>,
        lexicon: Vec<(StepKind, String)>,
    ) -> Vocabulary {
        Vocabulary {
            protocol_headings,
            done_headings,
            lexicon,
            matcher: std::sync::OnceLock::new(),
            heading_words: std::sync::OnceLock::new(),
        }
    }

    /// The (protocol, Definition of Done) heading words; the defaults' are shared.
    fn heading_words(&self) -> &(Words, Words) {
        static DEFAULT: std::sync::OnceLock<(Words, Words)> = std::sync::OnceLock::new();
        let build = || {
            (
                Words::new(self.protocol_words()),
                Words::new(self.done_words()),
            )
        };
        if self.protocol_headings.is_empty() && self.done_headings.is_empty() {
            DEFAULT.get_or_init(build)
        } else {
            self.heading_words.get_or_init(build)
        }
    }

    fn names_protocol(&self, text: &str) -> bool {
        self.heading_words().0.named_in(text)
    }

    fn names_done(&self, text: &str) -> bool {
        self.heading_words().1.named_in(text)
    }

    fn protocol_words(&self) -> impl Iterator<Item = &str> {
        PROTOCOL_HEADINGS
            .iter()
            .copied()
            .chain(self.protocol_headings.iter().map(String::as_str))
    }

    fn done_words(&self) -> impl Iterator<Item = &str> {
        DONE_HEADINGS
            .iter()
            .copied()
            .chain(self.done_headings.iter().map(String::as_str))
    }

    fn matcher(&self) -> Option<&(aho_corasick::AhoCorasick, Vec<StepKind>)> {
        fn build<'a>(
            phrases: impl Iterator<Item = (StepKind, &'a str)>,
        ) -> Option<(aho_corasick::AhoCorasick, Vec<StepKind>)> {
            let (kinds, phrases): (Vec<StepKind>, Vec<&str>) = phrases.unzip();
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(phrases)
                .ok()
                .map(|ac| (ac, kinds))
        }
        // The default lexicon's automaton is shared; a configured one is built per vocabulary.
        static DEFAULT: std::sync::OnceLock<Option<(aho_corasick::AhoCorasick, Vec<StepKind>)>> =
            std::sync::OnceLock::new();
        if self.lexicon.is_empty() {
            return DEFAULT.get_or_init(|| build(self.phrases())).as_ref();
        }
        self.matcher.get_or_init(|| build(self.phrases())).as_ref()
    }

    fn phrases(&self) -> impl Iterator<Item = (StepKind, &str)> {
        LEXICON
            .iter()
            .flat_map(|(k, phrases)| phrases.iter().map(move |p| (*k, *p)))
            .chain(self.lexicon.iter().map(|(k, p)| (*k, p.as_str())))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Protocol {
    /// The heading or lead-in paragraph that names it.
    pub title: String,
    pub span: Span,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Classified {
    /// By an `<!-- agentspec: step=... -->` annotation.
    Annotation,
    /// By the keyword lexicon.
    Lexicon,
    /// Not classified: the kind is `custom`.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Step {
    pub number: u64,
    /// The bold text that opens the step, or its first sentence.
    pub lead: String,
    pub text: String,
    pub kind: StepKind,
    pub classified: Classified,
    /// The approval word an await-approval step waits for (`yes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The step a revise step goes back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns_to: Option<u64>,
    /// Every `step N` the text mentions, with its span.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<StepRef>,
    /// Nested list items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StepRef {
    pub step: u64,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DefinitionOfDone {
    pub title: String,
    pub span: Span,
    pub groups: Vec<DoneGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DoneGroup {
    /// `None` for items before any group line.
    pub name: Option<String>,
    pub span: Span,
    pub items: Vec<DoneItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DoneItem {
    pub text: String,
    /// `Some(checked)` for a task box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum Comparison {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "=")]
    Eq,
}

/// A measurable condition such as `p95 <100ms` or `>90% coverage`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Threshold {
    pub metric: Option<String>,
    pub comparison: Comparison,
    pub value: f64,
    pub unit: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Sections

struct Section<'a> {
    title: String,
    heading_span: Span,
    /// From the heading to the next heading of the same or a higher level.
    range: Span,
    level: u8,
    _body: &'a Body,
}

fn sections<'a>(body: &'a Body) -> Vec<Section<'a>> {
    let top: Vec<_> = body.headings.iter().filter(|h| !h.in_fence).collect();
    top.iter()
        .enumerate()
        .map(|(i, h)| {
            let end = top[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(body.span.end, |n| n.span.start);
            Section {
                title: mojibake::restore(&h.text).into_owned(),
                heading_span: h.span,
                range: Span::new(h.span.start, end),
                level: h.level,
                _body: body,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Protocols

pub fn protocols(body: &Body, text: &str, vocab: &Vocabulary) -> Vec<Protocol> {
    let secs = sections(body);
    let innermost = |pos: usize| {
        secs.iter()
            .filter(|s| s.range.start <= pos && pos < s.range.end)
            .max_by_key(|s| s.level)
    };
    let mut out = Vec::new();
    // Worked examples show protocols; they are not the agent's own.
    let in_example = example_finder(text, &secs, 1);
    // Numbered lists.
    let mut seen_lists = Vec::new();
    for item in body
        .items
        .iter()
        .filter(|i| !i.in_fence && i.depth == 0 && i.number.is_some())
        .filter(|i| !in_example(i.span.start))
    {
        if seen_lists.contains(&item.list) {
            continue;
        }
        seen_lists.push(item.list);
        let title = if let Some(section) =
            innermost(item.span.start).filter(|s| vocab.names_protocol(&s.title))
        {
            Some((section.title.clone(), section.heading_span))
        } else {
            lead_in(body, item)
                .filter(|(t, _)| vocab.names_protocol(t))
                .map(|(t, span)| (short_title(&t, vocab), span))
        };
        let Some((title, title_span)) = title else {
            continue;
        };
        let items: Vec<&ListItem> = body
            .items
            .iter()
            .filter(|i| i.list == item.list && i.depth == 0)
            .collect();
        let steps: Vec<Step> = items
            .iter()
            .map(|i| {
                let nested = body
                    .items
                    .iter()
                    .filter(|n| {
                        n.depth > 0 && n.span.start >= i.span.start && n.span.end <= i.span.end
                    })
                    .map(|n| n.text.clone())
                    .collect();
                let lead = i.lead.clone().unwrap_or_else(|| first_sentence(&i.text));
                let number = literal_number(text, i.span).or(i.number).unwrap_or(0);
                make_step(number, lead, i.text.clone(), nested, i.span, text, vocab)
            })
            .collect();
        let end = items.last().map_or(item.span.end, |i| i.span.end);
        // A list split only by an annotation comment continues the previous protocol.
        if let Some(previous) = out.last_mut().filter(|p: &&mut Protocol| {
            let gap = text.get(p.span.end..item.span.start).unwrap_or("x");
            let continues = p.steps.last().map(|s| s.number + 1) == steps.first().map(|s| s.number);
            continues && without_comments(gap).trim().is_empty()
        }) {
            previous.steps.extend(steps);
            previous.span.end = end;
            continue;
        }
        out.push(Protocol {
            title,
            span: Span::new(title_span.start, end),
            steps,
        });
    }
    // Numbered headings inside a protocol section. Numbering that starts again under another
    // parent heading starts another protocol: `## ArgoCD` with `### 1.`..`### 4.` and `## Flux`
    // with `### 1.`.. are two, not one numbered 1-4 then 1 again. Numbering that goes on
    // across parents (`### Phase A` `#### 1.` `#### 2.`, `### Phase B` `#### 3.`) is one.
    for section in secs
        .iter()
        .filter(|s| vocab.names_protocol(&s.title) && !in_example(s.range.start))
    {
        let inside: Vec<&crate::parse::markdown::Heading> = body
            .headings
            .iter()
            .filter(|h| {
                !h.in_fence
                    && h.level > section.level
                    && section.range.start < h.span.start
                    && h.span.start < section.range.end
            })
            .collect();
        // (parent heading, whether the steps span several parents, steps)
        let mut groups: Vec<(Option<usize>, bool, Vec<Step>)> = Vec::new();
        for (k, h) in inside.iter().enumerate() {
            let Some((number, rest)) = numbered_heading(&h.text) else {
                continue;
            };
            // The nearest heading above this one at a higher level, inside the section.
            let parent = inside[..k].iter().rposition(|p| p.level < h.level);
            let end = body
                .headings
                .iter()
                .find(|n| !n.in_fence && n.span.start > h.span.start && n.level <= h.level)
                .map_or(section.range.end, |n| n.span.start)
                .min(section.range.end);
            let span = Span::new(h.span.start, end);
            // The kind comes from the heading alone: the prose under a phase heading
            // mentions too much to classify it.
            let mut step = make_step(
                number,
                rest.to_owned(),
                rest.to_owned(),
                Vec::new(),
                span,
                text,
                vocab,
            );
            step.text = text.get(h.span.end..end).unwrap_or("").trim().to_owned();
            match groups.last_mut() {
                Some((p, mixed, steps))
                    if *p == parent || steps.last().is_some_and(|l| step.number > l.number) =>
                {
                    *mixed |= *p != parent;
                    steps.push(step);
                }
                _ => groups.push((parent, false, vec![step])),
            }
        }
        let one = groups.len() == 1;
        for (parent, mixed, steps) in groups {
            if steps.len() < 2 {
                continue;
            }
            // One protocol, or one that spans parents: the section's; else its parent's.
            let (title, span) = match parent {
                Some(p) if !one && !mixed => (
                    inside[p].text.trim().to_owned(),
                    Span::new(
                        steps.first().map_or(section.range.start, |s| s.span.start),
                        steps.last().map_or(section.range.end, |s| s.span.end),
                    ),
                ),
                _ => (section.title.clone(), section.range),
            };
            out.push(Protocol { title, span, steps });
        }
    }
    out.sort_by_key(|p| p.span.start);
    out
}

/// Byte ranges of `<example>...</example>` blocks: an opening tag that starts a line (one in
/// running text, such as "`<example>` blocks", opens nothing).
fn example_blocks(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    // `<example` in any case, from `from` on.
    let open_at = |from: usize| {
        let mut at = from;
        while let Some(i) = memchr::memchr(b'<', bytes.get(at..)?) {
            let start = at + i;
            if bytes
                .get(start..start + 8)
                .is_some_and(|t| t.eq_ignore_ascii_case(b"<example"))
            {
                return Some(start);
            }
            at = start + 1;
        }
        None
    };
    // `close` (lower case) in any case, from `from` on: where it ends.
    let close_end = |from: usize, close: &str| {
        let mut at = from;
        while let Some(i) = memchr::memchr(b'<', bytes.get(at..)?) {
            let start = at + i;
            if bytes
                .get(start..start + close.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(close.as_bytes()))
            {
                return Some(start + close.len());
            }
            at = start + 1;
        }
        None
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = open_at(from) {
        let after = &bytes[start + "<example".len()..];
        // `<example>`, `<example attr=...>` or `<examples>`; the closing tag of the same name.
        let (tag, close) = if after
            .get(..2)
            .is_some_and(|a| a.eq_ignore_ascii_case(b"s>"))
        {
            ("<examples", "</examples>")
        } else if after
            .first()
            .is_some_and(|c| matches!(c, b'>' | b' ' | b'\t'))
        {
            ("<example", "</example>")
        } else {
            from = start + "<example".len();
            continue;
        };
        let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |n| n + 1);
        // In running text, or never closed: not a block.
        if !text[line_start..start].trim().is_empty() {
            from = start + tag.len();
            continue;
        }
        let Some(end) = close_end(start, close) else {
            from = start + tag.len();
            continue;
        };
        out.push((start, end));
        from = end;
    }
    out
}

/// Whether a position lies in a worked example: an `<example>` block, or a section titled
/// Example of level `min_level` or deeper (a document titled "Code Examples" is not one). The
/// blocks are found only when first asked (most files have none, and the search reads the
/// whole text).
fn example_finder<'a>(
    text: &'a str,
    secs: &'a [Section<'a>],
    min_level: u8,
) -> impl Fn(usize) -> bool + 'a {
    let examples = std::cell::OnceCell::new();
    move |pos: usize| {
        examples
            .get_or_init(|| example_blocks(text))
            .iter()
            .any(|&(a, b)| a <= pos && pos < b)
            || secs.iter().any(|s| {
                s.level >= min_level
                    && s.range.start <= pos
                    && pos < s.range.end
                    && names_example(&s.title)
            })
    }
}

/// A heading that names a worked example: its first word (`Example workflow`, `Examples:`) or
/// its last (`Usage examples`, `A worked example`) — not one that only mentions examples
/// (`Workflow (see examples below)`).
fn names_example(title: &str) -> bool {
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let is_example =
        |w: &&str| w.eq_ignore_ascii_case("example") || w.eq_ignore_ascii_case("examples");
    words.first().is_some_and(is_example) || words.last().is_some_and(is_example)
}

/// `text` without `<!-- ... -->` comments.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The number as written in the source (Markdown renumbers `1. 1. 1.` as 1, 2, 3).
fn literal_number(text: &str, span: Span) -> Option<u64> {
    let s = text.get(span.start..span.end)?.trim_start();
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    s[..digits].parse().ok()
}

/// A short title for a protocol introduced by a paragraph: the part before the first `:`
/// when it names the protocol, else the first 80 characters.
fn short_title(text: &str, vocab: &Vocabulary) -> String {
    let first_line = text.lines().next().unwrap_or(text);
    if let Some((head, _)) = first_line.split_once(':')
        && vocab.names_protocol(head)
    {
        return head.trim().to_owned();
    }
    let mut title: String = first_line.chars().take(80).collect();
    if first_line.chars().count() > 80 {
        title.push('…');
    }
    title
}

/// The paragraph that ends right before a list, if it introduces it.
fn lead_in(body: &Body, first: &ListItem) -> Option<(String, Span)> {
    body.paragraphs
        .iter()
        .rfind(|p| p.span.end <= first.span.start && !p.in_fence)
        .filter(|p| {
            // Nothing but the paragraph's own trailing text between it and the list.
            !body
                .headings
                .iter()
                .any(|h| h.span.start >= p.span.end && h.span.start < first.span.start)
                && first.span.start - p.span.end <= 2
        })
        .map(|p| (p.text.clone(), p.span))
}

/// `1. Title`, `1) Title`, `Step 1: Title`, `Step 1 - Title`.
fn numbered_heading(text: &str) -> Option<(u64, &str)> {
    let t = text.trim();
    let rest = t
        .strip_prefix("Step ")
        .or_else(|| t.strip_prefix("step "))
        .or_else(|| t.strip_prefix("STEP "))
        .unwrap_or(t);
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let number = rest[..digits].parse().ok()?;
    let after = rest[digits..].trim_start();
    // `1.2 Title` is a sub-section of section 1, not step 1.
    if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let after = after
        .strip_prefix(['.', ':', ')', '-', '—'])
        .map(str::trim_start)?;
    Some((number, after))
}

fn first_sentence(text: &str) -> String {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | ':' | '!' | '?') && text[i + 1..].starts_with([' ', '\n'])
        })
        .map_or(text.len(), |(i, _)| i);
    text[..end].trim().to_owned()
}

fn make_step(
    number: u64,
    lead: String,
    full: String,
    nested: Vec<String>,
    span: Span,
    source: &str,
    vocab: &Vocabulary,
) -> Step {
    let annotation = annotation_near(source, span);
    let lower_lead = lead.to_lowercase();
    let lower_text = full.to_lowercase();
    let (kind, classified) = match annotation.as_ref().and_then(|a| a.kind) {
        Some(kind) => (kind, Classified::Annotation),
        None => {
            match lead_word_kind(&lower_lead)
                .or_else(|| earliest_kind(&lower_lead, vocab))
                .or_else(|| earliest_kind(&lower_text, vocab))
            {
                Some(kind) => (kind, Classified::Lexicon),
                None => (StepKind::Custom, Classified::None),
            }
        }
    };
    let references = step_references(source, span);
    let returns_to = annotation.as_ref().and_then(|a| a.returns).or_else(|| {
        (kind == StepKind::Revise)
            .then(|| references.first().map(|r| r.step))
            .flatten()
    });
    let token = annotation
        .as_ref()
        .and_then(|a| a.token.clone())
        .or_else(|| {
            (kind == StepKind::AwaitApproval)
                .then(|| quoted_token(&full))
                .flatten()
        });
    Step {
        number,
        lead,
        text: full,
        kind,
        classified,
        token,
        returns_to,
        references,
        nested,
        span,
    }
}

/// The kind a lead names on its own (`WAIT`, `Commit:`).
fn lead_word_kind(lower_lead: &str) -> Option<StepKind> {
    let lead = lower_lead.trim_matches(|c: char| !c.is_alphanumeric());
    LEAD_WORDS
        .iter()
        .find(|(_, words)| words.contains(&lead))
        .map(|(kind, _)| *kind)
}

fn earliest_kind(text: &str, vocab: &Vocabulary) -> Option<StepKind> {
    let (ac, kinds) = vocab.matcher()?;
    // A phrase inside a compound (`pre-commit`, `async/await`, `git_commit`) is not the phrase.
    let before = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && !"-/_.".contains(c));
    let after = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && !"-/_".contains(c));
    ac.find_overlapping_iter(text)
        .filter(|m| {
            before(text[..m.start()].chars().next_back()) && after(text[m.end()..].chars().next())
        })
        .map(|m| {
            (
                m.start(),
                std::cmp::Reverse(m.len()),
                kinds[m.pattern().as_usize()],
            )
        })
        .min()
        .map(|(_, _, kind)| kind)
}

/// The first short quoted word: `"yes"`, `'yes'`, `` `yes` `` or `“yes”`.
fn quoted_token(text: &str) -> Option<String> {
    let pairs = [('"', '"'), ('\'', '\''), ('`', '`'), ('“', '”'), ('‘', '’')];
    let mut best: Option<(usize, String)> = None;
    for (open, close) in pairs {
        let mut from = 0;
        while let Some(i) = text[from..].find(open) {
            let start = from + i + open.len_utf8();
            let Some(len) = text[start..].find(close) else {
                break;
            };
            let inner = text[start..start + len].trim();
            let word = !inner.is_empty()
                && inner.len() <= 20
                && inner
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            // An apostrophe inside a word is not a quote.
            let opens_word =
                open != '\'' || start < 2 || !text[..start - 1].ends_with(char::is_alphanumeric);
            if word && opens_word && best.as_ref().is_none_or(|(b, _)| start < *b) {
                best = Some((start, inner.to_owned()));
                break;
            }
            from = start + len + close.len_utf8();
        }
    }
    best.map(|(_, t)| t)
}

/// Every `step N` mentioned inside `span`.
fn step_references(source: &str, span: Span) -> Vec<StepRef> {
    let Some(text) = source.get(span.start..span.end) else {
        return Vec::new();
    };
    // ASCII case only: offsets in `lower` are offsets in `text`.
    let lower = text.to_ascii_lowercase();
    let finder = memchr::memmem::Finder::new("step");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = finder.find(&lower.as_bytes()[from..]) {
        let at = from + i;
        let rest = &lower[at + 4..];
        let ws = rest.len() - rest.trim_start_matches([' ', '#']).len();
        let digits = rest[ws..].chars().take_while(char::is_ascii_digit).count();
        let word_start = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if digits > 0
            && ws > 0
            && word_start
            && let Ok(n) = rest[ws..ws + digits].parse()
        {
            let end = at + 4 + ws + digits;
            out.push(StepRef {
                step: n,
                span: Span::new(span.start + at, span.start + end),
            });
        }
        from = at + 4;
    }
    out
}

struct Annotation {
    kind: Option<StepKind>,
    token: Option<String>,
    returns: Option<u64>,
}

/// An `<!-- agentspec: key=value ... -->` comment inside the step or on the line before it.
fn annotation_near(source: &str, span: Span) -> Option<Annotation> {
    let line_start = source[..span.start.min(source.len())]
        .trim_end_matches(['\n', '\r', ' ', '\t'])
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let region = source.get(line_start..span.end.min(source.len()))?;
    let start = region.find("<!-- agentspec:")?;
    let inner = &region[start + "<!-- agentspec:".len()..];
    let inner = &inner[..inner.find("-->")?];
    let mut annotation = Annotation {
        kind: None,
        token: None,
        returns: None,
    };
    for pair in inner.split_whitespace() {
        match pair.split_once('=') {
            Some(("step", v)) => annotation.kind = StepKind::parse(v),
            Some(("token", v)) => annotation.token = Some(v.trim_matches(['"', '\'']).to_owned()),
            Some(("returns", v)) => annotation.returns = v.parse().ok(),
            _ => {}
        }
    }
    Some(annotation)
}

// ---------------------------------------------------------------------------------------------
// Definition of Done

/// The Definitions of Done of a body: each section whose heading names one (and the groups
/// nested in it), and what follows a lead-in paragraph ("Before marking a task complete:",
/// "Definition of Done:") up to the next heading. Not one inside a worked example (an `<example>` block, a section
/// titled Example), whose checklist is the example's, not the agent's.
pub fn definitions_of_done(body: &Body, text: &str, vocab: &Vocabulary) -> Vec<DefinitionOfDone> {
    let secs = sections(body);
    let in_example = example_finder(text, &secs, 2);
    let mut found: Vec<(String, Span, Span)> = Vec::new();
    for section in &secs {
        if vocab.names_done(&section.title) {
            found.push((section.title.clone(), section.range, section.heading_span));
        }
    }
    let lead_in = |t: &str| opens_done(t) || (short_label(t) && vocab.names_done(t));
    for p in body
        .paragraphs
        .iter()
        .filter(|p| !p.in_fence && lead_in(&p.text))
    {
        // To the next heading: the list (or fence) that follows, not the rest of the file.
        let end = body
            .headings
            .iter()
            .filter(|h| !h.in_fence && h.span.start > p.span.end)
            .map(|h| h.span.start)
            .min()
            .unwrap_or(body.span.end);
        found.push((
            clean_label(&mojibake::restore(&p.text)),
            Span::new(p.span.start, end),
            p.span,
        ));
    }
    found.sort_by_key(|(_, range, _)| (range.start, std::cmp::Reverse(range.end)));
    let mut out: Vec<DefinitionOfDone> = Vec::new();
    for (title, range, heading) in found {
        // Already inside an enclosing Definition of Done.
        if out
            .iter()
            .any(|d| d.span.start <= range.start && range.end <= d.span.end)
        {
            continue;
        }
        if in_example(range.start) {
            continue;
        }
        out.push(DefinitionOfDone {
            title,
            span: range,
            groups: done_groups(body, text, range, heading),
        });
    }
    out
}

/// One short line ending in `:`.
fn short_label(text: &str) -> bool {
    let t = text.trim();
    t.len() <= 160 && t.ends_with(':') && !t.contains('\n')
}

/// A lead-in paragraph of a Definition of Done: short, ending in `:`, saying "before marking
/// ... complete" (or naming a Definition of Done as a heading would: `Definition of Done:`).
fn opens_done(text: &str) -> bool {
    let t = text.trim();
    if !short_label(t) {
        return false;
    }
    let lower = t.to_lowercase();
    DONE_LEAD_INS.iter().any(|lead| {
        lower.match_indices(lead).any(|(at, _)| {
            lower[at + lead.len()..]
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(5)
                .any(|w| DONE_WORDS.contains(&w))
        })
    })
}

enum Element<'a> {
    Group(String, Span, bool),
    Item(DoneItem),
    /// Plain lines of a paragraph: criteria when they follow a group line.
    Lines(Vec<DoneItem>),
    #[allow(dead_code)]
    Other(&'a str),
}

fn clean_label(text: &str) -> String {
    let restored = mojibake::restore(text);
    restored
        .trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(':')
        .trim()
        .to_owned()
}

fn done_groups(body: &Body, text: &str, range: Span, heading: Span) -> Vec<DoneGroup> {
    let inside = |s: Span| range.start <= s.start && s.end <= range.end && s.start >= heading.end;
    let mut elements: Vec<(usize, Element)> = Vec::new();
    for h in body.headings.iter().filter(|h| inside(h.span)) {
        elements.push((
            h.span.start,
            Element::Group(clean_label(&h.text), h.span, true),
        ));
    }
    for p in body.paragraphs.iter().filter(|p| inside(p.span)) {
        let restored = mojibake::restore(&p.text).into_owned();
        let lines: Vec<&str> = restored.lines().collect();
        if p.all_bold && lines.len() > 1 {
            // Criteria written as bold lines, one per line.
            for (i, line) in lines.iter().enumerate() {
                let label = clean_label(line);
                if !label.is_empty() {
                    elements.push((
                        p.span.start + i,
                        Element::Item(done_item(&label, None, p.span)),
                    ));
                }
            }
        } else if p.all_bold {
            elements.push((
                p.span.start,
                Element::Group(clean_label(&restored), p.span, true),
            ));
        } else if lines.len() == 1 && restored.trim_end().ends_with(':') {
            elements.push((
                p.span.start,
                Element::Group(clean_label(&restored), p.span, false),
            ));
        } else if lines.len() > 1 && !lines.iter().any(|l| l.trim().starts_with('✅')) {
            // `**Group**` on its own line, then criteria one per line; or criteria one per
            // line right under a group.
            let source: Vec<&str> = text
                .get(p.span.start..p.span.end)
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect();
            let mut rest: &[&str] = &source;
            if let Some(first) = source.first().and_then(|l| bold_line(l)) {
                elements.push((p.span.start, Element::Group(first, p.span, true)));
                rest = &source[1..];
            }
            let items: Vec<DoneItem> = rest
                .iter()
                .map(|l| clean_label(&mojibake::restore(&l.replace("**", ""))))
                .filter(|l| !l.is_empty())
                .map(|l| done_item(&l, None, p.span))
                .collect();
            // A line that goes on from the one before (it starts in lower case) is prose
            // wrapped by hand, not a criterion.
            let continued = rest.iter().skip(1).any(|l| {
                l.trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
            });
            if !items.is_empty() && !continued && rest.iter().all(|l| l.len() <= 160) {
                elements.push((p.span.start + 1, Element::Lines(items)));
            }
        } else {
            for (i, line) in lines.iter().enumerate() {
                let t = line.trim();
                if let Some(rest) = t.strip_prefix('✅') {
                    let at = p.span.start + i;
                    if rest.trim_end().ends_with(':') {
                        elements.push((at, Element::Group(clean_label(rest), p.span, false)));
                    } else {
                        elements.push((at, Element::Item(done_item(rest.trim(), None, p.span))));
                    }
                }
            }
        }
    }
    for item in body.items.iter().filter(|i| inside(i.span)) {
        let text = mojibake::restore(&item.text).into_owned();
        let text = text.trim_start_matches('✅').trim().to_owned();
        elements.push((
            item.span.start,
            Element::Item(done_item(&text, item.task, item.span)),
        ));
    }
    elements.sort_by_key(|(at, _)| *at);
    let mut groups: Vec<DoneGroup> = Vec::new();
    // A `:` line only opens a group when items follow it.
    let mut pending: Option<(String, Span, bool)> = None;
    for (_, element) in elements {
        match element {
            Element::Group(name, span, strong) => {
                if let Some((name, span, true)) = pending.take() {
                    groups.push(DoneGroup {
                        name: Some(name),
                        span,
                        items: Vec::new(),
                    });
                }
                pending = Some((name, span, strong));
            }
            Element::Item(item) => {
                if let Some((name, span, _)) = pending.take() {
                    groups.push(DoneGroup {
                        name: Some(name),
                        span,
                        items: Vec::new(),
                    });
                } else if groups.is_empty() {
                    groups.push(DoneGroup {
                        name: None,
                        span: item.span,
                        items: Vec::new(),
                    });
                }
                if let Some(group) = groups.last_mut() {
                    group.span = group.span.cover(item.span);
                    group.items.push(item);
                }
            }
            Element::Lines(items) => {
                let Some((name, span, _)) = pending.take() else {
                    continue;
                };
                let mut group = DoneGroup {
                    name: Some(name),
                    span,
                    items: Vec::new(),
                };
                for item in items {
                    group.span = group.span.cover(item.span);
                    group.items.push(item);
                }
                groups.push(group);
            }
            Element::Other(_) => {}
        }
    }
    if let Some((name, span, true)) = pending {
        groups.push(DoneGroup {
            name: Some(name),
            span,
            items: Vec::new(),
        });
    }
    groups
}

/// The text of a line that is bold and nothing else (`**Testing**`, `**Testing:**`).
fn bold_line(line: &str) -> Option<String> {
    let t = line.trim().trim_end_matches(':');
    let inner = t.strip_prefix("**")?.strip_suffix("**")?;
    (!inner.is_empty() && !inner.contains("**")).then(|| clean_label(inner))
}

fn done_item(text: &str, checked: Option<bool>, span: Span) -> DoneItem {
    DoneItem {
        thresholds: thresholds(text),
        text: text.to_owned(),
        checked,
        span,
    }
}

/// Measurable conditions in an item: `p95 <100ms`, `>90% coverage`, `<500MB`, `0 critical/high`.
pub fn thresholds(text: &str) -> Vec<Threshold> {
    let label = text
        .split_once(':')
        .map(|(l, _)| l.trim().to_owned())
        .filter(|l| !l.is_empty() && l.len() < 40);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let (comparison, len) = match (c, chars.get(i + 1).map(|&(_, n)| n)) {
            ('<', Some('=')) => (Comparison::Le, 2),
            ('>', Some('=')) => (Comparison::Ge, 2),
            ('<', _) => (Comparison::Lt, 1),
            ('>', _) => (Comparison::Gt, 1),
            ('≤', _) => (Comparison::Le, 1),
            ('≥', _) => (Comparison::Ge, 1),
            _ => {
                i += 1;
                continue;
            }
        };
        let after_op = chars.get(i + len).map_or(text.len(), |&(j, _)| j);
        let rest = &text[after_op..];
        let Some((value, unit, consumed)) = number_with_unit(rest.trim_start()) else {
            i += 1;
            continue;
        };
        let before = text[..at].trim_end();
        let prev_word = before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric());
        let skipped = rest.len() - rest.trim_start().len();
        let next_word = rest[skipped + consumed..]
            .split_whitespace()
            .next()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/'))
            .filter(|w| !w.is_empty() && w.chars().next().is_some_and(char::is_alphabetic));
        let percentile = prev_word.len() > 1
            && prev_word.starts_with(['p', 'P'])
            && prev_word[1..].chars().all(|c| c.is_ascii_digit());
        let metric = if percentile {
            Some(prev_word.to_lowercase())
        } else {
            next_word.map(str::to_owned).or_else(|| label.clone())
        };
        out.push(Threshold {
            metric,
            comparison,
            value,
            unit,
        });
        i += len + 1;
    }
    // `0 critical/high`: a zero count.
    let lower = text.to_lowercase();
    for (pos, _) in lower.match_indices('0') {
        let before_ok = lower[..pos]
            .chars()
            .next_back()
            .is_none_or(|c| c == ' ' || c == '(');
        let after = &lower[pos + 1..];
        if before_ok && after.starts_with(' ') {
            let word: String = after[1..]
                .chars()
                .take_while(|c| c.is_alphabetic() || *c == '/' || *c == '-')
                .collect();
            if !word.is_empty() && !matches!(word.as_str(), "of" | "and" | "or" | "to" | "in") {
                out.push(Threshold {
                    metric: Some(word),
                    comparison: Comparison::Eq,
                    value: 0.0,
                    unit: None,
                });
            }
        }
    }
    out
}

/// `100ms` → (100, "ms", 5); `90%` → (90, "%", 3).
fn number_with_unit(text: &str) -> Option<(f64, Option<String>, usize)> {
    let digits = text
        .char_indices()
        .take_while(|&(_, c)| c.is_ascii_digit() || c == '.')
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let value: f64 = text[..digits].trim_end_matches('.').parse().ok()?;
    let rest = &text[digits..];
    let unit_len = if rest.starts_with('%') {
        1
    } else {
        rest.char_indices()
            .take_while(|&(_, c)| c.is_ascii_alphabetic())
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8())
    };
    let unit = (unit_len > 0 && unit_len <= 4).then(|| rest[..unit_len].to_owned());
    let consumed = digits + if unit.is_some() { unit_len } else { 0 };
    Some((value, unit, consumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<(Option<String>, Comparison, f64, Option<String>)> {
        thresholds(text)
            .into_iter()
            .map(|t| (t.metric, t.comparison, t.value, t.unit))
            .collect()
    }

    #[test]
    fn threshold_forms() {
        assert_eq!(
            t("Unit tests: >90% coverage"),
            vec![(
                Some("coverage".into()),
                Comparison::Gt,
                90.0,
                Some("%".into())
            )]
        );
        assert_eq!(
            t("Performance tests: Benchmarks met (p95 <100ms API)"),
            vec![(Some("p95".into()), Comparison::Lt, 100.0, Some("ms".into()))]
        );
        assert_eq!(
            t("Dockerfile: Multi-stage, optimized, secure, <500MB"),
            vec![(
                Some("Dockerfile".into()),
                Comparison::Lt,
                500.0,
                Some("MB".into())
            )]
        );
        assert_eq!(
            t("Dependencies: npm audit clean (0 critical/high)"),
            vec![(Some("critical/high".into()), Comparison::Eq, 0.0, None)]
        );
        assert_eq!(t("Configured (min 10, max 100)"), vec![]);
    }

    #[test]
    fn tokens_and_references() {
        assert_eq!(
            quoted_token("Wait for user to respond with \"yes\""),
            Some("yes".into())
        );
        assert_eq!(
            quoted_token("Reply 'approve' when ready"),
            Some("approve".into())
        );
        assert_eq!(quoted_token("don't wait for `LGTM`"), Some("LGTM".into()));
        let refs = step_references("fix it, go back to step 3", Span::new(0, 25));
        assert_eq!(refs.iter().map(|r| r.step).collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn numbered_headings() {
        assert_eq!(numbered_heading("1. Plan"), Some((1, "Plan")));
        assert_eq!(numbered_heading("Step 2: Build it"), Some((2, "Build it")));
        assert_eq!(numbered_heading("1.2 User Feedback Pattern Analysis"), None);
        assert_eq!(numbered_heading("Plan"), None);
    }

    #[test]
    fn lexicon_picks_the_earliest_phrase() {
        let v = Vocabulary::default();
        assert_eq!(
            earliest_kind("implement the code and its tests", &v),
            Some(StepKind::Implement)
        );
        assert_eq!(
            earliest_kind("only then commit and hand back", &v),
            Some(StepKind::Commit)
        );
        assert_eq!(
            earliest_kind("if changes needed", &v),
            Some(StepKind::Revise)
        );
        assert_eq!(
            earliest_kind("ask for approval", &v),
            Some(StepKind::RequestApproval)
        );
    }
}

#[cfg(test)]
mod heading_protocols {
    use super::*;

    fn numbers(body: &str) -> Vec<Vec<u64>> {
        let text = format!("---\nname: a\ndescription: b\n---\n{body}");
        let doc = crate::parse::parse(&text);
        protocols(doc.body(&text), &text, &Vocabulary::default())
            .iter()
            .map(|p| p.steps.iter().map(|s| s.number).collect())
            .collect()
    }

    #[test]
    fn numbering_that_starts_again_under_another_heading_is_another_protocol() {
        let body = "# Deployment workflow\n## ArgoCD\n### 1. Install\n### 2. Configure\n## Flux\n### 1. Install\n### 2. Bootstrap\n";
        assert_eq!(numbers(body), [vec![1, 2], vec![1, 2]]);
    }

    #[test]
    fn numbering_that_goes_on_across_phases_is_one_protocol() {
        let body = "# Workflow\n## Phase A\n### 1. Plan\n### 2. Implement\n## Phase B\n### 3. Ask for approval\n### 4. Commit\n";
        assert_eq!(numbers(body), [vec![1, 2, 3, 4]]);
    }
}
