//! The content cache of `agentspec check`, as ruff keeps one: what checking a file found, keyed
//! by everything that decides it, so that a run over unchanged files does not check them again.
//!
//! - **Key**: a hash of the cache format, agentspec's version, the file's resolved settings
//!   ([`FileSettings::fingerprint`]), its path, whether it is a plugin agent, its agents tree and
//!   its content (xxh3-128). A change to any of them is a miss.
//! - **Entry**: the file's per-file findings as its rules reported them (suppressions, hold-backs
//!   and severities are applied on every run, after the cross-file findings join them), whether
//!   it loads and under which name, and the [`Facts`] cross-file rules need. Cross-file rules always run,
//!   over the facts of every file, cached or not.
//! - **Storage**: one pack per agentspec version, `<dir>/agentspec-<version>.pack`, read whole at
//!   the start and written (only when something was added) by rename at the end: a reader never
//!   sees half a pack, and two runs at once each write a whole one (the last one stays). The
//!   pack carries a magic number, the format and a checksum of its payload; a pack that does not
//!   match is ignored whole and rewritten. An entry is used only when its key matches and its
//!   findings fit the file (known rule codes, spans inside the text); any other entry is a miss.
//! - **Place**: `--cache-dir`, else `AGENTSPEC_CACHE_DIR`, else `.agentspec_cache/` in the
//!   directory of the configuration file, else in the working directory. The directory gets a
//!   `.gitignore` that ignores it whole and a `CACHEDIR.TAG`.
//! - Failing to read the cache is a miss; failing to write it is reported and never fails the
//!   check.
//! - **The walk** is remembered beside the pack ([`discover`]): the candidates of the last
//!   discovery with the same paths, used while every folder it walked and every file it
//!   depended on keeps its signature.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Applicability, Diagnostic, Edit, Fix, Related, Severity};
use crate::lint::{Facts, Input, Raw};
use crate::rules::FileSettings;
use crate::source::Span;

/// The cache directory's name when no other is given.
pub const DIR_NAME: &str = ".agentspec_cache";

const MAGIC: &[u8; 8] = b"agentspc";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Bumped whenever [`Entry`] or the key changes shape.
const FORMAT: u32 = 3;
/// A pack larger than this is not read.
const MAX_PACK: u64 = 1 << 30;
const HEADER: usize = 8 + 4 + 8 + 16;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: u128,
    /// The hash of the content checked.
    content: u128,
    /// The file's signature before it was read, and when that was.
    stat: Option<Stat>,
    recorded_ns: i128,
    /// The report had no findings (before cross-file rules): rendering it needs no text.
    finished_empty: bool,
    /// The content opens with frontmatter that has a `name:` key: what keeps a file found
    /// outside an agents folder.
    named: bool,
    /// The agent's name as registered and whether it loads; `None` for a settings file.
    identity: Option<(Option<String>, bool)>,
    continuation: Option<(usize, usize)>,
    unparsed: Option<(usize, usize)>,
    name: Option<(String, usize, usize)>,
    loads_somewhere: bool,
    uses: Vec<(String, usize, usize)>,
    mcp_tools: Vec<(String, usize, usize)>,
    mcp_servers: Vec<String>,
    project_rules: Vec<usize>,
    diagnostics: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Finding {
    code: String,
    severity: u8,
    message: String,
    help: Option<String>,
    span: (usize, usize),
    fix: Option<FixEntry>,
    /// Related places, all in the same file (entries with places elsewhere are not cached).
    related: Vec<(usize, usize, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FixEntry {
    changes_behaviour: bool,
    edits: Vec<(usize, usize, String)>,
    title: Option<String>,
}

/// What a file looked like on disk before it was read. An entry whose signature still matches,
/// and whose file had not changed for [`SETTLED_NS`] when it was read, is taken to hold the
/// content it held then, as git trusts its index: the file is neither read nor hashed unless
/// its report needs the text. A write changes the change time (`ctime`), which no one can set
/// back; a file written within [`SETTLED_NS`] of being read is always read and hashed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stat {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    dev: u64,
}

/// How long a file must have been unchanged when it was read for its signature to be trusted.
const SETTLED_NS: i128 = 2_000_000_000;

impl Stat {
    /// The signature of the regular file at `path` (following links), or `None`.
    #[cfg(unix)]
    pub(crate) fn of(path: &Path) -> Option<Stat> {
        let m = std::fs::metadata(path).ok()?;
        m.is_file().then(|| Stat::from_metadata(&m))
    }

    /// Without a change time to rely on, files are always read.
    #[cfg(not(unix))]
    pub(crate) fn of(_path: &Path) -> Option<Stat> {
        None
    }

    fn settled(&self, recorded_ns: i128) -> bool {
        self.mtime_ns.max(self.ctime_ns) + SETTLED_NS < recorded_ns
    }
}

/// The time now, in nanoseconds since the epoch.
pub(crate) fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0))
}

