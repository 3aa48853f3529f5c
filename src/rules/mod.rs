//! The rule registry. One rule per file under a category folder; each declares its metadata
//! and docs with [`declare_rule!`] and exposes one check function.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::AgentSpec;
use crate::parse::ParsedDoc;
use crate::source::{SourceFile, Span};
pub use settings::FileSettings;

/// Declares a rule's metadata; the doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub $id:ident = {
            code: $code:literal,
            name: $name:literal,
            label: $label:literal,
            category: $category:ident,
            severity: $severity:ident,
            fix: $fix:ident
            $(, dialects: [$($dialect:literal),+ $(,)?])? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub const $id: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $name,
            label: $label,
            dialects: $crate::rules::dialects!($([$($dialect),+])?),
            category: $crate::rules::Category::$category,
            severity: $crate::diagnostics::Severity::$severity,
            fix: $crate::rules::FixAvailability::$fix,
            docs: concat!($($doc, "\n"),*),
        };
    };
}

/// The dialects a rule checks: those it names, else (an empty list) every kind of agent file.
#[doc(hidden)]
#[macro_export]
macro_rules! __rule_dialects {
    () => {
        &[]
    };
    ([$($dialect:literal),+]) => {
        &[$($dialect),+]
    };
}
#[doc(hidden)]
pub use __rule_dialects as dialects;

pub mod codex;
pub mod config;
pub mod done;
pub mod encoding;
pub mod frontmatter;
pub mod loading;
pub mod protocol;
pub mod settings;
pub mod skills;
pub mod suppression;
pub mod team;
pub mod tools;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Loading,
    Frontmatter,
    Tools,
    Encoding,
    Protocol,
    Done,
    Team,
    Skills,
    Config,
    Suppression,
}

impl Category {
    pub const ALL: &[Category] = &[
        Category::Loading,
        Category::Frontmatter,
        Category::Tools,
        Category::Encoding,
        Category::Protocol,
        Category::Done,
        Category::Team,
        Category::Skills,
        Category::Config,
        Category::Suppression,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Loading => "loading",
            Category::Frontmatter => "frontmatter",
            Category::Tools => "tools",
            Category::Encoding => "encoding",
            Category::Protocol => "protocol",
            Category::Done => "done",
            Category::Team => "team",
            Category::Skills => "skills",
            Category::Config => "config",
            Category::Suppression => "suppression",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// What the label under a diagnostic's span says when the diagnostic gives none: what is
    /// wrong at that spot, in a few words.
    pub label: &'static str,
    /// The file kinds ([`crate::dialect`] ids) the rule checks; empty: every kind of agent
    /// file.
    pub dialects: &'static [&'static str],
    pub category: Category,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// Markdown: `## What it does`, `## Why is this bad?`, `## Example`, `Use instead:`.
    pub docs: &'static str,
}

impl RuleMeta {
    /// Whether the rule checks files of `dialect`.
    pub fn checks(&self, dialect: &crate::dialect::Dialect) -> bool {
        if self.dialects.is_empty() {
            dialect.family == crate::dialect::Family::Agent
        } else {
            self.dialects.contains(&dialect.id)
        }
    }

