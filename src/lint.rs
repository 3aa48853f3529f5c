//! Checking files: parse, model, run the enabled rules, apply suppressions and severities.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Edit, Fix, Severity};
use crate::model::{AgentSpec, FileRole, Load};
use crate::parse;
use crate::rules::FileSettings;
use crate::rules::{self, Check, FileContext, ProjectEntry, RULES};
use crate::source::{LineIndex, SourceFile, Span};

pub use crate::discover::{Input, MAX_FILE_SIZE};

/// The result for one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub source: SourceFile,
    line_index: std::sync::OnceLock<LineIndex>,
    /// The agent's name as Claude Code would register it, if it has one.
    pub agent: Option<String>,
    pub loads: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// The agent as agentspec read it; `None` when the file could not be read.
    pub spec: Option<AgentSpec>,
}

impl FileReport {
    /// Line starts of the file, computed on first use.
    pub fn line_index(&self) -> &LineIndex {
        self.line_index
            .get_or_init(|| LineIndex::new(&self.source.text))
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> crate::source::LineCol {
        self.line_index().line_col(&self.source.text, offset)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

#[derive(Clone)]
pub(crate) struct Checked {
    pub(crate) source: SourceFile,
    spec: Option<AgentSpec>,
    settings: Arc<FileSettings>,
    tree: Option<PathBuf>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Findings a root cause holds back (see [`HoldBack`]).
    hold_back: HoldBack,
    /// The agent's name as Claude Code registers it and whether it loads; `None` for a
    /// settings file, which [`finish`] judges by its findings.
    identity: Option<(Option<String>, bool)>,
}

/// What [`finish`] needs of a checked file besides its text and settings: what the cache keeps,
/// and what a run keeps of a file a cross-file rule may still report on.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    /// Findings before suppressions, hold-backs and severities.
    pub diagnostics: Vec<Diagnostic>,
    pub continuation: Option<Span>,
    pub unparsed: Option<Span>,
    pub identity: Option<(Option<String>, bool)>,
}

impl Checked {
    pub(crate) fn raw(&self) -> Raw {
        Raw {
            diagnostics: self.diagnostics.clone(),
            continuation: self.hold_back.continuation,
            unparsed: self.hold_back.unparsed,
            identity: self.identity.clone(),
        }
    }

    pub(crate) fn from_raw(
        source: SourceFile,
        settings: Arc<FileSettings>,
        tree: Option<PathBuf>,
        raw: Raw,
    ) -> Checked {
        Checked {
            source,
            spec: None,
            settings,
            tree,
            diagnostics: raw.diagnostics,
            hold_back: HoldBack {
                continuation: raw.continuation,
                unparsed: raw.unparsed,
            },
            identity: raw.identity,
        }
    }
}

/// Where findings stay hidden behind their root cause, so that the report shows the cause and
/// only what stays true once it is fixed.
///
/// - A description continued on unindented lines (AS111, or AS004 when it breaks the YAML)
///   makes the lost lines look like keys: what other rules say about those lines (unknown,
///   duplicate or lenient keys, tool names) goes away with the fix.
/// - Frontmatter that does not parse (AS004) has no fields: findings about what Claude Code
///   does with its fields would be about a reading it never makes. AS004's help says how many
///   were held back; the body's findings stay.
///
/// Held-back findings still count for suppression comments (a comment that suppresses one is
/// not unused), and encoding findings, AS108 (the frontmatter closed mid-line, itself a cause)
/// and AS901 are never held back.
#[derive(Debug, Clone, Default)]
struct HoldBack {
    /// The description and its lost lines.
    continuation: Option<Span>,
    /// The frontmatter, fences included, when its YAML does not parse.
    unparsed: Option<Span>,
}

impl HoldBack {
    const CAUSES: &[&str] = &["AS004", "AS111", "AS108", "AS901"];

    fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        let kept = |d: &Diagnostic| {
            Self::CAUSES.contains(&d.code)
                || rules::find(d.code).is_some_and(|r| r.meta.category == rules::Category::Encoding)
        };
        let within = |span: Option<Span>, d: &Diagnostic| {
            span.is_some_and(|s| (s.start..=s.end).contains(&d.span.start))
        };
        if let Some(region) = self.continuation
            && diagnostics
                .iter()
                .any(|d| matches!(d.code, "AS004" | "AS111") && within(Some(region), d))
        {
            diagnostics.retain(|d| kept(d) || !within(self.continuation, d));
        }
        if self.unparsed.is_none() || !diagnostics.iter().any(|d| d.code == "AS004") {
            return;
        }
        let before = diagnostics.len();
        diagnostics.retain(|d| kept(d) || !within(self.unparsed, d));
        let held = before - diagnostics.len();
        if held > 0
            && let Some(d) = diagnostics.iter_mut().find(|d| d.code == "AS004")
        {
            let note = format!(
                "{} about its fields {} reported once it parses",
                crate::diagnostics::plural(held, "more finding"),
                if held == 1 { "is" } else { "are" }
            );
            d.help = Some(match d.help.take() {
                Some(help) => format!("{help}\n{note}"),
                None => note,
            });
        }
    }
}

/// Checks every input (in parallel) and runs the cross-file rules; reports keep input order.
/// Every report is held until the end: for a library caller or a few files. `agentspec check`
/// uses [`check_streamed`], which keeps only each file's rendered output.
pub fn check_inputs(inputs: Vec<Input>, config: &Config) -> Vec<FileReport> {
    let work = move || {
        let mut checked: Vec<Checked> = inputs
            .into_par_iter()
            .map(|input| {
                let settings = Arc::new(config.for_path(&input.path));
                check_one(input, settings)
            })
            .collect();
        run_project_rules(&mut checked);
        checked.into_par_iter().map(finish).collect()
    };
    on_pool(work)
}

/// What cross-file rules need of one file; the rest of a checked file can go.
#[derive(Debug, Clone)]
pub struct Facts {
    pub path: PathBuf,
    pub tree: Option<PathBuf>,
    pub target: crate::release::Target,
    /// The agent's `name` and where it is written.
    pub name: Option<(String, Span)>,
    /// Some selected release loads the file.
    pub loads_somewhere: bool,
    /// The skills an agent names, and where.
    pub uses: Vec<(String, Span)>,
    /// The MCP tools its tool list names, and where.
    pub mcp_tools: Vec<(String, Span)>,
    /// The MCP servers a `.mcp.json` configures.
    pub mcp_servers: Vec<String>,
    /// Which cross-file rules the file's settings enable, by index into [`RULES`].
    pub project_rules: Vec<usize>,
}

impl Facts {
    pub(crate) fn of(c: &Checked) -> Facts {
        let (name, loads_somewhere) = match &c.spec {
            Some(spec) => (
                spec.name.as_ref().map(|n| (n.value.clone(), n.span)),
                spec.load.loads()
                    || spec.skipped_in.len() < c.settings.claude_code.releases().len(),
            ),
            None => (None, false),
        };
        let uses = c
            .spec
            .iter()
            .flat_map(|s| &s.skill_refs)
            .map(|r| (r.name.clone(), r.span))
            .collect();
        // An agent that defines its own servers (`mcpServers:`) names tools of its own.
        let mcp_tools = c
            .spec
            .iter()
            .filter(|s| s.mcp_servers.is_none())
            .flat_map(|s| s.tools.iter().flat_map(|t| &t.entries))
            .filter(|e| matches!(e.kind, crate::model::tools::ToolKind::Mcp { .. }))
            .map(|e| (e.name.clone(), e.name_span))
            .collect();
        let mcp_servers = if rules::config::is_mcp_file(&c.source.path) {
            rules::config::mcp_servers(&c.source.path, &c.source.text)
        } else {
            Vec::new()
        };
        let dialect = crate::dialect::of_path(&c.source.path);
        Facts {
            path: c.source.path.clone(),
            tree: c.tree.clone(),
            target: c.settings.claude_code.clone(),
            name,
            loads_somewhere,
            uses,
            mcp_tools,
            mcp_servers,
            project_rules: RULES
                .iter()
                .enumerate()
                .filter(|(i, r)| {
                    matches!(r.check, Check::Project(_))
                        && c.settings.rules[*i].is_some()
                        && r.meta.checks(dialect)
                })
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

/// xxh3-128 of a file's bytes.
pub(crate) fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Runs `work` on the checking pool, whose threads have stacks deep enough for any input.
pub fn on_pool<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Stack size of the checking threads: deeply nested YAML and Markdown recurse, and the
/// default 2 MiB of a thread is not enough for the nesting the parsers accept.
const STACK_SIZE: usize = 32 * 1024 * 1024;

fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("agentspec-check-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Checks one document given as text (stdin, an editor buffer).
pub fn check_text(path: &Path, text: &str, plugin: bool, config: &Config) -> FileReport {
    let input = Input {
        path: path.to_path_buf(),
        content: Ok(text.as_bytes().to_vec()),
        plugin,
        tree: None,
    };
    finish(check_one(input, Arc::new(config.for_path(path))))
}

pub(crate) fn check_one(input: Input, settings: Arc<FileSettings>) -> Checked {
    let bytes = match input.content {
        Ok(bytes) => bytes,
        Err(message) => {
            return unreadable(input.path, input.tree, settings, message);
        }
    };
    if bytes.contains(&0) {
        return unreadable(
            input.path,
            input.tree,
            settings,
            "the file holds NUL bytes: it is binary, not an agent definition".to_owned(),
        );
    }
    let source = SourceFile::from_bytes(input.path, bytes);
    let config_file = if crate::model::settings::is_settings_file(&source.path) {
        let mut found =
            rules::loading::settings_skipped::check(&source.text, &settings.claude_code);
        found.extend(rules::config::check_settings(
            &source.path,
            &source.text,
            &settings.claude_code,
        ));
        Some(found)
    } else if rules::config::is_mcp_file(&source.path) {
        Some(rules::config::check_mcp(&source.text))
    } else {
        None
    };
    if let Some(found) = config_file {
        let diagnostics = found
            .into_iter()
            .filter(|d| settings.severity_of(d.code).is_some())
            .collect();
        return Checked {
            source,
            spec: None,
            settings,
            tree: input.tree,
            diagnostics,
            hold_back: HoldBack::default(),
            identity: None,
        };
    }
    let dialect = crate::dialect::of_path(&source.path);
    let role = FileRole {
        plugin: input.plugin,
        markdown: source
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md")),
        toml: dialect.id == crate::dialect::codex_agent::DIALECT.id,
        family: dialect.family,
        place: place(&source.path, dialect.family),
    };
    let doc = parse::parse_as(&source.text, role.toml);
    let mut spec = AgentSpec::build_with(&doc, &source.text, role, &settings.vocabulary);
    if settings.claude_code != crate::release::Target::default() {
        spec.predict(&doc, &settings.claude_code);
    }
    let continuation = doc.frontmatter.as_ref().ok().and_then(|fm| {
        crate::model::continuation::find(&source.text, fm.content, &settings.known_keys)
    });
    let mut diagnostics = Vec::new();
    {
        let cx = FileContext {
            dialect,
            source: &source,
            doc: &doc,
            spec: &spec,
            settings: &settings,
            tree: input.tree.as_deref(),
            continuation: continuation.as_ref(),
        };
        // Each rule checks the file kinds it names.
        for (i, rule) in RULES.iter().enumerate() {
            if let (Check::File(check), Some(_)) = (rule.check, settings.rules[i])
                && rule.meta.checks(dialect)
            {
                check(&cx, &mut diagnostics);
            }
        }
    }
    let hold_back = HoldBack {
        continuation: continuation
            .as_ref()
            .map(crate::model::continuation::Continuation::region),
        unparsed: match (&doc.frontmatter, doc.yaml.as_ref().map(|y| &y.outcome)) {
            (Ok(fm), Some(parse::yaml::Outcome::Failed { .. })) => {
                Some(Span::new(fm.open.start, fm.close.end))
            }
            _ => None,
        },
    };
    let name = match spec.load {
        Load::LoadsUnderFileName => source
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned()),
        _ => spec.name.as_ref().map(|n| n.value.clone()),
    };
    // The report's `agent` is an agent's registered name; skills and commands are named by
    // their folders and files, and have none.
    let name = name.filter(|_| dialect.family == crate::dialect::Family::Agent);
    let identity = Some((name, spec.load.loads()));
    Checked {
        source,
        spec: Some(spec),
        settings,
        tree: input.tree,
        diagnostics,
        hold_back,
        identity,
    }
}

/// Where a skill's or a command's file sits, as Claude Code reads its folders (measured with
/// 2.1.328 and 2.1.332): `skills/<name>/SKILL.md` exactly (the file name in capitals, one
/// folder level); any Markdown file of a commands folder, except beside a `SKILL.md`.
fn place(path: &Path, family: crate::dialect::Family) -> crate::model::Place {
    use crate::dialect::claude_skill::SKILL_FILE;
    use crate::model::Place;
    match family {
        crate::dialect::Family::Agent | crate::dialect::Family::Config => Place::Read,
        crate::dialect::Family::Skill => {
            if path.file_name().is_none_or(|n| n != SKILL_FILE) {
                return Place::NotSkillFile;
            }
            // Where the host reads skills (a project's or the user's `.claude/skills/`, a
            // plugin's `skills/`), one folder level is read; a library of skills kept
            // elsewhere may sort them into categories, and is installed one skill a folder.
            match crate::dialect::folder_named(path, "skills") {
                Some(skills)
                    if path.parent().and_then(Path::parent) != Some(skills)
                        && read_by_host(skills) =>
                {
                    Place::NestedSkill
                }
                _ => Place::Read,
            }
        }
        crate::dialect::Family::Command => {
            // Under `commands/`, the folder's `SKILL.md` is matched in any case, and is the
            // folder's one command.
            if path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case(SKILL_FILE))
            {
                return Place::Read;
            }
            let beside_skill = path.parent().is_some_and(|dir| {
                ["SKILL.md", "skill.md", "Skill.md", "SKILL.MD"]
                    .iter()
                    .any(|n| dir.join(n).is_file())
            });
            if beside_skill {
                Place::BesideSkill
            } else {
                Place::Read
            }
        }
    }
}

/// A `skills` or `commands` folder Claude Code reads: in `.claude/`, or a plugin's.
fn read_by_host(folder: &Path) -> bool {
    folder.parent().is_some_and(|p| {
        p.file_name().is_some_and(|n| n == ".claude")
            || p.join(".claude-plugin").join("plugin.json").is_file()
    })
}

pub(crate) fn unreadable(
    path: PathBuf,
    tree: Option<PathBuf>,
    settings: Arc<FileSettings>,
    message: String,
) -> Checked {
    let diagnostics = rules::loading::unreadable_file::RULE
        .diag(Span::empty(0), message)
        .with_help("the file was skipped; the other files were checked");
    Checked {
        source: SourceFile::new(path, String::new()),
        spec: None,
        diagnostics: if settings.severity_of("AS000").is_some() {
            vec![diagnostics]
        } else {
            Vec::new()
        },
        settings,
        tree,
        hold_back: HoldBack::default(),
        identity: Some((None, false)),
    }
}

fn run_project_rules(checked: &mut [Checked]) {
    let facts: Vec<Facts> = checked.iter().map(Facts::of).collect();
    let found = project_diagnostics(&facts.iter().collect::<Vec<_>>());
    for (i, diag) in found {
        checked[i].diagnostics.push(diag);
    }
}

/// The cross-file rules' diagnostics, by index into `facts`, for the rules each file enables.
pub(crate) fn project_diagnostics(facts: &[&Facts]) -> Vec<(usize, Diagnostic)> {
    let entries: Vec<ProjectEntry> = facts
        .iter()
        .map(|f| ProjectEntry {
            path: &f.path,
            tree: f.tree.as_deref(),
            target: &f.target,
            name: f.name.as_ref().map(|(n, span)| (n.as_str(), *span)),
            loads_somewhere: f.loads_somewhere,
            family: crate::dialect::of_path(&f.path).family,
            uses: &f.uses,
            mcp_tools: &f.mcp_tools,
            mcp_servers: &f.mcp_servers,
        })
        .collect();
    let mut found = Vec::new();
    for (r, rule) in RULES.iter().enumerate() {
        if let Check::Project(check) = rule.check {
            for (i, diag) in check(&entries) {
                if facts[i].project_rules.contains(&r) {
                    found.push((i, diag));
                }
            }
        }
    }
    found
}

/// A set of files kept checked as they change (an editor's workspace): each update re-checks
/// one file; the cross-file rules run over all of them when a report is asked for.
pub struct Workspace {
    config: Config,
    files: std::collections::BTreeMap<PathBuf, (bool, Checked)>,
}

impl Workspace {
    pub fn new(config: Config) -> Workspace {
        Workspace {
            config,
            files: std::collections::BTreeMap::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the configuration and re-checks every file with it.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
        let inputs: Vec<Input> = self
            .files
            .iter()
            .map(|(path, (plugin, c))| Input {
                path: path.clone(),
                content: Ok(c.source.text.clone().into_bytes()),
                plugin: *plugin,
                tree: c.tree.clone(),
            })
            .collect();
        self.extend(inputs);
    }

    /// Adds or re-checks files (in parallel).
    pub fn extend(&mut self, inputs: Vec<Input>) {
        let config = &self.config;
        let checked: Vec<(PathBuf, bool, Checked)> = on_pool(|| {
            inputs
                .into_par_iter()
                .map(|input| {
                    let settings = Arc::new(config.for_path(&input.path));
                    (input.path.clone(), input.plugin, check_one(input, settings))
                })
                .collect()
        });
        for (path, plugin, c) in checked {
            self.files.insert(path, (plugin, c));
        }
    }

    /// Adds or re-checks one file.
    pub fn update(&mut self, input: Input) {
        let settings = Arc::new(self.config.for_path(&input.path));
        let path = input.path.clone();
        let plugin = input.plugin;
        let checked = on_pool(move || check_one(input, settings));
        self.files.insert(path, (plugin, checked));
    }

    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }

    /// The text the workspace holds for a file.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|(_, c)| c.source.text.as_str())
    }

    /// The report on one file, cross-file rules included.
    pub fn report(&self, path: &Path) -> Option<FileReport> {
        let facts: Vec<Facts> = self.files.values().map(|(_, c)| Facts::of(c)).collect();
        let target = self.files.keys().position(|p| p == path)?;
        let mut checked = self.files.values().nth(target)?.1.clone();
        for (i, diag) in project_diagnostics(&facts.iter().collect::<Vec<_>>()) {
            if i == target {
                checked.diagnostics.push(diag);
            }
        }
        Some(finish(checked))
    }
}

pub(crate) fn finish(mut c: Checked) -> FileReport {
    let line_index = std::sync::OnceLock::new();
    let suppressions = Suppressions::scan(&c.source.text);
    let mut diagnostics = suppressions.filter(std::mem::take(&mut c.diagnostics), || {
        line_index.get_or_init(|| LineIndex::new(&c.source.text))
    });
    if c.settings.severity_of("AS901").is_some() {
        diagnostics.extend(suppressions.unused());
    }
    c.hold_back.apply(&mut diagnostics);
    for d in &mut diagnostics {
        if let Some(meta) = rules::find(d.code).map(|r| r.meta)
            && let Some(severity) = c.settings.severity_of(d.code)
            && severity != meta.severity
        {
            d.severity = severity;
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.code, a.span.end).cmp(&(b.span.start, b.code, b.span.end))
    });
    let (agent, loads) = match c.identity.take() {
        Some(identity) => identity,
        // A settings file "loads" when Claude Code reads it rather than skipping it whole.
        None => (
            None,
            !diagnostics
                .iter()
                .any(|d| d.code == rules::loading::settings_skipped::RULE.code),
        ),
    };
    FileReport {
        path: c.source.path.clone(),
        source: c.source,
        line_index,
        agent,
        loads,
        diagnostics,
        spec: c.spec,
    }
}

// ---------------------------------------------------------------------------------------------
// Suppression comments

const NEXT_LINE: &str = "agentspec-disable-next-line";
const WHOLE_FILE: &str = "agentspec-disable-file";

struct Suppression {
    /// The comment's line, including its line break.
    line_span: Span,
    /// The directive and its rule list.
    span: Span,
    /// 0-based line the suppression applies to; `None` for the whole file.
    target: Option<usize>,
    /// Rule codes or names; empty means every rule.
    selectors: Vec<String>,
    used: std::cell::Cell<bool>,
}

struct Suppressions(Vec<Suppression>);

impl Suppressions {
    fn scan(text: &str) -> Suppressions {
        let mut found = Vec::new();
        if !text.contains("agentspec-disable") {
            return Suppressions(found);
        }
        let mut offset = 0;
        for (line_no, line) in text.split_inclusive('\n').enumerate() {
            let trimmed = line.trim_start();
            let comment = trimmed
                .strip_prefix("<!--")
                .or_else(|| trimmed.strip_prefix('#'))
                .map(str::trim_start);
            if let Some(rest) = comment {
                let directive = [NEXT_LINE, WHOLE_FILE]
                    .into_iter()
                    .find(|d| rest.starts_with(d) && !rest[d.len()..].starts_with(['-', '_']));
                if let Some(directive) = directive {
                    let args = rest[directive.len()..].split("-->").next().unwrap_or("");
                    let start = offset + (line.len() - trimmed.len());
                    let end = offset + line.trim_end().len();
                    found.push(Suppression {
                        line_span: Span::new(offset, offset + line.len()),
                        span: Span::new(start, end),
                        target: (directive == NEXT_LINE).then_some(line_no + 1),
                        selectors: args
                            .split(|c: char| c == ',' || c.is_whitespace())
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        used: std::cell::Cell::new(false),
                    });
                }
            }
            offset += line.len();
        }
        Suppressions(found)
    }