/// An entry found for a file.
pub(crate) struct Hit {
    pub raw: Raw,
    pub facts: Facts,
    /// The hash of the content the entry is about.
    pub content: u128,
    pub finished_empty: bool,
    /// The content opens with named frontmatter.
    pub named: bool,
}

/// What a run records of a file it checked.
pub(crate) struct Record<'a> {
    pub key: u128,
    pub raw: &'a Raw,
    pub facts: &'a Facts,
    pub content: u128,
    pub stat: Option<Stat>,
    pub recorded_ns: i128,
    pub finished_empty: bool,
    pub named: bool,
}

/// A cache opened for one run.
pub struct Cache {
    dir: PathBuf,
    pack: PathBuf,
    old: HashMap<Vec<u8>, Entry>,
    new: Mutex<HashMap<Vec<u8>, Entry>>,
}

impl Cache {
    /// The directory a run uses: `flag`, else `AGENTSPEC_CACHE_DIR`, else `.agentspec_cache`
    /// next to the configuration file, else in the working directory.
    pub fn dir_for(flag: Option<&Path>, config_file: Option<&Path>) -> PathBuf {
        if let Some(dir) = flag {
            return dir.to_path_buf();
        }
        if let Some(dir) = std::env::var_os("AGENTSPEC_CACHE_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        match config_file {
            Some(file) => crate::fsutil::parent_dir(file).join(DIR_NAME),
            None => PathBuf::from(DIR_NAME),
        }
    }

    /// Opens the cache in `dir`, reading this version's pack if there is a sound one.
    pub fn open(dir: &Path) -> Cache {
        let pack = dir.join(format!("agentspec-{VERSION}.pack"));
        let old = read_pack(&pack).unwrap_or_default();
        Cache {
            dir: dir.to_path_buf(),
            pack,
            old,
            new: Mutex::new(HashMap::new()),
        }
    }

    /// The key of `input` under the settings whose [`FileSettings::fingerprint`] is `settings`,
    /// or `None` for content that is never cached (a file that could not be read, or binary).
    pub fn key(&self, input: &Input, content_hash: u128, settings: u128) -> Option<u128> {
        let bytes = input.content.as_deref().ok()?;
        if bytes.contains(&0) {
            return None;
        }
        Some(key_of(
            &input.path,
            input.plugin,
            input.tree.as_deref(),
            content_hash,
            settings,
        ))
    }

    /// The entry for the file at `path` whose signature is still `stat` and was trusted when
    /// recorded, if its key (with the content it recorded) still matches.
    pub(crate) fn by_stat(
        &self,
        path: &Path,
        plugin: bool,
        tree: Option<&Path>,
        stat: &Stat,
        settings: (&FileSettings, u128),
    ) -> Option<Hit> {
        let entry = self.old.get(path.as_os_str().as_encoded_bytes())?;
        if entry.stat.as_ref() != Some(stat) || !stat.settled(entry.recorded_ns) {
            return None;
        }
        let key = key_of(path, plugin, tree, entry.content, settings.1);
        let len = usize::try_from(stat.size).ok()?;
        self.hit(entry, key, path, tree, len, settings.0)
    }

    /// What checking `input` found and its facts, from its entry, if the entry has `key` and
    /// fits the file.
    pub(crate) fn get(&self, input: &Input, key: u128, settings: &FileSettings) -> Option<Hit> {
        let path = input.path.as_os_str().as_encoded_bytes();
        let entry = self.old.get(path)?;
        let len = input.content.as_ref().ok()?.len();
        self.hit(
            entry,
            key,
            &input.path,
            input.tree.as_deref(),
            len,
            settings,
        )
    }