    /// The file kinds the rule checks, in registry order.
    pub fn dialects_checked(&self) -> Vec<&'static crate::dialect::Dialect> {
        crate::dialect::REGISTRY
            .iter()
            .copied()
            .filter(|d| self.checks(d))
            .collect()
    }

    /// The file kinds the rule checks, in a few words (`agents, skills`).
    pub fn kinds(&self) -> String {
        let mut kinds: Vec<&str> = self
            .dialects_checked()
            .iter()
            .map(|d| match d.family {
                crate::dialect::Family::Agent
                    if d.id == crate::dialect::codex_agent::DIALECT.id =>
                {
                    "Codex agents"
                }
                crate::dialect::Family::Agent => "agents",
                crate::dialect::Family::Skill => "skills",
                crate::dialect::Family::Command => "commands",
                crate::dialect::Family::Config => match d.id {
                    "claude-mcp" => ".mcp.json",
                    _ => "settings",
                },
            })
            .collect();
        // Other hosts' kinds after Claude Code's.
        kinds.sort_by_key(|k| k.starts_with("Codex"));
        kinds.join(", ")
    }

    /// The default label under a diagnostic's span.
    pub fn label(&self) -> String {
        self.label.to_owned()
    }

    /// A diagnostic of this rule at its default severity.
    pub fn diag(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.code,
            name: self.name,
            severity: self.severity,
            message: message.into(),
            help: None,
            span,
            fix: None,
            related: Vec::new(),
        }
    }

    /// The docs with the one-space indent of doc comments removed.
    pub fn doc_text(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The whole documentation as Markdown, as `agentspec explain`, the LSP's hover and
    /// `docs/rules/` show it.
    pub fn explain(&self) -> String {
        let fix = match self.fix {
            FixAvailability::None => "no fix",
            FixAvailability::Sometimes => "fix sometimes available",
            FixAvailability::Always => "fix available",
        };
        format!(
            "# {} ({})\n\nCategory: {} · default severity: {} · {fix} · checks: {}\n\n{}\n",
            self.name,
            self.code,
            self.category.as_str(),
            self.severity.as_str(),
            self.kinds(),
            self.doc_text().trim_end()
        )
    }

    /// Where the rule's documentation is published (`docs/rules/` in the repository).
    pub fn doc_url(&self) -> String {
        format!(
            "{}/blob/main/docs/rules/{}-{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.code,
            self.name
        )
    }

    /// `## What it does` and `## Why is this bad?` as plain paragraphs.
    pub fn description(&self) -> String {
        let text = self.doc_text();
        let body = text.split("## Example").next().unwrap_or("");
        body.lines()
            .filter(|l| !l.starts_with("## "))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }

    /// The first sentence of `## What it does`.
    pub fn summary(&self) -> String {
        let text = self.doc_text();
        let body = text
            .split("## What it does")
            .nth(1)
            .unwrap_or("")
            .split("##")
            .next()
            .unwrap_or("");
        let joined = body.split_whitespace().collect::<Vec<_>>().join(" ");
        match joined.find(". ") {
            Some(i) => joined[..=i].to_owned(),
            None => joined,
        }
    }
}

/// Everything a per-file rule may look at.
pub struct FileContext<'a> {
    /// The file's kind: its fields and what they take.
    pub dialect: &'static crate::dialect::Dialect,
    pub source: &'a SourceFile,
    pub doc: &'a ParsedDoc,
    pub spec: &'a AgentSpec,
    pub settings: &'a FileSettings,
    /// The agents tree the file belongs to, for cross-file rules.
    pub tree: Option<&'a Path>,
    /// A description continued on unindented lines, if the frontmatter has one.
    pub continuation: Option<&'a crate::model::continuation::Continuation>,
}

impl FileContext<'_> {
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// From `offset` to the end of its line.
    pub fn rest_of_line(&self, offset: usize) -> Span {
        let text = self.text();
        let start = crate::source::clamp_to_char_boundary(text, offset);
        let end = text[start..]
            .find(['\r', '\n'])
            .map_or(text.len(), |i| start + i);
        Span::new(start, end)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.source.text.get(span.start..span.end).unwrap_or("")
    }
}

/// A file's identity for cross-file rules: all they may know of a file, so that a run keeps
/// only this much of each file while the others are checked.
pub struct ProjectEntry<'a> {
    pub path: &'a Path,
    pub tree: Option<&'a Path>,
    /// The Claude Code releases the file's settings select.
    pub target: &'a crate::release::Target,
    /// The agent's `name` and where it is written.
    pub name: Option<(&'a str, Span)>,
    /// Some selected release loads the file.
    pub loads_somewhere: bool,
    /// What the file defines.
    pub family: crate::dialect::Family,
    /// The skills an agent names (`skills:` and its body), and where.
    pub uses: &'a [(String, Span)],
    /// The MCP tools its tool list names (`mcp__server__tool`), and where.
    pub mcp_tools: &'a [(String, Span)],
    /// The MCP servers a `.mcp.json` configures.
    pub mcp_servers: &'a [String],
}

pub type FileCheck = fn(&FileContext, &mut Vec<Diagnostic>);
/// Gets every file; returns diagnostics by file index.
pub type ProjectCheck = fn(&[ProjectEntry]) -> Vec<(usize, Diagnostic)>;

#[derive(Clone, Copy)]
pub enum Check {
    File(FileCheck),
    Project(ProjectCheck),
    /// Reported by the engine itself (suppression comments, unreadable files).
    Engine,
}

#[derive(Clone, Copy)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