    fn filter<'i>(
        &self,
        diagnostics: Vec<Diagnostic>,
        index: impl FnOnce() -> &'i LineIndex,
    ) -> Vec<Diagnostic> {
        if self.0.is_empty() || diagnostics.is_empty() {
            return diagnostics;
        }
        let index = index();
        diagnostics
            .into_iter()
            .filter(|d| {
                let line = index.line_of(d.span.start);
                let hit = self.0.iter().find(|s| {
                    s.target.is_none_or(|t| t == line)
                        && (s.selectors.is_empty()
                            || s.selectors.iter().any(|sel| {
                                sel.eq_ignore_ascii_case(d.code) || sel.eq_ignore_ascii_case(d.name)
                            }))
                });
                if let Some(s) = hit {
                    s.used.set(true);
                }
                hit.is_none()
            })
            .collect()
    }

    fn unused(&self) -> Vec<Diagnostic> {
        let rule = &rules::suppression::unused_suppression::RULE;
        let mut out = Vec::new();
        for s in &self.0 {
            let unknown: Vec<&String> = s
                .selectors
                .iter()
                .filter(|sel| rules::find(sel).is_none())
                .collect();
            let fix = Fix::safe(vec![Edit::replace(s.line_span, "")]);
            if let Some(sel) = unknown.first() {
                let mut d = rule.diag(s.span, format!("suppression names an unknown rule `{sel}`"));
                d = match rules::suggest_selector(sel) {
                    Some(x) => d.with_help(format!("did you mean `{x}`?")),
                    None => d.with_help("`agentspec rules` lists the rule codes and names"),
                };
                out.push(d);
            } else if !s.used.get() {
                out.push(
                    rule.diag(s.span, "this suppression comment suppresses nothing")
                        .with_help("remove it")
                        .with_fix(fix),
                );
            }
        }
        out
    }
}