    /// `entry` if it has `key` and its findings fit a file of `len` bytes (spans checked
    /// against the bytes: the text is the bytes, or their lossy decoding, never shorter).
    fn hit(
        &self,
        entry: &Entry,
        key: u128,
        path: &Path,
        tree: Option<&Path>,
        len: usize,
        settings: &FileSettings,
    ) -> Option<Hit> {
        if entry.key != key {
            return None;
        }
        let span = |(start, end): (usize, usize)| {
            (start <= end && end <= len).then(|| Span::new(start, end))
        };
        let mut diagnostics = Vec::with_capacity(entry.diagnostics.len());
        for f in &entry.diagnostics {
            let rule = crate::rules::find(&f.code).filter(|r| r.meta.code == f.code)?;
            let fix = match &f.fix {
                Some(fix) => {
                    let mut edits = Vec::with_capacity(fix.edits.len());
                    for (start, end, content) in &fix.edits {
                        edits.push(Edit::replace(span((*start, *end))?, content.clone()));
                    }
                    Some(Fix {
                        applicability: if fix.changes_behaviour {
                            Applicability::Unsafe
                        } else {
                            Applicability::Safe
                        },
                        edits,
                        title: fix.title.clone(),
                    })
                }
                None => None,
            };
            let mut related = Vec::with_capacity(f.related.len());
            for (start, end, message) in &f.related {
                related.push(Related {
                    path: path.to_path_buf(),
                    span: span((*start, *end))?,
                    message: message.clone(),
                });
            }
            diagnostics.push(Diagnostic {
                code: rule.meta.code,
                name: rule.meta.name,
                severity: severity_from(f.severity)?,
                message: f.message.clone(),
                help: f.help.clone(),
                span: span(f.span)?,
                fix,
                related,
            });
        }
        let name = match &entry.name {
            Some((name, start, end)) => Some((name.clone(), span((*start, *end))?)),
            None => None,
        };
        let optional = |s: Option<(usize, usize)>| match s {
            Some(s) => span(s).map(Some),
            None => Some(None),
        };
        let raw = Raw {
            diagnostics,
            continuation: optional(entry.continuation)?,
            unparsed: optional(entry.unparsed)?,
            identity: entry.identity.clone(),
        };
        let facts = Facts {
            path: path.to_path_buf(),
            tree: tree.map(Path::to_path_buf),
            target: settings.claude_code.clone(),
            name,
            loads_somewhere: entry.loads_somewhere,
            uses: entry
                .uses
                .iter()
                .map(|(n, start, end)| Some((n.clone(), span((*start, *end))?)))
                .collect::<Option<_>>()?,
            mcp_tools: entry
                .mcp_tools
                .iter()
                .map(|(n, start, end)| Some((n.clone(), span((*start, *end))?)))
                .collect::<Option<_>>()?,
            mcp_servers: entry.mcp_servers.clone(),
            project_rules: entry.project_rules.clone(),
        };
        Some(Hit {
            raw,
            facts,
            content: entry.content,
            finished_empty: entry.finished_empty,
            named: entry.named,
        })
    }

