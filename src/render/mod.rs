//! Output formats. Each renderer turns reports into one string; the CLI prints it.

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
mod statistics;
pub mod stream;

pub use concise::concise;
pub use github::{escape_data, escape_property, github};
pub use gitlab::gitlab;
pub use human::{Style, human, human_diagnostics, human_summary, snippet};
pub use json::json;
pub use junit::junit;
pub use sarif::sarif;
pub use statistics::{Statistic, statistics, statistics_human, statistics_json};

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;

use crate::lint::FileReport;

/// Totals over all reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        stream::Tally::of(reports).summary
    }
}

pub use crate::diagnostics::plural;

/// The Claude Code releases a report's verdicts are for, as JSON and SARIF give them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Modelled {
    /// As the target was given (`>=2.1.328`), or the release when none was.
    pub target: String,
    /// The measured releases whose behaviour the verdicts follow, oldest first.
    pub releases: Vec<String>,
    /// Whether every version the target admits was measured.
    pub measured: bool,
    /// What is assumed instead, when not.
    pub assumption: Option<String>,
    /// Where the target came from: `flag`, `config`, `installed` or `default`.
    pub source: &'static str,
}

impl Modelled {
    pub fn of(target: &crate::release::Target) -> Modelled {
        Modelled {
            target: if target.written().is_empty() {
                target.versions_text()
            } else {
                target.written().to_owned()
            },
            releases: target.versions().map(|v| v.to_string()).collect(),
            measured: target.measured(),
            assumption: target.assumption(),
            source: target.source().id(),
        }
    }
}

/// A path as shown to users: forward slashes, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Where the repository is, for formats that want paths relative to it (SARIF, GitHub, GitLab).
#[derive(Debug, Clone)]
pub struct Root {
    /// The absolute repository root: the nearest directory above the working directory that
    /// holds `.git`, else the working directory.
    pub dir: PathBuf,
    /// The absolute working directory, against which relative report paths are resolved.
    pub cwd: PathBuf,
}

impl Root {
    /// The root for the current working directory.
    pub fn detect() -> Root {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Root::for_dir(&cwd)
    }

    /// The root for a given absolute working directory.
    pub fn for_dir(cwd: &Path) -> Root {
        let dir = cwd
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(cwd)
            .to_path_buf();
        Root {
            dir,
            cwd: cwd.to_path_buf(),
        }
    }

    /// `path` relative to the root with `/` separators, or `None` when it lies outside it.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        let normal = normalize(&absolute);
        let rel = normal.strip_prefix(&self.dir).ok()?;
        Some(display_path(rel))
    }

    /// The path as the formats print it: relative to the root when inside it, else as given.
    pub fn display(&self, path: &Path) -> String {
        self.relative(path).unwrap_or_else(|| display_path(path))
    }
}

/// Removes `.` and resolves `..` lexically (symlinks are left alone, as a path on a report
/// names the file the user pointed at).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A fingerprint per diagnostic of one file, stable across runs and across edits elsewhere in
/// the file: it hashes the rule, the path, the text of the diagnostic's line (whitespace
/// collapsed), the text it points at, and how many earlier diagnostics of the file share all of
/// those — never a line number.
pub fn fingerprints(path: &str, report: &FileReport) -> Vec<String> {
    let text = &report.source.text;
    let index = report.line_index();
    let mut seen: std::collections::HashMap<[u8; 32], usize> = std::collections::HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let key = fingerprint_key(path, text, index, d);
            let n = seen.entry(key).or_insert(0);
            let occurrence = *n;
            *n += 1;
            let mut h = Sha256::new();
            h.update(key);
            h.update(occurrence.to_le_bytes());
            let digest = h.finalize();
            digest[..16].iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect()
}

fn fingerprint_key(
    path: &str,
    text: &str,
    index: &crate::source::LineIndex,
    d: &Diagnostic,
) -> [u8; 32] {
    let start = crate::source::clamp_to_char_boundary(text, d.span.start);
    let end = crate::source::clamp_to_char_boundary(text, d.span.end.max(start));
    let line = index.line_of(start);
    let line_start = index.line_start(line);
    let line_end = text
        .get(line_start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| line_start + i);
    let line_text: Vec<&str> = text
        .get(line_start..line_end)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let spanned = text.get(start..end).unwrap_or("");
    let spanned = &spanned[..crate::source::clamp_to_char_boundary(spanned, 256)];
    let mut h = Sha256::new();
    for part in [d.code, path, &line_text.join(" "), spanned] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().into()
}

/// The 1-based line and UTF-16 column of a byte offset (SARIF's default column kind, and what
/// editors count).
pub(crate) fn line_col_utf16(report: &FileReport, offset: usize) -> (usize, usize) {
    let (line, col) = report
        .line_index()
        .line_col_utf16(&report.source.text, offset);
    (line + 1, col + 1)
}

/// A `file:` URI for an absolute path (a trailing `/` when `dir`).
pub fn file_uri(path: &Path, dir: bool) -> String {
    let mut s = display_path(path);
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    if dir && !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", percent_encode(&s))
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
pub fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a `file:` URI (percent-decoded), or `None` for other schemes.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///p` and `file://localhost/p`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = rest.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8_lossy(&out).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_spaces_and_non_ascii() {
        assert_eq!(percent_encode("a b/ç.md"), "a%20b/%C3%A7.md");
        assert_eq!(
            percent_encode(".claude/agents/x_y-z.md"),
            ".claude/agents/x_y-z.md"
        );
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/ç#1.md");
        let uri = file_uri(path, false);
        assert_eq!(uri, "file:///tmp/a%20b/%C3%A7%231.md");
        assert_eq!(uri_path(&uri).as_deref(), Some(path));
        assert_eq!(uri_path("untitled:Untitled-1"), None);
    }
}