macro_rules! file_rule {
    ($module:path) => {{
        use $module as m;
        Rule {
            meta: &m::RULE,
            check: Check::File(m::check),
        }
    }};
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &loading::unreadable_file::RULE,
        check: Check::Engine,
    },
    file_rule!(loading::no_frontmatter),
    file_rule!(loading::frontmatter_not_on_first_line),
    file_rule!(loading::unclosed_frontmatter),
    file_rule!(loading::invalid_yaml),
    file_rule!(loading::missing_name),
    file_rule!(loading::invalid_name),
    file_rule!(loading::missing_description),
    file_rule!(loading::invalid_hooks),
    Rule {
        meta: &loading::duplicate_name::RULE,
        check: Check::Project(loading::duplicate_name::check),
    },
    file_rule!(loading::not_markdown),
    Rule {
        meta: &loading::settings_skipped::RULE,
        check: Check::Engine,
    },
    file_rule!(frontmatter::unknown_key),
    file_rule!(frontmatter::skill_tools_key),
    file_rule!(frontmatter::invalid_value_type),
    file_rule!(frontmatter::unknown_model),
    file_rule!(frontmatter::invalid_field_value),
    file_rule!(frontmatter::lenient_yaml),
    file_rule!(frontmatter::duplicate_key),
    file_rule!(frontmatter::frontmatter_closed_mid_line),
    file_rule!(frontmatter::unknown_hook_event),
    file_rule!(frontmatter::ignored_hook_entry),
    file_rule!(frontmatter::description_continuation),
    file_rule!(tools::unknown_tool),
    file_rule!(tools::legacy_tool_name),
    file_rule!(tools::duplicate_tool),
    file_rule!(tools::invalid_permission_rule),
    file_rule!(tools::deprecated_colon_star),
    file_rule!(tools::allowed_and_disallowed),
    file_rule!(tools::disallowed_specifier),
    file_rule!(tools::no_tools),
    file_rule!(tools::invalid_mcp_name),
    file_rule!(tools::empty_tools),
    file_rule!(tools::tool_not_granted),
    file_rule!(encoding::mojibake),
    file_rule!(encoding::replacement_character),
    file_rule!(encoding::invalid_utf8),
    file_rule!(protocol::missing_protocol_step),
    file_rule!(protocol::protocol_numbering),
    file_rule!(protocol::unknown_step_reference),
    file_rule!(protocol::protocol_order),
    file_rule!(protocol::inconsistent_protocols),
    file_rule!(protocol::unclassified_step),
    file_rule!(protocol::protocol_needs_tool),
    file_rule!(done::missing_definition_of_done),
    file_rule!(done::empty_done_group),
    file_rule!(done::duplicate_done_item),
    file_rule!(team::tool_not_allowed),
    file_rule!(team::implicit_tools),
    file_rule!(codex::codex_agent_rejected),
    file_rule!(codex::codex_agent_setting),
    file_rule!(skills::skill_never_loads),
    file_rule!(skills::invalid_skill_name),
    file_rule!(skills::skill_name_mismatch),
    file_rule!(skills::skill_description),
    file_rule!(skills::missing_skill_file),
    Rule {
        meta: &skills::unknown_skill::RULE,
        check: Check::Project(skills::unknown_skill::check),
    },
    file_rule!(skills::agent_key_in_command),
    file_rule!(skills::arguments_without_hint),
    file_rule!(skills::shell_line_not_allowed),
    file_rule!(skills::missing_file_reference),
    Rule {
        meta: &skills::command_shadowed_by_skill::RULE,
        check: Check::Project(skills::command_shadowed_by_skill::check),
    },
    Rule {
        meta: &config::missing_hook_script::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &config::unknown_settings_key::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &config::settings_permission_rule::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &config::invalid_mcp_config::RULE,
        check: Check::Engine,
    },
    Rule {
        meta: &config::unknown_mcp_server::RULE,
        check: Check::Project(config::unknown_mcp_server::check),
    },
    Rule {
        meta: &suppression::unused_suppression::RULE,
        check: Check::Engine,
    },
];

/// Finds a rule by code (`AS101`) or name (`unknown-key`), case-insensitively.
pub fn find(selector: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| {
        r.meta.code.eq_ignore_ascii_case(selector) || r.meta.name.eq_ignore_ascii_case(selector)
    })
}

/// Whether `selector` (a code, a code prefix such as `AS1`, a name, a category or `ALL`)
/// selects `rule`.
pub fn selects(selector: &str, rule: &RuleMeta) -> bool {
    selector.eq_ignore_ascii_case("all")
        || rule.name.eq_ignore_ascii_case(selector)
        || rule.category.as_str().eq_ignore_ascii_case(selector)
        || (selector.len() >= 2
            && rule
                .code
                .to_ascii_uppercase()
                .starts_with(&selector.to_ascii_uppercase()))
}

/// Whether `selector` selects any rule.
pub fn is_valid_selector(selector: &str) -> bool {
    RULES.iter().any(|r| selects(selector, r.meta))
}

/// Suggests a rule code or name close to an unknown selector.
pub fn suggest_selector(selector: &str) -> Option<&'static str> {
    crate::vocab::did_you_mean(
        selector,
        RULES
            .iter()
            .map(|r| r.meta.name)
            .chain(Category::ALL.iter().map(|c| c.as_str())),
    )
}