    /// Records what checking the file at `path` found.
    pub(crate) fn put(&self, path: &Path, record: Record) {
        let Record {
            key,
            raw,
            facts,
            content,
            stat,
            recorded_ns,
            finished_empty,
            named,
        } = record;
        let mut diagnostics = Vec::with_capacity(raw.diagnostics.len());
        for d in &raw.diagnostics {
            if d.related.iter().any(|r| r.path != path) {
                return;
            }
            diagnostics.push(Finding {
                code: d.code.to_owned(),
                severity: severity_code(d.severity),
                message: d.message.clone(),
                help: d.help.clone(),
                span: (d.span.start, d.span.end),
                fix: d.fix.as_ref().map(|f| FixEntry {
                    changes_behaviour: f.applicability == Applicability::Unsafe,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| (e.start, e.end, e.content.clone()))
                        .collect(),
                    title: f.title.clone(),
                }),
                related: d
                    .related
                    .iter()
                    .map(|r| (r.span.start, r.span.end, r.message.clone()))
                    .collect(),
            });
        }
        let pair = |s: Option<Span>| s.map(|s| (s.start, s.end));
        let entry = Entry {
            key,
            content,
            stat,
            recorded_ns,
            finished_empty,
            named,
            identity: raw.identity.clone(),
            continuation: pair(raw.continuation),
            unparsed: pair(raw.unparsed),
            name: facts
                .name
                .as_ref()
                .map(|(n, span)| (n.clone(), span.start, span.end)),
            loads_somewhere: facts.loads_somewhere,
            uses: facts
                .uses
                .iter()
                .map(|(n, s)| (n.clone(), s.start, s.end))
                .collect(),
            mcp_tools: facts
                .mcp_tools
                .iter()
                .map(|(n, s)| (n.clone(), s.start, s.end))
                .collect(),
            mcp_servers: facts.mcp_servers.clone(),
            project_rules: facts.project_rules.clone(),
            diagnostics,
        };
        let path = path.as_os_str().as_encoded_bytes().to_vec();
        if let Ok(mut new) = self.new.lock() {
            new.insert(path, entry);
        }
    }

    /// Writes the pack when this run added entries: the new entries, and the old ones of files
    /// that still exist and were not checked again.
    pub fn save(self) -> std::io::Result<()> {
        let new = self.new.into_inner().unwrap_or_default();
        if new.is_empty() {
            return Ok(());
        }
        let mut merged: Vec<(Vec<u8>, Entry)> = self
            .old
            .into_iter()
            .filter(|(path, _)| !new.contains_key(path) && still_there(path))
            .collect();
        merged.extend(new);
        merged.sort_by(|a, b| a.0.cmp(&b.0));
        let payload = postcard::to_stdvec(&merged).map_err(std::io::Error::other)?;
        let mut bytes = Vec::with_capacity(HEADER + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        create_dir(&self.dir)?;
        crate::fsutil::write_atomic(&self.pack, &bytes, crate::fsutil::Durability::Renamed)
    }

    /// Where the pack is.
    pub fn pack_path(&self) -> &Path {
        &self.pack
    }
}

/// A discovery remembered, as `<dir>/agentspec-<version>.walk`: the candidates a walk found and
/// the signature of every path it depended on ([`crate::discover::Watched`]: the folders
/// walked, the ignore files, the plugin manifests, the settings files; a missing one as
/// missing). A run with the same paths whose every watched path still has its signature takes
/// the candidates without walking: one `stat` per folder instead of reading each folder and
/// matching its entries against the ignore rules. Any difference walks again, as does a
/// signature that was not yet settled when recorded (a folder changed within two seconds of
/// the walk), a walk that failed somewhere, or a path that is not UTF-8.
#[derive(Debug, Serialize, Deserialize)]
struct WalkIndex {
    key: u128,
    watched: Vec<Watch>,
    /// Path, plugin, tree, needs a name.
    candidates: Vec<(String, bool, Option<String>, bool)>,
}

/// A watched path, its own signature, and its target's when it is a link.
type Watch = (String, Option<Stat>, Option<Stat>);

const WALK_MAGIC: &[u8; 8] = b"agentspw";
/// Bumped whenever [`WalkIndex`] or what a discovery watches changes.
const WALK_FORMAT: u32 = 2;

/// The key of a discovery: the format, this build, the working directory, the paths given and
/// whether only agent files are wanted.
fn walk_key(paths: &[PathBuf], only_agent_files: bool) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(WALK_MAGIC);
    h.update(&FORMAT.to_le_bytes());
    h.update(&WALK_FORMAT.to_le_bytes());
    // The environment that decides which global ignore files apply.
    for var in crate::discover::IGNORE_ENVIRONMENT {
        let value = std::env::var_os(var).unwrap_or_default();
        let bytes = value.as_encoded_bytes();
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.update(VERSION.as_bytes());
    h.update(&build_id().to_le_bytes());
    let cwd = std::env::current_dir().unwrap_or_default();
    for path in std::iter::once(&cwd).chain(paths) {
        let bytes = path.as_os_str().as_encoded_bytes();
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.update(&[u8::from(only_agent_files)]);
    h.digest128()
}

impl Stat {
    #[cfg(unix)]
    fn from_metadata(m: &std::fs::Metadata) -> Stat {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Stat {
            size: m.size(),
            mtime_ns: ns(m.mtime(), m.mtime_nsec()),
            ctime_ns: ns(m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
            dev: m.dev(),
        }
    }

    /// The signature of whatever is at `path` without following a link, and, when it is a
    /// link, of what it leads to (an edit of a linked ignore file changes only that); `None`
    /// when nothing is there.
    #[cfg(unix)]
    fn of_entry(path: &Path) -> (Option<Stat>, Option<Stat>) {
        let Ok(own) = std::fs::symlink_metadata(path) else {
            return (None, None);
        };
        let target = own
            .file_type()
            .is_symlink()
            .then(|| {
                std::fs::metadata(path)
                    .ok()
                    .map(|m| Stat::from_metadata(&m))
            })
            .flatten();
        (Some(Stat::from_metadata(&own)), target)
    }
}

/// [`crate::discover::discover`], remembered in the cache directory `dir`: the candidates of the
/// last identical discovery when nothing it depended on changed, else a walk (remembered for the
/// next run when it can be trusted).
#[cfg(unix)]
pub fn discover(
    dir: &Path,
    paths: &[PathBuf],
    only_agent_files: bool,
) -> (
    Vec<crate::discover::Candidate>,
    Vec<crate::discover::WalkError>,
) {
    use rayon::prelude::*;
    let file = dir.join(format!("agentspec-{VERSION}.walk"));
    let key = walk_key(paths, only_agent_files);
    if let Some(index) = read_walk(&file).filter(|i| i.key == key)
        && index
            .watched
            .par_iter()
            .all(|(path, own, target)| Stat::of_entry(Path::new(path)) == (*own, *target))
    {
        let candidates = index
            .candidates
            .into_iter()
            .map(
                |(path, plugin, tree, needs_name)| crate::discover::Candidate {
                    path: PathBuf::from(path),
                    plugin,
                    tree: tree.map(PathBuf::from),
                    needs_name,
                },
            )
            .collect();
        return (candidates, Vec::new());
    }
    let recorded_ns = now_ns();
    let (candidates, errors, watched) = crate::discover::discover_watched(paths, only_agent_files);
    // The cache's own folder changes with every run that writes to it, so it is not watched;
    // a walk of a tree inside it (or of it) is not remembered at all.
    let own = std::fs::canonicalize(dir).ok();
    let inside_cache = paths.iter().any(|p| {
        std::fs::canonicalize(p)
            .ok()
            .zip(own.as_ref())
            .is_some_and(|(p, own)| p.starts_with(own))
    });
    if errors.is_empty() && watched.complete && !inside_cache {
        let is_own = |p: &Path| {
            p.ancestors().any(|a| {
                a.file_name().is_some() && a.file_name() == dir.file_name() && {
                    let canon = std::fs::canonicalize(a).ok();
                    canon.is_some() && canon == own
                }
            })
        };
        let watched: Option<Vec<Watch>> = watched
            .paths
            .par_iter()
            .filter(|p| !is_own(p))
            .map(|p| {
                let (stat, target) = Stat::of_entry(p);
                let trusted = [stat, target]
                    .iter()
                    .flatten()
                    .all(|s| s.settled(recorded_ns));
                Some((p.to_str()?.to_owned(), stat, target)).filter(|_| trusted)
            })
            .collect();
        let candidates: Option<Vec<_>> = candidates
            .iter()
            .map(|c| {
                let tree = match &c.tree {
                    Some(t) => Some(t.to_str()?.to_owned()),
                    None => None,
                };
                Some((c.path.to_str()?.to_owned(), c.plugin, tree, c.needs_name))
            })
            .collect();
        if let (Some(watched), Some(candidates)) = (watched, candidates) {
            // Failing to remember the walk costs the next run a walk, nothing else.
            let _ = write_walk(
                dir,
                &file,
                &WalkIndex {
                    key,
                    watched,
                    candidates,
                },
            );
        }
    }
    (candidates, errors)
}

/// Without change times to rely on, every run walks.
#[cfg(not(unix))]
pub fn discover(
    _dir: &Path,
    paths: &[PathBuf],
    only_agent_files: bool,
) -> (
    Vec<crate::discover::Candidate>,
    Vec<crate::discover::WalkError>,
) {
    crate::discover::discover(paths, only_agent_files)
}

fn read_walk(file: &Path) -> Option<WalkIndex> {
    let bytes = std::fs::read(file).ok()?;
    let (magic, rest) = (bytes.get(..8)?, bytes.get(8..)?);
    let (sum, payload) = (rest.get(..16)?, rest.get(16..)?);
    if magic != WALK_MAGIC || xxhash_rust::xxh3::xxh3_128(payload).to_le_bytes() != sum {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

fn write_walk(dir: &Path, file: &Path, index: &WalkIndex) -> std::io::Result<()> {
    let payload = postcard::to_stdvec(index).map_err(std::io::Error::other)?;
    let mut bytes = Vec::with_capacity(24 + payload.len());
    bytes.extend_from_slice(WALK_MAGIC);
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    create_dir(dir)?;
    crate::fsutil::write_atomic(file, &bytes, crate::fsutil::Durability::Renamed)
}

/// The key of a file: the cache format, agentspec's version, the settings' fingerprint, the
/// path, the plugin role, the agents tree and the content's hash.
fn key_of(path: &Path, plugin: bool, tree: Option<&Path>, content: u128, settings: u128) -> u128 {
    key_for_version(VERSION, path, plugin, tree, content, settings)
}

fn key_for_version(
    version: &str,
    path: &Path,
    plugin: bool,
    tree: Option<&Path>,
    content: u128,
    settings: u128,
) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&FORMAT.to_le_bytes());
    h.update(&(version.len() as u64).to_le_bytes());
    h.update(version.as_bytes());
    h.update(&build_id().to_le_bytes());
    h.update(&settings.to_le_bytes());
    let path = path.as_os_str().as_encoded_bytes();
    h.update(&(path.len() as u64).to_le_bytes());
    h.update(path);
    h.update(&[u8::from(plugin)]);
    match tree {
        Some(tree) => {
            let tree = tree.as_os_str().as_encoded_bytes();
            h.update(&(tree.len() as u64 + 1).to_le_bytes());
            h.update(tree);
        }
        None => h.update(&0u64.to_le_bytes()),
    }
    h.update(&content.to_le_bytes());
    h.digest128()
}

/// This build of agentspec: the size and modification time of the running program. A rebuild
/// with changed rules but the same version (a development build) then has other keys; two
/// copies of one release installed apart have other keys too, which costs one check each.
fn build_id() -> u128 {
    static ID: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::metadata(exe).ok())
        else {
            return 0;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        (u128::from(meta.len()) << 96) ^ modified
    })
}

/// Creates the cache directory with a `.gitignore` that ignores it whole and a
/// `CACHEDIR.TAG` (which backup tools skip).
///
/// Only in a folder the cache owns: one it creates, or an empty one. A folder that already holds
/// other files (`--cache-dir .claude`) gets neither, as a `.gitignore` of `*` there would hide
/// the project's own files from discovery.
fn create_dir(dir: &Path) -> std::io::Result<()> {
    let owned = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(_) => {
            std::fs::create_dir_all(dir)?;
            true
        }
    };
    if !owned {
        return Ok(());
    }
    let files: [(&str, &[u8]); 2] = [
        (
            ".gitignore",
            b"# Created by agentspec: the cache is not part of the project.\n*\n",
        ),
        (
            "CACHEDIR.TAG",
            b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by agentspec.\n",
        ),
    ];
    for (name, content) in files {
        let path = dir.join(name);
        if !path.exists() {
            crate::fsutil::write_atomic(&path, content, crate::fsutil::Durability::Renamed)?;
        }
    }
    Ok(())
}

/// Whether a path kept in the pack still names a file (paths that are not UTF-8 are kept).
fn still_there(path: &[u8]) -> bool {
    std::str::from_utf8(path).map_or(true, |p| Path::new(p).exists())
}

fn read_pack(pack: &Path) -> Option<HashMap<Vec<u8>, Entry>> {
    use std::io::Read;
    let file = std::fs::File::open(pack).ok()?;
    if file.metadata().ok()?.len() > MAX_PACK {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_PACK).read_to_end(&mut bytes).ok()?;
    decode(&bytes)
}

fn decode(bytes: &[u8]) -> Option<HashMap<Vec<u8>, Entry>> {
    let (header, payload) = (bytes.get(..HEADER)?, bytes.get(HEADER..)?);
    if &header[..8] != MAGIC || header[8..12] != FORMAT.to_le_bytes() {
        return None;
    }
    let len = u64::from_le_bytes(header[12..20].try_into().ok()?);
    let sum = u128::from_le_bytes(header[20..36].try_into().ok()?);
    if len != payload.len() as u64 || xxhash_rust::xxh3::xxh3_128(payload) != sum {
        return None;
    }
    let entries: Vec<(Vec<u8>, Entry)> = postcard::from_bytes(payload).ok()?;
    Some(entries.into_iter().collect())
}

fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn severity_from(code: u8) -> Option<Severity> {
    match code {
        0 => Some(Severity::Info),
        1 => Some(Severity::Warning),
        2 => Some(Severity::Error),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_pack_is_ignored() {
        let mut entries = vec![(
            b"a.md".to_vec(),
            Entry {
                key: 7,
                content: 1,
                stat: None,
                recorded_ns: 0,
                finished_empty: true,
                named: false,
                identity: None,
                continuation: None,
                unparsed: None,
                name: None,
                loads_somewhere: true,
                uses: vec![],
                mcp_tools: vec![],
                mcp_servers: vec![],
                project_rules: vec![],
                diagnostics: vec![],
            },
        )];
        let payload = postcard::to_stdvec(&entries).unwrap();
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        assert_eq!(decode(&bytes).map(|m| m.len()), Some(1));
        for cut in [0, 5, HEADER, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped).is_none());
        entries.clear();
        let mut foreign = bytes;
        foreign[8] ^= 1;
        assert!(decode(&foreign).is_none());
    }

    fn entry(key: u128, span: (usize, usize)) -> Entry {
        Entry {
            key,
            content: 0,
            stat: None,
            recorded_ns: 0,
            finished_empty: false,
            named: true,
            identity: Some((Some("a".into()), true)),
            continuation: None,
            unparsed: None,
            name: Some(("a".into(), 8, 9)),
            loads_somewhere: true,
            uses: vec![],
            mcp_tools: vec![],
            mcp_servers: vec![],
            project_rules: vec![],
            diagnostics: vec![Finding {
                code: "AS101".into(),
                severity: 1,
                message: "m".into(),
                help: None,
                span,
                fix: None,
                related: vec![],
            }],
        }
    }

    fn cache_with(path: &str, entry: Entry) -> Cache {
        let mut old = HashMap::new();
        old.insert(path.as_bytes().to_vec(), entry);
        Cache {
            dir: PathBuf::from("unused"),
            pack: PathBuf::from("unused/p.pack"),
            old,
            new: Mutex::new(HashMap::new()),
        }
    }

    #[test]
    fn entries_of_another_version_or_that_do_not_fit_the_file_are_misses() {
        let input = Input {
            path: PathBuf::from("a.md"),
            content: Ok(b"---
name: a
---
"
            .to_vec()),
            plugin: false,
            tree: None,
        };
        let settings = FileSettings::default();
        let fp = settings.fingerprint();
        let key = Cache::open(Path::new("/nonexistent"))
            .key(&input, 5, fp)
            .unwrap();
        let ours = cache_with("a.md", entry(key, (0, 3)));
        assert!(ours.get(&input, key, &settings).is_some());
        // The same entry written by another version has another key.
        let theirs = key_for_version("0.0.0", &input.path, false, None, 5, fp);
        assert_ne!(theirs, key);
        let foreign = cache_with("a.md", entry(theirs, (0, 3)));
        assert!(foreign.get(&input, key, &settings).is_none());
        // Other settings, other content, another path: other keys.
        assert_ne!(Cache::open(Path::new("/n")).key(&input, 6, fp), Some(key));
        assert_ne!(
            Cache::open(Path::new("/n")).key(&input, 5, fp ^ 1),
            Some(key)
        );
        // A span past the end of the file, or an unknown rule, is never trusted.
        let past = cache_with("a.md", entry(key, (0, 400)));
        assert!(past.get(&input, key, &settings).is_none());
        let mut unknown = entry(key, (0, 3));
        unknown.diagnostics[0].code = "AS999".into();
        assert!(
            cache_with("a.md", unknown)
                .get(&input, key, &settings)
                .is_none()
        );
        let mut bad = entry(key, (0, 3));
        bad.diagnostics[0].severity = 9;
        assert!(
            cache_with("a.md", bad)
                .get(&input, key, &settings)
                .is_none()
        );
        // Binary content is never cached.
        let binary = Input {
            content: Ok(vec![0, 1, 2]),
            ..input
        };
        assert!(ours.key(&binary, 5, fp).is_none());
    }
}
